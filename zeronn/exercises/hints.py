"""Right or wrong, where and by how much, and a hint drawn from the pattern of the error.

:func:`diagnose` compares one array a learner's class returned (``a``) with the right one
(``e``, an :class:`~zeronn.exercises.expected.Expected` with its allowance ``u``). An entry is
wrong when ``|a − e| − u > tol · scale``, where ``scale`` is the RMS of ``e`` (for a gradient,
at least the RMS of all the case's gradients, so that an array whose true gradient is 0 is not
judged on rounding noise) and ``tol`` is 1e-8 for forward values, 1e-6 for gradients: rounding
and the numerical slope's error stay far below, any formula mistake far above.

The hint is the first of these patterns the array matches, each tested against ``e`` without
ever showing it: a wrong shape (transposed axes, the right values in another shape, a sum over
the batch or other axes left out); NaN or infinity; a parameter's grad that backward did not
write, or added to; all zeros; transposed; off by a constant factor (−1: the wrong sign; the
factor named when it is one of the case's: N, 1/N, the upstream ``dout``, √d, ...); a known
mistake of the exercise (a flipped kernel, a constant μ and σ² in BatchNorm, ...); wrong only
where a region of the case says (ReLU's kink, tied maxima, overlapping windows, one gate's
columns); the right values in the wrong places; wrong only in some rows, channels, ... of one
axis. The report shows which entries are wrong and by how much (``|a − e|``), never ``e``.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from zeronn._checks import shape_text
from zeronn.exercises.expected import Case, Expected

FORWARD_TOL = 1e-8
GRADIENT_TOL = 1e-6
SHOWN_ENTRIES = 3  # the worst entries a report lists


@dataclass
class Diagnosis:
    """The grade of one array: ``right``, or ``wrong`` with where, how much and a hint."""

    right: bool
    wrong: int = 0  # how many entries are wrong (0 when the shape is wrong)
    worst: list[tuple[tuple[int, ...], float]] = field(default_factory=list)  # (index, |a − e|)
    relative_error: float | None = None  # RMS(a − e) / scale (NaN or inf where a is)
    hint: str = ""


class Judge:
    """Compares arrays with one expected array at its tolerance (see the module docstring)."""

    def __init__(self, expected: Expected, tol: float, floor: float) -> None:
        self.e, self.u = expected.value, expected.allowance
        self.axes = expected.axes
        rms = float(np.sqrt(np.mean(self.e**2))) if self.e.size else 0.0
        self.scale = max(rms, floor, np.finfo(np.float64).tiny)
        self.tol = tol

    def wrong(self, a: NDArray, e: NDArray | None = None, u: NDArray | None = None) -> NDArray:
        """Where ``a`` is wrong against ``e`` (default: the expected array); NaN is wrong."""
        e = self.e if e is None else e
        u = self.u if u is None else u
        with np.errstate(invalid="ignore", over="ignore"):
            return ~(np.abs(a - e) - u <= self.tol * self.scale)

    def close(self, a: NDArray, e: NDArray, u: NDArray | float = 0.0, factor: float = 1.0) -> bool:
        """Whether ``a`` matches ``e`` (of the same shape) to ``factor`` × the tolerance."""
        if a.shape != e.shape:
            return False
        with np.errstate(invalid="ignore", over="ignore"):
            return bool(np.all(np.abs(a - e) - u <= 10 * self.tol * self.scale * factor))


def diagnose(
    a: NDArray, name: str, expected: Expected, case: Case, tol: float, floor: float
) -> Diagnosis:
    """Grade ``a``, the learner's array called ``name``, against ``expected`` in ``case``."""
    judge = Judge(expected, tol, floor)
    if a.dtype != np.float64:  # float64 in, float64 out: a layer keeps its input's dtype
        why = f"dtype {a.dtype}, not float64: keep the inputs' dtype"
        close = a.shape == judge.e.shape and np.allclose(a, judge.e, 1e-5, 1e-5 * judge.scale)
        return Diagnosis(False, hint=why + (" (the values are right)" if close else ""))
    if a.shape != judge.e.shape:
        return Diagnosis(False, hint=shape_hint(a, judge, case))
    wrong = judge.wrong(a)
    if not wrong.any():
        return Diagnosis(True)
    with np.errstate(invalid="ignore", over="ignore"):
        error = np.abs(a - judge.e)  # NaN or inf where a is
        rms = float(np.sqrt(np.mean(error**2)))
    order = np.argsort(np.where(wrong, np.nan_to_num(error, nan=np.inf), -1.0), axis=None)
    worst = [
        (tuple(int(i) for i in np.unravel_index(flat, a.shape)), float(error.flat[flat]))
        for flat in order[::-1][: min(SHOWN_ENTRIES, int(wrong.sum()))]
    ]
    hint = value_hint(a, name, wrong, judge, case)
    if not a.any():  # |0 − e| would be the right values' magnitudes: show none
        worst = []
    return Diagnosis(False, int(wrong.sum()), worst, rms / judge.scale, hint)


