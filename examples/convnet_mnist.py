"""Lesson 3: a convolutional network, trained with augmentation applied on the fly.

The book's SimpleConvNet (conv 30×5×5 – ReLU – pool 2 – affine 100 – ReLU – affine 10) sees
each batch through small random rotations and shifts, drawn fresh every epoch, so no augmented
copy is ever stored. Then it saves the trained weights and loads them back.

    python examples/convnet_mnist.py --epochs 2
    python examples/convnet_mnist.py --subset 1000 --epochs 1
"""

import argparse
import tempfile
from pathlib import Path

import numpy as np

from zeronn.augment import ImageDataGenerator
from zeronn.data import load_mnist
from zeronn.metrics import accuracy
from zeronn.models import simple_convnet
from zeronn.optim import Adam
from zeronn.serialize import load, save
from zeronn.train import Trainer


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--subset", type=int, default=None, help="train on the first N digits")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    (x_train, t_train), (x_test, t_test) = load_mnist(flatten=False)  # (N, 1, 28, 28)
    if args.subset is not None:
        x_train, t_train = x_train[: args.subset], t_train[: args.subset]

    rng = np.random.default_rng(args.seed)
    model = simple_convnet((1, 28, 28), rng=rng, dtype=np.float32)
    augment = ImageDataGenerator(rotation_range=10, width_shift_range=2, height_shift_range=2)
    trainer = Trainer(
        model, Adam(model.parameters(), lr=0.001), batch_size=100, rng=rng, augment=augment
    )
    trainer.fit(x_train, t_train, args.epochs, validation=(x_test, t_test))

    with tempfile.TemporaryDirectory() as folder:
        path = save(model, Path(folder) / "simple_convnet.npz")
        twin = load(simple_convnet((1, 28, 28), rng=1, dtype=np.float32), path)
    same = accuracy(twin.predict(x_test), t_test) == accuracy(model.predict(x_test), t_test)
    print(f"reloaded model gives the same test accuracy: {same}")


if __name__ == "__main__":
    main()
