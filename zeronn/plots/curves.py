"""Training curves: loss and accuracy per epoch (the kept epoch marked), and the loss of every
step; a log loss axis where the curves span a decade or more."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from zeronn._checks import boolean, int_in, positive_int
from zeronn.plots._figure import PathLike, finish, new_figure

# Loss curves whose largest value is at least this many times their smallest are drawn on a
# log axis when log_scale is None.
LOG_SCALE_SPAN = 10.0


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


def spans_decades(values: Any) -> bool:
    """Whether positive ``values`` span at least a factor :data:`LOG_SCALE_SPAN` (a decade).

    The rule ``log_scale=None`` follows: on a linear axis such a curve is a cliff and then a
    flat line, and the late improvements a learner looks for are invisible.

    >>> spans_decades([2.3, 0.5, 0.3]), spans_decades([2.3, 0.05, 0.01])
    (False, True)
    """
    array = np.asarray(values, dtype=np.float64)
    array = array[np.isfinite(array)]
    if array.size == 0 or (array <= 0).any():
        return False
    return bool(array.max() >= LOG_SCALE_SPAN * array.min())


def plot_history(
    history_or_runs: Any,
    *,
    log_scale: bool | None = None,
    best_epoch: int | Mapping[str, int] | None = None,
    path: PathLike | None = None,
    show: bool | None = None,
) -> Figure:
    """Loss (left) and accuracy (right) per epoch for one run or several.

    ``history_or_runs``: a History or ``{name: History}``. Training curves are solid, the
    validation curves of the same run dashed in the same color. ``log_scale``: the loss axis
    on a log scale; None (the default) chooses it when the losses drawn span a decade or more
    (:func:`spans_decades`). ``best_epoch``: the epoch whose weights were kept (1-based, e.g.
    ``ModelCheckpoint.best_epoch``), or ``{name: epoch}`` for several runs; it is marked on
    both panels with a dotted line and a star on its validation point, and named in the
    legend. ``path`` and ``show``: see :mod:`zeronn.plots`.
    """
    runs = _runs(history_or_runs)
    kept = _kept_epochs(best_epoch, runs)
    if log_scale is None:
        log_scale = spans_decades([v for h in runs.values() for v in (*h.loss, *h.val_loss)])
    log_scale = boolean(log_scale, "log_scale", "plot_history")
    figure = new_figure(path, show, "plot_history", figsize=(10, 4), layout="constrained")
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
            if name in kept:
                _mark_kept(axes, kept[name], validation or getattr(history, key), color, prefix)
    loss_axes.set(xlabel="epoch", ylabel="loss", title="Loss")
    accuracy_axes.set(xlabel="epoch", ylabel="accuracy", title="Accuracy")
    if log_scale:
        loss_axes.set_yscale("log")
        loss_axes.set_title("Loss (log scale)")
    for axes in (loss_axes, accuracy_axes):
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        axes.grid(alpha=0.3)
        axes.legend(fontsize="small")
    return finish(figure, path)


def _kept_epochs(best_epoch: object, runs: dict[str, Any]) -> dict[str, int]:
    """``best_epoch`` as ``{run name: epoch}``, each epoch one the run recorded."""
    if best_epoch is None:
        return {}
    if isinstance(best_epoch, Mapping):
        unknown = sorted(set(best_epoch) - set(runs))
        if unknown:
            raise ValueError(
                f"plot_history got best_epoch for runs {unknown} that are not plotted; "
                f"the runs are {sorted(runs)}"
            )
        chosen = dict(best_epoch)
    elif len(runs) == 1:
        chosen = {next(iter(runs)): best_epoch}
    else:
        raise TypeError(
            "plot_history expected best_epoch as {run name: epoch} for several runs, "
            f"got {best_epoch!r}"
        )
    return {
        name: int_in(
            epoch,
            f"best_epoch of run {name!r}" if name else "best_epoch",
            "plot_history",
            1,
            max(runs[name].epochs, 1),
        )
        for name, epoch in chosen.items()
    }


def _mark_kept(axes: Any, epoch: int, values: Any, color: str, prefix: str) -> None:
    """A dotted line at the kept epoch and a star on its (validation) value."""
    axes.axvline(epoch, color=color, linestyle=":", linewidth=1)
    if epoch <= len(values):
        axes.plot(
            [epoch],
            [values[epoch - 1]],
            linestyle="none",
            marker="*",
            markersize=12,
            color=color,
            label=f"{prefix}kept: epoch {epoch}",
        )


def plot_step_losses(
    history_or_runs: Any,
    *,
    smoothing: int = 1,
    log_scale: bool | None = None,
    path: PathLike | None = None,
    show: bool | None = None,
) -> Figure:
    """The loss of every training step, one curve per run (e.g. to compare optimizers).

    ``smoothing``: width in steps of a moving average drawn over the raw curve (1 = none).
    ``log_scale``: a log loss axis; None (the default) chooses it when the step losses span a
    decade or more (:func:`spans_decades`). ``path`` and ``show``: see :mod:`zeronn.plots`.
    """
    runs = _runs(history_or_runs)
    smoothing = positive_int(smoothing, "smoothing", "plot_step_losses")
    if log_scale is None:
        log_scale = spans_decades([v for h in runs.values() for v in h.step_loss])
    log_scale = boolean(log_scale, "log_scale", "plot_step_losses")
    figure = new_figure(path, show, "plot_step_losses", figsize=(7, 4.5), layout="constrained")
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
