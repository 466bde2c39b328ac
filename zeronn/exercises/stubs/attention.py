"""Exercise: multi-head self-attention (Vaswani et al. 2017). Fill in both passes.

Shapes: ``x: (N, T, E)`` (N sequences of T positions, E features); ``Wq, Wk, Wv, Wo: (E, E)``;
``bq, bk, bv, bo: (E,)``; ``h = num_heads`` heads of ``d = E / h`` features, head j using the
columns ``j·d … (j+1)·d − 1`` of Q, K and V:

    Q = x Wq + bq      K = x Wk + bk      V = x Wv + bv        split into heads: (N, h, T, d)
    S = Q Kᵀ / √d  (+ M)                                       scores (N, h, T, T)
    P = softmax(S) over the last axis                          each row sums to 1
    A = P V                                                    heads merged back: (N, T, E)
    y = A Wo + bo

With ``causal=True``, ``M[t, s] = −∞`` for ``s > t`` (else 0): position t attends only to
itself and earlier positions. Subtract each row's maximum before ``exp``.

Backward, per head, from ``dA`` (the merged ``dout Woᵀ``, split into heads):

    dV = Pᵀ dA      dP = dA Vᵀ      dS = P ⊙ (dP − Σ_s dP ⊙ P) / √d     (softmax's Jacobian)
    dQ = dS K       dK = dSᵀ Q
    dWo = Aᵀ dout (over all N·T rows)      dbo = Σ dout
    dW• = xᵀ d•     db• = Σ d•      dx = dQ Wqᵀ + dK Wkᵀ + dV Wvᵀ       (• = Q, K, V merged)

``forward(x)`` keeps on ``self`` what ``backward`` needs. ``backward(dout)`` writes the eight
``grad`` (overwrite them: ``self.Wq.grad[...] = ...``) and returns ``dx``. Never change ``x``
or ``dout`` in place; numpy is all you need (``reshape`` and ``transpose`` split the heads).

Check your work (exit code 0 when every array is right):

    zeronn check my_attention.py

The checker uses float64 batches of 2 sequences, 2 and 3 heads, non-zero biases, a random ``dout``,
with and without the causal mask; it compares your forward with zeronn's own
``MultiHeadAttention`` and your backward with a numerical gradient. It tells you, per array,
right or wrong, where and by how much, with a hint; it never prints the right values.
"""

import numpy as np

from zeronn.layers.base import Layer
from zeronn.parameter import Parameter

EXERCISE = "attention"  # tells `zeronn check` which layer this file holds


class MultiHeadAttention(Layer):
    """Self-attention over ``(N, T, E)`` with ``num_heads`` heads, optionally causal."""

    param_names = ("Wq", "Wk", "Wv", "Wo", "bq", "bk", "bv", "bo")

    def __init__(
        self,
        Wq: np.ndarray,
        Wk: np.ndarray,
        Wv: np.ndarray,
        Wo: np.ndarray,
        bq: np.ndarray,
        bk: np.ndarray,
        bv: np.ndarray,
        bo: np.ndarray,
        num_heads: int = 1,
        causal: bool = False,
    ) -> None:
        for name, value in zip(self.param_names, (Wq, Wk, Wv, Wo, bq, bk, bv, bo), strict=True):
            setattr(self, name, Parameter(value))  # .data and .grad of the same shape
        self.num_heads = num_heads
        self.causal = causal

    def forward(self, x: np.ndarray) -> np.ndarray:
        """``x (N, T, E) -> y (N, T, E)``."""
        raise NotImplementedError("MultiHeadAttention.forward: not done yet")

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """``dout (N, T, E) -> dx (N, T, E)``; writes the eight ``grad``."""
        raise NotImplementedError("MultiHeadAttention.backward: not done yet")
