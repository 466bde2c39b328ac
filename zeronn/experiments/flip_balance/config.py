"""The options of ``zeronn experiment flip-balance`` as one frozen, validated value.

Every check runs before any data is read, so a typo costs nothing and the message names the
option, what it expected and what arrived.
"""

from __future__ import annotations

import argparse
import numbers
from dataclasses import dataclass, field
from pathlib import Path

from zeronn._checks import as_float_dtype, non_negative_int, positive_int
from zeronn.data.datasets import FASHION_MNIST_CLASSES
from zeronn.experiments.flip_balance.conditions import CONDITIONS

MODELS = ("simple", "deep")
_OWNER = "flip-balance"


@dataclass(frozen=True)
class FlipBalanceConfig:
    """Options of the flip-balance experiment.

    ``classes`` are Fashion-MNIST class indices ``(A, B)``; A is the class whose flipped
    copies are added alone. ``train_subset`` counts original training images *per class*
    (``None``: all 6000). ``epochs`` are epochs of the ``none`` training set: every condition
    takes the same number of optimizer steps, ``epochs × ⌈2·per_class / batch_size⌉``.
    """

    classes: tuple[int, int] = (0, 6)
    model: str = "simple"
    epochs: int = 4
    batch_size: int = 100
    lr: float = 0.001
    seeds: tuple[int, ...] = (0, 1, 2, 3, 4)
    train_subset: int | None = None
    conditions: tuple[str, ...] = CONDITIONS
    root: Path | None = None
    out: Path = field(default_factory=lambda: Path("runs/flip-balance"))
    dtype: str = "float32"
    figures: bool = True

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
        if self.train_subset is not None:
            put("train_subset", positive_int(self.train_subset, "train_subset", _OWNER))
        unknown = [name for name in self.conditions if name not in CONDITIONS]
        if unknown or not self.conditions:
            raise ValueError(
                f"{_OWNER} expected conditions from {', '.join(CONDITIONS)}, "
                f"got {', '.join(self.conditions) or 'none'}"
            )
        # the baseline comes first: every shift is measured against it
        put("conditions", tuple(name for name in CONDITIONS if name in self.conditions))
        put("dtype", as_float_dtype(self.dtype, _OWNER).name)
        if self.root is not None:
            put("root", Path(self.root))
        put("out", Path(self.out))
        if self.out.exists() and not self.out.is_dir():
            raise NotADirectoryError(
                f"{_OWNER} expected --out to be a folder, {self.out} is a file"
            )

    @property
    def class_names(self) -> tuple[str, str]:
        """The Fashion-MNIST names of classes A and B."""
        return FASHION_MNIST_CLASSES[self.classes[0]], FASHION_MNIST_CLASSES[self.classes[1]]

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> FlipBalanceConfig:
        """Build the config from the parsed command line (see ``add_arguments``)."""
        return cls(
            classes=args.classes,
            model=args.model,
            epochs=args.epochs,
            batch_size=args.batch_size,
            lr=args.lr,
            seeds=args.seeds,
            train_subset=args.train_subset,
            conditions=args.conditions,
            root=args.root,
            out=args.out,
            dtype=args.dtype,
            figures=not args.no_figures,
        )


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


def int_list(text: str) -> tuple[int, ...]:
    """Parse ``"0,6"`` into ``(0, 6)`` for argparse."""
    try:
        return tuple(int(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated integers such as 0,1,2, got {text!r}"
        ) from None


def name_list(text: str) -> tuple[str, ...]:
    """Parse ``"none,flip-a"`` into ``("none", "flip-a")`` for argparse."""
    return tuple(part.strip() for part in text.split(",") if part.strip())


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The command-line options; defaults are the README's full budget."""
    defaults = FlipBalanceConfig()
    names = ", ".join(f"{k}={name}" for k, name in enumerate(FASHION_MNIST_CLASSES))
    add = parser.add_argument
    add(
        "--classes",
        type=int_list,
        default=defaults.classes,
        help=f"class A,class B (A gets the one-class flips); default 0,6. {names}",
    )
    add(
        "--model",
        choices=MODELS,
        default=defaults.model,
        help="simple: SimpleConvNet; deep: DeepConvNet (about 6× slower per step)",
    )
    add(
        "--epochs",
        type=int,
        default=defaults.epochs,
        help="epochs of the original set; every condition gets as many optimizer steps",
    )
    add("--batch-size", type=int, default=defaults.batch_size)
    add("--lr", type=float, default=defaults.lr, help="Adam learning rate")
    add("--seeds", type=int_list, default=defaults.seeds, help="comma-separated, e.g. 0,1,2")
    add(
        "--train-subset",
        type=int,
        default=None,
        help="original training images per class (default: all 6000)",
    )
    add(
        "--conditions",
        type=name_list,
        default=defaults.conditions,
        help="comma-separated subset of " + ", ".join(CONDITIONS),
    )
    add("--root", type=Path, default=None, help="folder holding the Fashion-MNIST files")
    add("--out", type=Path, default=defaults.out, help="folder for results.json and figures")
    add("--dtype", choices=("float32", "float64"), default=defaults.dtype)
    add("--no-figures", action="store_true", help="write results.json and the table only")
