"""Tests for zeronn/init.py."""

import numpy as np
import pytest

from zeronn import init

SHAPE = (300, 200)


def test_normal_std_and_dtype():
    weights = init.normal(SHAPE, np.random.default_rng(0), std=0.01, dtype=np.float32)
    assert weights.shape == SHAPE
    assert weights.dtype == np.float32
    assert weights.std() == pytest.approx(0.01, rel=0.02)
    assert abs(weights.mean()) < 1e-3


@pytest.mark.parametrize(
    ("spec", "expected_std"),
    [
        (0.05, 0.05),
        ("he", np.sqrt(2 / 300)),
        ("xavier", np.sqrt(1 / 300)),
        ("xavier_uniform", np.sqrt(2 / 500)),
    ],  # U(-a, a) has std a / sqrt(3)
)
def test_initialize_resolves_each_spec(spec, expected_std):
    weights = init.initialize(spec, SHAPE, np.random.default_rng(0), fan_in=300, fan_out=200)
    assert weights.dtype == np.float64
    assert weights.std() == pytest.approx(expected_std, rel=0.02)


def test_xavier_uniform_bounds():
    weights = init.xavier_uniform(SHAPE, np.random.default_rng(0), fan_in=300, fan_out=200)
    limit = np.sqrt(6 / 500)
    assert weights.min() >= -limit
    assert weights.max() < limit
    assert weights.max() > 0.99 * limit


def test_zeros_and_determinism():
    np.testing.assert_array_equal(init.zeros((3,), np.float32), np.zeros(3, np.float32))
    a = init.he_normal(SHAPE, np.random.default_rng(5), fan_in=300)
    b = init.he_normal(SHAPE, np.random.default_rng(5), fan_in=300)
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("spec", [0.0, -0.01, float("inf"), float("nan"), "glorot", None, True])
def test_initialize_refuses_bad_specs(spec):
    with pytest.raises(ValueError, match="init"):
        init.initialize(spec, (2, 2), np.random.default_rng(0), fan_in=2, fan_out=2)
