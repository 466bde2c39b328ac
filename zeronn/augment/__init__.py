"""Geometric data augmentation on scipy.ndimage, batched and exact.

- ``rotate``: one angle per image, identical to ``scipy.ndimage.rotate`` image by image; images
  sharing an angle go through that angle's exact linear operator (``operator``), one product;
- random transforms (``RandomRotation``, ``RandomShift``, ``RandomZoom``, ``RandomShear``,
  ``RandomFlip``, ``RandomCropResize``) whose parameters are drawn (``sample_params``)
  separately from being applied (``apply``), so images and masks can share them;
- ``Pipeline``: fuses the transforms of each sample into one affine map, interpolates once;
- ``ImageDataGenerator``: Keras' knobs, ``flow`` over batches augmented on the fly;
- ``expand``: materialized rotated copies, optionally only for chosen classes.
"""

from zeronn.augment.expand import class_counts, expand
from zeronn.augment.generator import ImageDataGenerator
from zeronn.augment.pipeline import Pipeline
from zeronn.augment.rotate import rotate
from zeronn.augment.transforms import (
    RandomCropResize,
    RandomFlip,
    RandomRotation,
    RandomShear,
    RandomShift,
    RandomZoom,
)

__all__ = [
    "ImageDataGenerator",
    "Pipeline",
    "RandomCropResize",
    "RandomFlip",
    "RandomRotation",
    "RandomShear",
    "RandomShift",
    "RandomZoom",
    "class_counts",
    "expand",
    "rotate",
]
