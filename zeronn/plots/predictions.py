"""Predictions shown on their images: right in blue, wrong in red, surest mistakes first."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure
from numpy.typing import NDArray

from zeronn._checks import positive_int, shape_text
from zeronn.metrics import class_indices
from zeronn.plots._figure import PathLike, finish
from zeronn.plots.images import image_grid

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
        return finish(figure, path)
    return plot_predictions(
        images[chosen],
        probabilities[chosen],
        labels[chosen],
        class_names=class_names,
        ncols=ncols,
        image_shape=image_shape,
        path=path,
    )
