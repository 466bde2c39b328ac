"""zeronn.softmax: probabilities from logits, stable, in the logits' dtype."""

import numpy as np
import pytest

import zeronn
from zeronn.functional import softmax


def test_softmax_rows_are_exp_over_their_sum(rng):
    logits = rng.normal(size=(5, 7))
    expected = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(softmax(logits), expected, rtol=1e-12)
    assert zeronn.softmax is softmax


def test_softmax_keeps_dtype_and_survives_huge_logits():
    logits = np.array([[1000.0, 1000.0, -1000.0]], dtype=np.float32)
    probabilities = softmax(logits)
    assert probabilities.dtype == np.float32
    np.testing.assert_allclose(probabilities, [[0.5, 0.5, 0.0]])


def test_softmax_along_another_axis_and_for_sequences(rng):
    logits = rng.normal(size=(2, 3, 4))
    np.testing.assert_allclose(softmax(logits).sum(axis=-1), 1.0)
    np.testing.assert_allclose(softmax(logits, axis=1).sum(axis=1), 1.0)
    assert not np.shares_memory(softmax(logits), logits)


@pytest.mark.parametrize(
    ("logits", "kwargs", "error", "message"),
    [
        (np.array([[1, 2]]), {}, TypeError, "softmax expected logits of dtype float32 or float64"),
        ([[1.0, 2.0]], {}, TypeError, "softmax expected logits as a numpy array, got list"),
        (np.zeros((3, 0)), {}, ValueError, r"at least one class, got shape \(3, 0\)"),
        (np.array([[np.nan, 1.0]]), {}, ValueError, "softmax got non-finite logits"),
        (np.zeros((2, 3)), {"axis": 2}, ValueError, r"axis to be an integer in -2\.\.1, got 2"),
    ],
)
def test_softmax_refuses(logits, kwargs, error, message):
    with pytest.raises(error, match=message):
        softmax(logits, **kwargs)
