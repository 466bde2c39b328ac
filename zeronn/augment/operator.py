"""Rotation by a fixed angle as one matrix product, exact and cached.

For a fixed angle, image shape, spline order, boundary mode and cval, scipy's rotation is an
affine map of the pixel values, the same for every image: the spline prefilter is a linear
filter, the interpolation a weighted sum of coefficients, and mode "constant" writes cval
where the sample falls outside. With images flattened to rows x (H·W,):

    rotate(x) = x R + c        R[k] = rotate(e_k) − c,   c = rotate(0)

where e_k is the k-th basis image (pixel k = 1, all others 0) and c is cval at the pixels whose
sample falls outside (zero for every other mode, and for cval = 0). Rotating the H·W basis
images once gives R (H·W × H·W); a batch of n images is then one (n × H·W)·(H·W × H·W) product.
Nothing is approximated: R is built by the batched warp that equals scipy image by image, and
only its exact zeros are dropped. Orders 0 and 1 touch at most 4 input pixels per output pixel,
so R is kept sparse; from order 2 the prefilter spreads every pixel over the whole image and R
is dense.

When it pays (``uses_operator``): building R costs H·W warps, so R is built when at least
``OPERATOR_MIN_SHARE`` · H·W images share the angle, and reused (an LRU cache of
``CACHE_SIZE`` operators) whenever any image needs that angle again. Images too large for a
dense H·W × H·W matrix (``MAX_DENSE_PIXELS``) always use the warp from order 2.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

import numpy as np
import scipy.sparse as sparse
from numpy.typing import NDArray

from zeronn.augment import geometry
from zeronn.augment.warp import affine_warp
from zeronn.threads import map_parts

# Measured with benchmarks/bench_augment.py's "operator or warp" table (28×28 MNIST digits,
# float64, 2 threads, one angle): an operator built for the call overtakes the warp between
# 1,000 and 2,000 images at orders 1 and 3 (0.96-1.13× the warp's time at 1,000, 0.67-0.71×
# at 2,000); a cached operator is 3-10× faster than the warp from 500 images on and on a par
# below. Hence: build from 1.5·H·W images at one angle, and use a cached one for any count.
OPERATOR_MIN_SHARE = 1.5
CACHE_SIZE = 16
MAX_DENSE_PIXELS = 40 * 40  # a 1600 × 1600 float64 matrix, 20 MB
MAX_SPARSE_PIXELS = 128 * 128
# rows per part of a product: a few MB of images per part, and parts for every thread
ROWS_PER_PART = 512


class RotationOperator:
    """The exact affine map of one rotation, applied to flattened planes ``(P, H·W)``."""

    def __init__(self, matrix: NDArray | sparse.csr_array, constant: NDArray | None) -> None:
        self.matrix = matrix  # R, (H·W, H·W): rows are input pixels, columns output pixels
        self.constant = constant  # c, (H·W,), or None when it is zero

    def apply(self, planes: NDArray[np.floating]) -> NDArray[np.floating]:
        """``planes (P, H, W) -> (P, H, W)``: every plane rotated, in the planes' dtype.

        The rows are split into parts of ``ROWS_PER_PART`` run on zeronn's threads, each with
        a one-thread BLAS (``zeronn.threads.map_parts``).
        """
        count, height, width = planes.shape
        rows = planes.reshape(count, height * width)
        rotated = np.empty_like(rows)

        def rotate_part(part: slice) -> None:
            if sparse.issparse(self.matrix):
                # (Rᵀ xᵀ)ᵀ: scipy multiplies a sparse matrix by a dense one in this order
                rotated[part] = (self.matrix @ rows[part].T).T
            else:
                np.matmul(rows[part], self.matrix, out=rotated[part])
            if self.constant is not None:
                rotated[part] += self.constant

        starts = range(0, count, ROWS_PER_PART)
        map_parts(rotate_part, [slice(start, start + ROWS_PER_PART) for start in starts])
        return rotated.reshape(count, height, width)

    def __repr__(self) -> str:
        kind = "sparse" if sparse.issparse(self.matrix) else "dense"
        return f"RotationOperator({kind} {self.matrix.shape}, dtype={self.matrix.dtype})"


def fits(image_shape: tuple[int, int], order: int) -> bool:
    """Whether an operator for this image size and order stays small enough to build."""
    pixels = image_shape[0] * image_shape[1]
    return pixels <= (MAX_SPARSE_PIXELS if order <= 1 else MAX_DENSE_PIXELS)


def uses_operator(
    count: int,
    image_shape: tuple[int, int],
    angle: float,
    *,
    order: int,
    mode: str,
    cval: float,
    dtype: np.dtype,
) -> bool:
    """Whether ``count`` planes sharing ``angle`` go through the operator rather than the warp:
    always when it is cached, otherwise from ``OPERATOR_MIN_SHARE`` · H·W planes on."""
    if not fits(image_shape, order):
        return False
    if _key(image_shape, angle, order, mode, cval, dtype) in _cache:
        return True
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
    height, width = image_shape
    pixels = height * width
    # plane 0: the zero image (gives c); planes 1..H·W: the basis images e_k
    basis = np.zeros((pixels + 1, pixels), dtype=np.float64)
    basis[1:] = np.eye(pixels)
    planes = basis.reshape(pixels + 1, height, width)
    matrices, _ = geometry.split(geometry.rotation(np.full(pixels + 1, angle)))
    # the same centre arithmetic as zeronn.augment.rotate (and scipy)
    centre = (np.asarray(image_shape, dtype=np.float64) - 1) / 2
    offsets = centre - matrices @ centre
    warped = affine_warp(planes, matrices, offsets, order=order, mode=mode, cval=cval)
    warped = warped.reshape(pixels + 1, pixels)
    constant, matrix = warped[0], warped[1:] - warped[0]
    dtype = np.dtype(dtype_name)
    # sparse: exact zeros dropped, nothing else; stored as Rᵀ (one row per output pixel)
    matrix = sparse.csr_array(matrix.T.astype(dtype)) if order <= 1 else matrix.astype(dtype)
    has_constant = mode == "constant" and cval != 0.0
    return RotationOperator(matrix, constant.astype(dtype) if has_constant else None)
