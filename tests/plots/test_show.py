"""The rule of zeronn.plots (its docstring): a figure that is only saved never reaches pyplot,
a figure that is not saved is made by pyplot so that ``plt.show()`` and notebooks find it."""

import gc
import subprocess
import sys
import weakref

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure

from zeronn import plots
from zeronn.history import History


def history():
    return History(
        loss=[2.0, 1.0, 0.5],
        accuracy=[0.3, 0.6, 0.8],
        val_loss=[2.1, 1.2, 0.8],
        val_accuracy=[0.3, 0.5, 0.7],
        lr=[0.1] * 3,
        epoch_time=[1.0] * 3,
        step_loss=[2.0, 1.5, 1.0],
    )


@pytest.fixture(autouse=True)
def no_open_figures():
    plt.close("all")
    yield
    plt.close("all")


def test_a_figure_not_saved_is_made_by_pyplot_so_show_finds_it():
    figure = plots.plot_history(history())
    assert plt.get_fignums() == [figure.number]
    assert plt.gcf() is figure


def test_a_saved_figure_stays_out_of_pyplot(tmp_path):
    figure = plots.plot_history(history(), path=tmp_path / "curves.png")
    assert plt.get_fignums() == []
    assert (tmp_path / "curves.png").stat().st_size > 0
    assert isinstance(figure, Figure)
    assert figure.axes


def test_saving_in_a_loop_keeps_no_figure_alive(tmp_path, rng):
    """100 saved figures: none open in pyplot, and each is freed with its last reference."""
    images = rng.random((1, 4, 4))  # one small image: the test is about figures, not drawing
    alive = []
    for index in range(100):
        figure = plots.image_grid(images, path=tmp_path / f"{index}.png")
        alive.append(weakref.ref(figure))
        del figure
    gc.collect()
    assert plt.get_fignums() == []
    assert sum(ref() is not None for ref in alive) == 0
    assert len(list(tmp_path.glob("*.png"))) == 100


def test_show_true_saves_and_shows_show_false_does_neither(tmp_path):
    shown = plots.plot_history(history(), path=tmp_path / "a.png", show=True)
    assert plt.get_fignums() == [shown.number]
    bare = plots.plot_history(history(), show=False)
    assert plt.get_fignums() == [shown.number]
    assert bare is not shown
    assert bare.axes


@pytest.mark.parametrize(
    "draw",
    [
        lambda show: plots.plot_history(history(), show=show),
        lambda show: plots.plot_step_losses(history(), show=show),
        lambda show: plots.plot_confusion_matrix(np.eye(2), show=show),
        lambda show: plots.image_grid(np.zeros((2, 4, 4)), show=show),
        lambda show: plots.plot_filters(np.zeros((2, 1, 3, 3)), show=show),
        lambda show: plots.gradcam_overlay(np.zeros((2, 4, 4)), np.zeros((2, 4, 4)), show=show),
        lambda show: plots.plot_predictions(
            np.zeros((2, 4, 4)), np.array([[0.9, 0.1], [0.2, 0.8]]), np.array([0, 0]), show=show
        ),
        lambda show: plots.plot_misclassified(
            np.zeros((2, 4, 4)), np.array([[0.9, 0.1], [0.2, 0.8]]), np.array([0, 0]), show=show
        ),
        lambda show: plots.plot_gradcam(
            np.zeros((2, 4, 4)),
            np.zeros((2, 4, 4)),
            np.array([[0.9, 0.1], [0.2, 0.8]]),
            np.array([0, 0]),
            show=show,
        ),
    ],
    ids=lambda draw: "",
)
def test_every_figure_function_follows_the_rule(draw):
    figure = draw(None)
    assert plt.get_fignums() == [figure.number]
    plt.close("all")
    draw(False)
    assert plt.get_fignums() == []
    with pytest.raises(TypeError, match="expected show to be True or False, got 'yes'"):
        draw("yes")
    assert plt.get_fignums() == []  # a refused call opens nothing


def test_a_script_that_only_saves_never_loads_pyplot(tmp_path):
    """What a command does: 50 figures saved, pyplot never imported, nothing left alive."""
    code = f"""
import gc, sys
import numpy as np
from matplotlib.figure import Figure
from zeronn import plots
from zeronn.history import History
images = np.random.default_rng(0).random((1, 4, 4))
history = History([1.0, 0.5], [0.5, 0.7], [], [], [0.1, 0.1], [1.0, 1.0], [1.0, 0.5])
for index in range(45):
    plots.image_grid(images, path=r"{tmp_path}/grid%d.png" % index)
for index in range(5):
    plots.plot_history(history, path=r"{tmp_path}/curves%d.png" % index)
gc.collect()
print("matplotlib.pyplot" in sys.modules, sum(isinstance(o, Figure) for o in gc.get_objects()))
"""
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["False", "0"]
    assert len(list(tmp_path.glob("*.png"))) == 50
