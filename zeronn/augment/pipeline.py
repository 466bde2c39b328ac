"""Pipeline: a chain of random geometric transforms fused into ONE affine warp per sample.

Order of composition: the transforms act on the picture in the order they are listed
(the first is applied first), each about the image centre. Their backward maps multiply in
that same order, ``M = B1 @ B2 @ ... @ Bk`` (see ``zeronn.augment.geometry``), and every image
is interpolated once at ``M o``, so a rotation followed by a zoom blurs once, not twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from zeronn._checks import as_generator, floating_array, non_negative_int, positive_int, shape_text
from zeronn.augment import geometry
from zeronn.augment._inputs import ImageStack, check_cval, check_mode, check_order, image_stack
from zeronn.augment.rotate import warp_planes


class GeometricTransform(Protocol):
    """What a pipeline needs of a transform: draw parameters, turn them into backward maps."""

    def sample_params(self, count: int, rng: np.random.Generator) -> NDArray: ...

    def matrices(self, params: NDArray, image_shape: tuple[int, int]) -> NDArray[np.float64]: ...


def warp_stack(
    stack: ImageStack,
    matrices: NDArray[np.float64],
    *,
    order: int,
    mode: str,
    cval: float,
    chunk_size: int = 256,
    workers: int | None = None,
) -> NDArray[np.floating]:
    """Warp each image of ``stack`` by its backward map ``matrices`` (N, 3, 3), in one batched
    interpolation; for ``order > 1`` clip each image to its own input range (no overshoot)."""
    per_plane = np.repeat(matrices, stack.planes_per_image, axis=0)
    linear, offsets = geometry.split(per_plane)
    return warp_planes(
        stack,
        linear,
        offsets,
        order=order,
        mode=mode,
        cval=cval,
        chunk_size=chunk_size,
        workers=workers,
    )


class Pipeline:
    """Random geometric transforms applied in order, fused into one affine warp per image.

    ``sample_params(n, rng)`` draws everything random (a list, one array per transform);
    ``apply(images, params)`` is deterministic, so the same params can warp images and
    their masks (use ``order=0`` for label masks). ``pipeline(images, rng)`` does both and
    fits ``zeronn.data.iterate_batches(..., augment=pipeline)``. ``mode``/``cval`` are
    scipy.ndimage's boundary modes ("nearest", "constant", "reflect", "mirror", "wrap").
    """

    def __init__(
        self,
        transforms: Sequence[GeometricTransform],
        *,
        order: int = 1,
        mode: str = "nearest",
        cval: float = 0.0,
        image_shape: tuple[int, int] | None = None,
        chunk_size: int = 256,
        workers: int | None = None,
    ) -> None:
        self.transforms = list(transforms)
        self.order = check_order(order, "Pipeline")
        self.mode = check_mode(mode, "Pipeline")
        self.cval = check_cval(cval, "Pipeline")
        self.image_shape = image_shape
        self.chunk_size = positive_int(chunk_size, "chunk_size", "Pipeline")
        self.workers = workers

    def sample_params(
        self, count: int, rng: np.random.Generator | int | None = None
    ) -> list[NDArray]:
        """Draw the parameters of ``count`` images: one array per transform, in order."""
        count = non_negative_int(count, "count", "Pipeline.sample_params")
        rng = as_generator(rng, "Pipeline.sample_params")
        return [transform.sample_params(count, rng) for transform in self.transforms]

    def matrices(self, params: Sequence[NDArray], image_shape: tuple[int, int]) -> NDArray:
        """The fused backward map of each image, (N, 3, 3), for images of ``image_shape``."""
        if len(params) != len(self.transforms):
            raise ValueError(
                f"Pipeline expected params for {len(self.transforms)} transforms, got {len(params)}"
            )
        if not self.transforms:
            return np.zeros((0, 3, 3))
        return geometry.compose(
            *(t.matrices(p, image_shape) for t, p in zip(self.transforms, params, strict=True))
        )

    def apply(
        self,
        images: NDArray[np.floating],
        params: Sequence[NDArray],
        *,
        order: int | None = None,
        mode: str | None = None,
        cval: float | None = None,
    ) -> NDArray[np.floating]:
        """Warp ``images`` with drawn ``params``; same shape and dtype, input untouched.

        ``order``, ``mode`` and ``cval`` override the pipeline's own for this call.
        """
        owner = "Pipeline.apply"
        order = self.order if order is None else check_order(order, owner)
        mode = self.mode if mode is None else check_mode(mode, owner)
        cval = self.cval if cval is None else check_cval(cval, owner)
        stack = image_stack(images, owner, self.image_shape)
        for transform, param in zip(self.transforms, params, strict=False):
            if np.shape(param)[:1] != (stack.count,):
                raise ValueError(
                    f"{owner} expected params of {type(transform).__name__} for "
                    f"{stack.count} images, got shape {shape_text(np.shape(param))}"
                )
        if not self.transforms:
            return images.copy()
        matrices = self.matrices(params, stack.image_shape)
        return warp_stack(
            stack,
            matrices,
            order=order,
            mode=mode,
            cval=cval,
            chunk_size=self.chunk_size,
            workers=self.workers,
        )

    def __call__(
        self, images: NDArray[np.floating], rng: np.random.Generator | int | None = None
    ) -> NDArray[np.floating]:
        """Draw fresh parameters for every image and apply them (a batch ``augment``)."""
        rng = as_generator(rng, "Pipeline")
        images = floating_array(images, "Pipeline", what="images")
        return self.apply(images, self.sample_params(images.shape[0], rng))

    def __repr__(self) -> str:
        inner = ", ".join(repr(t) for t in self.transforms)
        return f"Pipeline([{inner}], order={self.order}, mode={self.mode!r}, cval={self.cval})"
