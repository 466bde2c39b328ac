"""Lesson 3: four optimizers on one network: SGD, Momentum, AdaGrad and Adam (the book's §6.1).

The same five-layer ReLU network (784-100-100-100-100-10, He initialization), started from
the same weights and fed the same 2,000 mini-batches of 128 MNIST images, is trained by each
optimizer at the book's learning rates: SGD 0.01, Momentum 0.01 (μ = 0.9), AdaGrad 0.01, Adam
0.001. The loop is written out, five lines per step, as the Trainer runs it.

    SGD       w ← w − lr·g
    Momentum  v ← μ·v − lr·g,                    w ← w + v
    AdaGrad   h ← h + g²,                         w ← w − lr·g / (√h + ε)
    Adam      m, v: running means of g and g²,    w ← w − lr·m̂ / (√v̂ + ε)

What it shows (full mode; the ranges hold for any seed): plain SGD is by far the slowest (its
mean loss over the last 100 steps 0.18–0.32), the other three end 2 to 6 times lower
(0.03–0.11) and reach 96.5–98% test accuracy (Adam) against SGD's 92–95%.

Full mode: about 17 s on 1 BLAS thread (2-core AMD EPYC, docs/lessons.md);
``--ci``: about 3 s, 300 steps: SGD's loss then 0.5–0.9,
the others 0.12–0.35.

    python examples/lessons/03_optimizers.py [--ci] [--out DIR] [--seed N]
"""

# %%
import numpy as np
from _lesson import start

import zeronn
from zeronn.history import History

lesson = start("03_optimizers", "SGD, Momentum, AdaGrad and Adam compared")
(x_train, t_train), (x_test, t_test) = zeronn.load_mnist()
steps = lesson.pick(2_000, 300)

OPTIMIZERS = {
    "SGD": lambda params: zeronn.SGD(params, lr=0.01),
    "Momentum": lambda params: zeronn.Momentum(params, lr=0.01, momentum=0.9),
    "AdaGrad": lambda params: zeronn.AdaGrad(params, lr=0.01),
    "Adam": lambda params: zeronn.Adam(params, lr=0.001),
}

# %% [markdown]
# ## One start, one sequence of batches, four optimizers
# Every run loads the same initial weights and draws its batches from a generator seeded
# alike, so the optimizer is the only difference.

# %%
first = zeronn.mlp([784, 100, 100, 100, 100, 10], init="he", dtype="float32")
initial_weights = first.state_dict()
loss_fn = zeronn.SoftmaxCrossEntropy()
runs, test_accuracy = {}, {}
for name, make_optimizer in OPTIMIZERS.items():
    model = zeronn.mlp([784, 100, 100, 100, 100, 10], dtype="float32")
    model.load_state_dict(initial_weights)
    optimizer = make_optimizer(model.parameters())
    batches = np.random.default_rng(lesson.seed)  # the same batches for every optimizer
    losses = []
    for _ in range(steps):
        batch = batches.choice(len(x_train), 128)
        logits = model.forward(x_train[batch])
        losses.append(loss_fn.forward(logits, t_train[batch]))
        model.backward(loss_fn.backward())
        optimizer.step()
    runs[name] = History(step_loss=losses)
    test_accuracy[name] = zeronn.accuracy(model.predict(x_test), t_test)

# %%
last = {name: float(np.mean(history.step_loss[-100:])) for name, history in runs.items()}
for name in runs:
    print(
        f"{name:>8}: mean loss of the last 100 steps {last[name]:.3f}, "
        f"test accuracy {test_accuracy[name]:.2%}"
    )
lesson.expect("SGD, last loss", last["SGD"], (0.18, 0.32), (0.5, 0.9))
for name in ("Momentum", "AdaGrad", "Adam"):
    lesson.expect(f"{name}, last loss", last[name], (0.03, 0.11), (0.12, 0.35))
lesson.expect(
    "SGD / best other, last loss",
    last["SGD"] / min(last[name] for name in ("Momentum", "AdaGrad", "Adam")),
    (2, 6),
)
lesson.expect("SGD, test accuracy", test_accuracy["SGD"], (0.92, 0.95), (0.80, 0.90), percent=True)
lesson.expect(
    "Adam, test accuracy", test_accuracy["Adam"], (0.965, 0.98), (0.93, 0.96), percent=True
)

# %%
figure = zeronn.plots.plot_step_losses(runs, smoothing=lesson.pick(50, 20), log_scale=True)
lesson.save(figure, "optimizers.png")
lesson.finish()
