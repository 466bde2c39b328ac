"""Conv2D: 2-D convolution (cross-correlation) as one matrix product over im2col columns.

Shapes: x (N, C, H, W), W (F, C, kh, kw), b (F,), y (N, F, OH, OW) with
OH = (H + 2·ph − kh) // sh + 1 (likewise OW). With K = C·kh·kw and the columns of
:func:`zeronn.im2col.im2col`, ``cols`` (K, N·OH·OW):

    forward:   Y  = W₂ cols + b            W₂ = W.reshape(F, K); Y (F, N·OH·OW) reordered to y
    backward:  dW = dY colsᵀ,   db = Σ dY over images and positions
               dx = col2im(W₂ᵀ dY)         (the adjoint of im2col scatters window gradients back)
           or  dx = conv(dy padded by k−1−p, W flipped in space, in/out channels swapped)

The second form of dx is a "transposed convolution": for stride 1 (and p < k) it computes the
same sum as col2im, but as one copy plus one matrix product instead of kh·kw strided
read-modify-write passes. Its columns have F·kh·kw rows against col2im's C·kh·kw, so the layer
uses it when F ≤ C (e.g. 16 → 16 channels) and col2im otherwise (the first layer, 1 → 30, or a
widening 32 → 64). ``transposed_dx`` shows the choice.
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
from zeronn.im2col import IntOrPair, col2im, im2col, spatial_output, window_geometry
from zeronn.init import InitSpec, initialize, zeros
from zeronn.layers.base import Layer
from zeronn.parameter import Parameter


def _buffer(current: NDArray | None, shape: tuple[int, ...], dtype: np.dtype) -> NDArray:
    """Reuse ``current`` if its shape and dtype fit: big fresh arrays cost page faults."""
    if current is not None and current.shape == shape and current.dtype == dtype:
        return current
    return np.zeros(shape, dtype=dtype)


def _padded_copy(source: NDArray, pad: tuple[int, int], buffer: NDArray | None) -> NDArray:
    """``source`` inside a zero border of ``pad``, written into a reused buffer (border stays 0)."""
    n, c, h, w = source.shape
    padded = _buffer(buffer, (n, c, h + 2 * pad[0], w + 2 * pad[1]), source.dtype)
    padded[:, :, pad[0] : pad[0] + h, pad[1] : pad[1] + w] = source
    return padded


class Conv2D(Layer):
    """2-D convolution over NCHW images with ``out_channels`` filters of ``kernel_size``.

    ``kernel_size``, ``stride`` and ``pad`` are an int or an ``(height, width)`` pair. ``init`` is
    a std, ``"he"`` (default) or ``"xavier"`` with fan_in = C·kh·kw; the bias starts at zero.
    The layer keeps its column buffers between calls (K·N·OH·OW values each for the forward and
    the backward pass), so a repeated batch shape allocates nothing big.
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
        self._x_shape: tuple[int, int, int, int] | None = None
        self._padded: NDArray | None = None
        self._cols: NDArray | None = None
        self._dcols: NDArray | None = None
        self._dout_padded: NDArray | None = None

    def forward(self, x: NDArray[np.floating]) -> NDArray[np.floating]:
        """y (N, F, OH, OW) = W ⋆ x + b for x (N, C, H, W)."""
        x = floating_array(x, "Conv2D")
        if x.ndim != 4 or x.shape[1] != self.in_channels:
            raise ValueError(
                f"Conv2D expected input (N, {self.in_channels}, H, W), got {shape_text(x.shape)}"
            )
        same_dtype(x, self.W.dtype, "Conv2D")
        n, _, h, w = x.shape
        oh, ow = self._output_hw(h, w)
        if self.pad != (0, 0):
            x = self._padded = _padded_copy(x, self.pad, self._padded)
        k = self.W.size // self.out_channels
        self._cols = _buffer(self._cols, (k, n * oh * ow), x.dtype)
        im2col(x, self.kernel_size, self.stride, out=self._cols)
        Y = self.W.data.reshape(self.out_channels, k) @ self._cols
        y = np.empty((n, self.out_channels, oh, ow), dtype=x.dtype)
        # Adding b during the (F, N) -> (N, F) reorder saves a pass over y.
        np.add(
            Y.reshape(self.out_channels, n, oh * ow).transpose(1, 0, 2),
            self.b.data[:, None],
            out=y.reshape(n, self.out_channels, oh * ow),
        )
        self._x_shape = (n, self.in_channels, h, w)
        return y

    def backward(self, dout: NDArray[np.floating]) -> NDArray[np.floating]:
        """Write W.grad and b.grad; return dx (N, C, H, W)."""
        dY = self._param_grads(dout)
        if self.transposed_dx:
            return self._dx_transposed(dout)
        W2 = self.W.data.reshape(self.out_channels, -1)
        self._dcols = _buffer(self._dcols, self._cols.shape, dout.dtype)
        np.matmul(W2.T, dY, out=self._dcols)
        return col2im(self._dcols, self._x_shape, self.kernel_size, self.stride, self.pad)

    def backward_params(self, dout: NDArray[np.floating]) -> None:
        """Write W.grad and b.grad without computing dx (the first layer of a network)."""
        self._param_grads(dout)

    def _param_grads(self, dout: NDArray[np.floating]) -> NDArray[np.floating]:
        """Write b.grad = Σ dY and W.grad = dY colsᵀ; return dY (F, N·OH·OW) for dx."""
        n, _, h, w = self._cached(self._x_shape)
        f = self.out_channels
        oh, ow = self._output_hw(h, w)
        dout = self._check_dout(dout, (n, f, oh, ow), self.W.dtype)
        dY = np.ascontiguousarray(dout.reshape(n, f, oh * ow).transpose(1, 0, 2)).reshape(f, -1)
        np.sum(dY, axis=1, out=self.b.grad)
        np.matmul(dY, self._cols.T, out=self.W.grad.reshape(f, -1))
        return dY

    def _dx_transposed(self, dout: NDArray[np.floating]) -> NDArray[np.floating]:
        """dx as a stride-1 convolution of dout (padded by k−1−p) with the flipped kernel."""
        n, c, h, w = self._x_shape
        kh, kw = self.kernel_size
        border = (kh - 1 - self.pad[0], kw - 1 - self.pad[1])
        self._dout_padded = _padded_copy(dout, border, self._dout_padded)
        self._dcols = _buffer(self._dcols, (self.out_channels * kh * kw, n * h * w), dout.dtype)
        im2col(self._dout_padded, self.kernel_size, out=self._dcols)
        # W_flipped[c, f, i, j] = W[f, c, kh−1−i, kw−1−j]
        W_flipped = self.W.data.transpose(1, 0, 2, 3)[:, :, ::-1, ::-1].reshape(c, -1)
        dx_channels_first = (W_flipped @ self._dcols).reshape(c, n, h, w)
        return np.ascontiguousarray(dx_channels_first.transpose(1, 0, 2, 3))

    def _output_hw(self, h: int, w: int) -> tuple[int, int]:
        return spatial_output(h, w, self.kernel_size, self.stride, self.pad, "Conv2D")

    def __repr__(self) -> str:
        return (
            f"Conv2D({self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
            f"stride={self.stride}, pad={self.pad}, dtype={self.W.dtype})"
        )
