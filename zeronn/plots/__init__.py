"""Every figure zeronn draws: training curves, confusion matrices, image grids, Grad-CAM.

Each function builds a :class:`matplotlib.figure.Figure` directly (no pyplot), so importing
this package neither picks a backend nor touches global state, and figures are freed with
their last reference. Each returns the Figure and, given ``path``, also writes it atomically
(the format follows the suffix: .png, .pdf, .svg).

One module per kind of figure: ``curves`` (per-epoch and per-step training curves),
``matrices`` (the confusion matrix), ``images`` (image grids, filters, Grad-CAM overlays) and
``predictions`` (predicted labels on their images, and Grad-CAM maps titled with them).
"""

from zeronn.plots._figure import PathLike
from zeronn.plots.curves import plot_history, plot_step_losses
from zeronn.plots.images import gradcam_overlay, image_grid, plot_filters
from zeronn.plots.matrices import plot_confusion_matrix
from zeronn.plots.predictions import (
    RIGHT_COLOR,
    WRONG_COLOR,
    plot_gradcam,
    plot_misclassified,
    plot_predictions,
)

__all__ = [
    "RIGHT_COLOR",
    "WRONG_COLOR",
    "PathLike",
    "gradcam_overlay",
    "image_grid",
    "plot_confusion_matrix",
    "plot_filters",
    "plot_gradcam",
    "plot_history",
    "plot_misclassified",
    "plot_predictions",
    "plot_step_losses",
]
