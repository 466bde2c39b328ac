"""Argument and input validation shared by the whole package: one validator per kind of value.

Every check raises early with a message that names what was expected and what arrived, and
the same value means the same thing everywhere:

- NumPy scalars behave like the Python numbers they hold (``np.float32(0.5)`` is 0.5,
  ``np.int64(3)`` is 3);
- booleans are not numbers (``True`` is refused where a count or a rate is expected);
- strings are not booleans (``"no"`` is refused where True or False is expected);
- a real number must be finite (NaN and inf are refused);
- a whole number is an int (``2.0`` is refused where a count is expected, as ``True`` is);
- a sequence of values is a list, a tuple or a 1-D array (a string is a sequence of nothing).

Wrong kinds raise ``TypeError``, right kinds with wrong values ``ValueError``. Each message reads
``{owner} expected {name} ..., got {value!r}``, so the same bad value gets the same words (after
the owner) in every config and public function that takes it.
"""

from __future__ import annotations

import math
import numbers
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

import numpy as np
from numpy.typing import DTypeLike, NDArray

from zeronn.rng import default_generator

FLOAT_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))
T = TypeVar("T")


def as_generator(rng: np.random.Generator | int | None, owner: str) -> np.random.Generator:
    """Return ``rng`` as a Generator: an int is a seed, None is zeronn's default generator.

    The default generator is the one :func:`zeronn.manual_seed` reseeds.
    """
    if rng is None:
        return default_generator()
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool):
        if rng < 0:
            raise ValueError(f"{owner} expected a non-negative int seed, got {rng!r}")
        return np.random.default_rng(int(rng))
    raise TypeError(
        f"{owner} expected rng to be a numpy.random.Generator, an int seed or None "
        f"(zeronn's default generator), got {rng!r}"
    )


def as_float_dtype(dtype: DTypeLike, owner: str) -> np.dtype:
    """Return ``dtype`` as float32 or float64, refusing anything else."""
    try:
        resolved = np.dtype(dtype)
    except TypeError as exc:
        raise TypeError(f"{owner} expected dtype float32 or float64, got {dtype!r}") from exc
    if resolved not in FLOAT_DTYPES:
        raise TypeError(f"{owner} expected dtype float32 or float64, got {resolved}")
    return resolved


def real(value: object, name: str, owner: str) -> float:
    """Return ``value`` as a float after checking that it is a finite real number (not a bool).

    >>> real(np.float32(0.5), "rate", "Thing")
    0.5
    """
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        raise TypeError(f"{owner} expected {name} to be a number, got {value!r}")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{owner} expected {name} to be a finite number, got {value!r}")
    return number


def positive_real(value: object, name: str, owner: str) -> float:
    """A finite real number > 0."""
    number = real(value, name, owner)
    if number <= 0:
        raise ValueError(f"{owner} expected {name} to be a positive number, got {value!r}")
    return number


def non_negative_real(value: object, name: str, owner: str) -> float:
    """A finite real number >= 0."""
    number = real(value, name, owner)
    if number < 0:
        raise ValueError(f"{owner} expected {name} to be a number >= 0, got {value!r}")
    return number


def fraction(value: object, name: str, owner: str) -> float:
    """A real number in [0, 1): a share that cannot be all (a dropout ratio, a momentum)."""
    number = real(value, name, owner)
    if not 0 <= number < 1:
        raise ValueError(f"{owner} expected {name} in [0, 1), got {value!r}")
    return number


def probability(value: object, name: str, owner: str) -> float:
    """A real number in [0, 1]."""
    number = real(value, name, owner)
    if not 0 <= number <= 1:
        raise ValueError(f"{owner} expected {name} to be a probability in [0, 1], got {value!r}")
    return number


def boolean(value: object, name: str, owner: str) -> bool:
    """True or False (a NumPy bool too); strings and numbers are refused.

    >>> boolean(np.bool_(True), "flag", "Thing")
    True
    """
    if not isinstance(value, bool | np.bool_):
        raise TypeError(f"{owner} expected {name} to be True or False, got {value!r}")
    return bool(value)


