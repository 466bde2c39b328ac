"""Linear: an affine map over the last axis, for every position of a sequence at once.

Shapes: ``x: (..., D)``, e.g. ``(N, T, D)``, ``W: (D, M)``, ``b: (M,)``, ``y: (..., M)``:

    y = x W + b                       (each position's vector independently)
    dW = Σ over positions xᵀ dy       db = Σ over positions dy       dx = dy Wᵀ

It is :class:`~zeronn.layers.affine.Affine` seen through a reshape to ``(positions, D)``, and
PyTorch's ``nn.Linear`` (the book's second volume calls it TimeAffine). Affine itself flattens
``(N, ...)`` to ``(N, D)``, which is what a convnet's head needs and what a sequence must not get.
"""

from __future__ import annotations

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
from zeronn.init import InitSpec, initialize, zeros
from zeronn.layers.base import Layer
from zeronn.parameter import Parameter


class Linear(Layer):
    """Position-wise ``y = x W + b`` over the last axis; ``W`` drawn by ``init``, ``b`` zeros.

    ``init`` is a positive float (the std of a normal), ``"he"``, ``"xavier"`` or
    ``"xavier_uniform"``; the default ``"he"`` is Affine's.
    """

    param_names = ("W", "b")

    def __init__(
        self,
        in_features: int,
        out_features: int,
        *,
        init: InitSpec = "he",
        rng: np.random.Generator | int | None = None,
        dtype: DTypeLike = np.float64,
    ) -> None:
        self.in_features = positive_int(in_features, "in_features", "Linear")
        self.out_features = positive_int(out_features, "out_features", "Linear")
        self.dtype = as_float_dtype(dtype, "Linear")
        self.init = init
        shape = (self.in_features, self.out_features)
        weight = initialize(
            init,
            shape,
            as_generator(rng, "Linear"),
            fan_in=self.in_features,
            fan_out=self.out_features,
            dtype=self.dtype,
        )
        self.W = Parameter(weight)
        self.b = Parameter(zeros((self.out_features,), self.dtype))
        self._x2d: NDArray[np.floating] | None = None
        self._input_shape: tuple[int, ...] = ()

    @property
    def _name(self) -> str:
        return f"Linear({self.in_features} -> {self.out_features})"

    def forward(self, x: NDArray[np.floating]) -> NDArray[np.floating]:
        """``(..., D)`` → ``(..., M)``."""
        floating_array(x, self._name)
        same_dtype(x, self.dtype, self._name)
        if x.ndim < 2 or x.shape[-1] != self.in_features:
            raise ValueError(
                f"{self._name} expected input (..., {self.in_features}) with at least 2 axes, "
                f"got {shape_text(x.shape)}"
            )
        self._x2d = x.reshape(-1, self.in_features)  # a view when x is contiguous, never written
        self._input_shape = x.shape
        y = np.matmul(self._x2d, self.W.data)
        y += self.b.data
        return y.reshape(*x.shape[:-1], self.out_features)

    def backward(self, dout: NDArray[np.floating]) -> NDArray[np.floating]:
        """Write ``W.grad`` and ``b.grad``; return ``dx`` in the shape of the last input."""
        self.backward_params(dout)
        return np.matmul(dout, self.W.data.T)

    def backward_params(self, dout: NDArray[np.floating]) -> None:
        x2d = self._cached(self._x2d)
        self._check_dout(dout, (*self._input_shape[:-1], self.out_features), self.dtype)
        dout2d = dout.reshape(-1, self.out_features)
        np.matmul(x2d.T, dout2d, out=self.W.grad)
        np.sum(dout2d, axis=0, out=self.b.grad)

    def __repr__(self) -> str:
        return (
            f"Linear({self.in_features} -> {self.out_features}, init={self.init!r}, "
            f"dtype={self.dtype})"
        )
