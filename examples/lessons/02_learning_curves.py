"""Lesson 2: learning curves, and what overfitting looks like on them.

A network that sees few training images learns them by heart: its training loss keeps falling
towards 0 while the loss on held-out images (validation) stops falling and climbs back. The
same network, the same number of epochs, on more images: the two curves stay together. Here a
784-100-100-10 ReLU network (Adam, lr 0.001, batches of 100) trains for 50 epochs on the first
500, 2,000 and 10,000 MNIST training images, and is watched on 10,000 others.

What it shows (full mode; the ranges hold for any seed):
- on 500 images the training accuracy reaches 100% while validation stays at 84–89%; the
  validation loss is lowest after 10–25 epochs and then climbs back (5–50% by epoch 50);
- the gap between training and validation accuracy shrinks with more data: 10–16 points on
  500 images, 3–6 points on 10,000 (validation 95–96.8%).

Full mode: about 14 s on 1 BLAS thread (2-core AMD EPYC, docs/lessons.md);
``--ci``: about 3 s, with 300 and 3,000 images, 30 epochs
and 2,000 validation images.

    python examples/lessons/02_learning_curves.py [--ci] [--out DIR] [--seed N]

See also ``examples/mlp_mnist.py``: the same kind of network on all the data, with its report
card (precision and recall per digit).
"""

# %%
import numpy as np
from _lesson import start

import zeronn

lesson = start("02_learning_curves", "learning curves and overfitting")

(x_train, t_train), _ = zeronn.load_mnist()
validation_size = lesson.pick(10_000, 2_000)
x_val, t_val = x_train[-validation_size:], t_train[-validation_size:]  # never trained on
sizes, epochs = lesson.pick(((500, 2_000, 10_000), 50), ((300, 3_000), 30))

# %% [markdown]
# ## One network per training-set size
# Same architecture, same optimizer, same number of epochs; only the data differs.

# %%
runs = {}
for size in sizes:
    model = zeronn.mlp([784, 100, 100, 10], dtype="float32")
    optimizer = zeronn.Adam(model.parameters(), lr=0.001)
    trainer = zeronn.Trainer(model, optimizer, batch_size=100, verbose=0)
    runs[f"{size:,} images"] = trainer.fit(
        x_train[:size], t_train[:size], epochs, validation=(x_val, t_val)
    )

# %% [markdown]
# ## Reading the curves
# The epoch of the lowest validation loss is where more training stopped helping; the gap
# between training and validation accuracy at the end is how much was learned by heart.

# %%
gaps = {}
for name, history in runs.items():
    best = int(np.argmin(history.val_loss))
    gaps[name] = history.accuracy[-1] - history.val_accuracy[-1]
    print(
        f"{name:>14}: training accuracy {history.accuracy[-1]:.2%}, validation "
        f"{history.val_accuracy[-1]:.2%}; validation loss lowest at epoch {best + 1} "
        f"({history.val_loss[best]:.3f}), {history.val_loss[-1]:.3f} at the end"
    )
smallest, largest = runs[next(iter(runs))], runs[list(runs)[-1]]
lesson.expect("smallest set, training accuracy", smallest.accuracy[-1], (0.999, 1), percent=True)
lesson.expect(
    "smallest set, validation accuracy",
    smallest.val_accuracy[-1],
    (0.84, 0.89),
    (0.80, 0.90),
    percent=True,
)
lesson.expect(
    "smallest set, final / lowest validation loss",
    smallest.val_loss[-1] / min(smallest.val_loss),
    (1.05, 1.5),
    (1.0, 1.4),
)
lesson.expect("smallest set, accuracy gap", gaps[next(iter(runs))], (0.10, 0.16), (0.09, 0.20))
lesson.expect("largest set, accuracy gap", gaps[list(runs)[-1]], (0.03, 0.06), (0.02, 0.08))
lesson.expect(
    "largest set, validation accuracy",
    largest.val_accuracy[-1],
    (0.95, 0.968),
    (0.93, 0.965),
    percent=True,
)

# %%
figure = zeronn.plots.plot_history(runs, log_scale=True)  # the training loss spans decades
lesson.save(figure, "learning_curves.png")
lesson.finish()