def real_in(
    value: object,
    name: str,
    owner: str,
    low: float,
    high: float,
    *,
    closed: tuple[bool, bool] = (True, True),
) -> float:
    """A finite real number between ``low`` and ``high``; ``closed`` says which ends belong.

    >>> real_in(0.1, "held_out_fraction", "Thing", 0, 0.5, closed=(False, False))
    0.1
    """
    number = real(value, name, owner)
    above = number >= low if closed[0] else number > low
    below = number <= high if closed[1] else number < high
    if not (above and below):
        interval = f"{'[' if closed[0] else '('}{low:g}, {high:g}{']' if closed[1] else ')'}"
        raise ValueError(f"{owner} expected {name} in {interval}, got {value!r}")
    return number


def text(value: object, name: str, owner: str) -> str:
    """A str (bytes and other objects are refused)."""
    if not isinstance(value, str):
        raise TypeError(f"{owner} expected {name} to be a str, got {value!r}")
    return value


def choice(value: object, name: str, owner: str, choices: Sequence[str]) -> str:
    """One of the strings ``choices`` (a value that is not a str is the wrong kind)."""
    if not isinstance(value, str) or value not in choices:
        error = ValueError if isinstance(value, str) else TypeError
        raise error(
            f"{owner} expected {name} to be one of {', '.join(map(repr, choices))}, got {value!r}"
        )
    return value


def _whole(value: object, name: str, owner: str, expected: str) -> int:
    """``value`` as an int, refusing bools, floats (``2.0`` too) and other kinds: TypeError."""
    if not isinstance(value, numbers.Integral) or isinstance(value, bool | np.bool_):
        raise TypeError(f"{owner} expected {name} to be {expected}, got {value!r}")
    return int(value)


def positive_int(value: object, name: str, owner: str) -> int:
    """Return ``value`` as an int after checking that it is a whole number >= 1."""
    number = _whole(value, name, owner, "a positive integer")
    if number < 1:
        raise ValueError(f"{owner} expected {name} to be a positive integer, got {value!r}")
    return number


def non_negative_int(value: object, name: str, owner: str) -> int:
    """Return ``value`` as an int after checking that it is a whole number >= 0."""
    number = _whole(value, name, owner, "a non-negative integer")
    if number < 0:
        raise ValueError(f"{owner} expected {name} to be a non-negative integer, got {value!r}")
    return number


def int_in(value: object, name: str, owner: str, low: int, high: int) -> int:
    """A whole number from ``low`` to ``high``, both included (a spline order 0..5, say).

    >>> int_in(3, "order", "Thing", 0, 5)
    3
    """
    number = _whole(value, name, owner, f"an integer in {low}..{high}")
    if not low <= number <= high:
        raise ValueError(
            f"{owner} expected {name} to be an integer in {low}..{high}, got {value!r}"
        )
    return number


def sequence(
    value: object,
    name: str,
    owner: str,
    check: Callable[[object, str, str], T],
    *,
    item: str,
    distinct: bool = False,
) -> tuple[T, ...]:
    """A non-empty list, tuple or 1-D array whose every entry passes ``check`` (named ``item``
    in its errors, e.g. "each hidden width"); with ``distinct``, a repeated entry is refused by
    value. Returned as a tuple of what ``check`` returned.

    >>> sequence([3, 2], "hidden", "Thing", positive_int, item="each hidden width")
    (3, 2)
    """
    if not isinstance(value, tuple | list) and not (
        isinstance(value, np.ndarray) and value.ndim == 1
    ):
        raise TypeError(f"{owner} expected {name} as a list or tuple, got {value!r}")
    values = tuple(check(entry, item, owner) for entry in value)
    if not values:
        raise ValueError(f"{owner} expected at least one value in {name}, got {value!r}")
    if distinct:
        repeated = next((v for k, v in enumerate(values) if v in values[:k]), None)
        if repeated is not None:
            raise ValueError(
                f"{owner} expected distinct {name}, got {repeated!r} more than once in {value!r}"
            )
    return values


