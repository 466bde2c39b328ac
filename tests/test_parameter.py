"""Tests for zeronn/parameter.py."""

import numpy as np
import pytest

from zeronn.parameter import Parameter


def test_grad_matches_data_and_shares_nothing():
    data = np.arange(6, dtype=np.float32).reshape(2, 3)
    parameter = Parameter(data)
    assert parameter.data is data  # an optimizer updates the layer's own array
    assert parameter.grad.shape == parameter.shape == (2, 3)
    assert parameter.grad.dtype == parameter.dtype == np.float32
    assert parameter.size == 6
    assert not np.shares_memory(parameter.grad, parameter.data)
    np.testing.assert_array_equal(parameter.grad, 0)


def test_zero_grad_is_in_place():
    parameter = Parameter(np.ones(3))
    grad = parameter.grad
    grad[...] = 5.0
    parameter.zero_grad()
    assert parameter.grad is grad
    np.testing.assert_array_equal(grad, 0)


@pytest.mark.parametrize("data", [np.arange(3), np.array([True, False]), ["a"]])
def test_refuses_non_float_data(data):
    with pytest.raises(TypeError, match="floating array, got dtype"):
        Parameter(data)


def test_repr():
    assert repr(Parameter(np.zeros((2, 3)))) == "Parameter(shape=(2, 3), dtype=float64)"
