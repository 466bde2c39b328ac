"""``zeronn train``: train and evaluate a model on MNIST, Fashion-MNIST or a folder of images.

Argparse in, a :class:`~zeronn.experiments.train.config.TrainConfig` out, then
:func:`zeronn.experiments.train.run.train_and_evaluate` (imported only when the command runs).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from zeronn.commands import _options as options
from zeronn.commands._train_unused import UNUSED
from zeronn.commands._unused import check_unused
from zeronn.data.image_decode import DEFAULT_IMAGE_SIZE
from zeronn.experiments.train import resume
from zeronn.experiments.train.config import (
    DATASETS,
    MODELS,
    OPTIMIZER_LR,
    SCHEDULES,
    TrainConfig,
)

DESCRIPTION = """\
Train a network on MNIST, Fashion-MNIST or your own images (--data DIR: one folder per
class, or train/ and test/ each holding them), keep the weights of the best validation epoch,
evaluate them on the test set, and write model.npz, history.json, metrics.json, curves.png,
confusion_matrix.png and misclassified.png into --out, with checkpoint.npz: the state after
the last epoch (weights, optimizer, schedule, random generators), from which
--resume DIR --epochs N goes on to N epochs in all, as one run of N epochs would."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The flags of ``zeronn train``."""
    add = parser.add_argument
    add(
        "--model",
        choices=MODELS,
        default=None,
        help="the network (default: mlp, or the one the --load file holds)",
    )
    add(
        "--hidden",
        type=options.int_list,
        default=None,
        metavar="W,W,...",
        help="hidden widths of the mlp (default: 100,100), or the width of each recurrent "
        "layer of lstm, gru and rnn, which read an image row by row (default: 128); with "
        "--load, the file's widths by default",
    )
    add("--dataset", choices=DATASETS, default=None, help="the dataset (default: mnist)")
    options.add_image_folder(
        parser,
        "train on this folder of class folders instead of --dataset (streamed: only the "
        "batch at hand is decoded); with train/ and test/ inside, test/ is the test set, "
        "else the test report is on the validation share",
        DEFAULT_IMAGE_SIZE,
    )
    add("--epochs", type=options.positive_int, default=5, help="passes over the training set")
    add("--batch-size", type=options.positive_int, default=100, help="images per step")
    add("--optimizer", choices=tuple(OPTIMIZER_LR), default="adam", help="the optimizer")
    defaults = ", ".join(f"{name} {lr:g}" for name, lr in OPTIMIZER_LR.items())
    add("--lr", type=options.positive_float, default=None, help=f"learning rate ({defaults})")
    add(
        "--schedule",
        choices=SCHEDULES,
        default="none",
        help="learning-rate schedule: step halves it every epochs/3 epochs, cosine anneals it "
        "to 0 over the run",
    )
    add(
        "--augment",
        default=None,
        metavar="SPEC",
        help='on-the-fly augmentation, e.g. "rotation=10deg,shift=0.1,zoom=10%%,hflip": '
        "rotation and shear in degrees (10deg), shift as a share of the side (0.1 or 10%%) or "
        "in pixels (3px), zoom as a share (0.1 or 10%%), hflip and vflip flip half the images",
    )
    add(
        "--train-subset",
        type=options.positive_int,
        default=None,
        metavar="N",
        help="train on N random training images in all (default: every image)",
    )
    add(
        "--test-subset",
        type=options.positive_int,
        default=None,
        metavar="N",
        help="evaluate on N random test images (default: every image)",
    )
    add(
        "--val-split",
        type=options.fraction,
        default=0.1,
        help="share of the training images held out to choose the best epoch; 0 trains on all",
    )
    add(
        "--early-stopping",
        type=options.positive_int,
        default=None,
        metavar="PATIENCE",
        help="stop after PATIENCE epochs without a better validation loss",
    )
    add(
        "--clip-grad-norm",
        type=options.positive_float,
        default=None,
        metavar="MAX",
        help="scale each step's gradients down to this global norm when larger (default: off)",
    )
    add(
        "--weight-decay",
        type=options.non_negative_float,
        default=0.0,
        metavar="LAMBDA",
        help="L2 penalty (λ/2)·‖w‖² on every parameter: the optimizer steps on g + λ·w "
        "(the book's §6.4.1 uses 0.1)",
    )
    add(
        "--dropout",
        type=options.fraction,
        default=None,
        metavar="P",
        help="share of units dropped while training by a Dropout layer after each hidden layer "
        "of the mlp, or the deep-convnet's two (default: none for the mlp, 0.5 for the "
        "deep-convnet, or the --load file's)",
    )
    add(
        "--batchnorm",
        action="store_true",
        default=None,
        help="BatchNorm after each hidden Affine of the mlp (the book's §6.3; default: off, or "
        "as the --load file's network has it)",
    )
    options.add_seed(parser)
    options.add_dtype(parser)
    options.add_data(parser)
    add(
        "--load",
        default=None,
        metavar="MODEL.npz",
        help="start from these saved weights; --model and --hidden are read from the file "
        "when not given, and checked against it when given (before any data is read)",
    )
    add("--evaluate-only", action="store_true", help="skip training: evaluate the --load weights")
    add(
        "--resume",
        type=Path,
        default=None,
        metavar="DIR",
        help="go on with the run whose outputs are in DIR (its checkpoint.npz), up to --epochs "
        "in all (default: the total it planned), with its own options; the outputs go to a "
        "new --out",
    )
    options.add_quiet(parser)
    options.add_no_figures(parser, "curves.png, confusion_matrix.png and misclassified.png")
    add(
        "--profile",
        action="store_true",
        help="time one training step layer by layer (forward, backward, FLOPs, share of the "
        "BLAS peak) on a batch of the training images, print the table, and stop: nothing is "
        "trained or written",
    )
    options.add_threads(parser)
    options.add_out(parser, "train")


