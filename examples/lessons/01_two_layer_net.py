"""Lesson 1: a two-layer network, and the gradient check that earns its backward pass our trust.

The book's TwoLayerNet (chapters 4 and 5): 784 pixels → Affine 50 → ReLU → Affine 10, trained
with softmax cross-entropy and plain SGD. Its affine layer is written here by hand, as a
learner writes it, and checked against central differences, (f(x + ε) − f(x − ε)) / 2ε,
before it is trusted: once as written, once with a planted bug, then as part of the network.

What it shows (full mode; the ranges hold for any seed):
- the hand-written layer and the whole network agree with the numerical gradient (largest
  relative error 0 to 1e-7); the planted bug (db without the sum over the batch) is caught,
  and the report names the array: b, with an error of 0.1 to 1;
- twenty epochs of SGD (lr 0.1, batches of 100: the book's 10,000 steps) reach 96.5–97.5%
  test accuracy, with the training and validation curves side by side.

Full mode: about 16 s on 1 BLAS thread (2-core AMD EPYC, docs/lessons.md);
``--ci``: about 3 s, with 10 hidden units, 10,000 training
images and 5 epochs: 85–93% test accuracy.

    python examples/lessons/01_two_layer_net.py [--ci] [--out DIR] [--seed N]

Next: ``examples/gradient_check.py`` checks every built-in layer the same way.
"""

# %%
import numpy as np
from _lesson import start

import zeronn

lesson = start("01_two_layer_net", "a two-layer network and its gradient check")
rng = np.random.default_rng(lesson.seed)

# %% [markdown]
# ## An affine layer, by hand
# `y = x W + b` for a batch `x` (N, D), `W` (D, M), `b` (M,). Its backward pass, given
# `dout = dℓ/dy` (N, M): `dW = xᵀ dout`, `db = Σₙ dout` (every sample adds to the bias),
# `dx = dout Wᵀ`.


# %%
class MyAffine(zeronn.Layer):
    """y = x W + b:  dW = xᵀ dout,  db = Σₙ dout,  dx = dout Wᵀ."""

    param_names = ("W", "b")

    def __init__(self, inputs, outputs, rng):
        self.W = zeronn.Parameter(0.01 * rng.standard_normal((inputs, outputs)))
        self.b = zeronn.Parameter(np.zeros(outputs))

    def forward(self, x):
        self.x = x
        return x @ self.W.data + self.b.data

    def backward(self, dout):
        self.W.grad[...] = self.x.T @ dout
        self.b.grad[...] = dout.sum(axis=0)
        return dout @ self.W.data.T


class ForgotTheBatchSum(MyAffine):
    """The same layer with a common bug: db takes the first sample's share only."""

    def backward(self, dout):
        dx = super().backward(dout)
        self.b.grad[...] = dout[0]
        return dx


# %% [markdown]
# ## Check it before trusting it
# `check_gradients` perturbs every entry of the input and of each parameter, one at a time,
# against a random upstream gradient (a gradient of ones would hide a transposed weight).

# %%
x_small = rng.standard_normal((4, 5))  # non-square, a batch of 4: nothing hides
right = zeronn.check_gradients(MyAffine(5, 3, rng), x_small, rng=rng)
print("MyAffine as written:\n", right, sep="")
buggy = zeronn.check_gradients(ForgotTheBatchSum(5, 3, rng), x_small, rng=rng)
print("with the planted bug:\n", buggy, sep="")
lesson.expect("layer gradient error", right.max_error, (0, 1e-7))
lesson.expect("planted bug, error of b", buggy["b"], (0.1, 1))

# %% [markdown]
# ## The network, checked through its loss
# Three MNIST digits in float64 (a numerical gradient in float32 drowns in rounding).

# %%
(x_train, t_train), (x_test, t_test) = zeronn.load_mnist()  # (N, 784) float32 in [0, 1]
hidden = lesson.pick(50, 10)
model = zeronn.Sequential([MyAffine(784, hidden, rng), zeronn.ReLU(), MyAffine(hidden, 10, rng)])
report = zeronn.check_gradients(model, x_train[:3].astype(np.float64), t=t_train[:3], rng=rng)
print(report)
lesson.expect("network gradient error", report.max_error, (0, 1e-7))

# %% [markdown]
# ## Train it
# The last 10,000 training images are held out to watch (validation); the test set is used
# once, at the end.

# %%
size, epochs = lesson.pick((50_000, 20), (10_000, 5))
x_val, t_val = x_train[50_000:], t_train[50_000:]
trainer = zeronn.Trainer(model, zeronn.SGD(model.parameters(), lr=0.1), batch_size=100, rng=rng)
history = trainer.fit(x_train[:size], t_train[:size], epochs, validation=(x_val, t_val))
test_loss, test_accuracy = trainer.evaluate(x_test, t_test)
lesson.expect("test accuracy", test_accuracy, (0.965, 0.975), (0.85, 0.93), percent=True)

# %%
figure = zeronn.plots.plot_history(history)
lesson.save(figure, "two_layer_net_curves.png")
lesson.finish()
