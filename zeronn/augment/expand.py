"""Materialized expansion: each image followed by rotated copies, optionally per class."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

from zeronn._checks import class_indices, class_labels, floating_array, positive_int
from zeronn.augment._inputs import check_angles, image_stack
from zeronn.augment.operator import uses_operator
from zeronn.augment.rotate import rotate


def labels_of(t: NDArray, owner: str = "labels_of") -> NDArray[np.int64]:
    """Integer class labels from labels (N,) or one-hot rows (N, K) (checked: integers >= 0,
    or rows of zeros and a single one)."""
    t = class_labels(t, "t", owner, one_hot=True)
    if t.ndim == 2:
        return t.argmax(axis=1)
    return t.astype(np.int64, copy=False)


def class_counts(t: NDArray) -> dict[int, int]:
    """How many examples each class has, ``{label: count}`` sorted by label.

    >>> class_counts(np.array([1, 0, 1]))
    {0: 1, 1: 2}
    """
    values, counts = np.unique(labels_of(t, "class_counts"), return_counts=True)
    return {int(v): int(c) for v, c in zip(values, counts, strict=True)}


def expand(
    x: NDArray[np.floating],
    t: NDArray,
    angles: ArrayLike = (15, -15),
    *,
    order: int = 1,
    mode: str = "nearest",
    image_shape: tuple[int, int] | None = None,
    classes: Sequence[int] | None = None,
    chunk_size: int = 2048,
    workers: int | None = None,
    clip: bool = True,
) -> tuple[NDArray[np.floating], NDArray]:
    """Each image, then one copy rotated by each angle (degrees, counter-clockwise).

    x: images in any layout ``rotate`` takes; t: integer labels (N,) >= 0 or one-hot rows
    (N, K). With ``angles=(15, -15)`` the output holds, per image, the original, +15°, -15°,
    in the input order. ``classes`` (distinct class indices; below K with one-hot labels)
    restricts the copies to images of those labels; the others appear once. The output is
    allocated once and filled ``chunk_size`` images at a time; compare ``class_counts(t)``
    with ``class_counts(t_expanded)`` for the balance. ``clip`` as in
    :func:`zeronn.augment.rotate`. All copies at one angle take the same path, chosen once on
    how many images share it: the angle's exact operator when they are many enough
    (``zeronn.augment.operator.uses_operator``), the warp otherwise.
    """
    owner = "expand"
    x = floating_array(x, owner, what="x")
    # layout checks on one image; rotate checks the rest
    one_image = image_stack(x[:1], owner, image_shape)
    t = class_labels(t, "t", owner, count=x.shape[0], one_hot=True)
    angles = np.atleast_1d(np.asarray(angles, dtype=np.float64))
    angles = check_angles(angles, angles.shape[0], owner)
    chunk_size = positive_int(chunk_size, "chunk_size", owner)
    if classes is not None:
        classes = class_indices(
            classes, "classes", owner, classes=t.shape[1] if t.ndim == 2 else None
        )
    labels = labels_of(t, owner)
    selected = np.ones(len(x), dtype=bool) if classes is None else np.isin(labels, classes)

    copies = 1 + angles.shape[0] * selected
    total = int(copies.sum())
    x_out = np.empty((total, *x.shape[1:]), dtype=x.dtype)
    t_out = np.empty((total, *t.shape[1:]), dtype=t.dtype)
    # every angle is shared by all selected images: decide operator or warp on their number,
    # once, not chunk by chunk (one method for all, whatever chunk_size)
    planes_per_angle = int(selected.sum()) * one_image.planes_per_image
    by_operator = uses_operator(planes_per_angle, one_image.image_shape, order=order)
    method = "operator" if by_operator else "warp"
    settings = {"order": order, "mode": mode, "image_shape": image_shape}
    settings |= {"workers": workers, "clip": clip, "method": method}
    if selected.all():
        # every image has its copies: rows n·(1+A) + k, written as strided views, no gathers
        x_grid = x_out.reshape(len(x), 1 + angles.shape[0], *x.shape[1:])
        t_grid = t_out.reshape(len(t), 1 + angles.shape[0], *t.shape[1:])
        t_grid[:] = t[:, None]
        # chunk by chunk, so that the output fills front to back (its pages are touched once,
        # in order) while each chunk's images are in cache for all their copies
        for start in range(0, len(x), chunk_size):
            part = slice(start, start + chunk_size)
            x_grid[part, 0] = x[part]
            for k, angle in enumerate(angles):
                x_grid[part, 1 + k] = rotate(x[part], angle, **settings)
        return x_out, t_out

    first = np.concatenate([[0], np.cumsum(copies)[:-1]])
    x_out[first], t_out[first] = x, t
    chosen = np.flatnonzero(selected)
    for start in range(0, len(chosen), chunk_size):
        index = chosen[start : start + chunk_size]
        for k, angle in enumerate(angles):
            x_out[first[index] + 1 + k] = rotate(x[index], angle, **settings)
            t_out[first[index] + 1 + k] = t[index]
    return x_out, t_out
