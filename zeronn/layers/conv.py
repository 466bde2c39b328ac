"""Conv2D: 2-D convolution (cross-correlation) as matrix products over im2col columns.

Read the simple version first: :class:`zeronn.layers.simple.SimpleConv2D` is the same layer in
the book's few lines (one im2col, one matrix product, one col2im); this one computes the same
numbers with cache-sized parts, reused buffers and two algorithms for dx (tested to agree).

Shapes: x (N, C, H, W), W (F, C, kh, kw), b (F,), y (N, F, OH, OW) with
OH = (H + 2·ph − kh) // sh + 1 (likewise OW). With K = C·kh·kw and the columns of
:func:`zeronn.im2col.im2col`, ``cols`` (K, n·OH·OW) for a part of n images:

    forward:   Y  = W₂ cols + b            W₂ = W.reshape(F, K); Y (F, n·OH·OW) reordered to y
    backward:  dW = Σ_parts (cols dYᵀ)ᵀ, db = Σ dY over images and positions
               dx = col2im(W₂ᵀ dY)         (the adjoint of im2col scatters window gradients back)
           or  dx = conv(dy padded by k−1−p, W flipped in space, in/out channels swapped)

The second form of dx is a "transposed convolution": for stride 1 (and p < k) it computes the
same sum as col2im, but as one copy plus one matrix product instead of kh·kw strided
read-modify-write passes. Its columns have F·kh·kw rows against col2im's C·kh·kw, so the layer
uses it when F ≤ C (e.g. 16 → 16 channels) and col2im otherwise (the first layer, 1 → 30, or a
widening 32 → 64). ``transposed_dx`` shows the choice.

Speed: the batch is cut into parts of a few images whose columns (about ``PART_BYTES``) stay in
a core's cache, instead of one column matrix of tens of MB streamed through memory, and the
parts run on :func:`zeronn.threads.current_threads` threads, each with a one-thread BLAS
(NumPy releases the GIL in the copies and products); on several threads the number of parts
is a multiple of the thread count. The backward pass rebuilds each part's columns rather than
keeping them: a copy in cache costs less than reading them back from memory. dW is computed
as ``cols dYᵀ`` (K, F) rather than ``dY colsᵀ`` (F, K): the same sums, but OpenBLAS runs the
long inner dimension about twice as fast that way round when F is small (16).

Tried and not kept (``benchmarks/bench_conv_attempts.py`` times them against this layer):
Winograd F(2×2, 3×3) with its transforms as batched products — 2.25× fewer multiply-adds, but
the tile gather, the two transforms and the scatter back cost more than they save in NumPy
(forward 1.24× and 1.08× this layer's time on cases (b) and (c) of ``bench_layers.py``).
Column buffers kept between calls: no faster (1.01–1.02×; freed memory is reused already).
Columns copied as whole padded rows (one run of OH·Wp values per channel and image, the extra
Wp − OW outputs per row dropped): 0.85× the forward on (b), 1.00× on (c), but the wider product
takes other OpenBLAS kernels whose float64 results differ in the last bits.

Every part computes exactly the formulas above on its images; the tests compare the layer with
the loops of :func:`zeronn.reference.conv_forward` and ``conv_backward``.
"""

from __future__ import annotations

import itertools

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
from zeronn.im2col import IntOrPair, col2im, im2col, spatial_output, window_geometry
from zeronn.init import InitSpec, initialize, zeros
from zeronn.layers.base import Layer
from zeronn.parameter import Parameter
from zeronn.threads import current_threads, map_parts

# Column bytes per part of the batch, about two of this machine's 1 MiB L2 caches. Measured on
# the three cases of benchmarks/bench_layers.py at 1 and 2 threads: 2-4 MiB best; 256 KiB parts
# (Python overhead) and the whole batch at once (memory traffic) up to 1.5× slower.
PART_BYTES = 2**21


