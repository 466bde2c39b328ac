"""Metrics against hand-computed cases and plain loop references."""

import re

import numpy as np
import pytest

from zeronn.metrics import (
    accuracy,
    class_indices,
    classification_report,
    confusion_matrix,
    correct_predictions,
    precision_recall_f1,
    prediction_histogram,
)

# A hand-worked case: 3 classes, 6 samples.
T = np.array([0, 0, 1, 1, 2, 2])
PRED = np.array([0, 1, 1, 1, 0, 2])
# true\pred  0  1  2
#    0       1  1  0
#    1       0  2  0
#    2       1  0  1
CM = np.array([[1, 1, 0], [0, 2, 0], [1, 0, 1]])


def test_accuracy_accepts_indices_scores_labels_and_one_hot():
    scores = np.eye(3)[PRED] * 0.8 + 0.05
    one_hot = np.eye(3)[T]
    assert accuracy(PRED, T) == pytest.approx(4 / 6)
    assert accuracy(scores, T) == pytest.approx(4 / 6)
    assert accuracy(scores, one_hot) == pytest.approx(4 / 6)
    assert accuracy(PRED, one_hot) == pytest.approx(4 / 6)


def test_accuracy_rejects_mismatched_and_empty_inputs():
    with pytest.raises(ValueError, match="5 predictions and 6 labels"):
        accuracy(PRED[:5], T)
    with pytest.raises(ValueError, match="zero samples"):
        accuracy(np.array([], dtype=int), np.array([], dtype=int))
    with pytest.raises(TypeError, match="integer dtype, got float64"):
        accuracy(PRED.astype(float), T)
    with pytest.raises(ValueError, match=r"got shape \(2, 3, 1\)"):
        class_indices(np.zeros((2, 3, 1)), "accuracy")


def test_confusion_matrix_hand_case_and_loop_reference(rng):
    np.testing.assert_array_equal(confusion_matrix(T, PRED, 3), CM)
    t = rng.integers(0, 7, size=500)
    pred = rng.integers(0, 7, size=500)
    reference = np.zeros((7, 7), dtype=np.int64)
    for true_class, predicted in zip(t, pred, strict=True):
        reference[true_class, predicted] += 1
    np.testing.assert_array_equal(confusion_matrix(t, pred, 7), reference)


def test_confusion_matrix_rejects_out_of_range_class():
    with pytest.raises(ValueError, match="below num_classes=2, got a class index of 2"):
        confusion_matrix(T, PRED, 2)


def test_precision_recall_f1_hand_case():
    scores = precision_recall_f1(CM)
    np.testing.assert_allclose(scores.precision, [1 / 2, 2 / 3, 1])
    np.testing.assert_allclose(scores.recall, [1 / 2, 1, 1 / 2])
    np.testing.assert_allclose(scores.f1, [1 / 2, 0.8, 2 / 3])
    np.testing.assert_array_equal(scores.support, [2, 2, 2])


def test_precision_recall_f1_zero_over_zero_is_zero():
    # Class 2 has no samples and is never predicted; class 1 is never predicted.
    cm = np.array([[3, 0, 0], [2, 0, 0], [0, 0, 0]])
    scores = precision_recall_f1(cm)
    np.testing.assert_allclose(scores.precision, [3 / 5, 0, 0])
    np.testing.assert_allclose(scores.recall, [1, 0, 0])
    np.testing.assert_allclose(scores.f1, [0.75, 0, 0])
    assert np.all(np.isfinite(scores.f1))


def test_classification_report_rows_and_averages():
    report = classification_report(T, PRED, ["zero", "one", "two"], digits=2)
    lines = report.splitlines()
    assert lines[0].split() == ["precision", "recall", "f1-score", "support"]
    assert lines[2].split() == ["zero", "0.50", "0.50", "0.50", "2"]
    assert lines[3].split() == ["one", "0.67", "1.00", "0.80", "2"]
    assert lines[6].split() == ["accuracy", "0.67", "6"]
    # macro precision (1/2 + 2/3 + 1) / 3 = 0.722; equal supports make weighted == macro.
    assert lines[7].split() == ["macro", "avg", "0.72", "0.67", "0.66", "6"]
    assert lines[8].split() == ["weighted", "avg", "0.72", "0.67", "0.66", "6"]


def test_classification_report_weighted_average_uses_support():
    t = np.array([0, 0, 0, 1])
    pred = np.array([0, 0, 0, 0])
    lines = classification_report(t, pred, digits=3).splitlines()
    # precision: class 0 = 3/4, class 1 = 0 (never predicted); weights 3/4 and 1/4.
    assert lines[-1].split()[2] == f"{0.75 * 0.75:.3f}"
    assert lines[-2].split()[2] == f"{0.75 / 2:.3f}"


def test_prediction_histogram_counts_each_predicted_class():
    np.testing.assert_array_equal(prediction_histogram(PRED, 4), [2, 3, 1, 0])
    np.testing.assert_array_equal(prediction_histogram(np.eye(4)[PRED], 4), [2, 3, 1, 0])


# --- sequences: one class per position, the class axis last -----------------------------------


def test_sequence_accuracy_is_the_share_of_positions():
    labels = np.array([[0, 1, 2, 1], [2, 2, 0, 1]])  # (N, T) = (2, 4)
    predicted = np.array([[0, 1, 0, 1], [2, 0, 0, 1]])  # 6 of the 8 positions right
    scores = np.eye(3)[predicted] + 0.1  # (2, 4, 3), arg max = predicted
    assert accuracy(scores, labels) == 6 / 8
    assert accuracy(predicted, labels) == 6 / 8
    assert accuracy(scores, np.eye(3)[labels]) == 6 / 8
    assert accuracy(predicted, np.eye(3)[labels]) == 6 / 8
    assert correct_predictions(scores, labels, "test") == (6, 8)


@pytest.mark.parametrize("n", [1, 3, 7])
def test_sequence_accuracy_does_not_depend_on_the_batch_size_matching_anything(n, rng):
    labels = rng.integers(0, 5, size=(n, 6))
    scores = rng.normal(size=(n, 6, 5))
    expected = np.mean(scores.argmax(axis=-1) == labels)
    assert accuracy(scores, labels) == pytest.approx(expected)
    assert 0 <= accuracy(scores, labels) <= 1


@pytest.mark.parametrize(
    ("scores_shape", "labels_shape"),
    [((4, 6, 5), (4, 5)), ((4, 6, 5), (4,)), ((4, 3), (4, 2)), ((4, 6, 5), (4, 6, 4))],
)
def test_pairs_that_do_not_fit_are_refused_naming_both_shapes(scores_shape, labels_shape):
    message = f"got predictions {scores_shape} and labels {labels_shape}"
    with pytest.raises(ValueError, match=re.escape(message)):
        accuracy(np.zeros(scores_shape), np.zeros(labels_shape, dtype=int))


def test_float_labels_for_scores_are_refused():
    with pytest.raises(TypeError, match=r"labels \(2, 3\) of an integer dtype, got float64"):
        accuracy(np.zeros((2, 3, 4)), np.zeros((2, 3)))
