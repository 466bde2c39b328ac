"""How each condition of the flip-balance experiment builds its training data.

The experiment is binary: label 0 is class A, label 1 is class B. Images are ``(N, C, H, W)``.
A horizontal flip mirrors the width axis, ``flip(x)[n, c, i, j] = x[n, c, i, W − 1 − j]``.

| condition         | training set                                                         |
|-------------------|----------------------------------------------------------------------|
| ``none``          | the original images                                                  |
| ``flip-a``        | originals + a stored flipped copy of every class-A image             |
| ``flip-both``     | originals + a stored flipped copy of every image                     |
| ``random-flip``   | the originals only; each batch flips every image with probability ½  |
| ``flip-a-balanced`` | ``flip-a``, then class B oversampled with stored repeats to A's count |

``flip-a`` doubles class A only, so the class prior the model sees moves from ½ to ⅔: that is
the cats-and-dogs post's mistake. ``flip-a-balanced`` undoes the prior shift while keeping the
new class-A information; it oversamples B (rather than subsampling A's expanded set) so that
no flipped or original A image is thrown away, and so that its size equals ``flip-both``'s —
the two then differ only in whether B's extra half is new (mirror images) or repeated.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from zeronn._checks import as_generator, class_labels, floating_array, shape_text

CONDITIONS: tuple[str, ...] = ("none", "flip-a", "flip-both", "random-flip", "flip-a-balanced")

Augment = Callable[[NDArray[np.floating], np.random.Generator], NDArray[np.floating]]


@dataclass(frozen=True)
class TrainingSet:
    """The arrays one condition trains on, plus the per-batch augmentation (if any).

    ``images``: (N, C, H, W) float; ``labels``: (N,) int64 in {0, 1};
    ``augment(batch, rng) -> batch`` runs on every batch during training (``None``: no-op).
    """

    condition: str
    images: NDArray[np.floating]
    labels: NDArray[np.int64]
    augment: Augment | None = None

    @property
    def held_bytes(self) -> int:
        """Bytes of the arrays this set keeps alive for the whole training run."""
        return int(self.images.nbytes + self.labels.nbytes)

    def batch_buffer_bytes(self, batch_size: int) -> int:
        """Bytes of the extra batch an on-the-fly augmentation writes (0 without one)."""
        if self.augment is None:
            return 0
        per_image = self.images.nbytes // max(len(self.images), 1)
        return int(min(batch_size, len(self.images)) * per_image)

    def peak_bytes(self, batch_size: int) -> int:
        """Training-set memory at its peak: the held arrays plus one augmented batch."""
        return self.held_bytes + self.batch_buffer_bytes(batch_size)

    def class_counts(self) -> NDArray[np.int64]:
        """Number of images of class A and of class B, shape (2,)."""
        return np.bincount(self.labels, minlength=2).astype(np.int64)


def horizontal_flip(images: NDArray[np.floating]) -> NDArray[np.floating]:
    """Mirror ``(N, C, H, W)`` images left-right; returns a new array of the same dtype."""
    _check_images(images, "horizontal_flip")
    return images[..., ::-1].copy()


def random_horizontal_flip(
    images: NDArray[np.floating], rng: np.random.Generator
) -> NDArray[np.floating]:
    """Flip each image of a batch independently with probability ½ (the on-the-fly condition).

    Usable as a Trainer ``augment`` callable; the input batch is not modified.
    """
    _check_images(images, "random_horizontal_flip")
    rng = as_generator(rng, "random_horizontal_flip")
    flipped = images.copy()
    chosen = rng.random(len(images)) < 0.5
    flipped[chosen] = images[chosen][..., ::-1]
    return flipped


def with_flipped_copies(
    images: NDArray[np.floating], labels: NDArray[np.integer], classes: tuple[int, ...]
) -> tuple[NDArray[np.floating], NDArray[np.int64]]:
    """Append a flipped copy of every image whose label is in ``classes``.

    Returns ``(images', labels')`` with the originals first, in their order, then the copies.
    """
    labels = _check_pair(images, labels, "with_flipped_copies")
    chosen = np.isin(labels, classes)
    flipped = horizontal_flip(images[chosen])
    return np.concatenate([images, flipped]), np.concatenate([labels, labels[chosen]])


def oversample_to_balance(
    images: NDArray[np.floating], labels: NDArray[np.integer], rng: np.random.Generator
) -> tuple[NDArray[np.floating], NDArray[np.int64]]:
    """Repeat images of the smaller classes until every class has the largest class's count.

    A class of ``n`` images short of ``m`` gets ``m // n − 1`` whole extra copies of itself,
    then ``m % n`` further images drawn without replacement, so no image is repeated more
    than once more than any other of its class.
    """
    labels = _check_pair(images, labels, "oversample_to_balance")
    rng = as_generator(rng, "oversample_to_balance")
    present = np.unique(labels)
    counts = {int(c): int(np.count_nonzero(labels == c)) for c in present}
    target = max(counts.values())
    extra = []
    for c in present:
        members = np.flatnonzero(labels == c)
        whole, remainder = divmod(target, len(members))
        repeats = [np.tile(members, whole - 1), rng.choice(members, remainder, replace=False)]
        extra.append(np.concatenate(repeats))
    order = np.concatenate([np.arange(len(labels)), *extra])
    return images[order], labels[order]


def build_condition(
    condition: str,
    images: NDArray[np.floating],
    labels: NDArray[np.integer],
    *,
    rng: np.random.Generator | int | None = None,
) -> TrainingSet:
    """Build the training set of ``condition`` from binary-labelled originals.

    ``images``: (N, C, H, W) float32/float64; ``labels``: (N,) ints in {0, 1} (0 is class A).
    ``rng`` is used only by ``flip-a-balanced`` (which B images get the odd extra copy).
    The inputs are never modified; the returned arrays are new.
    """
    if condition not in CONDITIONS:
        raise ValueError(
            f"unknown condition {condition!r}; expected one of {', '.join(CONDITIONS)}"
        )
    labels = _check_pair(images, labels, "build_condition")
    outside = np.setdiff1d(labels, [0, 1])
    if outside.size:
        raise ValueError(
            f"build_condition expected binary labels 0 (class A) and 1 (class B), "
            f"got also {outside.tolist()}"
        )
    rng = as_generator(rng, "build_condition")
    augment = None
    if condition in ("none", "random-flip"):
        images, labels = images.copy(), labels.copy()
        augment = random_horizontal_flip if condition == "random-flip" else None
    elif condition == "flip-a":
        images, labels = with_flipped_copies(images, labels, (0,))
    elif condition == "flip-both":
        images, labels = with_flipped_copies(images, labels, (0, 1))
    else:
        images, labels = oversample_to_balance(*with_flipped_copies(images, labels, (0,)), rng)
    return TrainingSet(condition, images, labels, augment)


def _check_images(images: object, owner: str) -> NDArray[np.floating]:
    images = floating_array(images, owner, what="images")
    if images.ndim != 4:
        raise ValueError(f"{owner} expected images (N, C, H, W), got {shape_text(images.shape)}")
    return images


def _check_pair(images: object, labels: object, owner: str) -> NDArray[np.int64]:
    """Check images (N, C, H, W) and integer labels (N,); return the labels as int64."""
    images = _check_images(images, owner)
    labels = class_labels(labels, "labels", owner, count=len(images))
    return labels.astype(np.int64, copy=False)
