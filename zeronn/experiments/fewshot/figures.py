"""The experiment's figures, each built on a standalone ``matplotlib.figure.Figure``.

No pyplot: nothing global is touched, no window can open, and a figure is freed with its
object. Saving is left to the caller, which writes every file atomically at the very end.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure

from zeronn.plots.curves import spans_decades

from .experiment import PairedOutcome, TrainingSet
from .network import IMAGE_SHAPE

# The image grid shows at most this many images per row, however many were drawn.
MAX_GRID_COLUMNS = 20


def loss_curves(outcome: PairedOutcome, *, log_scale: bool, title: str) -> Figure:
    """Training loss per step of both arms on one axes: a log y axis when ``log_scale`` or
    when the losses span a decade or more (:func:`zeronn.plots.curves.spans_decades`)."""
    figure = Figure(figsize=(7, 4.2), layout="constrained")
    axes = figure.add_subplot()
    for run, color in ((outcome.without, "tab:blue"), (outcome.with_rotation, "tab:orange")):
        axes.plot(
            np.arange(len(run.losses)),
            run.losses,
            color=color,
            linewidth=1.4,
            label=f"{run.name} ({run.images} images): test accuracy {run.test_accuracy:.1%}",
        )
    losses = [value for run in (outcome.without, outcome.with_rotation) for value in run.losses]
    if log_scale or spans_decades(losses):
        axes.set_yscale("log")
    axes.set_xlabel("step (one full-batch SGD update each)")
    axes.set_ylabel("training loss (mean cross-entropy)")
    axes.set_title(title, fontsize=10)
    axes.grid(alpha=0.3)
    axes.legend(fontsize=8)
    return figure


def augmented_grid(outcome: PairedOutcome, class_names: Sequence[str], *, literal: bool) -> Figure:
    """The training images: the originals above their rotated copies, each labelled.

    Text design: one column per drawn image, one row per rotation (0°, then each angle).
    Literal reading: the plain arm's draws in the top row, the pool draws below. At most
    :data:`MAX_GRID_COLUMNS` columns are drawn, whatever ``--samples`` is (the title says so),
    so the figure's time and memory do not grow with the training set.
    """
    if literal:
        rows = [_cells(outcome.plain_set, class_names), _cells(outcome.rotated_set, class_names)]
        row_titles = ["from the\noriginals", "from the\nrotated pool"]
    else:
        rotated = outcome.rotated_set
        copies = len(rotated.x) // len(outcome.plain_set.x)
        cells = _cells(rotated, class_names)
        rows = [cells[slot::copies] for slot in range(copies)]
        row_titles = [_angle_text(rotated.angles[slot]) for slot in range(copies)]
    drawn = max(len(row) for row in rows)
    rows = [row[:MAX_GRID_COLUMNS] for row in rows]
    columns = max(len(row) for row in rows)
    # Fixed margins rather than constrained layout: with 30 panels the layout solver costs
    # more than the whole 10-image training run.
    width, height = 1.05 * columns + 0.5, 1.25 * len(rows) + 0.1
    figure = Figure(figsize=(width, height))
    figure.subplots_adjust(
        left=0.45 / width, right=0.99, bottom=0.03, top=1 - 0.3 / height, wspace=0.1, hspace=0.3
    )
    grid = figure.subplots(len(rows), columns, squeeze=False)
    for r, row in enumerate(rows):
        for c in range(columns):
            axes = grid[r, c]
            axes.set_xticks([])
            axes.set_yticks([])
            if c >= len(row):
                axes.set_axis_off()
                continue
            image, text = row[c]
            axes.imshow(image, cmap="gray_r", vmin=0.0, vmax=1.0)
            axes.set_title(text, fontsize=7)
        grid[r, 0].set_ylabel(row_titles[r], fontsize=8)
    if drawn > columns:
        figure.suptitle(f"the first {columns} of {drawn} images", fontsize=9)
    return figure


def _cells(training_set: TrainingSet, class_names: Sequence[str]) -> list[tuple[np.ndarray, str]]:
    cells = []
    for x, t, source, angle in zip(
        training_set.x, training_set.t, training_set.sources, training_set.angles, strict=True
    ):
        text = f"#{source} {class_names[int(t)]}"
        if angle:
            text += f" {_angle_text(angle)}"
        cells.append((x.reshape(IMAGE_SHAPE), text))
    return cells


def _angle_text(angle: float) -> str:
    return "original" if angle == 0 else f"{angle:+g}°"


def accuracy_vs_size(rows: list[dict[str, object]], *, repeats: int) -> Figure:
    """Test accuracy against training-set size, per sampling scheme, with and without rotation.

    Error bars are ± one standard deviation over repeats (only when repeats > 1).
    """
    figure = Figure(figsize=(7, 4.2), layout="constrained")
    axes = figure.add_subplot()
    styles = {"random": "-", "per-class": "--"}
    colors = {"without": "tab:blue", "with": "tab:orange"}
    for sampling, linestyle in styles.items():
        chosen = [row for row in rows if row["sampling"] == sampling]
        sizes = np.array([row["samples"] for row in chosen])
        for arm, color in colors.items():
            means = np.array([row[arm]["mean"] for row in chosen])
            errors = None
            if repeats > 1:
                errors = np.array([row[arm]["std"] for row in chosen])
            axes.errorbar(
                sizes,
                100 * means,
                yerr=None if errors is None else 100 * errors,
                linestyle=linestyle,
                marker="o",
                markersize=4,
                capsize=3,
                color=color,
                label=f"{sampling}, {arm} rotation",
            )
    axes.set_xscale("log")
    axes.set_xlabel("original training images (before rotation)")
    axes.set_ylabel("test accuracy (%), 10,000 images")
    suffix = f"mean ± std over {repeats} draws" if repeats > 1 else "one draw per point"
    axes.set_title(f"Accuracy against training-set size ({suffix})", fontsize=10)
    axes.grid(alpha=0.3, which="both")
    axes.legend(fontsize=8)
    return figure


def prediction_histograms(rows: list[dict[str, object]], class_names: Sequence[str]) -> Figure:
    """Predicted-class counts on the test set, one panel per (init, arm) of the init study.

    A network that did not learn predicts one or two classes for almost everything; the
    panel title says so in words, not only in bars.
    """
    figure = Figure(figsize=(10, 2.3 * len(rows)), layout="constrained")
    grid = figure.subplots(len(rows), 2, squeeze=False, sharey=True)
    positions = np.arange(len(class_names))
    for r, row in enumerate(rows):
        for c, arm in enumerate(("without", "with")):
            detail = row[f"first_repeat_{arm}"]
            axes = grid[r, c]
            learned = detail["learned"]
            axes.bar(
                positions,
                detail["predicted_class_counts"],
                color="tab:green" if learned else "tab:red",
            )
            axes.set_xticks(positions, [str(name) for name in class_names], fontsize=7)
            verdict = "learned" if learned else "DID NOT LEARN"
            axes.set_title(
                f"init {row['init']}, {arm} rotation: {verdict}; test accuracy "
                f"{detail['test_accuracy']:.1%}, loss {detail['initial_loss']:.2f}"
                f"→{detail['final_loss']:.3g}",
                fontsize=8,
            )
            axes.axhline(
                sum(detail["predicted_class_counts"]) / len(class_names),
                color="gray",
                linewidth=0.8,
                linestyle=":",
            )
        grid[r, 0].set_ylabel("test images predicted")
    figure.suptitle(
        "Predicted class on the 10,000 test images (dotted: a uniform spread)", fontsize=10
    )
    return figure
