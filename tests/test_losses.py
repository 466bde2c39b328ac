"""Tests for zeronn/losses.py."""

import re

import numpy as np
import pytest

from zeronn.gradcheck import numerical_gradient, relative_error
from zeronn.losses import SoftmaxCrossEntropy


def direct_loss(logits, labels):
    """The textbook formula, fine for moderate logits: −mean log(exp(z_t) / Σ exp(z))."""
    probabilities = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    return -np.mean(np.log(probabilities[np.arange(len(labels)), labels]))


def one_hot(labels, classes):
    return np.eye(classes)[labels]


@pytest.mark.parametrize(("count", "classes"), [(1, 1), (1, 3), (4, 10), (7, 5)])
def test_matches_the_direct_formula_and_its_gradient(rng, count, classes):
    logits = rng.normal(scale=3.0, size=(count, classes))
    labels = rng.integers(0, classes, size=count)
    loss = SoftmaxCrossEntropy()
    assert loss.forward(logits, labels) == pytest.approx(direct_loss(logits, labels), rel=1e-12)
    np.testing.assert_allclose(loss.probabilities.sum(axis=1), 1.0)
    dout = 1.7
    numeric = numerical_gradient(lambda z: dout * direct_loss(z, labels), logits.copy())
    assert relative_error(loss.backward(dout), numeric) < 1e-6


def test_integer_and_one_hot_labels_agree(rng):
    logits = rng.normal(size=(6, 4))
    labels = rng.integers(0, 4, size=6)
    by_label, by_row = SoftmaxCrossEntropy(), SoftmaxCrossEntropy()
    assert by_label.forward(logits, labels) == pytest.approx(
        by_row.forward(logits, one_hot(labels, 4)), rel=1e-12
    )
    np.testing.assert_allclose(by_label.backward(), by_row.backward(), rtol=1e-12)


def test_soft_labels_gradient(rng):
    logits = rng.normal(size=(3, 4))
    targets = rng.dirichlet(np.ones(4), size=3)
    loss = SoftmaxCrossEntropy()
    loss.forward(logits, targets)
    numeric = numerical_gradient(lambda z: SoftmaxCrossEntropy().forward(z, targets), logits.copy())
    assert relative_error(loss.backward(), numeric) < 1e-6


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_stable_for_huge_logits(dtype):
    logits = np.array([[1e4, 0.0, -1e4], [-1e4, 1e4, 1e4 - 2.0]], dtype=dtype)
    loss = SoftmaxCrossEntropy()
    with np.errstate(all="raise"):
        value = loss.forward(logits, np.array([2, 1]))
        dlogits = loss.backward()
    # Row 0: log p_2 = −2e4. Row 1: log p_1 = −log(1 + e⁻²).
    assert value == pytest.approx((2e4 + np.log1p(np.exp(-2.0))) / 2, rel=1e-6)
    assert np.all(np.isfinite(dlogits))
    assert dlogits.dtype == dtype
    np.testing.assert_allclose(dlogits[0], [0.5, 0.0, -0.5], atol=1e-6)


def test_float32_stays_float32(rng):
    loss = SoftmaxCrossEntropy()
    logits = rng.normal(size=(3, 4)).astype(np.float32)
    assert isinstance(loss.forward(logits, np.array([0, 1, 3])), float)
    assert loss.probabilities.dtype == loss.backward().dtype == np.float32


def test_inputs_not_mutated(rng):
    logits = rng.normal(size=(3, 4))
    targets = one_hot(np.array([0, 1, 3]), 4)
    logits_copy, targets_copy = logits.copy(), targets.copy()
    loss = SoftmaxCrossEntropy()
    loss.forward(logits, targets)
    loss.backward()
    np.testing.assert_array_equal(logits, logits_copy)
    np.testing.assert_array_equal(targets, targets_copy)


def test_non_finite_logits_are_refused():
    logits = np.zeros((2, 3))
    logits[0, :] = np.nan
    logits[1, 1] = -np.inf
    with pytest.raises(ValueError, match=re.escape("got non-finite logits (3 NaN, 1 inf)")):
        SoftmaxCrossEntropy().forward(logits, np.array([0, 1]))


def test_bad_labels():
    loss = SoftmaxCrossEntropy()
    logits = np.zeros((3, 4))
    with pytest.raises(ValueError, match=r"labels in \[0, 4\), got 2 outside it \(e.g. 4\)"):
        loss.forward(logits, np.array([4, -1, 0]))
    with pytest.raises(ValueError, match=r"expected 3 labels .* got 2"):
        loss.forward(logits, np.array([0, 1]))
    with pytest.raises(ValueError, match=r"integer class labels .* got dtype float64"):
        loss.forward(logits, np.array([0.0, 1.0, 2.0]))
    with pytest.raises(ValueError, match=r"matching logits \(3, 4\), got \(3, 5\)"):
        loss.forward(logits, np.zeros((3, 5)))
    with pytest.raises(ValueError, match="summing to 1"):
        loss.forward(logits, np.ones((3, 4)))
    with pytest.raises(ValueError, match="summing to 1"):
        loss.forward(logits, np.array([[2.0, -1.0, 0.0, 0.0]] * 3))
    with pytest.raises(TypeError, match="targets as a numpy array, got list"):
        loss.forward(logits, [0, 1, 2])


