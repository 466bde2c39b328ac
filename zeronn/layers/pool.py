"""MaxPool2D: the maximum of each ``ph × pw`` window, with the gradient routed to its argmax.

Read the simple version first: :class:`zeronn.layers.simple.SimpleMaxPool2D` is the same layer
as the book writes it (im2col, then a maximum over each row); this one reads strided slices
instead of copying windows, with the same results (tested). The loop twin, one window at a
time: :func:`zeronn.reference.max_pool_forward` and ``max_pool_backward``.

Shapes: x (N, C, H, W) -> y (N, C, OH, OW), OH = (H + 2·pad − ph) // stride + 1 (likewise OW);
the padding is −inf, so it never wins a window.

    forward:   y[n, c, oh, ow] = max_{i,j} xp[n, c, oh·sh + i, ow·sw + j]
    backward:  dxp[n, c, oh·sh + i*, ow·sw + j*] += dout[n, c, oh, ow]

where (i*, j*) is the FIRST maximum of the window in row-major order (as PyTorch does): after a
ReLU many windows are all zeros, and the gradient must go to exactly one of them. Overlapping
windows (stride < pool) add up their contributions.

Both passes loop over the ph·pw offsets of the window (4 steps for 2×2), each step one
vectorized operation over all images, channels and output positions: this reads the input in
strided slices instead of copying it into a (…, ph·pw) window array. The batch is cut into one
slice of images per thread of zeronn's (``zeronn.threads.split_batch``; one slice for small
batches), each slice running those steps on its images: the same numbers on any thread count.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from zeronn._checks import floating_array, shape_text
from zeronn.im2col import IntOrPair, pad_images, spatial_output, window_geometry
from zeronn.layers.base import Layer
from zeronn.threads import split_batch


class MaxPool2D(Layer):
    """Max-pooling over NCHW images; ``stride`` defaults to ``pool_size`` (windows tile the image).

    ``pool_size``, ``stride`` and ``pad`` are an int or an ``(height, width)`` pair. No parameters.
    """

    def __init__(
        self, pool_size: IntOrPair, stride: IntOrPair | None = None, pad: IntOrPair = 0
    ) -> None:
        stride = pool_size if stride is None else stride
        self.pool_size, self.stride, self.pad = window_geometry(
            pool_size, stride, pad, "MaxPool2D", kernel_name="pool_size"
        )
        if any(2 * p > k for p, k in zip(self.pad, self.pool_size, strict=True)):
            # A window made only of padding would output −inf.
            raise ValueError(
                f"MaxPool2D expected pad at most half the pool size {self.pool_size}, "
                f"got pad {self.pad}"
            )
        self._x_shape: tuple[int, int, int, int] | None = None
        self._argmax: NDArray[np.uint8 | np.int32] | None = None
        self._dtype: np.dtype | None = None

    def _offsets(self, xp: NDArray, out_hw: tuple[int, int]):
        """Yield ``(k, view)``: for window offset k = i·kw + j, the strided view of xp it covers."""
        (kh, kw), (sh, sw) = self.pool_size, self.stride
        row_end, col_end = sh * out_hw[0], sw * out_hw[1]
        for i in range(kh):
            for j in range(kw):
                yield i * kw + j, xp[:, :, i : i + row_end : sh, j : j + col_end : sw]

    def forward(self, x: NDArray[np.floating]) -> NDArray[np.floating]:
        """y (N, C, OH, OW): the maximum of each window of x (N, C, H, W)."""
        x = floating_array(x, "MaxPool2D")
        if x.ndim != 4:
            raise ValueError(f"MaxPool2D expected input (N, C, H, W), got {shape_text(x.shape)}")
        n, c, h, w = x.shape
        oh, ow = self._output_hw(h, w)
        window_size = self.pool_size[0] * self.pool_size[1]
        index_type = np.uint8 if window_size <= 256 else np.int32
        y = np.empty((n, c, oh, ow), dtype=x.dtype)
        argmax = np.empty((n, c, oh, ow), dtype=index_type)
        split_batch(lambda part: self._pool(x[part], y[part], argmax[part]), x)
        self._x_shape, self._argmax, self._dtype = (n, c, h, w), argmax, x.dtype
        return y

    def _pool(self, x: NDArray, y: NDArray, argmax: NDArray) -> None:
        """Write the window maxima of the images x into y and their first offsets into argmax."""
        views = list(self._offsets(pad_images(x, self.pad, value=-np.inf), y.shape[2:]))
        np.copyto(y, views[0][1])
        for _, view in views[1:]:
            np.maximum(y, view, out=y)
        # Offsets are visited in row-major order and a hit counts only where no earlier offset
        # held the maximum. Boolean arithmetic, not masked writes: masked copies with a random
        # mask are several times slower.
        argmax.fill(0)
        found = np.equal(views[0][1], y)
        for k, view in views[1:]:
            hit = np.equal(view, y)
            hit &= ~found
            argmax += hit * argmax.dtype.type(k)
            found |= hit

    def backward(self, dout: NDArray[np.floating]) -> NDArray[np.floating]:
        """dx (N, C, H, W): each window's dout added at its first maximum, zero elsewhere."""
        x_shape = self._cached(self._x_shape)
        argmax = self._argmax
        dout = self._check_dout(dout, argmax.shape, self._dtype)
        dx = np.empty(x_shape, dtype=dout.dtype)
        split_batch(lambda part: self._route(dout[part], argmax[part], dx[part]), dout)
        return dx

    def _route(self, dout: NDArray, argmax: NDArray, dx: NDArray) -> None:
        """Write into dx (n, C, H, W) the gradient of the images whose dout and argmax are given."""
        (ph, pw) = self.pad
        n, c, h, w = dx.shape
        dxp = dx if (ph, pw) == (0, 0) else np.empty((n, c, h + 2 * ph, w + 2 * pw), dx.dtype)
        overlapping = any(s < k for s, k in zip(self.stride, self.pool_size, strict=True))
        out_hw = argmax.shape[2:]
        tiled = all(
            s == k and size == out * s
            for s, k, size, out in zip(
                self.stride, self.pool_size, dxp.shape[2:], out_hw, strict=True
            )
        )
        if not tiled:  # some pixels are in no window (or in several): start from zeros
            dxp.fill(0)
        for k, view in self._offsets(dxp, out_hw):
            # dout · [argmax == k]: a product, faster than a masked write (an infinite dout
            # would leave NaN beside its maximum; such a gradient is lost anyway).
            if overlapping:
                view += dout * (argmax == k)
            else:  # each input pixel is in at most one window: write, don't accumulate
                np.multiply(dout, argmax == k, out=view)
        if dxp is not dx:
            np.copyto(dx, dxp[:, :, ph : ph + h, pw : pw + w])

    def _output_hw(self, h: int, w: int) -> tuple[int, int]:
        return spatial_output(h, w, self.pool_size, self.stride, self.pad, "MaxPool2D", what="pool")

    def __repr__(self) -> str:
        return f"MaxPool2D(pool_size={self.pool_size}, stride={self.stride}, pad={self.pad})"
