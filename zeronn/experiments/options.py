"""The options every job shares, declared and checked in one place.

Each job's config (``train``, ``fewshot``, ``flip_balance``, ``charlm``) is a frozen dataclass
built on the parts it needs, so a flag means the same, and is refused with the same words,
in every command (the flags themselves: :mod:`zeronn.commands._options`)::

    RunOptions          out, overwrite, threads          every job: where it writes, its threads
    DatasetOptions      root, download, verify           train, fewshot, flip-balance
    ImageFolderOptions  data, image_size, color          train, flip-balance (--data DIR)

A config's ``__post_init__`` calls the checks of its parts (``_check_run_options`` and so on)
with its own name, then checks its own options. The checks only normalise values (a str path
to a ``Path``, a count to an int); they never touch the file system, except that an image
folder is looked at (its class folders), never read. :meth:`RunOptions.check_paths` is the one
that does, when a run starts (:mod:`zeronn.run_paths`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Self

from zeronn._checks import boolean, choice, existing_folder, positive_int
from zeronn.data.image_decode import COLORS, DEFAULT_IMAGE_SIZE
from zeronn.models import SMALLEST_IMAGE_SIDE
from zeronn.run_paths import check_run_paths

__all__ = ["DatasetOptions", "ImageFolderOptions", "RunOptions"]

# the options that name what a run reads, and their flags: the outputs must keep clear of them
INPUT_FOLDERS = {"data": "--data", "root": "--root"}
INPUT_FILES = {"load": "--load", "resume": "--resume"}


@dataclass(frozen=True, kw_only=True)
class Options:
    """A frozen config's way to store a value its checks normalised, while it is being built."""

    def _put(self, name: str, value: object) -> None:
        object.__setattr__(self, name, value)


@dataclass(frozen=True, kw_only=True)
class RunOptions(Options):
    """Where a run writes and how many threads it uses.

    ``out``: the output folder (each job's config gives its default, a new
    ``runs/<command>/<date-time>``); ``overwrite``: replace the outputs already there (kept
    until the run has finished); ``threads``: BLAS and zeronn's own loops (None: one).
    """

    out: Path
    overwrite: bool = False
    threads: int | None = None

    def _check_run_options(self, owner: str) -> None:
        if self.threads is not None:
            self._put("threads", positive_int(self.threads, "threads", owner))
        self._put("overwrite", boolean(self.overwrite, "overwrite", owner))
        self._put("out", Path(self.out))

    def check_paths(self) -> Self:
        """Refuse an ``out`` that would touch an input (an image folder, the ``root`` of the
        dataset files, a ``load`` file, the data stores) or that a run could not replace whole
        (:mod:`zeronn.run_paths`); returns the config. Called as a run starts (by the command as
        it builds the config, and first thing by the run function), never by ``__post_init__``:
        building or replacing a config does not touch the file system."""
        check_run_paths(
            self.out,
            overwrite=self.overwrite,
            folders=[(flag, getattr(self, name)) for name, flag in _held(self, INPUT_FOLDERS)],
            files=[(flag, getattr(self, name)) for name, flag in _held(self, INPUT_FILES)],
        )
        return self


@dataclass(frozen=True, kw_only=True)
class DatasetOptions(Options):
    """Where the MNIST-family files are and how they are taken.

    ``root``: the folder holding them (None: ``$ZERONN_DATA``, then the user cache);
    ``download``: fetch missing files into the cache; ``verify``: the files found must be the
    published ones (their shapes and SHA-256), which also lets a config check the sizes it
    asks for before any file is read.
    """

    root: Path | None = None
    download: bool = True
    verify: bool = True

    def _check_dataset_options(self, owner: str) -> None:
        for name in ("download", "verify"):
            self._put(name, boolean(getattr(self, name), name, owner))
        if self.root is not None:
            self._put("root", Path(self.root))


@dataclass(frozen=True, kw_only=True)
class ImageFolderOptions(Options):
    """A folder of class folders to use instead of a built-in dataset (``--data DIR``).

    ``data``: the folder (None: the built-in dataset); its images are decoded to
    ``color`` ("rgb" or "grayscale", default "rgb") and resized to ``image_size`` ×
    ``image_size`` (default 64).
    """

    data: Path | None = None
    image_size: int | None = None
    color: str | None = None

    def _check_no_image_options(self, why: str) -> None:
        """Without ``data``, refuse ``image_size`` and ``color``: ``why`` names the images."""
        if self.image_size is not None or self.color is not None:
            raise ValueError(f"--image-size and --color go with --data; {why}")

    def _check_image_folder_options(self, owner: str, model: str) -> Path:
        """Check ``image_size`` (large enough for ``model``) and ``color``, that ``data`` is a
        folder and that no ``root`` is given beside it; return the folder. Its class folders
        are the config's to check."""
        if getattr(self, "root", None) is not None:
            raise ValueError(
                "--root and --data exclude each other: --root is where the MNIST-family files are"
            )
        size = DEFAULT_IMAGE_SIZE if self.image_size is None else self.image_size
        self._put("image_size", positive_int(size, "image_size", owner))
        smallest = SMALLEST_IMAGE_SIDE.get(model.replace("-", "_"), 1)
        if self.image_size < smallest:
            raise ValueError(
                f"--image-size {self.image_size} is too small for {model}, which needs "
                f"images of at least {smallest}×{smallest}"
            )
        self._put(
            "color", choice("rgb" if self.color is None else self.color, "color", owner, COLORS)
        )
        folder = existing_folder(self.data, "--data", owner)
        self._put("data", folder)
        return folder

    @property
    def image_shape(self) -> tuple[int, int, int]:
        """(C, H, W) of the folder's images once decoded (after the checks)."""
        return (3 if self.color == "rgb" else 1, self.image_size, self.image_size)


def _held(config: object, flags: dict[str, str]) -> list[tuple[str, str]]:
    """The ``(name, flag)`` of ``flags`` that ``config`` has as options."""
    return [(name, flag) for name, flag in flags.items() if hasattr(config, name)]
