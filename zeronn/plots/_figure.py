"""What every figure function shares: the optional atomic save at the end."""

from __future__ import annotations

import os

from matplotlib.figure import Figure

from zeronn._io import atomic_save_figure

PathLike = str | os.PathLike


def finish(figure: Figure, path: PathLike | None) -> Figure:
    """Return ``figure``, first writing it to ``path`` (format from the suffix) if given."""
    if path is not None:
        atomic_save_figure(figure, path, dpi=100, bbox_inches="tight")
    return figure
