"""Example: a convolutional network, trained with augmentation applied on the fly.

The book's SimpleConvNet (conv 30×5×5 – ReLU – pool 2 – affine 100 – ReLU – affine 10) sees
each batch through small random rotations and shifts, drawn fresh every epoch, so no augmented
copy is ever stored. It watches a held-out tenth of the training set, is scored once on the
test set, and is saved and loaded back.

    python examples/convnet_mnist.py --epochs 2
    python examples/convnet_mnist.py --subset 1000 --epochs 1

The lessons on convnets: ``examples/lessons/08_conv_filters.py`` and ``09_gradcam.py``.
"""

import argparse
import tempfile
from pathlib import Path

import zeronn


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--subset", type=int, default=None, help="use the first N training digits")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    zeronn.manual_seed(args.seed)
    (x_train, t_train), (x_test, t_test) = zeronn.load_mnist(flatten=False)  # (N, 1, 28, 28)
    if args.subset is not None:
        x_train, t_train = x_train[: args.subset], t_train[: args.subset]
    held = len(x_train) // 10
    x_val, t_val, x_train, t_train = (
        x_train[-held:],
        t_train[-held:],
        x_train[:-held],
        t_train[:-held],
    )

    model = zeronn.simple_convnet((1, 28, 28), dtype="float32")
    augment = zeronn.ImageDataGenerator(
        rotation_range=10, width_shift_range=2, height_shift_range=2
    )
    trainer = zeronn.Trainer(
        model, zeronn.Adam(model.parameters(), lr=0.001), batch_size=100, augment=augment
    )
    trainer.fit(x_train, t_train, args.epochs, validation=(x_val, t_val))
    _, test_accuracy = trainer.evaluate(x_test, t_test)
    print(f"test accuracy {test_accuracy:.4f}")

    with tempfile.TemporaryDirectory() as folder:
        path = zeronn.save(model, Path(folder) / "simple_convnet.npz")
        twin = zeronn.load(zeronn.simple_convnet((1, 28, 28), dtype="float32"), path)
    same = (twin.predict(x_test) == model.predict(x_test)).all()
    print(f"reloaded model gives the same outputs: {same}")


if __name__ == "__main__":
    main()
