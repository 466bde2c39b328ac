"""Predictions shown on their images: right in blue, wrong in red, surest mistakes first;
Grad-CAM maps titled the same way. Images may be gray or color (RGB), as in
:mod:`zeronn.plots.images`; ``class_names`` (e.g. an image folder's) name the classes."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure
from numpy.typing import NDArray

from zeronn._checks import positive_int, probability_rows, shape_text
from zeronn.metrics import class_indices
from zeronn.plots._figure import PathLike, finish, new_figure
from zeronn.plots.images import gradcam_overlay, image_grid

WRONG_COLOR = "tab:red"
RIGHT_COLOR = "tab:blue"


def plot_predictions(
    images: NDArray,
    probabilities: NDArray,
    t: NDArray,
    *,
    class_names: Sequence[str] | None = None,
    ncols: int = 8,
    image_shape: tuple[int, int] | None = None,
    path: PathLike | None = None,
    show: bool | None = None,
) -> Figure:
    """Images titled ``predicted (confidence)`` over ``true: label``: red if wrong, blue if right.

    ``probabilities``: (N, K) rows that sum to 1, ``model.predict_proba(x)`` or
    ``zeronn.softmax(logits)`` (logits are refused); the confidence is the predicted class'
    share. ``path`` and ``show``: see :mod:`zeronn.plots`.
    """
    titles, colors = _prediction_titles(
        probabilities, t, len(images), class_names, "plot_predictions"
    )
    return image_grid(
        images,
        titles=titles,
        title_colors=colors,
        ncols=ncols,
        image_shape=image_shape,
        path=path,
        show=show,
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
    show: bool | None = None,
) -> Figure:
    """The most confident mistakes: up to ``max_images`` wrong predictions, surest first.

    ``probabilities``: as in :func:`plot_predictions` (logits are refused). With no mistakes
    at all, the figure says so instead of showing a grid.
    """
    probabilities = np.asarray(probabilities)
    labels = class_indices(t, "plot_misclassified")
    if probabilities.ndim != 2 or len(probabilities) != len(labels):
        raise ValueError(
            f"plot_misclassified expected probabilities (N, K) for {len(labels)} labels, "
            f"got {shape_text(probabilities.shape)}"
        )
    probability_rows(probabilities, "plot_misclassified")
    predicted = probabilities.argmax(axis=1)
    wrong = np.flatnonzero(predicted != labels)
    confidence = probabilities[wrong, predicted[wrong]]
    chosen = wrong[np.argsort(-confidence, kind="stable")][
        : positive_int(max_images, "max_images", "plot_misclassified")
    ]
    if len(chosen) == 0:
        figure = new_figure(path, show, "plot_misclassified", figsize=(4, 1.5))
        figure.text(0.5, 0.5, "no misclassified images", ha="center", va="center")
        return finish(figure, path)
    return plot_predictions(
        images[chosen],
        probabilities[chosen],
        labels[chosen],
        class_names=class_names,
        ncols=ncols,
        image_shape=image_shape,
        path=path,
        show=show,
    )


def plot_gradcam(
    images: NDArray,
    cams: NDArray,
    probabilities: NDArray,
    t: NDArray,
    *,
    class_names: Sequence[str] | None = None,
    alpha: float = 0.5,
    ncols: int = 8,
    image_shape: tuple[int, int] | None = None,
    row_labels: Sequence[str] | None = None,
    path: PathLike | None = None,
    show: bool | None = None,
) -> Figure:
    """Grad-CAM maps (N, H, W) over their images, titled as in :func:`plot_predictions`.

    ``cams``: from :func:`zeronn.explain.grad_cam`, usually for the predicted classes
    ``probabilities.argmax(axis=1)``; each title reads ``predicted (confidence)`` over
    ``true: label``, red if wrong, blue if right. ``probabilities``: as in
    :func:`plot_predictions` (logits are refused). ``row_labels``: one per row of ``ncols``
    images, e.g. what the row holds ("first 8 test digits", "first 8 mistakes").
    ``path`` and ``show``: see :mod:`zeronn.plots`.
    """
    titles, colors = _prediction_titles(probabilities, t, len(images), class_names, "plot_gradcam")
    return gradcam_overlay(
        images,
        cams,
        titles=titles,
        title_colors=colors,
        alpha=alpha,
        ncols=ncols,
        image_shape=image_shape,
        row_labels=row_labels,
        path=path,
        show=show,
    )


def _prediction_titles(
    probabilities: object,
    t: NDArray,
    count: int,
    class_names: Sequence[str] | None,
    owner: str,
) -> tuple[list[str], list[str]]:
    """Per image: the title ``predicted (confidence)`` over ``true: label``, and its color."""
    probabilities = np.asarray(probabilities)
    if probabilities.ndim != 2 or len(probabilities) != count:
        raise ValueError(
            f"{owner} expected probabilities (N, K) for {count} images, "
            f"got {shape_text(probabilities.shape)}"
        )
    probability_rows(probabilities, owner)
    labels = class_indices(t, owner)
    classes = probabilities.shape[1]
    names = [str(k) for k in range(classes)] if class_names is None else list(class_names)
    if len(names) != classes:
        raise ValueError(f"{owner} expected {classes} class names, got {len(names)}")
    predicted = probabilities.argmax(axis=1)
    titles = [
        f"{names[p]} ({probabilities[i, p]:.0%})\ntrue: {names[labels[i]]}"
        for i, p in enumerate(predicted)
    ]
    colors = [
        RIGHT_COLOR if p == y else WRONG_COLOR for p, y in zip(predicted, labels, strict=True)
    ]
    return titles, colors
