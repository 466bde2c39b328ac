"""The flags of ``zeronn train`` that a run would ignore, and when (:mod:`._unused`).

The placeholders of the examples (``{model}``, ``{folder}``, ``{run}``, ``{root}``) are
filled by the tests with a model file, an image folder, a finished run and a folder.
"""

from __future__ import annotations

from zeronn.commands._unused import Unused, overwrite_without_out
from zeronn.experiments.train.resume import RUN_OPTIONS

# what only training uses: an evaluation or a profile of one step would ignore it
TRAINING = ("epochs", "optimizer", "lr", "schedule", "augment", "early_stopping")
TRAINING += ("clip_grad_norm", "weight_decay")
# what --profile does not use: it times one step of the run's model, optimizer and batch;
# where a run would write and what it would print, it does not mind (warned)
PROFILE_IGNORES = ("epochs", "schedule", "augment", "val_split", "early_stopping")
PROFILE_IGNORES += ("clip_grad_norm", "evaluate_only", "test_subset", "resume")
PROFILE_DOES_NOT_WRITE = ("out", "overwrite", "no_figures", "quiet")
CONVNETS = ("simple-convnet", "deep-convnet")
EVALUATE = ("--load", "{model}", "--evaluate-only")

UNUSED = (
    Unused(
        ("hidden",),
        lambda c, g: c.model in CONVNETS,
        "simple-convnet and deep-convnet have no hidden widths to set",
        example=("--model", "simple-convnet", "--hidden", "10"),
        by_config=True,
    ),
    Unused(
        ("batchnorm",),
        lambda c, g: c.model != "mlp",
        "only the mlp gets BatchNorm layers",
        example=("--model", "lstm", "--batchnorm"),
        by_config=True,
    ),
    Unused(
        ("dropout",),
        lambda c, g: c.model not in ("mlp", "deep-convnet"),
        "only the mlp and the deep-convnet have Dropout layers",
        example=("--model", "simple-convnet", "--dropout", "0.2"),
        by_config=True,
    ),
    Unused(
        ("image_size", "color"),
        lambda c, g: c.data is None,
        "they say how --data images are decoded; the MNIST-family images are 1×28×28",
        example=("--image-size", "32"),
        by_config=True,
    ),
    Unused(
        ("root", "dataset", "train_subset", "test_subset"),
        lambda c, g: c.data is not None,
        "--data DIR is the dataset, used whole",
        example=("--data", "{folder}", "--train-subset", "5"),
        by_config=True,
    ),
    Unused(
        ("early_stopping",),
        lambda c, g: c.val_split == 0 and not c.evaluate_only,
        "with --val-split 0 there is no validation loss to watch",
        "hold some images out (--val-split 0.1), or drop --early-stopping",
        example=("--early-stopping", "2", "--val-split", "0"),
    ),
    Unused(
        ("early_stopping",),
        lambda c, g: c.early_stopping >= c.epochs and c.val_split > 0,
        "it stops a run after PATIENCE epochs without a better validation loss, and --epochs "
        "ends it first",
        refuse=False,
        example=("--early-stopping", "5", "--epochs", "3"),
    ),
    Unused(
        ("schedule",),
        lambda c, g: c.schedule != "none" and c.epochs == 1 and c.resume is None,
        "a schedule of one epoch keeps the lr it starts from",
        refuse=False,
        example=("--schedule", "cosine", "--epochs", "1"),
    ),
    Unused(
        TRAINING,
        lambda c, g: c.evaluate_only,
        "--evaluate-only trains nothing",
        "drop it, or drop --evaluate-only to train from the --load weights",
        example=(*EVALUATE, "--epochs", "3"),
    ),
    Unused(
        ("val_split",),
        lambda c, g: c.evaluate_only and c.data is None,
        "--evaluate-only trains nothing, so it holds no images out",
        example=(*EVALUATE, "--val-split", "0.2"),
    ),
    Unused(
        ("train_subset",),
        lambda c, g: c.evaluate_only and c.test_subset is None,
        "--evaluate-only trains nothing",
        example=(*EVALUATE, "--train-subset", "50"),
    ),
    Unused(
        ("train_subset",),
        lambda c, g: c.evaluate_only and c.test_subset is not None,
        "--evaluate-only trains nothing; it only changes which images --test-subset draws",
        refuse=False,
        example=(*EVALUATE, "--train-subset", "50", "--test-subset", "20"),
    ),
    Unused(
        ("seed",),
        lambda c, g: c.evaluate_only and c.data is None and c.test_subset is None,
        "an evaluation of the whole test set draws nothing at random",
        refuse=False,
        example=(*EVALUATE, "--seed", "3"),
    ),
    Unused(
        PROFILE_IGNORES,
        lambda c, g: c.profile,
        "--profile times one training step and stops: nothing is trained, printed as "
        "progress or written",
        "drop it, or drop --profile",
        example=("--profile", "--epochs", "3"),
    ),
    Unused(
        PROFILE_DOES_NOT_WRITE,
        lambda c, g: c.profile,
        "--profile prints its table and writes nothing",
        refuse=False,
        example=("--profile", "--no-figures"),
    ),
    Unused(
        ("no_download", "no_verify"),
        lambda c, g: c.data is not None,
        "--data reads your folder, not the MNIST-family files",
        refuse=False,
        example=("--data", "{folder}", "--no-verify"),
    ),
    Unused(
        (*RUN_OPTIONS, "load"),
        lambda c, g: c.resume is not None,
        "--resume goes on with the run as it ran",
        "give only --epochs (the new total) and where to read and write",
        example=("--resume", "{run}", "--epochs", "3", "--lr", "0.1"),
        by_config=True,
    ),
    overwrite_without_out("train"),
)
