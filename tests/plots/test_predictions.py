"""Predictions on their images: title text and color, the surest mistakes first."""

import numpy as np
import pytest
from matplotlib.colors import to_hex

from zeronn.plots.predictions import plot_gradcam, plot_misclassified, plot_predictions


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


def test_plot_gradcam_titles_maps_with_class_names(rng):
    probabilities = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]])
    names = ["disk", "plus", "square"]
    images, cams = rng.random((2, 3, 5, 5)), rng.random((2, 5, 5))
    figure = plot_gradcam(images, cams, probabilities, np.array([0, 1]), class_names=names)
    assert figure.axes[0].title.get_text() == "disk (70%)\ntrue: disk"
    assert figure.axes[1].title.get_text() == "square (80%)\ntrue: plus"
    assert [to_hex(axes.title.get_color()) for axes in figure.axes] == [
        to_hex("tab:blue"),
        to_hex("tab:red"),
    ]
    assert figure.axes[0].images[0].get_array().shape == (5, 5, 3)  # in color
    np.testing.assert_array_equal(figure.axes[1].images[1].get_array(), cams[1])
    with pytest.raises(ValueError, match="plot_gradcam expected 3 class names, got 2"):
        plot_gradcam(images, cams, probabilities, np.array([0, 1]), class_names=names[:2])
