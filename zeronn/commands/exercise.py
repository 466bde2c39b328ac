"""``zeronn exercise``: write the stub of one of zeronn's layers for a learner to fill in.

Argparse in, an :class:`ExerciseConfig` out, then :func:`zeronn.exercises.write_stub`. Without
a layer it lists the exercises. The stub never replaces an existing file.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

from zeronn.commands._unused import Unused, check_unused
from zeronn.exercises.catalog import EXERCISES, Exercise, find_exercise

DESCRIPTION = """\
Write the stub of one of zeronn's layers into a new file: the class with its constructor
written and forward/backward to fill in, the formulas and shapes in its docstring. Then
`zeronn check FILE` grades it against zeronn's own layer and a numerical gradient (exit code
0 when every array is right). Without LAYER, list the exercises. An existing file is never
overwritten."""


# the flags the command would ignore, and when (zeronn.commands._unused)
UNUSED = (
    Unused(
        ("out",),
        lambda c, g: c.exercise is None,
        "without LAYER the exercises are listed and nothing is written",
        "give the layer, e.g. zeronn exercise affine --out FILE",
        example=("--out", "mine.py"),
    ),
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The flags of ``zeronn exercise``."""
    parser.add_argument(
        "layer",
        nargs="?",
        default=None,
        metavar="LAYER",
        help=f"the exercise, one of: {', '.join(EXERCISES)} (default: list them)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar="FILE",
        help="the new file, a .py (default: my_<layer>.py in the current folder, or in --out "
        "when it is a folder)",
    )
    parser.add_argument("--quiet", action="store_true", help="print nothing but errors")


@dataclass(frozen=True)
class ExerciseConfig:
    """What ``zeronn exercise`` does: list the exercises (``exercise`` None) or write one."""

    exercise: Exercise | None
    out: Path  # the stub's file (for a list: the current folder, which it leaves alone)
    quiet: bool = False


def config_from_args(args: argparse.Namespace) -> ExerciseConfig:
    """The config of a parsed command line; an unknown layer or an existing file is refused."""
    if args.layer is None:
        config = ExerciseConfig(None, Path("."), args.quiet)
        check_unused("exercise", UNUSED, config, args)
        return config
    exercise = find_exercise(args.layer)
    out = Path(exercise.default_file) if args.out is None else args.out
    if out.is_dir():
        out = out / exercise.default_file
    if out.suffix != ".py":
        raise ValueError(f"--out expected a file name ending in .py, got {str(out)!r}")
    if out.exists() or out.is_symlink():
        raise FileExistsError(f"{out} exists already (your work?); choose another --out")
    if not out.parent.is_dir():
        raise FileNotFoundError(f"--out names a file in {out.parent}, which is not a folder")
    return ExerciseConfig(exercise, out, args.quiet)


def run(config: ExerciseConfig) -> int:
    """List the exercises, or write the stub and say what to do next."""
    from zeronn.exercises.stub import write_stub

    if config.exercise is None:
        if not config.quiet:
            width = max(len(name) for name in EXERCISES)
            print("zeronn exercise LAYER writes one of these layers for you to fill in:")
            for name, exercise in EXERCISES.items():
                print(f"  {name:<{width}}  {exercise.title}")
            print("then: zeronn check my_LAYER.py")
        return 0
    path = write_stub(config.exercise, config.out)
    if not config.quiet:
        name = config.exercise.interface.class_name
        print(f"wrote {path}: fill in {name}.forward and {name}.backward, then run")
        print(f"  zeronn check {path}")
    return 0
