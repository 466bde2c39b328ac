"""Scores, the mean ± std summary over seeds, and the printed table of the flip-balance runs.

One *run* is one condition trained with one seed; its record is a JSON-ready dict. The summary
gives, per condition, the mean and the sample standard deviation (ddof = 1; 0 for one seed)
of every score over the seeds. The shift in predicted fractions is paired: each seed's
fraction minus the same seed's ``none`` fraction, so seed-to-seed noise that every condition
shares cancels.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from zeronn.metrics import confusion_matrix, precision_recall_f1
from zeronn.stats import mean_std

BASELINE = "none"


def score_predictions(t: NDArray[np.integer], pred: NDArray[np.integer]) -> dict[str, Any]:
    """Accuracy, per-class precision/recall, confusion matrix and prediction shares (2 classes).

    ``t``, ``pred``: (N,) labels in {0, 1}. Lists are ordered [class A, class B].
    """
    cm = confusion_matrix(t, pred, 2)
    scores = precision_recall_f1(cm)
    return {
        "accuracy": float(np.trace(cm) / cm.sum()),
        "precision": scores.precision.tolist(),
        "recall": scores.recall.tolist(),
        "confusion_matrix": cm.tolist(),
        "predicted_fraction": (cm.sum(axis=0) / cm.sum()).tolist(),
    }


def summarize(runs: Sequence[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Per-condition mean ± std over seeds, in the order the conditions first appear.

    Each run needs ``condition``, ``seed``, the keys of :func:`score_predictions`,
    ``held_bytes``, ``peak_bytes``, ``train_counts`` and ``wall_time_s``.
    """
    baseline = {run["seed"]: run for run in runs if run["condition"] == BASELINE}
    summary: dict[str, dict[str, Any]] = {}
    for condition in dict.fromkeys(run["condition"] for run in runs):
        group = [run for run in runs if run["condition"] == condition]
        entry = {
            "seeds": [run["seed"] for run in group],
            "train_counts": group[0]["train_counts"],
            "held_bytes": group[0]["held_bytes"],
            "peak_bytes": group[0]["peak_bytes"],
        }
        for key in ("accuracy", "precision", "recall", "predicted_fraction", "wall_time_s"):
            entry[key] = mean_std([run[key] for run in group])
        entry["confusion_matrix"] = mean_std([run["confusion_matrix"] for run in group])
        paired = [run for run in group if run["seed"] in baseline]
        if paired:
            shifts = [
                np.subtract(run["predicted_fraction"], baseline[run["seed"]]["predicted_fraction"])
                for run in paired
            ]
            entry["predicted_fraction_shift"] = mean_std(shifts)
        summary[condition] = entry
    return summary


def _pm(
    stats: dict[str, Any], index: int | None = None, *, scale: float = 100.0, sign: str = ""
) -> str:
    """``mean ± std`` (just the mean for a single seed, whose std is None)."""
    mean, std = stats["mean"], stats["std"]
    if index is not None:
        mean = mean[index]
        std = None if std is None else std[index]
    text = f"{scale * mean:{sign}.1f}"
    return text if std is None else f"{text} ± {scale * std:.1f}"


def format_bytes(count: int) -> str:
    """Bytes in binary units, e.g. ``format_bytes(3 * 2**20) == '3.0 MiB'``.

    >>> format_bytes(1536)
    '1.5 KiB'
    """
    value = float(count)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


def format_table(summary: dict[str, dict[str, Any]], class_names: Sequence[str]) -> str:
    """The summary as a Markdown table: percentages as mean ± std over seeds."""
    a, b = class_names
    header = [
        "condition",
        "train A / B",
        "accuracy %",
        f"recall {a} %",
        f"recall {b} %",
        f"precision {a} %",
        f"precision {b} %",
        f"Δ share predicted {a} (pp)",
        "training set",
        "time s",
    ]
    rows = [header, ["---"] * len(header)]
    for condition, entry in summary.items():
        shift = entry.get("predicted_fraction_shift")
        rows.append(
            [
                condition,
                "{} / {}".format(*entry["train_counts"]),
                _pm(entry["accuracy"]),
                _pm(entry["recall"], 0),
                _pm(entry["recall"], 1),
                _pm(entry["precision"], 0),
                _pm(entry["precision"], 1),
                "–" if shift is None else _signed(shift, 0),
                format_bytes(entry["peak_bytes"]),
                _pm(entry["wall_time_s"], scale=1.0),
            ]
        )
    return "\n".join("| " + " | ".join(row) + " |" for row in rows) + "\n"


def _signed(stats: dict[str, Any], index: int) -> str:
    return _pm(stats, index, sign="+")


# The cats-and-dogs post (DeepConvNet, 80×80 photos, 12,000 per class), class A = cats:
# accuracy, cat recall, dog recall in %, as the post reports them.
POST_RESULTS: dict[str, tuple[str, str, str]] = {
    "none": ("84.2", "78", "90"),
    "flip-a": ("82.2", "94", "70"),
    "flip-both": ("90.9", "> 90", "> 90"),
}


def format_post_comparison(summary: dict[str, dict[str, Any]], class_names: Sequence[str]) -> str:
    """Markdown table: the post's accuracy and recalls next to the measured mean ± std."""
    a, b = class_names
    rows = [
        [
            "condition",
            "accuracy % (post)",
            "accuracy % (here)",
            f"recall cat / {a} % (post)",
            f"recall {a} % (here)",
            f"recall dog / {b} % (post)",
            f"recall {b} % (here)",
        ]
    ]
    rows.append(["---"] * len(rows[0]))
    for condition, entry in summary.items():
        post = POST_RESULTS.get(condition, ("–", "–", "–"))
        rows.append(
            [
                condition,
                post[0],
                _pm(entry["accuracy"]),
                post[1],
                _pm(entry["recall"], 0),
                post[2],
                _pm(entry["recall"], 1),
            ]
        )
    return "\n".join("| " + " | ".join(row) + " |" for row in rows) + "\n"
