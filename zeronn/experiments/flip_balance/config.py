"""The options of ``zeronn flip-balance`` as one frozen, validated value.

Every check runs before any data is read, so a typo costs nothing and the message names the
option, what it expected and what arrived. An image folder (``data``) is looked at, not read:
it must exist and hold the two class folders.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from zeronn._checks import (
    as_float_dtype,
    boolean,
    choice,
    class_indices,
    non_negative_int,
    positive_int,
    positive_real,
    representable,
    sequence,
)
from zeronn.data.catalog import FASHION_MNIST, FASHION_MNIST_CLASSES
from zeronn.data.image_scan import SPLIT_FOLDERS, check_classes, has_split_folders
from zeronn.experiments.flip_balance.conditions import CONDITIONS
from zeronn.experiments.networks import check_memory, network_spec
from zeronn.experiments.options import DatasetOptions, ImageFolderOptions, RunOptions
from zeronn.parallel import check_parallel
from zeronn.run_folder import new_run_folder

MODELS = ("simple-convnet", "deep-convnet")
_OWNER = "flip-balance"


@dataclass(frozen=True, kw_only=True)
class FlipBalanceConfig(RunOptions, DatasetOptions, ImageFolderOptions):
    """Options of the flip-balance experiment (``out``, ``threads``, the dataset files and the
    image folder: :mod:`zeronn.experiments.options`).

    ``classes`` are Fashion-MNIST class indices ``(A, B)``, default (0, 6); A is the class
    whose flipped copies are added alone. With ``data``, a folder of class folders (with
    ``train/`` and ``test/`` inside, or not), they are two of its class folder names (default:
    its two folders, when it has exactly two), and its images are loaded whole, resized to
    ``image_size`` × ``image_size`` (default 64) in ``color`` ("rgb" by default).
    ``train_per_class`` counts original training images per class (``None``: all of them,
    6000 in Fashion-MNIST). ``epochs`` are epochs of the ``none`` training set: every
    condition takes the same number of optimizer steps,
    ``epochs × ⌈2·per_class / batch_size⌉``. ``verbose``: a progress line per run (False:
    the tables only); ``figures``: draw the figures (False: results.json only).
    """

    classes: tuple[int, int] | tuple[str, str] | None = None
    model: str = "simple-convnet"
    epochs: int = 4
    batch_size: int = 100
    lr: float = 0.001
    seeds: tuple[int, ...] = (0, 1, 2, 3, 4)
    train_per_class: int | None = None
    conditions: tuple[str, ...] = CONDITIONS
    out: Path = field(default_factory=lambda: new_run_folder("flip-balance"))
    dtype: str = "float32"
    figures: bool = True
    verbose: bool = True
    jobs: int = 1
    scheduler: str | None = None

    def __post_init__(self) -> None:
        put = self._put
        self._check_run_options(_OWNER)
        self._check_dataset_options(_OWNER)
        for name in ("figures", "verbose"):
            put(name, boolean(getattr(self, name), name, _OWNER))
        put("model", choice(self.model, "model", _OWNER, MODELS))
        if self.data is None:
            put("classes", _classes((0, 6) if self.classes is None else self.classes))
            self._check_no_image_options("Fashion-MNIST images are 1×28×28")
        else:
            self._check_image_folder()
        put("epochs", positive_int(self.epochs, "epochs", _OWNER))
        put("batch_size", positive_int(self.batch_size, "batch_size", _OWNER))
        put("lr", positive_real(self.lr, "lr", _OWNER))
        seeds = sequence(
            self.seeds, "seeds", _OWNER, non_negative_int, item="each seed", distinct=True
        )
        put("seeds", seeds)
        if self.train_per_class is not None:
            put("train_per_class", positive_int(self.train_per_class, "train_per_class", _OWNER))
        conditions = sequence(self.conditions, "conditions", _OWNER, _condition, item="condition")
        # the baseline comes first: every shift is measured against it
        put("conditions", tuple(name for name in CONDITIONS if name in conditions))
        put("dtype", as_float_dtype(self.dtype, _OWNER).name)
        representable(self.lr, "lr", _OWNER, self.dtype)  # Adam computes in dtype
        image_shape = (1, 28, 28) if self.data is None else self.image_shape
        spec = network_spec(self.model, (), image_shape, 2)
        check_memory(spec, batch_size=self.batch_size, dtype=self.dtype, optimizer="adam")
        jobs, scheduler = check_parallel(self.jobs, self.scheduler, _OWNER)
        put("jobs", jobs)
        put("scheduler", scheduler)
        if self.verify and self.data is None:  # the published files' sizes are known
            problem = self.size_problem(FASHION_MNIST.smallest_train_class)
            if problem is not None:
                raise ValueError(problem)

    def _check_image_folder(self) -> None:
        """The ``data`` options, and a look at the folder's class folders (no file is read)."""
        put = self._put
        folder = self._check_image_folder_options(_OWNER, self.model)
        split = has_split_folders(folder)
        train = folder / SPLIT_FOLDERS[0] if split else folder
        owner = f"{_OWNER} --data"
        found = check_classes(train, None, owner)
        if self.classes is None:
            if len(found) != 2:
                raise ValueError(
                    f"{owner} expected two class folders in {train} (or --classes A,B), "
                    f"found {len(found)}: {', '.join(found)}"
                )
            put("classes", found)
        elif (
            not isinstance(self.classes, tuple | list)
            or len(self.classes) != 2
            or self.classes[0] == self.classes[1]
        ):
            raise ValueError(
                f"{_OWNER} expected --classes as two different class folder names such as "
                f"cat,dog, got {self.classes!r}"
            )
        put("classes", check_classes(train, self.classes, owner))
        if split:  # the test images of both classes are needed too
            check_classes(folder / SPLIT_FOLDERS[1], self.classes, owner)

    def size_problem(self, smallest_class: int) -> str | None:
        """Why ``train_per_class`` cannot be drawn when a class holds ``smallest_class`` images."""
        if self.train_per_class is not None and self.train_per_class > smallest_class:
            holds = (
                f"the classes of Fashion-MNIST hold {smallest_class} each"
                if self.data is None
                else f"the smaller class of {self.data}'s training images holds {smallest_class}"
            )
            return (
                f"{_OWNER} --train-per-class asked for {self.train_per_class} images of each "
                f"class, but {holds}"
            )
        return None

    @property
    def class_names(self) -> tuple[str, str]:
        """The names of classes A and B: Fashion-MNIST's, or the folder's own."""
        if self.data is not None:
            return self.classes
        return FASHION_MNIST_CLASSES[self.classes[0]], FASHION_MNIST_CLASSES[self.classes[1]]


def _classes(value: object) -> tuple[int, int]:
    """Two different Fashion-MNIST class indices; the message says what ``--classes`` takes."""
    count = len(FASHION_MNIST_CLASSES)
    try:
        classes = class_indices(value, "classes", _OWNER, classes=count)
        if len(classes) != 2:
            raise ValueError(f"{_OWNER} expected two classes, got {len(classes)}: {value!r}")
    except (TypeError, ValueError) as error:
        names = isinstance(value, tuple | list) and any(isinstance(c, str) for c in value)
        raise type(error)(
            f"{error}; --classes takes two different Fashion-MNIST class indices in [0, {count}) "
            "such as 0,6" + ("; class names go with --data DIR" if names else "")
        ) from None
    return classes[0], classes[1]


def _condition(value: object, name: str, owner: str) -> str:
    return choice(value, name, owner, CONDITIONS)
