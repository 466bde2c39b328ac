"""Every figure zeronn draws: training curves, confusion matrices, image grids, Grad-CAM.

Each function returns a :class:`matplotlib.figure.Figure`; given ``path``, it also writes it
atomically (the format follows the suffix: .png, .pdf, .svg). Where the Figure comes from
follows one rule, the ``show`` argument every function takes:

- **Not saved** (no ``path``; ``show=None``, the default): the figure is made by pyplot, like
  ``plt.figure()``. ``plt.show()`` in a script shows it, and a notebook shows it under the
  cell. It stays open in pyplot until shown or closed (``plt.close(figure)``), as pyplot's own
  figures do. In a notebook, end the line with ``;`` or assign the figure
  (``figure = plot_history(...)``): a Figure that is also the cell's value is drawn twice.
- **Saved** (``path=...``): the figure is a bare Figure that pyplot never hears of. It is
  written and returned; nothing stays open, so a loop that saves 100 figures leaves none open,
  and a command that only saves never loads pyplot or picks a backend (it runs headless).
  ``display(figure)`` in a notebook or ``figure.savefig(...)`` still work on the returned one.
- ``show=True`` makes a saved figure through pyplot too, to save *and* show it; ``show=False``
  gives a bare Figure without saving it (to draw more on it and save it yourself).

Importing this package never imports pyplot. Functions that take probabilities
(``plot_predictions``, ``plot_misclassified``, ``plot_gradcam``) refuse logits: pass
``model.predict_proba(x)`` or ``zeronn.softmax(logits)``, not ``model.predict(x)``.

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
