"""``zeronn train``: train a model on MNIST or Fashion-MNIST, evaluate it, save everything.

Into ``--out DIR`` it writes::

    model.npz             the weights (with a validation split: those of the best epoch)
    history.json          per-epoch and per-step metrics (zeronn.train.History)
    metrics.json          test loss and accuracy, per-class scores, confusion matrix, config
    curves.png            loss and accuracy per epoch
    confusion_matrix.png  misclassified.png

and prints the classification report. ``--load model.npz --evaluate-only`` skips training
and evaluates saved weights (the model flags must describe the same architecture).
"""

from __future__ import annotations

import argparse
import platform
import time
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

import zeronn
from zeronn import data, models, optim, plots, serialize
from zeronn._io import atomic_write_json
from zeronn.augment import ImageDataGenerator
from zeronn.callbacks import CosineLR, EarlyStopping, ModelCheckpoint, StepLR
from zeronn.metrics import (
    classification_report,
    confusion_matrix,
    precision_recall_f1,
    prediction_histogram,
)
from zeronn.train import Trainer

IMAGE_SHAPE = (1, 28, 28)
OPTIMIZERS = {
    "sgd": (optim.SGD, 0.1),
    "momentum": (optim.Momentum, 0.05),
    "nesterov": (optim.Nesterov, 0.05),
    "adagrad": (optim.AdaGrad, 0.01),
    "rmsprop": (optim.RMSprop, 0.001),
    "adam": (optim.Adam, 0.001),
}
# --augment key -> ImageDataGenerator keyword(s); a bare flag name means True.
AUGMENT_KEYS = {
    "rotation": ("rotation_range",),
    "shift": ("width_shift_range", "height_shift_range"),
    "width-shift": ("width_shift_range",),
    "height-shift": ("height_shift_range",),
    "zoom": ("zoom_range",),
    "shear": ("shear_range",),
    "hflip": ("horizontal_flip",),
    "vflip": ("vertical_flip",),
}


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return value


def _fraction(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value < 1:
        raise argparse.ArgumentTypeError(f"expected a fraction in [0, 1), got {text!r}")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not (value > 0 and np.isfinite(value)):
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}")
    return value


