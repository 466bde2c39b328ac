"""Decode one image file into a float32 array (C, H, W) in [0, 1], with Pillow.

The steps, in order::

    open        PNG, JPEG, BMP or GIF (a GIF's first frame); anything else is refused
    draft       a JPEG is decoded at 1/2, 1/4 or 1/8 scale when that is still at least
                image_size (the DCT does the averaging: fast and itself antialiased)
    flatten     transparency (RGBA, LA, PA, P or L/RGB with a transparent color) is
                composited over a white background (TRANSPARENT_BACKGROUND)
    convert     to RGB, C = 3 (a gray image repeats its channel), or to grayscale, C = 1
                (L = 0.299 R + 0.587 G + 0.114 B, ITU-R 601, Pillow's conversion);
                CMYK JPEGs are converted by Pillow; 16-bit images (I;16, I) are scaled by
                1/65535 instead of being clipped at 255
    resize      to image_size = (H, W) with Pillow's bilinear filter, which widens with the
                reduction factor (antialiased, like torchvision's Resize); the aspect ratio
                is not kept, nothing is cropped
    scale       pixel / 255 (pixel / 65535 for 16-bit), float32

Why white for transparency: a transparent pixel means "nothing here", and the background a
viewer (a browser, matplotlib) shows behind it is white; Pillow's plain ``convert("RGB")``
would instead expose whatever color the transparent pixels happen to store.
"""

from __future__ import annotations

import os

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from zeronn._checks import choice, pair

__all__ = [
    "COLORS",
    "FORMATS",
    "IMAGE_EXTENSIONS",
    "TRANSPARENT_BACKGROUND",
    "channels_of",
    "decode_image",
]

COLORS = ("rgb", "grayscale")
# The side images of a folder are resized to when a command is not told (--image-size).
DEFAULT_IMAGE_SIZE = 64
# Pillow's names of the formats decoded, and the file name extensions they go by
FORMATS = ("PNG", "JPEG", "BMP", "GIF")
IMAGE_EXTENSIONS = (".bmp", ".gif", ".jpeg", ".jpg", ".png")
TRANSPARENT_BACKGROUND = (255, 255, 255)  # white, in 8-bit RGB
RESAMPLE = Image.Resampling.BILINEAR
_SIXTEEN_BIT_MODES = ("I;16", "I;16B", "I;16L", "I")


def channels_of(color: str) -> int:
    """The number of channels C of a color mode: 3 for "rgb", 1 for "grayscale"."""
    return 3 if color == "rgb" else 1


def decode_image(
    path: str | os.PathLike, image_size: int | tuple[int, int], color: str = "rgb"
) -> NDArray[np.float32]:
    """Decode one file into float32 (C, H, W) in [0, 1], as the module docstring describes.

    ``image_size`` = (H, W) in pixels (one int: a square); ``color`` is "rgb" (C = 3) or
    "grayscale" (C = 1). Raises whatever Pillow raises for a file it cannot read (``OSError``,
    ``ValueError``, ...); the folder loaders turn those into a list of bad files.
    """
    height, width = pair(image_size, "image_size", "decode_image")
    color = choice(color, "color", "decode_image", COLORS)
    with Image.open(path, formats=FORMATS) as image:
        image.seek(0)  # a GIF's first frame
        if image.format == "JPEG":
            image.draft("RGB" if color == "rgb" else "L", (width, height))
        if image.mode in _SIXTEEN_BIT_MODES:
            array = _sixteen_bit(image, width, height)
        else:
            image = _flattened(image).convert("RGB" if color == "rgb" else "L")
            if image.size != (width, height):
                image = image.resize((width, height), RESAMPLE)
            array = np.asarray(image, dtype=np.float32) / np.float32(255)
    if array.ndim == 2:
        array = array[None] if color == "grayscale" else np.repeat(array[None], 3, axis=0)
    else:
        array = array.transpose(2, 0, 1)
    return np.ascontiguousarray(array)


def _flattened(image: Image.Image) -> Image.Image:
    """The image without transparency: composited over TRANSPARENT_BACKGROUND if it had any."""
    has_alpha = image.mode in ("RGBA", "LA", "PA", "La", "RGBa")
    if not has_alpha and "transparency" not in image.info:
        return image
    rgba = image.convert("RGBA")
    background = Image.new("RGBA", rgba.size, (*TRANSPARENT_BACKGROUND, 255))
    return Image.alpha_composite(background, rgba).convert("RGB")


def _sixteen_bit(image: Image.Image, width: int, height: int) -> NDArray[np.float32]:
    """A 16-bit gray image as float32 (H, W) in [0, 1], resized in float ("F" mode)."""
    array = np.asarray(image).astype(np.float32) / np.float32(65535)
    if image.size != (width, height):
        resized = Image.fromarray(array).resize((width, height), RESAMPLE)
        array = np.asarray(resized, dtype=np.float32)
    return np.clip(array, 0, 1)
