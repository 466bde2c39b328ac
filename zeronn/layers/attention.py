"""Multi-head self-attention (Vaswani et al. 2017), with PyTorch's parameter layout.

Shapes: ``x: (N, T, E)``; ``Wq, Wk, Wv, Wo: (E, E)``; ``bq, bk, bv, bo: (E,)``; ``h`` heads of
``d = E / h`` features, head j using columns ``j·d … (j+1)·d − 1`` of Q, K and V:

    Q = x Wq + bq      K = x Wk + bk      V = x Wv + bv        split into heads: (N, h, T, d)
    S = Q Kᵀ / √d  (+ M)                                       scores (N, h, T, T)
    P = softmax(S) over the last axis                          weights, each row sums to 1
    A = P V                                                    merged back: (N, T, E)
    y = A Wo + bo

With ``causal=True``, ``M[t, s] = −∞`` for ``s > t`` (else 0): position t attends only to
itself and earlier positions, so ``exp`` gives those weights exactly 0. The softmax subtracts
each row's maximum first (the diagonal is never masked, so the maximum is finite).

Backward, per head, from ``dA`` (the merged ``dy Woᵀ`` split into heads):

    dV = Pᵀ dA      dP = dA Vᵀ      dS = P ⊙ (dP − Σ_s dP ⊙ P) / √d     (softmax's Jacobian)
    dQ = dS K       dK = dSᵀ Q
    dW• = xᵀ d•     db• = Σ d•      dx = dQ Wqᵀ + dK Wkᵀ + dV Wvᵀ       (• = Q, K, V merged)

``dbk`` is always 0: ``bk`` adds the same ``q·bk`` to every score of a row, and softmax ignores
a constant added to a row. PyTorch keeps the parameter, and so do we, for the same layout.

The loop twin, one sequence, head and query at a time, without the mask's −∞ or the
maximum's subtraction: :func:`zeronn.reference.attention_forward`, tested equal to the layer.

Initialization as PyTorch's ``nn.MultiheadAttention``: ``Wq, Wk, Wv`` are the three blocks of
one ``(3E, E)`` matrix drawn Xavier-uniform, i.e. U(−a, a) with a = √(6 / (E + 3E)); ``Wo`` is
U(−1/√E, 1/√E) (``nn.Linear``'s default); every bias is zero.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import DTypeLike, NDArray

from zeronn._checks import (
    as_float_dtype,
    as_generator,
    floating_array,
    positive_int,
    same_dtype,
    shape_text,
)
from zeronn.functional import softmax
from zeronn.layers.base import Layer
from zeronn.parameter import Parameter


class MultiHeadAttention(Layer):
    """Self-attention over ``(N, T, E)`` with ``num_heads`` heads, optionally causal."""

    param_names = ("Wq", "Wk", "Wv", "Wo", "bq", "bk", "bv", "bo")

    def __init__(
        self,
        embed_dim: int,
        num_heads: int,
        causal: bool = False,
        *,
        rng: np.random.Generator | int | None = None,
        dtype: DTypeLike = np.float64,
    ) -> None:
        owner = "MultiHeadAttention"
        self.embed_dim = E = positive_int(embed_dim, "embed_dim", owner)
        self.num_heads = positive_int(num_heads, "num_heads", owner)
        if E % self.num_heads:
            raise ValueError(
                f"{owner} expected embed_dim divisible by num_heads, got {E} and {num_heads}"
            )
        if not isinstance(causal, bool):
            raise TypeError(f"{owner} expected causal to be True or False, got {causal!r}")
        self.causal = causal
        self.dtype = as_float_dtype(dtype, owner)
        generator = as_generator(rng, owner)
        bound_in, bound_out = math.sqrt(6.0 / (4 * E)), 1.0 / math.sqrt(E)
        bounds = {"Wq": bound_in, "Wk": bound_in, "Wv": bound_in, "Wo": bound_out}
        for name, bound in bounds.items():
            weight = generator.uniform(-bound, bound, size=(E, E)).astype(self.dtype)
            setattr(self, name, Parameter(weight))
        for name in ("bq", "bk", "bv", "bo"):
            setattr(self, name, Parameter(np.zeros(E, dtype=self.dtype)))
        self._cache: tuple[NDArray, ...] | None = None

    @property
    def _name(self) -> str:
        return f"MultiHeadAttention({self.embed_dim}, heads={self.num_heads})"

    def _split_heads(self, z2d: NDArray, N: int) -> NDArray:
        """``(N·T, E)`` → ``(N, h, T, d)``, a view."""
        d = self.embed_dim // self.num_heads
        return z2d.reshape(N, -1, self.num_heads, d).transpose(0, 2, 1, 3)

    def _merge_heads(self, z: NDArray) -> NDArray:
        """``(N, h, T, d)`` → ``(N·T, E)``, a copy."""
        N, h, T, d = z.shape
        return z.transpose(0, 2, 1, 3).reshape(N * T, h * d)

    def forward(self, x: NDArray[np.floating]) -> NDArray[np.floating]:
        """``(N, T, E)`` → ``(N, T, E)``."""
        floating_array(x, self._name)
        same_dtype(x, self.dtype, self._name)
        E = self.embed_dim
        if x.ndim != 3 or x.shape[2] != E or 0 in x.shape:
            raise ValueError(
                f"{self._name} expected input (N, T, {E}) with N, T >= 1, got {shape_text(x.shape)}"
            )
        N, T, _ = x.shape
        x2d = x.reshape(N * T, E)
        q = self._split_heads(x2d @ self.Wq.data + self.bq.data, N)
        k = self._split_heads(x2d @ self.Wk.data + self.bk.data, N)
        v = self._split_heads(x2d @ self.Wv.data + self.bv.data, N)
        scores = np.matmul(q, k.swapaxes(-1, -2))
        scores *= 1.0 / math.sqrt(E // self.num_heads)
        if self.causal:
            scores += np.triu(np.full((T, T), -np.inf, dtype=self.dtype), k=1)
        p = softmax(scores, out=scores)  # in place: the scores are not needed again
        a2d = self._merge_heads(np.matmul(p, v))
        self._cache = (x2d, q, k, v, p, a2d)
        y = a2d @ self.Wo.data
        y += self.bo.data
        return y.reshape(N, T, E)

    def backward(self, dout: NDArray[np.floating]) -> NDArray[np.floating]:
        """Write the eight grads; return ``dx (N, T, E)`` (formulas in the module docstring)."""
        x2d, q, k, v, p, a2d = self._cached(self._cache)
        N, _, T, d = q.shape
        self._check_dout(dout, (N, T, self.embed_dim), self.dtype)
        dy2d = dout.reshape(N * T, self.embed_dim)
        np.matmul(a2d.T, dy2d, out=self.Wo.grad)
        np.sum(dy2d, axis=0, out=self.bo.grad)
        da = self._split_heads(dy2d @ self.Wo.data.T, N)
        dv = np.matmul(p.swapaxes(-1, -2), da)
        dp = np.matmul(da, v.swapaxes(-1, -2))
        ds = dp - np.sum(dp * p, axis=-1, keepdims=True)
        ds *= p
        ds *= 1.0 / math.sqrt(d)
        dq = np.matmul(ds, k)
        dk = np.matmul(ds.swapaxes(-1, -2), q)
        dx2d = np.zeros_like(x2d)
        for dz, W, b in ((dq, self.Wq, self.bq), (dk, self.Wk, self.bk), (dv, self.Wv, self.bv)):
            dz2d = self._merge_heads(dz)
            np.matmul(x2d.T, dz2d, out=W.grad)
            np.sum(dz2d, axis=0, out=b.grad)
            dx2d += dz2d @ W.data.T
        return dx2d.reshape(N, T, self.embed_dim)

    def __repr__(self) -> str:
        return (
            f"MultiHeadAttention({self.embed_dim}, num_heads={self.num_heads}, "
            f"causal={self.causal}, dtype={self.dtype})"
        )
