"""The printed tables of ``zeronn fewshot``: plain text, one row per run or per study cell."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .experiment import LOSS_THRESHOLDS, PairedOutcome


def _step_text(step: int | None) -> str:
    return "never" if step is None else str(step)


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.2f}"


def runs_table(outcome: PairedOutcome, class_names: Sequence[str]) -> str:
    """Per run: images, final loss, first steps below the thresholds, test accuracy, time;
    then the per-class test accuracy of each run."""
    runs = (outcome.without, outcome.with_rotation)
    headers = [
        "run",
        "images",
        "final loss",
        *(f"step loss<{th:g}" for th in LOSS_THRESHOLDS),
        "test acc %",
        "seconds",
    ]
    lines = []
    body = [
        [
            run.name,
            str(run.images),
            f"{run.final_loss:.4g}",
            *(_step_text(run.first_below[th]) for th in LOSS_THRESHOLDS),
            f"{100 * run.test_accuracy:.2f}",
            f"{run.seconds:.2f}",
        ]
        for run in runs
    ]
    lines.extend(_format([headers, *body]))
    lines.append("")
    class_headers = ["per-class test acc %", *(str(name) for name in class_names)]
    class_rows = [
        [run.name, *(f"{100 * value:.1f}" for value in run.per_class_accuracy)] for run in runs
    ]
    lines.extend(_format([class_headers, *class_rows]))
    return "\n".join(lines)


def paired_table(title: str, rows: Sequence[tuple[str, dict[str, object]]]) -> str:
    """Mean ± std test accuracy per arm, the paired difference with its 95% CI, and the mean
    final training loss per arm (a fixed step budget can leave the larger set underfit)."""
    headers = [
        title,
        "n",
        "without %",
        "with %",
        "with − without (pts)",
        "95% CI (pts)",
        "final loss without",
        "final loss with",
    ]
    body = []
    for label, study in rows:
        without, with_rotation = study["without"], study["with"]
        difference = study["difference_with_minus_without"]
        ci = (
            "n/a"
            if difference["ci_low"] is None
            else f"[{100 * difference['ci_low']:+.2f}, {100 * difference['ci_high']:+.2f}]"
        )
        body.append(
            [
                label,
                str(difference["n"]),
                _mean_std(without),
                _mean_std(with_rotation),
                f"{100 * difference['mean']:+.2f}",
                ci,
                f"{np.mean(study['final_loss_without']):.3g}",
                f"{np.mean(study['final_loss_with']):.3g}",
            ]
        )
    return "\n".join(_format([headers, *body]))


def _mean_std(summary: dict[str, float | None]) -> str:
    if summary["std"] is None:
        return _percent(summary["mean"])
    return f"{_percent(summary['mean'])} ± {_percent(summary['std'])}"


def _format(table: list[list[str]]) -> list[str]:
    """Left-align the first column, right-align the others, a rule under the header."""
    widths = [max(len(row[c]) for row in table) for c in range(len(table[0]))]

    def line(row: list[str]) -> str:
        cells = [row[0].ljust(widths[0])]
        cells += [cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True)]
        return "  ".join(cells).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return [line(table[0]), rule, *(line(row) for row in table[1:])]
