"""Convolution and max-pooling the short way: read these before Conv2D and MaxPool2D.

Both layers rest on one idea, im2col: copy every window of the (padded) image into a row of a
matrix. For x (N, C, H, W) and a kh × kw window moved by stride (sh, sw), row (n, oh, ow)
holds the C·kh·kw values under the window at output position (oh, ow) of image n:

    cols = im2col(x)                     (N·OH·OW, C·kh·kw),  OH = (H + 2·ph − kh) // sh + 1

Then a convolution with filters W (F, C, kh, kw) is one matrix product, and its backward pass
is the matrix product's:

    y     = cols W₂ᵀ + b                 W₂ = W.reshape(F, C·kh·kw); rows -> (N, F, OH, OW)
    dW₂   = doutᵀ cols,   db = Σ dout,   dx = col2im(dout W₂)

and max-pooling is a maximum over each row's kh·kw values of one channel, whose gradient goes
to the position of that maximum (the first one, on ties). ``col2im`` is the adjoint of im2col:
it adds every row's values back where they were copied from, so overlapping windows sum.

These classes keep the same parameters, names and results as the fast layers (the tests check
it on random inputs); the fast ones avoid the big copies and reorders.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import DTypeLike, NDArray

from zeronn._checks import as_float_dtype, as_generator, floating_array, positive_int, shape_text
from zeronn.im2col import IntOrPair, spatial_output, window_geometry
from zeronn.init import InitSpec, initialize, zeros
from zeronn.layers.base import Layer
from zeronn.parameter import Parameter

Pair = tuple[int, int]


def im2col(x: NDArray, kernel: Pair, stride: Pair, pad: Pair, fill: float = 0.0) -> NDArray:
    """The windows of x (N, C, H, W) as rows: (N·OH·OW, C·kh·kw), in x's dtype."""
    n, c, h, w = x.shape
    (kh, kw), (sh, sw), (ph, pw) = kernel, stride, pad
    oh, ow = (h + 2 * ph - kh) // sh + 1, (w + 2 * pw - kw) // sw + 1
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), constant_values=fill)
    cols = np.empty((n, c, kh, kw, oh, ow), dtype=x.dtype)
    for i in range(kh):  # one strided copy per position inside the window
        for j in range(kw):
            cols[:, :, i, j] = xp[:, :, i : i + sh * oh : sh, j : j + sw * ow : sw]
    return cols.transpose(0, 4, 5, 1, 2, 3).reshape(n * oh * ow, c * kh * kw)


def col2im(
    cols: NDArray, x_shape: tuple[int, ...], kernel: Pair, stride: Pair, pad: Pair
) -> NDArray:
    """The adjoint of :func:`im2col`: add each row back onto the image it came from."""
    n, c, h, w = x_shape
    (kh, kw), (sh, sw), (ph, pw) = kernel, stride, pad
    oh, ow = (h + 2 * ph - kh) // sh + 1, (w + 2 * pw - kw) // sw + 1
    cols = cols.reshape(n, oh, ow, c, kh, kw).transpose(0, 3, 4, 5, 1, 2)
    xp = np.zeros((n, c, h + 2 * ph, w + 2 * pw), dtype=cols.dtype)
    for i in range(kh):
        for j in range(kw):
            xp[:, :, i : i + sh * oh : sh, j : j + sw * ow : sw] += cols[:, :, i, j]
    return xp[:, :, ph : ph + h, pw : pw + w]


def _images(x: object, channels: int | None, owner: str) -> NDArray[np.floating]:
    x = floating_array(x, owner)
    if x.ndim != 4 or (channels is not None and x.shape[1] != channels):
        expected = f"(N, {channels}, H, W)" if channels is not None else "(N, C, H, W)"
        raise ValueError(f"{owner} expected input {expected}, got {shape_text(x.shape)}")
    return x


