"""A graded case, and how its right answers are made: zeronn's own layer and central differences.

For each case the grader knows, for every graded array, the right value and how exactly it is
known (an :class:`Expected`):

- a forward output is zeronn's own layer's output for the same arrays: exact up to rounding;
- a gradient is the central difference of the scalar ``f = Σₖ Σ outₖ ⊙ upₖ`` (the outputs of
  zeronn's own layer against the case's random upstream gradients), entry by entry, with the
  allowance of :mod:`zeronn.gradient_error` (what the slope cannot resolve: a kink within a
  step, rounding); at a point chosen to sit on a kink (ReLU at 0, tied maxima) it is zeronn's
  own backward, whose convention there is the one taught.

Nothing here is ever shown to the learner: the report says where an array is wrong and by how
much, never what it should be.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from zeronn.gradient_error import central_differences

# step of the central differences: its truncation error, h²·|f'''|/6, is ~1e-13 here
EPS = 1e-6


@dataclass(frozen=True)
class Expected:
    """The right value of one graded array and what the comparison must allow for.

    ``allowance`` holds, per entry, what the numerical slope cannot resolve (0 for a value
    computed exactly); ``axes`` names the array's axes for the "wrong only in ..." hint.
    """

    value: NDArray[np.float64]
    allowance: NDArray[np.float64]
    axes: tuple[str, ...]
    numerical: bool  # a central difference (True) or zeronn's own computation (False)


@dataclass(frozen=True)
class Region:
    """Entries where a known mistake shows alone: wrong only there means ``hint``."""

    mask: NDArray[np.bool_]
    hint: str


@dataclass(frozen=True)
class Mistake:
    """What an array would be after a known mistake: the learner's matching it means ``hint``."""

    value: NDArray[np.float64]
    hint: str


@dataclass
class Case:
    """One graded call: the arrays the learner's class is built and called with, and the
    right values of what it returns (by graded name: ``y``, ``dx``, ``dW``, ...).

    ``upstream`` holds the backward arguments (a scalar as a 0-d array); ``sentinels`` what
    each parameter's ``grad`` holds before backward (random, to see whether backward wrote it
    or added to it); ``factors`` the case's named constants for the "off by a constant factor"
    hint (name → value, e.g. ``"N, the batch size"`` → 4).
    """

    title: str
    init: dict[str, NDArray]
    options: dict[str, int | float | bool | None]
    inputs: dict[str, NDArray]
    upstream: dict[str, NDArray]
    expected: dict[str, Expected]
    batch: int
    sentinels: dict[str, NDArray] = field(default_factory=dict)
    factors: dict[str, tuple[float, str]] = field(default_factory=dict)
    regions: dict[str, list[Region]] = field(default_factory=dict)
    mistakes: dict[str, list[Mistake]] = field(default_factory=dict)
    nonfinite_hint: str = ""


def numerical_expectations(
    forward: Callable[[], tuple],
    outputs: dict[str, tuple[str, ...]],
    wrt: dict[str, tuple[NDArray, tuple[str, ...]]],
    upstream: tuple[NDArray, ...],
) -> dict[str, Expected]:
    """The right outputs and gradients of a case from zeronn's own layer.

    ``forward()`` runs zeronn's layer and returns its outputs in the order of ``outputs``
    (name → axis names); it reads the arrays of ``wrt`` (gradient name → (array, axis names))
    by reference, and each is perturbed in place, one entry at a time, and restored exactly.
    """
    values = tuple(np.array(value, dtype=np.float64) for value in forward())
    expected = {
        name: Expected(value, np.zeros(value.shape), axes, numerical=False)
        for (name, axes), value in zip(outputs.items(), values, strict=True)
    }

    def evaluate() -> tuple[float, float]:
        """f at the current arrays, and the sum of its terms' absolute values."""
        terms = [np.asarray(out) * up for out, up in zip(forward(), upstream, strict=True)]
        return float(sum(np.sum(t) for t in terms)), float(sum(np.sum(np.abs(t)) for t in terms))

    f0 = evaluate()[0]
    for name, (array, axes) in wrt.items():
        slope, kink, rounding = central_differences(evaluate, array, EPS, f0)
        expected[name] = Expected(slope, kink + rounding, axes, numerical=True)
    return expected


def exact(value: NDArray, axes: tuple[str, ...]) -> Expected:
    """An array known exactly (zeronn's own backward at a kink, by its convention)."""
    value = np.array(value, dtype=np.float64)
    return Expected(value, np.zeros(value.shape), axes, numerical=False)


def off_kink(rng: np.random.Generator, shape: tuple[int, ...], margin: float = 0.1) -> NDArray:
    """Normal values pushed at least ``margin`` away from 0 (no entry within a step of a kink)."""
    z = rng.normal(size=shape)
    return np.sign(z) * (margin + np.abs(z))


def spaced(rng: np.random.Generator, shape: tuple[int, ...], gap: float = 0.05) -> NDArray:
    """Distinct values, any two at least ``gap`` apart, in random order (no ties, none near)."""
    size = int(np.prod(shape))
    values = (np.arange(size) - size / 2) * gap + rng.uniform(0, gap / 4, size=size)
    return rng.permutation(values).reshape(shape)


def upstream_scalar(rng: np.random.Generator) -> NDArray:
    """A random upstream gradient of a scalar loss, never 1 (which would hide an ignored dout)."""
    return np.array(rng.uniform(1.3, 2.5))


def sentinels(rng: np.random.Generator, init: dict[str, NDArray], names: tuple[str, ...]) -> dict:
    """Random values for each parameter's grad before backward (see :class:`Case`)."""
    return {name: rng.normal(size=init[name].shape) for name in names}


def batch_factors(n: int) -> dict[str, tuple[float, str]]:
    return {"N": (float(n), "the batch size")}
