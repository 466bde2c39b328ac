"""The whole ``zeronn fewshot`` run: options in, tables printed, every file written at the end.

Nothing is written until every number and every figure exists in memory; then the files go
into a temporary folder that replaces ``config.out`` whole (:mod:`zeronn.run_folder`), so an
interrupted or failed run leaves the output folder exactly as it was.

What it prints: a headline (the setup), a progress line per draw, the tables, and a line that
reads the result: why about 10% is what the blog's settings give (nothing learns), or that one
draw says little. ``config.verbose`` False keeps the tables and the closing line only.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from functools import partial

import numpy as np

import zeronn
from zeronn._io import atomic_write_json, atomic_write_with
from zeronn.parallel import Runner
from zeronn.run_folder import RunFolder
from zeronn.threads import current_threads

from . import figures, report
from .config import FewshotConfig
from .experiment import Dataset, PairedOutcome, TrainingSet, literal_run, load_data
from .study import did_learn, init_study, repeated_paired_runs, size_sweep

Printer = Callable[[str], None]


def _print(text: str) -> None:
    print(text, flush=True)


def run_fewshot(config: FewshotConfig, *, printer: Printer = _print) -> dict[str, object]:
    """Run the experiment described by ``config``, print its tables, write its files.

    Writes into ``config.out``: loss_curves.png, augmented_grid.png, results.json, and
    accuracy_vs_size.png / prediction_histogram.png with --sweep / --init-study. Returns the
    payload written to results.json.
    """
    config.check_paths()  # before any compute: where the outputs go (zeronn.run_paths)
    say = printer if config.verbose else _silent  # the headline, progress and reading lines
    start = time.perf_counter()
    # entered first, so that its worker processes start (and load the data) while we load it
    with _runner(config) as runner:
        data = load_data(config)
        load_seconds = time.perf_counter() - start
        say(_headline(config, data))
        payload: dict[str, object] = {
            "experiment": "fewshot",
            "zeronn_version": zeronn.__version__,
            "command": config.command_line(),
            "reading": "literal code" if config.literal else "text design",
            "config": config.as_dict(),
        }
        rendered: dict[str, bytes] = {}
        outcomes = _main_comparison(config, data, payload, rendered, printer, say, runner)
        # the main runs are the init study's row for config.init: same seeds, same settings
        done = {} if config.literal else {config.init: outcomes}
        _studies(config, data, payload, rendered, printer, say, done, runner)
    total_seconds = time.perf_counter() - start
    payload["timing"] = {
        "load_seconds": load_seconds,
        "total_seconds": total_seconds,
        "threads": current_threads(),
    }
    payload["files"] = [*rendered, "results.json"]
    with RunFolder(config.out, overwrite=config.overwrite) as folder:
        for name, content in rendered.items():
            atomic_write_with(folder / name, lambda handle, content=content: handle.write(content))
        atomic_write_json(folder / "results.json", payload)
    printer("")
    printer(
        f"total wall time {total_seconds:.1f} s; wrote {', '.join(payload['files'])} "
        f"into {config.out}"
    )
    return payload


def _main_comparison(
    config: FewshotConfig,
    data: Dataset,
    payload: dict[str, object],
    rendered: dict[str, bytes],
    printer: Printer,
    say: Printer,
    runner: Runner,
) -> list[PairedOutcome]:
    """The blog's comparison (repeat 0), its table and figures, the line that reads it; the
    repeat study if asked. Returns the outcome of every repeat (one for the literal reading).
    """

    def draw(outcome: PairedOutcome) -> None:
        if not config.figures:
            return
        rendered["loss_curves.png"] = _png(
            figures.loss_curves(
                outcome, log_scale=config.log_scale, title=_curve_title(config, data)
            )
        )
        rendered["augmented_grid.png"] = _png(
            figures.augmented_grid(outcome, data.class_names, literal=config.literal)
        )

    if config.literal:
        outcome = literal_run(data, config)
        draw(outcome)
        outcomes = [outcome]
    else:
        # repeat 0's figures are drawn as soon as it is in, while the other repeats may still
        # be running in other processes
        outcomes, repeat_study = repeated_paired_runs(data, config, say, runner, draw)
        outcome = outcomes[0]
    printer("")
    printer(report.runs_table(outcome, data.class_names))
    reading = _reading(config, outcome)
    if reading:
        say("")
        say(reading)
    payload["training_images"] = {
        "without": _set_summary(outcome.plain_set),
        "with": _set_summary(outcome.rotated_set),
    }
    payload["runs"] = {
        "without": outcome.without.summary(with_curve=True),
        "with": outcome.with_rotation.summary(with_curve=True),
    }
    if not config.literal and config.repeats > 1:
        study = repeat_study.as_dict()
        payload["repeats"] = study
        printer("")
        printer(report.paired_table(f"{config.repeats} draws", [("test accuracy", study)]))
    return outcomes


def _studies(
    config: FewshotConfig,
    data: Dataset,
    payload: dict[str, object],
    rendered: dict[str, bytes],
    printer: Printer,
    say: Printer,
    done: dict[float | str, list[PairedOutcome]],
    runner: Runner,
) -> None:
    """--sweep and --init-study: their tables, figures and JSON sections."""
    if config.sweep is not None:
        rows = size_sweep(data, config, say, runner)
        payload["sweep"] = rows
        printer("")
        labels = [(f"{row['sampling']}, {row['samples']}", row) for row in rows]
        printer(report.paired_table("sweep: sampling, size", labels))
        if config.figures:
            rendered["accuracy_vs_size.png"] = _png(
                figures.accuracy_vs_size(rows, repeats=config.repeats)
            )
    if config.init_study:
        rows = init_study(data, config, say, done, runner)
        payload["init_study"] = rows
        printer("")
        labels = [(f"init {row['init']}", row) for row in rows]
        printer(report.paired_table("init study", labels))
        if config.figures:
            rendered["prediction_histogram.png"] = _png(
                figures.prediction_histograms(rows, data.class_names)
            )


def _runner(config: FewshotConfig) -> Runner:
    """Where the runs go; worker processes only when there are two runs or more to share."""
    several = config.repeats > 1 or config.sweep is not None or config.init_study
    jobs = config.jobs if several else 1
    return Runner(jobs, config.scheduler, prepare=partial(load_data, config))


def _png(figure: object) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100)
    return buffer.getvalue()


def _set_summary(training_set: TrainingSet) -> dict[str, list]:
    return {
        "source_indices": training_set.sources.tolist(),
        "angles": training_set.angles.tolist(),
        "labels": training_set.t.tolist(),
    }


def _headline(config: FewshotConfig, data: Dataset) -> str:
    angles = ", ".join(f"{a:+g}°" for a in config.angles)
    if config.literal:
        drawn = f"RandomState({config.seed}) draw, the blog's code literally"
    else:
        drawn = f"{config.sampling}, Generator({config.seed}), the blog's text design"
    return (
        f"zeronn fewshot: {data.name}, {config.samples} images ({drawn}), rotations {angles}; "
        f"784-200-200-10 ReLU, init {config.init}, SGD lr {config.lr:g}, {config.steps} "
        f"full-batch steps, {config.dtype}"
    )


def _reading(config: FewshotConfig, outcome: PairedOutcome) -> str | None:
    """One line on what the main comparison shows: why nothing learned (the blog's finding,
    about 10%), or that one draw says little; None when the repeats have it covered."""
    arms = (outcome.without, outcome.with_rotation)
    if not any(did_learn(run) for run in arms):
        share = min(run.predicted_counts.max() / run.predicted_counts.sum() for run in arms)
        small = isinstance(config.init, float) and config.init < 0.1
        weights = (
            f"weights {config.init:g}·N(0,1) pass almost no signal through three layers and "
            if small
            else ""
        )
        blog = (config.init, config.lr, config.steps) == (0.01, 0.001, 4000)
        puts = (
            "every test image"
            if share == 1
            else f"{np.floor(share * 100):.0f}% or more of the test images"
        )
        return (
            f"why about 10%{' (the blog finding)' if blog else ''}: {weights}lr "
            f"{config.lr:g} barely moves them in {config.steps} steps, so neither network "
            f"learns (its loss is not even halved) and each puts {puts} in one class, chance "
            "on ten balanced classes. "
            "`zeronn fewshot --lr 0.1 --repeats 20` lets the networks learn, and shows the "
            "rotated copies helping."
        )
    if config.repeats == 1 and not config.literal:
        return (
            "one draw of images says little: --repeats 20 pairs 20 draws and gives the "
            "difference a 95% confidence interval."
        )
    return None


def _silent(_: str) -> None:
    return None


def _curve_title(config: FewshotConfig, data: Dataset) -> str:
    reading = "literal code" if config.literal else "text design"
    return (
        f"{data.name}, {config.samples} images, init {config.init}, lr {config.lr:g} "
        f"({reading}, seed {config.seed})"
    )
