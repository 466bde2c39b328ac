"""The options of ``zeronn flip-balance`` as one frozen, validated value.

Every check runs before any data is read, so a typo costs nothing and the message names the
option, what it expected and what arrived.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass, field
from pathlib import Path

from zeronn._checks import as_float_dtype, non_negative_int, positive_int
from zeronn.data.datasets import FASHION_MNIST, FASHION_MNIST_CLASSES
from zeronn.experiments.flip_balance.conditions import CONDITIONS
from zeronn.parallel import check_parallel
from zeronn.run_folder import check_output_folder, new_run_folder

MODELS = ("simple-convnet", "deep-convnet")
_OWNER = "flip-balance"


@dataclass(frozen=True)
class FlipBalanceConfig:
    """Options of the flip-balance experiment.

    ``classes`` are Fashion-MNIST class indices ``(A, B)``; A is the class whose flipped
    copies are added alone. ``train_per_class`` counts original training images per class
    (``None``: all 6000). ``epochs`` are epochs of the ``none`` training set: every condition
    takes the same number of optimizer steps, ``epochs × ⌈2·per_class / batch_size⌉``.
    """

    classes: tuple[int, int] = (0, 6)
    model: str = "simple-convnet"
    epochs: int = 4
    batch_size: int = 100
    lr: float = 0.001
    seeds: tuple[int, ...] = (0, 1, 2, 3, 4)
    train_per_class: int | None = None
    conditions: tuple[str, ...] = CONDITIONS
    root: Path | None = None
    download: bool = True
    verify: bool = True
    out: Path = field(default_factory=lambda: new_run_folder("flip-balance"))
    overwrite: bool = False
    dtype: str = "float32"
    figures: bool = True
    jobs: int = 1
    scheduler: str | None = None

    def __post_init__(self) -> None:
        def put(name: str, value: object) -> None:
            object.__setattr__(self, name, value)

        put("classes", _classes(self.classes))
        if self.model not in MODELS:
            raise ValueError(f"{_OWNER} expected --model in {MODELS}, got {self.model!r}")
        put("epochs", positive_int(self.epochs, "epochs", _OWNER))
        put("batch_size", positive_int(self.batch_size, "batch_size", _OWNER))
        if not isinstance(self.lr, numbers.Real) or not 0 < self.lr < float("inf"):
            raise ValueError(f"{_OWNER} expected --lr a positive number, got {self.lr!r}")
        seeds = tuple(non_negative_int(seed, "each seed", _OWNER) for seed in self.seeds)
        if not seeds or len(set(seeds)) != len(seeds):
            raise ValueError(f"{_OWNER} expected distinct seeds, got {self.seeds!r}")
        put("seeds", seeds)
        if self.train_per_class is not None:
            put("train_per_class", positive_int(self.train_per_class, "train_per_class", _OWNER))
        unknown = [name for name in self.conditions if name not in CONDITIONS]
        if unknown or not self.conditions:
            raise ValueError(
                f"{_OWNER} expected conditions from {', '.join(CONDITIONS)}, "
                f"got {', '.join(self.conditions) or 'none'}"
            )
        # the baseline comes first: every shift is measured against it
        put("conditions", tuple(name for name in CONDITIONS if name in self.conditions))
        put("dtype", as_float_dtype(self.dtype, _OWNER).name)
        jobs, scheduler = check_parallel(self.jobs, self.scheduler, _OWNER)
        put("jobs", jobs)
        put("scheduler", scheduler)
        if self.root is not None:
            put("root", Path(self.root))
        put("out", Path(self.out))
        check_output_folder(self.out, overwrite=self.overwrite)
        if self.verify:  # the published files' sizes are known before reading them
            problem = self.size_problem(FASHION_MNIST.smallest_train_class)
            if problem is not None:
                raise ValueError(problem)

    def size_problem(self, smallest_class: int) -> str | None:
        """Why ``train_per_class`` cannot be drawn when a class holds ``smallest_class`` images."""
        if self.train_per_class is not None and self.train_per_class > smallest_class:
            return (
                f"{_OWNER} --train-per-class asked for {self.train_per_class} images of each "
                f"class, but the classes of Fashion-MNIST hold {smallest_class} each"
            )
        return None

    @property
    def class_names(self) -> tuple[str, str]:
        """The Fashion-MNIST names of classes A and B."""
        return FASHION_MNIST_CLASSES[self.classes[0]], FASHION_MNIST_CLASSES[self.classes[1]]


def _classes(value: object) -> tuple[int, int]:
    count = len(FASHION_MNIST_CLASSES)
    if (
        not isinstance(value, tuple | list)
        or len(value) != 2
        or not all(isinstance(c, numbers.Integral) and 0 <= c < count for c in value)
        or value[0] == value[1]
    ):
        raise ValueError(
            f"{_OWNER} expected --classes as two different Fashion-MNIST class indices "
            f"in [0, {count}) such as 0,6, got {value!r}"
        )
    return int(value[0]), int(value[1])
