"""Figures: what each one shows (titles, colors, panels) and that files are written."""

import subprocess
import sys

import numpy as np
import pytest
from matplotlib.colors import to_hex
from matplotlib.figure import Figure

from zeronn.plots import (
    gradcam_overlay,
    image_grid,
    plot_confusion_matrix,
    plot_filters,
    plot_history,
    plot_misclassified,
    plot_predictions,
    plot_step_losses,
)
from zeronn.train import History

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


def test_import_leaves_pyplot_alone():
    code = "import sys, zeronn.plots; print('matplotlib.pyplot' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


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


def test_confusion_matrix_heat_map_writes_counts_and_row_shares():
    cm = np.array([[3, 1], [0, 4]])
    texts = [t.get_text() for t in plot_confusion_matrix(cm, ["cat", "dog"]).axes[0].texts]
    assert texts == ["3", "1", "0", "4"]
    texts = [t.get_text() for t in plot_confusion_matrix(cm, normalize=True).axes[0].texts]
    assert texts == ["0.75", "0.25", "0.00", "1.00"]
    with pytest.raises(ValueError, match="expected 2 class names, got 3"):
        plot_confusion_matrix(cm, ["a", "b", "c"])


def test_image_grid_layout_titles_and_row_labels(tmp_path, rng):
    originals = rng.random((2, 1, 6, 6))
    augmented = rng.random((6, 1, 6, 6))
    images = np.concatenate([originals[:1], augmented[:3], originals[1:], augmented[3:]])
    figure = image_grid(
        images, ncols=4, row_labels=["original 1", "original 2"], path=tmp_path / "grid.png"
    )
    axes = figure.axes
    assert len(axes) == 8
    assert axes[0].get_ylabel() == "original 1"
    assert axes[4].get_ylabel() == "original 2"
    np.testing.assert_array_equal(axes[1].images[0].get_array(), augmented[0, 0])
    assert (tmp_path / "grid.png").read_bytes()[:4] == PNG_MAGIC


def test_image_grid_accepts_flat_and_color_images(rng):
    flat = image_grid(rng.random((3, 12)), image_shape=(3, 4), titles=["a", "b", "c"], ncols=2)
    assert flat.axes[0].images[0].get_array().shape == (3, 4)
    assert [a.get_title() for a in flat.axes[:3]] == ["a", "b", "c"]
    assert not flat.axes[3].axison  # the unused fourth cell is blank
    color = image_grid(rng.random((2, 3, 5, 5)))
    assert color.axes[0].images[0].get_array().shape == (5, 5, 3)
    with pytest.raises(ValueError, match=r"not square; pass image_shape"):
        image_grid(rng.random((2, 12)))
    with pytest.raises(ValueError, match="expected 2 row_labels, got 1"):
        image_grid(rng.random((4, 5, 5)), ncols=2, row_labels=["x"])


def test_predictions_red_when_wrong_blue_when_right(rng):
    probabilities = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4]])
    t = np.array([0, 0, 1])
    figure = plot_predictions(rng.random((3, 4, 4)), probabilities, t, class_names=["no", "yes"])
    titles = [axes.title for axes in figure.axes]
    assert titles[0].get_text() == "no (90%)\ntrue: no"
    assert titles[1].get_text() == "yes (80%)\ntrue: no"
    assert [to_hex(title.get_color()) for title in titles] == [
        to_hex("tab:blue"),
        to_hex("tab:red"),
        to_hex("tab:red"),
    ]


def test_misclassified_shows_only_mistakes_surest_first(rng):
    probabilities = np.array([[0.9, 0.1], [0.3, 0.7], [0.05, 0.95], [0.6, 0.4]])
    t = np.array([0, 0, 0, 0])
    images = np.stack([np.full((4, 4), float(i)) for i in range(4)])
    figure = plot_misclassified(images, probabilities, t, max_images=5)
    assert len(figure.axes) == 2
    # Image 2 (95% sure, wrong) comes before image 1 (70% sure, wrong).
    assert figure.axes[0].images[0].get_array()[0, 0] == 2.0
    assert figure.axes[1].title.get_text() == "1 (70%)\ntrue: 0"
    empty = plot_misclassified(images, probabilities, np.array([0, 1, 1, 0]))
    assert empty.texts[0].get_text() == "no misclassified images"


def test_plot_filters_one_panel_per_filter(rng):
    figure = plot_filters(rng.standard_normal((5, 1, 3, 3)), ncols=5)
    assert len(figure.axes) == 5
    with pytest.raises(ValueError, match=r"\(F, 1 or 3, kh, kw\), got \(5, 2, 3, 3\)"):
        plot_filters(rng.standard_normal((5, 2, 3, 3)))


def test_gradcam_overlay_layers_the_map_over_the_image(rng, tmp_path):
    images = rng.random((2, 1, 6, 6))
    cams = rng.random((2, 6, 6))
    figure = gradcam_overlay(images, cams, titles=["a", "b"], path=tmp_path / "cam.png")
    first = figure.axes[0]
    assert len(first.images) == 2
    np.testing.assert_array_equal(first.images[1].get_array(), cams[0])
    assert first.images[1].get_alpha() == 0.5
    with pytest.raises(ValueError, match=r"cams \(2, 6, 6\) matching the images, got \(2, 5, 5\)"):
        gradcam_overlay(images, cams[:, :5, :5])
