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


def test_manual_seed_reseeds_the_default_generator_in_place():
    generator = init.default_generator()
    init.manual_seed(7)
    first = generator.random(3)
    assert init.manual_seed(7) is generator
    np.testing.assert_array_equal(generator.random(3), first)
    np.testing.assert_array_equal(first, np.random.default_rng(7).random(3))


def test_manual_seed_gives_the_same_weights_batches_and_numbers():
    from zeronn.data import iterate_batches
    from zeronn.models import mlp

    def run():
        init.manual_seed(3)
        model = mlp([4, 5, 3], dropout=0.5)
        x = np.arange(24, dtype=np.float64).reshape(6, 4) / 24
        order = [t.tolist() for _, t in iterate_batches(x, np.arange(6), 2)]
        return [p.data.copy() for p in model.parameters()], order, model.forward(x)

    (weights_a, order_a, out_a), (weights_b, order_b, out_b) = run(), run()
    for a, b in zip(weights_a, weights_b, strict=True):
        np.testing.assert_array_equal(a, b)
    assert order_a == order_b
    np.testing.assert_array_equal(out_a, out_b)


@pytest.mark.parametrize(
    ("bad", "error"),
    [(-1, ValueError), (1.5, TypeError), (True, TypeError), ("0", TypeError), (None, TypeError)],
)
def test_manual_seed_refuses_what_is_not_a_seed(bad, error):
    with pytest.raises(error, match="manual_seed expected seed to be a non-negative integer, got"):
        init.manual_seed(bad)
