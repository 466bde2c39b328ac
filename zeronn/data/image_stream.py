"""Stream a folder of class folders in mini-batches: only the batch at hand is decoded.

Memory holds the file list (a path and a label per image) and the batch being yielded, whose
files a small thread pool decodes in parallel (Pillow releases the GIL while decoding and
resizing). The peak does not grow with the number of images; ``benchmarks/
bench_image_folder.py`` measures it. Why not decode the next batch while the caller trains on
this one: the decoding threads would then compete for the cores with the training step's BLAS
threads (which busy-wait, see benchmarks/README.md), and on 2 cores the trade is not clearly
a gain; decoding and training taking turns is simpler to reason about.

One epoch, as :func:`zeronn.data.iterate_batches` does it for arrays::

    order = rng.permutation(N)                      (0 .. N-1 without shuffle)
    for each slice of batch_size indices in order:
        x = decode those files, in the pool         float32 (B, C, H, W) in [0, 1]
        x = augment(x, rng)                         optional, same rng
        yield x, labels[slice]                      int64 (B,)

A file that fails to decode raises :class:`~zeronn.data.image_folder.ImageFolderError`
naming it, when its batch is decoded; with ``skip_bad=True`` it is dropped from its batch
(which is then smaller), warned about once, and listed in ``skipped``.
"""

from __future__ import annotations

import copy
import os
import warnings
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor

import numpy as np
from numpy.typing import NDArray

from zeronn._checks import as_generator, positive_int
from zeronn.data.batches import Augment, apply_augment, check_augment, num_batches
from zeronn.data.image_decode import channels_of
from zeronn.data.image_folder import (
    BadImageWarning,
    ImageFolder,
    ImageFolderError,
    bad_files_message,
    check_image_arguments,
    decode_into,
    load_files,
    report_bad_files,
)
from zeronn.data.image_scan import BadFile, ImageFiles, scan_image_folder
from zeronn.data.sampling import split_per_class

__all__ = ["ImageFolderDataset"]

Batch = tuple[NDArray[np.float32], NDArray[np.int64]]
# (file indices, the images being filled in, one decoding task per file)
PendingBatch = tuple[NDArray[np.intp], NDArray[np.float32], list[Future]]


