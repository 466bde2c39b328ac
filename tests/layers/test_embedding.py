"""Tests for zeronn/layers/embedding.py."""

import re

import numpy as np
import pytest

from zeronn.gradcheck import numerical_gradient, relative_error
from zeronn.layers import Embedding


def test_forward_looks_up_rows(rng):
    layer = Embedding(10, 4, rng=rng)
    ids = np.array([[1, 9, 1], [0, 3, 3]])
    y = layer.forward(ids)
    assert y.shape == (2, 3, 4)
    for n in range(2):
        for t in range(3):
            np.testing.assert_array_equal(y[n, t], layer.W.data[ids[n, t]])


def test_gradient_accumulates_repeated_ids(rng):
    layer = Embedding(7, 3, rng=rng)
    ids = np.array([[2, 5, 2, 2], [0, 5, 6, 2]])  # 2 four times, 5 twice, 1 3 4 never
    dout = rng.normal(size=(2, 4, 3))
    layer.forward(ids)
    assert layer.backward(dout) is None  # ids are not differentiable

    def scalar(_):
        return float(np.sum(layer.forward(ids) * dout))

    numeric = numerical_gradient(scalar, layer.W.data)
    assert relative_error(layer.W.grad, numeric) < 1e-7
    # The loop version: each position adds its gradient to its id's row.
    expected = np.zeros_like(layer.W.data)
    for n in range(2):
        for t in range(4):
            expected[ids[n, t]] += dout[n, t]
    np.testing.assert_allclose(layer.W.grad, expected, rtol=1e-12)
    np.testing.assert_array_equal(layer.W.grad[[1, 3, 4]], 0)


def test_backward_overwrites_the_grad(rng):
    layer = Embedding(5, 2, rng=rng)
    ids = np.array([[1, 1]])
    layer.forward(ids)
    layer.backward(np.ones((1, 2, 2)))
    layer.backward(np.ones((1, 2, 2)))
    np.testing.assert_array_equal(layer.W.grad[1], [2.0, 2.0])


def test_cached_ids_are_a_copy(rng):
    layer = Embedding(5, 2, rng=rng)
    ids = np.array([[1, 2]])
    layer.forward(ids)
    ids[0, 0] = 4  # the caller reuses its buffer before backward
    layer.backward(np.ones((1, 2, 2)))
    np.testing.assert_array_equal(layer.W.grad[4], 0)
    np.testing.assert_array_equal(layer.W.grad[1], 1)


def test_initialization_and_dtype():
    layer = Embedding(1000, 50, rng=0)
    assert layer.W.data.std() == pytest.approx(1.0, rel=0.02)  # nn.Embedding's N(0, 1)
    assert Embedding(1000, 50, init=0.02, rng=0).W.data.std() == pytest.approx(0.02, rel=0.02)
    small = Embedding(5, 3, rng=0, dtype=np.float32)
    y = small.forward(np.array([[0, 4]], dtype=np.int8))
    small.backward(np.ones_like(y))
    assert y.dtype == small.W.grad.dtype == np.float32


def test_repr():
    assert repr(Embedding(65, 32, rng=0)) == "Embedding(65, 32, init=1.0, dtype=float64)"


def test_bad_inputs():
    layer = Embedding(10, 3, rng=0)
    with pytest.raises(RuntimeError, match="backward called before forward"):
        layer.backward(np.zeros((1, 2, 3)))
    message = "Embedding(10, 3) expected ids in [0, 10), got 2 outside it (e.g. 10)"
    with pytest.raises(ValueError, match=re.escape(message)):
        layer.forward(np.array([[10, 1, -1]]))
    with pytest.raises(TypeError, match="expected integer ids, got dtype float64"):
        layer.forward(np.array([[1.0, 2.0]]))
    with pytest.raises(TypeError, match="ids as a numpy array, got list"):
        layer.forward([[1, 2]])
    layer.forward(np.array([[1, 2]]))
    with pytest.raises(ValueError, match=re.escape("dout of shape (1, 2, 3)")):
        layer.backward(np.zeros((1, 2, 4)))


def test_bad_arguments():
    with pytest.raises(ValueError, match="num_embeddings to be a positive integer, got 0"):
        Embedding(0, 3)
    with pytest.raises(ValueError, match="init to be a positive std, got 'he'"):
        Embedding(4, 3, init="he")
