"""The options of a training run (``zeronn train``) as one frozen, validated value.

Every check runs when the config is built, before any data is read or any file written; an
error names the option, what it expected and what arrived. An image folder (``data``) is
looked at, not read: it must exist and hold class folders; its files are listed and decoded
only when the run starts.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from zeronn._checks import as_float_dtype, existing_folder, non_negative_int, positive_int
from zeronn.data.datasets import DATASETS as DATASET_INFO
from zeronn.data.image_decode import COLORS, DEFAULT_IMAGE_SIZE
from zeronn.data.image_scan import SPLIT_FOLDERS, check_classes, has_split_folders
from zeronn.models import SMALLEST_IMAGE_SIDE
from zeronn.run_folder import check_output_folder

MODELS = ("mlp", "simple-convnet", "deep-convnet", "lstm", "gru", "rnn")
# The recurrent models read an image row by row: 28 time steps of 28 pixels.
RECURRENT_MODELS = ("lstm", "gru", "rnn")
# --hidden when not given: the MLP's hidden widths, or the recurrent layer's width.
DEFAULT_HIDDEN = {"mlp": (100, 100), "recurrent": (128,)}
DATASETS = ("mnist", "fashion-mnist")
SCHEDULES = ("none", "step", "cosine")
# optimizer name -> its default learning rate
OPTIMIZER_LR = {
    "sgd": 0.1,
    "momentum": 0.05,
    "nesterov": 0.05,
    "adagrad": 0.01,
    "rmsprop": 0.001,
    "adam": 0.001,
}
# --augment key -> ImageDataGenerator keyword(s); a key ending in "flip" is a bare flag.
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
_OWNER = "train"
# image folders (--data): the side length when none is given


def parse_augment(spec: str) -> dict[str, Any]:
    """``"rotation=10,shift=0.1,zoom=0.1,hflip"`` -> ImageDataGenerator keyword arguments.

    >>> parse_augment("rotation=10,hflip")
    {'rotation_range': 10.0, 'horizontal_flip': True}
    """
    options: dict[str, Any] = {}
    for item in filter(None, (part.strip() for part in spec.split(","))):
        key, has_value, text = item.partition("=")
        if key not in AUGMENT_KEYS:
            raise ValueError(
                f"--augment got an unknown setting {key!r} in {spec!r}; "
                f"known: {', '.join(AUGMENT_KEYS)}"
            )
        flag = key.endswith("flip")
        if flag == bool(has_value):
            form = key if flag else f"{key}=NUMBER"
            raise ValueError(f"--augment expected {form!r} in {spec!r}, got {item!r}")
        value: Any = True
        if not flag:
            try:
                value = float(text)
            except ValueError:
                raise ValueError(f"--augment expected a number for {key!r}, got {text!r}") from None
        for name in AUGMENT_KEYS[key]:
            options[name] = value
    if not options:
        raise ValueError(f"--augment got no settings in {spec!r}, e.g. 'rotation=10,hflip'")
    return options


@dataclass(frozen=True)
class TrainConfig:
    """How to train and evaluate one model.

    ``hidden``: the MLP's hidden widths, or for ``lstm``/``gru``/``rnn`` the width of each
    recurrent layer (one width: one layer; several: a stack), None for the default of
    :data:`DEFAULT_HIDDEN`; ``clip_grad_norm``: the largest global gradient norm of a step
    (None: no clipping, see :func:`zeronn.clip.clip_grad_norm`); ``lr`` None means the
    optimizer's default (:data:`OPTIMIZER_LR`); ``augment``: an on-the-fly augmentation spec for
    :func:`parse_augment`, or None; ``train_subset`` / ``test_subset``: how many random
    images to use (None: all); ``val_split``: the share of training images held out to choose
    the best epoch (0: train on all, keep the last epoch); ``load``: weights to start from.

    ``data``: a folder of class folders to train on instead of ``dataset`` (MNIST when neither
    is given); with ``train/`` and ``test/`` inside, the validation share is drawn from
    ``train/`` and the test set is ``test/``, else both come from the one folder and the test
    report is on the validation images. ``image_size`` (default 64) and ``color`` ("rgb" or
    "grayscale", default "rgb") say how its images are decoded: (C, size, size).

    ``profile``: time one training step layer by layer and print the table instead of training
    (:mod:`zeronn.workflows.train_profile`).
    """

    out: Path
    model: str = "mlp"
    hidden: tuple[int, ...] | None = None
    dataset: str | None = None
    epochs: int = 5
    batch_size: int = 100
    optimizer: str = "adam"
    lr: float | None = None
    schedule: str = "none"
    augment: str | None = None
    train_subset: int | None = None
    test_subset: int | None = None
    val_split: float = 0.1
    early_stopping: int | None = None
    clip_grad_norm: float | None = None
    seed: int = 0
    dtype: str = "float32"
    root: Path | None = None
    download: bool = True
    verify: bool = True
    load: Path | None = None
    evaluate_only: bool = False
    verbose: bool = True
    overwrite: bool = False
    threads: int | None = None
    data: Path | None = None
    image_size: int | None = None
    color: str | None = None
    profile: bool = False

    def __post_init__(self) -> None:
        def put(name: str, value: object) -> None:
            object.__setattr__(self, name, value)

        if self.threads is not None:
            put("threads", positive_int(self.threads, "threads", _OWNER))

        put("model", _choice(self.model, "model", MODELS))
        if self.data is not None and self.model in RECURRENT_MODELS:
            raise ValueError(
                f"--model {self.model} reads a 28×28 MNIST-family image row by row; with --data "
                "use mlp, simple-convnet or deep-convnet"
            )
        if self.data is None:
            put("dataset", _choice(self.dataset or "mnist", "dataset", DATASETS))
            if self.image_size is not None or self.color is not None:
                raise ValueError(
                    f"--image-size and --color go with --data; {self.dataset} images are 1×28×28"
                )
        put("optimizer", _choice(self.optimizer, "optimizer", tuple(OPTIMIZER_LR)))
        put("schedule", _choice(self.schedule, "schedule", SCHEDULES))
        if self.hidden is None:
            kind = "recurrent" if self.model in RECURRENT_MODELS else "mlp"
            put("hidden", DEFAULT_HIDDEN[kind])
        put(
            "hidden",
            tuple(positive_int(width, "each hidden width", _OWNER) for width in self.hidden),
        )
        if not self.hidden:
            raise ValueError(f"{_OWNER} expected at least one hidden width, got none")
        for name in ("epochs", "batch_size"):
            put(name, positive_int(getattr(self, name), name, _OWNER))
        for name in ("train_subset", "test_subset", "early_stopping"):
            if getattr(self, name) is not None:
                put(name, positive_int(getattr(self, name), name, _OWNER))
        if self.lr is not None and not _is_positive_real(self.lr):
            raise ValueError(f"{_OWNER} expected lr to be a positive number, got {self.lr!r}")
        if self.clip_grad_norm is not None and not _is_positive_real(self.clip_grad_norm):
            raise ValueError(
                f"{_OWNER} expected clip_grad_norm to be a positive number, "
                f"got {self.clip_grad_norm!r}"
            )
        if not (_is_real(self.val_split) and 0 <= self.val_split < 1):
            raise ValueError(f"{_OWNER} expected val_split in [0, 1), got {self.val_split!r}")
        if self.augment is not None:
            parse_augment(self.augment)  # refuse a bad spec now, not after loading the data
        put("seed", non_negative_int(self.seed, "seed", _OWNER))
        put("dtype", as_float_dtype(self.dtype, _OWNER).name)
        put("out", Path(self.out))
        check_output_folder(self.out, overwrite=self.overwrite)
        for name in ("root", "load"):
            if getattr(self, name) is not None:
                put(name, Path(getattr(self, name)))
        if self.evaluate_only and self.load is None:
            raise ValueError("--evaluate-only needs --load MODEL.npz: there is nothing to evaluate")
        if self.verify and self.data is None:  # the published files' sizes are known
            info = DATASET_INFO[self.dataset]
            problem = self.size_problem(info.train_size, info.test_size)
            if problem is not None:
                raise ValueError(problem)
        if self.load is not None and not self.load.is_file():
            raise FileNotFoundError(f"--load expected a model file, but {self.load} does not exist")
        if self.data is not None:
            self._check_image_folder()

    def _check_image_folder(self) -> None:
        """The ``data`` options, and a look at the folder (its folders only, no file is read)."""

        def put(name: str, value: object) -> None:
            object.__setattr__(self, name, value)

        for flag, value, why in (
            ("--dataset", self.dataset, "train on a built-in dataset or on a folder"),
            ("--root", self.root, "--root is where the MNIST-family files are"),
            ("--train-subset", self.train_subset, "the folder is used whole"),
            ("--test-subset", self.test_subset, "the folder is used whole"),
        ):
            if value is not None:
                raise ValueError(f"{flag} and --data exclude each other: {why}")
        size = DEFAULT_IMAGE_SIZE if self.image_size is None else self.image_size
        put("image_size", positive_int(size, "image_size", _OWNER))
        smallest = SMALLEST_IMAGE_SIDE.get(self.model.replace("-", "_"), 1)
        if self.image_size < smallest:
            raise ValueError(
                f"--image-size {self.image_size} is too small for {self.model}, which needs "
                f"images of at least {smallest}×{smallest}"
            )
        put("color", _choice("rgb" if self.color is None else self.color, "color", COLORS))
        folder = existing_folder(self.data, "--data", _OWNER)
        put("data", folder)
        if has_split_folders(folder):
            train, test = (folder / name for name in SPLIT_FOLDERS)
            names = _check_class_folders(train, "--data")
            check_classes(test, names, f"{_OWNER} --data")  # every class is in test/ too
        else:
            _check_class_folders(folder, "--data")
            if self.val_split == 0:
                raise ValueError(
                    f"--val-split 0 leaves no images to evaluate on: {folder} has no train/ and "
                    "test/ folders, so the test report is on the validation share"
                )

    def size_problem(self, train_size: int, test_size: int) -> str | None:
        """Why the subsets asked for do not fit splits of these sizes, or None when they do."""
        for flag, subset, size, split in (
            ("--train-subset", self.train_subset, train_size, "training"),
            ("--test-subset", self.test_subset, test_size, "test"),
        ):
            if subset is not None and subset > size:
                return (
                    f"{flag} asked for {subset} images, but {self.dataset} has {size} "
                    f"{split} images"
                )
        return None

    @property
    def learning_rate(self) -> float:
        """``lr``, or the optimizer's default when it is None."""
        return OPTIMIZER_LR[self.optimizer] if self.lr is None else float(self.lr)

    @property
    def flat_images(self) -> bool:
        """Whether the model reads images as vectors of 784 (the MLP on MNIST) or as (1, 28, 28).

        Images of a folder stay (C, H, W) for every model (the MLP's Affine flattens them)."""
        return self.model == "mlp" and self.data is None

    @property
    def row_sequences(self) -> bool:
        """Whether the model reads images as (28, 28) sequences: one time step per row."""
        return self.model in RECURRENT_MODELS

    def augment_options(self) -> dict[str, Any] | None:
        """The ImageDataGenerator keyword arguments of ``augment`` (None without augmentation)."""
        return None if self.augment is None else parse_augment(self.augment)

    def as_dict(self) -> dict[str, object]:
        """The options as JSON-ready values."""
        payload = asdict(self)
        for name in ("out", "root", "load", "data"):
            payload[name] = None if payload[name] is None else str(payload[name])
        payload["hidden"] = list(self.hidden)
        return payload


def _check_class_folders(folder: Path, flag: str) -> tuple[str, ...]:
    """The class folders of ``folder``: at least two, else an error saying what it holds."""
    names = check_classes(folder, None, f"{_OWNER} {flag}")
    if len(names) < 2:
        raise ValueError(
            f"{_OWNER} {flag} expected at least 2 class folders in {folder}, found only "
            f"{names[0]!r}"
        )
    return names


def _is_real(value: object) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)


def _is_positive_real(value: object) -> bool:
    return _is_real(value) and value > 0


def _choice(value: object, name: str, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise ValueError(
            f"{_OWNER} expected {name} to be one of {', '.join(choices)}; got {value!r}"
        )
    return str(value)
