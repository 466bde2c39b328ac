"""Stateless functions on arrays; here the softmax that turns logits into probabilities.

For logits ``z`` along the class axis (the last by default):

    softmax(z)ₖ = exp(zₖ − max_j zⱼ) / Σⱼ exp(zⱼ − max_j zⱼ)

Subtracting the maximum leaves the result unchanged (it divides the numerator and the
denominator by the same ``exp(max z)``) and keeps every exponent ≤ 0, so no logit overflows.
A model's ``predict`` returns logits (what the loss takes); its ``predict_proba`` returns
``softmax(predict(x))``, rows that sum to 1 (what the figures of predictions take).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from zeronn._checks import floating_array, int_in, shape_text

__all__ = ["softmax"]


def softmax(logits: NDArray[np.floating], axis: int = -1) -> NDArray[np.floating]:
    """Probabilities from logits along ``axis`` (default: the last), in the logits' dtype.

    ``logits``: float32 or float64, e.g. ``(N, K)`` from ``model.predict(x)`` or ``(N, T, K)``
    for sequences; the result has the same shape, each slice along ``axis`` summing to 1.

    >>> softmax(np.array([[0.0, np.log(3.0)]])).round(3).tolist()
    [[0.25, 0.75]]
    """
    floating_array(logits, "softmax", what="logits")
    if logits.ndim == 0 or 0 in logits.shape:
        raise ValueError(
            f"softmax expected logits with at least one class, got shape {shape_text(logits.shape)}"
        )
    axis = int_in(axis, "axis", "softmax", -logits.ndim, logits.ndim - 1)
    if not np.isfinite(logits).all():
        raise ValueError(
            "softmax got non-finite logits (NaN or inf): the model's outputs are broken, "
            "usually by a diverged training run"
        )
    shifted = logits - logits.max(axis=axis, keepdims=True)
    with np.errstate(under="ignore"):  # a probability rounding to 0 is the right answer
        exponentials = np.exp(shifted)
    exponentials /= exponentials.sum(axis=axis, keepdims=True)
    return exponentials
