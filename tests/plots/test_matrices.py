"""The confusion-matrix heat map: counts, row shares, class names."""

import numpy as np
import pytest

from zeronn.plots.matrices import plot_confusion_matrix


def test_confusion_matrix_heat_map_writes_counts_and_row_shares():
    cm = np.array([[3, 1], [0, 4]])
    texts = [t.get_text() for t in plot_confusion_matrix(cm, ["cat", "dog"]).axes[0].texts]
    assert texts == ["3", "1", "0", "4"]
    texts = [t.get_text() for t in plot_confusion_matrix(cm, normalize=True).axes[0].texts]
    assert texts == ["0.75", "0.25", "0.00", "1.00"]
    with pytest.raises(ValueError, match="expected 2 class names, got 3"):
        plot_confusion_matrix(cm, ["a", "b", "c"])
