"""Tests for zeronn/layers/dropout.py."""

import numpy as np
import pytest

from zeronn.gradcheck import check_gradients
from zeronn.layers.dropout import Dropout


class FixedMask:
    """Reseeds the dropout's rng before each forward, so every pass draws the same mask."""

    def __init__(self, layer: Dropout, seed: int) -> None:
        self.layer = layer
        self.seed = seed

    def forward(self, x):
        self.layer.rng = np.random.default_rng(self.seed)
        return self.layer.forward(x)

    def backward(self, dout):
        return self.layer.backward(dout)

    def named_parameters(self):
        return self.layer.named_parameters()


@pytest.mark.parametrize(("ratio", "shape"), [(0.5, (1, 1)), (0.3, (3, 7)), (0.0, (2, 3, 5, 5))])
def test_gradients_in_training_mode(rng, ratio, shape):
    """check_gradients starts every forward from the generator's state as found: one mask."""
    layer = Dropout(ratio, rng=0)
    report = check_gradients(layer, rng.normal(size=shape), rng=rng)
    assert report.max_error < 1e-6, str(report)


@pytest.mark.parametrize(("ratio", "shape"), [(0.5, (1, 1)), (0.3, (3, 7)), (0.0, (2, 3, 5, 5))])
def test_gradients_with_a_fixed_mask(rng, ratio, shape):
    report = check_gradients(
        FixedMask(Dropout(ratio, rng=0), seed=5), rng.normal(size=shape), rng=rng
    )
    assert report.max_error < 1e-6, str(report)


def test_inverted_scaling_keeps_the_mean(rng):
    layer = Dropout(0.4, rng=rng)
    x = np.full((200, 500), 3.0)
    y = layer.forward(x)
    kept = y != 0
    np.testing.assert_allclose(y[kept], 3.0 / 0.6)
    assert kept.mean() == pytest.approx(0.6, abs=0.01)
    assert y.mean() == pytest.approx(3.0, rel=0.02)
    dx = layer.backward(np.ones_like(x))
    np.testing.assert_array_equal(dx, y / 3.0)


def test_eval_is_the_identity(rng):
    layer = Dropout(0.5, rng=rng).eval()
    x = rng.normal(size=(4, 5))
    dout = rng.normal(size=(4, 5))
    np.testing.assert_array_equal(layer.forward(x), x)
    np.testing.assert_array_equal(layer.backward(dout), dout)
    layer.train()
    assert (layer.forward(x) == 0).any()


def test_same_seed_same_mask(rng):
    x = rng.normal(size=(6, 6))
    np.testing.assert_array_equal(Dropout(0.5, 3).forward(x), Dropout(0.5, 3).forward(x))


def test_float32_stays_float32(rng):
    layer = Dropout(0.5, rng=0)
    y = layer.forward(rng.normal(size=(3, 4)).astype(np.float32))
    assert y.dtype == layer.backward(np.ones((3, 4), dtype=np.float32)).dtype == np.float32


def test_inputs_not_mutated(rng):
    layer = Dropout(0.5, rng=0)
    x = rng.normal(size=(3, 4))
    dout = rng.normal(size=(3, 4))
    x_copy, dout_copy = x.copy(), dout.copy()
    layer.forward(x)
    layer.backward(dout)
    np.testing.assert_array_equal(x, x_copy)
    np.testing.assert_array_equal(dout, dout_copy)


@pytest.mark.parametrize(
    ("ratio", "error", "message"),
    [
        (-0.1, ValueError, r"ratio in \[0, 1\), got -0.1"),
        (1.0, ValueError, r"ratio in \[0, 1\), got 1.0"),
        (float("nan"), ValueError, "ratio to be a finite number"),
        ("0.5", TypeError, "ratio to be a number, got '0.5'"),
        (True, TypeError, "ratio to be a number, got True"),
    ],
)
def test_bad_ratios_are_refused(ratio, error, message):
    with pytest.raises(error, match=message):
        Dropout(ratio, rng=0)


def test_a_numpy_ratio_is_the_number_it_holds():
    assert Dropout(np.float32(0.25), rng=0).ratio == 0.25


def test_errors():
    layer = Dropout(0.5, rng=0)
    with pytest.raises(RuntimeError, match="before forward"):
        layer.backward(np.zeros((2, 3)))
    with pytest.raises(TypeError, match="got int64"):
        layer.forward(np.zeros((2, 3), dtype=np.int64))
    with pytest.raises(TypeError, match=r"or None .*got True"):
        Dropout(0.5, rng=True)
    layer.forward(np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"dout of shape \(2, 3\)"):
        layer.backward(np.zeros((3, 2)))
    assert repr(layer) == "Dropout(ratio=0.5)"
