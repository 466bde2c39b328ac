"""Classification metrics: accuracy, confusion matrix, per-class precision/recall/F1, report.

Labels may arrive as class indices ``(N,)`` or one-hot rows ``(N, K)``; predictions as class
indices ``(N,)`` or scores ``(N, K)`` (logits or probabilities: the arg max is the prediction).
Accuracy also takes sequences, one class per position: scores ``(N, T, K)`` against labels
``(N, T)`` or rows ``(N, T, K)``, the share of positions predicted right (of tokens, for a
language model); the class axis is always the last (:func:`correct_predictions`).

For class k with confusion matrix ``cm`` (rows = true class, columns = predicted class)::

    precision_k = cm[k, k] / Σ_i cm[i, k]     (of the samples predicted k, the share that are k)
    recall_k    = cm[k, k] / Σ_j cm[k, j]     (of the samples that are k, the share found)
    f1_k        = 2 · precision_k · recall_k / (precision_k + recall_k)
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from zeronn._checks import positive_int, shape_text


def class_indices(y: object, owner: str, *, what: str = "labels") -> NDArray[np.intp]:
    """Return ``y`` as class indices ``(N,)``: integer labels as they are, ``(N, K)`` by arg max."""
    if not isinstance(y, np.ndarray):
        raise TypeError(f"{owner} expected {what} as a numpy array, got {type(y).__name__}")
    if y.ndim == 2:
        if y.shape[1] == 0:
            raise ValueError(
                f"{owner} expected {what} (N, K) with K >= 1, got {shape_text(y.shape)}"
            )
        return y.argmax(axis=1)
    if y.ndim != 1:
        raise ValueError(
            f"{owner} expected {what} as class indices (N,) or scores/one-hot (N, K), "
            f"got shape {shape_text(y.shape)}"
        )
    if not np.issubdtype(y.dtype, np.integer):
        raise TypeError(f"{owner} expected {what} (N,) of an integer dtype, got {y.dtype}")
    if y.size and y.min() < 0:
        raise ValueError(f"{owner} expected {what} >= 0, got a minimum of {y.min()}")
    return y.astype(np.intp, copy=False)


def _paired(pred: object, t: object, owner: str) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    pred_index = class_indices(pred, owner, what="predictions")
    t_index = class_indices(t, owner, what="labels")
    if pred_index.shape != t_index.shape:
        raise ValueError(
            f"{owner} expected as many predictions as labels, got {pred_index.shape[0]} "
            f"predictions and {t_index.shape[0]} labels"
        )
    if pred_index.size == 0:
        raise ValueError(f"{owner} is undefined for zero samples; got empty arrays")
    return pred_index, t_index


def correct_predictions(pred_or_scores: object, t: object, owner: str) -> tuple[int, int]:
    """``(correct, total)``: how many predictions equal their label, out of how many.

    The class axis is the last. Scores (floating, or one axis longer than the labels) give
    their arg max over it; labels one axis longer than the predictions are one-hot rows.
    The pairs that fit, for N samples (T positions each) and K classes:

    - scores ``(N, K)`` or ``(N, T, K)`` with labels ``(N,)`` / ``(N, T)`` or rows of the
      scores' shape;
    - class indices ``(N,)`` or ``(N, T)`` (integers) with labels of the same shape, or rows
      one axis longer.

    ``total`` counts positions: N, or N·T for sequences. Anything else raises, naming both
    shapes. The training step and :func:`accuracy` both count with it.
    """
    for name, array in (("predictions", pred_or_scores), ("labels", t)):
        if not isinstance(array, np.ndarray):
            raise TypeError(f"{owner} expected {name} as a numpy array, got {type(array).__name__}")
        if array.ndim == 0:
            raise ValueError(f"{owner} expected {name} with a sample axis, got a scalar")
    pred, labels = pred_or_scores, t
    if len(pred) != len(labels):
        raise ValueError(
            f"{owner} expected as many predictions as labels, got {len(pred)} predictions "
            f"and {len(labels)} labels"
        )
    both_indices = pred.dtype.kind in "iu" and labels.dtype.kind in "iu"
    if pred.shape == labels.shape and (pred.ndim == 1 or both_indices):
        pred_index = _indices(pred, owner, "predictions")
        label_index = _indices(labels, owner, "labels")
    elif pred.shape == labels.shape:  # scores against one-hot (or probability) rows
        pred_index, label_index = _arg_max(pred, owner), _arg_max(labels, owner)
    elif pred.shape[:-1] == labels.shape:
        pred_index, label_index = _arg_max(pred, owner), _indices(labels, owner, "labels")
    elif labels.shape[:-1] == pred.shape:
        pred_index, label_index = _indices(pred, owner, "predictions"), _arg_max(labels, owner)
    else:
        raise ValueError(
            f"{owner} expected labels (N,) or (N, T) of class indices, or one-hot rows with a "
            f"last axis of K classes, that pair with the predictions; got predictions "
            f"{shape_text(pred.shape)} and labels {shape_text(labels.shape)}"
        )
    if pred_index.size == 0:
        raise ValueError(f"{owner} is undefined for zero samples; got empty arrays")
    return int(np.count_nonzero(pred_index == label_index)), int(pred_index.size)


def _arg_max(scores: NDArray, owner: str) -> NDArray[np.intp]:
    if scores.shape[-1] == 0:
        raise ValueError(
            f"{owner} expected scores or one-hot rows with K >= 1 classes on the last axis, "
            f"got {shape_text(scores.shape)}"
        )
    return scores.argmax(axis=-1)


def _indices(y: NDArray, owner: str, what: str) -> NDArray:
    if not np.issubdtype(y.dtype, np.integer):
        raise TypeError(
            f"{owner} expected {what} {shape_text(y.shape)} of an integer dtype, got {y.dtype}"
        )
    if y.size and y.min() < 0:
        raise ValueError(f"{owner} expected {what} >= 0, got a minimum of {y.min()}")
    return y


def accuracy(pred_or_scores: NDArray, t: NDArray) -> float:
    """Share of predictions equal to their label, in [0, 1].

    ``pred_or_scores``: class indices (N,) or scores (N, K); ``t``: labels (N,) or one-hot
    (N, K). For sequences: scores (N, T, K) or indices (N, T) against labels (N, T) or
    one-hot (N, T, K), the share of the N·T positions (see :func:`correct_predictions`).

    >>> accuracy(np.array([[0.1, 0.9], [0.8, 0.2]]), np.array([1, 1]))
    0.5
    """
    correct, total = correct_predictions(pred_or_scores, t, "accuracy")
    return correct / total


def confusion_matrix(t: NDArray, pred: NDArray, num_classes: int) -> NDArray[np.int64]:
    """Counts ``cm[i, j]`` of samples with true class i predicted as j, shape (K, K).

    >>> confusion_matrix(np.array([0, 1, 1]), np.array([0, 0, 1]), 2)
    array([[1, 0],
           [1, 1]])
    """
    num_classes = positive_int(num_classes, "num_classes", "confusion_matrix")
    pred_index, t_index = _paired(pred, t, "confusion_matrix")
    largest = max(int(t_index.max()), int(pred_index.max()))
    if largest >= num_classes:
        raise ValueError(
            f"confusion_matrix expected class indices below num_classes={num_classes}, "
            f"got a class index of {largest}"
        )
    # One bincount over the flattened (true, predicted) cell index replaces a Python loop.
    cells = np.bincount(t_index * num_classes + pred_index, minlength=num_classes**2)
    return cells.reshape(num_classes, num_classes).astype(np.int64, copy=False)


class ClassScores(NamedTuple):
    """Per-class precision, recall, F1 (each (K,) float64) and support (K,) int64."""

    precision: NDArray[np.float64]
    recall: NDArray[np.float64]
    f1: NDArray[np.float64]
    support: NDArray[np.int64]


def _ratio(numerator: NDArray, denominator: NDArray) -> NDArray[np.float64]:
    """numerator / denominator elementwise, with 0/0 defined as 0 (no warning, no NaN)."""
    out = np.zeros(numerator.shape, dtype=np.float64)
    np.divide(numerator, denominator, out=out, where=denominator != 0)
    return out


def precision_recall_f1(cm: NDArray) -> ClassScores:
    """Per-class precision, recall and F1 from a confusion matrix (rows true, columns predicted).

    0/0 is defined as 0, explicitly: a class that is never predicted has precision 0, a class
    with no samples has recall 0 (and support 0), and F1 is 0 when precision + recall is 0.
    This matches scikit-learn's ``zero_division=0`` and keeps the macro average finite.
    """
    cm = np.asarray(cm)
    if cm.ndim != 2 or cm.shape[0] != cm.shape[1] or cm.shape[0] == 0:
        raise ValueError(
            f"precision_recall_f1 expected a square confusion matrix (K, K), "
            f"got shape {shape_text(cm.shape)}"
        )
    if not np.issubdtype(cm.dtype, np.integer) or (cm.size and cm.min() < 0):
        raise ValueError("precision_recall_f1 expected non-negative integer counts")
    true_positive = np.diag(cm).astype(np.float64)
    precision = _ratio(true_positive, cm.sum(axis=0))
    recall = _ratio(true_positive, cm.sum(axis=1))
    f1 = _ratio(2 * precision * recall, precision + recall)
    return ClassScores(precision, recall, f1, cm.sum(axis=1).astype(np.int64))


def classification_report(
    t: NDArray,
    pred: NDArray,
    class_names: list[str] | tuple[str, ...] | None = None,
    *,
    digits: int = 4,
) -> str:
    """A text table of per-class precision, recall, F1 and support, like scikit-learn's.

    The last rows give accuracy, the macro average (plain mean over classes) and the weighted
    average (weighted by support). Classes are ``range(len(class_names))``, or
    ``range(max label or prediction + 1)`` when no names are given.
    """
    pred_index, t_index = _paired(pred, t, "classification_report")
    if class_names is None:
        num_classes = max(int(t_index.max()), int(pred_index.max())) + 1
        class_names = [str(k) for k in range(num_classes)]
    names = [str(name) for name in class_names]
    cm = confusion_matrix(t_index, pred_index, len(names))
    scores = precision_recall_f1(cm)
    support = scores.support
    total = int(support.sum())
    weights = support / total

    name_width = max(len("weighted avg"), *(len(name) for name in names))
    column_width = max(9, digits + 3)
    headers = ("precision", "recall", "f1-score", "support")

    def row(label: str, values: tuple[float | None, ...], count: int) -> str:
        cells = ["" if v is None else f"{v:.{digits}f}" for v in values]
        return (
            f"{label:>{name_width}} "
            + " ".join(f"{cell:>{column_width}}" for cell in cells)
            + f" {count:>{column_width}}"
        )

    lines = [" " * name_width + " " + " ".join(f"{h:>{column_width}}" for h in headers), ""]
    for k, name in enumerate(names):
        values = (scores.precision[k], scores.recall[k], scores.f1[k])
        lines.append(row(name, values, int(support[k])))
    lines.append("")
    lines.append(row("accuracy", (None, None, float(np.trace(cm)) / total), total))
    macro = (scores.precision.mean(), scores.recall.mean(), scores.f1.mean())
    lines.append(row("macro avg", macro, total))
    weighted = tuple(float(weights @ v) for v in (scores.precision, scores.recall, scores.f1))
    lines.append(row("weighted avg", weighted, total))
    return "\n".join(lines) + "\n"


def prediction_histogram(pred_or_scores: NDArray, num_classes: int) -> NDArray[np.int64]:
    """How many samples were predicted as each class, shape (K,).

    A model that collapses onto a few classes shows up here before it shows in accuracy.
    """
    num_classes = positive_int(num_classes, "num_classes", "prediction_histogram")
    pred = class_indices(pred_or_scores, "prediction_histogram", what="predictions")
    if pred.size and pred.max() >= num_classes:
        raise ValueError(
            f"prediction_histogram expected class indices below num_classes={num_classes}, "
            f"got {pred.max()}"
        )
    return np.bincount(pred, minlength=num_classes).astype(np.int64)
