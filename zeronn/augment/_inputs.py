"""Validation of the arguments every augmentation shares: images, angles, order, mode.

Images arrive in three layouts, all handled as a stack of 2-D planes ``(P, H, W)``:
``(N, H, W)``, ``(N, C, H, W)`` (one transform per image, shared by its channels) and
flattened ``(N, H*W)`` with ``image_shape=(H, W)``.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from zeronn._checks import (
    choice,
    floating_array,
    int_in,
    non_negative_real,
    real,
    shape_text,
)

MODES = ("nearest", "constant", "reflect", "mirror", "wrap")


def check_order(order: object, owner: str) -> int:
    """Return the spline order as an int after checking it lies in 0..5 (scipy's range)."""
    return int_in(order, "order", owner, 0, 5)


def check_mode(mode: object, owner: str) -> str:
    """Return ``mode`` after checking it is one of the boundary modes in ``MODES``."""
    return choice(mode, "mode (fill_mode)", owner, MODES)


def check_cval(cval: object, owner: str) -> float:
    """Return the fill value for mode="constant" as a finite float."""
    return real(cval, "cval", owner)


def check_range(value: object, name: str, owner: str) -> float:
    """Return a non-negative finite range such as ``rotation_range`` as a float."""
    return non_negative_real(value, name, owner)


def check_angles(angles: ArrayLike, count: int, owner: str) -> NDArray[np.float64]:
    """Return one finite angle per image as float64 ``(count,)``; a scalar is broadcast."""
    if isinstance(angles, str | bytes) or np.asarray(angles).dtype.kind not in "iuf":
        raise TypeError(
            f"{owner} expected angles in degrees, a number or one per image, got {angles!r}"
        )
    array = np.asarray(angles, dtype=np.float64)
    if array.ndim == 0:
        array = np.full(count, float(array))
    if array.shape != (count,):
        raise ValueError(
            f"{owner} expected one angle per image, shape ({count},), got {shape_text(array.shape)}"
        )
    if not np.isfinite(array).all():
        bad = int(np.flatnonzero(~np.isfinite(array))[0])
        where = f" (angle {bad} of {count})" if count > 1 else ""
        raise ValueError(
            f"{owner} expected each angle to be a finite number, got {float(array[bad])!r}{where}"
        )
    return array


@dataclass(frozen=True)
class ImageStack:
    """The images as ``planes (P, H, W)``, ``planes_per_image`` planes per image, and the
    original ``shape`` to restore."""

    planes: NDArray[np.floating]
    planes_per_image: int
    shape: tuple[int, ...]

    @property
    def count(self) -> int:
        """Number of images N."""
        return self.shape[0]

    @property
    def image_shape(self) -> tuple[int, int]:
        """``(H, W)`` of one plane."""
        return self.planes.shape[1], self.planes.shape[2]

    def restore(self, planes: NDArray[np.floating]) -> NDArray[np.floating]:
        """Give planes laid out like ``self.planes`` the caller's original shape."""
        return planes.reshape(self.shape)


def image_stack(
    images: object, owner: str, image_shape: tuple[int, int] | None = None
) -> ImageStack:
    """Check ``images`` (float32/float64, finite) and view them as a stack of 2-D planes."""
    images = floating_array(images, owner, what="images")
    if images.ndim == 2:
        if image_shape is None:
            raise ValueError(
                f"{owner} got flattened images {shape_text(images.shape)}; "
                "pass image_shape=(H, W) to say how to unflatten them"
            )
        height, width = _image_shape(image_shape, owner)
        if height * width != images.shape[1]:
            raise ValueError(
                f"{owner} expected flattened images (N, {height * width}) for "
                f"image_shape=({height}, {width}), got {shape_text(images.shape)}"
            )
        planes = images.reshape(images.shape[0], height, width)
        per_image = 1
    elif images.ndim in (3, 4):
        if image_shape is not None and tuple(images.shape[-2:]) != tuple(image_shape):
            raise ValueError(
                f"{owner} expected images of size {tuple(image_shape)} (image_shape), "
                f"got {shape_text(images.shape)}"
            )
        per_image = 1 if images.ndim == 3 else images.shape[1]
        planes = images.reshape(-1, *images.shape[-2:])
    else:
        raise ValueError(
            f"{owner} expected images (N, H, W), (N, C, H, W) or (N, H*W) with image_shape, "
            f"got {shape_text(images.shape)}"
        )
    if 0 in planes.shape[1:]:
        raise ValueError(f"{owner} expected non-empty images, got {shape_text(images.shape)}")
    if not np.isfinite(images).all():
        raise ValueError(f"{owner} expected finite pixel values, got NaN or infinity in images")
    return ImageStack(planes, per_image, images.shape)


def _image_shape(image_shape: object, owner: str) -> tuple[int, int]:
    if (
        not isinstance(image_shape, tuple | list)
        or len(image_shape) != 2
        or not all(
            isinstance(s, numbers.Integral) and not isinstance(s, bool) and s >= 1
            for s in image_shape
        )
    ):
        raise ValueError(
            f"{owner} expected image_shape=(H, W) of positive ints, got {image_shape!r}"
        )
    return int(image_shape[0]), int(image_shape[1])