class SimpleConv2D(Layer):
    """Conv2D as the book writes it: im2col, one matrix product, col2im.

    Same arguments, parameters (``W`` (F, C, kh, kw), ``b`` (F,)) and results as
    :class:`zeronn.layers.Conv2D`; built from the same ``rng`` it draws the same weights.
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
        owner = "SimpleConv2D"
        self.in_channels = positive_int(in_channels, "in_channels", owner)
        self.out_channels = positive_int(out_channels, "out_channels", owner)
        self.kernel_size, self.stride, self.pad = window_geometry(kernel_size, stride, pad, owner)
        (kh, kw), dtype = self.kernel_size, as_float_dtype(dtype, owner)
        fan_in, fan_out = in_channels * kh * kw, out_channels * kh * kw
        shape = (self.out_channels, self.in_channels, kh, kw)
        weights = initialize(
            init, shape, as_generator(rng, owner), fan_in=fan_in, fan_out=fan_out, dtype=dtype
        )
        self.W, self.b = Parameter(weights), Parameter(zeros((self.out_channels,), dtype))
        self._x_shape: tuple[int, ...] | None = None
        self._cols: NDArray | None = None

    def forward(self, x: NDArray[np.floating]) -> NDArray[np.floating]:
        x = _images(x, self.in_channels, "SimpleConv2D")
        n, _, h, w = x.shape
        oh, ow = spatial_output(h, w, self.kernel_size, self.stride, self.pad, "SimpleConv2D")
        self._x_shape, self._y_shape = x.shape, (n, self.out_channels, oh, ow)
        self._cols = im2col(x, self.kernel_size, self.stride, self.pad)
        W2 = self.W.data.reshape(self.out_channels, -1)
        y = self._cols @ W2.T + self.b.data  # (N·OH·OW, F): one row per output position
        return y.reshape(n, oh, ow, self.out_channels).transpose(0, 3, 1, 2).copy()

    def backward(self, dout: NDArray[np.floating]) -> NDArray[np.floating]:
        cols = self._cached(self._cols)
        dout = self._check_dout(dout, self._y_shape, self.W.dtype)
        dout2 = dout.transpose(0, 2, 3, 1).reshape(len(cols), self.out_channels)
        W2 = self.W.data.reshape(self.out_channels, -1)
        self.W.grad[...] = (dout2.T @ cols).reshape(self.W.shape)
        self.b.grad[...] = dout2.sum(axis=0)
        return col2im(dout2 @ W2, self._x_shape, self.kernel_size, self.stride, self.pad)

    def __repr__(self) -> str:
        return (
            f"SimpleConv2D({self.in_channels}, {self.out_channels}, "
            f"kernel_size={self.kernel_size}, stride={self.stride}, pad={self.pad}, "
            f"dtype={self.W.dtype})"
        )


class SimpleMaxPool2D(Layer):
    """MaxPool2D as the book writes it: im2col per channel, then a maximum over each row.

    Same arguments and results as :class:`zeronn.layers.MaxPool2D`: ``stride`` defaults to
    ``pool_size``, the padding is −inf, and the first maximum of a window gets the gradient.
    """

    def __init__(
        self, pool_size: IntOrPair, stride: IntOrPair | None = None, pad: IntOrPair = 0
    ) -> None:
        stride = pool_size if stride is None else stride
        self.pool_size, self.stride, self.pad = window_geometry(
            pool_size, stride, pad, "SimpleMaxPool2D", kernel_name="pool_size"
        )
        self._x_shape: tuple[int, ...] | None = None
        self._argmax: NDArray[np.intp] | None = None

    def forward(self, x: NDArray[np.floating]) -> NDArray[np.floating]:
        x = _images(x, None, "SimpleMaxPool2D")
        n, c, h, w = x.shape
        oh, ow = spatial_output(
            h, w, self.pool_size, self.stride, self.pad, "SimpleMaxPool2D", what="pool_size"
        )
        cols = im2col(x, self.pool_size, self.stride, self.pad, fill=-np.inf)
        cols = cols.reshape(n * oh * ow * c, -1)  # one row per (image, position, channel)
        self._x_shape, self._y_shape = x.shape, (n, c, oh, ow)
        self._argmax = cols.argmax(axis=1)
        y = cols[np.arange(len(cols)), self._argmax]
        return y.reshape(n, oh, ow, c).transpose(0, 3, 1, 2).copy()

    def backward(self, dout: NDArray[np.floating]) -> NDArray[np.floating]:
        argmax = self._cached(self._argmax)
        dout = self._check_dout(dout, self._y_shape)
        c = self._x_shape[1]
        dcols = np.zeros((argmax.size, self.pool_size[0] * self.pool_size[1]), dtype=dout.dtype)
        dcols[np.arange(argmax.size), argmax] = dout.transpose(0, 2, 3, 1).ravel()
        dcols = dcols.reshape(-1, c * dcols.shape[1])  # back to one row per (image, position)
        return col2im(dcols, self._x_shape, self.pool_size, self.stride, self.pad)

    def __repr__(self) -> str:
        return f"SimpleMaxPool2D(pool_size={self.pool_size}, stride={self.stride}, pad={self.pad})"
