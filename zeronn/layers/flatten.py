"""Flatten: ``(N, d1, d2, ...) -> (N, d1·d2·...)``; backward reshapes ``dy`` back to ``x``'s shape.

Between a convolution stack ``(N, C, H, W)`` and an Affine layer. No arithmetic, so the
gradient is the upstream gradient with the input's shape.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from zeronn._checks import floating_array, shape_text
from zeronn.layers.base import Layer


class Flatten(Layer):
    """Reshape each sample to a vector: ``(N, ...) -> (N, prod(...))``."""

    def __init__(self) -> None:
        self._input_shape: tuple[int, ...] | None = None
        self._dtype = np.dtype(np.float64)

    def forward(self, x: NDArray[np.floating]) -> NDArray[np.floating]:
        """Return a view of ``x`` of shape ``(N, prod(x.shape[1:]))`` (a copy if not contiguous)."""
        floating_array(x, "Flatten")
        if x.ndim < 2:
            raise ValueError(
                f"Flatten expected input (N, ...) with at least 2 axes, got {shape_text(x.shape)}"
            )
        self._input_shape = x.shape
        self._dtype = x.dtype
        return x.reshape(x.shape[0], math.prod(x.shape[1:]))

    def backward(self, dout: NDArray[np.floating]) -> NDArray[np.floating]:
        input_shape = self._cached(self._input_shape)
        output_shape = (input_shape[0], math.prod(input_shape[1:]))
        self._check_dout(dout, output_shape, self._dtype)
        return dout.reshape(input_shape)

    def __repr__(self) -> str:
        return "Flatten()"
