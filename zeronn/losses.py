"""Softmax followed by cross-entropy, fused so that it is stable and its gradient is simple.

For logits ``z: (N, K)`` and targets ``t`` (integer labels ``(N,)`` or probability rows
``(N, K)``, e.g. one-hot):

    log pₙₖ = zₙₖ − max_j zₙⱼ − log Σⱼ exp(zₙⱼ − max_j zₙⱼ)        (log-sum-exp)
    L       = −(1/N) Σₙ Σₖ tₙₖ log pₙₖ
    dL/dz   = (p − t) / N

Subtracting each row's maximum makes every exponent ≤ 0, so no logit overflows ``exp``;
``log p`` is computed directly rather than as ``log(exp(...))``, so it never becomes ``-inf``
(both: :mod:`zeronn.functional`).

Sequences: logits ``(N, T, K)`` with targets ``(N, T)`` (or ``(N, T, K)`` rows) are the same
formula over the ``N·T`` positions, each one a row: the loss is the mean over all positions and
``dL/dz = (p − t) / (N·T)``, returned in the logits' shape.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from zeronn._checks import floating_array, shape_text
from zeronn.functional import softmax_with_log


class SoftmaxCrossEntropy:
    """Mean softmax cross-entropy over a batch; ``backward`` returns ``d loss / d logits``.

    After ``forward``, ``probabilities`` holds the softmax of the last logits, in their shape
    (``(N, K)`` or ``(N, T, K)``).
    """

    def __init__(self) -> None:
        self.probabilities: NDArray[np.floating] | None = None
        # Integer labels (N,) or probability rows (N, K) in the logits' dtype.
        self._targets: NDArray | None = None

    def __call__(self, logits: NDArray[np.floating], t: NDArray) -> float:
        return self.forward(logits, t)

    def forward(self, logits: NDArray[np.floating], t: NDArray) -> float:
        """Return the mean cross-entropy of ``softmax(logits)`` against ``t``.

        ``logits``: float32/float64 ``(N, K)``. ``t``: integer labels in ``[0, K)`` of shape
        ``(N,)``, or rows of ``K`` non-negative numbers summing to 1 (one-hot or soft labels).
        For sequences, ``logits (N, T, K)`` and ``t (N, T)`` labels or ``(N, T, K)`` rows: the
        mean over all N·T positions.
        """
        floating_array(logits, "SoftmaxCrossEntropy", what="logits")
        if logits.ndim not in (2, 3) or 0 in logits.shape:
            raise ValueError(
                "SoftmaxCrossEntropy expected logits (N, T, K) for sequences, or logits (N, K) "
                f"with N, K >= 1, got {shape_text(logits.shape)}"
            )
        if logits.ndim == 3:
            t = self._positions_as_rows(logits, t)
            loss = self.forward(logits.reshape(-1, logits.shape[2]), t)
            self.probabilities = self.probabilities.reshape(logits.shape)
            return loss
        finite = np.isfinite(logits)
        if not finite.all():
            nan_count = int(np.isnan(logits).sum())
            inf_count = int((~finite).sum()) - nan_count
            raise ValueError(
                f"SoftmaxCrossEntropy got non-finite logits ({nan_count} NaN, {inf_count} inf); "
                "training has diverged (try a smaller learning rate)"
            )
        targets = self._checked_targets(logits, t)

        probabilities, log_probabilities = softmax_with_log(logits, axis=1)
        count = logits.shape[0]
        if targets.ndim == 1:
            loss = -log_probabilities[np.arange(count), targets].sum() / count
        else:
            loss = -(targets * log_probabilities).sum() / count
        self.probabilities = probabilities
        self._targets = targets
        return float(loss)

    def backward(self, dout: float = 1.0) -> NDArray[np.floating]:
        """Return ``dout · (softmax(logits) − t) / N``, ``(N, K)`` in the logits' dtype."""
        if self.probabilities is None or self._targets is None:
            raise RuntimeError("SoftmaxCrossEntropy.backward called before forward")
        dout_array = np.asarray(dout)
        if dout_array.shape != () or not np.issubdtype(dout_array.dtype, np.number):
            raise TypeError(f"SoftmaxCrossEntropy.backward expected a scalar dout, got {dout!r}")
        if not np.isfinite(dout_array):
            raise ValueError(f"SoftmaxCrossEntropy.backward expected a finite dout, got {dout!r}")
        classes = self.probabilities.shape[-1]
        dlogits = self.probabilities.reshape(-1, classes).copy()  # one row per position
        count = dlogits.shape[0]
        if self._targets.ndim == 1:
            dlogits[np.arange(count), self._targets] -= 1
        else:
            dlogits -= self._targets
        dlogits *= float(dout_array) / count
        return dlogits.reshape(self.probabilities.shape)

    @staticmethod
    def _positions_as_rows(logits: NDArray[np.floating], t: object) -> NDArray:
        """Check sequence targets against ``(N, T, K)`` logits; return them one row per position."""
        if not isinstance(t, np.ndarray):
            raise TypeError(
                f"SoftmaxCrossEntropy expected targets as a numpy array, got {type(t).__name__}"
            )
        if t.shape == logits.shape[:2]:
            if not np.issubdtype(t.dtype, np.integer):
                raise ValueError(
                    "SoftmaxCrossEntropy expected integer class labels for targets of shape "
                    f"(N, T), got dtype {t.dtype}"
                )
            return t.reshape(-1)
        if t.shape == logits.shape:
            return t.reshape(-1, logits.shape[2])
        n, steps, _ = logits.shape
        raise ValueError(
            f"SoftmaxCrossEntropy expected targets ({n}, {steps}) labels or ({n}, {steps}, K) "
            f"rows for logits {shape_text(logits.shape)}, got {shape_text(t.shape)}"
        )

    @staticmethod
    def _checked_targets(logits: NDArray[np.floating], t: object) -> NDArray:
        """Validate ``t`` against ``logits`` and return it ready for the loss formula."""
        count, classes = logits.shape
        if not isinstance(t, np.ndarray):
            raise TypeError(
                f"SoftmaxCrossEntropy expected targets as a numpy array, got {type(t).__name__}"
            )
        if t.ndim == 1:
            if not np.issubdtype(t.dtype, np.integer):
                raise ValueError(
                    f"SoftmaxCrossEntropy expected integer class labels for targets of shape (N,), "
                    f"got dtype {t.dtype}; pass labels as ints, or one-hot rows of shape (N, K)"
                )
            if t.shape[0] != count:
                raise ValueError(
                    f"SoftmaxCrossEntropy expected {count} labels (one per row of logits "
                    f"{shape_text(logits.shape)}), got {t.shape[0]}"
                )
            outside = (t < 0) | (t >= classes)
            if outside.any():
                raise ValueError(
                    f"SoftmaxCrossEntropy expected labels in [0, {classes}), got "
                    f"{int(outside.sum())} outside it (e.g. {t[outside][0]})"
                )
            return t
        if t.shape != logits.shape:
            raise ValueError(
                f"SoftmaxCrossEntropy expected targets (N,) labels or (N, K) rows matching logits "
                f"{shape_text(logits.shape)}, got {shape_text(t.shape)}"
            )
        if not (np.issubdtype(t.dtype, np.floating) or np.issubdtype(t.dtype, np.integer)):
            raise TypeError(f"SoftmaxCrossEntropy expected numeric target rows, got {t.dtype}")
        rows = t.astype(logits.dtype, copy=False)
        row_sums = rows.sum(axis=1)
        # Tolerance for float32 one-hot rows produced by label smoothing or mixup.
        if (rows < 0).any() or not np.allclose(row_sums, 1.0, rtol=0, atol=1e-4):
            raise ValueError(
                "SoftmaxCrossEntropy expected target rows of non-negative values summing to 1 "
                f"(one-hot or probabilities), got rows summing to {row_sums.min():.4g} .. "
                f"{row_sums.max():.4g} with min value {rows.min():.4g}"
            )
        return rows

    def __repr__(self) -> str:
        return "SoftmaxCrossEntropy()"