def parse_augment(spec: str) -> dict[str, Any]:
    """``"rotation=10,shift=0.1,zoom=0.1,hflip"`` -> ImageDataGenerator keyword arguments.

    >>> parse_augment("rotation=10,hflip")
    {'rotation_range': 10.0, 'horizontal_flip': True}
    """
    settings: dict[str, Any] = {}
    for item in filter(None, (part.strip() for part in spec.split(","))):
        key, has_value, text = item.partition("=")
        if key not in AUGMENT_KEYS:
            raise ValueError(
                f"--augment got an unknown setting {key!r} in {spec!r}; "
                f"known: {', '.join(AUGMENT_KEYS)}"
            )
        flag = key.endswith("flip")
        if flag == bool(has_value):
            form = f"{key}" if flag else f"{key}=NUMBER"
            raise ValueError(f"--augment expected {form!r} in {spec!r}, got {item!r}")
        if not flag:
            try:
                value: Any = float(text)
            except ValueError:
                raise ValueError(f"--augment expected a number for {key!r}, got {text!r}") from None
        else:
            value = True
        for name in AUGMENT_KEYS[key]:
            settings[name] = value
    if not settings:
        raise ValueError(f"--augment got no settings in {spec!r}, e.g. 'rotation=10,hflip'")
    return settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The flags of ``zeronn train``."""
    parser.add_argument("--model", choices=("mlp", "simple-convnet", "deep-convnet"), default="mlp")
    parser.add_argument(
        "--hidden",
        default="100,100",
        help="hidden layer widths of the mlp, comma-separated (default 100,100)",
    )
    parser.add_argument("--dataset", choices=tuple(data.DATASETS), default="mnist")
    parser.add_argument("--epochs", type=_positive_int, default=5)
    parser.add_argument("--batch-size", type=_positive_int, default=100)
    parser.add_argument("--optimizer", choices=tuple(OPTIMIZERS), default="adam")
    parser.add_argument(
        "--lr",
        type=_positive_float,
        default=None,
        help="learning rate (default: sgd 0.1, momentum/nesterov 0.05, "
        "adagrad 0.01, rmsprop/adam 0.001)",
    )
    parser.add_argument(
        "--schedule",
        choices=("none", "step", "cosine"),
        default="none",
        help="learning-rate schedule: step halves it every epochs/3 epochs, "
        "cosine anneals it to 0 over the run",
    )
    parser.add_argument(
        "--augment",
        default=None,
        metavar="SPEC",
        help='on-the-fly augmentation, e.g. "rotation=10,shift=0.1,zoom=0.1,hflip"',
    )
    parser.add_argument(
        "--train-subset",
        type=_positive_int,
        default=None,
        metavar="N",
        help="train on N random training images (default: all)",
    )
    parser.add_argument(
        "--test-subset",
        type=_positive_int,
        default=None,
        metavar="N",
        help="evaluate on N random test images (default: all)",
    )
    parser.add_argument(
        "--val-split",
        type=_fraction,
        default=0.1,
        help="share of the training images held out for validation and for "
        "choosing the best epoch; 0 trains on all (default 0.1)",
    )
    parser.add_argument(
        "--early-stopping",
        type=_positive_int,
        default=None,
        metavar="PATIENCE",
        help="stop after PATIENCE epochs without a better validation loss",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--dtype", choices=("float32", "float64"), default="float32")
    parser.add_argument("--root", default=None, help="folder holding the dataset files")
    parser.add_argument(
        "--no-download",
        action="store_true",
        help="fail instead of downloading missing dataset files",
    )
    parser.add_argument(
        "--load",
        default=None,
        metavar="MODEL.npz",
        help="start from these weights (saved by an earlier run)",
    )
    parser.add_argument(
        "--evaluate-only",
        action="store_true",
        help="skip training: evaluate the --load weights on the test set",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    parser.add_argument("--out", required=True, metavar="DIR", help="folder for all outputs")


def run(args: argparse.Namespace) -> int:
    """Train (unless --evaluate-only), evaluate on the test set, write the outputs."""
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise NotADirectoryError(f"--out must be a folder, but {out} is a file")
    if args.evaluate_only and args.load is None:
        raise ValueError("--evaluate-only needs --load MODEL.npz: there is nothing to evaluate")
    hidden = _hidden_sizes(args.hidden)
    augment = parse_augment(args.augment) if args.augment else None
    rng = np.random.default_rng(args.seed)
    flat = args.model == "mlp"
    (x_train, t_train), (x_test, t_test) = _load(args, flat, rng)
    class_names = data.DATASETS[args.dataset].classes

    model = _build_model(args, hidden, rng)
    if args.load is not None:
        serialize.load(model, args.load)
    optimizer_class, default_lr = OPTIMIZERS[args.optimizer]
    optimizer = optimizer_class(model.parameters(), lr=args.lr or default_lr)

    out.mkdir(parents=True, exist_ok=True)
    model_path = out / "model.npz"
    generator = None
    if augment is not None:
        generator = ImageDataGenerator(**augment, image_shape=IMAGE_SHAPE[1:] if flat else None)
    validation, callbacks = None, []
    if not args.evaluate_only:
        (x_train, t_train), validation = _split(x_train, t_train, args.val_split, rng)
        callbacks = _callbacks(args, model_path, validation is not None)
    trainer = Trainer(
        model,
        optimizer,
        batch_size=args.batch_size,
        rng=rng,
        augment=generator,
        callbacks=callbacks,
        verbose=0 if args.quiet else 1,
    )

    best_epoch = None
    train_seconds = 0.0
    if not args.evaluate_only:
        start = time.perf_counter()
        history = trainer.fit(x_train, t_train, args.epochs, validation=validation)
        train_seconds = time.perf_counter() - start
        if validation is not None:
            # The checkpoint holds the best validation epoch: evaluate that model.
            serialize.load(model, model_path)
            best_epoch = callbacks[0].best_epoch
        else:
            serialize.save(model, model_path)
        history.save(out / "history.json")
        plots.plot_history(history, path=out / "curves.png")

    test_loss, test_accuracy = trainer.evaluate(x_test, t_test)
    probabilities = _softmax(trainer.predict(x_test))
    predicted = probabilities.argmax(axis=1)
    cm = confusion_matrix(t_test, predicted, len(class_names))
    report = classification_report(t_test, predicted, class_names)
    scores = precision_recall_f1(cm)
    metrics = {
        "dataset": args.dataset,
        "model": args.model,
        "test": {"loss": test_loss, "accuracy": test_accuracy, "samples": len(x_test)},
        "best_epoch": best_epoch,
        "train_seconds": train_seconds,
        "per_class": {
            name: {
                "precision": float(scores.precision[k]),
                "recall": float(scores.recall[k]),
                "f1": float(scores.f1[k]),
                "support": int(scores.support[k]),
            }
            for k, name in enumerate(class_names)
        },
        "confusion_matrix": cm.tolist(),
        "prediction_histogram": prediction_histogram(predicted, len(class_names)).tolist(),
        "config": {key: value for key, value in vars(args).items() if not key.startswith("_")},
        "versions": {
            "zeronn": zeronn.__version__,
            "numpy": np.__version__,
            "python": platform.python_version(),
        },
    }
    atomic_write_json(out / "metrics.json", metrics)
    plots.plot_confusion_matrix(cm, class_names, path=out / "confusion_matrix.png")
    plots.plot_misclassified(
        x_test,
        probabilities,
        t_test,
        class_names=class_names,
        image_shape=IMAGE_SHAPE[1:],
        path=out / "misclassified.png",
    )

    print(report)
    print(
        f"test accuracy {test_accuracy:.4f}, loss {test_loss:.4f} on {len(x_test)} images; "
        f"outputs in {out}"
    )
    return 0


def _hidden_sizes(text: str) -> list[int]:
    try:
        sizes = [int(part) for part in text.split(",")]
    except ValueError:
        sizes = []
    if not sizes or min(sizes) < 1:
        raise ValueError(f"--hidden expected positive widths like '100,100', got {text!r}")
    return sizes


def _load(args: argparse.Namespace, flat: bool, rng: np.random.Generator):
    """Train and test splits in the run's dtype, cut to the requested subsets."""
    (x_train, t_train), (x_test, t_test) = data.load_dataset(
        args.dataset, normalize=True, flatten=flat, root=args.root, download=not args.no_download
    )
    splits = []
    for x, t, subset, flag in (
        (x_train, t_train, args.train_subset, "--train-subset"),
        (x_test, t_test, args.test_subset, "--test-subset"),
    ):
        if subset is not None:
            if subset > len(x):
                raise ValueError(f"{flag} asked for {subset} images, but there are {len(x)}")
            chosen = data.sample_random(len(x), subset, rng)
            x, t = x[chosen], t[chosen]
        splits.append((x.astype(args.dtype, copy=False), t))
    return splits


