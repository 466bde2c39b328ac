"""Scores, summary over seeds and the table of the flip-balance experiment."""

import doctest

import numpy as np
import pytest

from zeronn.experiments.flip_balance import report
from zeronn.experiments.flip_balance.report import (
    format_bytes,
    format_table,
    score_predictions,
    summarize,
)


def test_score_predictions_by_hand():
    t = np.array([0, 0, 0, 0, 1, 1, 1, 1])
    pred = np.array([0, 0, 0, 1, 0, 0, 1, 1])
    scores = score_predictions(t, pred)
    assert scores["confusion_matrix"] == [[3, 1], [2, 2]]
    assert scores["accuracy"] == pytest.approx(5 / 8)
    assert scores["recall"] == pytest.approx([3 / 4, 2 / 4])
    assert scores["precision"] == pytest.approx([3 / 5, 2 / 3])
    assert scores["predicted_fraction"] == pytest.approx([5 / 8, 3 / 8])


def run(condition, seed, pred_a_share, accuracy):
    return {
        "condition": condition,
        "seed": seed,
        "accuracy": accuracy,
        "precision": [0.5, 0.5],
        "recall": [accuracy, accuracy],
        "confusion_matrix": [[1, 0], [0, 1]],
        "predicted_fraction": [pred_a_share, 1 - pred_a_share],
        "train_counts": [4, 2],
        "held_bytes": 600,
        "peak_bytes": 700,
        "wall_time_s": 1.0 + seed,
    }


def test_summary_is_mean_and_sample_std_with_paired_shift():
    runs = [
        run("none", 0, 0.50, 0.80),
        run("none", 1, 0.40, 0.90),
        run("flip-a", 0, 0.70, 0.70),
        run("flip-a", 1, 0.50, 0.90),
    ]
    summary = summarize(runs)
    assert list(summary) == ["none", "flip-a"]
    flip_a = summary["flip-a"]
    assert flip_a["accuracy"]["mean"] == pytest.approx(0.80)
    assert flip_a["accuracy"]["std"] == pytest.approx(np.std([0.7, 0.9], ddof=1))
    # shifts per seed are +0.20 and +0.10: the seeds' own baselines, not the mean baseline
    assert flip_a["predicted_fraction_shift"]["mean"] == pytest.approx([0.15, -0.15])
    assert flip_a["predicted_fraction_shift"]["std"][0] == pytest.approx(np.std([0.2, 0.1], ddof=1))
    assert summary["none"]["predicted_fraction_shift"]["mean"] == pytest.approx([0.0, 0.0])
    assert flip_a["seeds"] == [0, 1]
    assert flip_a["peak_bytes"] == 700


def test_a_single_seed_has_no_std_as_in_every_study():
    summary = summarize([run("none", 3, 0.5, 0.8)])
    assert summary["none"]["accuracy"] == {"mean": 0.8, "std": None}
    assert summary["none"]["recall"]["std"] is None


def test_table_shows_percentages_and_shift():
    runs = [run("none", 0, 0.5, 0.8), run("flip-a", 0, 0.7, 0.75)]
    table = format_table(summarize(runs), ("cat", "dog"))
    lines = table.splitlines()
    assert "recall cat %" in lines[0]
    assert len(lines) == 4
    assert lines[3].startswith("| flip-a | 4 / 2 | 75.0 | 75.0 |")  # one seed: no ± std
    assert "| +20.0 |" in lines[3]


def test_format_bytes_units():
    assert format_bytes(512) == "512 B"
    assert format_bytes(3 * 2**20) == "3.0 MiB"
    assert format_bytes(5 * 2**40) == "5120.0 GiB"
    assert doctest.testmod(report).failed == 0


def test_post_comparison_puts_the_posts_numbers_beside_ours():
    runs = [run("none", 0, 0.5, 0.8), run("random-flip", 0, 0.5, 0.81)]
    lines = report.format_post_comparison(summarize(runs), ("cat", "dog")).splitlines()
    assert lines[2] == "| none | 84.2 | 80.0 | 78 | 80.0 | 90 | 80.0 |"
    assert lines[3].startswith("| random-flip | – | 81.0 | – |")