def image_parts(count: int, bytes_per_image: int, threads: int) -> list[slice]:
    """Cut ``count`` images into consecutive slices of about ``PART_BYTES`` of columns each,
    as equal in size as possible; on several threads, a multiple of the thread count (so that
    the threads finish together: 3 parts on 2 threads would leave one idle a third of the time).

    >>> image_parts(10, 2**20, 1)
    [slice(0, 2, None), slice(2, 4, None), slice(4, 6, None), slice(6, 8, None), slice(8, 10, None)]
    >>> [part.stop - part.start for part in image_parts(10, 2**20, 2)]
    [1, 2, 2, 1, 2, 2]
    """
    parts = -(-count * bytes_per_image // PART_BYTES)
    parts = -(-parts // threads) * threads
    parts = max(1, min(parts, count))
    bounds = [count * k // parts for k in range(parts + 1)]
    return [slice(start, stop) for start, stop in itertools.pairwise(bounds)]


def channels_first(y: NDArray) -> NDArray:
    """(n, F, OH, OW) -> (F, n·OH·OW), the layout of a product with columns (a copy)."""
    n, f = y.shape[:2]
    return np.ascontiguousarray(y.reshape(n, f, -1).transpose(1, 0, 2)).reshape(f, -1)


class Conv2D(Layer):
    """2-D convolution over NCHW images with ``out_channels`` filters of ``kernel_size``.

    ``kernel_size``, ``stride`` and ``pad`` are an int or an ``(height, width)`` pair. ``init`` is
    a std, ``"he"`` (default) or ``"xavier"`` with fan_in = C·kh·kw; the bias starts at zero.
    """

    param_names = ("W", "b")

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: IntOrPair,
        stride: IntOrPair = 1,
        pad: IntOrPair = 0,
        *,
        init: InitSpec = "he",
        rng: np.random.Generator | int | None = None,
        dtype: DTypeLike = np.float64,
    ) -> None:
        self.in_channels = positive_int(in_channels, "in_channels", "Conv2D")
        self.out_channels = positive_int(out_channels, "out_channels", "Conv2D")
        self.kernel_size, self.stride, self.pad = window_geometry(
            kernel_size, stride, pad, "Conv2D"
        )
        dtype = as_float_dtype(dtype, "Conv2D")
        rng = as_generator(rng, "Conv2D")
        kh, kw = self.kernel_size
        shape = (self.out_channels, self.in_channels, kh, kw)
        fan_in, fan_out = self.in_channels * kh * kw, self.out_channels * kh * kw
        self.W = Parameter(
            initialize(init, shape, rng, fan_in=fan_in, fan_out=fan_out, dtype=dtype)
        )
        self.b = Parameter(zeros((self.out_channels,), dtype))
        self.transposed_dx = (
            self.stride == (1, 1)
            and self.pad[0] < kh
            and self.pad[1] < kw
            and self.out_channels <= self.in_channels
        )
        self._x: NDArray | None = None

    def forward(self, x: NDArray[np.floating]) -> NDArray[np.floating]:
        """y (N, F, OH, OW) = W ⋆ x + b for x (N, C, H, W)."""
        x = floating_array(x, "Conv2D")
        if x.ndim != 4 or x.shape[1] != self.in_channels:
            raise ValueError(
                f"Conv2D expected input (N, {self.in_channels}, H, W), got {shape_text(x.shape)}"
            )
        same_dtype(x, self.W.dtype, "Conv2D")
        n, _, h, w = x.shape
        f, (oh, ow) = self.out_channels, self._output_hw(h, w)
        y = np.empty((n, f, oh, ow), dtype=x.dtype)
        W2 = self.W.data.reshape(f, -1)
        bias = self.b.data[:, None, None]

        def forward_part(part: slice) -> None:
            Y = W2 @ self._columns(x[part])  # (F, n·OH·OW)
            # Adding b during the (F, n) -> (n, F) reorder saves a pass over y.
            np.add(Y.reshape(f, -1, oh, ow).swapaxes(0, 1), bias, out=y[part])

        self._map(forward_part, x)
        self._x = x
        return y

    def backward(self, dout: NDArray[np.floating]) -> NDArray[np.floating]:
        """Write W.grad and b.grad; return dx (N, C, H, W)."""
        return self._backward(dout, input_grad=True)

    def backward_params(self, dout: NDArray[np.floating]) -> None:
        """Write W.grad and b.grad without computing dx (the first layer of a network)."""
        self._backward(dout, input_grad=False)

    def _backward(self, dout: NDArray[np.floating], input_grad: bool) -> NDArray | None:
        x = self._cached(self._x)
        n, _, h, w = x.shape
        dout = self._check_dout(dout, (n, self.out_channels, *self._output_hw(h, w)), x.dtype)
        dx = np.empty_like(x) if input_grad else None

        def backward_part(part: slice) -> NDArray:
            dY = channels_first(dout[part])
            if dx is not None:
                dx[part] = self._input_grad(dY, dout[part], x[part].shape)
            # dWᵀ = cols dYᵀ (K, F): the same sums as dY colsᵀ, but OpenBLAS runs a long inner
            # dimension twice as fast this way round for F = 16 (250 against 440 µs a part)
            return self._columns(x[part]) @ dY.T

        dW_parts = self._map(backward_part, x)
        np.sum(dout, axis=(0, 2, 3), out=self.b.grad)
        np.sum(dW_parts, axis=0, out=self.W.grad.reshape(self.out_channels, -1).T)
        return dx

    def _input_grad(self, dY: NDArray, dout: NDArray, x_shape: tuple[int, ...]) -> NDArray:
        """dx of one part: a transposed convolution of dout, or col2im(W₂ᵀ dY)."""
        if not self.transposed_dx:
            W2 = self.W.data.reshape(self.out_channels, -1)
            return col2im(W2.T @ dY, x_shape, self.kernel_size, self.stride, self.pad)
        n, c, h, w = x_shape
        kh, kw = self.kernel_size
        border = (kh - 1 - self.pad[0], kw - 1 - self.pad[1])
        # W_flipped[c, f, i, j] = W[f, c, kh−1−i, kw−1−j]
        W_flipped = self.W.data.transpose(1, 0, 2, 3)[:, :, ::-1, ::-1].reshape(c, -1)
        dx_channels_first = W_flipped @ im2col(dout, self.kernel_size, 1, border)
        return dx_channels_first.reshape(c, n, h, w).swapaxes(0, 1)

    def _columns(self, x: NDArray) -> NDArray:
        return im2col(x, self.kernel_size, self.stride, self.pad)

    def _map(self, function, x: NDArray) -> list:
        """Run ``function(part)`` for parts of the batch x, on zeronn's threads."""
        n, _, h, w = x.shape
        oh, ow = self._output_hw(h, w)
        bytes_per_image = self.W.size // self.out_channels * oh * ow * x.itemsize
        return map_parts(function, image_parts(n, bytes_per_image, current_threads()))

    def _output_hw(self, h: int, w: int) -> tuple[int, int]:
        return spatial_output(h, w, self.kernel_size, self.stride, self.pad, "Conv2D")

    def __repr__(self) -> str:
        return (
            f"Conv2D({self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
            f"stride={self.stride}, pad={self.pad}, dtype={self.W.dtype})"
        )
