"""The flags every command shares, and the argparse types they parse with.

One definition per flag, so a flag means the same in every command:

- ``--out DIR``: the output folder; by default a new one for every run,
  ``runs/<command>/<YYYYmmdd-HHMMSS>``, so a command can be rerun as it is. A folder that
  already holds files is refused unless ``--overwrite`` (see :mod:`zeronn.run_folder`), and
  so is one that is, holds or sits inside an input (see :mod:`zeronn.run_paths`).
- ``--seed N`` for a command that runs once (train, charlm, check); ``--seeds A,B,...`` (or
  ``A-B``, every seed from A to B) for one that repeats a run over seeds (fewshot,
  flip-balance), where ``--seed N`` is ``--seeds N`` (fewshot keeps ``--repeats N`` as well:
  the draws ``--seed``, ``--seed`` + 1, ...).
- ``--quiet`` on every command: the results only (tables, the closing line); no header, no
  progress lines. Errors and warnings go to stderr all the same.
- ``--no-figures`` on every command that draws figures (train, fewshot, flip-balance, charlm):
  the numbers only. The learner's tools (exercise, check) draw none, so they have none.
- ``--dtype``: float32 everywhere, except where a command reproduces a published float64 run.
- ``--root DIR``, ``--no-download`` and ``--no-verify``: where the dataset files are, whether a
  missing one may be downloaded, and whether the files found must be the published ones.

Every flag's help shows its default. This module imports nothing heavy: ``zeronn --help`` and
``zeronn <command> --help`` stay fast.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TypeVar

# the commands' parser, and what it tells them (re-exported: a command imports this module)
from zeronn.commands._parser import CommandParser as CommandParser
from zeronn.commands._parser import given_flags as given_flags
from zeronn.commands._parser import print_warning as print_warning
from zeronn.run_folder import new_run_folder

T = TypeVar("T")

DTYPES = ("float32", "float64")


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Keeps the description's line breaks and appends ``(default: X)`` to every flag's help."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        default = action.default
        if "%(default)" in text or default in (None, False, argparse.SUPPRESS):
            return text
        if isinstance(default, tuple | list):
            default = ",".join(
                f"{item:g}" if isinstance(item, float) else str(item) for item in default
            )
        return f"{text} (default: {str(default).replace('%', '%%')})"


def add_out(parser: argparse.ArgumentParser, command: str) -> None:
    """``--out`` and ``--overwrite``."""
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar="DIR",
        help=f"folder for every output (default: a new runs/{command}/<date-time>)",
    )
    parser.add_argument(
        "--overwrite",
        action="store_true",
        help="replace the outputs already in --out (they are kept until this run has finished)",
    )


def resolve_out(args: argparse.Namespace, command: str) -> Path:
    """The ``--out`` folder of a parsed command line, or the command's fresh default."""
    return new_run_folder(command) if args.out is None else args.out


def add_dtype(parser: argparse.ArgumentParser, default: str = "float32", why: str = "") -> None:
    parser.add_argument(
        "--dtype", choices=DTYPES, default=default, help="floating-point type of the run" + why
    )


def add_data(parser: argparse.ArgumentParser) -> None:
    """``--root``, ``--no-download`` and ``--no-verify``, for every command that reads a dataset."""
    parser.add_argument(
        "--root",
        type=Path,
        default=None,
        metavar="DIR",
        help="folder holding the dataset files (default: $ZERONN_DATA, then the user cache)",
    )
    parser.add_argument(
        "--no-download",
        action="store_true",
        help="fail instead of downloading missing dataset files",
    )
    parser.add_argument(
        "--no-verify",
        action="store_true",
        help="load IDX files that are not the published dataset (your own subset, say) "
        "without checking their SHA-256",
    )


def add_image_folder(parser: argparse.ArgumentParser, data_help: str, default_size: int) -> None:
    """``--data DIR`` (meaning ``data_help``), ``--image-size`` and ``--color``."""
    from zeronn.data.image_decode import COLORS

    parser.add_argument("--data", type=Path, default=None, metavar="DIR", help=data_help)
    parser.add_argument(
        "--image-size",
        type=positive_int,
        default=None,
        metavar="N",
        help=f"--data images are resized to N×N (default: {default_size})",
    )
    parser.add_argument(
        "--color", choices=COLORS, default=None, help="--data images as (default: rgb)"
    )


def add_quiet(parser: argparse.ArgumentParser) -> None:
    """``--quiet``, for every command: the results only."""
    parser.add_argument(
        "--quiet",
        action="store_true",
        help="print the results only: no header, no progress lines (errors and warnings still "
        "go to stderr)",
    )


def add_no_figures(parser: argparse.ArgumentParser, figures: str) -> None:
    """``--no-figures``, for every command that draws ``figures``."""
    parser.add_argument(
        "--no-figures",
        action="store_true",
        help=f"write the numbers only, not {figures}",
    )


def add_seed(parser: argparse.ArgumentParser, default: int = 0) -> None:
    parser.add_argument(
        "--seed", type=non_negative_int, default=default, help="seed of every random draw"
    )


