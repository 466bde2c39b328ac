"""``zeronn check``: grade a learner's layer file, with one verdict and exit code for all.

Argparse in, a :class:`CheckConfig` out, then :func:`zeronn.exercises.grade_file`. Exit code
0 when every array of every case is right; 1 when not (wrong, not done yet, or the file does
not run); 2 when there is nothing to grade (no such file, an exercise that cannot be told).
"""

from __future__ import annotations

import argparse
import json
import math
from dataclasses import dataclass
from pathlib import Path

from zeronn.commands import _options as options
from zeronn.commands._unused import Unused, check_unused
from zeronn.exercises.catalog import EXERCISES, Exercise, find_exercise

DESCRIPTION = """\
Grade a layer written from `zeronn exercise LAYER`: the file's own class runs in a separate
process and is compared with zeronn's own layer (forward values) and a numerical gradient
(backward), in float64, with non-square shapes, batches of several samples, non-trivial
weights, biases, gamma and beta, random upstream gradients and inputs kept off kinks. The
report says, per array, right or wrong, which entries are wrong and by how much, with a hint
from the pattern of the error (transposed, a missing sum over the batch, a constant factor,
the wrong sign, ...); it never prints the right values. Exit code 0 when every array is
right, 1 when not, 2 when there is nothing to grade."""


# the flags a check would ignore, and when (zeronn.commands._unused)
UNUSED = (
    Unused(
        ("quiet",),
        lambda c, g: c.as_json,
        "--json prints the whole report (its 'passed' is the verdict)",
        example=("{file}", "--json", "--quiet"),
    ),
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The flags of ``zeronn check``."""
    parser.add_argument("file", type=Path, metavar="FILE", help="the learner's .py file")
    parser.add_argument(
        "--exercise",
        default=None,
        metavar="NAME",
        help=f"which exercise the file is, one of: {', '.join(EXERCISES)} (default: the "
        "file's EXERCISE = \"...\" line, or its class's name)",
    )
    parser.add_argument(
        "--json", action="store_true", help="print the report as JSON (same verdict and exit code)"
    )
    options.add_seed(parser)
    parser.add_argument(
        "--timeout",
        type=options.positive_float,
        default=60.0,
        metavar="SECONDS",
        help="stop a file that runs longer (an endless loop) and fail it",
    )
    parser.add_argument("--quiet", action="store_true", help="print only the verdict line")


@dataclass(frozen=True)
class CheckConfig:
    """What ``zeronn check`` grades, and how it reports."""

    file: Path
    exercise: Exercise | None  # None: the file does not parse (the report says so)
    seed: int = 0
    timeout: float = 60.0
    as_json: bool = False
    quiet: bool = False

    @property
    def out(self) -> Path:
        """What an interrupted check names: the graded file, which it never writes."""
        return self.file


def config_from_args(args: argparse.Namespace) -> CheckConfig:
    """The config of a parsed command line: the file exists, the exercise is known."""
    from zeronn.exercises.grader import exercise_of

    file = args.file
    if not file.exists():
        raise FileNotFoundError(f"no file {file}")
    if not file.is_file():
        raise IsADirectoryError(f"{file} is not a file; give the .py file to check")
    exercise = None if args.exercise is None else find_exercise(args.exercise)
    if exercise is None:
        try:
            source = file.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise ValueError(f"{file} is not a text file (a .py file was expected)") from None
        try:
            exercise = exercise_of(file, source)
        except SyntaxError:
            exercise = None  # graded: the report says where it does not parse
    config = CheckConfig(file, exercise, args.seed, args.timeout, args.json, args.quiet)
    check_unused("check", UNUSED, config, args)
    return config


def run(config: CheckConfig) -> int:
    """Grade the file, print the report, return 0 (pass) or 1 (anything else)."""
    from zeronn.exercises.grader import grade_file

    report = grade_file(config.file, config.exercise, seed=config.seed, timeout=config.timeout)
    if config.as_json:
        print(json.dumps(_finite(report.as_json()), indent=2))
    elif config.quiet:
        print(report.summary())
    else:
        print(report.text())
    return 0 if report.passed else 1


def _finite(value: object) -> object:
    """JSON has no NaN or infinity: such a number (an error of inf) becomes null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_finite(item) for item in value]
    return value