def config_from_args(args: argparse.Namespace) -> TrainConfig:
    """The validated config of a parsed command line, its paths checked (``check_paths``)."""
    config = _resumed_config(args) if args.resume is not None else _config(args)
    check_unused("train", UNUSED, config, args)  # a flag the run would ignore
    return config


def _config(args: argparse.Namespace) -> TrainConfig:
    return TrainConfig(
        out=options.resolve_out(args, "train"),
        overwrite=args.overwrite,
        threads=args.threads,
        model=args.model,
        hidden=args.hidden,
        dataset=args.dataset,
        data=args.data,
        image_size=args.image_size,
        color=args.color,
        epochs=args.epochs,
        batch_size=args.batch_size,
        optimizer=args.optimizer,
        lr=args.lr,
        schedule=args.schedule,
        augment=args.augment,
        train_subset=args.train_subset,
        test_subset=args.test_subset,
        val_split=args.val_split,
        early_stopping=args.early_stopping,
        clip_grad_norm=args.clip_grad_norm,
        weight_decay=args.weight_decay,
        batchnorm=args.batchnorm,
        dropout=args.dropout,
        seed=args.seed,
        dtype=args.dtype,
        root=args.root,
        download=not args.no_download,
        verify=not args.no_verify,
        load=args.load,
        evaluate_only=args.evaluate_only,
        verbose=not args.quiet,
        profile=args.profile,
        figures=not args.no_figures,
    ).check_paths()


def _resumed_config(args: argparse.Namespace) -> TrainConfig:
    """``--resume DIR``: the run's own options, with the place flags given
    (:data:`zeronn.experiments.train.resume.PLACE_FLAGS`); any other flag is refused."""
    changing = sorted(options.given_flags(args) - set(resume.PLACE_FLAGS))
    if changing:
        flags = ", ".join("--" + name.replace("_", "-") for name in changing)
        raise ValueError(
            f"--resume goes on with the run in {args.resume} as it ran, so {flags} cannot "
            "change it; give only --epochs (the new total) and where to read and write"
        )
    saved = resume.saved_run(resume.checkpoint_path(args.resume))[0]
    config = TrainConfig(
        **resume.resumed_options(
            args.resume,
            epochs=args.epochs if "epochs" in options.given_flags(args) else None,
            out=options.resolve_out(args, "train"),
            overwrite=args.overwrite,
            threads=args.threads,
            verbose=not args.quiet,
            figures=not args.no_figures,
            root=args.root,
            data=args.data,
            download=saved["download"] and not args.no_download,
            verify=saved["verify"] and not args.no_verify,
        )
    ).check_paths()
    if config.schedule != "none" and config.epochs != saved["epochs"]:
        options.print_warning(
            "train",
            f"--schedule {config.schedule} planned its learning rates over the run's "
            f"{saved['epochs']} epochs; going on to {config.epochs} plans them anew over "
            f"{config.epochs}, so the result is not that of one run of {config.epochs} epochs",
        )
    return config


def run(config: TrainConfig) -> int:
    """Run the command (its heavy imports happen here, not at ``--help``)."""
    from zeronn.experiments.train.run import train_and_evaluate
    from zeronn.threads import blas_threads

    with blas_threads(config.threads), options.run_quietly():
        if config.profile:
            from zeronn.experiments.train.profile import profile_training

            profile_training(config)
        else:
            train_and_evaluate(config)
    return 0
