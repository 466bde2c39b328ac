"""What every lesson shares: its options, its output folder, its figures, its expected ranges.

A lesson runs three ways::

    python examples/lessons/03_optimizers.py             the whole lesson (its "full mode")
    python examples/lessons/03_optimizers.py --ci        a short run: what CI checks, in seconds
    cell by cell in Jupyter or VS Code                   the "# %%" cells; full mode, defaults

Options: ``--ci``; ``--out DIR``, where the figures go (default: a new folder
``runs/lessons/<lesson>/<date-time>`` under the working directory, so a rerun never overwrites
an earlier one; a notebook started in this folder writes under the checkout's top folder
instead, into the ``runs/`` that git ignores, never among the lessons); ``--seed`` (default
0); ``--threads N``, the BLAS threads (default: the BLAS's own choice, all cores).

Each lesson prints what it measures next to the range that measure falls in (seeds and CPUs
differ, so a lesson states a range, not a number), e.g.
``test accuracy: 97.41%  (expected 96.8%–97.8%)``.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import threadpoolctl

import zeronn
from zeronn.threads import current_threads

HERE = Path(__file__).resolve().parent


def in_notebook() -> bool:
    """Whether this runs in a Jupyter kernel (Jupyter, VS Code's interactive window)."""
    return "ipykernel" in sys.modules


@dataclass
class Lesson:
    """One run of a lesson: its mode, seed and output folder, and the clock since it began."""

    name: str
    ci: bool
    seed: int
    out: Path
    started: float = field(default_factory=time.perf_counter)

    def pick(self, full: object, ci: object) -> object:
        """The full-mode value or the CI one, whichever this run uses."""
        return ci if self.ci else full

    def save(self, figure: object, filename: str) -> Path:
        """Write ``figure`` (a matplotlib Figure) into the output folder; show it in a notebook."""
        self.out.mkdir(parents=True, exist_ok=True)
        path = self.out / filename
        figure.savefig(path, dpi=100, bbox_inches="tight")
        print(f"figure: {path}")
        if in_notebook():  # the saved file itself, whatever matplotlib backend is active
            from IPython.display import Image, display

            display(Image(filename=str(path)))
        return path

    def expect(
        self,
        label: str,
        value: float,
        full: tuple[float, float],
        ci: tuple[float, float] | None = None,
        *,
        percent: bool = False,
    ) -> None:
        """Print ``label: value`` beside the range it falls in for this mode's settings
        (``full`` in full mode, ``ci`` with --ci; ``ci=None``: the same range in both)."""
        low, high = self.pick(full, full if ci is None else ci)

        def shown(number: float) -> str:
            return f"{number:.2%}" if percent else f"{number:.4g}"

        note = "" if low <= value <= high else "  <- outside the range: compare your settings"
        print(f"{label}: {shown(value)}  (expected {shown(low)} to {shown(high)}){note}")

    def finish(self) -> None:
        """Print how long the lesson took, and on how many threads."""
        seconds = time.perf_counter() - self.started
        mode = "--ci" if self.ci else "full"
        print(
            f"{self.name} ({mode} mode) took {seconds:.1f} s on {current_threads()} BLAS "
            f"thread(s); figures in {self.out}"
        )


def default_folder(name: str) -> Path:
    """``runs/lessons/<name>/<date-time>`` (``-2``, ``-3``... if taken) under the working
    directory, or under the checkout's top folder when the working directory is this lessons
    folder (where Jupyter and VS Code start a notebook)."""
    base = Path() if Path.cwd().resolve() != HERE else HERE.parent.parent
    stamp = time.strftime("%Y%m%d-%H%M%S")
    folder, number = base / "runs" / "lessons" / name / stamp, 1
    while folder.exists():
        number += 1
        folder = folder.with_name(f"{stamp}-{number}")
    return folder


def start(name: str, description: str, argv: list[str] | None = None) -> Lesson:
    """Parse the lesson's options (none in a notebook), seed zeronn, print what runs."""
    parser = argparse.ArgumentParser(prog=f"{name}.py", description=description)
    parser.add_argument("--ci", action="store_true", help="a short run with smaller sizes")
    parser.add_argument("--out", type=Path, default=None, help="folder for the figures")
    parser.add_argument("--seed", type=int, default=0, help="zeronn.manual_seed (default 0)")
    parser.add_argument("--threads", type=int, default=None, help="BLAS threads")
    if argv is None and in_notebook():
        argv = []  # a kernel's own arguments (-f kernel.json) are not the lesson's
    args = parser.parse_args(argv)
    if args.threads is not None:
        if args.threads < 1:
            parser.error(f"--threads expected a positive number, got {args.threads}")
        threadpoolctl.threadpool_limits(limits=args.threads)
    zeronn.manual_seed(args.seed)
    out = args.out if args.out is not None else default_folder(name)
    lesson = Lesson(name=name, ci=args.ci, seed=args.seed, out=out)
    mode = "--ci (short)" if args.ci else "full"
    print(f"{name}: {mode} mode, seed {args.seed}, {current_threads()} BLAS thread(s)")
    return lesson
