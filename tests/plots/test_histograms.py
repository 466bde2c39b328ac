"""Activation histograms (zeronn/plots/histograms.py): a row per run, a column per layer."""

import numpy as np
import pytest
from matplotlib.figure import Figure

from zeronn.plots.histograms import plot_activation_histograms

PNG_MAGIC = b"\x89PNG"


def layers(rng, count=3):
    return {f"layer {i}": rng.random((50, 10)) for i in range(1, count + 1)}


def bar_heights(axes):
    return np.array([patch.get_height() for patch in axes.patches])


def test_one_run_is_one_row_of_histograms_counting_every_entry(rng, tmp_path):
    path = tmp_path / "histograms.png"
    figure = plot_activation_histograms(layers(rng), bins=20, path=path)
    assert isinstance(figure, Figure)
    assert [axes.get_title() for axes in figure.axes] == ["layer 1", "layer 2", "layer 3"]
    for axes in figure.axes:
        assert len(axes.patches) == 20
        assert bar_heights(axes).sum() == 500
    assert path.read_bytes()[:4] == PNG_MAGIC


def test_several_runs_are_rows_labelled_on_the_left_with_titles_once(rng):
    runs = {"std 1": layers(rng), "Xavier": layers(rng)}
    figure = plot_activation_histograms(runs, value_range=(0, 1))
    assert len(figure.axes) == 6
    assert [axes.get_ylabel() for axes in figure.axes[::3]] == ["std 1", "Xavier"]
    assert [axes.get_title() for axes in figure.axes] == ["layer 1", "layer 2", "layer 3"] + [
        ""
    ] * 3
    for axes in figure.axes:
        low, high = axes.get_xlim()
        assert low <= 0
        assert high >= 1


def test_value_range_bins_every_histogram_alike_and_none_uses_the_rows_own_range(rng):
    values = {"a": np.array([0.0, 0.5, 1.0]), "b": np.array([2.0, 3.0])}
    shared = plot_activation_histograms(values, bins=4, value_range=(0, 4))
    edges = [patch.get_x() for patch in shared.axes[0].patches]
    np.testing.assert_allclose(edges, [0, 1, 2, 3])
    own = plot_activation_histograms(values, bins=3)
    np.testing.assert_allclose([patch.get_x() for patch in own.axes[1].patches], [0, 1, 2])


def test_rows_of_different_layers_get_their_titles_each_and_empty_cells_are_hidden(rng):
    runs = {"short": layers(rng, 2), "long": layers(rng, 3)}
    figure = plot_activation_histograms(runs)
    assert len(figure.axes) == 6
    assert not figure.axes[2].axison
    assert figure.axes[5].get_title() == "layer 3"


def test_a_row_of_one_value_still_draws(rng):
    figure = plot_activation_histograms({"constant": np.full(10, 0.5)})
    assert bar_heights(figure.axes[0]).sum() == 10


@pytest.mark.parametrize(
    ("activations", "options", "error", "words"),
    [
        ({}, {}, TypeError, "non-empty mapping"),
        ([np.ones(3)], {}, TypeError, "non-empty mapping"),
        ({"a": np.ones(3), "b": {"c": np.ones(3)}}, {}, TypeError, "got a mix"),
        ({"run": {}}, {}, ValueError, "at least one layer for run 'run'"),
        ({"a": np.array([1.0, np.nan])}, {}, ValueError, "not finite .* for a"),
        ({"a": np.array([], dtype=float)}, {}, ValueError, "non-empty array of numbers for a"),
        ({"a": np.array(["x"])}, {}, ValueError, "array of numbers"),
        ({"a": np.ones(3)}, {"value_range": (1, 0)}, ValueError, "low < high"),
        ({"a": np.ones(3)}, {"value_range": 1}, TypeError, r"value_range as \(low, high\)"),
        ({"a": np.ones(3)}, {"bins": 0}, ValueError, "bins"),
    ],
)
def test_bad_arguments_are_refused_naming_them(activations, options, error, words):
    with pytest.raises(error, match=words):
        plot_activation_histograms(activations, **options)
