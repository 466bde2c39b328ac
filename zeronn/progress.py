"""The Keras-style progress line shown while an epoch trains.

::

     50/188 [=======>......................] - ETA: 2s - loss: 0.9120 - accuracy: 0.4410
    188/188 [==============================] - 3s 16ms/step - loss: 0.7213 - accuracy: 0.5663

Where the line goes decides how it is drawn, so that progress shows everywhere:

- a terminal: redrawn in place with a carriage return, at most every 0.1 s;
- a notebook (Jupyter, VS Code: an ipykernel stream, not a terminal, but one that honours the
  carriage return): redrawn in place too, at most every 0.5 s, each redraw being a message;
- anything else (a pipe, a log file, a CI log, a test's StringIO): a whole line every
  :data:`LOG_INTERVAL_SECONDS` while the epoch runs, so a long epoch is seen moving, and the
  finished line at its end; an epoch shorter than that writes the finished line only.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Mapping
from typing import TextIO

from zeronn._checks import positive_int

BAR_WIDTH = 30
# Redrawing a terminal line per step would cost more than a small model's step.
REDRAW_INTERVAL_SECONDS = 0.1
# A notebook's redraw is a message to the browser: fewer of them.
NOTEBOOK_REDRAW_SECONDS = 0.5
# In a pipe or a log every line stays: one every so often, not a line per step.
LOG_INTERVAL_SECONDS = 10.0


def format_duration(seconds: float) -> str:
    """Whole seconds as ``3s``, ``2:05`` or ``1:02:05``.

    >>> format_duration(3.4), format_duration(125), format_duration(3725)
    ('3s', '2:05', '1:02:05')
    """
    whole = round(seconds)
    if whole < 60:
        return f"{whole}s"
    minutes, secs = divmod(whole, 60)
    if minutes < 60:
        return f"{minutes}:{secs:02d}"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}"


def format_time_per_step(seconds: float) -> str:
    """Time per step in the unit that keeps it readable: ``2s/step``, ``16ms/step``, ``85us/step``.

    >>> format_time_per_step(0.0161), format_time_per_step(0.000085), format_time_per_step(2.4)
    ('16ms/step', '85us/step', '2s/step')
    """
    if seconds >= 1:
        return f"{seconds:.0f}s/step"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.0f}ms/step"
    return f"{seconds * 1e6:.0f}us/step"


def format_logs(logs: Mapping[str, float]) -> str:
    """`` - loss: 0.7213 - accuracy: 0.5663`` for each metric, in the mapping's order."""
    return "".join(f" - {name}: {value:.4f}" for name, value in logs.items())


def format_progress(
    step: int, total: int, elapsed: float, logs: Mapping[str, float], *, width: int = BAR_WIDTH
) -> str:
    """One progress line after ``step`` of ``total`` steps, ``elapsed`` seconds into the epoch.

    While running the line shows the estimated time left (elapsed time per step times the
    steps left); when ``step == total`` it shows the epoch's time and the time per step.
    """
    digits = len(str(total))
    filled = width * step // total
    if step >= total:
        bar = "=" * width
        timing = f"{format_duration(elapsed)} {format_time_per_step(elapsed / total)}"
    else:
        bar = ("=" * max(filled - 1, 0) + ">").ljust(width, ".")
        eta = elapsed / step * (total - step) if step else 0.0
        timing = f"ETA: {format_duration(eta)}"
    return f"{step:>{digits}}/{total} [{bar}] - {timing}{format_logs(logs)}"


class ProgressLine:
    """Draws the progress line of one epoch on ``stream``.

    ``verbose=0`` writes nothing; ``verbose=1`` writes the line: in place on a terminal or in
    a notebook, else a line every :data:`LOG_INTERVAL_SECONDS` and one at the end (see the
    module docstring). ``clock`` returns seconds; tests pass a fake one.
    """

    def __init__(
        self,
        total_steps: int,
        *,
        stream: TextIO | None = None,
        verbose: int = 1,
        clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        self.total_steps = positive_int(total_steps, "total_steps", "ProgressLine")
        if verbose not in (0, 1):
            raise ValueError(f"ProgressLine expected verbose 0 or 1, got {verbose!r}")
        self.stream = sys.stdout if stream is None else stream
        self.verbose = verbose
        self.clock = clock
        notebook = _is_notebook(self.stream)
        self.in_place = verbose == 1 and (notebook or _is_terminal(self.stream))
        self.interval = (
            (NOTEBOOK_REDRAW_SECONDS if notebook else REDRAW_INTERVAL_SECONDS)
            if self.in_place
            else LOG_INTERVAL_SECONDS
        )
        self._start = clock()
        # a line in a log waits a whole interval from the start; a redraw can come at once
        self._last_draw = self._start if not self.in_place else -float("inf")
        self._drawn_width = 0

    def update(self, step: int, logs: Mapping[str, float]) -> None:
        """Show the line after ``step`` steps: redrawn in place at most every ``interval``
        seconds, or, in a pipe or a log, written whole at most every ``interval`` seconds."""
        if not self.verbose or step >= self.total_steps:
            return
        now = self.clock()
        if now - self._last_draw < self.interval:
            return
        self._last_draw = now
        line = format_progress(step, self.total_steps, now - self._start, logs)
        self._draw(line, end="" if self.in_place else "\n")

    def finish(self, logs: Mapping[str, float]) -> str:
        """Write the finished line (with any val_ metrics in ``logs``) and return it."""
        line = format_progress(self.total_steps, self.total_steps, self.clock() - self._start, logs)
        if self.verbose:
            self._draw(line, end="\n")
        return line

    def _draw(self, line: str, *, end: str) -> None:
        if self.in_place:
            # Pad with spaces so a shorter line fully covers the longer one it replaces.
            padded = line.ljust(self._drawn_width)
            self._drawn_width = len(line)
            self.stream.write("\r" + padded + end)
        else:
            self.stream.write(line + end)
        self.stream.flush()


def _is_terminal(stream: TextIO) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def _is_notebook(stream: TextIO) -> bool:
    """Whether ``stream`` is a Jupyter kernel's output (ipykernel's OutStream), whose frontends
    (Jupyter, VS Code, Colab) draw a carriage return as a terminal does."""
    return type(stream).__module__.split(".")[0] == "ipykernel"
