"""Choose subsets of a dataset: a balanced few per class, a plain random subset, or a
per-class validation split.

The samplers draw without replacement and return the chosen indices **sorted ascending**
(int64). Sorting keeps the subset in dataset order, so two samplers that pick the same items
agree exactly, and a subset is never silently grouped by class (which would be a trap for code
that forgets to shuffle). Shuffle per epoch in :func:`zeronn.data.batches.iterate_batches`.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from zeronn._checks import as_generator, fraction, non_negative_int, positive_int

__all__ = ["sample_per_class", "sample_random", "split_per_class"]


def sample_per_class(
    labels: NDArray[np.integer],
    n_per_class: int,
    rng: np.random.Generator | int | None = None,
    *,
    num_classes: int | None = None,
) -> NDArray[np.int64]:
    """Indices of ``n_per_class`` items drawn at random from each class, sorted ascending.

    ``labels``: integer class indices of shape (N,). The classes are those present in
    ``labels``, or 0 .. num_classes-1 when ``num_classes`` is given (so that an absent class is
    an error, not a silent omission). Returns ``n_per_class × classes`` indices. Raises
    ``ValueError`` naming the class and its count when a class has fewer than ``n_per_class``
    items. The same seed gives the same indices.
    """
    owner = "sample_per_class"
    if not isinstance(labels, np.ndarray) or labels.ndim != 1:
        shape = labels.shape if isinstance(labels, np.ndarray) else type(labels).__name__
        raise ValueError(
            f"{owner} expected labels as a 1-D array of class indices, got {shape}; "
            "for one-hot labels pass labels.argmax(axis=1)"
        )
    if labels.dtype.kind not in "iu":
        raise TypeError(f"{owner} expected integer labels, got dtype {labels.dtype}")
    n_per_class = positive_int(n_per_class, "n_per_class", owner)
    rng = as_generator(rng, owner)
    if num_classes is None:
        classes = np.unique(labels)
    else:
        num_classes = positive_int(num_classes, "num_classes", owner)
        if len(labels) and (labels.min() < 0 or labels.max() >= num_classes):
            raise ValueError(
                f"{owner} expected labels in [0, {num_classes}), "
                f"found [{labels.min()}, {labels.max()}]"
            )
        classes = np.arange(num_classes)
    if len(classes) == 0:
        raise ValueError(f"{owner} got no labels to sample from")

    chosen = []
    for label in classes:
        members = np.flatnonzero(labels == label)
        if len(members) < n_per_class:
            raise ValueError(
                f"{owner} asked for {n_per_class} samples of class {label}, "
                f"but it has only {len(members)}"
            )
        chosen.append(rng.choice(members, size=n_per_class, replace=False))
    return np.sort(np.concatenate(chosen)).astype(np.int64, copy=False)


def sample_random(
    n_items: int, n: int, rng: np.random.Generator | int | None = None
) -> NDArray[np.int64]:
    """``n`` distinct indices drawn uniformly from ``range(n_items)``, sorted ascending.

    Raises ``ValueError`` when ``n`` is not in [1, n_items].
    """
    owner = "sample_random"
    n_items = non_negative_int(n_items, "n_items", owner)
    n = positive_int(n, "n", owner)
    if n > n_items:
        raise ValueError(f"{owner} asked for {n} samples, but there are only {n_items} items")
    rng = as_generator(rng, owner)
    return np.sort(rng.choice(n_items, size=n, replace=False)).astype(np.int64, copy=False)


def split_per_class(
    labels: NDArray[np.integer],
    validation_fraction: float,
    rng: np.random.Generator | int | None = None,
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Split indices into ``(train, validation)``, drawing the validation share class by class.

    ``labels``: integer class indices (N,). Each class with n items gives
    ``round(validation_fraction · n)`` of them to validation, but at least 1 and at most
    n - 1 when n >= 2 and the fraction is above 0 (a class with one item stays in training),
    so every class is seen in both parts whenever it can be. Both index arrays are sorted
    ascending (int64); the same seed gives the same split.

    >>> split_per_class(np.array([0, 0, 0, 0, 1, 1]), 0.25, rng=0)[1].size
    2
    """
    owner = "split_per_class"
    if not isinstance(labels, np.ndarray) or labels.ndim != 1 or labels.dtype.kind not in "iu":
        got = f"{labels.dtype} {labels.shape}" if isinstance(labels, np.ndarray) else labels
        raise ValueError(f"{owner} expected integer labels (N,), got {got!r}")
    validation_fraction = fraction(validation_fraction, "validation_fraction", owner)
    rng = as_generator(rng, owner)
    chosen = []
    for label in np.unique(labels):
        members = np.flatnonzero(labels == label)
        count = round(validation_fraction * len(members))
        if validation_fraction > 0:
            count = min(max(count, 1), len(members) - 1)
        chosen.append(rng.choice(members, size=count, replace=False))
    validation = np.zeros(len(labels), dtype=bool)
    validation[np.concatenate(chosen or [np.zeros(0, np.intp)])] = True
    return np.flatnonzero(~validation).astype(np.int64), np.flatnonzero(validation).astype(np.int64)
