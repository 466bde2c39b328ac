"""Tests for zeronn/layers/batchnorm.py."""

import re

import numpy as np
import pytest

from zeronn.gradcheck import check_gradients
from zeronn.layers.batchnorm import BatchNorm


def randomized(layer: BatchNorm, rng) -> BatchNorm:
    """γ and β away from 1 and 0, so a gradient that ignores them would show."""
    layer.gamma.data[...] = rng.uniform(0.5, 2.0, size=layer.num_features)
    layer.beta.data[...] = rng.normal(size=layer.num_features)
    return layer


# At least three values per feature: with two, x̂ = ±1 whatever x is, dx is ~0 and the relative
# error would measure only the noise of the central differences.
@pytest.mark.parametrize(
    "shape", [(3, 3), (5, 1), (7, 4), (1, 3, 3, 5), (3, 2, 1, 1), (3, 1, 3, 3)]
)
@pytest.mark.parametrize("training", [True, False])
def test_gradients(rng, shape, training):
    layer = randomized(BatchNorm(shape[1]), rng)
    layer.running_mean[...] = rng.normal(size=shape[1])
    layer.running_var[...] = rng.uniform(0.5, 2.0, size=shape[1])
    layer.train(training)
    report = check_gradients(layer, rng.normal(size=shape), rng=rng)
    assert report.max_error < 1e-6, str(report)


def reference_forward(x, gamma, beta, eps):
    """Per-channel loops: the obviously-correct version of the 4-D training forward."""
    y = np.empty_like(x)
    for c in range(x.shape[1]):
        values = x[:, c]
        y[:, c] = gamma[c] * (values - values.mean()) / np.sqrt(values.var() + eps) + beta[c]
    return y


def test_training_forward_matches_a_per_channel_loop(rng):
    layer = randomized(BatchNorm(3), rng)
    x = rng.normal(2.0, 3.0, size=(4, 3, 5, 6))
    expected = reference_forward(x, layer.gamma.data, layer.beta.data, layer.eps)
    np.testing.assert_allclose(layer.forward(x), expected, rtol=1e-12, atol=1e-12)
    x2d = rng.normal(size=(6, 3))
    expected2d = reference_forward(x2d[:, :, None], layer.gamma.data, layer.beta.data, 1e-5)
    np.testing.assert_allclose(layer.forward(x2d), expected2d[:, :, 0], rtol=1e-12)


def test_running_statistics_update_in_place_as_documented(rng):
    layer = BatchNorm(3, momentum=0.8)
    running_mean, running_var = layer.running_mean, layer.running_var
    x = rng.normal(1.0, 2.0, size=(10, 3, 2, 2))
    layer.forward(x)
    batch_mean = x.mean(axis=(0, 2, 3))
    batch_var = x.var(axis=(0, 2, 3))  # biased, as documented
    np.testing.assert_allclose(layer.running_mean, 0.2 * batch_mean)
    np.testing.assert_allclose(layer.running_var, 0.8 * 1.0 + 0.2 * batch_var)
    assert layer.running_mean is running_mean
    assert layer.running_var is running_var
    assert [name for name, _ in layer.named_buffers()] == ["running_mean", "running_var"]


def test_eval_uses_the_running_statistics(rng):
    layer = randomized(BatchNorm(4), rng).eval()
    layer.running_mean[...] = [1.0, -1.0, 0.5, 0.0]
    layer.running_var[...] = [4.0, 1.0, 0.25, 9.0]
    x = rng.normal(size=(1, 4))
    expected = (
        layer.gamma.data * (x - layer.running_mean) / np.sqrt(layer.running_var + layer.eps)
        + layer.beta.data
    )
    before = layer.running_mean.copy()
    np.testing.assert_allclose(layer.forward(x), expected, rtol=1e-12)
    np.testing.assert_array_equal(layer.running_mean, before)
    assert check_gradients(layer, x, rng=rng).max_error < 1e-6


def test_float32_stays_float32(rng):
    layer = BatchNorm(3, dtype=np.float32)
    x = rng.normal(size=(4, 3, 2, 2)).astype(np.float32)
    y = layer.forward(x)
    dx = layer.backward(np.ones_like(y))
    grads = [layer.gamma.grad, layer.beta.grad, layer.running_mean, layer.running_var]
    assert {a.dtype for a in [y, dx, *grads]} == {np.dtype(np.float32)}


def test_inputs_not_mutated(rng):
    layer = BatchNorm(3)
    x = rng.normal(size=(4, 3))
    dout = rng.normal(size=(4, 3))
    x_copy, dout_copy = x.copy(), dout.copy()
    layer.forward(x)
    layer.backward(dout)
    np.testing.assert_array_equal(x, x_copy)
    np.testing.assert_array_equal(dout, dout_copy)


def test_errors():
    layer = BatchNorm(3)
    with pytest.raises(RuntimeError, match="before forward"):
        layer.backward(np.zeros((2, 3)))
    message = "BatchNorm(3) expected input (N, 3) or (N, 3, H, W), got (2, 4)"
    with pytest.raises(ValueError, match=re.escape(message)):
        layer.forward(np.zeros((2, 4)))
    with pytest.raises(ValueError, match=re.escape("got (2, 3, 4)")):
        layer.forward(np.zeros((2, 3, 4)))
    with pytest.raises(TypeError, match="got int64"):
        layer.forward(np.zeros((2, 3), dtype=np.int64))
    with pytest.raises(TypeError, match="float64 parameters but got input of dtype float32"):
        layer.forward(np.zeros((2, 3), dtype=np.float32))
    with pytest.raises(ValueError, match=r"more than one value per feature.*eval\(\)"):
        layer.forward(np.zeros((1, 3)))
    layer.forward(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"dout of shape \(2, 3\)"):
        layer.backward(np.zeros((3, 2)))


def test_bad_arguments():
    with pytest.raises(ValueError, match="num_features to be a positive integer, got 0"):
        BatchNorm(0)
    with pytest.raises(ValueError, match=r"momentum to be a probability in \[0, 1\], got 1.5"):
        BatchNorm(3, momentum=1.5)
    with pytest.raises(ValueError, match="eps to be a positive number, got 0"):
        BatchNorm(3, eps=0)


def test_repr():
    assert repr(BatchNorm(8)) == "BatchNorm(8, momentum=0.9, eps=1e-05, dtype=float64)"
