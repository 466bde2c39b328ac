"""The options of ``zeronn fewshot`` as one frozen, validated value.

Every check runs when the config is built, before any data is read or any file written, so a
typo costs nothing and an error message names the option, what it expected and what arrived.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from zeronn._checks import (
    as_float_dtype,
    boolean,
    choice,
    int_in,
    non_negative_int,
    positive_int,
    positive_real,
    real,
    representable,
    sequence,
)
from zeronn.data.catalog import DATASETS as DATASET_INFO
from zeronn.experiments.options import DatasetOptions, RunOptions
from zeronn.parallel import check_parallel
from zeronn.run_folder import new_run_folder

DATASETS = tuple(DATASET_INFO)  # the --dataset names: the catalog's
SAMPLINGS = ("random", "per-class")
NAMED_INITS = ("he", "xavier")
DEFAULT_SWEEP = (10, 30, 100, 300, 1000)
NUM_CLASSES = 10

_OWNER = "fewshot"


@dataclass(frozen=True, kw_only=True)
class FewshotConfig(RunOptions, DatasetOptions):
    """Options of the few-sample rotation experiment; the defaults are the blog's setup (``out``,
    ``threads`` and the dataset files: :mod:`zeronn.experiments.options`).

    ``angles`` are in degrees (counter-clockwise, as ``scipy.ndimage.rotate``); ``order`` is the
    rotation's spline order (3, scipy's default, as in the blog's call); ``init`` is a
    positive std of a normal (the blog's 0.01), ``"he"`` or ``"xavier"``; ``samples`` counts
    original training images (before rotation). ``sweep`` is ``None`` or the training-set sizes.
    ``dtype`` is float64 by default: the blog's NumPy code computed in float64.

    The draws: one per seed of :attr:`run_seeds`, ``seed, seed + 1, …`` (``repeats`` of them),
    or the ``seeds`` given (then ``seed`` is their first and ``repeats`` their count).
    ``verbose``: print the headline and the progress lines (False: the tables only);
    ``figures``: draw the figures (False: results.json only).
    """

    seed: int = 8
    steps: int = 4000
    lr: float = 0.001
    angles: tuple[float, ...] = (15.0, -15.0)
    order: int = 3
    init: float | str = 0.01
    samples: int = 10
    sampling: str = "random"
    dataset: str = "mnist"
    dtype: str = "float64"
    out: Path = field(default_factory=lambda: new_run_folder("fewshot"))
    log_scale: bool = False
    literal: bool = False
    repeats: int = 1
    seeds: tuple[int, ...] | None = None
    sweep: tuple[int, ...] | None = None
    init_study: bool = False
    jobs: int = 1
    scheduler: str | None = None
    verbose: bool = True
    figures: bool = True

    def __post_init__(self) -> None:
        # frozen: normalised values are written through _put, once, here.
        put = self._put
        self._check_run_options(_OWNER)
        self._check_dataset_options(_OWNER)
        for name in ("log_scale", "literal", "init_study", "verbose", "figures"):
            put(name, boolean(getattr(self, name), name, _OWNER))
        put("seed", non_negative_int(self.seed, "seed", _OWNER))
        put("steps", positive_int(self.steps, "steps", _OWNER))
        put("lr", positive_real(self.lr, "lr", _OWNER))
        # angles in degrees, as scipy.ndimage.rotate takes them; the spline order is scipy's 0..5
        put("angles", sequence(self.angles, "angles", _OWNER, real, item="each angle"))
        put("order", int_in(self.order, "order", _OWNER, 0, 5))
        put("init", _init(self.init))
        put("samples", positive_int(self.samples, "samples", _OWNER))
        put("sampling", choice(self.sampling, "sampling", _OWNER, SAMPLINGS))
        put("dataset", choice(self.dataset, "dataset", _OWNER, DATASETS))
        put("dtype", as_float_dtype(self.dtype, _OWNER).name)
        representable(self.lr, "lr", _OWNER, self.dtype)  # the SGD steps compute in dtype
        put("repeats", positive_int(self.repeats, "repeats", _OWNER))
        if self.seeds is not None:
            self._check_seeds()
        jobs, scheduler = check_parallel(self.jobs, self.scheduler, _OWNER)
        put("jobs", jobs)
        put("scheduler", scheduler)
        if self.sweep is not None:
            sizes = sequence(self.sweep, "sweep", _OWNER, positive_int, item="each --sweep size")
            put("sweep", tuple(sorted(set(sizes))))
        if self.sampling == "per-class":
            _check_per_class(self.samples, "samples")
        if self.sweep is not None:
            for size in self.sweep:
                # the sweep always runs both schemes, so every size must split evenly
                _check_per_class(size, "each --sweep size")
        if self.literal:
            self._check_literal()
        if self.verify:  # the published files' sizes are known before reading them
            info = DATASET_INFO[self.dataset]
            problem = self.size_problem(info.train_size, info.smallest_train_class)
            if problem is not None:
                raise ValueError(problem)

    def _check_seeds(self) -> None:
        """``seeds``: distinct seeds, which set ``seed`` (the first) and ``repeats`` (their
        count); consecutive ones are kept as those two, the one spelling of such a run."""
        seeds = sequence(
            self.seeds, "seeds", _OWNER, non_negative_int, item="each seed", distinct=True
        )
        defaults = type(self).__dataclass_fields__
        for name, value in (("seed", seeds[0]), ("repeats", len(seeds))):
            if getattr(self, name) not in (defaults[name].default, value):
                raise ValueError(
                    f"{_OWNER} got seeds={seeds!r} and {name}={getattr(self, name)!r}; give the "
                    "seeds, or a first seed and a number of repeats"
                )
        self._put("seed", seeds[0])
        self._put("repeats", len(seeds))
        consecutive = seeds == tuple(range(seeds[0], seeds[0] + len(seeds)))
        self._put("seeds", None if consecutive else seeds)

    @property
    def run_seeds(self) -> tuple[int, ...]:
        """The seed of each draw, in order: ``seeds``, or ``seed, seed + 1, …`` (``repeats``)."""
        if self.seeds is not None:
            return self.seeds
        return tuple(range(self.seed, self.seed + self.repeats))

    def size_problem(self, train_size: int, smallest_class: int) -> str | None:
        """Why the sizes asked for cannot be drawn from a training set of ``train_size`` images
        whose smallest class holds ``smallest_class``, or None when they can."""
        wanted = [("--samples", self.samples, self.sampling)]
        wanted += [("--sweep", size, scheme) for size in self.sweep or () for scheme in SAMPLINGS]
        for flag, size, scheme in wanted:
            if size > train_size:
                return (
                    f"{_OWNER} {flag} asked for {size} images, but {self.dataset} has "
                    f"{train_size} training images"
                )
            if scheme == "per-class" and size // NUM_CLASSES > smallest_class:
                return (
                    f"{_OWNER} {flag} {size} with per-class sampling asks for "
                    f"{size // NUM_CLASSES} images of each class, but the smallest class of "
                    f"{self.dataset} has {smallest_class}"
                )
        return None

    def _check_literal(self) -> None:
        """--literal replays the blog's code, so only the options that code has are allowed."""
        if isinstance(self.init, str):
            raise ValueError(
                f"{_OWNER} --literal draws weights as std * randn from the legacy stream, "
                f"so --init must be a std (e.g. 0.01), got {self.init!r}"
            )
        if self.sampling != "random":
            raise ValueError(
                f"{_OWNER} --literal replays the blog's uniform draw; --sampling per-class "
                "has no literal reading"
            )
        extras = [
            name
            for name, used in (
                ("--repeats (or --seeds)", self.repeats > 1),
                ("--sweep", self.sweep is not None),
                ("--init-study", self.init_study),
            )
            if used
        ]
        if extras:
            raise ValueError(
                f"{_OWNER} --literal is the blog's single run; it cannot be combined with "
                + ", ".join(extras)
            )

    def command_line(self) -> str:
        """The ``zeronn fewshot`` command that reproduces this config (options left at their
        defaults are omitted; ``--out`` is always given).

        >>> FewshotConfig(lr=0.1, repeats=20, out=Path("runs/a")).command_line()
        'zeronn fewshot --lr 0.1 --repeats 20 --out runs/a'
        """
        defaults = FewshotConfig(out=self.out).as_dict()
        words = ["zeronn", "fewshot"]
        # where the runs went and what was printed or drawn are not part of the result
        unsaid = {"out", "overwrite", "jobs", "scheduler", "verbose", "figures"}
        if self.seeds is not None:  # said by --seeds alone
            unsaid |= {"seed", "repeats"}
        for name, value in self.as_dict().items():
            if name in unsaid or value == defaults[name]:
                continue
            if name in ("download", "verify"):
                words.append(f"--no-{name}")
                continue
            option = "--" + name.replace("_", "-")
            if isinstance(value, bool):
                words.append(option)
            elif isinstance(value, list):
                # "=" keeps a leading minus sign from reading as an option
                words.append(f"{option}={','.join(f'{item:g}' for item in value)}")
            else:
                words += [option, f"{value:g}" if isinstance(value, float) else str(value)]
        words += ["--out", str(self.out)]
        return " ".join(words)

    @property
    def numpy_dtype(self) -> np.dtype:
        """The ``dtype`` option as a numpy dtype."""
        return np.dtype(self.dtype)

    def as_dict(self) -> dict[str, object]:
        """The options as JSON-ready values (paths as strings, tuples as lists)."""
        return {
            "seed": self.seed,
            "steps": self.steps,
            "lr": self.lr,
            "angles": list(self.angles),
            "order": self.order,
            "init": self.init,
            "samples": self.samples,
            "sampling": self.sampling,
            "dataset": self.dataset,
            "root": None if self.root is None else str(self.root),
            "download": self.download,
            "verify": self.verify,
            "dtype": self.dtype,
            "out": str(self.out),
            "overwrite": self.overwrite,
            "log_scale": self.log_scale,
            "literal": self.literal,
            "repeats": self.repeats,
            "seeds": None if self.seeds is None else list(self.seeds),
            "sweep": None if self.sweep is None else list(self.sweep),
            "init_study": self.init_study,
            "jobs": self.jobs,
            "scheduler": self.scheduler,
            "verbose": self.verbose,
            "figures": self.figures,
        }


def _init(value: object) -> float | str:
    """The weight init: a positive std of a normal, or one of :data:`NAMED_INITS`."""
    if isinstance(value, str) and value not in NAMED_INITS:
        raise ValueError(
            f"{_OWNER} expected init to be a positive std (e.g. 0.01), 'he' or 'xavier', "
            f"got {value!r}"
        )
    return value if isinstance(value, str) else positive_real(value, "init (a std)", _OWNER)


def _check_per_class(size: int, name: str) -> None:
    if size % NUM_CLASSES:
        raise ValueError(
            f"{_OWNER} per-class sampling takes the same number of images from each of the "
            f"{NUM_CLASSES} classes, so {name} must be a multiple of {NUM_CLASSES}, got {size}"
        )
