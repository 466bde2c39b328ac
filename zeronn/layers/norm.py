"""Layer normalization (Ba, Kiros & Hinton 2016): each position normalized over its features.

Shapes: ``x: (..., F)``, e.g. ``(N, T, F)``; ``γ, β: (F,)``. For every vector ``x`` along the
last axis, with its mean ``μ`` and biased variance ``σ²`` over the F features:

    x̂ = (x − μ) / sqrt(σ² + eps)          y = γ ⊙ x̂ + β

Backward, with ``g = dy ⊙ γ`` and means over the last axis (μ and σ² depend on x):

    dβ = Σ dy        dγ = Σ dy ⊙ x̂        (sums over every position)
    dx = (g − mean(g) − x̂ ⊙ mean(g ⊙ x̂)) / sqrt(σ² + eps)

Unlike BatchNorm, nothing is shared across the batch: no running statistics, no train/eval
difference, and one sequence's output does not depend on the others in its batch.
"""

from __future__ import annotations

import math
import numbers

import numpy as np
from numpy.typing import DTypeLike, NDArray

from zeronn._checks import as_float_dtype, floating_array, positive_int, same_dtype, shape_text
from zeronn.layers.base import Layer
from zeronn.parameter import Parameter


class LayerNorm(Layer):
    """Normalize over the last axis, then scale by γ (ones) and shift by β (zeros), as PyTorch."""

    param_names = ("gamma", "beta")

    def __init__(self, features: int, eps: float = 1e-5, *, dtype: DTypeLike = np.float64) -> None:
        self.features = positive_int(features, "features", "LayerNorm")
        if not isinstance(eps, numbers.Real) or not (math.isfinite(eps) and eps > 0):
            raise ValueError(f"LayerNorm expected eps to be a positive number, got {eps!r}")
        self.eps = float(eps)
        self.dtype = as_float_dtype(dtype, "LayerNorm")
        self.gamma = Parameter(np.ones(self.features, dtype=self.dtype))
        self.beta = Parameter(np.zeros(self.features, dtype=self.dtype))
        self._x_hat: NDArray[np.floating] | None = None
        self._inv_std: NDArray[np.floating] | None = None

    def forward(self, x: NDArray[np.floating]) -> NDArray[np.floating]:
        """``(..., F)`` → ``(..., F)``."""
        owner = f"LayerNorm({self.features})"
        floating_array(x, owner)
        same_dtype(x, self.dtype, owner)
        if x.ndim < 1 or x.shape[-1] != self.features:
            raise ValueError(
                f"{owner} expected input (..., {self.features}), got {shape_text(x.shape)}"
            )
        x_hat = x - x.mean(axis=-1, keepdims=True)
        variance = np.mean(x_hat * x_hat, axis=-1, keepdims=True)
        inv_std = 1.0 / np.sqrt(variance + self.eps)
        x_hat *= inv_std
        self._x_hat, self._inv_std = x_hat, inv_std
        return x_hat * self.gamma.data + self.beta.data

    def backward(self, dout: NDArray[np.floating]) -> NDArray[np.floating]:
        """Write ``gamma.grad`` and ``beta.grad``; return ``dx`` (formulas in the module doc)."""
        x_hat = self._cached(self._x_hat)
        self._check_dout(dout, x_hat.shape, self.dtype)
        leading = tuple(range(dout.ndim - 1))
        np.sum(dout, axis=leading, out=self.beta.grad)
        np.sum(dout * x_hat, axis=leading, out=self.gamma.grad)
        g = dout * self.gamma.data
        dx = x_hat * np.mean(g * x_hat, axis=-1, keepdims=True)
        dx += g.mean(axis=-1, keepdims=True)
        np.subtract(g, dx, out=dx)
        dx *= self._inv_std
        return dx

    def __repr__(self) -> str:
        return f"LayerNorm({self.features}, eps={self.eps}, dtype={self.dtype})"
