"""Batched affine warp with exact parity to ``scipy.ndimage.affine_transform``, image by image.

For every plane ``n`` and output pixel ``o = (row, col)`` the input is sampled at
``i = A[n] @ o + b[n]`` (pixel units, rows first: scipy's convention) with a spline of the
given order and scipy's boundary mode.

Why not one scipy call on the 3-D stack: the spline would then also span the image axis
(8 taps instead of 4 at order 1, 64 instead of 16 at order 3, and order-3 prefiltering would
blur images into each other). Why not a loop: ~70 µs of call overhead per 28x28 image.
Instead each chunk of planes is laid out as ONE 2-D array of tiles, every tile being a plane
padded with a margin, and scipy interpolates all of them in one 2-D ``map_coordinates`` call.
Exactness comes from reproducing, in NumPy, what scipy does at the borders
(scipy/ndimage/src/ni_interpolation.c, ``NI_GeometricTransform``):

1. orders >= 2 prefilter the plane (after padding it by 12 edge pixels in mode "nearest"),
   along rows then columns, in float64; filtering a 3-D stack along axes 1 and 2 filters
   every line independently, so it is the same arithmetic as per image;
2. the sample coordinate is folded back into the plane the way the mode says ("reflect",
   "mirror", "wrap"), is replaced by ``cval`` outside ``[0, len-1]`` ("constant"), or is
   left alone ("nearest", whose taps are clamped);
3. spline taps falling outside the plane read its extension: edge values for "nearest",
   half-sample symmetric for "reflect", whole-sample symmetric for the other three.

Step 3 is what the tile margins hold, so once coordinates are folded (step 2) every tap
lands inside its own tile and the 2-D call never needs its own boundary handling.
Coordinates in "nearest" mode are clamped to where every tap already reads the edge value,
which changes nothing but keeps the taps inside the margin. The tile offset added to a
coordinate is an integer, so only the last bits of the interpolation weights can differ
(~1e-13); order 0 rounds to the nearest pixel before the offset is added, so that ties
(a 45° rotation hits many exact half-pixels) round as in scipy.

scipy.ndimage releases the GIL in both the prefilter and the interpolation, so chunks run in
a thread pool.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import scipy.ndimage as ndi
from numpy.typing import NDArray

from zeronn._checks import positive_int

# scipy pads "nearest" inputs by this many edge pixels before prefiltering them
_NEAREST_PREPAD = 12
# numpy.pad mode that extends a plane the way scipy extends spline taps beyond its border
_TAP_EXTENSION = {
    "nearest": "edge",
    "reflect": "symmetric",
    "mirror": "reflect",
    "constant": "reflect",
    "wrap": "reflect",
}


def affine_warp(
    planes: NDArray[np.floating],
    matrices: NDArray[np.float64],
    offsets: NDArray[np.float64],
    *,
    order: int,
    mode: str,
    cval: float = 0.0,
    chunk_size: int = 256,
    workers: int | None = None,
) -> NDArray[np.floating]:
    """Warp every plane by its own affine map, sampling input ``A[n] @ o + b[n]``.

    planes: (P, H, W) float32/float64 (already validated); matrices: (P, 2, 2); offsets:
    (P, 2), in pixels, (row, col). Returns a new (P, H, W) array of the planes' dtype equal
    (to ~1e-12) to ``scipy.ndimage.affine_transform(planes[n], matrices[n], offsets[n],
    order=order, mode=mode, cval=cval)`` for every n. ``workers`` threads (default: up to
    the CPU count, at most 4) each take ``chunk_size`` planes at a time.
    """
    # Checked here, where they are used: a chunk_size below 1 would leave `output` unwritten.
    chunk_size = positive_int(chunk_size, "chunk_size", "affine_warp")
    if workers is not None:
        workers = positive_int(workers, "workers", "affine_warp")
    if workers is None:
        workers = min(4, os.cpu_count() or 1)
    # A batch smaller than workers × chunk_size is split evenly, so every worker gets a share.
    chunk_size = min(chunk_size, max(1, -(-planes.shape[0] // workers)))
    output = np.empty_like(planes)
    starts = range(0, planes.shape[0], chunk_size)

    def warp_chunk(start: int) -> None:
        stop = min(start + chunk_size, planes.shape[0])
        output[start:stop] = _warp_chunk(
            planes[start:stop], matrices[start:stop], offsets[start:stop], order, mode, cval
        )

    if workers <= 1 or len(starts) <= 1:
        for start in starts:
            warp_chunk(start)
    else:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            # list() re-raises the first exception of any chunk
            list(pool.map(warp_chunk, starts))
    return output


def _warp_chunk(planes, matrices, offsets, order, mode, cval):
    coefficients, prepad = spline_coefficients(planes, order, mode)
    return sample_coefficients(
        coefficients, prepad, planes.shape[1:], matrices, offsets, order, mode, cval, planes.dtype
    )


def sample_coefficients(
    coefficients, prepad, output_shape, matrices, offsets, order, mode, cval, dtype
):
    """Steps 2 and 3 of the module docstring: sample every plane of ``coefficients``
    (P, Hc, Wc) — spline coefficients from :func:`spline_coefficients`, or the planes
    themselves for orders 0 and 1 — at ``A[n] @ o + b[n]`` for the output pixels ``o`` of
    ``output_shape``; ``prepad`` is the padding those coefficients carry. Returns
    (P, *output_shape) of ``dtype``. Linear in ``coefficients`` (except for cval).
    """
    count = coefficients.shape[0]
    height, width = output_shape
    margin = order + 2
    tiles = np.pad(coefficients, ((0, 0), (margin, margin), (margin, margin)), _TAP_EXTENSION[mode])
    tile_height = tiles.shape[1]

    rows = np.arange(height, dtype=np.float64)[None, :, None]
    cols = np.arange(width, dtype=np.float64)[None, None, :]
    coordinates = np.empty((2, count, height, width))
    outside = np.zeros((count, height, width), dtype=bool)
    for axis, length in ((0, coefficients.shape[1]), (1, coefficients.shape[2])):
        a0 = matrices[:, axis, 0, None, None]
        a1 = matrices[:, axis, 1, None, None]
        # the same operation order as scipy's C loop: shift, then row term, then column term
        sample = coordinates[axis]
        np.add(offsets[:, axis, None, None] + rows * a0, cols * a1, out=sample)
        sample += prepad
        outside |= _fold(sample, length, mode, order)
    if order == 0:
        # round here, exactly as scipy does, before adding offsets that could move a tie
        np.floor(coordinates + 0.5, out=coordinates)
    coordinates += margin
    coordinates[0] += (np.arange(count) * tile_height)[:, None, None]

    warped = ndi.map_coordinates(
        tiles.reshape(count * tile_height, tiles.shape[2]),
        coordinates.reshape(2, -1),
        output=dtype,
        order=order,
        mode="nearest",
        prefilter=False,
    ).reshape(count, height, width)
    if mode == "constant":
        warped[outside] = cval
    return warped


def spline_coefficients(planes, order, mode):
    """Prefiltered planes (float64) and their prepad, as scipy builds them; planes for order<2."""
    if order < 2:
        return planes, 0
    prepad = _prepad(mode)
    if prepad:
        planes = np.pad(planes, ((0, 0), (prepad, prepad), (prepad, prepad)), mode="edge")
    coefficients = ndi.spline_filter1d(planes, order, axis=1, output=np.float64, mode=mode)
    ndi.spline_filter1d(coefficients, order, axis=2, output=coefficients, mode=mode)
    return coefficients, prepad


def spline_filter_matrix(length: int, order: int, mode: str) -> tuple[NDArray[np.float64], int]:
    """The prefilter of :func:`spline_coefficients` along one axis of ``length`` pixels, as a
    matrix ``F`` ((length + 2·prepad) × length), and the prepad: the coefficients of a plane
    ``X`` (H, W) are ``F_rows @ X @ F_colsᵀ``, the same numbers as the filter gives (~1e-15).
    Column j is the filtered (padded) unit vector e_j."""
    prepad = _prepad(mode)
    unit_vectors = np.eye(length)
    if prepad:
        unit_vectors = np.pad(unit_vectors, ((prepad, prepad), (0, 0)), mode="edge")
    return ndi.spline_filter1d(unit_vectors, order, axis=0, output=np.float64, mode=mode), prepad


def _prepad(mode: str) -> int:
    """Pixels scipy pads a plane by before prefiltering it: 12 edge pixels in mode "nearest"."""
    return _NEAREST_PREPAD if mode == "nearest" else 0


def _fold(sample, length, mode, order):
    """Map coordinates in place the way scipy's ``map_coordinate`` does; return the mask of
    samples that mode "constant" replaces by cval."""
    no_outside = np.zeros(sample.shape, dtype=bool)
    if mode == "nearest":
        # beyond this distance every tap reads the edge value already
        reach = order // 2 + 1
        np.clip(sample, -reach, length - 1 + reach, out=sample)
        return no_outside
    below = sample < 0
    above = sample > length - 1
    if mode == "constant":
        outside = below | above
        sample[outside] = 0.0
        return outside
    if not (below.any() or above.any()):
        return no_outside
    if length <= 1:
        sample[below | above] = 0.0
        return no_outside
    low, high = sample[below], sample[above]
    if mode == "mirror":
        period = 2 * length - 2
        low = period * np.trunc(-low / period) + low
        low = np.where(low <= 1 - length, low + period, -low)
        high = high - period * np.trunc(high / period)
        high = np.where(high >= length, period - high, high)
    elif mode == "reflect":
        period = 2 * length
        low = np.where(low < -period, period * np.trunc(-low / period) + low, low)
        low = np.where(low < -length, low + period, np.where(low > -1e-15, 1e-15, -low) - 1)
        high = high - period * np.trunc(high / period)
        high = np.where(high >= length, period - high - 1, high)
    else:  # "wrap": scipy's legacy wrap has period length - 1
        period = length - 1
        low = low + period * (np.trunc(-low / period) + 1)
        high = high - period * np.trunc(high / period)
    sample[below], sample[above] = low, high
    return no_outside
