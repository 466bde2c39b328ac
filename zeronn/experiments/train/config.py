"""The options of a training run (``zeronn train``) as one frozen, validated value.

Every check runs when the config is built, before any data is read or any file written; an
error names the option, what it expected and what arrived. An image folder (``data``) is
looked at, not read: it must exist and hold class folders; its files are listed and decoded
only when the run starts. The network the options describe is decided here too
(:mod:`zeronn.experiments.networks`): its memory is checked against the machine's, and a
``load`` file's architecture against it (or ``model`` and ``hidden`` read from the file when
they are not given).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from zeronn._checks import (
    as_float_dtype,
    boolean,
    choice,
    fraction,
    non_negative_int,
    non_negative_real,
    positive_int,
    positive_real,
    representable,
    text,
)
from zeronn.data.catalog import DATASETS as DATASET_INFO
from zeronn.experiments import networks
from zeronn.experiments.options import DatasetOptions, ImageFolderOptions, RunOptions
from zeronn.experiments.train import resume as resuming
from zeronn.experiments.train.augment_spec import AUGMENT_KEYS, check_augment, parse_augment
from zeronn.experiments.train.folder_options import check_image_folder

MODELS = networks.MODELS
# The recurrent models read an image row by row: 28 time steps of 28 pixels.
RECURRENT_MODELS = networks.RECURRENT_MODELS
# --hidden when not given: the MLP's hidden widths, or the recurrent layer's width.
DEFAULT_HIDDEN = networks.DEFAULT_HIDDEN
DATASETS = tuple(DATASET_INFO)  # the --dataset names: the catalog's
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
_OWNER = "train"
MNIST_IMAGE = (1, 28, 28)
__all__ = ["AUGMENT_KEYS", "MODELS", "TrainConfig", "parse_augment"]


@dataclass(frozen=True, kw_only=True)
class TrainConfig(RunOptions, DatasetOptions, ImageFolderOptions):
    """How to train and evaluate one model (``out``, ``threads``, the dataset files and the
    image folder: :mod:`zeronn.experiments.options`).

    ``hidden``: the MLP's hidden widths, or for ``lstm``/``gru``/``rnn`` the width of each
    recurrent layer (one width: one layer; several: a stack), None for the default of
    :data:`DEFAULT_HIDDEN`; ``clip_grad_norm``: the largest global gradient norm of a step
    (None: no clipping, see :func:`zeronn.clip.clip_grad_norm`); ``lr`` None means the
    optimizer's default (:data:`OPTIMIZER_LR`); ``augment``: an on-the-fly augmentation spec for
    :func:`parse_augment`, or None; ``train_subset`` / ``test_subset``: how many random
    images to use (None: all); ``val_split``: the share of training images held out to choose
    the best epoch (0: train on all, keep the last epoch); ``load``: weights to start from.
    ``model`` None is "mlp", or the model the ``load`` file holds; ``hidden`` None is the
    ``load`` file's widths too, when it holds that model.

    ``data``: a folder of class folders to train on instead of ``dataset`` (MNIST when neither
    is given); with ``train/`` and ``test/`` inside, the validation share is drawn from
    ``train/`` and the test set is ``test/``, else both come from the one folder and the test
    report is on the validation images. ``image_size`` (default 64) and ``color`` ("rgb" or
    "grayscale", default "rgb") say how its images are decoded: (C, size, size).

    The book's chapter 6: ``weight_decay`` λ adds the gradient of (λ/2)·‖w‖² to every
    parameter's (the optimizer's ``weight_decay``); ``batchnorm`` puts BatchNorm after each
    hidden Affine of the mlp; ``dropout`` is the share of units dropped by the mlp's Dropout
    layers (one after each hidden activation) or the deep-convnet's (its two; 0.5 by default).
    None for either: as the ``load`` file's network has it, else none.

    ``profile``: time one training step layer by layer and print the table instead of training
    (:mod:`zeronn.experiments.train.profile`); ``figures``: draw the figures (False: write the
    numbers only). ``resume``: the checkpoint (or the folder of the run holding it) to go on
    from, up to ``epochs`` in all, with the run's own options
    (:mod:`zeronn.experiments.train.resume`).
    """

    model: str | None = None
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
    weight_decay: float = 0.0
    batchnorm: bool | None = None
    dropout: float | None = None
    seed: int = 0
    dtype: str = "float32"
    load: Path | None = None
    evaluate_only: bool = False
    verbose: bool = True
    profile: bool = False
    figures: bool = True
    resume: Path | None = None

    def __post_init__(self) -> None:
        put = self._put
        self._check_run_options(_OWNER)
        self._check_dataset_options(_OWNER)
        for name in ("evaluate_only", "verbose", "profile", "figures"):
            put(name, boolean(getattr(self, name), name, _OWNER))
        put("optimizer", choice(self.optimizer, "optimizer", _OWNER, tuple(OPTIMIZER_LR)))
        put("schedule", choice(self.schedule, "schedule", _OWNER, SCHEDULES))
        for name in ("epochs", "batch_size"):
            put(name, positive_int(getattr(self, name), name, _OWNER))
        for name in ("train_subset", "test_subset", "early_stopping"):
            if getattr(self, name) is not None:
                put(name, positive_int(getattr(self, name), name, _OWNER))
        for name in ("lr", "clip_grad_norm"):
            if getattr(self, name) is not None:
                put(name, positive_real(getattr(self, name), name, _OWNER))
        put("weight_decay", non_negative_real(self.weight_decay, "weight_decay", _OWNER))
        put("val_split", fraction(self.val_split, "val_split", _OWNER))
        if self.augment is not None:  # refuse a bad spec now, not after loading the data
            check_augment(text(self.augment, "augment", _OWNER))
        put("seed", non_negative_int(self.seed, "seed", _OWNER))
        put("dtype", as_float_dtype(self.dtype, _OWNER).name)
        # the optimizer computes in dtype: 1e-50 is 0 in float32, 1e39 is inf
        representable(self.learning_rate, "lr", _OWNER, self.dtype)
        representable(self.weight_decay, "weight_decay", _OWNER, self.dtype)
        if self.load is not None:
            put("load", Path(self.load))
        if self.evaluate_only and self.load is None:
            raise ValueError("--evaluate-only needs --load MODEL.npz: there is nothing to evaluate")
        if self.load is not None and not self.load.is_file():
            raise FileNotFoundError(f"--load expected a model file, but {self.load} does not exist")
        saved = None if self.load is None else networks.saved_architecture(self.load)
        self._choose_network(saved)

        image_shape = MNIST_IMAGE
        if self.data is None:
            put("dataset", choice(self.dataset or "mnist", "dataset", _OWNER, DATASETS))
            self._check_no_image_options(f"{self.dataset} images are 1×28×28")
            classes = len(DATASET_INFO[self.dataset].classes)
        else:
            classes = len(self._check_image_folder())
            image_shape = self.image_shape
        spec = self.network(image_shape, classes)
        networks.check_memory(
            spec,
            batch_size=min(self.batch_size, self._training_images() or self.batch_size),
            dtype=self.dtype,
            optimizer=None if self.evaluate_only else self.optimizer,
        )
        if saved is not None:
            networks.check_load(self.load, saved, spec, self.dtype)
        if self.verify and self.data is None:  # the published files' sizes are known
            info = DATASET_INFO[self.dataset]
            problem = self.size_problem(info.train_size, info.test_size)
            if problem is not None:
                raise ValueError(problem)
        if self._training_images() is not None and not self.evaluate_only:
            problem = self.split_problem(self._training_images())
            if problem is not None:
                raise ValueError(problem)
        if self.resume is not None:
            self._check_resume()

    def _check_resume(self) -> None:
        """``resume``: a checkpoint of a run with these very options, not yet at ``epochs``."""
        for flag, given in (
            ("--load", self.load is not None),
            ("--evaluate-only", self.evaluate_only),
            ("--profile", self.profile),
        ):
            if given:
                raise ValueError(
                    f"--resume and {flag} exclude each other: --resume goes on training from "
                    "the run's own weights"
                )
        self._put("resume", resuming.checkpoint_path(self.resume))
        problem = resuming.resume_problem(self.as_dict(), self.resume)
        if problem is not None:
            raise ValueError(problem)

    def _choose_network(self, saved: dict[str, Any] | None) -> None:
        """``model``, ``hidden``, ``batchnorm`` and ``dropout``: as given, else what the
        ``load`` file holds, else the defaults (:func:`.networks.choose_options`)."""
        chosen = networks.choose_options(
            self.model,
            self.hidden,
            saved,
            folder=self.data is not None,
            owner=_OWNER,
            batchnorm=self.batchnorm,
            dropout=self.dropout,
        )
        for name in ("model", "hidden", "batchnorm", "dropout"):
            self._put(name, getattr(chosen, name))

    def _training_images(self) -> int | None:
        """How many training images the run will have (before the validation share), when
        that is known before reading: a --train-subset, or a published dataset's size."""
        if self.train_subset is not None:
            return self.train_subset
        if self.verify and self.data is None:
            return DATASET_INFO[self.dataset].train_size
        return None

    def split_problem(self, images: int) -> str | None:
        """Why ``val_split`` of ``images`` training images leaves nothing to train on or
        nothing to validate on, or None when it does not."""
        held = round(self.val_split * images)
        if self.val_split > 0 and held == 0:
            return (
                f"--val-split {self.val_split} holds out no image of the {images} training "
                "images; give a larger share, or --val-split 0 to train on all of them"
            )
        if held >= images:
            return (
                f"--val-split {self.val_split} holds out all {images} training images, leaving "
                "none to train on"
            )
        return None

    def _check_image_folder(self) -> tuple[str, ...]:
        """The ``data`` options, and a look at the folder (its folders only, no file is read):
        its class names (:func:`.folder_options.check_image_folder`)."""
        return check_image_folder(self, self._check_image_folder_options(_OWNER, self.model))

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

    def network(self, image_shape: tuple[int, int, int], classes: int) -> networks.Spec:
        """The network of these options for images ``image_shape`` (C, H, W) of ``classes``
        classes: :func:`zeronn.experiments.networks.network_spec`."""
        return networks.network_spec(
            self.model,
            self.hidden,
            image_shape,
            classes,
            batchnorm=self.batchnorm,
            dropout=self.dropout,
        )

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
        for name in ("out", "root", "load", "data", "resume"):
            payload[name] = None if payload[name] is None else str(payload[name])
        payload["hidden"] = list(self.hidden)
        return payload