def pair(value: object, name: str, owner: str, *, allow_zero: bool = False) -> tuple[int, int]:
    """Return an int or a pair of ints as ``(height, width)``, each >= 1 (>= 0 with allow_zero)."""
    check = non_negative_int if allow_zero else positive_int
    if isinstance(value, tuple | list):
        if len(value) != 2:
            raise ValueError(f"{owner} expected {name} as an int or a pair, got {value!r}")
        return check(value[0], name, owner), check(value[1], name, owner)
    size = check(value, name, owner)
    return size, size


def floating_array(x: object, owner: str, *, what: str = "input") -> NDArray[np.floating]:
    """Check that ``x`` is a float32 or float64 ndarray (never converts silently)."""
    if not isinstance(x, np.ndarray):
        raise TypeError(f"{owner} expected {what} as a numpy array, got {type(x).__name__}")
    if x.dtype not in FLOAT_DTYPES:
        raise TypeError(f"{owner} expected {what} of dtype float32 or float64, got {x.dtype}")
    return x


def class_labels(
    t: object,
    name: str,
    owner: str,
    *,
    count: int | None = None,
    classes: int | None = None,
    one_hot: bool = False,
) -> NDArray:
    """Class labels: integer indices ``(N,)`` in ``[0, classes)`` (``>= 0`` when ``classes`` is
    None), or with ``one_hot`` also rows ``(N, K)`` of zeros and a single one; ``N == count``
    when ``count`` is given (one label per image). Returned as an array, never converted in kind.
    """
    array = np.asarray(t)
    if one_hot and array.ndim == 2:
        if array.dtype.kind not in "iuf":
            raise TypeError(f"{owner} expected one-hot {name} of numbers, got dtype {array.dtype}")
        if not (np.isin(array, (0, 1)).all() and (array.sum(axis=1) == 1).all()):
            raise ValueError(f"{owner} expected one-hot rows in {name}: zeros and a single one")
        classes = array.shape[1]
    elif array.dtype.kind not in "iu":
        raise TypeError(
            f"{owner} expected {name} as integer class indices, got dtype {array.dtype}"
            + (" (one-hot rows are (N, K))" if one_hot else "")
        )
    elif array.ndim != 1:
        form = "(N,) or one-hot (N, K)" if one_hot else "(N,)"
        raise ValueError(f"{owner} expected {name} of shape {form}, got {shape_text(array.shape)}")
    if count is not None and len(array) != count:
        raise ValueError(
            f"{owner} expected one label per image in {name}, {count} of them, got "
            f"{shape_text(array.shape)}"
        )
    if array.ndim == 1 and array.size:
        low, high = int(array.min()), int(array.max())
        if low < 0 or (classes is not None and high >= classes):
            bound = f"in [0, {classes})" if classes is not None else ">= 0"
            raise ValueError(f"{owner} expected {name} {bound}, got {low if low < 0 else high}")
    return array


def class_indices(
    value: object, name: str, owner: str, *, classes: int | None = None
) -> tuple[int, ...]:
    """Distinct class indices, each in ``[0, classes)`` (``>= 0`` when ``classes`` is None).

    >>> class_indices([0, 6], "classes", "Thing", classes=10)
    (0, 6)
    """
    indices = sequence(value, name, owner, non_negative_int, item=f"each of {name}", distinct=True)
    outside = [index for index in indices if classes is not None and index >= classes]
    if outside:
        raise ValueError(f"{owner} expected {name} in [0, {classes}), got {outside[0]}")
    return indices


# How far a row of probabilities may sum from 1 (float32 rounding over many classes).
PROBABILITY_SUM_TOLERANCE = 1e-3


