"""Batch normalization (Ioffe & Szegedy 2015).

Input ``(N, D)`` is normalized per feature over N; input ``(N, C, H, W)`` per channel over
N, H and W. With ``m`` the number of values per feature and ``μ, σ²`` their mean and biased
variance (training) or the running statistics (evaluation):

    x̂ = (x − μ) / sqrt(σ² + eps)          y = γ x̂ + β

Backward in training mode, where μ and σ² depend on x (sums over the normalized axes):

    dβ = Σ dy        dγ = Σ dy · x̂        dx = γ / sqrt(σ² + eps) · (dy − (dβ + x̂ dγ) / m)

In evaluation mode μ and σ² are constants, so ``dx = γ / sqrt(σ² + eps) · dy``.

The element-wise passes are split over the batch on zeronn's threads
(``zeronn.threads.split_batch``); the sums over the batch are not, so every thread count gives
the same numbers.
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
from zeronn.threads import split_batch


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
            x_centered = _elementwise(np.subtract, x, mean)
            var = np.mean(
                _elementwise(np.multiply, x_centered, x_centered), axis=axes, keepdims=True
            )
            self.running_mean *= self.momentum
            self.running_mean += (1.0 - self.momentum) * mean.reshape(-1)
            self.running_var *= self.momentum
            self.running_var += (1.0 - self.momentum) * var.reshape(-1)
        else:
            x_centered = _elementwise(np.subtract, x, self.running_mean.reshape(stat_shape))
            var = self.running_var.reshape(stat_shape)
        inv_std = 1.0 / np.sqrt(var + self.eps)
        gamma, beta = self.gamma.data.reshape(stat_shape), self.beta.data.reshape(stat_shape)
        x_hat, y = x_centered, np.empty_like(x_centered)

        def normalize(part: slice) -> None:  # x̂ = (x − μ) / sqrt(σ² + eps), y = γ x̂ + β
            x_hat[part] *= inv_std
            np.multiply(gamma, x_hat[part], out=y[part])
            y[part] += beta

        split_batch(normalize, x_hat)
        self._x_hat = x_hat
        self._inv_std = inv_std
        self._used_batch_stats = self.training
        return y

    def backward(self, dout: NDArray[np.floating]) -> NDArray[np.floating]:
        """Write ``gamma.grad`` and ``beta.grad``; return ``dx`` (formulas in the module doc)."""
        x_hat = self._cached(self._x_hat)
        self._check_dout(dout, x_hat.shape, self.dtype)
        axes, stat_shape = self._axes_and_shape(x_hat)
        np.sum(dout, axis=axes, out=self.beta.grad)
        np.sum(_elementwise(np.multiply, dout, x_hat), axis=axes, out=self.gamma.grad)
        scale = self.gamma.data.reshape(stat_shape) * self._inv_std
        if not self._used_batch_stats:
            return _elementwise(np.multiply, scale, dout)
        count = x_hat.size // self.num_features
        d_gamma, d_beta = self.gamma.grad.reshape(stat_shape), self.beta.grad.reshape(stat_shape)
        dx = np.empty_like(x_hat)

        def input_grad(part: slice) -> None:  # dx = scale · (dy − (dβ + x̂ dγ) / m)
            np.multiply(x_hat[part], d_gamma, out=dx[part])
            dx[part] += d_beta
            dx[part] *= -1.0 / count
            dx[part] += dout[part]
            dx[part] *= scale

        split_batch(input_grad, dx)
        return dx

    def __repr__(self) -> str:
        return (
            f"BatchNorm({self.num_features}, momentum={self.momentum}, eps={self.eps}, "
            f"dtype={self.dtype})"
        )


def _elementwise(ufunc: np.ufunc, a: NDArray, b: NDArray) -> NDArray:
    """``ufunc(a, b)`` for a batch array and a per-feature (broadcast) or batch array, its
    batch split over zeronn's threads; the batch array is the larger one."""
    batch = a if a.size >= b.size else b
    out = np.empty(np.broadcast_shapes(a.shape, b.shape), dtype=np.result_type(a, b))

    def part_of(array: NDArray, part: slice) -> NDArray:
        return array[part] if array.shape[0] == out.shape[0] else array  # else per feature

    split_batch(lambda part: ufunc(part_of(a, part), part_of(b, part), out=out[part]), batch)
    return out
