"""Tests for zeronn/layers/affine.py."""

import re

import numpy as np
import pytest

from zeronn.gradcheck import check_gradients
from zeronn.layers.affine import Affine


@pytest.mark.parametrize(
    ("in_features", "out_features", "input_shape"),
    [(5, 3, (4, 5)), (7, 1, (1, 7)), (12, 5, (3, 3, 2, 2)), (1, 1, (1, 1))],
)
def test_gradients(rng, in_features, out_features, input_shape):
    layer = Affine(in_features, out_features, rng=rng)
    layer.b.data[...] = rng.normal(size=out_features)
    report = check_gradients(layer, rng.normal(size=input_shape), rng=rng)
    assert report.max_error < 1e-6, str(report)


def test_forward_matches_the_formula_and_dx_keeps_the_input_shape(rng):
    layer = Affine(6, 4, rng=rng)
    layer.b.data[...] = rng.normal(size=4)
    x = rng.normal(size=(2, 3, 2))
    y = layer.forward(x)
    expected = (
        np.array(
            [
                [sum(x[n].ravel()[i] * layer.W.data[i, j] for i in range(6)) for j in range(4)]
                for n in range(2)
            ]
        )
        + layer.b.data
    )
    np.testing.assert_allclose(y, expected, rtol=1e-12)
    assert layer.backward(rng.normal(size=(2, 4))).shape == (2, 3, 2)


def test_backward_overwrites_grads(rng):
    layer = Affine(3, 2, rng=rng)
    x = rng.normal(size=(4, 3))
    dout = rng.normal(size=(4, 2))
    W_grad, b_grad = layer.W.grad, layer.b.grad
    layer.forward(x)
    layer.backward(dout)
    layer.backward(dout)
    np.testing.assert_allclose(layer.W.grad, x.T @ dout)
    np.testing.assert_allclose(layer.b.grad, dout.sum(axis=0))
    assert layer.W.grad is W_grad
    assert layer.b.grad is b_grad


def test_float32_stays_float32(rng):
    layer = Affine(3, 2, rng=rng, dtype=np.float32)
    x = rng.normal(size=(4, 3)).astype(np.float32)
    y = layer.forward(x)
    dx = layer.backward(np.ones((4, 2), dtype=np.float32))
    assert y.dtype == dx.dtype == layer.W.grad.dtype == layer.b.grad.dtype == np.float32


def test_inputs_not_mutated(rng):
    layer = Affine(3, 2, rng=rng)
    x = rng.normal(size=(4, 3))
    dout = rng.normal(size=(4, 2))
    x_copy, dout_copy = x.copy(), dout.copy()
    layer.forward(x)
    layer.backward(dout)
    np.testing.assert_array_equal(x, x_copy)
    np.testing.assert_array_equal(dout, dout_copy)


@pytest.mark.parametrize("init", [0.01, "he", "xavier"])
def test_init_spec_sets_the_weight_scale(init):
    layer = Affine(400, 300, init=init, rng=0)
    expected_std = {"he": np.sqrt(2 / 400), "xavier": np.sqrt(1 / 400)}.get(init, init)
    assert layer.W.data.std() == pytest.approx(expected_std, rel=0.02)
    np.testing.assert_array_equal(layer.b.data, 0)


def test_same_seed_same_weights():
    np.testing.assert_array_equal(Affine(4, 3, rng=7).W.data, Affine(4, 3, rng=7).W.data)


def test_repr():
    assert repr(Affine(784, 10, rng=0)) == "Affine(784 -> 10, init='he', dtype=float64)"


def test_backward_before_forward():
    with pytest.raises(RuntimeError, match="backward called before forward"):
        Affine(3, 2, rng=0).backward(np.zeros((1, 2)))


def test_bad_inputs(rng):
    layer = Affine(784, 10, rng=0)
    message = (
        "Affine(784 -> 10) expected input (N, 784) or (N, ...) with 784 features, got (32, 100)"
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        layer.forward(np.zeros((32, 100)))
    with pytest.raises(ValueError, match=re.escape("got (784,)")):
        layer.forward(np.zeros(784))
    with pytest.raises(TypeError, match="dtype float32 or float64, got int64"):
        layer.forward(np.zeros((2, 784), dtype=np.int64))
    with pytest.raises(TypeError, match="float64 parameters but got input of dtype float32"):
        layer.forward(np.zeros((2, 784), dtype=np.float32))
    with pytest.raises(TypeError, match="numpy array, got list"):
        layer.forward([[0.0] * 784])
    layer.forward(np.zeros((2, 784)))
    with pytest.raises(ValueError, match=re.escape("dout of shape (2, 10)")):
        layer.backward(np.zeros((2, 11)))
    with pytest.raises(TypeError, match="dout of dtype float64"):
        layer.backward(np.zeros((2, 10), dtype=np.float32))


def test_bad_arguments():
    with pytest.raises(ValueError, match="in_features to be a positive integer, got 0"):
        Affine(0, 3, rng=0)
    with pytest.raises(ValueError, match="out_features to be a positive integer, got -2"):
        Affine(3, -2, rng=0)
    with pytest.raises(TypeError, match=r"Generator, an int seed or None .*got '0'"):
        Affine(3, 2, rng="0")
    with pytest.raises(ValueError, match="init must be"):
        Affine(3, 2, rng=0, init="glorot")
    with pytest.raises(TypeError, match="dtype float32 or float64, got int32"):
        Affine(3, 2, rng=0, dtype=np.int32)