def probability_rows(p: object, owner: str, *, what: str = "probabilities") -> NDArray:
    """Rows ``(N, K)`` of probabilities: real numbers, finite, non-negative, each row summing to
    1 within :data:`PROBABILITY_SUM_TOLERANCE`. Logits (a model's ``predict``) are refused with
    the fix: ``predict_proba`` or ``softmax``.
    """
    array = np.asarray(p)
    if array.dtype.kind not in "fiu":
        raise TypeError(f"{owner} expected {what} as real numbers, got dtype {array.dtype}")
    if array.ndim != 2 or 0 in array.shape:
        raise ValueError(f"{owner} expected {what} (N, K), got {shape_text(array.shape)}")
    if not np.isfinite(array).all():
        raise ValueError(f"{owner} expected finite {what}, got NaN or inf")
    sums = array.sum(axis=1, dtype=np.float64)
    bad = np.flatnonzero((array < 0).any(axis=1) | (np.abs(sums - 1) > PROBABILITY_SUM_TOLERANCE))
    if bad.size:
        row = int(bad[0])
        raise ValueError(
            f"{owner} expected {what}: rows of non-negative numbers that sum to 1, got "
            f"{bad.size} of {len(array)} rows that do not (row {row} sums to {sums[row]:.4g}, "
            f"its smallest value is {array[row].min():.4g}); these look like logits: pass "
            "model.predict_proba(x) or zeronn.softmax(logits), not model.predict(x)"
        )
    return array


def same_dtype(x: NDArray, expected: np.dtype, owner: str, *, what: str = "input") -> None:
    """Refuse mixing dtypes: a float32 layer given float64 input (or the reverse) is a bug."""
    if x.dtype != expected:
        raise TypeError(
            f"{owner} has {expected} parameters but got {what} of dtype {x.dtype}; "
            f"cast the input with .astype(np.{expected})"
        )


def shape_text(shape: tuple[int, ...]) -> str:
    """Format a shape the way the error messages write it: ``(32, 28, 28)``, ``(10,)``."""
    return str(tuple(int(s) for s in shape))


def existing_folder(path: object, name: str, owner: str) -> Path:
    """Return ``path`` as a Path after checking that it names an existing folder."""
    if not isinstance(path, str | os.PathLike):
        raise TypeError(f"{owner} expected {name} as a path (str or Path), got {path!r}")
    folder = Path(path)
    if not folder.exists():
        raise FileNotFoundError(
            f"{owner} expected {name} to be an existing folder, got {str(path)!r}, "
            "which does not exist"
        )
    if not folder.is_dir():
        raise NotADirectoryError(
            f"{owner} expected {name} to be a folder, got {str(path)!r}, which is a file"
        )
    return folder


def representable(
    number: float, name: str, owner: str, dtype: DTypeLike, *, below_one: bool = False
) -> float:
    """``number`` after checking that ``dtype`` keeps what it means: not 0 unless it is 0, not
    inf, and (``below_one``) still below 1; for settings used in arithmetic with arrays of
    ``dtype``, e.g. an optimizer's eps (1e-50 is 0 in float32: a division by zero).

    >>> representable(1e-8, "eps", "Adam", np.float32)
    1e-08
    """
    dtype = np.dtype(dtype)
    info = np.finfo(dtype)
    with np.errstate(over="ignore", under="ignore"):
        stored = float(dtype.type(number))
    span = f"{dtype} holds magnitudes from {info.smallest_subnormal:.3g} to {info.max:.3g}"
    if number != 0 and stored == 0:
        problem = f"which is 0 in {dtype} ({span})"
    elif not math.isfinite(stored):
        problem = f"which is inf in {dtype} ({span})"
    elif below_one and stored >= 1:
        largest = np.nextafter(dtype.type(1), dtype.type(0))
        problem = f"which rounds to 1 in {dtype} (its largest number below 1 is {largest})"
    else:
        return number
    raise ValueError(
        f"{owner} expected {name} representable in its parameters' dtype, got {number!r}, {problem}"
    )
