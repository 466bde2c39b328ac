"""Training curves: loss and accuracy per epoch, and the loss of every step."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from zeronn._checks import positive_int
from zeronn.plots._figure import PathLike, finish


def _runs(history_or_runs: Any) -> dict[str, Any]:
    """One History, or a mapping ``{run name: History}``, as a mapping."""
    if isinstance(history_or_runs, Mapping):
        if not history_or_runs:
            raise ValueError("expected at least one run, got an empty mapping")
        return dict(history_or_runs)
    if not hasattr(history_or_runs, "loss"):
        raise TypeError(
            f"expected a History or a mapping of run names to Histories, "
            f"got {type(history_or_runs).__name__}"
        )
    return {"": history_or_runs}


def plot_history(
    history_or_runs: Any, *, log_scale: bool = False, path: PathLike | None = None
) -> Figure:
    """Loss (left) and accuracy (right) per epoch for one run or several.

    ``history_or_runs``: a History or ``{name: History}``. Training curves are solid, the
    validation curves of the same run dashed in the same color. ``log_scale`` puts the loss
    axis on a log scale, where late small improvements stay visible.
    """
    runs = _runs(history_or_runs)
    figure = Figure(figsize=(10, 4), layout="constrained")
    loss_axes, accuracy_axes = figure.subplots(1, 2)
    for color_index, (name, history) in enumerate(runs.items()):
        color = f"C{color_index % 10}"
        prefix = f"{name} " if name else ""
        epochs = np.arange(1, len(history.loss) + 1)
        for axes, key in ((loss_axes, "loss"), (accuracy_axes, "accuracy")):
            axes.plot(
                epochs,
                getattr(history, key),
                color=color,
                marker="o",
                markersize=3,
                label=f"{prefix}train",
            )
            validation = getattr(history, f"val_{key}")
            if validation:
                axes.plot(
                    epochs[: len(validation)],
                    validation,
                    color=color,
                    linestyle="--",
                    marker="o",
                    markersize=3,
                    label=f"{prefix}validation",
                )
    loss_axes.set(xlabel="epoch", ylabel="loss", title="Loss")
    accuracy_axes.set(xlabel="epoch", ylabel="accuracy", title="Accuracy")
    if log_scale:
        loss_axes.set_yscale("log")
    for axes in (loss_axes, accuracy_axes):
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        axes.grid(alpha=0.3)
        axes.legend(fontsize="small")
    return finish(figure, path)


def plot_step_losses(
    history_or_runs: Any,
    *,
    smoothing: int = 1,
    log_scale: bool = False,
    path: PathLike | None = None,
) -> Figure:
    """The loss of every training step, one curve per run (e.g. to compare optimizers).

    ``smoothing``: width in steps of a moving average drawn over the raw curve (1 = none).
    """
    runs = _runs(history_or_runs)
    smoothing = positive_int(smoothing, "smoothing", "plot_step_losses")
    figure = Figure(figsize=(7, 4.5), layout="constrained")
    axes = figure.subplots()
    for color_index, (name, history) in enumerate(runs.items()):
        color = f"C{color_index % 10}"
        losses = np.asarray(history.step_loss, dtype=np.float64)
        steps = np.arange(1, len(losses) + 1)
        if smoothing > 1 and len(losses) >= smoothing:
            axes.plot(steps, losses, color=color, alpha=0.25, linewidth=0.8)
            kernel = np.full(smoothing, 1.0 / smoothing)
            axes.plot(
                steps[smoothing - 1 :],
                np.convolve(losses, kernel, mode="valid"),
                color=color,
                label=name or None,
            )
        else:
            axes.plot(steps, losses, color=color, label=name or None)
    axes.set(xlabel="step", ylabel="training loss", title="Loss per step")
    if log_scale:
        axes.set_yscale("log")
    axes.grid(alpha=0.3)
    if any(runs):
        axes.legend(fontsize="small")
    return finish(figure, path)
