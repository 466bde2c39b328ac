"""Window arithmetic for convolution: im2col, col2im and the output size.

A convolution slides a ``kh × kw`` window over a zero-padded image. ``im2col`` copies every
window into one column of a matrix, so that the convolution becomes a single matrix product.

Column layout (channel-first, the order the matrix product wants):

    cols has shape (C·kh·kw, N·OH·OW)
    row    index = (c·kh + i)·kw + j        channel c, kernel offset (i, j)
    column index = (n·OH + oh)·OW + ow      image n, output position (oh, ow)
    cols[row, column] = x_padded[n, c, oh·sh + i, ow·sw + j]

so ``cols.reshape(C, kh, kw, N, OH, OW)`` is a view with the axes named above, and a
convolution with ``W`` of shape (F, C, kh, kw) is ``W.reshape(F, -1) @ cols`` of shape
(F, N·OH·OW). Putting the long image axis last keeps the copy's inner loop running along an
output row and lets the matmul read both operands without transposing.

Output size, per spatial axis: ``out = (H + 2·pad − kh) // stride + 1``.

The loop twins, one entry at a time: :func:`zeronn.reference.im2col_loops` and
``col2im_loops`` (tested equal).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from zeronn._checks import floating_array, pair, shape_text

IntOrPair = int | tuple[int, int]


def output_size(size: int, kernel: int, stride: int, pad: int) -> int:
    """Number of window positions along one axis: ``(size + 2·pad − kernel) // stride + 1``.

    >>> output_size(28, 5, 1, 0)
    24
    >>> output_size(7, 3, 2, 1)
    4
    """
    padded = size + 2 * pad
    if kernel > padded:
        raise ValueError(
            f"kernel size {kernel} is larger than the padded input {padded} "
            f"(size {size} + 2·pad {pad})"
        )
    return (padded - kernel) // stride + 1


def window_geometry(
    kernel_size: IntOrPair,
    stride: IntOrPair,
    pad: IntOrPair,
    owner: str,
    *,
    kernel_name: str = "kernel_size",
) -> tuple[tuple[int, int], tuple[int, int], tuple[int, int]]:
    """Validate and return ``(kh, kw), (sh, sw), (ph, pw)``: kernel, stride >= 1 and pad >= 0."""
    return (
        pair(kernel_size, kernel_name, owner),
        pair(stride, "stride", owner),
        pair(pad, "pad", owner, allow_zero=True),
    )


def spatial_output(
    height: int,
    width: int,
    kernel: tuple[int, int],
    stride: tuple[int, int],
    pad: tuple[int, int],
    owner: str,
    *,
    what: str = "kernel",
) -> tuple[int, int]:
    """``(OH, OW)`` for an input of ``height × width``; the error names ``owner`` and the sizes."""
    try:
        return (
            output_size(height, kernel[0], stride[0], pad[0]),
            output_size(width, kernel[1], stride[1], pad[1]),
        )
    except ValueError as exc:
        padded = f"{height + 2 * pad[0]}×{width + 2 * pad[1]}"
        raise ValueError(
            f"{owner}: {what} {kernel} with pad {pad} does not fit an input of {height}×{width} "
            f"({height}×{width} padded by {pad} is {padded}): {exc}"
        ) from None


def _windows(
    xp: NDArray, kernel: tuple[int, int], stride: tuple[int, int], out_hw: tuple[int, int]
):
    """A read-only view (C, kh, kw, N, OH, OW) of the windows of the padded NCHW array ``xp``."""
    sn, sc, sy, sx = xp.strides
    n, c = xp.shape[:2]
    return np.lib.stride_tricks.as_strided(
        xp,
        shape=(c, kernel[0], kernel[1], n, out_hw[0], out_hw[1]),
        strides=(sc, sy, sx, sn, sy * stride[0], sx * stride[1]),
        writeable=False,
    )


def pad_images(x: NDArray[np.floating], pad: tuple[int, int], value: float = 0.0) -> NDArray:
    """Return ``x`` (N, C, H, W) with ``pad = (ph, pw)`` rows/columns of ``value`` on each side.

    Returns ``x`` itself (not a copy) when there is nothing to pad; never modifies ``x``.
    """
    if pad == (0, 0):
        return x
    n, c, h, w = x.shape
    xp = np.full((n, c, h + 2 * pad[0], w + 2 * pad[1]), value, dtype=x.dtype)
    xp[:, :, pad[0] : pad[0] + h, pad[1] : pad[1] + w] = x
    return xp


def _check_images(x: object, owner: str) -> NDArray[np.floating]:
    x = floating_array(x, owner)
    if x.ndim != 4:
        raise ValueError(f"{owner} expected input (N, C, H, W), got {shape_text(x.shape)}")
    return x


def im2col(
    x: NDArray[np.floating],
    kernel_size: IntOrPair,
    stride: IntOrPair = 1,
    pad: IntOrPair = 0,
    *,
    out: NDArray[np.floating] | None = None,
) -> NDArray[np.floating]:
    """Copy every ``kh × kw`` window of ``x`` (N, C, H, W) into a column: (C·kh·kw, N·OH·OW).

    See the module docstring for the exact layout. ``x`` is zero-padded by ``pad`` on each side
    and windows start every ``stride`` pixels. ``out``, if given, must be a C-contiguous array of
    the result's shape and dtype; it is filled and returned (layers reuse it between calls).
    The dtype of ``x`` is kept. One strided copy, no Python loop.
    """
    x = _check_images(x, "im2col")
    kernel, strides, pads = window_geometry(kernel_size, stride, pad, "im2col")
    n, c, h, w = x.shape
    oh, ow = spatial_output(h, w, kernel, strides, pads, "im2col")
    shape = (c * kernel[0] * kernel[1], n * oh * ow)
    if out is None:
        out = np.empty(shape, dtype=x.dtype)
    elif (
        not isinstance(out, np.ndarray)
        or out.shape != shape
        or out.dtype != x.dtype
        or not out.flags.c_contiguous
    ):
        arrived = (
            f"{out.dtype} {shape_text(out.shape)}"
            if isinstance(out, np.ndarray)
            else type(out).__name__
        )
        raise ValueError(
            f"im2col expected out as a C-contiguous {x.dtype} array of shape {shape_text(shape)}, "
            f"got {arrived}"
        )
    windows = _windows(pad_images(x, pads), kernel, strides, (oh, ow))
    np.copyto(out.reshape(windows.shape), windows)
    return out


def col2im(
    cols: NDArray[np.floating],
    input_shape: tuple[int, int, int, int],
    kernel_size: IntOrPair,
    stride: IntOrPair = 1,
    pad: IntOrPair = 0,
) -> NDArray[np.floating]:
    """Sum columns back into an image (N, C, H, W): the adjoint (transpose) of :func:`im2col`.

    ``cols`` has the layout of ``im2col(x, kernel_size, stride, pad)`` for ``x`` of
    ``input_shape``. Where windows overlap, their entries add up; what lands in the padding is
    dropped. This is how the gradient of a convolution flows back to its input.

    Implementation note: one vectorized add per kernel offset (a loop of kh·kw steps) — the
    windows of different offsets overlap, and the fully vectorized scatters were slower when
    measured on (100, 32, 14, 14) with a 3×3 kernel: ``np.bincount`` 3× (and float64 only),
    ``np.add.at`` 80×.
    """
    cols = floating_array(cols, "col2im", what="cols")
    if len(input_shape) != 4:
        raise ValueError(f"col2im expected input_shape (N, C, H, W), got {input_shape!r}")
    n, c, h, w = (int(size) for size in input_shape)
    kernel, strides, pads = window_geometry(kernel_size, stride, pad, "col2im")
    oh, ow = spatial_output(h, w, kernel, strides, pads, "col2im")
    kh, kw = kernel
    expected = (c * kh * kw, n * oh * ow)
    if cols.shape != expected:
        raise ValueError(
            f"col2im expected cols of shape {shape_text(expected)} for input "
            f"{shape_text((n, c, h, w))}, kernel {kernel}, stride {strides}, pad {pads}; "
            f"got {shape_text(cols.shape)}"
        )
    # Accumulate channel-first, (C, N, Hp, Wp), so each add reads its block of cols in order.
    grid = cols.reshape(c, kh, kw, n, oh, ow)
    acc = np.zeros((c, n, h + 2 * pads[0], w + 2 * pads[1]), dtype=cols.dtype)
    row_end, col_end = strides[0] * oh, strides[1] * ow
    for i in range(kh):
        for j in range(kw):
            acc[:, :, i : i + row_end : strides[0], j : j + col_end : strides[1]] += grid[:, i, j]
    inner = acc[:, :, pads[0] : pads[0] + h, pads[1] : pads[1] + w]
    return np.ascontiguousarray(inner.transpose(1, 0, 2, 3))
