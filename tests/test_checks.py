"""Tests for zeronn/_checks.py."""

import numpy as np
import pytest

from zeronn import _checks
from zeronn.init import default_generator


def test_as_generator():
    generator = np.random.default_rng(0)
    assert _checks.as_generator(generator, "Thing") is generator
    assert _checks.as_generator(3, "Thing").random() == np.random.default_rng(3).random()
    assert isinstance(_checks.as_generator(np.int64(3), "Thing"), np.random.Generator)
    assert _checks.as_generator(None, "Thing") is default_generator()
    for bad in [1.5, True, "0"]:
        with pytest.raises(TypeError, match=r"Thing expected rng .* or None"):
            _checks.as_generator(bad, "Thing")
    with pytest.raises(ValueError, match="Thing expected a non-negative int seed, got -1"):
        _checks.as_generator(-1, "Thing")


def test_as_float_dtype():
    assert _checks.as_float_dtype("float32", "Thing") == np.float32
    assert _checks.as_float_dtype(np.float64, "Thing") == np.float64
    for bad in [np.int32, np.float16, "nonsense"]:
        with pytest.raises(TypeError, match="Thing expected dtype float32 or float64"):
            _checks.as_float_dtype(bad, "Thing")


def test_positive_and_non_negative_int():
    assert _checks.positive_int(np.int64(3), "size", "Thing") == 3
    assert _checks.non_negative_int(0, "pad", "Thing") == 0
    for bad in [0, -1, 2.0, True, "3"]:
        with pytest.raises(ValueError, match="Thing expected size to be a positive integer"):
            _checks.positive_int(bad, "size", "Thing")
    with pytest.raises(ValueError, match="pad to be a non-negative integer, got -1"):
        _checks.non_negative_int(-1, "pad", "Thing")


def test_pair():
    assert _checks.pair(3, "kernel", "Thing") == (3, 3)
    assert _checks.pair((2, 5), "kernel", "Thing") == (2, 5)
    assert _checks.pair([0, 1], "pad", "Thing", allow_zero=True) == (0, 1)
    with pytest.raises(ValueError, match=r"kernel as an int or a pair, got \(1, 2, 3\)"):
        _checks.pair((1, 2, 3), "kernel", "Thing")
    with pytest.raises(ValueError, match="positive integer, got 0"):
        _checks.pair((0, 1), "kernel", "Thing")


def test_floating_array_never_converts():
    x = np.zeros(3, dtype=np.float32)
    assert _checks.floating_array(x, "Thing") is x
    with pytest.raises(TypeError, match="Thing expected input as a numpy array, got list"):
        _checks.floating_array([1.0], "Thing")
    with pytest.raises(
        TypeError, match="Thing expected dout of dtype float32 or float64, got int8"
    ):
        _checks.floating_array(np.zeros(2, np.int8), "Thing", what="dout")


def test_same_dtype():
    _checks.same_dtype(np.zeros(2), np.dtype(np.float64), "Thing")
    with pytest.raises(TypeError, match=r"float32 parameters .* float64; .*astype\(np.float32\)"):
        _checks.same_dtype(np.zeros(2), np.dtype(np.float32), "Thing")


def test_shape_text():
    assert _checks.shape_text((32, 28, 28)) == "(32, 28, 28)"
    assert _checks.shape_text((10,)) == "(10,)"
    assert _checks.shape_text(np.zeros((2, 3)).shape) == "(2, 3)"


def test_choice_fraction_and_existing_folder(tmp_path):
    assert _checks.choice("rgb", "color", "Thing", ("rgb", "grayscale")) == "rgb"
    with pytest.raises(ValueError, match="Thing expected color to be one of 'rgb', 'gray', got 3"):
        _checks.choice(3, "color", "Thing", ("rgb", "gray"))
    assert _checks.fraction(0, "share", "Thing") == 0.0
    assert _checks.fraction(np.float32(0.5), "share", "Thing") == 0.5
    for bad in [1, -0.1]:
        with pytest.raises(ValueError, match=r"Thing expected share in \[0, 1\), got"):
            _checks.fraction(bad, "share", "Thing")
    with pytest.raises(ValueError, match="Thing expected share to be a finite number"):
        _checks.fraction(float("nan"), "share", "Thing")
    for bad in [True, "0.5"]:
        with pytest.raises(TypeError, match="Thing expected share to be a number"):
            _checks.fraction(bad, "share", "Thing")
    assert _checks.existing_folder(str(tmp_path), "root", "Thing") == tmp_path
    with pytest.raises(FileNotFoundError, match=r"root to be an existing folder, got .*, which"):
        _checks.existing_folder(tmp_path / "missing", "root", "Thing")
    (tmp_path / "file").write_text("")
    with pytest.raises(NotADirectoryError, match=r"root to be a folder, got .*, which is a file"):
        _checks.existing_folder(tmp_path / "file", "root", "Thing")
    with pytest.raises(TypeError, match="Thing expected root as a path"):
        _checks.existing_folder(None, "root", "Thing")


@pytest.mark.parametrize(
    ("check", "good", "bad", "error"),
    [
        (_checks.real, [np.float32(-2.5), 3, np.int64(4)], [True, "1", None, np.nan], None),
        (_checks.positive_real, [1e-9, np.float64(2)], [0, -1.0, np.inf, False], None),
        (_checks.non_negative_real, [0, 0.0, np.float32(3)], [-1e-9, True], None),
        (_checks.probability, [0, 1, 0.5, np.float32(1.0)], [1.01, -0.1, True, "0.5"], None),
        (_checks.boolean, [True, False, np.bool_(False)], ["no", "False", 0, 1, None], TypeError),
    ],
)
def test_every_validator_agrees_on_numpy_scalars_booleans_and_strings(check, good, bad, error):
    for value in good:
        assert check(value, "value", "Thing") == value
    for value in bad:
        with pytest.raises(error or (TypeError, ValueError), match="Thing expected value"):
            check(value, "value", "Thing")
