"""The confusion matrix as a heat map with the counts (or row shares) written in."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure
from numpy.typing import NDArray

from zeronn._checks import shape_text
from zeronn.plots._figure import PathLike, finish, new_figure


def plot_confusion_matrix(
    cm: NDArray,
    class_names: Sequence[str] | None = None,
    *,
    normalize: bool = False,
    path: PathLike | None = None,
    show: bool | None = None,
) -> Figure:
    """Heat map of a confusion matrix (rows: true class, columns: predicted), counts written in.

    ``normalize`` divides each row by its total, showing per-class recall on the diagonal.
    ``path`` and ``show``: see :mod:`zeronn.plots`.
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
    figure = new_figure(
        path, show, "plot_confusion_matrix", figsize=(size + 1, size), layout="constrained"
    )
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
    return finish(figure, path)
