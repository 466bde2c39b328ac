"""What every figure function shares: where its Figure comes from, and the optional save.

The rule (stated for users in :mod:`zeronn.plots`): a figure that is to be *shown* is made by
pyplot, so that ``plt.show()`` and a notebook's inline display find it; a figure that is only
*saved* is a bare :class:`~matplotlib.figure.Figure` that pyplot never hears of, so saving in
a loop keeps nothing open and a headless command never chooses a backend.
"""

from __future__ import annotations

import os
from typing import Any

from matplotlib.figure import Figure

from zeronn._checks import boolean
from zeronn._io import atomic_save_figure

PathLike = str | os.PathLike


def shown(path: PathLike | None, show: bool | None, owner: str) -> bool:
    """Whether a figure goes to pyplot: ``show`` when given, else only when it is not saved."""
    if show is None:
        return path is None
    return boolean(show, "show", owner)


def new_figure(path: PathLike | None, show: bool | None, owner: str, **kwargs: Any) -> Figure:
    """A Figure for ``owner``: made by pyplot when :func:`shown`, else bare.

    pyplot is imported here, on the first figure that is shown, never when zeronn.plots is
    imported: a script or command that only saves figures never loads it.
    """
    if shown(path, show, owner):
        import matplotlib.pyplot as plt

        return plt.figure(**kwargs)
    return Figure(**kwargs)


def finish(figure: Figure, path: PathLike | None) -> Figure:
    """Return ``figure``, first writing it to ``path`` (format from the suffix) if given."""
    if path is not None:
        atomic_save_figure(figure, path, dpi=100, bbox_inches="tight")
    return figure
