"""Every figure zeronn draws: training curves, confusion matrices, image grids, Grad-CAM.

Each function builds a :class:`matplotlib.figure.Figure` directly (no pyplot), so importing
this module neither picks a backend nor touches global state, and figures are freed with
their last reference. Each returns the Figure and, given ``path``, also writes it atomically
(the format follows the suffix: .png, .pdf, .svg).

Images may be (N, H, W), (N, 1, H, W), (N, 3, H, W) or flattened (N, D) with ``image_shape``.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator
from numpy.typing import NDArray

from zeronn._checks import positive_int, shape_text
from zeronn._io import atomic_save_figure
from zeronn.metrics import class_indices

PathLike = str | os.PathLike
WRONG_COLOR = "tab:red"
RIGHT_COLOR = "tab:blue"


def _finish(figure: Figure, path: PathLike | None) -> Figure:
    if path is not None:
        atomic_save_figure(figure, path, dpi=100, bbox_inches="tight")
    return figure


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
    return _finish(figure, path)


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
    return _finish(figure, path)


def plot_confusion_matrix(
    cm: NDArray,
    class_names: Sequence[str] | None = None,
    *,
    normalize: bool = False,
    path: PathLike | None = None,
) -> Figure:
    """Heat map of a confusion matrix (rows: true class, columns: predicted), counts written in.

    ``normalize`` divides each row by its total, showing per-class recall on the diagonal.
    """
    cm = np.asarray(cm)
    if cm.ndim != 2 or cm.shape[0] != cm.shape[1] or cm.shape[0] == 0:
        raise ValueError(
            f"plot_confusion_matrix expected a square matrix (K, K), got {shape_text(cm.shape)}"
        )
    k = cm.shape[0]
    names = [str(i) for i in range(k)] if class_names is None else [str(n) for n in class_names]
    if len(names) != k:
        raise ValueError(f"plot_confusion_matrix expected {k} class names, got {len(names)}")
    values = cm.astype(np.float64)
    if normalize:
        totals = values.sum(axis=1, keepdims=True)
        values = np.divide(values, totals, out=np.zeros_like(values), where=totals > 0)
    size = max(4.0, 0.55 * k + 2)
    figure = Figure(figsize=(size + 1, size), layout="constrained")
    axes = figure.subplots()
    image = axes.imshow(values, cmap="Blues", vmin=0)
    figure.colorbar(image, ax=axes, shrink=0.8)
    axes.set_xticks(range(k), names, rotation=45, ha="right")
    axes.set_yticks(range(k), names)
    axes.set(xlabel="predicted class", ylabel="true class", title="Confusion matrix")
    threshold = values.max() / 2 if values.size else 0
    for i in range(k):
        for j in range(k):
            text = f"{values[i, j]:.2f}" if normalize else f"{int(cm[i, j])}"
            color = "white" if values[i, j] > threshold else "black"
            axes.text(j, i, text, ha="center", va="center", color=color, fontsize="small")
    return _finish(figure, path)


def _as_images(images: object, image_shape: tuple[int, int] | None, owner: str) -> NDArray:
    """Images as (N, H, W) for gray or (N, H, W, 3) for color, ready for imshow."""
    if not isinstance(images, np.ndarray):
        raise TypeError(f"{owner} expected images as a numpy array, got {type(images).__name__}")
    if images.ndim == 2:
        if image_shape is None:
            side = math.isqrt(images.shape[1])
            if side * side != images.shape[1]:
                raise ValueError(
                    f"{owner} got flattened images {shape_text(images.shape)} that are not "
                    "square; pass image_shape=(H, W)"
                )
            image_shape = (side, side)
        if image_shape[0] * image_shape[1] != images.shape[1]:
            raise ValueError(
                f"{owner} expected image_shape with {images.shape[1]} pixels, got {image_shape}"
            )
        return images.reshape(len(images), *image_shape)
    if images.ndim == 3:
        return images
    if images.ndim == 4 and images.shape[1] == 1:
        return images[:, 0]
    if images.ndim == 4 and images.shape[1] == 3:
        return images.transpose(0, 2, 3, 1)
    raise ValueError(
        f"{owner} expected images (N, H, W), (N, 1, H, W), (N, 3, H, W) or flattened (N, D), "
        f"got {shape_text(images.shape)}"
    )


def image_grid(
    images: NDArray,
    *,
    titles: Sequence[str] | None = None,
    ncols: int = 8,
    image_shape: tuple[int, int] | None = None,
    row_labels: Sequence[str] | None = None,
    title_colors: Sequence[str] | None = None,
    cmap: str = "gray",
    path: PathLike | None = None,
) -> Figure:
    """Show images in a grid of ``ncols`` columns, filled row by row.

    ``titles``: one per image; ``row_labels``: one per row, written left of the row (e.g.
    "original", "augmented" when rows hold an image and its augmented versions).
    Gray images share no color scale: each is shown from its own min to max.
    """
    pictures = _as_images(images, image_shape, "image_grid")
    n = len(pictures)
    if n == 0:
        raise ValueError("image_grid expected at least one image, got 0")
    ncols = min(positive_int(ncols, "ncols", "image_grid"), n)
    nrows = math.ceil(n / ncols)
    for name, labels, expected in (
        ("titles", titles, n),
        ("title_colors", title_colors, n),
        ("row_labels", row_labels, nrows),
    ):
        if labels is not None and len(labels) != expected:
            raise ValueError(f"image_grid expected {expected} {name}, got {len(labels)}")
    figure = Figure(
        figsize=(1.4 * ncols + (0.8 if row_labels else 0), 1.5 * nrows), layout="constrained"
    )
    grid = figure.subplots(nrows, ncols, squeeze=False)
    for index, axes in enumerate(grid.flat):
        axes.set_xticks([])
        axes.set_yticks([])
        if index >= n:
            axes.set_axis_off()
            continue
        axes.imshow(pictures[index], cmap=cmap if pictures.ndim == 3 else None)
        if titles is not None:
            style = {} if title_colors is None else {"color": title_colors[index]}
            axes.set_title(titles[index], fontsize="small", **style)
    if row_labels is not None:
        for row, label in enumerate(row_labels):
            grid[row, 0].set_ylabel(label, fontsize="small")
    return _finish(figure, path)


def plot_predictions(
    images: NDArray,
    probabilities: NDArray,
    t: NDArray,
    *,
    class_names: Sequence[str] | None = None,
    ncols: int = 8,
    image_shape: tuple[int, int] | None = None,
    path: PathLike | None = None,
) -> Figure:
    """Images titled ``predicted (confidence)`` over ``true: label``: red if wrong, blue if right.

    ``probabilities``: (N, K) softmax outputs; the confidence is the predicted class' share.
    """
    probabilities = np.asarray(probabilities)
    if probabilities.ndim != 2 or len(probabilities) != len(images):
        raise ValueError(
            f"plot_predictions expected probabilities (N, K) for {len(images)} images, "
            f"got {shape_text(probabilities.shape)}"
        )
    labels = class_indices(t, "plot_predictions")
    predicted = probabilities.argmax(axis=1)
    names = class_names or [str(k) for k in range(probabilities.shape[1])]
    titles = [
        f"{names[p]} ({probabilities[i, p]:.0%})\ntrue: {names[labels[i]]}"
        for i, p in enumerate(predicted)
    ]
    colors = [
        RIGHT_COLOR if p == y else WRONG_COLOR for p, y in zip(predicted, labels, strict=True)
    ]
    return image_grid(
        images, titles=titles, title_colors=colors, ncols=ncols, image_shape=image_shape, path=path
    )


def plot_misclassified(
    images: NDArray,
    probabilities: NDArray,
    t: NDArray,
    *,
    class_names: Sequence[str] | None = None,
    max_images: int = 32,
    ncols: int = 8,
    image_shape: tuple[int, int] | None = None,
    path: PathLike | None = None,
) -> Figure:
    """The most confident mistakes: up to ``max_images`` wrong predictions, surest first.

    With no mistakes at all, the figure says so instead of showing a grid.
    """
    probabilities = np.asarray(probabilities)
    labels = class_indices(t, "plot_misclassified")
    if probabilities.ndim != 2 or len(probabilities) != len(labels):
        raise ValueError(
            f"plot_misclassified expected probabilities (N, K) for {len(labels)} labels, "
            f"got {shape_text(probabilities.shape)}"
        )
    predicted = probabilities.argmax(axis=1)
    wrong = np.flatnonzero(predicted != labels)
    confidence = probabilities[wrong, predicted[wrong]]
    chosen = wrong[np.argsort(-confidence, kind="stable")][
        : positive_int(max_images, "max_images", "plot_misclassified")
    ]
    if len(chosen) == 0:
        figure = Figure(figsize=(4, 1.5))
        figure.text(0.5, 0.5, "no misclassified images", ha="center", va="center")
        return _finish(figure, path)
    return plot_predictions(
        images[chosen],
        probabilities[chosen],
        labels[chosen],
        class_names=class_names,
        ncols=ncols,
        image_shape=image_shape,
        path=path,
    )


def plot_filters(W: NDArray, *, ncols: int = 8, path: PathLike | None = None) -> Figure:
    """First-layer convolution filters W (F, C, kh, kw) as small gray (C=1) or color (C=3)
    images, each scaled to its own range (dark: negative weights, light: positive).
    """
    W = np.asarray(W)
    if W.ndim != 4 or W.shape[1] not in (1, 3):
        raise ValueError(
            f"plot_filters expected first-layer filters (F, 1 or 3, kh, kw), got "
            f"{shape_text(W.shape)}"
        )
    if W.shape[1] == 3:
        low = W.min(axis=(1, 2, 3), keepdims=True)
        span = W.max(axis=(1, 2, 3), keepdims=True) - low
        W = np.divide(W - low, span, out=np.zeros_like(W, dtype=np.float64), where=span > 0)
    titles = [str(f) for f in range(len(W))]
    return image_grid(W, titles=titles, ncols=ncols, path=path)


def gradcam_overlay(
    images: NDArray,
    cams: NDArray,
    *,
    titles: Sequence[str] | None = None,
    alpha: float = 0.5,
    ncols: int = 8,
    image_shape: tuple[int, int] | None = None,
    path: PathLike | None = None,
) -> Figure:
    """Grad-CAM maps (N, H, W) in [0, 1] drawn in the "jet" colors over the gray images."""
    pictures = _as_images(images, image_shape, "gradcam_overlay")
    cams = np.asarray(cams)
    if cams.shape != pictures.shape[:3]:
        raise ValueError(
            f"gradcam_overlay expected cams {shape_text(pictures.shape[:3])} matching the "
            f"images, got {shape_text(cams.shape)}"
        )
    if not 0 <= alpha <= 1:
        raise ValueError(f"gradcam_overlay expected 0 <= alpha <= 1, got {alpha!r}")
    n = len(pictures)
    ncols = min(positive_int(ncols, "ncols", "gradcam_overlay"), n)
    nrows = math.ceil(n / ncols)
    if titles is not None and len(titles) != n:
        raise ValueError(f"gradcam_overlay expected {n} titles, got {len(titles)}")
    figure = Figure(figsize=(1.6 * ncols, 1.7 * nrows), layout="constrained")
    grid = figure.subplots(nrows, ncols, squeeze=False)
    for index, axes in enumerate(grid.flat):
        axes.set_axis_off()
        if index >= n:
            continue
        axes.imshow(pictures[index], cmap="gray" if pictures.ndim == 3 else None)
        axes.imshow(cams[index], cmap="jet", alpha=alpha, vmin=0, vmax=1)
        if titles is not None:
            axes.set_title(titles[index], fontsize="small")
    return _finish(figure, path)
