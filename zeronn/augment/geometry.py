"""2-D affine maps as batches of 3x3 homogeneous matrices, in pixel (row, col) coordinates.

Every matrix here is a BACKWARD map: it sends an output pixel ``o = (row, col, 1)`` to the
input position ``i = M o`` that is sampled (scipy.ndimage's convention). A picture
transformed by ``B1`` and then by ``B2`` samples the input at ``B1 @ B2 @ o``, so a chain of
transforms fuses into one matrix by multiplying their backward maps in forward order.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special


def _identity(count: int) -> NDArray[np.float64]:
    return np.tile(np.eye(3), (count, 1, 1))


def rotation(angles: ArrayLike) -> NDArray[np.float64]:
    """Backward maps of counter-clockwise rotations by ``angles`` degrees about the origin.

    ``[[cos, sin], [-sin, cos]]`` on (row, col), the matrix scipy.ndimage.rotate uses; the
    degree-based cosine and sine are exact at multiples of 90°. angles: (N,) -> (N, 3, 3).
    """
    angles = np.asarray(angles, dtype=np.float64)
    cos, sin = special.cosdg(angles), special.sindg(angles)
    matrices = _identity(angles.shape[0])
    matrices[:, 0, 0], matrices[:, 0, 1] = cos, sin
    matrices[:, 1, 0], matrices[:, 1, 1] = -sin, cos
    return matrices


def translation(shifts: ArrayLike) -> NDArray[np.float64]:
    """Backward maps that move the picture by ``shifts`` (N, 2) pixels (down, right): i = o - s."""
    shifts = np.asarray(shifts, dtype=np.float64)
    matrices = _identity(shifts.shape[0])
    matrices[:, :2, 2] = -shifts
    return matrices


def scaling(factors: ArrayLike) -> NDArray[np.float64]:
    """Backward maps ``i = diag(f_row, f_col) o`` for ``factors`` (N, 2).

    A factor scales the sampling grid (Keras' zoom convention): below 1 the picture is
    enlarged, above 1 shrunk; -1 mirrors the axis.
    """
    factors = np.asarray(factors, dtype=np.float64)
    matrices = _identity(factors.shape[0])
    matrices[:, 0, 0], matrices[:, 1, 1] = factors[:, 0], factors[:, 1]
    return matrices


def shear(angles: ArrayLike) -> NDArray[np.float64]:
    """Backward maps of shears by ``angles`` degrees (Keras' form): ``[[1, -sin], [0, cos]]``."""
    angles = np.asarray(angles, dtype=np.float64)
    matrices = _identity(angles.shape[0])
    matrices[:, 0, 1] = -special.sindg(angles)
    matrices[:, 1, 1] = special.cosdg(angles)
    return matrices


def about_centre(
    matrices: NDArray[np.float64], image_shape: tuple[int, int]
) -> NDArray[np.float64]:
    """Conjugate maps about the image centre ``c = ((H-1)/2, (W-1)/2)``: ``C M C⁻¹``."""
    centre = (np.asarray(image_shape, dtype=np.float64) - 1) / 2
    to_centre = np.eye(3)
    to_centre[:2, 2] = centre
    from_centre = np.eye(3)
    from_centre[:2, 2] = -centre
    return to_centre @ matrices @ from_centre


def compose(*matrices: NDArray[np.float64]) -> NDArray[np.float64]:
    """Fuse backward maps given in forward order (the first transform applied comes first)."""
    result = matrices[0]
    for matrix in matrices[1:]:
        result = result @ matrix
    return result


def split(matrices: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """The linear part (N, 2, 2) and the offset (N, 2) of homogeneous maps (N, 3, 3)."""
    return np.ascontiguousarray(matrices[:, :2, :2]), np.ascontiguousarray(matrices[:, :2, 2])
