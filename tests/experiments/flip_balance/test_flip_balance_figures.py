"""Figures of the flip-balance experiment, on tiny synthetic runs and models."""

import numpy as np

from zeronn.experiments.flip_balance.figures import (
    changed_indices,
    gradcam_grid,
    last_conv_activation,
    recall_bars,
)
from zeronn.experiments.flip_balance.report import summarize
from zeronn.models import simple_convnet


def test_changed_indices_both_directions():
    t = np.array([0, 0, 1, 1, 1])
    before = np.array([1, 0, 0, 1, 0])
    after = np.array([0, 1, 1, 1, 0])
    np.testing.assert_array_equal(changed_indices(t, before, after, was_wrong=True), [0, 2])
    np.testing.assert_array_equal(changed_indices(t, before, after, was_wrong=False), [1])


def test_recall_bars_draws_one_bar_per_class_and_condition():
    runs = [
        {
            "condition": condition,
            "seed": seed,
            "accuracy": 0.8,
            "precision": [0.8, 0.8],
            "recall": [0.7 + 0.1 * seed, 0.9],
            "confusion_matrix": [[7, 3], [1, 9]],
            "predicted_fraction": [0.4, 0.6],
            "train_counts": [10, 10],
            "held_bytes": 1,
            "peak_bytes": 1,
            "wall_time_s": 1.0,
        }
        for condition in ("none", "flip-a")
        for seed in (0, 1)
    ]
    figure = recall_bars(summarize(runs), ("cat", "dog"))
    bars = [patch.get_height() for patch in figure.axes[0].patches]
    assert np.allclose(sorted(bars), [75, 75, 90, 90])
    labels = figure.axes[0].get_legend_handles_labels()[1]
    assert sorted(labels) == ["accuracy", "recall cat", "recall dog"]


def test_gradcam_grid_explains_each_models_prediction(rng):
    model = simple_convnet((1, 28, 28), classes=2, rng=rng, dtype=np.float32)
    assert last_conv_activation(model) == 1
    x = rng.random((3, 1, 28, 28), dtype=np.float32)
    t = np.array([0, 1, 1])
    predictions = {"none": model.predict(x).argmax(axis=1)}
    figure = gradcam_grid(
        x,
        t,
        {"none": model, "flip": model},
        {**predictions, "flip": predictions["none"]},
        np.array([0, 2]),
        ("none", "flip"),
        ("a", "b"),
    )
    titles = [axes.get_title() for axes in figure.axes]
    assert len(titles) == 2 * 2  # two images (rows) × two conditions (columns)
    assert titles[0].startswith("is a\nnone: ")
    assert titles[1].startswith("\nflip: ")
    assert titles[2].startswith("is b\nnone: ")