class ImageFolderDataset:
    """The images below ``root``'s class folders, decoded batch by batch.

    Arguments as :func:`zeronn.data.load_image_folder` (checked, and the folder scanned,
    before any file is decoded; files that are not images by their name are reported here).
    ``workers``: decoding threads (default: the CPU count, at most 4).

    Attributes: ``class_names``, ``paths``, ``labels`` (int64 (N,)), ``image_shape``
    (C, H, W), ``skipped`` ((path, reason) of the files left out so far). ``batches``
    yields one epoch; ``split`` draws a per-class validation part; ``load`` decodes all.
    """

    def __init__(
        self,
        root: str | os.PathLike,
        image_size: int | tuple[int, int],
        color: str = "rgb",
        classes: Sequence[str] | None = None,
        skip_bad: bool = False,
        *,
        workers: int | None = None,
    ) -> None:
        owner = "ImageFolderDataset"
        root, size, color, workers = check_image_arguments(root, image_size, color, workers, owner)
        self.files = scan_image_folder(root, classes, owner=owner)
        self.image_size, self.color = size, color
        self.skip_bad, self.workers = bool(skip_bad), workers
        report_bad_files(
            root, self.files.bad, len(self.files) + len(self.files.bad), skip_bad, owner
        )
        # file -> reason, for files found bad while decoding (skipped in later epochs)
        self._bad: dict[str, str] = dict(self.files.bad)

    @property
    def class_names(self) -> tuple[str, ...]:
        """The class of label k is ``class_names[k]``."""
        return self.files.class_names

    @property
    def paths(self) -> tuple[str, ...]:
        """The image files, in label order (class by class, sorted within a class)."""
        return self.files.paths

    @property
    def labels(self) -> NDArray[np.int64]:
        """int64 (N,): the class index of each file."""
        return self.files.labels

    @property
    def image_shape(self) -> tuple[int, int, int]:
        """(C, H, W) of every image yielded: a model's ``input_shape``."""
        return (channels_of(self.color), *self.image_size)

    @property
    def skipped(self) -> tuple[BadFile, ...]:
        """(path, reason) of every file left out so far (``skip_bad=True``)."""
        return tuple(self._bad.items())

    def __len__(self) -> int:
        return len(self.files)

    def num_batches(self, batch_size: int, drop_last: bool = False) -> int:
        """How many batches one epoch of :meth:`batches` yields (before skipping bad files)."""
        return num_batches(len(self), batch_size, drop_last)

    def batches(
        self,
        batch_size: int,
        rng: np.random.Generator | int | None = None,
        shuffle: bool = True,
        augment: Augment | None = None,
        drop_last: bool = False,
    ) -> Iterator[Batch]:
        """Yield one epoch of ``(x, t)``: x float32 (B, C, H, W) in [0, 1], t int64 (B,).

        As :func:`zeronn.data.iterate_batches`: the order is ``rng.permutation(N)`` when
        ``shuffle``; ``augment(images, rng)`` (e.g. a :class:`zeronn.augment.Pipeline` or
        :class:`zeronn.augment.ImageDataGenerator`) gets each batch and the same ``rng``; the
        last batch is smaller unless ``drop_last``. Arguments are checked at the call.
        """
        owner = "ImageFolderDataset.batches"
        batch_size = positive_int(batch_size, "batch_size", owner)
        check_augment(augment, owner)
        generator = as_generator(rng, owner)
        order = generator.permutation(len(self)) if shuffle else np.arange(len(self))
        stop = num_batches(len(order), batch_size, drop_last) * batch_size
        return self._epoch(order, batch_size, stop, generator, augment)

    def _epoch(
        self,
        order: NDArray[np.intp],
        batch_size: int,
        stop: int,
        rng: np.random.Generator,
        augment: Augment | None,
    ) -> Iterator[Batch]:
        with ThreadPoolExecutor(max_workers=self.workers) as pool:
            for start in range(0, stop, batch_size):
                x, t = self._collect(self._submit(pool, order[start : start + batch_size]))
                if len(t) == 0:
                    continue  # every file of this batch was bad (skip_bad=True)
                if augment is not None:
                    x = apply_augment(augment, x, rng)
                yield x, t

    def _submit(self, pool: ThreadPoolExecutor, chosen: NDArray[np.intp]) -> PendingBatch:
        """Start decoding the files at ``chosen`` (known bad files left out), one task each."""
        if self._bad:
            chosen = np.array([i for i in chosen if self.paths[i] not in self._bad], np.intp)
        images = np.zeros((len(chosen), *self.image_shape), dtype=np.float32)
        tasks = [
            pool.submit(decode_into, images, row, self.paths[i], self.image_size, self.color)
            for row, i in enumerate(chosen)
        ]
        return chosen, images, tasks

    def _collect(self, pending: PendingBatch) -> Batch:
        """Wait for a batch; return it without its bad files (or raise ImageFolderError)."""
        chosen, images, tasks = pending
        reasons = [task.result() for task in tasks]  # result() re-raises a bug's exception
        bad_rows = [row for row, reason in enumerate(reasons) if reason is not None]
        if bad_rows:
            bad = [(self.paths[chosen[row]], reasons[row]) for row in bad_rows]
            if not self.skip_bad:
                action = "found while decoding a batch; pass skip_bad=True to leave them out"
                message = bad_files_message(self.files.root, bad, len(self), action)
                raise ImageFolderError(f"ImageFolderDataset: {message}", bad)
            message = bad_files_message(self.files.root, bad, len(self), "skipped (skip_bad=True)")
            warnings.warn(f"ImageFolderDataset: {message}", BadImageWarning, stacklevel=3)
            self._bad.update(bad)
            keep = np.ones(len(chosen), dtype=bool)
            keep[bad_rows] = False
            chosen, images = chosen[keep], images[keep]
        return images, self.labels[chosen]

    def split(
        self, validation_fraction: float = 0.2, rng: np.random.Generator | int | None = None
    ) -> tuple[ImageFolderDataset, ImageFolderDataset]:
        """``(train, validation)`` datasets: ``validation_fraction`` of each class, drawn by
        ``rng`` (see :func:`zeronn.data.split_per_class`); both keep this one's settings."""
        train, validation = split_per_class(self.labels, validation_fraction, rng)
        return self._subset(train), self._subset(validation)

    def _subset(self, indices: NDArray[np.integer]) -> ImageFolderDataset:
        subset = copy.copy(self)
        subset.files = self.files.subset(indices)
        subset._bad = dict(self._bad)
        return subset

    def load(self) -> ImageFolder:
        """Decode every file into memory (bad files reported together), as an ImageFolder."""
        usable = [index for index, path in enumerate(self.paths) if path not in self._bad]
        files = self.files.subset(np.array(usable, dtype=np.intp))
        files = ImageFiles(files.root, files.class_names, files.paths, files.labels, self.skipped)
        return load_files(
            files, self.image_size, self.color, self.skip_bad, self.workers, "ImageFolderDataset"
        )

    def __repr__(self) -> str:
        return (
            f"ImageFolderDataset({str(self.files.root)!r}, {len(self)} images, "
            f"image_shape={self.image_shape}, classes={list(self.class_names)})"
        )
