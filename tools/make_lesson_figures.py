"""Regenerate docs/figures/lessons/: run every lesson's full mode and copy its figures.

    python tools/make_lesson_figures.py                  every lesson, full mode, 1 BLAS thread
    python tools/make_lesson_figures.py --only 04 07     some lessons
    python tools/make_lesson_figures.py --ci-times       also time each lesson's --ci mode

Each lesson runs as a learner runs it (``python examples/lessons/NN_name.py``, headless, seed
0), writing into a temporary folder; its PNG figures then replace those in
``docs/figures/lessons/NN_name/``. Nothing else in the repository is written: this is the one
command that updates the lesson figures, and the lessons themselves never write into the
repository.

At the end a table gives each run's wall time and CPU time (user + system, of the lesson's
process) with the BLAS thread count: the wall time is what a learner waits; the CPU time
moves less from run to run. The figures of a lesson that fails are left
as they were, and the command exits with status 1.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LESSONS = ROOT / "examples" / "lessons"
FIGURES = ROOT / "docs" / "figures" / "lessons"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", metavar="NN", help="lesson numbers, e.g. 04 07")
    parser.add_argument("--threads", type=int, default=1, help="BLAS threads (default 1)")
    parser.add_argument("--ci-times", action="store_true", help="also time the --ci modes")
    args = parser.parse_args(argv)

    lessons = sorted(LESSONS.glob("[0-9][0-9]_*.py"))
    if args.only:
        unknown = set(args.only) - {path.stem[:2] for path in lessons}
        if unknown:
            parser.error(f"no lesson numbered {', '.join(sorted(unknown))}")
        lessons = [path for path in lessons if path.stem[:2] in args.only]
    rows, failed = [], []
    with tempfile.TemporaryDirectory(prefix="zeronn-lessons-") as scratch:
        for lesson in lessons:
            modes = ["full", "--ci"] if args.ci_times else ["full"]
            for mode in modes:
                out = Path(scratch) / f"{lesson.stem}{'-ci' if mode == '--ci' else ''}"
                ok, wall, cpu = run(lesson, out, mode, args.threads)
                rows.append((lesson.stem, mode, wall, cpu, ok))
                if not ok:
                    failed.append(f"{lesson.stem} ({mode})")
                elif mode == "full":
                    copy_figures(out, FIGURES / lesson.stem)
    print(f"\n{'lesson':<22} {'mode':<5} {'wall s':>7} {'CPU s':>7}  threads")
    for name, mode, wall, cpu, ok in rows:
        status = "" if ok else "  FAILED"
        print(f"{name:<22} {mode:<5} {wall:7.1f} {cpu:7.1f}  {args.threads}{status}")
    if failed:
        print(f"failed: {', '.join(failed)}; their figures were left as they were")
        return 1
    return 0


def run(lesson: Path, out: Path, mode: str, threads: int) -> tuple[bool, float, float]:
    """Run one lesson into ``out``; (finished?, wall seconds, CPU seconds of the lesson)."""
    python_path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONPATH=python_path)
    command = [sys.executable, str(lesson), "--out", str(out), "--threads", str(threads)]
    if mode == "--ci":
        command.append("--ci")
    print(f"== {lesson.stem} ({mode} mode)", flush=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    completed = subprocess.run(command, env=env, cwd=out.parent, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return completed.returncode == 0, wall, cpu


def copy_figures(source: Path, target: Path) -> None:
    """Replace the PNG files in ``target`` by those of ``source``, each file atomically."""
    target.mkdir(parents=True, exist_ok=True)
    new = {path.name for path in source.glob("*.png")}
    for name in sorted(new):
        partial = target / f".{name}.partial"
        shutil.copyfile(source / name, partial)
        os.replace(partial, target / name)
    for stale in target.glob("*.png"):
        if stale.name not in new:
            stale.unlink()
    print(f"   figures: {', '.join(sorted(new))} -> {target.relative_to(ROOT)}")


if __name__ == "__main__":
    sys.exit(main())
