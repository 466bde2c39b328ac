"""Example: read a digit row by row: an LSTM (or a GRU, or a plain RNN) on MNIST.

A recurrent layer reads a sequence one step at a time, carrying a state. Here the sequence is
an image: 28 time steps, the image's rows, each a vector of 28 pixels, (N, 28, 28). The LSTM's
last state, after the bottom row, goes into an Affine over the 10 digits. Gradients through
28 steps can grow large for one batch, so each step's gradients are clipped to a global norm
of 5 before Adam reads them. The plain RNN has the hardest time: its gradient reaches the
first rows only through 28 products of tanh' · Whᵀ (docs/sequence.md shows the curves).

    python examples/sequence_models.py                           # all the data, 3 epochs
    python examples/sequence_models.py --subset 2000 --epochs 3 --model gru

The lesson that explains it: ``examples/lessons/11_sequences.py``.
"""

import argparse

import zeronn

LAYERS = {"lstm": zeronn.LSTM, "gru": zeronn.GRU, "rnn": zeronn.RNN}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", choices=tuple(LAYERS), default="lstm")
    parser.add_argument("--hidden", type=int, default=128, help="units of the recurrent layer")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--subset", type=int, default=None, help="use the first N training digits")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    zeronn.manual_seed(args.seed)
    (x_train, t_train), (x_test, t_test) = zeronn.load_mnist(flatten=False)  # (N, 1, 28, 28)
    x_train, x_test = x_train[:, 0], x_test[:, 0]  # (N, 28, 28): 28 steps of 28 pixels
    if args.subset is not None:
        x_train, t_train = x_train[: args.subset], t_train[: args.subset]
    held = len(x_train) // 10
    x_val, t_val, x_train, t_train = (
        x_train[-held:],
        t_train[-held:],
        x_train[:-held],
        t_train[:-held],
    )

    recurrent = LAYERS[args.model](28, args.hidden, return_sequences=False, dtype="float32")
    model = zeronn.Sequential([recurrent, zeronn.Affine(args.hidden, 10, dtype="float32")])
    print(model.summary((28, 28)))
    optimizer = zeronn.Adam(model.parameters(), lr=0.001)
    trainer = zeronn.Trainer(model, optimizer, batch_size=100, clip_grad_norm=5.0)
    trainer.fit(x_train, t_train, args.epochs, validation=(x_val, t_val))
    _, test_accuracy = trainer.evaluate(x_test, t_test)
    print(f"test accuracy {test_accuracy:.4f}")


if __name__ == "__main__":
    main()
