"""Rotation by a fixed angle as a few matrix products, exact and cached.

For a fixed angle, image shape, spline order, boundary mode and cval, scipy's rotation is an
affine map of the pixel values, the same for every image. It is two linear steps (and cval):

1. the spline prefilter (orders 2-5): separable, so a plane ``X`` (H, W) becomes its
   coefficients ``C = F_r X F_cᵀ`` with one matrix per axis (``warp.spline_filter_matrix``;
   mode "nearest" pads the plane first, which the matrices include);
2. the interpolation: every output pixel is a weighted sum of the (order+1)² coefficients
   around its sample point, so with planes flattened to vectors ``rotate(x) = S c + k``, where
   ``S`` (H·W × Hc·Wc) has at most (order+1)² non-zeros per row and ``k`` is cval at the pixels
   whose sample falls outside (zero for every other mode, and for cval = 0).

``S`` is built once by sampling every unit coefficient plane with the batched warp's own
sampler (``warp.sample_coefficients``), which equals scipy image by image; only exact zeros
are dropped, and coefficients that no output pixel reads are cut from ``S`` and the filters.
A batch of n planes then costs two small dense products (the filters) and one sparse product
(16 multiply-adds per pixel at order 3), instead of the dense H·W × H·W product of the
composed map (784 per pixel for 28×28 digits). Orders 0 and 1 have no prefilter: ``C = X``.

When it pays (``uses_operator``): building ``S`` samples Hc·Wc planes, so the operator is used
when at least ``OPERATOR_MIN_SHARE`` · H·W images share the angle, and kept (an LRU cache of
``CACHE_SIZE`` operators) for the next call that needs it. Images larger than
``MAX_SPLINE_PIXELS`` (orders 2-5) or ``MAX_LINEAR_PIXELS`` (orders 0-1) always use the warp:
the build grows with the square of the pixel count.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

import numpy as np
import scipy.sparse as sparse
from numpy.typing import NDArray

from zeronn.augment import geometry
from zeronn.augment.warp import sample_coefficients, spline_filter_matrix
from zeronn.threads import map_parts

# Measured with benchmarks/bench_augment.py's "operator or warp" table (28×28 MNIST digits,
# float64, 2 threads, one angle, 250-4,000 images): an operator built for the call costs about
# 14 ms to build at order 1 and 130 ms at order 3 (mode "nearest": 2,704 coefficient planes to
# sample), then 1.5-1.9 and 6.5-8 µs per image, against the warp's 10 and 44 µs; it overtakes
# the warp from about 1,700 images at order 1 and 3,500 at order 3. Hence 4.5·H·W: never
# slower than the warp, at most 2× slower than the operator at order 1 between the two.
OPERATOR_MIN_SHARE = 4.5
CACHE_SIZE = 16
MAX_SPLINE_PIXELS = 40 * 40
MAX_LINEAR_PIXELS = 128 * 128
# unit coefficient planes sampled at a time while building S
BUILD_CHUNK = 512
# planes per part: a part's coefficients and products stay in a core's cache (order 3, 28×28,
# one thread: 256 planes per part took 0.8× the time per plane of 512 and 0.5× of 1,024),
# and there are parts for every thread
ROWS_PER_PART = 256


class RotationOperator:
    """The exact affine map of one rotation, applied to planes ``(P, H, W)``:
    ``rotate(X) = S vec(F_r X F_cᵀ) + k`` (module docstring)."""

    def __init__(
        self,
        interpolation: sparse.csr_array,
        row_filter: NDArray | None,
        column_filter: NDArray | None,
        constant: NDArray | None,
    ) -> None:
        self.interpolation = interpolation  # S, (H·W, Hc·Wc), one row per output pixel
        self.row_filter = row_filter  # F_r, (Hc, H), or None for orders 0 and 1
        self.column_filter = column_filter  # F_c, (Wc, W), or None
        self.constant = constant  # k, (H·W,), or None when it is zero

    def apply(self, planes: NDArray[np.floating]) -> NDArray[np.floating]:
        """``planes (P, H, W) -> (P, H, W)``: every plane rotated, in the planes' dtype.

        The planes are split into parts of ``ROWS_PER_PART`` run on zeronn's threads, each
        with a one-thread BLAS (``zeronn.threads.map_parts``).
        """
        count, height, width = planes.shape
        rotated = np.empty((count, height * width), dtype=planes.dtype)

        def rotate_part(part: slice) -> None:
            coefficients = planes[part]
            if self.row_filter is not None:
                size = coefficients.shape[0]
                columns_done = coefficients.reshape(size * height, width) @ self.column_filter.T
                coefficients = self.row_filter @ columns_done.reshape(size, height, -1)
            flat = coefficients.reshape(coefficients.shape[0], -1)
            # S cᵀ for every plane at once; scipy multiplies sparse by dense in this order
            rotated[part] = (self.interpolation @ flat.T).T
            if self.constant is not None:
                rotated[part] += self.constant

        starts = range(0, count, ROWS_PER_PART)
        map_parts(rotate_part, [slice(start, start + ROWS_PER_PART) for start in starts])
        return rotated.reshape(count, height, width)

    def __repr__(self) -> str:
        filters = "" if self.row_filter is None else f", filters {self.row_filter.shape}"
        return (
            f"RotationOperator(interpolation {self.interpolation.shape}, "
            f"{self.interpolation.nnz} non-zeros{filters}, dtype={self.interpolation.dtype})"
        )


def operator_limit(order: int) -> int:
    """The most pixels per image an operator of this order is built for."""
    return MAX_LINEAR_PIXELS if order <= 1 else MAX_SPLINE_PIXELS


def fits(image_shape: tuple[int, int], order: int) -> bool:
    """Whether an operator for this image size and order stays small enough to build."""
    return image_shape[0] * image_shape[1] <= operator_limit(order)


def uses_operator(count: int, image_shape: tuple[int, int], *, order: int) -> bool:
    """Whether ``count`` planes sharing one angle go through its operator rather than the warp:
    from ``OPERATOR_MIN_SHARE`` · H·W planes on.

    The choice depends on the call alone, never on what the cache holds: the two paths agree
    to ~1e-12, not bit for bit, and a result must not depend on what the process ran before
    (a study gives the same bits in one process and spread over several).
    """
    if not fits(image_shape, order):
        return False
    return count >= OPERATOR_MIN_SHARE * image_shape[0] * image_shape[1]


def rotation_operator(
    image_shape: tuple[int, int],
    angle: float,
    *,
    order: int,
    mode: str,
    cval: float,
    dtype: np.dtype,
) -> RotationOperator:
    """The operator of a counter-clockwise rotation by ``angle`` degrees about the centre.

    Built on first use, then kept in an LRU cache of ``CACHE_SIZE`` operators keyed by image
    shape, angle, order, mode, cval and dtype.
    """
    key = _key(image_shape, angle, order, mode, cval, dtype)
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    operator = _build(*key)
    with _lock:
        _cache[key] = operator
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return operator


def clear_cache() -> None:
    """Forget every cached operator."""
    with _lock:
        _cache.clear()


_cache: OrderedDict[tuple, RotationOperator] = OrderedDict()
_lock = threading.Lock()


def _key(image_shape, angle, order, mode, cval, dtype) -> tuple:
    shape = (int(image_shape[0]), int(image_shape[1]))
    return shape, float(angle), int(order), str(mode), float(cval), np.dtype(dtype).name


def _build(image_shape, angle, order, mode, cval, dtype_name) -> RotationOperator:
    dtype = np.dtype(dtype_name)
    row_filter = column_filter = None
    prepad = 0
    coefficient_shape = image_shape
    if order >= 2:
        row_filter, prepad = spline_filter_matrix(image_shape[0], order, mode)
        column_filter, _ = spline_filter_matrix(image_shape[1], order, mode)
        coefficient_shape = (row_filter.shape[0], column_filter.shape[0])
    interpolation, constant = _interpolation(
        image_shape, coefficient_shape, prepad, angle, order, mode, cval
    )
    if row_filter is not None:
        interpolation, rows, columns = _drop_unread(interpolation, coefficient_shape)
        row_filter = row_filter[rows].astype(dtype)
        column_filter = column_filter[columns].astype(dtype)
    has_constant = mode == "constant" and cval != 0.0
    return RotationOperator(
        interpolation.astype(dtype),
        row_filter,
        column_filter,
        constant.astype(dtype) if has_constant else None,
    )


def _interpolation(image_shape, coefficient_shape, prepad, angle, order, mode, cval):
    """S (H·W × Hc·Wc, sparse) and k (H·W,): unit coefficient planes sampled, k subtracted."""
    matrix, _ = geometry.split(geometry.rotation(np.array([angle])))
    # the same centre arithmetic as zeronn.augment.rotate (and scipy)
    centre = (np.asarray(image_shape, dtype=np.float64) - 1) / 2
    offset = centre - matrix @ centre

    def sample(coefficients: NDArray) -> NDArray:
        count = coefficients.shape[0]
        matrices, offsets = np.repeat(matrix, count, axis=0), np.repeat(offset, count, axis=0)
        sampled = sample_coefficients(
            coefficients, prepad, image_shape, matrices, offsets, order, mode, cval, np.float64
        )
        return sampled.reshape(count, -1)

    constant = sample(np.zeros((1, *coefficient_shape)))[0]
    size = coefficient_shape[0] * coefficient_shape[1]
    blocks = []  # S transposed, BUILD_CHUNK rows (coefficient pixels) at a time
    for start in range(0, size, BUILD_CHUNK):
        pixels = np.arange(start, min(start + BUILD_CHUNK, size))
        units = np.zeros((len(pixels), size))
        units[np.arange(len(pixels)), pixels] = 1.0
        blocks.append(sparse.csr_array(sample(units.reshape(-1, *coefficient_shape)) - constant))
    return sparse.csr_array(sparse.vstack(blocks).T), constant


def _drop_unread(interpolation, coefficient_shape):
    """S restricted to the rectangle of coefficients it reads, and that rectangle's rows and
    columns (slices), so that the filters compute no coefficient nobody reads."""
    read = np.unique(interpolation.indices)
    if read.size == 0:
        return interpolation, slice(None), slice(None)
    width = coefficient_shape[1]
    read_rows, read_columns = np.divmod(read, width)
    rows = slice(int(read_rows.min()), int(read_rows.max()) + 1)
    columns = slice(int(read_columns.min()), int(read_columns.max()) + 1)
    kept = np.arange(rows.start, rows.stop)[:, None] * width
    kept = kept + np.arange(columns.start, columns.stop)
    return sparse.csr_array(interpolation[:, kept.ravel()]), rows, columns
