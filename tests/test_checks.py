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
    for bad in [0, -1]:
        with pytest.raises(ValueError, match="Thing expected size to be a positive integer"):
            _checks.positive_int(bad, "size", "Thing")
    for wrong_kind in [2.0, True, np.bool_(True), "3", None]:
        with pytest.raises(TypeError, match="Thing expected size to be a positive integer"):
            _checks.positive_int(wrong_kind, "size", "Thing")
    with pytest.raises(ValueError, match="pad to be a non-negative integer, got -1"):
        _checks.non_negative_int(-1, "pad", "Thing")
    with pytest.raises(TypeError, match=r"pad to be a non-negative integer, got 0\.0"):
        _checks.non_negative_int(0.0, "pad", "Thing")


def test_int_in_and_real_in():
    assert _checks.int_in(np.int64(5), "order", "Thing", 0, 5) == 5
    with pytest.raises(ValueError, match=r"Thing expected order to be an integer in 0\.\.5, got 6"):
        _checks.int_in(6, "order", "Thing", 0, 5)
    with pytest.raises(TypeError, match=r"order to be an integer in 0\.\.5, got 1.5"):
        _checks.int_in(1.5, "order", "Thing", 0, 5)
    assert _checks.real_in(0.5, "share", "Thing", 0, 0.5) == 0.5
    with pytest.raises(ValueError, match=r"Thing expected share in \(0, 0.5\), got 0.5"):
        _checks.real_in(0.5, "share", "Thing", 0, 0.5, closed=(False, False))
    with pytest.raises(ValueError, match=r"share in \[0, 1\], got -1"):
        _checks.real_in(-1, "share", "Thing", 0, 1)
    with pytest.raises(TypeError, match="share to be a number, got True"):
        _checks.real_in(True, "share", "Thing", 0, 1)


def test_sequence_and_text():
    widths = _checks.sequence([3, np.int64(2)], "hidden", "Thing", _checks.positive_int, item="w")
    assert widths == (3, 2)
    assert all(type(w) is int for w in widths)
    with pytest.raises(TypeError, match="Thing expected hidden as a list or tuple, got '3,2'"):
        _checks.sequence("3,2", "hidden", "Thing", _checks.positive_int, item="w")
    with pytest.raises(ValueError, match=r"at least one value in hidden, got \(\)"):
        _checks.sequence((), "hidden", "Thing", _checks.positive_int, item="w")
    with pytest.raises(ValueError, match="Thing expected each width to be a positive integer"):
        _checks.sequence([3, 0], "hidden", "Thing", _checks.positive_int, item="each width")
    with pytest.raises(ValueError, match=r"distinct seeds, got 1 more than once in \[1, 2, 1\]"):
        _checks.sequence(
            [1, 2, 1], "seeds", "Thing", _checks.non_negative_int, item="s", distinct=True
        )
    assert _checks.text("The ", "prompt", "Thing") == "The "
    with pytest.raises(TypeError, match="Thing expected prompt to be a str, got b'x'"):
        _checks.text(b"x", "prompt", "Thing")


def test_class_labels_and_class_indices():
    t = np.array([0, 2, 1], dtype=np.uint8)
    assert _checks.class_labels(t, "t", "Thing", count=3, classes=3) is t
    assert _checks.class_labels([1, 0], "t", "Thing").tolist() == [1, 0]
    one_hot = np.eye(3, dtype=np.float32)[[2, 0]]
    assert _checks.class_labels(one_hot, "t", "Thing", count=2, one_hot=True) is one_hot
    for bad, error, words in [
        (np.array([0.0, 1.0]), TypeError, "t as integer class indices, got dtype float64"),
        (np.array([True, False]), TypeError, "t as integer class indices, got dtype bool"),
        (np.array([0, 3]), ValueError, r"t in \[0, 3\), got 3"),
        (np.array([0, -1]), ValueError, r"t in \[0, 3\), got -1"),
        (np.array([0, 1, 2]), ValueError, r"one label per image in t, 2 of them, got \(3,\)"),
        (np.zeros((2, 3), int), ValueError, r"t of shape \(N,\), got \(2, 3\)"),
    ]:
        with pytest.raises(error, match=f"Thing expected {words}"):
            _checks.class_labels(bad, "t", "Thing", count=2, classes=3)
    with pytest.raises(ValueError, match="one-hot rows in t: zeros and a single one"):
        _checks.class_labels(np.ones((2, 3)), "t", "Thing", one_hot=True)
    with pytest.raises(ValueError, match="expected t >= 0, got -2"):
        _checks.class_labels(np.array([-2]), "t", "Thing")
    assert _checks.class_indices((0, np.int64(6)), "classes", "Thing", classes=10) == (0, 6)
    with pytest.raises(ValueError, match=r"classes in \[0, 10\), got 10"):
        _checks.class_indices([3, 10], "classes", "Thing", classes=10)
    with pytest.raises(ValueError, match="distinct classes, got 3 more than once"):
        _checks.class_indices([3, 3], "classes", "Thing")
    with pytest.raises(TypeError, match="each of classes to be a non-negative integer, got 'a'"):
        _checks.class_indices(["a"], "classes", "Thing")


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
    with pytest.raises(TypeError, match="Thing expected color to be one of 'rgb', 'gray', got 3"):
        _checks.choice(3, "color", "Thing", ("rgb", "gray"))
    with pytest.raises(ValueError, match="color to be one of 'rgb', 'gray', got 'RGB'"):
        _checks.choice("RGB", "color", "Thing", ("rgb", "gray"))
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
