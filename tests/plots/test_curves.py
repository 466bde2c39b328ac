"""Training curves: per-epoch panels, run colors, log scale, step-loss smoothing."""

import numpy as np
import pytest
from matplotlib.figure import Figure

from zeronn.history import History
from zeronn.plots.curves import plot_history, plot_step_losses

PNG_MAGIC = b"\x89PNG"


def history(scale=1.0, validation=True):
    return History(
        loss=[2.0 * scale, 1.0 * scale, 0.5 * scale],
        accuracy=[0.3, 0.6, 0.8],
        val_loss=[2.2, 1.3, 0.9] if validation else [],
        val_accuracy=[0.25, 0.55, 0.7] if validation else [],
        lr=[0.1] * 3,
        epoch_time=[1.0] * 3,
        step_loss=list(np.linspace(2.5, 0.4, 30)),
    )


def test_plot_history_one_run_saves_png(tmp_path):
    path = tmp_path / "figures" / "curves.png"
    figure = plot_history(history(), path=path)
    assert isinstance(figure, Figure)
    loss_axes, accuracy_axes = figure.axes[:2]
    assert [line.get_label() for line in loss_axes.lines] == ["train", "validation"]
    np.testing.assert_allclose(loss_axes.lines[1].get_ydata(), [2.2, 1.3, 0.9])
    assert accuracy_axes.get_title() == "Accuracy"
    assert path.read_bytes()[:4] == PNG_MAGIC


def test_plot_history_several_runs_and_log_scale():
    runs = {"sgd": history(), "adam": history(0.5, validation=False)}
    figure = plot_history(runs, log_scale=True)
    loss_axes = figure.axes[0]
    assert loss_axes.get_yscale() == "log"
    assert [line.get_label() for line in loss_axes.lines] == [
        "sgd train",
        "sgd validation",
        "adam train",
    ]
    assert loss_axes.lines[0].get_color() != loss_axes.lines[2].get_color()


def test_plot_step_losses_smoothing_is_a_moving_average():
    figure = plot_step_losses({"run": history()}, smoothing=5)
    raw, smooth = figure.axes[0].lines
    expected = np.convolve(raw.get_ydata(), np.full(5, 0.2), mode="valid")
    np.testing.assert_allclose(smooth.get_ydata(), expected)
    with pytest.raises(TypeError, match="History or a mapping"):
        plot_step_losses([1, 2])
