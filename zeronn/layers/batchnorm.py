"""Batch normalization (Ioffe & Szegedy 2015).

Input ``(N, D)`` is normalized per feature over N; input ``(N, C, H, W)`` per channel over
N, H and W. With ``m`` the number of values per feature and ``μ, σ²`` their mean and biased
variance (training) or the running statistics (evaluation):

    x̂ = (x − μ) / sqrt(σ² + eps)          y = γ x̂ + β

Backward in training mode, where μ and σ² depend on x (sums over the normalized axes):

    dβ = Σ dy        dγ = Σ dy · x̂        dx = γ / sqrt(σ² + eps) · (dy − (dβ + x̂ dγ) / m)

In evaluation mode μ and σ² are constants, so ``dx = γ / sqrt(σ² + eps) · dy``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import DTypeLike, NDArray

from zeronn._checks import (
    as_float_dtype,
    floating_array,
    positive_int,
    positive_real,
    probability,
    same_dtype,
    shape_text,
)
from zeronn.layers.base import Layer
from zeronn.parameter import Parameter


class BatchNorm(Layer):
    """Normalize each feature (2-D input) or channel (4-D input), then scale by γ and shift by β.

    Training uses the batch statistics and updates the running ones in place:

        running = momentum · running + (1 − momentum) · batch

    This is the book's convention: ``momentum=0.9`` here means the same as PyTorch's
    ``momentum=0.1``. The running variance is updated with the *biased* batch variance (divided
    by m, not m − 1). Evaluation normalizes with the running statistics.
    """

    param_names = ("gamma", "beta")
    buffer_names = ("running_mean", "running_var")

    def __init__(
        self,
        num_features: int,
        *,
        momentum: float = 0.9,
        eps: float = 1e-5,
        dtype: DTypeLike = np.float64,
    ) -> None:
        self.num_features = positive_int(num_features, "num_features", "BatchNorm")
        self.momentum = probability(momentum, "momentum", "BatchNorm")
        self.eps = positive_real(eps, "eps", "BatchNorm")
        self.dtype = as_float_dtype(dtype, "BatchNorm")
        self.gamma = Parameter(np.ones(self.num_features, dtype=self.dtype))
        self.beta = Parameter(np.zeros(self.num_features, dtype=self.dtype))
        self.running_mean = np.zeros(self.num_features, dtype=self.dtype)
        self.running_var = np.ones(self.num_features, dtype=self.dtype)
        self._x_hat: NDArray[np.floating] | None = None
        self._inv_std: NDArray[np.floating] | None = None
        self._used_batch_stats = True

    def _axes_and_shape(self, x: NDArray) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """Reduction axes and the broadcast shape of per-feature statistics for ``x``."""
        if x.ndim == 2 and x.shape[1] == self.num_features:
            return (0,), (1, self.num_features)
        if x.ndim == 4 and x.shape[1] == self.num_features:
            return (0, 2, 3), (1, self.num_features, 1, 1)
        raise ValueError(
            f"BatchNorm({self.num_features}) expected input (N, {self.num_features}) or "
            f"(N, {self.num_features}, H, W), got {shape_text(x.shape)}"
        )

    def forward(self, x: NDArray[np.floating]) -> NDArray[np.floating]:
        """Normalize ``x`` (2-D or 4-D); the output has ``x``'s shape and dtype."""
        owner = f"BatchNorm({self.num_features})"
        floating_array(x, owner)
        same_dtype(x, self.dtype, owner)
        axes, stat_shape = self._axes_and_shape(x)
        if self.training:
            count = x.size // self.num_features
            if count < 2:
                raise ValueError(
                    f"{owner} in training mode needs more than one value per feature to compute "
                    f"batch statistics, got input {shape_text(x.shape)}; call eval() to use "
                    "the running statistics"
                )
            mean = x.mean(axis=axes, keepdims=True)
            x_centered = x - mean
            var = np.mean(x_centered * x_centered, axis=axes, keepdims=True)
            self.running_mean *= self.momentum
            self.running_mean += (1.0 - self.momentum) * mean.reshape(-1)
            self.running_var *= self.momentum
            self.running_var += (1.0 - self.momentum) * var.reshape(-1)
        else:
            x_centered = x - self.running_mean.reshape(stat_shape)
            var = self.running_var.reshape(stat_shape)
        inv_std = 1.0 / np.sqrt(var + self.eps)
        x_hat = x_centered
        x_hat *= inv_std
        self._x_hat = x_hat
        self._inv_std = inv_std
        self._used_batch_stats = self.training
        return self.gamma.data.reshape(stat_shape) * x_hat + self.beta.data.reshape(stat_shape)

    def backward(self, dout: NDArray[np.floating]) -> NDArray[np.floating]:
        """Write ``gamma.grad`` and ``beta.grad``; return ``dx`` (formulas in the module doc)."""
        x_hat = self._cached(self._x_hat)
        self._check_dout(dout, x_hat.shape, self.dtype)
        axes, stat_shape = self._axes_and_shape(x_hat)
        np.sum(dout, axis=axes, out=self.beta.grad)
        np.sum(dout * x_hat, axis=axes, out=self.gamma.grad)
        scale = self.gamma.data.reshape(stat_shape) * self._inv_std
        if not self._used_batch_stats:
            return scale * dout
        count = x_hat.size // self.num_features
        dx = x_hat * self.gamma.grad.reshape(stat_shape)
        dx += self.beta.grad.reshape(stat_shape)
        dx *= -1.0 / count
        dx += dout
        dx *= scale
        return dx

    def __repr__(self) -> str:
        return (
            f"BatchNorm({self.num_features}, momentum={self.momentum}, eps={self.eps}, "
            f"dtype={self.dtype})"
        )