def _split(x: NDArray, t: NDArray, share: float, rng: np.random.Generator):
    """Hold out ``share`` of (x, t), at random, for validation; (train, validation or None)."""
    count = round(share * len(x))
    if count == 0:
        return (x, t), None
    if count >= len(x):
        raise ValueError(f"--val-split {share} leaves no training images out of {len(x)}")
    order = rng.permutation(len(x))
    held, kept = order[:count], order[count:]
    return (x[kept], t[kept]), (x[held], t[held])


def _build_model(args: argparse.Namespace, hidden: list[int], rng: np.random.Generator):
    if args.model == "mlp":
        sizes = [int(np.prod(IMAGE_SHAPE)), *hidden, 10]
        return models.mlp(sizes, activation="relu", init="he", rng=rng, dtype=args.dtype)
    if args.model == "simple-convnet":
        return models.simple_convnet(IMAGE_SHAPE, rng=rng, dtype=args.dtype)
    return models.deep_convnet(IMAGE_SHAPE, rng=rng, dtype=args.dtype)


def _callbacks(args: argparse.Namespace, model_path: Path, validating: bool) -> list:
    callbacks = []
    if validating:
        callbacks.append(ModelCheckpoint(model_path, monitor="val_accuracy"))
    if args.schedule == "step":
        callbacks.append(StepLR(step_size=max(1, args.epochs // 3), gamma=0.5))
    elif args.schedule == "cosine":
        callbacks.append(CosineLR(total_epochs=args.epochs))
    if args.early_stopping is not None:
        monitor = "val_loss" if validating else "loss"
        callbacks.append(EarlyStopping(monitor, patience=args.early_stopping))
    return callbacks


def _softmax(logits: NDArray[np.floating]) -> NDArray[np.floating]:
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)
