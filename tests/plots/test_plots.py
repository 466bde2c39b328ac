"""The zeronn.plots package: what importing it loads, and the names it re-exports.

Each figure module has its own tests: test_curves.py, test_images.py,
test_matrices.py and test_predictions.py (all in tests/plots/).
"""

import subprocess
import sys

from zeronn import plots
from zeronn.plots import curves, images, matrices, predictions


def test_import_leaves_pyplot_alone():
    code = "import sys, zeronn.plots; print('matplotlib.pyplot' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_package_re_exports_every_figure_function():
    modules = (curves, images, matrices, predictions)
    for name in plots.__all__:
        assert hasattr(plots, name), name
    public = {
        name
        for module in modules
        for name, value in vars(module).items()
        if callable(value) and name.startswith(("plot_", "image_", "gradcam_"))
    }
    assert public == {
        "gradcam_overlay",
        "image_grid",
        "plot_confusion_matrix",
        "plot_filters",
        "plot_gradcam",
        "plot_history",
        "plot_misclassified",
        "plot_predictions",
        "plot_step_losses",
    }
    assert public <= set(plots.__all__)
