"""Example: a multilayer perceptron on all of MNIST, and its report card.

784 → 100 → 100 → 10 with ReLU, Adam, mini-batches of 100. The last 10% of the training images
are held out to watch the training (validation); the test set is touched once, at the end.
Three epochs on all 54,000 remaining digits reach about 97% test accuracy; the classification
report shows which digits it confuses.

    python examples/mlp_mnist.py                 # all the data, 3 epochs
    python examples/mlp_mnist.py --subset 2000 --epochs 2

The lessons on this kind of network: ``examples/lessons/02_learning_curves.py`` (overfitting),
``03_optimizers.py``, ``04_weight_init.py``, ``05_batchnorm.py``, ``06_regularization.py``.
"""

import argparse

import zeronn
from zeronn.data import MNIST_CLASSES


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--subset", type=int, default=None, help="use the first N training digits")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    zeronn.manual_seed(args.seed)
    (x_train, t_train), (x_test, t_test) = zeronn.load_mnist()
    if args.subset is not None:
        x_train, t_train = x_train[: args.subset], t_train[: args.subset]
    held = len(x_train) // 10  # validation: part of the training set, never the test set
    x_val, t_val, x_train, t_train = (
        x_train[-held:],
        t_train[-held:],
        x_train[:-held],
        t_train[:-held],
    )

    model = zeronn.mlp([784, 100, 100, 10], init="he", dtype="float32")
    print(model.summary((784,)))
    trainer = zeronn.Trainer(model, zeronn.Adam(model.parameters(), lr=0.001), batch_size=100)
    trainer.fit(x_train, t_train, args.epochs, validation=(x_val, t_val))

    predictions = trainer.predict(x_test).argmax(axis=1)
    print(zeronn.classification_report(t_test, predictions, MNIST_CLASSES))
    print(f"test accuracy {zeronn.accuracy(predictions, t_test):.4f}")


if __name__ == "__main__":
    main()
