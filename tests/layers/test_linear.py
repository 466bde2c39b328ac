"""Tests for zeronn/layers/linear.py."""

import re

import numpy as np
import pytest

from zeronn.gradcheck import check_gradients
from zeronn.layers import Linear


@pytest.mark.parametrize("input_shape", [(3, 5, 4), (1, 1, 4), (6, 4), (2, 3, 2, 4)])
def test_gradients(rng, input_shape):
    layer = Linear(4, 3, rng=rng)
    layer.b.data[...] = rng.normal(size=3)
    report = check_gradients(layer, rng.normal(size=input_shape), rng=rng)
    assert report.max_error < 1e-7, str(report)


def test_each_position_independently(rng):
    layer = Linear(4, 3, rng=rng)
    layer.b.data[...] = rng.normal(size=3)
    x = rng.normal(size=(2, 5, 4))
    y = layer.forward(x)
    assert y.shape == (2, 5, 3)
    for n in range(2):
        for t in range(5):
            np.testing.assert_allclose(y[n, t], x[n, t] @ layer.W.data + layer.b.data)


def test_float32_and_inputs_not_mutated(rng):
    layer = Linear(4, 3, rng=rng, dtype=np.float32)
    x = rng.normal(size=(2, 5, 4)).astype(np.float32)
    dout = np.ones((2, 5, 3), dtype=np.float32)
    x_copy = x.copy()
    y = layer.forward(x)
    dx = layer.backward(dout)
    assert {y.dtype, dx.dtype, layer.W.grad.dtype, layer.b.grad.dtype} == {np.dtype(np.float32)}
    assert dx.shape == x.shape
    np.testing.assert_array_equal(x, x_copy)


def test_repr():
    assert repr(Linear(128, 65, rng=0)) == "Linear(128 -> 65, init='he', dtype=float64)"


def test_bad_inputs():
    layer = Linear(4, 3, rng=0)
    with pytest.raises(RuntimeError, match="backward called before forward"):
        layer.backward(np.zeros((2, 3)))
    message = "Linear(4 -> 3) expected input (..., 4) with at least 2 axes, got (2, 5, 3)"
    with pytest.raises(ValueError, match=re.escape(message)):
        layer.forward(np.zeros((2, 5, 3)))
    with pytest.raises(ValueError, match=re.escape("got (4,)")):
        layer.forward(np.zeros(4))
    layer.forward(np.zeros((2, 5, 4)))
    with pytest.raises(ValueError, match=re.escape("dout of shape (2, 5, 3)")):
        layer.backward(np.zeros((10, 3)))
