"""Tests for zeronn/layers/position.py."""

import re

import numpy as np
import pytest

from zeronn.gradcheck import check_gradients
from zeronn.layers import PositionEmbedding, SinusoidalPositionEncoding
from zeronn.layers.position import sinusoidal_table


def test_learned_gradients(rng):
    layer = PositionEmbedding(8, 4, rng=rng)
    report = check_gradients(layer, rng.normal(size=(3, 5, 4)), rng=rng)
    assert report.max_error < 1e-7, str(report)
    np.testing.assert_array_equal(layer.P.grad[5:], 0)  # positions not used this time


def test_learned_forward_adds_one_row_per_position(rng):
    layer = PositionEmbedding(8, 4, rng=rng)
    x = rng.normal(size=(2, 3, 4))
    y = layer.forward(x)
    for t in range(3):
        np.testing.assert_array_equal(y[:, t], x[:, t] + layer.P.data[t])


def test_sinusoidal_table_follows_the_formula():
    table = sinusoidal_table(6, 5)
    for t in range(6):
        for k in range(5):
            angle = t / 10000 ** (2 * (k // 2) / 5)
            expected = np.sin(angle) if k % 2 == 0 else np.cos(angle)
            assert table[t, k] == pytest.approx(expected, abs=1e-12)


def test_sinusoidal_gradients_and_dtype(rng):
    layer = SinusoidalPositionEncoding(6)
    assert layer.named_parameters() == []
    assert check_gradients(layer, rng.normal(size=(2, 5, 6)), rng=rng).max_error < 1e-7
    x = rng.normal(size=(2, 3, 6)).astype(np.float32)
    y = layer.forward(x)
    assert y.dtype == layer.backward(np.ones_like(y)).dtype == np.float32


def test_float32_and_inputs_not_mutated(rng):
    layer = PositionEmbedding(4, 2, rng=rng, dtype=np.float32)
    x = rng.normal(size=(2, 4, 2)).astype(np.float32)
    x_copy = x.copy()
    y = layer.forward(x)
    dx = layer.backward(np.ones_like(y))
    assert {y.dtype, dx.dtype, layer.P.grad.dtype} == {np.dtype(np.float32)}
    np.testing.assert_array_equal(x, x_copy)


def test_reprs():
    assert repr(PositionEmbedding(64, 32, rng=0)) == (
        "PositionEmbedding(64, 32, init=1.0, dtype=float64)"
    )
    assert repr(SinusoidalPositionEncoding(32)) == "SinusoidalPositionEncoding(32)"


def test_bad_inputs():
    layer = PositionEmbedding(4, 3, rng=0)
    with pytest.raises(RuntimeError, match="backward called before forward"):
        layer.backward(np.zeros((1, 2, 3)))
    message = "PositionEmbedding(4, 3) expected input (N, T, 3) with 1 <= T <= 4, got (2, 5, 3)"
    with pytest.raises(ValueError, match=re.escape(message)):
        layer.forward(np.zeros((2, 5, 3)))
    with pytest.raises(TypeError, match="float64 parameters but got input of dtype float32"):
        layer.forward(np.zeros((2, 3, 3), dtype=np.float32))
    message = "SinusoidalPositionEncoding(3) expected input (N, T, 3) with T >= 1, got (2, 3)"
    with pytest.raises(ValueError, match=re.escape(message)):
        SinusoidalPositionEncoding(3).forward(np.zeros((2, 3)))
    with pytest.raises(RuntimeError, match="backward called before forward"):
        SinusoidalPositionEncoding(3).backward(np.zeros((2, 3, 3)))