def shape_hint(a: NDArray, judge: Judge, case: Case) -> str:
    e = judge.e
    text = f"shape {shape_text(a.shape)}, not {shape_text(e.shape)}"
    if a.size == e.size:
        if a.ndim == e.ndim <= 5:
            for perm in itertools.permutations(range(e.ndim)):
                moved = e.transpose(perm)
                if moved.shape == a.shape and judge.close(a, moved, judge.u.transpose(perm)):
                    return f"{text}: {transposed(perm)}"
        if judge.close(a.reshape(e.shape), e, judge.u):
            return f"{text}, with the right values in order: reshape it"
        if judge.close(np.sort(a, axis=None), np.sort(e, axis=None), np.max(judge.u)):
            return f"{text}, with the right values in the wrong places"
    for count in range(1, min(a.ndim, 6) + 1):
        for axes in itertools.combinations(range(a.ndim), count):
            summed = a.sum(axis=axes)
            if summed.shape == e.shape and judge.close(summed, e, judge.u):
                return f"{text}; summed over {sum_axes(a, axes, case)} it would be right: " + (
                    "a sum over the batch is missing"
                    if axes == (0,) and a.shape[0] == case.batch
                    else "a sum is missing"
                )
    return text


def value_hint(a: NDArray, name: str, wrong: NDArray, judge: Judge, case: Case) -> str:
    e, u = judge.e, judge.u
    bad = ~np.isfinite(a)
    if bad.any():
        count = int(bad.sum())
        text = "it is" if a.size == 1 else "1 entry is" if count == 1 else f"{count} entries are"
        text += " NaN or infinite"
        return f"{text}: {case.nonfinite_hint}" if case.nonfinite_hint else text
    param = name[1:]
    if name.startswith("d") and param in case.sentinels:
        sentinel = case.sentinels[param]
        if np.array_equal(a, sentinel):
            return f"backward did not write self.{param}.grad: it holds what it held before"
        if judge.close(a - sentinel, e, u):
            return (
                f"backward added its gradient to self.{param}.grad (+=) instead of writing it "
                "(=): grad must hold this backward's gradient only"
            )
    if not a.any():
        return "all zeros"
    if e.ndim >= 2:
        for perm in itertools.permutations(range(e.ndim)):
            moved = e.transpose(perm)
            if perm != tuple(range(e.ndim)) and judge.close(a, moved, u.transpose(perm)):
                return ("transposed: " if e.ndim == 2 else "axes swapped: ") + transposed(perm)
    factor = constant_factor(a, judge, case)
    if factor:
        return factor
    for mistake in case.mistakes.get(name, []):
        if judge.close(a, mistake.value, u):
            return mistake.hint
    for region in case.regions.get(name, []):
        if not (wrong & ~region.mask).any():
            return region.hint
    if judge.close(np.sort(a, axis=None), np.sort(e, axis=None), np.max(u)):
        return "the right values in the wrong places (a reshape where a transpose belongs?)"
    return confined(wrong, judge.axes)


def constant_factor(a: NDArray, judge: Judge, case: Case) -> str:
    """``a ≈ k·e`` for a constant k ≠ 1: the wrong sign, or a factor, named if it is known."""
    e = judge.e
    norm = float(np.sum(e * e))
    if norm == 0:
        return ""
    k = float(np.sum(a * e)) / norm
    if abs(k - 1) < 1e-6 or abs(k) < 1e-9 or not judge.close(a, k * e, abs(k) * judge.u, abs(k)):
        return ""
    if abs(k + 1) < 1e-6:
        return "the wrong sign: yours is the negative of the right array"
    sign = "-" if k < 0 else ""
    known = {"2": (2.0, ""), **case.factors}
    for symbol, (value, meaning) in known.items():
        for expression, candidate in ((symbol, value), (f"1/{symbol}", 1 / value)):
            if abs(abs(k) / candidate - 1) < 1e-6:
                about = f" ({symbol} = {value:.4g}, {meaning})" if meaning else ""
                return (
                    f"off by a constant factor: yours is {sign}{expression} times the right "
                    f"array{about}"
                )
    return f"off by a constant factor: yours is {k:.4g} times the right array"


def transposed(perm: tuple[int, ...]) -> str:
    """What ``a = e.transpose(perm)`` means, in words."""
    if len(perm) == 2:
        return "yours is the transpose of the right array (a product's factors swapped?)"
    return f"yours is the right array with its axes in the order {perm}"


def sum_axes(a: NDArray, axes: tuple[int, ...], case: Case) -> str:
    words = []
    for axis in axes:
        batch = " (the batch)" if axis == 0 and a.shape[0] == case.batch else ""
        words.append(f"{axis}{batch}")
    return f"its axis {words[0]}" if len(words) == 1 else f"its axes {', '.join(words)}"


def confined(wrong: NDArray, axes: tuple[str, ...]) -> str:
    """``wrong only in sample 0 (axis 0)`` when the wrong entries lie in some indices of an axis."""
    parts = []
    for axis in range(wrong.ndim):
        others = tuple(k for k in range(wrong.ndim) if k != axis)
        hit = np.flatnonzero(wrong.any(axis=others))
        if 0 < len(hit) < wrong.shape[axis]:
            name = axes[axis] if axis < len(axes) else "index"
            if len(hit) > 1:
                name = name[:-1] + "ies" if name.endswith("y") else name + "s"
            parts.append(f"{name} {', '.join(str(i) for i in hit)} (axis {axis})")
    return f"wrong only in {' and '.join(parts)}" if parts else ""
