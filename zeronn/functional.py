"""Softmax and log-softmax: the one place zeronn turns scores into probabilities.

Over an axis of scores ``z`` (logits, attention scores), with ``m`` its maximum::

    softmax(z)_k     = e^(z_k − m) / Σ_j e^(z_j − m)
    log_softmax(z)_k = z_k − m − log Σ_j e^(z_j − m)

Subtracting the maximum changes nothing in exact arithmetic (it cancels) and keeps every
exponent ≤ 0, so no score overflows ``exp``; a score of −∞ (a masked position) gets exactly 0.
A probability that rounds to 0 is the right answer, so ``exp``'s underflow is not warned about.
``log_softmax`` never takes the log of a probability, so it never becomes −∞ for a finite
score. Used by the loss (:class:`zeronn.losses.SoftmaxCrossEntropy`), attention
(:class:`zeronn.layers.MultiHeadAttention`), the probabilities a run reports and sampling,
and public as ``zeronn.softmax``: a model's ``predict`` returns logits (what the loss takes),
its ``predict_proba`` returns ``softmax(predict(x))``, rows that sum to 1 (what the figures of
predictions take).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from zeronn._checks import floating_array, shape_text

__all__ = ["log_softmax", "softmax", "softmax_with_log"]


def softmax(
    z: NDArray[np.floating], axis: int = -1, *, out: NDArray[np.floating] | None = None
) -> NDArray[np.floating]:
    """Probabilities along ``axis`` (each slice sums to 1), in ``z``'s shape and dtype.

    ``out``: where to write them (``out=z`` overwrites the scores, as attention does to save
    a copy); a new array by default.

    >>> softmax(np.array([[1.0, 1.0], [0.0, np.log(3.0)]])).round(6).tolist()
    [[0.5, 0.5], [0.25, 0.75]]
    """
    floating_array(z, "softmax", what="scores")
    if z.ndim == 0 or 0 in z.shape:
        raise ValueError(
            f"softmax expected scores with at least one class, got shape {shape_text(z.shape)}"
        )
    shifted = np.subtract(z, z.max(axis=axis, keepdims=True), out=out)
    with np.errstate(under="ignore"):
        np.exp(shifted, out=shifted)
    shifted /= shifted.sum(axis=axis, keepdims=True)
    return shifted


def softmax_with_log(
    z: NDArray[np.floating], axis: int = -1
) -> tuple[NDArray[np.floating], NDArray[np.floating]]:
    """``(softmax(z), log_softmax(z))`` in one pass, sharing ``z − m`` and the sum: what a
    cross-entropy loss needs (the probabilities for its gradient, their logs for its value).

    >>> p, log_p = softmax_with_log(np.array([0.0, np.log(3.0)]))
    >>> p.round(6).tolist(), np.exp(log_p).round(6).tolist()
    ([0.25, 0.75], [0.25, 0.75])
    """
    shifted = z - z.max(axis=axis, keepdims=True)
    with np.errstate(under="ignore"):
        probabilities = np.exp(shifted)
    sums = probabilities.sum(axis=axis, keepdims=True)
    probabilities /= sums
    return probabilities, shifted - np.log(sums)


def log_softmax(z: NDArray[np.floating], axis: int = -1) -> NDArray[np.floating]:
    """Log-probabilities along ``axis``, computed without the log of a probability."""
    return softmax_with_log(z, axis)[1]
