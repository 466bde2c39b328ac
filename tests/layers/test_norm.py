"""Tests for zeronn/layers/norm.py."""

import re

import numpy as np
import pytest
from torch_fixtures import assert_close, torch_fixture

from zeronn.gradcheck import check_gradients
from zeronn.layers import LayerNorm


def randomized(layer, rng):
    layer.gamma.data[...] = rng.uniform(0.5, 2.0, size=layer.features)
    layer.beta.data[...] = rng.normal(size=layer.features)
    return layer


@pytest.mark.parametrize("shape", [(2, 5, 6), (4, 3), (1, 1, 7), (2, 3, 2, 5)])
def test_gradients(rng, shape):
    layer = randomized(LayerNorm(shape[-1]), rng)
    report = check_gradients(layer, rng.normal(size=shape), rng=rng)
    assert report.max_error < 1e-7, str(report)


def test_forward_matches_a_per_position_loop(rng):
    layer = randomized(LayerNorm(6), rng)
    x = rng.normal(3.0, 2.0, size=(2, 4, 6))
    y = layer.forward(x)
    for n in range(2):
        for t in range(4):
            v = x[n, t]
            x_hat = (v - v.mean()) / np.sqrt(v.var() + 1e-5)
            np.testing.assert_allclose(y[n, t], layer.gamma.data * x_hat + layer.beta.data)


def test_same_numbers_and_gradients_as_pytorch():
    theirs = torch_fixture("torch_layer_norm")  # nn.LayerNorm(6), tools/record_torch_fixtures.py
    layer = LayerNorm(6)
    layer.gamma.data[...] = theirs["weight"]
    layer.beta.data[...] = theirs["bias"]
    assert_close(layer.forward(theirs["x"]), theirs["y"], "y")
    assert_close(layer.backward(theirs["dout"]), theirs["grad_x"], "dx")
    assert_close(layer.gamma.grad, theirs["grad_weight"], "gamma")
    assert_close(layer.beta.grad, theirs["grad_bias"], "beta")


def test_no_mixing_across_the_batch_and_no_mode(rng):
    layer = LayerNorm(5)
    x = rng.normal(size=(3, 4, 5))
    y = layer.forward(x)
    np.testing.assert_allclose(layer.forward(x[1:2]), y[1:2], rtol=1e-12)
    np.testing.assert_array_equal(layer.eval().forward(x), y)


def test_initial_parameters_float32_and_inputs(rng):
    layer = LayerNorm(4, dtype=np.float32)
    np.testing.assert_array_equal(layer.gamma.data, 1)
    np.testing.assert_array_equal(layer.beta.data, 0)
    x = rng.normal(size=(2, 3, 4)).astype(np.float32)
    x_copy = x.copy()
    y = layer.forward(x)
    dx = layer.backward(np.ones_like(y))
    assert {y.dtype, dx.dtype, layer.gamma.grad.dtype} == {np.dtype(np.float32)}
    np.testing.assert_array_equal(x, x_copy)


def test_repr_and_errors():
    assert repr(LayerNorm(8)) == "LayerNorm(8, eps=1e-05, dtype=float64)"
    layer = LayerNorm(4)
    with pytest.raises(RuntimeError, match="backward called before forward"):
        layer.backward(np.zeros((2, 4)))
    with pytest.raises(
        ValueError, match=re.escape("LayerNorm(4) expected input (..., 4), got (2, 3)")
    ):
        layer.forward(np.zeros((2, 3)))
    with pytest.raises(TypeError, match="float64 parameters but got input of dtype float32"):
        layer.forward(np.zeros((2, 4), dtype=np.float32))
    with pytest.raises(ValueError, match="eps to be a positive number, got 0"):
        LayerNorm(4, eps=0)
    with pytest.raises(ValueError, match="features to be a positive integer, got 0"):
        LayerNorm(0)
