"""``zeronn fewshot``: does rotating ten MNIST digits help a network trained on them?

Argparse in, a :class:`~zeronn.experiments.fewshot.config.FewshotConfig` out, then
:func:`zeronn.experiments.fewshot.run.run_fewshot` (imported only when the command runs).
"""

from __future__ import annotations

import argparse

from zeronn.commands import _options as options
from zeronn.commands._unused import Unused, check_unused, overwrite_without_out
from zeronn.experiments.fewshot.config import DATASETS, DEFAULT_SWEEP, SAMPLINGS, FewshotConfig

DESCRIPTION = """\
Few-sample MNIST: a 784-200-200-10 ReLU network trained with full-batch SGD on 10 training
images, with and without their +15/-15 degree rotated copies, scored on all 10,000 test images.
The defaults are the blog's setup (weights 0.01 * N(0, 1), lr 0.001, 4000 steps, float64 as its
NumPy code); --literal replays the blog's code instead of its text; --repeats, --sweep and
--init-study go beyond it."""


# the flags a run would ignore, and when (zeronn.commands._unused)
UNUSED = (
    Unused(
        ("log_scale",),
        lambda c, g: not c.figures,
        "--no-figures draws no loss_curves.png",
        example=("--log-scale", "--no-figures"),
    ),
    Unused(
        ("jobs", "scheduler"),
        lambda c, g: c.repeats == 1 and c.sweep is None and not c.init_study,
        "one run has no independent runs to share out (--repeats, --seeds, --sweep and "
        "--init-study have)",
        refuse=False,
        example=("--jobs", "2"),
    ),
    Unused(
        ("repeats", "seeds", "sweep", "init_study", "sampling"),
        lambda c, g: c.literal,
        "--literal replays the blog's single run",
        example=("--literal", "--repeats", "2"),
        by_config=True,
    ),
    overwrite_without_out("fewshot"),
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The command's options; the defaults are the blog's setup (text design)."""
    defaults = FewshotConfig()
    add = parser.add_argument
    options.add_seed(parser, default=defaults.seed)
    add("--steps", type=options.positive_int, default=defaults.steps, help="full-batch SGD steps")
    add("--lr", type=options.positive_float, default=defaults.lr, help="SGD learning rate")
    add(
        "--angles",
        type=options.float_list,
        default=defaults.angles,
        help="rotation angles in degrees, counter-clockwise, comma-separated; write "
        "--angles=-15,15 when the first is negative",
    )
    add(
        "--order",
        type=options.non_negative_int,
        default=defaults.order,
        help="spline order of the rotation (3 is scipy.ndimage.rotate's default, the blog's)",
    )
    add("--init", type=_init_spec, default=defaults.init, help="weight init: a std, he or xavier")
    add(
        "--samples",
        type=options.positive_int,
        default=defaults.samples,
        help="original training images",
    )
    add("--sampling", choices=SAMPLINGS, default=defaults.sampling, help="how the images are drawn")
    add("--dataset", choices=DATASETS, default=defaults.dataset, help="the dataset")
    options.add_data(parser)
    options.add_dtype(parser, default=defaults.dtype, why=" (float64: the blog's NumPy code)")
    options.add_threads(parser)
    options.add_out(parser, "fewshot")
    add("--log-scale", action="store_true", help="log-scale loss axis in loss_curves.png")
    options.add_quiet(parser)
    options.add_no_figures(parser, "the .png figures")
    add(
        "--literal",
        action="store_true",
        help="replay the blog's code: draw from the 180,000-image rotated pool with "
        "RandomState(seed), weights from the same stream",
    )
    add(
        "--repeats",
        type=options.positive_int,
        default=defaults.repeats,
        help="draws of the training images, with seeds --seed, --seed + 1, ... (the same as "
        "--seeds S-T)",
    )
    options.add_seeds(parser, None, single=False)
    add(
        "--sweep",
        type=options.int_list,
        nargs="?",
        const=DEFAULT_SWEEP,
        default=None,
        metavar="SIZES",
        help="training-set sizes x random/per-class x with/without rotation "
        f"(sizes {','.join(map(str, DEFAULT_SWEEP))} when none are given)",
    )
    add("--init-study", action="store_true", help="0.01 normal vs He vs Xavier at the given lr")
    options.add_parallel(parser)


def config_from_args(args: argparse.Namespace) -> FewshotConfig:
    """The validated config of a parsed command line, its paths checked (``check_paths``)."""
    given = options.given_flags(args)
    if "seeds" in given and given & {"seed", "repeats"}:
        raise ValueError(
            "--seeds names every draw's seed: give it alone, or --seed S --repeats N "
            "(the draws S, S+1, ..., as --seeds S-T)"
        )
    config = FewshotConfig(
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
        download=not args.no_download,
        verify=not args.no_verify,
        dtype=args.dtype,
        out=options.resolve_out(args, "fewshot"),
        overwrite=args.overwrite,
        threads=args.threads,
        log_scale=args.log_scale,
        literal=args.literal,
        repeats=args.repeats,
        seeds=args.seeds,
        sweep=None if args.sweep is None else tuple(args.sweep),
        init_study=args.init_study,
        jobs=args.jobs,
        scheduler=args.scheduler,
        verbose=not args.quiet,
        figures=not args.no_figures,
    ).check_paths()
    check_unused("fewshot", UNUSED, config, args)
    return config


def run(config: FewshotConfig) -> int:
    """Run the command (its heavy imports happen here, not at ``--help``)."""
    from zeronn.experiments.fewshot.run import run_fewshot
    from zeronn.threads import blas_threads

    with blas_threads(config.threads), options.run_quietly():
        run_fewshot(config)
    return 0


def _init_spec(text: str) -> float | str:
    if text in ("he", "xavier"):
        return text
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a std such as 0.01, or he or xavier, got {text!r}"
        ) from None
