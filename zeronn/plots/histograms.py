"""Activation histograms: one column per layer, one row per run (the book's §6.2 figures).

Each histogram counts every entry of one layer's output over a batch, so it shows how the
signal is spread when it leaves that layer: piled at 0 and 1 (a saturated sigmoid, whose
gradient vanishes), squeezed at one value (every unit says the same thing), or spread out (the
layer passes information on). Collect the outputs with :func:`zeronn.inspection.layer_outputs`.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from matplotlib.figure import Figure
from numpy.typing import NDArray

from zeronn._checks import positive_int, real, shape_text
from zeronn.plots._figure import PathLike, finish

_OWNER = "plot_activation_histograms"


def plot_activation_histograms(
    activations: Mapping[str, NDArray] | Mapping[str, Mapping[str, NDArray]],
    *,
    bins: int = 30,
    value_range: tuple[float, float] | None = None,
    path: PathLike | None = None,
) -> Figure:
    """Histograms of layer outputs in a grid: a row per run, a column per layer.

    ``activations``: ``{column title: array}`` for one run, or ``{row label: {column title:
    array}}`` for several (e.g. one row per weight initialization, its label written left of
    the row). Every entry of an array is counted. ``bins``: bars per histogram.
    ``value_range``: ``(low, high)`` shared by every histogram (the book uses (0, 1) for
    sigmoid outputs); None gives each row the range of its own values, so the histograms of
    one row (one network) can be compared layer by layer. The count axis is shared within a
    row too.
    """
    rows = _rows(activations)
    bins = positive_int(bins, "bins", _OWNER)
    if value_range is not None:
        value_range = _range(value_range)
    ncols = max(len(columns) for columns in rows.values())
    figure = Figure(figsize=(2.2 * ncols + 0.6, 2.0 * len(rows) + 0.3), layout="constrained")
    grid = figure.subplots(len(rows), ncols, squeeze=False, sharey="row")
    # Layer titles once, over the top row, when every row has the same layers.
    same_titles = len({tuple(columns) for columns in rows.values()}) == 1
    for row, (label, columns) in enumerate(rows.items()):
        span = value_range or _own_range(columns.values())
        for col, axes in enumerate(grid[row]):
            if col >= len(columns):
                axes.set_axis_off()
                continue
            title, values = list(columns.items())[col]
            axes.hist(values.ravel(), bins=bins, range=span, color="C0")
            if row == 0 or not same_titles:
                axes.set_title(title, fontsize="small")
            axes.tick_params(labelsize="x-small")
        if label:
            grid[row, 0].set_ylabel(label, fontsize="small")
    return finish(figure, path)


def _rows(activations: object) -> dict[str, dict[str, NDArray]]:
    """``activations`` as ``{row label: {column title: finite float array}}``."""
    if not isinstance(activations, Mapping) or not activations:
        raise TypeError(
            f"{_OWNER} expected a non-empty mapping {{layer: array}} or {{run: {{layer: "
            f"array}}}}, got {_kind(activations)}"
        )
    nested = [isinstance(value, Mapping) for value in activations.values()]
    if any(nested) and not all(nested):
        raise TypeError(
            f"{_OWNER} expected every value to be an array (one run) or every value a "
            "mapping {layer: array} (several runs), got a mix"
        )
    runs = activations if all(nested) else {"": activations}
    rows: dict[str, dict[str, NDArray]] = {}
    for label, columns in runs.items():
        if not columns:
            raise ValueError(f"{_OWNER} expected at least one layer for run {label!r}, got none")
        rows[str(label)] = {
            str(title): _values(values, f"{label} / {title}" if label else str(title))
            for title, values in columns.items()
        }
    return rows


def _values(values: object, where: str) -> NDArray:
    array = np.asarray(values)
    if array.dtype.kind not in "fiu" or array.size == 0:
        raise ValueError(
            f"{_OWNER} expected a non-empty array of numbers for {where}, got "
            f"{shape_text(array.shape)} of dtype {array.dtype}"
        )
    if not np.isfinite(array).all():
        raise ValueError(f"{_OWNER} got values that are not finite (NaN or inf) for {where}")
    return array


def _range(value_range: object) -> tuple[float, float]:
    if not isinstance(value_range, tuple | list) or len(value_range) != 2:
        raise TypeError(f"{_OWNER} expected value_range as (low, high), got {value_range!r}")
    low, high = (real(end, "value_range", _OWNER) for end in value_range)
    if not low < high:
        raise ValueError(f"{_OWNER} expected value_range with low < high, got {value_range!r}")
    return low, high


def _own_range(columns: object) -> tuple[float, float]:
    """The smallest and largest value of a row; a row of one value gets a unit-wide range."""
    low = min(float(values.min()) for values in columns)
    high = max(float(values.max()) for values in columns)
    return (low, high) if high > low else (low - 0.5, high + 0.5)


def _kind(value: object) -> str:
    return "an empty mapping" if isinstance(value, Mapping) else type(value).__name__
