"""Summary statistics for repeated runs: mean ± sample std, and the paired difference's CI.

Used by every study that repeats runs over seeds (``zeronn fewshot``, ``zeronn flip-balance``),
so the same values give the same summary everywhere; with a single value the std is None
(one run says nothing about spread), never 0.

For paired differences d_i = with_i − without_i over n repeats (same images, same initial
weights in both arms of repeat i)::

    mean  = (1/n) Σ d_i
    std   = sqrt( Σ (d_i − mean)² / (n − 1) )          (sample standard deviation)
    CI    = mean ± t_{n−1, 1−α/2} · std / sqrt(n)       (Student t, α = 1 − confidence)

Pairing removes the variance that both arms share (which images, which initial weights), so
the interval is about the effect of rotation alone.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
from numpy.typing import ArrayLike


@dataclass(frozen=True)
class Summary:
    """Mean and sample standard deviation (None for a single value) of ``n`` values."""

    n: int
    mean: float
    std: float | None

    def as_dict(self) -> dict[str, float | int | None]:
        """The fields as a JSON-ready dict."""
        return asdict(self)


@dataclass(frozen=True)
class PairedDifference:
    """Mean paired difference with its Student-t confidence interval (None when n < 2)."""

    n: int
    mean: float
    std: float | None
    confidence: float
    ci_low: float | None
    ci_high: float | None

    def as_dict(self) -> dict[str, float | int | None]:
        """The fields as a JSON-ready dict."""
        return asdict(self)


def summarize(values: ArrayLike) -> Summary:
    """Mean and sample std (ddof=1) of a 1-D sequence of at least one value.

    >>> summarize([1.0, 2.0, 3.0])
    Summary(n=3, mean=2.0, std=1.0)
    """
    array = _as_1d(values, "summarize")
    std = float(array.std(ddof=1)) if array.size > 1 else None
    return Summary(n=int(array.size), mean=float(array.mean()), std=std)


def mean_std(values: ArrayLike) -> dict[str, object]:
    """Elementwise mean and sample std (ddof=1) over the first axis, as JSON-ready lists.

    For per-class scores of several runs, ``values`` is (runs, classes). With one run the std
    is None, as in :func:`summarize`.

    >>> mean_std([[0.5, 1.0], [0.75, 1.0]])
    {'mean': [0.625, 1.0], 'std': [0.1767766952966369, 0.0]}
    >>> mean_std([0.25])
    {'mean': 0.25, 'std': None}
    """
    array = np.asarray(values, dtype=np.float64)
    if array.ndim == 0 or len(array) == 0:
        raise ValueError(
            f"mean_std expected at least one run along the first axis, got {array.shape}"
        )
    std = array.std(axis=0, ddof=1).tolist() if len(array) > 1 else None
    return {"mean": array.mean(axis=0).tolist(), "std": std}


def paired_difference(
    with_values: ArrayLike, without_values: ArrayLike, *, confidence: float = 0.95
) -> PairedDifference:
    """Mean of ``with − without`` pairs and its two-sided Student-t confidence interval.

    Both inputs are 1-D of the same length n >= 1; with n = 1 the std and the interval are
    None (one pair says nothing about spread).
    """
    with_array = _as_1d(with_values, "paired_difference")
    without_array = _as_1d(without_values, "paired_difference")
    if with_array.shape != without_array.shape:
        raise ValueError(
            f"paired_difference expected two sequences of the same length, got "
            f"{with_array.size} and {without_array.size}"
        )
    if not 0 < confidence < 1:
        raise ValueError(f"paired_difference expected confidence in (0, 1), got {confidence!r}")
    differences = with_array - without_array
    n = differences.size
    mean = float(differences.mean())
    if n < 2:
        return PairedDifference(n, mean, None, confidence, None, None)
    std = float(differences.std(ddof=1))
    # imported here: scipy.stats takes 0.4 s to import, which a study's worker process (it
    # only runs and scores) and a study without paired differences need not pay
    from scipy import stats

    t_critical = float(stats.t.ppf(0.5 + confidence / 2, df=n - 1))
    half_width = t_critical * std / math.sqrt(n)
    return PairedDifference(n, mean, std, confidence, mean - half_width, mean + half_width)


def _as_1d(values: ArrayLike, owner: str) -> np.ndarray:
    array = np.asarray(values, dtype=np.float64)
    if array.ndim != 1 or array.size == 0:
        raise ValueError(
            f"{owner} expected a 1-D sequence of at least one number, got shape {array.shape}"
        )
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{owner} expected finite numbers, got {array.tolist()}")
    return array
