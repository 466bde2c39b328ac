"""ImageDataGenerator: Keras' augmentation knobs over zeronn's batched, fused affine warp."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
from numpy.typing import NDArray

from zeronn._checks import as_generator, boolean, floating_array, positive_int, real, shape_text
from zeronn.augment.pipeline import Pipeline
from zeronn.augment.transforms import (
    RandomFlip,
    RandomRotation,
    RandomShear,
    RandomShift,
    RandomZoom,
)


class ImageDataGenerator:
    """Random rotation, shift, shear, zoom and flips, drawn afresh for every image.

    Images are (N, H, W), (N, C, H, W) or flattened (N, H*W) with ``image_shape``; the
    layout is NCHW where Keras uses NHWC. The transforms act in this order, all fused into
    one interpolation: flips, zoom, shear, rotation, shift (Keras fuses rotation, shift,
    shear, zoom and flips afterwards; the distributions are the same).

    Parameters, against Keras:
        rotation_range: degrees, uniform in [-r, r]. Same as Keras.
        width_shift_range, height_shift_range: float < 1 is a fraction of the width/height,
            float >= 1 pixels, int r whole pixels in (-r, r). Same as Keras (array-like
            choices are not supported). Positive moves the picture right/down.
        shear_range: degrees, Keras' shear matrix. Same as Keras.
        zoom_range: a float z draws factors in [1-z, 1+z], or a (low, high) pair, rows and
            columns independently; below 1 zooms in. Same as Keras.
        horizontal_flip, vertical_flip: each flips half the images. Same as Keras.
        fill_mode, cval: scipy.ndimage's "nearest", "constant", "reflect", "mirror",
            "wrap". Same names as Keras, but "reflect" and "wrap" are scipy's meanings.
        rescale: multiplies the pixels BEFORE the warp (Keras: after), so ``cval`` and
            the clipping range are in the rescaled units; dtype is kept.
        order: spline order 0..5 (Keras always uses 1); above 1, results are clipped to
            each image's range. image_shape: (H, W) for flattened input.
        chunk_size, workers: tuning of the batched warp.

    ``flow`` yields ONE epoch of batches and stops (Keras loops forever): call it again for
    the next epoch, as with ``zeronn.data.iterate_batches``.
    """

    def __init__(
        self,
        rotation_range: float = 0,
        width_shift_range: float = 0,
        height_shift_range: float = 0,
        shear_range: float = 0,
        zoom_range: float | tuple[float, float] = 0,
        horizontal_flip: bool = False,
        vertical_flip: bool = False,
        fill_mode: str = "nearest",
        cval: float = 0.0,
        rescale: float | None = None,
        *,
        order: int = 1,
        image_shape: tuple[int, int] | None = None,
        chunk_size: int = 256,
        workers: int | None = None,
    ) -> None:
        owner = "ImageDataGenerator"
        horizontal_flip = boolean(horizontal_flip, "horizontal_flip", owner)
        vertical_flip = boolean(vertical_flip, "vertical_flip", owner)
        transforms = []
        if horizontal_flip or vertical_flip:
            transforms.append(RandomFlip(horizontal_flip, vertical_flip))
        if zoom_range != 0 and tuple(np.atleast_1d(zoom_range)) != (1, 1):
            transforms.append(RandomZoom(zoom_range))
        if shear_range != 0:
            transforms.append(RandomShear(shear_range))
        if rotation_range != 0:
            transforms.append(RandomRotation(rotation_range))
        if width_shift_range != 0 or height_shift_range != 0:
            transforms.append(RandomShift(height_shift_range, width_shift_range))
        rescale = None if rescale is None else real(rescale, "rescale", owner)
        self.rescale = None if rescale in (None, 0) else rescale
        self.pipeline = Pipeline(
            transforms,
            order=order,
            mode=fill_mode,
            cval=cval,
            image_shape=image_shape,
            chunk_size=chunk_size,
            workers=workers,
        )

    def sample_params(
        self, count: int, rng: np.random.Generator | int | None = None
    ) -> list[NDArray]:
        """Draw the transform parameters of ``count`` images (see ``Pipeline.sample_params``)."""
        return self.pipeline.sample_params(count, rng)

    def apply_transform(self, images: NDArray[np.floating], params: list[NDArray]) -> NDArray:
        """Rescale, then warp ``images`` with drawn ``params``; shape and dtype kept."""
        images = floating_array(images, "ImageDataGenerator", what="images")
        if self.rescale is not None:
            images = images * images.dtype.type(self.rescale)
        return self.pipeline.apply(images, params)

    def __call__(
        self, images: NDArray[np.floating], rng: np.random.Generator | int | None = None
    ) -> NDArray[np.floating]:
        """Augment a batch with fresh parameters: usable as ``iterate_batches(augment=...)``."""
        rng = as_generator(rng, "ImageDataGenerator")
        images = floating_array(images, "ImageDataGenerator", what="images")
        return self.apply_transform(images, self.sample_params(images.shape[0], rng))

    def random_transform(
        self, x: NDArray[np.floating], rng: np.random.Generator | int | None = None
    ) -> NDArray[np.floating]:
        """Augment ONE image, (H, W) or (C, H, W) (flattened (H*W,) with image_shape)."""
        x = floating_array(x, "ImageDataGenerator.random_transform", what="image")
        return self(x[None], rng)[0]

    def flow(
        self,
        x: NDArray[np.floating],
        y: NDArray | None = None,
        batch_size: int = 32,
        shuffle: bool = True,
        seed: np.random.Generator | int | None = None,
    ) -> Iterator[NDArray | tuple[NDArray, NDArray]]:
        """Yield one epoch of freshly augmented batches, ``x_batch`` or ``(x_batch, y_batch)``.

        Only the current batch is copied; ``x`` itself is never augmented in place or
        duplicated. ``seed`` (an int or a Generator; required, so runs are reproducible)
        drives both the shuffling and the transforms: the same seed gives the same batches.
        The last batch may be smaller.
        """
        owner = "ImageDataGenerator.flow"
        x = floating_array(x, owner, what="x")
        batch_size = positive_int(batch_size, "batch_size", owner)
        if y is not None and len(y) != len(x):
            raise ValueError(
                f"{owner} expected y with {len(x)} rows like x {shape_text(x.shape)}, "
                f"got {shape_text(np.shape(y))}"
            )
        if seed is None:
            raise TypeError(
                f"{owner} expected seed as an int or a numpy.random.Generator, got None"
            )
        rng = as_generator(seed, owner)
        return self._batches(x, y, batch_size, shuffle, rng)

    def _batches(self, x, y, batch_size, shuffle, rng):
        order = rng.permutation(len(x)) if shuffle else np.arange(len(x))
        for start in range(0, len(x), batch_size):
            index = order[start : start + batch_size]
            batch = self(x[index], rng)
            yield batch if y is None else (batch, y[index])

    def __repr__(self) -> str:
        return f"ImageDataGenerator({self.pipeline!r}, rescale={self.rescale})"
