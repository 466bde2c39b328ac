"""Lesson 7: find a learning rate before training: the LR range test (Smith 2015, 2017).

Too small a learning rate wastes epochs; too large a one diverges. The range test asks the
network itself: it trains for 100 mini-batches while the learning rate grows exponentially,
from 1e-6 to 10, and records the loss after each step. The loss stays flat (too small), falls
(useful), then explodes (too large). At the lowest point of the smoothed curve training is
already on the edge, so the suggestion is a tenth of that learning rate.

``zeronn.lr_finder(model, optimizer, x, t)`` runs the test on the real model and optimizer and
then puts both back exactly as it found them, weights, moments and all (a Snapshot checks it
below): training afterwards is the training without the test, bit for bit.

Then the suggestion is put to work: the same network, from the same weights, trained for two
epochs with plain SGD at the suggested learning rate, at a hundredth of it, and at ten times
the lowest point.

What it shows (full mode; the ranges hold for any seed): for this 784-100-100-10 ReLU network
and SGD the suggested lr is 0.02–0.2; two epochs at it reach 92–96% validation accuracy,
against 30–75% at a hundredth of it, while ten times the lowest point either diverges (zeronn
stops the step that would write NaN into the weights) or leaves the network stuck at chance,
about 10% (its ReLUs output 0 for every image: "dead").

Full mode: about 4 s on 1 BLAS thread (2-core AMD EPYC, docs/lessons.md);
``--ci``: about 2 s, two epochs of 5,000 images: 75–92%
against 10–45%.

    python examples/lessons/07_lr_finder.py [--ci] [--out DIR] [--seed N]
"""

# %%

from _lesson import start

import zeronn
from zeronn.history import History
from zeronn.plots.lr_range import plot_lr_finder
from zeronn.state import Snapshot

lesson = start("07_lr_finder", "a learning-rate range test")
(x_train, t_train), _ = zeronn.load_mnist()
size, epochs = lesson.pick((50_000, 2), (5_000, 2))
x, t = x_train[:size], t_train[:size]
validation = (x_train[50_000:], t_train[50_000:])

# %% [markdown]
# ## The range test

# %%
model = zeronn.mlp([784, 100, 100, 10], dtype="float32")
optimizer = zeronn.SGD(model.parameters(), lr=0.01)
before = Snapshot(model, optimizer, zeronn.default_generator())
result = zeronn.lr_finder(model, optimizer, x, t, start_lr=1e-6, end_lr=10, steps=100)
print(result)
print(f"model, optimizer and generator as they were: {before.changes() == []}")
lesson.expect("suggested lr", result.suggested_lr, (0.02, 0.2))
lesson.save(plot_lr_finder(result), "lr_finder.png")

# %% [markdown]
# ## The suggestion, put to work
# Three copies of the network from the same starting weights.

# %%
initial_weights = model.state_dict()
rates = {
    "a hundredth of the suggestion": result.suggested_lr / 100,
    "the suggestion": result.suggested_lr,
    "ten times the lowest point": result.lr_at_minimum * 10,
}
runs, accuracy = {}, {}
for name, lr in rates.items():
    twin = zeronn.mlp([784, 100, 100, 10], dtype="float32")
    twin.load_state_dict(initial_weights)
    trainer = zeronn.Trainer(twin, zeronn.SGD(twin.parameters(), lr=lr), rng=lesson.seed, verbose=0)
    try:
        trainer.fit(x, t, epochs, validation=validation)
        accuracy[name] = trainer.history.val_accuracy[-1]
        print(f"lr {lr:.3g} ({name}): validation accuracy {accuracy[name]:.2%}")
    except zeronn.NonFiniteLossError as error:
        accuracy[name] = 0.0
        print(f"lr {lr:.3g} ({name}): {str(error).split(';')[0]}")
    runs[f"lr {lr:.2g}, {name}"] = History(step_loss=trainer.history.step_loss)
lesson.expect(
    "validation accuracy at the suggestion",
    accuracy["the suggestion"],
    (0.92, 0.96),
    (0.75, 0.92),
    percent=True,
)
lesson.expect(
    "validation accuracy at a hundredth",
    accuracy["a hundredth of the suggestion"],
    (0.30, 0.75),
    (0.10, 0.45),
    percent=True,
)
lesson.expect(
    "ten times the lowest point, accuracy (0 if it diverged)",
    accuracy["ten times the lowest point"],
    (0, 0.2),
    percent=True,
)

# %%
figure = zeronn.plots.plot_step_losses(runs, smoothing=20, log_scale=True)
lesson.save(figure, "lr_finder_training.png")
lesson.finish()
