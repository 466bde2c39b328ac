"""``zeronn flip-balance``: flip augmentation and class balance, the cats-and-dogs lesson.

Argparse in, a :class:`~zeronn.experiments.flip_balance.config.FlipBalanceConfig` out, then
:func:`zeronn.experiments.flip_balance.run.run_flip_balance` (imported only when it runs).
"""

from __future__ import annotations

import argparse

from zeronn.commands import _options as options
from zeronn.commands._unused import Unused, check_unused, overwrite_without_out
from zeronn.data.catalog import FASHION_MNIST_CLASSES
from zeronn.data.image_decode import DEFAULT_IMAGE_SIZE
from zeronn.experiments.flip_balance.conditions import CONDITIONS
from zeronn.experiments.flip_balance.config import MODELS, FlipBalanceConfig

DESCRIPTION = """\
Train the same network on five versions of a two-class Fashion-MNIST training set (no flips,
flipped copies of class A only, of both classes, random flips on the fly, class A flipped and
class B oversampled to balance), with several seeds and the same number of steps each, and
report per-class recall and precision, the shift in predicted class shares, memory and time.
With --data DIR --classes A,B the two classes are folders of your own images, as the
original post's cats and dogs were."""


# the flags a run would ignore, and when (zeronn.commands._unused)
UNUSED = (
    Unused(
        ("jobs", "scheduler"),
        lambda c, g: len(c.seeds) * len(c.conditions) == 1,
        "one seed of one condition is one run, with no other to share out",
        refuse=False,
        example=("--seeds", "0", "--conditions", "none", "--jobs", "2"),
    ),
    Unused(
        ("image_size", "color"),
        lambda c, g: c.data is None,
        "they say how --data images are decoded; Fashion-MNIST's are 1×28×28",
        example=("--image-size", "32"),
        by_config=True,
    ),
    Unused(
        ("no_download", "no_verify"),
        lambda c, g: c.data is not None,
        "--data reads your folder, not the Fashion-MNIST files",
        refuse=False,
        example=("--data", "{folder}", "--classes", "disk,plus", "--no-download"),
    ),
    overwrite_without_out("flip-balance"),
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The command-line options; the defaults are the documented full run."""
    defaults = FlipBalanceConfig()
    names = ", ".join(f"{k}={name}" for k, name in enumerate(FASHION_MNIST_CLASSES))
    add = parser.add_argument
    add(
        "--classes",
        type=options.name_list,
        default=None,
        metavar="A,B",
        help=f"the two classes; A gets the one-class flips. Fashion-MNIST indices ({names}; "
        "default: 0,6), or with --data two class folder names (default: its two folders)",
    )
    options.add_image_folder(
        parser,
        "a folder of class folders (or of train/ and test/ holding them) instead of "
        "Fashion-MNIST; loaded whole into memory, as the stored copies of the lesson are. "
        "Without test/, 20%% of each class is held out as the test set",
        DEFAULT_IMAGE_SIZE,
    )
    add(
        "--model",
        choices=MODELS,
        default=defaults.model,
        help="deep-convnet is about 6 times slower per step",
    )
    add(
        "--epochs",
        type=options.positive_int,
        default=defaults.epochs,
        help="epochs of the original set; every condition gets as many optimizer steps",
    )
    add(
        "--batch-size",
        type=options.positive_int,
        default=defaults.batch_size,
        help="images per step",
    )
    add("--lr", type=options.positive_float, default=defaults.lr, help="Adam learning rate")
    options.add_seeds(parser, defaults.seeds)
    add(
        "--train-per-class",
        type=options.positive_int,
        default=None,
        metavar="N",
        help="original training images per class (default: all, 6000 in Fashion-MNIST)",
    )
    add(
        "--conditions",
        type=options.name_list,
        default=defaults.conditions,
        help="comma-separated subset of " + ", ".join(CONDITIONS),
    )
    options.add_data(parser)
    options.add_threads(parser)
    options.add_out(parser, "flip-balance")
    options.add_dtype(parser, default=defaults.dtype)
    options.add_quiet(parser)
    options.add_no_figures(parser, "the .png figures")
    options.add_parallel(parser)


def config_from_args(args: argparse.Namespace) -> FlipBalanceConfig:
    """The validated config of a parsed command line, its paths checked (``check_paths``)."""
    classes = args.classes
    if classes is not None and args.data is None:  # Fashion-MNIST indices
        classes = tuple(int(c) if c.isdigit() else c for c in classes)
    config = FlipBalanceConfig(
        classes=classes,
        data=args.data,
        image_size=args.image_size,
        color=args.color,
        model=args.model,
        epochs=args.epochs,
        batch_size=args.batch_size,
        lr=args.lr,
        seeds=args.seeds,
        train_per_class=args.train_per_class,
        conditions=args.conditions,
        root=args.root,
        download=not args.no_download,
        verify=not args.no_verify,
        out=options.resolve_out(args, "flip-balance"),
        overwrite=args.overwrite,
        threads=args.threads,
        dtype=args.dtype,
        figures=not args.no_figures,
        verbose=not args.quiet,
        jobs=args.jobs,
        scheduler=args.scheduler,
    ).check_paths()
    check_unused("flip-balance", UNUSED, config, args)
    return config


def run(config: FlipBalanceConfig) -> int:
    """Run the command (its heavy imports happen here, not at ``--help``)."""
    from zeronn.experiments.flip_balance.run import run_flip_balance
    from zeronn.threads import blas_threads

    with blas_threads(config.threads), options.run_quietly():
        run_flip_balance(config)
    return 0
