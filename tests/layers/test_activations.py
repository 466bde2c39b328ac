"""Tests for zeronn/layers/activations.py."""

import numpy as np
import pytest

from zeronn import reference
from zeronn.gradcheck import check_gradients
from zeronn.layers.activations import ReLU, Sigmoid, Tanh, relu_values, sigmoid

LAYERS = [ReLU, Sigmoid, Tanh]


def away_from_zero(rng, shape):
    """Values with |x| in [0.1, 2): a central difference never straddles ReLU's kink."""
    return rng.choice([-1.0, 1.0], size=shape) * rng.uniform(0.1, 2.0, size=shape)


@pytest.mark.parametrize("layer_class", LAYERS)
@pytest.mark.parametrize("shape", [(1, 1), (3, 5), (2, 3, 5, 7)])
def test_gradients(rng, layer_class, shape):
    x = away_from_zero(rng, shape)
    assert np.abs(x).min() > 1e-3
    report = check_gradients(layer_class(), x, rng=rng)
    assert report.max_error < 1e-6, str(report)


def test_forward_values():
    x = np.array([[-2.0, -0.5, 0.0, 0.5, 3.0]])
    np.testing.assert_array_equal(ReLU().forward(x), [[0.0, 0.0, 0.0, 0.5, 3.0]])
    np.testing.assert_allclose(Sigmoid().forward(x), 1 / (1 + np.exp(-x)), rtol=1e-15)
    np.testing.assert_allclose(Tanh().forward(x), np.tanh(x), rtol=1e-15)


def test_relu_backward_masks_non_positive_inputs():
    layer = ReLU()
    layer.forward(np.array([[-1.0, 0.0, 2.0]]))
    np.testing.assert_array_equal(layer.backward(np.array([[5.0, 6.0, 7.0]])), [[0.0, 0.0, 7.0]])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sigmoid_is_stable_for_large_inputs(dtype):
    x = np.array([-1e4, -800.0, -50.0, 0.0, 50.0, 800.0, 1e4], dtype=dtype)
    with np.errstate(all="raise"):
        y = sigmoid(x)
    assert y.dtype == dtype
    assert np.all(np.isfinite(y))
    assert y[0] == 0.0
    assert y[-1] == 1.0
    assert y[3] == 0.5
    np.testing.assert_allclose(y[[2, 4]], [np.exp(-50.0), 1.0], rtol=1e-6)


def test_sigmoid_matches_the_naive_formula_for_moderate_inputs(rng):
    x = rng.uniform(-30, 30, size=1000)
    np.testing.assert_allclose(sigmoid(x), 1 / (1 + np.exp(-x)), rtol=1e-13)


@pytest.mark.parametrize("layer_class", LAYERS)
def test_float32_stays_float32(rng, layer_class):
    layer = layer_class()
    x = rng.normal(size=(2, 3)).astype(np.float32)
    y = layer.forward(x)
    dx = layer.backward(np.ones((2, 3), dtype=np.float32))
    assert y.dtype == dx.dtype == np.float32


@pytest.mark.parametrize("layer_class", LAYERS)
def test_inputs_not_mutated(rng, layer_class):
    layer = layer_class()
    x = rng.normal(size=(3, 4))
    dout = rng.normal(size=(3, 4))
    x_copy, dout_copy = x.copy(), dout.copy()
    layer.forward(x)
    layer.backward(dout)
    np.testing.assert_array_equal(x, x_copy)
    np.testing.assert_array_equal(dout, dout_copy)


@pytest.mark.parametrize("layer_class", LAYERS)
def test_errors(layer_class):
    layer = layer_class()
    with pytest.raises(
        RuntimeError, match=f"{layer_class.__name__}.backward called before forward"
    ):
        layer.backward(np.zeros((2, 3)))
    with pytest.raises(TypeError, match="dtype float32 or float64, got int64"):
        layer.forward(np.zeros((2, 3), dtype=np.int64))
    layer.forward(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"dout of shape \(2, 3\)"):
        layer.backward(np.zeros((3, 2)))
    with pytest.raises(TypeError, match="dout of dtype float64"):
        layer.backward(np.zeros((2, 3), dtype=np.float32))


def test_repr():
    assert [repr(layer()) for layer in LAYERS] == ["ReLU()", "Sigmoid()", "Tanh()"]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(3, 8192 + 5), (2, 3, 40, 41), (7,)])
def test_relu_fast_maximum_equals_the_loop_bit_for_bit(rng, dtype, shape):
    x = rng.standard_normal(shape).astype(dtype)
    flat = x.reshape(-1)
    flat[::7], flat[::11], flat[::13] = -0.0, np.nan, -np.inf
    flat[::17] = np.finfo(dtype).tiny / 4  # a subnormal
    expected = reference.relu_forward(x)
    y = ReLU().forward(x)
    assert y.dtype == dtype
    np.testing.assert_array_equal(y.view(np.uint8), expected.view(np.uint8))
    strided = x[..., ::2]  # not contiguous: the plain np.maximum
    out = relu_values(strided, out=np.empty_like(strided))
    expected = reference.relu_forward(strided)
    np.testing.assert_array_equal(out.view(np.uint8), expected.view(np.uint8))
