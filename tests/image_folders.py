"""Class folders of small drawn images, for the image-folder tests.

Each class is a kind of shape (a filled disk, a hollow square, a plus sign) drawn with NumPy
in a random color, size and position over a random background, so a small convnet can
learn the kind and must ignore the rest. Files alternate between PNG and JPEG.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from PIL import Image

SHAPES = ("disk", "plus", "square")


def shape_mask(kind: str, height: int, width: int, rng: np.random.Generator) -> NDArray[np.bool_]:
    """A (height, width) mask of one shape of ``kind``, of random size and place."""
    radius = rng.uniform(0.22, 0.4) * min(height, width)
    row = rng.uniform(radius + 1, height - radius - 1)
    col = rng.uniform(radius + 1, width - radius - 1)
    rows, cols = np.mgrid[:height, :width]
    dy, dx = np.abs(rows - row), np.abs(cols - col)
    thickness = max(1.5, radius / 3)
    if kind == "disk":
        return dy**2 + dx**2 <= radius**2
    if kind == "square":
        inside = np.maximum(dy, dx) <= radius
        return inside & (np.maximum(dy, dx) >= radius - thickness)
    if kind == "plus":
        return ((dy <= thickness / 2) & (dx <= radius)) | ((dx <= thickness / 2) & (dy <= radius))
    raise ValueError(f"unknown shape {kind!r}")


def draw_shape(kind: str, height: int, width: int, rng: np.random.Generator) -> NDArray[np.uint8]:
    """An RGB picture (height, width, 3) uint8: a shape over a contrasting background."""
    background = rng.uniform(0, 0.35, size=3)
    color = rng.uniform(0.55, 1.0, size=3)
    if rng.random() < 0.5:  # light shapes on dark, or dark on light
        background, color = 1 - background, 1 - color
    picture = np.empty((height, width, 3))
    picture[:] = background
    picture[shape_mask(kind, height, width, rng)] = color
    picture += rng.normal(0, 0.03, size=picture.shape)
    return (np.clip(picture, 0, 1) * 255).astype(np.uint8)


def make_class_folders(
    root: Path,
    per_class: int,
    *,
    size: tuple[int, int] = (32, 32),
    shapes: tuple[str, ...] = SHAPES,
    seed: int = 0,
    formats: tuple[str, ...] = ("png", "jpg"),
) -> Path:
    """Write ``per_class`` pictures of each shape into ``root/<shape>/``; return ``root``."""
    rng = np.random.default_rng(seed)
    for kind in shapes:
        folder = root / kind
        folder.mkdir(parents=True, exist_ok=True)
        for index in range(per_class):
            extension = formats[index % len(formats)]
            picture = Image.fromarray(draw_shape(kind, *size, rng))
            picture.save(folder / f"{index:04d}.{extension}", quality=95)
    return root