def test_bad_logits():
    loss = SoftmaxCrossEntropy()
    with pytest.raises(TypeError, match="logits of dtype float32 or float64, got int64"):
        loss.forward(np.zeros((2, 3), dtype=np.int64), np.array([0, 1]))
    with pytest.raises(ValueError, match=r"logits \(N, K\) with N, K >= 1, got \(3,\)"):
        loss.forward(np.zeros(3), np.array([0, 1, 2]))
    with pytest.raises(ValueError, match=r"got \(0, 3\)"):
        loss.forward(np.zeros((0, 3)), np.array([], dtype=int))


def test_backward_errors_and_repr():
    loss = SoftmaxCrossEntropy()
    with pytest.raises(RuntimeError, match="backward called before forward"):
        loss.backward()
    loss.forward(np.zeros((2, 3)), np.array([0, 1]))
    with pytest.raises(TypeError, match="scalar dout"):
        loss.backward(np.ones(2))
    with pytest.raises(ValueError, match="finite dout"):
        loss.backward(float("nan"))
    assert repr(loss) == "SoftmaxCrossEntropy()"


# --- sequences: (N, T, K) logits -------------------------------------------------------------


def test_sequence_logits_are_the_mean_over_all_positions(rng):
    logits = rng.normal(scale=2.0, size=(3, 5, 7))
    labels = rng.integers(0, 7, size=(3, 5))
    loss = SoftmaxCrossEntropy()
    per_position = [
        direct_loss(logits[n, t][None], labels[n, t][None]) for n in range(3) for t in range(5)
    ]
    assert loss.forward(logits, labels) == pytest.approx(np.mean(per_position), rel=1e-12)
    assert loss.probabilities.shape == (3, 5, 7)
    np.testing.assert_allclose(loss.probabilities.sum(axis=2), 1.0)
    dout = 0.7
    numeric = numerical_gradient(
        lambda z: dout * SoftmaxCrossEntropy().forward(z, labels), logits.copy()
    )
    dlogits = loss.backward(dout)
    assert dlogits.shape == logits.shape
    assert relative_error(dlogits, numeric) < 1e-7


def test_sequence_labels_and_rows_agree_with_the_flat_form(rng):
    logits = rng.normal(size=(2, 4, 3)).astype(np.float32)
    labels = rng.integers(0, 3, size=(2, 4))
    by_label, by_row, flat = SoftmaxCrossEntropy(), SoftmaxCrossEntropy(), SoftmaxCrossEntropy()
    value = by_label.forward(logits, labels)
    assert value == pytest.approx(by_row.forward(logits, one_hot(labels, 3)), rel=1e-6)
    assert value == pytest.approx(flat.forward(logits.reshape(8, 3), labels.reshape(8)), rel=1e-6)
    dlogits = by_label.backward()
    assert dlogits.dtype == np.float32
    np.testing.assert_allclose(dlogits, by_row.backward(), rtol=1e-6)
    np.testing.assert_allclose(dlogits.reshape(8, 3), flat.backward(), rtol=1e-6)


def test_bad_sequence_targets():
    loss = SoftmaxCrossEntropy()
    logits = np.zeros((2, 4, 3))
    message = "expected targets (2, 4) labels or (2, 4, K) rows for logits (2, 4, 3), got (2, 3)"
    with pytest.raises(ValueError, match=re.escape(message)):
        loss.forward(logits, np.zeros((2, 3), dtype=int))
    with pytest.raises(
        ValueError, match=re.escape("integer class labels for targets of shape (N, T)")
    ):
        loss.forward(logits, np.zeros((2, 4)))
    with pytest.raises(ValueError, match=re.escape("labels in [0, 3), got 1 outside it (e.g. 3)")):
        loss.forward(logits, np.array([[0, 1, 2, 3], [0, 0, 0, 0]]))
    with pytest.raises(
        ValueError, match=re.escape("or logits (N, K) with N, K >= 1, got (2, 0, 3)")
    ):
        loss.forward(np.zeros((2, 0, 3)), np.zeros((2, 0), dtype=int))
    with pytest.raises(ValueError, match=re.escape("got (1, 2, 3, 4)")):
        loss.forward(np.zeros((1, 2, 3, 4)), np.zeros((1, 2, 3), dtype=int))
