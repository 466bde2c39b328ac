"""Loops over windows: im2col/col2im, convolution and max-pooling, one window at a time.

Each function follows its definition one output element (or one window) at a time, with no
layout tricks. Arrays are NCHW; padding is explicit. The twins of :mod:`zeronn.im2col`,
:class:`zeronn.layers.Conv2D` and :class:`zeronn.layers.MaxPool2D`.

- convolution:  y[n, f, oh, ow] = b[f] + Σ_{c,i,j} W[f, c, i, j] · xp[n, c, oh·sh + i, ow·sw + j]
- max-pooling:  y[n, c, oh, ow] = max over the window; the gradient goes to the first maximum
                in row-major window order.
- ReLU:         y = x where x > 0 (NaN stays NaN), else +0.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
from numpy.typing import NDArray

from zeronn.im2col import IntOrPair, output_size, window_geometry


def _pad(x: NDArray, pads: tuple[int, int], value: float = 0.0) -> NDArray:
    widths = ((0, 0), (0, 0), (pads[0], pads[0]), (pads[1], pads[1]))
    return np.pad(x, widths, constant_values=value)


def _geometry(x_shape, kernel_size, stride, pad):
    kernel, strides, pads = window_geometry(kernel_size, stride, pad, "reference")
    oh = output_size(x_shape[2], kernel[0], strides[0], pads[0])
    ow = output_size(x_shape[3], kernel[1], strides[1], pads[1])
    return kernel, strides, pads, oh, ow


def _column_entries(
    n: int, c: int, kernel: tuple[int, int], stride: tuple[int, int], out_hw: tuple[int, int]
) -> Iterator[tuple[tuple[int, int], tuple[int, int, int, int]]]:
    """Every ``((row, column), (n, c, y, x))``: which entry of cols holds which padded pixel.

    row = (c·kh + i)·kw + j and column = (n·OH + oh)·OW + ow hold xp[n, c, oh·sh + i, ow·sw + j];
    im2col copies along this map and col2im adds back along it, so one map serves both.
    """
    (kh, kw), (sh, sw), (oh, ow) = kernel, stride, out_hw
    for ci in range(c):
        for i in range(kh):
            for j in range(kw):
                row = (ci * kh + i) * kw + j
                for ni in range(n):
                    for y in range(oh):
                        for z in range(ow):
                            yield (row, (ni * oh + y) * ow + z), (ni, ci, y * sh + i, z * sw + j)


def im2col_loops(
    x: NDArray[np.floating], kernel_size: IntOrPair, stride: IntOrPair = 1, pad: IntOrPair = 0
) -> NDArray[np.floating]:
    """im2col element by element: cols[(c·kh + i)·kw + j, (n·OH + oh)·OW + ow] = xp[n, c, ...]."""
    n, c = x.shape[:2]
    (kh, kw), strides, pads, oh, ow = _geometry(x.shape, kernel_size, stride, pad)
    xp = _pad(x, pads)
    cols = np.zeros((c * kh * kw, n * oh * ow), dtype=x.dtype)
    for entry, pixel in _column_entries(n, c, (kh, kw), strides, (oh, ow)):
        cols[entry] = xp[pixel]
    return cols


def col2im_loops(
    cols: NDArray[np.floating],
    input_shape: tuple[int, int, int, int],
    kernel_size: IntOrPair,
    stride: IntOrPair = 1,
    pad: IntOrPair = 0,
) -> NDArray[np.floating]:
    """col2im element by element: each column entry is added to the pixel it was copied from."""
    n, c, h, w = input_shape
    kernel, strides, (ph, pw), oh, ow = _geometry(input_shape, kernel_size, stride, pad)
    xp = np.zeros((n, c, h + 2 * ph, w + 2 * pw), dtype=cols.dtype)
    for entry, pixel in _column_entries(n, c, kernel, strides, (oh, ow)):
        xp[pixel] += cols[entry]
    return xp[:, :, ph : ph + h, pw : pw + w].copy()


def conv_forward(
    x: NDArray[np.floating],
    W: NDArray[np.floating],
    b: NDArray[np.floating],
    stride: IntOrPair = 1,
    pad: IntOrPair = 0,
) -> NDArray[np.floating]:
    """Convolution (cross-correlation, as in every framework) by a loop over output positions.

    x: (N, C, H, W), W: (F, C, kh, kw), b: (F,) -> y: (N, F, OH, OW).
    """
    n = x.shape[0]
    f, _, kh, kw = W.shape
    _, (sh, sw), pads, oh, ow = _geometry(x.shape, (kh, kw), stride, pad)
    xp = _pad(x, pads)
    y = np.zeros((n, f, oh, ow), dtype=x.dtype)
    for ni in range(n):
        for y0 in range(oh):
            for z0 in range(ow):
                window = xp[ni, :, y0 * sh : y0 * sh + kh, z0 * sw : z0 * sw + kw]
                for fi in range(f):
                    y[ni, fi, y0, z0] = np.sum(window * W[fi]) + b[fi]
    return y


def conv_backward(
    dout: NDArray[np.floating],
    x: NDArray[np.floating],
    W: NDArray[np.floating],
    stride: IntOrPair = 1,
    pad: IntOrPair = 0,
) -> tuple[NDArray[np.floating], NDArray[np.floating], NDArray[np.floating]]:
    """Gradients ``(dx, dW, db)`` of the convolution, window by window.

    Each output y[n, f, oh, ow] depends on one window of xp and on W[f], so its upstream
    gradient g adds g·W[f] to that window of dxp and g·window to dW[f]; db[f] = Σ g.
    """
    n = x.shape[0]
    f, _, kh, kw = W.shape
    _, (sh, sw), (ph, pw), oh, ow = _geometry(x.shape, (kh, kw), stride, pad)
    xp = _pad(x, (ph, pw))
    dxp = np.zeros_like(xp)
    dW = np.zeros_like(W)
    db = dout.sum(axis=(0, 2, 3))
    for ni in range(n):
        for y0 in range(oh):
            for z0 in range(ow):
                rows = slice(y0 * sh, y0 * sh + kh)
                columns = slice(z0 * sw, z0 * sw + kw)
                for fi in range(f):
                    g = dout[ni, fi, y0, z0]
                    dW[fi] += g * xp[ni, :, rows, columns]
                    dxp[ni, :, rows, columns] += g * W[fi]
    dx = dxp[:, :, ph : ph + x.shape[2], pw : pw + x.shape[3]].copy()
    return dx, dW, db.astype(W.dtype, copy=False)


def max_pool_forward(
    x: NDArray[np.floating], pool_size: IntOrPair, stride: IntOrPair, pad: IntOrPair = 0
) -> NDArray[np.floating]:
    """Max over each window of ``x`` (N, C, H, W) padded with −inf -> (N, C, OH, OW)."""
    n, c = x.shape[:2]
    (kh, kw), (sh, sw), pads, oh, ow = _geometry(x.shape, pool_size, stride, pad)
    xp = _pad(x, pads, value=-np.inf)
    y = np.empty((n, c, oh, ow), dtype=x.dtype)
    for ni in range(n):
        for ci in range(c):
            for y0 in range(oh):
                for z0 in range(ow):
                    y[ni, ci, y0, z0] = xp[
                        ni, ci, y0 * sh : y0 * sh + kh, z0 * sw : z0 * sw + kw
                    ].max()
    return y


def max_pool_backward(
    dout: NDArray[np.floating],
    x: NDArray[np.floating],
    pool_size: IntOrPair,
    stride: IntOrPair,
    pad: IntOrPair = 0,
) -> NDArray[np.floating]:
    """Gradient of max-pooling: each window's upstream gradient goes to its first maximum.

    "First" is in row-major order within the window (``np.argmax`` of the flattened window);
    overlapping windows add their contributions.
    """
    n, c, h, w = x.shape
    (kh, kw), (sh, sw), (ph, pw), oh, ow = _geometry(x.shape, pool_size, stride, pad)
    xp = _pad(x, (ph, pw), value=-np.inf)
    dxp = np.zeros(xp.shape, dtype=x.dtype)
    for ni in range(n):
        for ci in range(c):
            for y0 in range(oh):
                for z0 in range(ow):
                    window = xp[ni, ci, y0 * sh : y0 * sh + kh, z0 * sw : z0 * sw + kw]
                    i, j = divmod(int(np.argmax(window)), kw)
                    dxp[ni, ci, y0 * sh + i, z0 * sw + j] += dout[ni, ci, y0, z0]
    return dxp[:, :, ph : ph + h, pw : pw + w].copy()
