"""Tests for zeronn/layers/flatten.py."""

import numpy as np
import pytest

from zeronn.gradcheck import check_gradients
from zeronn.layers.flatten import Flatten


@pytest.mark.parametrize("shape", [(1, 1), (3, 2, 5), (2, 3, 5, 7)])
def test_gradients_and_shapes(rng, shape):
    layer = Flatten()
    x = rng.normal(size=shape)
    y = layer.forward(x)
    assert y.shape == (shape[0], int(np.prod(shape[1:])))
    np.testing.assert_array_equal(y, x.reshape(shape[0], -1))
    assert layer.backward(np.ones_like(y)).shape == shape
    assert check_gradients(layer, x, rng=rng).max_error < 1e-6


def test_float32_stays_float32(rng):
    layer = Flatten()
    y = layer.forward(rng.normal(size=(2, 3, 4)).astype(np.float32))
    assert y.dtype == layer.backward(np.ones((2, 12), dtype=np.float32)).dtype == np.float32


def test_empty_batch_keeps_the_feature_count():
    assert Flatten().forward(np.zeros((0, 3, 4))).shape == (0, 12)


def test_errors():
    layer = Flatten()
    with pytest.raises(RuntimeError, match="before forward"):
        layer.backward(np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"at least 2 axes, got \(5,\)"):
        layer.forward(np.zeros(5))
    with pytest.raises(TypeError, match="got int64"):
        layer.forward(np.zeros((2, 3), dtype=np.int64))
    layer.forward(np.zeros((2, 3, 4)))
    with pytest.raises(ValueError, match=r"dout of shape \(2, 12\)"):
        layer.backward(np.zeros((2, 3, 4)))
    assert repr(layer) == "Flatten()"
