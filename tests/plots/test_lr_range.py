"""The LR range test's curve (zeronn/plots/lr_range.py)."""

import numpy as np
import pytest

from zeronn.lr_range_test import LRFinderResult
from zeronn.plots.lr_range import plot_lr_finder

PNG_MAGIC = b"\x89PNG"


def finder_result():
    lrs = np.geomspace(1e-4, 1.0, 30)
    losses = 2.3 - np.sin(np.linspace(0, 2.5, 30))
    return LRFinderResult(lrs, losses, losses.copy(), "reached end_lr")


def test_the_lr_finder_curve_is_on_a_log_axis_with_both_lrs_marked(tmp_path):
    result = finder_result()
    path = tmp_path / "lr.png"
    figure = plot_lr_finder(result, path=path)
    axes = figure.axes[0]
    assert axes.get_xscale() == "log"
    marked = sorted(line.get_xdata()[0] for line in axes.lines[2:])
    assert marked == pytest.approx(sorted([result.suggested_lr, result.lr_at_minimum]))
    low, high = axes.get_ylim()
    assert low <= result.smoothed.min()
    assert high >= result.smoothed[0]
    assert path.read_bytes()[:4] == PNG_MAGIC


def test_the_lr_finder_curve_refuses_something_else():
    with pytest.raises(TypeError, match=r"the result of zeronn\.lr_finder"):
        plot_lr_finder({"lrs": [1, 2]})
