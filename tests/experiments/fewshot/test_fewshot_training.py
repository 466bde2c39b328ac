"""The experiment's training loop against the blog's loop written out by hand in NumPy."""

import numpy as np
import pytest

from zeronn.experiments.fewshot.network import blog_weights_state, build_network
from zeronn.experiments.fewshot.training import first_step_below, train_full_batch


def blog_training_loop(x, t, weights, *, steps, lr):
    """The blog's 784-200-200-10 ReLU network and plain full-batch SGD, spelled out.

    Returns the loss before each update, as the blog records it.
    """
    W1, W2, W3 = (W.copy() for W in weights)
    b1, b2, b3 = (np.zeros(W.shape[1]) for W in weights)
    n = len(x)
    one_hot = np.eye(10)[t]
    losses = []
    for _ in range(steps):
        h1 = x @ W1 + b1
        a1 = np.maximum(h1, 0)
        h2 = a1 @ W2 + b2
        a2 = np.maximum(h2, 0)
        z = a2 @ W3 + b3
        z = z - z.max(axis=1, keepdims=True)
        p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
        losses.append(-np.log(p[np.arange(n), t]).sum() / n)
        dz = (p - one_hot) / n
        dW3, db3 = a2.T @ dz, dz.sum(axis=0)
        dh2 = (dz @ W3.T) * (h2 > 0)
        dW2, db2 = a1.T @ dh2, dh2.sum(axis=0)
        dh1 = (dh2 @ W2.T) * (h1 > 0)
        dW1, db1 = x.T @ dh1, dh1.sum(axis=0)
        for param, grad in ((W1, dW1), (b1, db1), (W2, dW2), (b2, db2), (W3, dW3), (b3, db3)):
            param -= lr * grad
    return np.array(losses)


def test_loss_curve_matches_the_hand_written_blog_loop(rng):
    x = rng.random((30, 784))
    t = np.arange(30) % 10
    # He-scale weights so that 50 steps at lr 0.05 move the loss a long way, kinks included.
    weights = tuple(
        rng.standard_normal(shape) * np.sqrt(2 / shape[0])
        for shape in ((784, 200), (200, 200), (200, 10))
    )
    expected = blog_training_loop(x, t, weights, steps=50, lr=0.05)

    model = build_network(0.01, np.random.default_rng(0), np.float64)
    model.load_state_dict(blog_weights_state(weights))
    x_before = x.copy()
    losses = train_full_batch(model, x, t, steps=50, lr=0.05)

    assert losses.shape == (50,)
    assert losses.dtype == np.float64
    assert expected[-1] < 0.5 * expected[0]  # the curve really moved
    np.testing.assert_allclose(losses, expected, rtol=0, atol=1e-10)
    assert np.array_equal(x, x_before)


def test_float32_training_keeps_float32_parameters(rng):
    model = build_network("he", rng, np.float32)
    x = rng.random((10, 784), dtype=np.float32)
    losses = train_full_batch(model, x, np.arange(10), steps=3, lr=0.1)
    assert np.all(np.isfinite(losses))
    assert {p.data.dtype for p in model.parameters()} == {np.dtype(np.float32)}
    assert {p.grad.dtype for p in model.parameters()} == {np.dtype(np.float32)}


def test_blog_network_shape():
    model = build_network(0.01, np.random.default_rng(8), np.float64)
    shapes = {name: p.shape for name, p in model.named_parameters()}
    assert shapes == {
        "0.W": (784, 200),
        "0.b": (200,),
        "2.W": (200, 200),
        "2.b": (200,),
        "4.W": (200, 10),
        "4.b": (10,),
    }


@pytest.mark.parametrize(
    ("losses", "threshold", "expected"),
    [([2.3, 0.2, 0.09, 0.2], 0.1, 2), ([2.3, 2.2], 0.1, None), ([0.05], 0.1, 0)],
)
def test_first_step_below(losses, threshold, expected):
    assert first_step_below(np.array(losses), threshold) == expected
