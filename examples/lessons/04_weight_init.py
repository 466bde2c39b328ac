"""Lesson 4: weight initialization, seen in the activations of every layer (the book's §6.2).

A signal that passes five layers either survives or it does not, and the scale of the initial
weights decides which. 1,000 random inputs (100 values each, N(0, 1)) go through five layers of
100 units (Affine, then the activation), and the histogram of each layer's outputs shows what
the next layer receives:

- sigmoid with weights of std 1: the outputs pile up at 0 and 1, where sigmoid's slope
  vanishes (the gradient dies on its way back);
- sigmoid with std 0.01: every unit outputs about 0.5, all alike (as many units as one);
- sigmoid with Xavier's std √(1/n) (n = 100 inputs per unit): spread out, layer after layer;
- ReLU with std 0.01: the outputs shrink about tenfold per layer; with Xavier by a quarter per
  layer; with He's std √(2/n) they keep their spread. (The ReLU histograms leave out its
  zeros, about half of the outputs.)

Then the same question on MNIST: a five-layer ReLU network (784-100-100-100-100-10) trained
with SGD (lr 0.01, batches of 128) from each initialization. With std 0.01 it does not learn.

What it shows (the ranges hold for any seed, in both modes unless noted):
- sigmoid, std 1: 55–75% of the fifth layer's outputs within 0.05 of 0 or 1; std 0.01: their
  standard deviation 0.009–0.016; Xavier: 0.09–0.15;
- ReLU, the std of the fifth layer's outputs over the first's: std 0.01, under 1e-4; Xavier,
  0.15–0.4; He, 0.6–2;
- MNIST, mean loss of the last 100 steps: std 0.01 stays at a guess's 2.30 (2.28–2.31); He
  reaches 0.15–0.35 in 2,000 steps (0.4–0.8 in the 300 steps of ``--ci``).

Full mode: about 13 s on 1 BLAS thread (2-core AMD EPYC, docs/lessons.md);
``--ci``: about 6 s, 300 MNIST steps.

    python examples/lessons/04_weight_init.py [--ci] [--out DIR] [--seed N]
"""

# %%
import numpy as np
from _lesson import start

import zeronn
from zeronn.history import History
from zeronn.inspection import layer_outputs
from zeronn.plots.histograms import plot_activation_histograms

lesson = start("04_weight_init", "weight initialization and activation histograms")
x = np.random.default_rng(lesson.seed).standard_normal((1000, 100))  # 1,000 inputs of 100
INITS = {"std 1": 1.0, "std 0.01": 0.01, "Xavier": "xavier", "He": "he"}


def five_layers(activation, init):
    """Five times Affine(100 -> 100) followed by the activation; biases start at 0."""
    layers = []
    for _ in range(5):
        layers += [zeronn.Affine(100, 100, init=init), activation()]
    return zeronn.Sequential(layers)


def activations(activation, init):
    """{"layer 1": outputs (1000, 100), ...}: each activation layer's output, in order."""
    outputs = layer_outputs(five_layers(activation, init), x, kinds=activation)
    return {f"layer {i}": values for i, values in enumerate(outputs.values(), start=1)}


def spreads(runs):
    for name, layers in runs.items():
        text = ", ".join(f"{values.std():.3g}" for values in layers.values())
        print(f"  {name:>8}: std of each layer's outputs {text}")


# %% [markdown]
# ## Sigmoid: std 1, std 0.01, Xavier

# %%
sigmoid = {
    name: activations(zeronn.Sigmoid, INITS[name]) for name in ("std 1", "std 0.01", "Xavier")
}
spreads(sigmoid)


def last_std(name):
    return sigmoid[name]["layer 5"].std()


last = sigmoid["std 1"]["layer 5"]
saturated = float(np.mean(np.minimum(last, 1 - last) < 0.05))
lesson.expect("sigmoid std 1, share of outputs within 0.05 of 0 or 1", saturated, (0.55, 0.75))
lesson.expect("sigmoid std 0.01, fifth layer std", last_std("std 0.01"), (0.009, 0.016))
lesson.expect("sigmoid Xavier, fifth layer std", last_std("Xavier"), (0.09, 0.15))
lesson.save(plot_activation_histograms(sigmoid, value_range=(0, 1)), "sigmoid_histograms.png")

# %% [markdown]
# ## ReLU: std 0.01, Xavier, He
# Each row on its own scale, so that the shrinking shows in the numbers on the x axes.

# %%
relu = {name: activations(zeronn.ReLU, INITS[name]) for name in ("std 0.01", "Xavier", "He")}
spreads(relu)
for name, layers in relu.items():
    ratio = layers["layer 5"].std() / layers["layer 1"].std()
    ranges = {"std 0.01": (0, 1e-4), "Xavier": (0.15, 0.4), "He": (0.6, 2.0)}[name]
    lesson.expect(f"ReLU {name}, fifth layer std / first layer std", ratio, ranges)
positive = {name: {layer: v[v > 0] for layer, v in layers.items()} for name, layers in relu.items()}
lesson.save(plot_activation_histograms(positive), "relu_histograms.png")

# %% [markdown]
# ## On MNIST: does the network learn?
# The same batches for every initialization; SGD at lr 0.01.

# %%
(x_train, t_train), _ = zeronn.load_mnist()
loss_fn = zeronn.SoftmaxCrossEntropy()
steps = lesson.pick(2_000, 300)
runs = {}
for name in ("std 0.01", "Xavier", "He"):
    model = zeronn.mlp([784, 100, 100, 100, 100, 10], init=INITS[name], dtype="float32")
    optimizer = zeronn.SGD(model.parameters(), lr=0.01)
    batches = np.random.default_rng(lesson.seed)
    losses = []
    for _ in range(steps):
        batch = batches.choice(len(x_train), 128)
        losses.append(loss_fn.forward(model.forward(x_train[batch]), t_train[batch]))
        model.backward(loss_fn.backward())
        optimizer.step()
    runs[name] = History(step_loss=losses)
    print(f"  {name:>8}: mean loss of the last 100 steps {np.mean(losses[-100:]):.3f}")
lesson.expect("MNIST std 0.01, last loss", np.mean(runs["std 0.01"].step_loss[-100:]), (2.28, 2.31))
lesson.expect("MNIST He, last loss", np.mean(runs["He"].step_loss[-100:]), (0.15, 0.35), (0.4, 0.8))
lesson.save(zeronn.plots.plot_step_losses(runs, smoothing=20), "init_mnist_losses.png")
lesson.finish()
