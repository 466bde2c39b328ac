"""Affine (fully connected) layer.

Shapes: ``x: (N, D)`` (or ``(N, ...)`` with ``D`` trailing values, flattened), ``W: (D, M)``,
``b: (M,)``, ``y: (N, M)``.

    y  = x W + b
    dW = xᵀ dy          db = Σₙ dy          dx = dy Wᵀ   (reshaped back to x's shape)

On more than one of zeronn's threads each product is cut by the rows of its result (``y`` and
``dx`` by the batch, ``dW`` by the input features) and the parts run at once, each on a
one-thread BLAS (``zeronn.threads.split_product``); every row is the same product as on one
thread, so the values match it to rounding.
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
from zeronn.init import InitSpec, initialize, zeros
from zeronn.layers.base import Layer
from zeronn.parameter import Parameter
from zeronn.threads import split_product


class Affine(Layer):
    """Fully connected layer ``y = x W + b`` with ``W`` drawn by ``init`` and ``b`` zeros.

    ``init`` is a positive float (the std of a normal, e.g. 0.01), ``"he"`` or ``"xavier"``;
    ``rng`` is a ``numpy.random.Generator`` or an int seed.
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
        owner = type(self).__name__  # "Affine", or a subclass's name (Linear)
        self.in_features = positive_int(in_features, "in_features", owner)
        self.out_features = positive_int(out_features, "out_features", owner)
        self.dtype = as_float_dtype(dtype, owner)
        self.init = init
        generator = as_generator(rng, owner)
        shape = (self.in_features, self.out_features)
        self.W = Parameter(
            initialize(
                init,
                shape,
                generator,
                fan_in=self.in_features,
                fan_out=self.out_features,
                dtype=self.dtype,
            )
        )
        self.b = Parameter(zeros((self.out_features,), self.dtype))
        self._x2d: NDArray[np.floating] | None = None
        self._input_shape: tuple[int, ...] = ()

    @property
    def _name(self) -> str:
        return f"{type(self).__name__}({self.in_features} -> {self.out_features})"

    def forward(self, x: NDArray[np.floating]) -> NDArray[np.floating]:
        """``(N, D)`` or ``(N, ...)`` with ``D`` trailing values -> ``(N, M)``."""
        floating_array(x, self._name)
        same_dtype(x, self.dtype, self._name)
        if x.ndim < 2 or math.prod(x.shape[1:]) != self.in_features:
            raise ValueError(
                f"{self._name} expected input (N, {self.in_features}) or (N, ...) with "
                f"{self.in_features} features, got {shape_text(x.shape)}"
            )
        # A view when x is contiguous; backward only reads it, so x is never modified.
        x2d = x.reshape(x.shape[0], self.in_features)
        self._x2d = x2d
        self._input_shape = x.shape
        y = np.empty((x2d.shape[0], self.out_features), dtype=self.dtype)

        def rows(part: slice) -> None:
            np.matmul(x2d[part], self.W.data, out=y[part])
            y[part] += self.b.data

        split_product(rows, len(y), y.size * self.in_features)
        return y

    def backward(self, dout: NDArray[np.floating]) -> NDArray[np.floating]:
        """Write ``W.grad`` and ``b.grad``; return ``dx`` in the shape of the last input."""
        self.backward_params(dout)
        dout2d = dout.reshape(-1, self.out_features)  # (N, M); Linear's (N, T, M) as rows
        dx = np.empty((len(dout2d), self.in_features), dtype=self.dtype)

        def rows(part: slice) -> None:
            np.matmul(dout2d[part], self.W.data.T, out=dx[part])

        split_product(rows, len(dx), dx.size * self.out_features)
        return dx.reshape(self._input_shape)

    def backward_params(self, dout: NDArray[np.floating]) -> None:
        """Write ``W.grad = xᵀ dout`` and ``b.grad = Σₙ dout`` without computing ``dx``."""
        x2d = self._cached(self._x2d)
        self._check_dout(dout, (x2d.shape[0], self.out_features), self.dtype)
        grad = self.W.grad

        def rows(part: slice) -> None:  # rows of dW are input features: x's columns
            np.matmul(x2d[:, part].T, dout, out=grad[part])

        split_product(rows, len(grad), grad.size * len(x2d))
        np.sum(dout, axis=0, out=self.b.grad)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}({self.in_features} -> {self.out_features}, "
            f"init={self.init!r}, dtype={self.dtype})"
        )
