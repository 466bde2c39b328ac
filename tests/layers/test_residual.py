"""Tests for zeronn/layers/residual.py."""

import re

import numpy as np
import pytest

from zeronn.gradcheck import check_gradients
from zeronn.layers import (
    Dropout,
    LayerNorm,
    Linear,
    MultiHeadAttention,
    ReLU,
    Residual,
)


def transformer_block(E, heads, rng):
    """A pre-norm block: attention and a position-wise MLP, each inside a skip connection."""
    return [
        Residual(LayerNorm(E), MultiHeadAttention(E, heads, causal=True, rng=rng)),
        Residual(LayerNorm(E), Linear(E, 2 * E, rng=rng), ReLU(), Linear(2 * E, E, rng=rng)),
    ]


class Chain:
    """Layers in a row, the way Sequential runs them (without its dtype casting)."""

    def __init__(self, layers):
        self.layers = layers

    def forward(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def backward(self, dout):
        for layer in reversed(self.layers):
            dout = layer.backward(dout)
        return dout

    def named_parameters(self):
        return [
            (f"{i}.{name}", p) for i, layer in enumerate(self.layers)
            for name, p in layer.named_parameters()
        ]  # fmt: skip


def test_forward_and_backward_follow_the_formula(rng):
    branch = Linear(3, 3, rng=rng)
    layer = Residual(branch)
    x = rng.normal(size=(2, 4, 3))
    np.testing.assert_allclose(layer.forward(x), x + x @ branch.W.data, rtol=1e-12)
    dout = rng.normal(size=(2, 4, 3))
    np.testing.assert_allclose(layer.backward(dout), dout + dout @ branch.W.data.T, rtol=1e-12)


def test_gradients_through_a_transformer_block(rng):
    block = Chain(transformer_block(6, 2, rng))
    for name, param in block.named_parameters():
        if name.endswith(("gamma", "beta", "b", "bq", "bv", "bo")):
            param.data[...] += rng.normal(scale=0.5, size=param.shape)
    report = check_gradients(block, rng.normal(size=(2, 5, 6)), rng=rng)
    assert max(error for name, error in report.items() if not name.endswith("bk")) < 1e-7, str(
        report
    )


def test_names_modes_and_repr(rng):
    layer = Residual(LayerNorm(4), Linear(4, 4, rng=rng), Dropout(0.5, rng=0))
    assert [name for name, _ in layer.named_parameters()] == ["0.gamma", "0.beta", "1.W", "1.b"]
    assert layer.parameters()[2] is layer.layers[1].W
    layer.eval()
    assert not layer.training
    assert not any(inner.training for inner in layer.layers)
    layer.train()
    assert all(inner.training for inner in layer.layers)
    assert repr(Residual(LayerNorm(4))) == "Residual(LayerNorm(4, eps=1e-05, dtype=float64))"


def test_float32_and_inputs_not_mutated(rng):
    layer = Residual(LayerNorm(4, dtype=np.float32), Linear(4, 4, rng=rng, dtype=np.float32))
    x = rng.normal(size=(2, 3, 4)).astype(np.float32)
    x_copy = x.copy()
    y = layer.forward(x)
    dx = layer.backward(np.ones_like(y))
    assert y.dtype == dx.dtype == np.float32
    np.testing.assert_array_equal(x, x_copy)


def test_errors(rng):
    with pytest.raises(ValueError, match="at least one layer in its branch"):
        Residual()
    with pytest.raises(TypeError, match="Layer instances, got ufunc at index 1"):
        Residual(LayerNorm(3), np.tanh)
    layer = Residual(Linear(4, 3, rng=rng))
    with pytest.raises(RuntimeError, match="backward called before forward"):
        layer.backward(np.zeros((2, 4)))
    message = "Residual expected its branch to keep the input's shape (2, 4), got (2, 3)"
    with pytest.raises(ValueError, match=re.escape(message)):
        layer.forward(np.zeros((2, 4)))


def test_a_causal_transformer_in_a_sequential_learns_to_copy_the_previous_token(rng):
    from zeronn.clip import clip_grad_norm
    from zeronn.layers import PositionEmbedding
    from zeronn.losses import SoftmaxCrossEntropy
    from zeronn.model import Sequential
    from zeronn.optim import Adam

    V, E, T = 5, 16, 8
    # One-hot floats into a Linear stand in for an Embedding (Sequential refuses integer input).
    layers = [Linear(V, E, rng=rng), PositionEmbedding(T, E, init=0.1, rng=rng)]
    layers += [*transformer_block(E, 2, rng), LayerNorm(E), Linear(E, V, rng=rng)]
    model, loss_fn = Sequential(layers), SoftmaxCrossEntropy()
    assert "2.1.Wq" in dict(model.named_parameters())
    optimizer = Adam(model.parameters(), lr=0.01)

    def batch(size):
        ids = rng.integers(0, V, size=(size, T))
        previous = np.concatenate([ids[:, :1], ids[:, :-1]], axis=1)
        return np.eye(V)[ids], previous

    for _ in range(100):
        x, t = batch(32)
        loss_fn.forward(model.forward(x), t)
        model.backward(loss_fn.backward())
        clip_grad_norm(model.parameters(), max_norm=1.0)
        optimizer.step()
    x, t = batch(200)
    assert np.mean(model.predict(x).argmax(axis=-1) == t) > 0.95
