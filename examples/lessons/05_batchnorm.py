"""Lesson 5: Batch Normalization makes training fast and forgiving (the book's §6.3).

BatchNorm standardizes each unit over the mini-batch and then rescales it with learned γ, β:

    x̂ = (x − μ_B) / √(σ²_B + ε),      y = γ·x̂ + β

so every layer receives inputs of a sane scale, whatever the scale of the weights before it.
The book's experiment: a six-layer ReLU network (five hidden layers of 100) trained on only
1,000 MNIST images with SGD (lr 0.01, batches of 100), with and without a BatchNorm after each
hidden Affine, for 16 scales of initial weights from 1 down to 0.0001. Each panel shows the
accuracy on those 1,000 images after every epoch (eval mode, as the book measures it); both
runs of a panel start from weights of the same scale and see the batches in the same order.

What it shows (full mode; the ranges hold for any seed): with BatchNorm the network learns
(final accuracy at least 0.7) at 8 to 13 of the 16 scales; without it only in a narrow band
around std 0.1–0.3: larger weights make the activations overflow (training diverges, and is
stopped), smaller ones leave it at chance, about 0.1. Averaged over the 16 scales, BatchNorm
ends 35 to 65 points higher. At the very smallest scales BatchNorm slows down too: a unit's
batch variance falls below BatchNorm's ε = 1e-5, which then rules the denominator.

Full mode: about 24 s on 1 BLAS thread (2-core AMD EPYC, docs/lessons.md);
``--ci``: about 4 s, with 10 epochs and 4 scales (1, 0.05,
0.002, 0.0001): BatchNorm learns at 1–3 of them and ends 25 to 70 points higher on average.

    python examples/lessons/05_batchnorm.py [--ci] [--out DIR] [--seed N]
"""

# %%
import numpy as np
from _lesson import start
from matplotlib.figure import Figure

import zeronn

lesson = start("05_batchnorm", "training with and without BatchNorm")
(x_train, t_train), _ = zeronn.load_mnist()
x, t = x_train[:1000], t_train[:1000]
scales = np.logspace(0, -4, num=lesson.pick(16, 4))
epochs = lesson.pick(20, 10)


def train(batchnorm: bool, std: float) -> list[float]:
    """Accuracy on the 1,000 training images after each epoch, until training diverges."""
    model = zeronn.mlp([784, 100, 100, 100, 100, 100, 10], init=std, batchnorm=batchnorm)
    optimizer = zeronn.SGD(model.parameters(), lr=0.01)
    trainer = zeronn.Trainer(model, optimizer, batch_size=100, rng=lesson.seed, verbose=0)
    try:
        # The training images double as the "validation" data: measured after each epoch,
        # in eval mode, as the book measures them.
        trainer.fit(x, t, epochs, validation=(x, t))
    except zeronn.NonFiniteLossError as error:
        # Large weights without BatchNorm: the activations overflow. zeronn stops the step
        # that would write NaN into the weights; the book's code trains on with NaN.
        print(f"std {std:.2g} without BatchNorm: {str(error).split(':')[0]}")
    return trainer.history.val_accuracy  # the epochs completed


def final(accuracies: list[float]) -> float:
    """The last accuracy measured; a run stopped before the end counts as a guess (10%)."""
    return accuracies[-1] if len(accuracies) == epochs else 0.1


# %%
results = {std: (train(True, std), train(False, std)) for std in scales}
for std, (with_bn, without) in results.items():
    print(
        f"std {std:8.2g}: final accuracy with BatchNorm {final(with_bn):.3f}, "
        f"without {final(without):.3f}"
    )
advantage = float(
    np.mean([final(with_bn) - final(without) for with_bn, without in results.values()])
)
learned = sum(final(with_bn) >= 0.7 for with_bn, _ in results.values())
lesson.expect("scales at which BatchNorm learns (accuracy >= 0.7)", learned, (8, 13), (1, 3))
lesson.expect("BatchNorm's mean advantage", advantage, (0.35, 0.65), (0.25, 0.7))

# %%
columns = 4
figure = Figure(figsize=(11, 2.4 * len(scales) / columns + 0.5), layout="constrained")
grid = figure.subplots(len(scales) // columns, columns, sharex=True, sharey=True, squeeze=False)
for axes, (std, (with_bn, without)) in zip(grid.flat, results.items(), strict=True):
    axes.plot(np.arange(1, len(with_bn) + 1), with_bn, color="C0", label="BatchNorm")
    axes.plot(
        np.arange(1, len(without) + 1), without, color="C1", linestyle="--", label="no BatchNorm"
    )
    if len(without) < epochs:
        axes.text(0.5, 0.5, "no BatchNorm:\ndiverged", transform=axes.transAxes, ha="center")
    axes.set_title(f"initial weights std {std:.2g}", fontsize="small")
    axes.set_ylim(0, 1)
    axes.grid(alpha=0.3)
grid[0, 0].legend(fontsize="x-small")
for axes in grid[:, 0]:
    axes.set_ylabel("training accuracy")
for axes in grid[-1]:
    axes.set_xlabel("epoch")
lesson.save(figure, "batchnorm.png")
lesson.finish()
