"""Tests for zeronn/functional.py: one softmax, and the copies it replaced give its numbers."""

import numpy as np
import pytest

from zeronn.functional import log_softmax, softmax, softmax_with_log


def test_softmax_is_its_definition_along_any_axis(rng):
    z = rng.normal(size=(3, 4, 5))
    for axis in (0, 1, -1):
        expected = np.exp(z) / np.exp(z).sum(axis=axis, keepdims=True)
        np.testing.assert_allclose(softmax(z, axis=axis), expected, rtol=1e-14)
        np.testing.assert_allclose(log_softmax(z, axis=axis), np.log(expected), atol=1e-14)


def test_huge_and_masked_scores_stay_finite_and_exact():
    z = np.array([[1000.0, 1000.0, -np.inf], [-1000.0, 0.0, -np.inf]])
    with np.errstate(all="raise"):
        p = softmax(z)
        log_p = log_softmax(z)
    np.testing.assert_array_equal(p[:, 2], 0.0)  # a masked position gets exactly 0
    np.testing.assert_allclose(p[0], [0.5, 0.5, 0.0])
    assert p[1, 0] == 0.0  # e^(−1000) rounds to 0, without a warning
    assert log_p[1, 0] == -1000.0  # but its log is exact


def test_out_writes_in_place_and_the_input_is_otherwise_untouched(rng):
    z = rng.normal(size=(2, 6)).astype(np.float32)
    kept = z.copy()
    p = softmax(z)
    assert p.dtype == np.float32
    np.testing.assert_array_equal(z, kept)
    assert softmax(z, out=z) is z
    np.testing.assert_array_equal(z, p)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_the_copies_it_replaced_give_its_numbers_bit_for_bit(rng, dtype):
    z = (10 * rng.normal(size=(7, 11))).astype(dtype)
    # the loss's fused form, as it was written before
    shifted = z - z.max(axis=1, keepdims=True)
    exp_shifted = np.exp(shifted)
    row_sums = exp_shifted.sum(axis=1, keepdims=True)
    p, log_p = softmax_with_log(z, axis=1)
    np.testing.assert_array_equal(log_p, shifted - np.log(row_sums))
    np.testing.assert_array_equal(p, exp_shifted / row_sums)
    np.testing.assert_array_equal(softmax(z, axis=1), p)
    np.testing.assert_array_equal(log_softmax(z, axis=1), log_p)
    # sampling's: exp(z − max) normalised by its sum, for one row
    row = z[0].astype(np.float64) / 0.7
    exp_row = np.exp(row - row.max())
    np.testing.assert_array_equal(softmax(row), exp_row / exp_row.sum())


def test_the_public_softmax_is_this_one_and_keeps_the_logits_dtype():
    import zeronn

    assert zeronn.softmax is softmax
    logits = np.array([[1000.0, 1000.0, -1000.0]], dtype=np.float32)
    probabilities = softmax(logits)
    assert probabilities.dtype == np.float32
    np.testing.assert_allclose(probabilities, [[0.5, 0.5, 0.0]])


@pytest.mark.parametrize(
    ("scores", "error", "message"),
    [
        (np.array([[1, 2]]), TypeError, "softmax expected scores of dtype float32 or float64"),
        ([[1.0, 2.0]], TypeError, "softmax expected scores as a numpy array, got list"),
        (np.zeros((3, 0)), ValueError, r"at least one class, got shape \(3, 0\)"),
    ],
)
def test_softmax_refuses_what_is_not_scores(scores, error, message):
    with pytest.raises(error, match=message):
        softmax(scores)
