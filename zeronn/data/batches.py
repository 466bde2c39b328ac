"""One epoch of mini-batches: every sample exactly once, in shuffled order, optionally augmented.

Unlike a loop over ``range(0, N - batch_size, batch_size)``, the last, smaller batch is kept
unless ``drop_last`` asks otherwise, so that evaluation over batches sees every sample.

Where batches come from, the Trainer does not care: anything with ``batches`` and
``num_batches`` is a :class:`BatchSource`. Arrays in memory are one (:class:`ArrayBatches`,
whose epoch is :func:`iterate_batches`), an image folder decoded batch by batch is another
(:class:`zeronn.data.ImageFolderDataset`); so ``Trainer.fit`` has one loop for both.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from zeronn._checks import as_generator, non_negative_int, positive_int

__all__ = [
    "ArrayBatches",
    "Augment",
    "BatchSource",
    "apply_augment",
    "as_batch_source",
    "check_augment",
    "check_batch_source",
    "check_pair",
    "iterate_batches",
    "num_batches",
    "pair_or_source",
]

# augment(images, rng) -> new images of the same shape and dtype
Augment = Callable[[NDArray, np.random.Generator], NDArray]


class BatchSource(Protocol):
    """A dataset that yields its own batches, e.g. :class:`zeronn.data.ImageFolderDataset`,
    which decodes only the batch at hand. ``batches`` yields one epoch of ``(x, t)`` as
    :func:`iterate_batches` does; ``num_batches`` says how many (for progress lines)."""

    def batches(
        self,
        batch_size: int,
        rng: np.random.Generator | int | None = None,
        shuffle: bool = True,
        augment: Augment | None = None,
    ) -> Iterator[tuple[NDArray, NDArray]]: ...

    def num_batches(self, batch_size: int) -> int: ...


def check_batch_source(source: object, owner: str, what: str = "source") -> None:
    """Refuse a ``source`` without callable ``batches`` and ``num_batches`` methods."""
    if not all(callable(getattr(source, name, None)) for name in ("batches", "num_batches")):
        raise TypeError(
            f"{owner} expected {what} with batches(batch_size, rng, shuffle, augment) and "
            f"num_batches(batch_size), e.g. a zeronn.data.ImageFolderDataset, "
            f"got {type(source).__name__}"
        )


def check_pair(x: object, t: object, owner: str, *, what: str = "data") -> None:
    """Inputs and targets must be arrays with the same, non-zero, number of samples."""
    for name, array in (("inputs", x), ("targets", t)):
        if not isinstance(array, np.ndarray):
            raise TypeError(
                f"{owner} expected {what} {name} as a numpy array, got {type(array).__name__}"
            )
        if array.ndim == 0:
            raise ValueError(f"{owner} expected {what} {name} with a sample axis, got a scalar")
    if len(x) != len(t):
        raise ValueError(
            f"{owner} expected as many {what} targets as inputs, got {len(x)} inputs "
            f"and {len(t)} targets"
        )
    if len(x) == 0:
        raise ValueError(f"{owner} expected at least one {what} sample, got 0")


class ArrayBatches:
    """Arrays ``x`` (N, ...) and ``t`` (N, ...) in memory as a :class:`BatchSource`.

    An epoch is :func:`iterate_batches`: new arrays in shuffled order, augmented on request.
    In order and without augmentation (what evaluation and prediction ask for) the batches
    are read-only views of ``x`` and ``t``, the slices ``[k·batch_size, (k+1)·batch_size)``:
    nothing is copied, and nothing can change the arrays through them.

    >>> source = ArrayBatches(np.arange(5.0).reshape(5, 1), np.arange(5))
    >>> source.num_batches(2), [t.tolist() for _, t in source.batches(2, shuffle=False)]
    (3, [[0, 1], [2, 3], [4]])
    """

    def __init__(
        self, x: NDArray, t: NDArray, *, owner: str = "ArrayBatches", what: str = "data"
    ) -> None:
        check_pair(x, t, owner, what=what)
        self.x, self.t = x, t

    def __len__(self) -> int:
        return len(self.x)

    def num_batches(self, batch_size: int) -> int:
        """How many batches one epoch yields (the last one smaller when N is not a multiple)."""
        return num_batches(len(self.x), batch_size)

    def batches(
        self,
        batch_size: int,
        rng: np.random.Generator | int | None = None,
        shuffle: bool = True,
        augment: Augment | None = None,
    ) -> Iterator[tuple[NDArray, NDArray]]:
        """One epoch of ``(x_batch, t_batch)``, as :func:`iterate_batches` (see the class)."""
        if shuffle or augment is not None:
            return iterate_batches(self.x, self.t, batch_size, rng, shuffle, augment)
        batch_size = positive_int(batch_size, "batch_size", "ArrayBatches.batches")
        return _views(self.x, self.t, batch_size)

    def __repr__(self) -> str:
        return f"ArrayBatches(x {self.x.dtype} {self.x.shape}, t {self.t.dtype} {self.t.shape})"


def _views(x: NDArray, t: NDArray, batch_size: int) -> Iterator[tuple[NDArray, NDArray]]:
    for start in range(0, len(x), batch_size):
        x_batch, t_batch = x[start : start + batch_size], t[start : start + batch_size]
        x_batch.flags.writeable = t_batch.flags.writeable = False  # the views only
        yield x_batch, t_batch


def as_batch_source(x: object, t: object, owner: str, what: str = "data") -> BatchSource:
    """Arrays ``(x, t)`` as :class:`ArrayBatches`; a BatchSource as it is (``t`` must be None):
    what ``Trainer.fit``, ``evaluate`` and ``predict`` do with the data they are given."""
    is_source = all(callable(getattr(x, name, None)) for name in ("batches", "num_batches"))
    if is_source and t is not None:
        raise TypeError(
            f"{owner} takes targets t with arrays only: a source yields its own, as in "
            f"fit(source, epochs=n); got t={t!r}"
        )
    return x if is_source else ArrayBatches(x, t, owner=owner, what=what)


def pair_or_source(data: object, owner: str, what: str = "validation") -> BatchSource:
    """A pair ``(x, t)`` of arrays as :class:`ArrayBatches`, a BatchSource as it is: what
    ``Trainer.fit`` does with its ``validation=`` data."""
    if isinstance(data, tuple | list):
        if len(data) != 2:
            raise TypeError(
                f"{owner} expected {what}=(x_val, t_val), a dataset or None, got {len(data)} items"
            )
        return ArrayBatches(*data, owner=owner, what=what)
    check_batch_source(data, owner, what=f"{what}=(x_val, t_val) or a dataset")
    return data


def num_batches(n: int, batch_size: int, drop_last: bool = False) -> int:
    """How many batches :func:`iterate_batches` yields for ``n`` samples.

    >>> num_batches(10, 4), num_batches(10, 4, drop_last=True), num_batches(8, 4)
    (3, 2, 2)
    """
    n = non_negative_int(n, "n", "num_batches")
    batch_size = positive_int(batch_size, "batch_size", "num_batches")
    return n // batch_size if drop_last else -(-n // batch_size)


def iterate_batches(
    x: NDArray,
    t: NDArray,
    batch_size: int,
    rng: np.random.Generator | int | None = None,
    shuffle: bool = True,
    augment: Augment | None = None,
    drop_last: bool = False,
) -> Iterator[tuple[NDArray, NDArray]]:
    """Yield ``(x_batch, t_batch)`` pairs that cover ``x`` and ``t`` once along axis 0.

    ``x``: (N, ...) inputs; ``t``: (N, ...) targets (class indices or one-hot rows). The order
    is ``rng.permutation(N)`` when ``shuffle``, else 0 .. N-1. The last batch holds the
    remaining N mod batch_size samples, or is dropped when ``drop_last``. ``augment(images,
    rng)`` is applied to each input batch with the same ``rng`` and must return an array of
    the same shape and dtype. Batches are new arrays (never views), so neither ``augment`` nor
    the caller can change ``x`` or ``t``. ``rng=None`` draws from zeronn's default generator
    (see :func:`zeronn.manual_seed`). Arguments are checked at the call, before the first
    batch is asked for.
    """
    owner = "iterate_batches"
    for name, array in (("x", x), ("t", t)):
        if not isinstance(array, np.ndarray) or array.ndim == 0:
            got = f"shape {array.shape}" if isinstance(array, np.ndarray) else type(array).__name__
            raise TypeError(
                f"{owner} expected {name} as a numpy array of shape (N, ...), got {got}"
            )
    if len(x) != len(t):
        raise ValueError(
            f"{owner} expected x and t with the same number of samples, "
            f"got x of shape {x.shape} and t of shape {t.shape}"
        )
    batch_size = positive_int(batch_size, "batch_size", owner)
    check_augment(augment, owner)
    generator = as_generator(rng, owner)
    order = generator.permutation(len(x)) if shuffle else np.arange(len(x))
    return _batches(x, t, order, batch_size, generator, augment, drop_last)


def _batches(
    x: NDArray,
    t: NDArray,
    order: NDArray[np.intp],
    batch_size: int,
    rng: np.random.Generator | None,
    augment: Augment | None,
    drop_last: bool,
) -> Iterator[tuple[NDArray, NDArray]]:
    stop = num_batches(len(order), batch_size, drop_last) * batch_size
    for start in range(0, stop, batch_size):
        chosen = order[start : start + batch_size]
        x_batch, t_batch = x[chosen], t[chosen]  # fancy indexing copies
        if augment is not None:
            x_batch = apply_augment(augment, x_batch, rng)
        yield x_batch, t_batch


def check_augment(augment: object, owner: str) -> None:
    """Refuse an ``augment`` that is neither None nor a callable ``(images, rng) -> images``."""
    if augment is not None and not callable(augment):
        raise TypeError(f"{owner} expected augment to be a callable(images, rng), got {augment!r}")


def apply_augment(augment: Augment, images: NDArray, rng: np.random.Generator) -> NDArray:
    """``augment(images, rng)``, checked to return images of the same shape and dtype."""
    augmented = augment(images, rng)
    if (
        not isinstance(augmented, np.ndarray)
        or augmented.shape != images.shape
        or augmented.dtype != images.dtype
    ):
        got = (
            f"{augmented.dtype} of shape {augmented.shape}"
            if isinstance(augmented, np.ndarray)
            else type(augmented).__name__
        )
        raise ValueError(
            f"augment must return images like its input ({images.dtype} of shape "
            f"{images.shape}), got {got}"
        )
    return augmented
