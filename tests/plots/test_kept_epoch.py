"""Loss curves: a log axis where they span a decade, the kept epoch marked; Grad-CAM rows
labelled; the flip-balance bars start at 0."""

import numpy as np
import pytest

from zeronn import plots
from zeronn.experiments.flip_balance.figures import recall_bars
from zeronn.experiments.flip_balance.report import summarize
from zeronn.history import History
from zeronn.plots.curves import spans_decades


def history(losses, val_losses=()):
    n = len(losses)
    return History(
        loss=list(losses),
        accuracy=[0.5] * n,
        val_loss=list(val_losses),
        val_accuracy=[0.4, 0.6, 0.5][:n] if val_losses else [],
        lr=[0.1] * n,
        epoch_time=[1.0] * n,
        step_loss=list(losses),
    )


def test_spans_decades_needs_a_factor_of_ten_between_positive_values():
    assert spans_decades([1.0, 0.1])
    assert not spans_decades([1.0, 0.11])
    assert not spans_decades([1.0, 0.0001, 0.0])  # a zero cannot be drawn on a log axis
    assert not spans_decades([])


@pytest.mark.parametrize(
    ("losses", "scale"), [([2.3, 0.9, 0.4], "linear"), ([2.3, 0.2, 0.02], "log")]
)
def test_the_loss_axis_is_log_where_the_curves_span_decades(losses, scale):
    assert plots.plot_history(history(losses), show=False).axes[0].get_yscale() == scale
    assert plots.plot_step_losses(history(losses), show=False).axes[0].get_yscale() == scale


def test_an_explicit_scale_wins_over_the_rule():
    decades = history([2.3, 0.2, 0.02])
    assert plots.plot_history(decades, log_scale=False, show=False).axes[0].get_yscale() == "linear"
    figure = plots.plot_history(history([1.0, 0.9]), log_scale=True, show=False)
    assert figure.axes[0].get_yscale() == "log"
    assert figure.axes[0].get_title() == "Loss (log scale)"


def test_the_kept_epoch_is_marked_on_both_panels_and_named():
    figure = plots.plot_history(history([1.0, 0.8, 0.7], [1.1, 0.9, 1.0]), best_epoch=2, show=False)
    for axes, value in zip(figure.axes[:2], (0.9, 0.6), strict=True):
        star = [line for line in axes.lines if line.get_marker() == "*"]
        assert len(star) == 1
        assert star[0].get_label() == "kept: epoch 2"
        assert list(star[0].get_xdata()) == [2]
        assert list(star[0].get_ydata()) == [value]
        assert any(list(line.get_xdata()) == [2, 2] for line in axes.lines)  # the dotted line


def test_several_runs_name_their_kept_epochs():
    runs = {"a": history([1.0, 0.5], [1.0, 0.7]), "b": history([1.0, 0.6], [0.9, 0.8])}
    figure = plots.plot_history(runs, best_epoch={"b": 1}, show=False)
    labels = [line.get_label() for line in figure.axes[0].lines]
    assert "b kept: epoch 1" in labels
    assert "a kept: epoch 1" not in labels


@pytest.mark.parametrize(
    ("runs", "best_epoch", "error", "message"),
    [
        (history([1.0, 0.5]), 3, ValueError, r"best_epoch to be an integer in 1\.\.2, got 3"),
        (history([1.0, 0.5]), 0, ValueError, r"best_epoch to be an integer in 1\.\.2, got 0"),
        (history([1.0, 0.5]), 1.0, TypeError, "best_epoch to be an integer"),
        ({"a": history([1.0]), "b": history([1.0])}, 1, TypeError, r"\{run name: epoch\}"),
        ({"a": history([1.0])}, {"c": 1}, ValueError, r"runs \['c'\] that are not plotted"),
    ],
)
def test_a_kept_epoch_the_runs_do_not_have_is_refused(runs, best_epoch, error, message):
    with pytest.raises(error, match=message):
        plots.plot_history(runs, best_epoch=best_epoch, show=False)


def test_gradcam_rows_are_labelled_and_titles_name_predicted_and_true(rng):
    probabilities = np.tile([[0.2, 0.8]], (4, 1))
    figure = plots.plot_gradcam(
        rng.random((4, 6, 6)),
        rng.random((4, 6, 6)),
        probabilities,
        np.array([1, 1, 0, 0]),
        class_names=["cat", "dog"],
        ncols=2,
        row_labels=["first test images", "first mistakes"],
        show=False,
    )
    assert figure.axes[0].get_ylabel() == "first test images"
    assert figure.axes[2].get_ylabel() == "first mistakes"
    assert figure.axes[2].get_title() == "dog (80%)\ntrue: cat"
    with pytest.raises(ValueError, match="gradcam_overlay expected 2 row_labels, got 1"):
        plots.gradcam_overlay(
            np.zeros((4, 6, 6)), np.zeros((4, 6, 6)), ncols=2, row_labels=["x"], show=False
        )


def test_recall_bars_start_at_zero():
    runs = [
        {
            "condition": condition,
            "seed": seed,
            "accuracy": 0.86,
            "precision": [0.86, 0.86],
            "recall": [0.85 + 0.01 * seed, 0.87],
            "confusion_matrix": [[85, 15], [13, 87]],
            "predicted_fraction": [0.5, 0.5],
            "train_counts": [10, 10],
            "held_bytes": 1,
            "peak_bytes": 1,
            "wall_time_s": 1.0,
        }
        for condition in ("none", "flip-a")
        for seed in (0, 1)
    ]
    axes = recall_bars(summarize(runs), ("cat", "dog")).axes[0]
    assert axes.get_ylim()[0] == 0
