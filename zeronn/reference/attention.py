"""Multi-head self-attention one sequence, one head and one query position at a time.

The twin of :class:`zeronn.layers.MultiHeadAttention`, with the same weights (PyTorch's
layout: head j uses columns ``j·d … (j+1)·d − 1`` of Q, K and V, with ``d = E / heads``), the
formulas as written: for each query position t, the scores against the positions it sees,
their softmax, the weighted sum of the values::

    s_ts = q_t · k_s / √d      (s ≤ t when causal, else every s)
    w_ts = e^(s_ts) / Σ_s' e^(s_ts')
    a_t  = Σ_s w_ts v_s        y = [a of every head] Wo + bo

No mask of −∞ and no subtraction of the maximum: a masked position is simply not summed over.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

__all__ = ["attention_forward"]


def attention_forward(
    x: NDArray,
    weights: tuple[NDArray, NDArray, NDArray, NDArray],
    biases: tuple[NDArray, NDArray, NDArray, NDArray],
    num_heads: int,
    causal: bool = False,
) -> NDArray:
    """``x (N, T, E)`` -> ``y (N, T, E)``; ``weights`` are ``(Wq, Wk, Wv, Wo)``, each
    ``(E, E)``, and ``biases`` ``(bq, bk, bv, bo)``, each ``(E,)``."""
    (Wq, Wk, Wv, Wo), (bq, bk, bv, bo) = weights, biases
    N, T, E = x.shape
    d = E // num_heads
    y = np.zeros_like(x)
    for n in range(N):
        merged = np.zeros((T, E), dtype=x.dtype)
        for head in range(num_heads):
            cols = slice(head * d, (head + 1) * d)
            q = x[n] @ Wq[:, cols] + bq[cols]
            k = x[n] @ Wk[:, cols] + bk[cols]
            v = x[n] @ Wv[:, cols] + bv[cols]
            for t in range(T):
                seen = range(t + 1) if causal else range(T)
                scores = np.array([q[t] @ k[s] / math.sqrt(d) for s in seen])
                w = np.exp(scores) / np.exp(scores).sum()
                merged[t, cols] = sum(w_s * v[s] for w_s, s in zip(w, seen, strict=True))
        y[n] = merged @ Wo + bo
    return y
