"""Builds a convolutional network layer by layer while tracking the image shape each layer sees.

The factories of :mod:`zeronn.models` use it so that an ``input_shape`` the network cannot
process fails at once, naming the layer and the size it would get, before any layer is built.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import DTypeLike

from zeronn._checks import as_float_dtype, positive_int, shape_text
from zeronn.im2col import output_size
from zeronn.init import InitSpec
from zeronn.layers import Affine, Conv2D, Flatten, Layer, MaxPool2D, ReLU


class ConvBuilder:
    """Appends layers while tracking the (C, H, W) image shape they will see."""

    def __init__(
        self,
        owner: str,
        input_shape: object,
        init: InitSpec,
        rng: np.random.Generator,
        dtype: DTypeLike,
    ) -> None:
        if not isinstance(input_shape, tuple | list) or len(input_shape) != 3:
            raise ValueError(
                f"{owner} expected input_shape as (channels, height, width), got {input_shape!r}"
            )
        self.owner = owner
        self.input_shape = tuple(positive_int(s, "input_shape", owner) for s in input_shape)
        self.shape = self.input_shape
        self.init, self.rng = init, rng
        self.dtype = as_float_dtype(dtype, owner)
        self.layers: list[Layer] = []

    def conv(self, out_channels: int, kernel_size: object, *, pad: int) -> None:
        """Append Conv2D(kernel_size, stride 1, pad) and a ReLU."""
        kernel = positive_int(kernel_size, "kernel_size", self.owner)
        channels, height, width = self.shape
        self._check_fits(f"Conv2D {kernel}×{kernel} with pad {pad}", kernel, pad)
        self.layers.append(
            Conv2D(
                channels,
                out_channels,
                kernel,
                1,
                pad,
                init=self.init,
                rng=self.rng,
                dtype=self.dtype,
            )
        )
        self.layers.append(ReLU())
        self.shape = (
            out_channels,
            output_size(height, kernel, 1, pad),
            output_size(width, kernel, 1, pad),
        )

    def pool(self) -> None:
        """Append MaxPool2D(2), which halves the height and width (rounding down)."""
        self._check_fits("MaxPool2D 2×2", 2, 0)
        self.layers.append(MaxPool2D(2))
        channels, height, width = self.shape
        self.shape = (channels, height // 2, width // 2)

    def dense(self, out_features: int) -> None:
        """Append Affine(out_features), flattening the images first if they are still images."""
        if len(self.shape) == 3:
            self.layers.append(Flatten())
            self.shape = (math.prod(self.shape),)
        (in_features,) = self.shape
        self.layers.append(
            Affine(in_features, out_features, init=self.init, rng=self.rng, dtype=self.dtype)
        )
        self.shape = (out_features,)

    def _check_fits(self, description: str, kernel: int, pad: int) -> None:
        _, height, width = self.shape
        if min(height, width) + 2 * pad < kernel:
            smallest = kernel - 2 * pad
            raise ValueError(
                f"{self.owner}: input_shape {shape_text(self.input_shape)} is too small: "
                f"layer {len(self.layers)} ({description}) would get {height}×{width} images "
                f"but needs at least {smallest}×{smallest}"
            )
