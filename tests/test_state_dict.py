"""Tests for zeronn/state_dict.py: a state is loaded whole or not at all, finite values only."""

import numpy as np
import pytest

import zeronn
from zeronn.layers import Affine, BatchNorm
from zeronn.model import Sequential
from zeronn.state_dict import checked_values


def model(seed=0, dtype=np.float64):
    return Sequential([Affine(3, 4, rng=seed, dtype=dtype), BatchNorm(4, dtype=dtype)])


def test_checked_values_are_cast_to_the_targets_dtypes():
    target = model(dtype=np.float32)
    values = checked_values(target._named_arrays(), model(1).state_dict())
    assert list(values) == ["0.W", "0.b", "1.gamma", "1.beta", "1.running_mean", "1.running_var"]
    assert all(value.dtype == np.float32 for value in values.values())


def test_a_shape_mismatch_is_named_before_non_finite_values():
    state = model().state_dict()
    state["0.W"] = np.full((2, 2), np.nan)
    state["0.b"][0] = np.nan
    with pytest.raises(ValueError, match=r"does not fit this model: '0.W' has shape \(3, 4\)"):
        checked_values(model()._named_arrays(), state)


def test_zeronn_load_refuses_a_file_holding_nan(tmp_path):
    source = model(1)
    source[0].W.data[1, 2] = np.nan
    source[1].running_mean[0] = -np.inf
    path = zeronn.save(source, tmp_path / "broken.npz")
    target = model(2)
    before = target.state_dict()
    with pytest.raises(
        ValueError,
        match=r"broken\.npz: load_state_dict refused the state: '0.W' holds 1 NaN and 0 inf "
        r"values; '1.running_mean' holds 0 NaN and 1 inf values; nothing was loaded",
    ):
        zeronn.load(target, path)
    for name, value in target.state_dict().items():
        np.testing.assert_array_equal(value, before[name])
