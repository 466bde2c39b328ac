"""Batched rotation identical, image by image, to ``scipy.ndimage.rotate(reshape=False)``."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from zeronn._checks import boolean, choice, positive_int
from zeronn.augment import geometry
from zeronn.augment._inputs import (
    ImageStack,
    check_angles,
    check_cval,
    check_mode,
    check_order,
    image_stack,
)
from zeronn.augment.operator import (
    fits,
    operator_limit,
    rotation_operator,
    uses_operator,
)
from zeronn.augment.warp import affine_warp


def rotate(
    images: NDArray[np.floating],
    angles: ArrayLike,
    *,
    order: int = 1,
    mode: str = "nearest",
    cval: float = 0.0,
    image_shape: tuple[int, int] | None = None,
    chunk_size: int = 256,
    workers: int | None = None,
    clip: bool = True,
    method: str = "auto",
) -> NDArray[np.floating]:
    """Rotate each image counter-clockwise by its own angle (degrees) about its centre.

    images: (N, H, W), (N, C, H, W) (all channels of an image turn together) or flattened
    (N, H*W) with ``image_shape=(H, W)``; float32 or float64, returned in the same shape and
    dtype, the input untouched. angles: (N,) degrees, or one number for all; any real value
    (370° is 10°). For every image the result equals
    ``scipy.ndimage.rotate(image, angle, reshape=False, order=order, mode=mode, cval=cval)``
    (to ~1e-12), except that for ``order > 1`` it is clipped to the image's own
    ``[min, max]``: cubic and higher splines overshoot at edges, and a rotated digit should
    not gain pixels brighter than the original. ``clip=False`` keeps the overshoot and gives
    scipy's output exactly (to reproduce a published run). ``chunk_size`` and ``workers`` tune the
    batched warp (see ``zeronn.augment.warp``); no Python loop runs over images.

    Images that share an angle with many others (``expand``, any fixed-angle call) are rotated
    by that angle's exact linear operator instead, a few matrix products for all of them
    (``zeronn.augment.operator``: the same result to ~1e-12). ``method="auto"`` uses it for an
    angle shared by at least ``OPERATOR_MIN_SHARE``·H·W planes of this call; ``"operator"``
    for every angle (worth it when more calls bring the same angle: the operator is cached);
    ``"warp"`` never.
    """
    owner = "rotate"
    method = choice(method, "method", owner, ("auto", "operator", "warp"))
    order, mode = check_order(order, owner), check_mode(mode, owner)
    cval = check_cval(cval, owner)
    clip = boolean(clip, "clip", owner)
    chunk_size = positive_int(chunk_size, "chunk_size", owner)
    if workers is not None:
        workers = positive_int(workers, "workers", owner)
    stack = image_stack(images, owner, image_shape)
    if method == "operator" and not fits(stack.image_shape, order):
        raise ValueError(
            f"rotate(method='operator') builds operators up to {operator_limit(order)} pixels "
            f"at order {order}, got images of {stack.image_shape[0]}×{stack.image_shape[1]}; "
            "use method='auto' or 'warp'"
        )
    angles = check_angles(angles, stack.count, owner)
    angles = np.repeat(angles, stack.planes_per_image)

    settings = {"order": order, "mode": mode, "cval": cval}
    by_operator = [] if method == "warp" else _operator_groups(angles, stack, order, method)
    pieces = []  # (planes, their rotated images)
    for angle, index in by_operator:
        operator = rotation_operator(stack.image_shape, angle, **settings, dtype=stack.planes.dtype)
        pieces.append((index, operator.apply(stack.planes[index])))
    rest = np.ones(len(angles), dtype=bool)
    for _, index in by_operator:
        rest[index] = False
    if rest.any():
        index = slice(None) if rest.all() else rest
        matrices, _ = geometry.split(geometry.rotation(angles[index]))
        # scipy's own centre arithmetic (offset = c - R c, with the same matmul), bit for bit
        centre = (np.asarray(stack.image_shape, dtype=np.float64) - 1) / 2
        offsets = centre - matrices @ centre
        warp = affine_warp(
            stack.planes[index],
            matrices,
            offsets,
            **settings,
            chunk_size=chunk_size,
            workers=workers,
        )
        pieces.append((index, warp))
    warped = _assemble(pieces, stack.planes)
    if order > 1 and clip:
        clip_to_input_range(warped, stack.planes, stack.planes_per_image)
    return stack.restore(warped)


def _assemble(pieces: list, planes: NDArray[np.floating]) -> NDArray[np.floating]:
    """One array from ``(planes index, rotated)`` pieces; a piece covering all planes as is."""
    if len(pieces) == 1 and isinstance(pieces[0][0], slice):
        return pieces[0][1]
    warped = np.empty_like(planes)
    for index, rotated in pieces:
        warped[index] = rotated
    return warped


def _operator_groups(
    angles: NDArray[np.float64], stack: ImageStack, order: int, method: str
) -> list[tuple[float, NDArray[np.intp] | slice]]:
    """``(angle, planes)`` for every angle that goes to its operator: every angle for
    ``method="operator"``, those shared by enough planes for ``"auto"``."""
    if angles.size and (angles == angles[0]).all():  # one angle: no sorting, no gathering
        groups = [(float(angles[0]), slice(None))]
        counts = [len(angles)]
    else:
        unique, inverse, counts = np.unique(angles, return_inverse=True, return_counts=True)
        by_angle = np.argsort(inverse, kind="stable")
        starts = np.concatenate([[0], np.cumsum(counts)])
        groups = [(float(a), by_angle[starts[k] : starts[k + 1]]) for k, a in enumerate(unique)]
    return [
        (angle, index)
        for (angle, index), count in zip(groups, counts, strict=True)
        if method == "operator" or uses_operator(count, stack.image_shape, order=order)
    ]


def warp_planes(
    stack: ImageStack,
    linear: NDArray[np.float64],
    offsets: NDArray[np.float64],
    *,
    order: int,
    mode: str,
    cval: float,
    chunk_size: int,
    workers: int | None,
    clip: bool = True,
) -> NDArray[np.floating]:
    """Warp every plane of ``stack`` by its backward map ``linear (P, 2, 2)``, ``offsets (P, 2)``
    and return the images in the caller's shape; for ``order > 1`` and ``clip``, each image is
    clipped to its own input range (see :func:`clip_to_input_range`)."""
    planes = affine_warp(
        stack.planes,
        linear,
        offsets,
        order=order,
        mode=mode,
        cval=cval,
        chunk_size=chunk_size,
        workers=workers,
    )
    if order > 1 and clip:
        clip_to_input_range(planes, stack.planes, stack.planes_per_image)
    return stack.restore(planes)


def clip_to_input_range(
    warped: NDArray[np.floating], planes: NDArray[np.floating], planes_per_image: int
) -> None:
    """Clip, in place, each image of ``warped`` to the [min, max] of the same input image."""
    per_image = planes.reshape(-1, planes_per_image * planes.shape[1] * planes.shape[2])
    low = per_image.min(axis=1)
    high = per_image.max(axis=1)
    flat = warped.reshape(per_image.shape)
    np.clip(flat, low[:, None], high[:, None], out=flat)
