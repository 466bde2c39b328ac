"""The learning-rate range test's curve: loss against learning rate, the suggestion marked."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from zeronn.plots._figure import PathLike, finish

_OWNER = "plot_lr_finder"


def plot_lr_finder(result: object, *, path: PathLike | None = None) -> Figure:
    """Loss after each step against that step's lr, on a log lr axis.

    ``result``: a :class:`zeronn.lr_range_test.LRFinderResult`. The loss of each batch is
    drawn faint, the smoothed curve bold; a dotted line marks the lr at the smoothed minimum and
    a dashed one the suggested lr, a tenth of it. The loss axis stops a little above the first
    loss, so the explosion at the end does not flatten the part that matters.
    """
    needed = ("lrs", "losses", "smoothed", "lr_at_minimum", "suggested_lr")
    if not all(hasattr(result, name) for name in needed):
        raise TypeError(
            f"{_OWNER} expected the result of zeronn.lr_finder, got {type(result).__name__}"
        )
    lrs, losses, smoothed = (np.asarray(getattr(result, name)) for name in needed[:3])
    figure = Figure(figsize=(7, 4.5), layout="constrained")
    axes = figure.subplots()
    axes.plot(lrs, losses, color="C0", alpha=0.3, linewidth=0.8, label="loss of one batch")
    axes.plot(lrs, smoothed, color="C0", label="smoothed")
    axes.axvline(
        result.lr_at_minimum,
        color="C3",
        linestyle=":",
        label=f"lowest smoothed loss, lr {result.lr_at_minimum:.2g}",
    )
    axes.axvline(
        result.suggested_lr,
        color="C2",
        linestyle="--",
        label=f"suggested lr {result.suggested_lr:.2g} (a tenth)",
    )
    axes.set_xscale("log")
    low = float(min(losses.min(), smoothed.min()))
    high = float(max(smoothed[: max(1, len(smoothed) // 10)].max(), smoothed.min()))
    margin = 0.1 * (high - low) or 0.1 * abs(high) or 0.1
    axes.set_ylim(max(0.0, low - margin), high + 3 * margin)
    axes.set(xlabel="learning rate (log scale)", ylabel="training loss", title="LR range test")
    axes.grid(alpha=0.3)
    axes.legend(fontsize="small")
    return finish(figure, path)