def add_seeds(
    parser: argparse.ArgumentParser, default: tuple[int, ...] | None, *, single: bool = True
) -> None:
    """``--seeds A,B,...`` (a study: one run per seed; ``A-B`` is every seed from A to B) and,
    with ``single``, ``--seed N`` for ``--seeds N``: the one rule of every command that repeats
    a run (a command that runs once has ``--seed`` only)."""
    parser.add_argument(
        "--seeds",
        type=seed_list,
        default=default,
        metavar="A,B,...",
        help="one run per seed, comma-separated; A-B is every seed from A to B",
    )
    if single:
        parser.add_argument(
            "--seed",
            dest="seeds",
            type=lambda text: (non_negative_int(text),),
            default=argparse.SUPPRESS,
            metavar="N",
            help="a single seed: the same as --seeds N",
        )


def add_threads(parser: argparse.ArgumentParser) -> None:
    """``--threads``, for every command: how many threads BLAS and zeronn's loops use."""
    parser.add_argument(
        "--threads",
        type=positive_int,
        default=None,
        metavar="N",
        help="threads for matrix products and zeronn's own loops (default: 1, the fastest in "
        "benchmarks/README.md, Threads)",
    )


def add_parallel(parser: argparse.ArgumentParser) -> None:
    """``--jobs`` and ``--scheduler``, for every command that runs a study of independent runs."""
    parser.add_argument(
        "--jobs",
        type=positive_int,
        default=1,
        metavar="N",
        help="run the study's independent runs in N processes (same results as 1)",
    )
    parser.add_argument(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help="send the runs to a Dask cluster, e.g. tcp://host:8786 (needs zeronn[dask])",
    )


def run_quietly() -> AbstractContextManager:
    """Where a command runs: NumPy's overflow and invalid-value warnings are silenced, because
    a run whose numbers stop being finite is stopped with one line of its own (the divergence
    guard says where and which flag to change); the warnings would only bury that line."""
    import numpy as np  # not at import: --help stays light

    return np.errstate(over="ignore", invalid="ignore", divide="ignore")


# -- argparse types: each turns one string into one value or says what it expected --------


def _checked(text: str, parse: Callable[[str], T], accept: Callable[[T], bool], expected: str) -> T:
    """``parse(text)`` when it parses and ``accept`` takes it; otherwise the error that names
    what was ``expected``."""
    try:
        value = parse(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}") from None
    if not accept(value):
        raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}")
    return value


def positive_int(text: str) -> int:
    """``"3"`` -> 3; refuses 0, negatives and non-integers."""
    return _checked(text, int, lambda value: value >= 1, "a positive integer")


def non_negative_int(text: str) -> int:
    """``"0"`` -> 0; refuses negatives and non-integers."""
    return _checked(text, int, lambda value: value >= 0, "a non-negative integer")


def positive_float(text: str) -> float:
    """``"0.1"`` -> 0.1; refuses 0, negatives, inf and nan."""
    return _checked(
        text, float, lambda value: value > 0 and math.isfinite(value), "a positive number"
    )


def non_negative_float(text: str) -> float:
    """``"0.1"`` -> 0.1; refuses negatives, inf and nan."""
    return _checked(
        text, float, lambda value: value >= 0 and math.isfinite(value), "a number >= 0"
    )


def fraction(text: str) -> float:
    """``"0.1"`` -> 0.1, a share in [0, 1)."""
    return _checked(text, float, lambda value: 0 <= value < 1, "a fraction in [0, 1)")


def int_list(text: str) -> tuple[int, ...]:
    """``"0,1,2"`` -> (0, 1, 2)."""
    try:
        values = tuple(int(part) for part in text.split(","))
    except ValueError:
        values = ()
    if not values:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated whole numbers such as 0,1,2, got {text!r}"
        )
    return values


def seed_list(text: str) -> tuple[int, ...]:
    """``"0,1,2"`` -> (0, 1, 2); ``"8-11"`` -> (8, 9, 10, 11), also inside a list (``"0-2,7"``).

    >>> seed_list("0-2,7")
    (0, 1, 2, 7)
    """
    seeds: list[int] = []
    try:
        for part in text.split(","):
            first, dash, last = part.strip().partition("-")
            low = int(first)
            high = int(last) if dash else low
            if low < 0 or high < low:
                raise ValueError(part)
            seeds += range(low, high + 1)
    except ValueError:
        seeds = []
    if not seeds:
        raise argparse.ArgumentTypeError(
            f"expected seeds such as 0,1,2 or 0-4 (every seed from 0 to 4), got {text!r}"
        )
    return tuple(seeds)


def float_list(text: str) -> tuple[float, ...]:
    """``"15,-15"`` -> (15.0, -15.0)."""
    try:
        return tuple(float(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated numbers such as 15,-15, got {text!r}"
        ) from None


def name_list(text: str) -> tuple[str, ...]:
    """``"none, flip-a"`` -> ("none", "flip-a")."""
    return tuple(part.strip() for part in text.split(",") if part.strip())
