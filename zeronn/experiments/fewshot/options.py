"""The command-line options of ``zeronn fewshot`` and their conversion to a FewshotConfig.

Kept apart from the run itself so that ``zeronn --help`` does not import the experiment.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from .config import DATASETS, DEFAULT_SWEEP, SAMPLINGS, FewshotConfig


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The command's options; the defaults are the blog's setup (text design)."""
    add = parser.add_argument
    add("--seed", type=int, default=8, help="seed of the image draw and the weights (8)")
    add("--steps", type=int, default=4000, help="full-batch SGD steps per run (4000)")
    add("--lr", type=float, default=0.001, help="SGD learning rate (0.001)")
    add(
        "--angles",
        type=_float_list,
        default=(15.0, -15.0),
        help="rotation angles in degrees, counter-clockwise, comma-separated (15,-15); "
        "write --angles=-15,15 when the first is negative",
    )
    add(
        "--order",
        type=int,
        default=3,
        help="spline order of the rotation (3: scipy.ndimage.rotate's default, the blog's)",
    )
    add("--init", type=_init_spec, default=0.01, help="weight init: a std (0.01), he or xavier")
    add("--samples", type=int, default=10, help="original training images (10)")
    add("--sampling", choices=SAMPLINGS, default="random", help="how images are drawn (random)")
    add("--dataset", choices=DATASETS, default="mnist", help="mnist or fashion-mnist")
    add("--root", type=Path, default=None, help="folder holding the dataset files")
    add("--dtype", choices=("float64", "float32"), default="float64", help="float64 (default)")
    add("--out", type=Path, default=Path("runs/fewshot"), help="output folder (runs/fewshot)")
    add("--log-scale", action="store_true", help="log-scale loss axis in loss_curves.png")
    add(
        "--literal",
        action="store_true",
        help="replay the blog's code: draw from the 180,000-image rotated pool with "
        "RandomState(seed), weights from the same stream",
    )
    add("--repeats", type=int, default=1, help="draws of the training images (seeds seed+r)")
    add(
        "--sweep",
        type=_int_list,
        nargs="?",
        const=DEFAULT_SWEEP,
        default=None,
        help="training-set sizes × random/per-class × with/without rotation "
        f"(sizes default to {','.join(map(str, DEFAULT_SWEEP))})",
    )
    add("--init-study", action="store_true", help="0.01 normal vs He vs Xavier at the given lr")


def config_from_args(args: argparse.Namespace) -> FewshotConfig:
    """The validated config for parsed command-line arguments."""
    return FewshotConfig(
        seed=args.seed,
        steps=args.steps,
        lr=args.lr,
        angles=tuple(args.angles),
        order=args.order,
        init=args.init,
        samples=args.samples,
        sampling=args.sampling,
        dataset=args.dataset,
        root=args.root,
        dtype=args.dtype,
        out=args.out,
        log_scale=args.log_scale,
        literal=args.literal,
        repeats=args.repeats,
        sweep=None if args.sweep is None else tuple(args.sweep),
        init_study=args.init_study,
    )


def _float_list(text: str) -> tuple[float, ...]:
    try:
        return tuple(float(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated numbers such as 15,-15, got {text!r}"
        ) from None


def _int_list(text: str) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated whole numbers such as 10,30,100, got {text!r}"
        ) from None


def _init_spec(text: str) -> float | str:
    if text in ("he", "xavier"):
        return text
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a std such as 0.01, or he or xavier, got {text!r}"
        ) from None


def command_line(config: FewshotConfig) -> str:
    """The ``zeronn fewshot`` command that reproduces ``config`` (options left at their
    defaults are omitted; ``--out`` is always given).

    >>> command_line(FewshotConfig(lr=0.1, repeats=20))
    'zeronn fewshot --lr 0.1 --repeats 20 --out runs/fewshot'
    """
    defaults = FewshotConfig().as_dict()
    words = ["zeronn", "fewshot"]
    for name, value in config.as_dict().items():
        if name == "out" or value == defaults[name]:
            continue
        option = "--" + name.replace("_", "-")
        if isinstance(value, bool):
            words.append(option)
        elif isinstance(value, list):
            # "=" keeps a leading minus sign from reading as an option
            words.append(f"{option}={','.join(f'{item:g}' for item in value)}")
        else:
            words += [option, f"{value:g}" if isinstance(value, float) else str(value)]
    words += ["--out", str(config.out)]
    return " ".join(words)
