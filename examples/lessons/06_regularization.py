"""Lesson 6: weight decay and Dropout against overfitting (the book's §6.4).

The book's recipe for overfitting: a deep network (seven layers: six hidden ReLU layers of
100, He initialization) and little data (300 MNIST images), trained long (300 epochs of SGD,
lr 0.01, batches of 100). It learns the 300 images by heart and stalls far lower on images it
has not seen. Two cures, each on its own:

- weight decay: the loss gains (λ/2)·‖w‖², so every step also shrinks the weights,
  g ← g + λ·w (λ = 0.1, the book's value; here on every parameter, biases too, where the book
  decays the weights only);
- Dropout: during training each hidden unit is dropped with probability 0.2, a new mask every
  step, so no unit can count on another (off at evaluation).

All three runs start from the same weights and see the batches in the same order. After each
epoch a callback scores the 300 training images in eval mode (Dropout off), as the book does;
5,000 held-out images are the validation set.

What it shows (full mode; the ranges hold for any seed):
- without regularization the training accuracy reaches 100% and validation stalls near 80%:
  a gap of 17–26 points at the end;
- weight decay keeps the weights from fitting every image (training accuracy about 90%): the
  gap stays at 12–19 points;
- Dropout 0.2 slows the learning by heart: at epoch 100 its gap is 5–14 points where the
  plain network's is about 20; but given 300 epochs it fits the 300 images too, and its gap
  ends within a few points of the plain one's. Regularization buys time and a smaller gap,
  not more data. (Dropout 0.5 stops this deep network from learning at all: try it.)

Full mode: about 31 s on 1 BLAS thread (2-core AMD EPYC, docs/lessons.md);
``--ci``: about 6 s, with 100 epochs and 2,000 validation
images: the gap at the end 15–25 points without regularization, 7–14 with weight decay.

    python examples/lessons/06_regularization.py [--ci] [--out DIR] [--seed N]
"""

# %%
import numpy as np
from _lesson import start
from matplotlib.figure import Figure

import zeronn
from zeronn.callbacks import Callback

lesson = start("06_regularization", "weight decay and Dropout against overfitting")
(x_train, t_train), _ = zeronn.load_mnist()
x, t = x_train[:300], t_train[:300]
validation_size = lesson.pick(5_000, 2_000)
validation = (x_train[-validation_size:], t_train[-validation_size:])
epochs = lesson.pick(300, 100)
SIZES = [784, 100, 100, 100, 100, 100, 100, 10]
initial_weights = [p.data.copy() for p in zeronn.mlp(SIZES, dtype="float32").parameters()]


class TrainingAccuracy(Callback):
    """After each epoch, the accuracy on the training images in eval mode (Dropout off)."""

    def __init__(self):
        self.values = []

    def on_epoch_end(self, trainer, epoch, logs):
        self.values.append(trainer.evaluate(x, t)[1])


def train(weight_decay: float = 0.0, dropout: float = 0.0) -> dict[str, list[float]]:
    model = zeronn.mlp(SIZES, dropout=dropout, dtype="float32")
    for parameter, start_value in zip(model.parameters(), initial_weights, strict=True):
        parameter.data[...] = start_value  # the same start for every run
    optimizer = zeronn.SGD(model.parameters(), lr=0.01, weight_decay=weight_decay)
    scores = TrainingAccuracy()
    trainer = zeronn.Trainer(
        model, optimizer, batch_size=100, rng=lesson.seed, callbacks=[scores], verbose=0
    )
    history = trainer.fit(x, t, epochs, validation=validation)
    return {"training": scores.values, "validation": history.val_accuracy}


# %%
runs = {
    "no regularization": train(),
    "weight decay λ = 0.1": train(weight_decay=0.1),
    "Dropout 0.2": train(dropout=0.2),
}
# The gap: training minus validation accuracy, at epoch 100 and at the end.
gaps = {}
for name, run in runs.items():
    gap = np.subtract(run["training"], run["validation"])
    gaps[name] = (float(gap[99]), float(gap[-1]))
    print(
        f"{name:>20}: training accuracy {run['training'][-1]:.2%}, validation "
        f"{run['validation'][-1]:.2%}; gap {gap[99]:.1%} at epoch 100, {gap[-1]:.1%} at the end"
    )
lesson.expect(
    "no regularization, training accuracy",
    runs["no regularization"]["training"][-1],
    (0.995, 1),
    (0.97, 1),
    percent=True,
)
lesson.expect(
    "no regularization, gap at the end", gaps["no regularization"][1], (0.17, 0.26), (0.15, 0.25)
)
lesson.expect(
    "weight decay, gap at the end", gaps["weight decay λ = 0.1"][1], (0.12, 0.19), (0.07, 0.14)
)
lesson.expect("Dropout, gap at epoch 100", gaps["Dropout 0.2"][0], (0.05, 0.14))
if not lesson.ci:
    lesson.expect(
        "Dropout minus no regularization, gap at the end",
        gaps["Dropout 0.2"][1] - gaps["no regularization"][1],
        (-0.04, 0.03),
    )

# %%
figure = Figure(figsize=(12, 3.6), layout="constrained")
for axes, (name, run) in zip(figure.subplots(1, len(runs), sharey=True), runs.items(), strict=True):
    epochs_axis = np.arange(1, epochs + 1)
    axes.plot(epochs_axis, run["training"], label="training images (eval mode)")
    axes.plot(epochs_axis, run["validation"], linestyle="--", label="validation images")
    axes.set(title=name, xlabel="epoch", ylim=(0, 1))
    axes.grid(alpha=0.3)
figure.axes[0].set_ylabel("accuracy")
figure.axes[0].legend(fontsize="small", loc="lower right")
lesson.save(figure, "regularization.png")
lesson.finish()
