"""The lessons in examples/lessons/ run in their short mode (--ci) and show what they teach.

One test per lesson: it runs the script as a learner would (a subprocess, headless, one BLAS
thread), and checks a floor on what the lesson must show, well inside the range the lesson
states for its --ci mode, and that its figures were written where it was told. The floors
sit where a broken layer, optimizer or plot would land them on the wrong side.
"""

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import requires_real_data

ROOT = Path(__file__).resolve().parent.parent
LESSONS = ROOT / "examples" / "lessons"
LESSON_FILES = sorted(LESSONS.glob("[0-9][0-9]_*.py"))


def run_lesson(name: str, out: Path, *args: str) -> str:
    # The lessons import the zeronn of this checkout, whichever one is installed.
    python_path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    env = dict(os.environ, MPLBACKEND="Agg", OPENBLAS_NUM_THREADS="1", PYTHONPATH=python_path)
    completed = subprocess.run(
        [sys.executable, str(LESSONS / f"{name}.py"), "--ci", "--threads", "1", "--out", str(out)],
        capture_output=True,
        text=True,
        env=env,
        cwd=out.parent,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert f"{name} (--ci mode) took" in completed.stdout
    return completed.stdout


def value(output: str, label: str) -> float:
    """The number a lesson printed as ``label: number[%]  (expected ...)``."""
    match = re.search(rf"^{re.escape(label)}: (-?[\d.e+-]+)(%?)  \(expected", output, re.M)
    assert match, f"no line {label!r} in:\n{output}"
    number = float(match.group(1))
    return number / 100 if match.group(2) else number


def figures(out: Path, *names: str) -> None:
    for name in names:
        assert (out / name).stat().st_size > 5_000, name


def test_every_lesson_has_a_test_here():
    tested = {name[12:14] for name in globals() if name.startswith("test_lesson_")}
    assert {path.stem[:2] for path in LESSON_FILES} == tested
    assert [path.stem[:2] for path in LESSON_FILES] == [f"{n:02d}" for n in range(1, 12)]


@pytest.mark.parametrize("path", LESSON_FILES, ids=lambda path: path.stem)
def test_every_lesson_opens_as_a_notebook_and_says_what_it_shows_and_how_long(path):
    text = path.read_text(encoding="utf-8")
    tree = ast.parse(text)
    docstring = ast.get_docstring(tree)
    assert docstring.startswith(f"Lesson {int(path.stem[:2])}: ")
    for words in ("What it shows", "Full mode: about", "--ci", f"examples/lessons/{path.name}"):
        assert words in docstring, f"{path.name}: no {words!r} in its docstring"
    assert text.count("\n# %%") >= 3, "cells marked # %% open it as a notebook"
    assert "lesson.finish()" in text
    assert not list(LESSONS.glob("*.ipynb"))


def test_the_docs_show_every_lessons_figures_and_the_readme_lists_every_lesson():
    text = (ROOT / "docs" / "lessons.md").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    figures_folder = ROOT / "docs" / "figures" / "lessons"
    shown = set(re.findall(r"\]\(figures/lessons/([^)]+\.png)\)", text))
    on_disk = {
        path.relative_to(figures_folder).as_posix() for path in figures_folder.rglob("*.png")
    }
    assert shown == on_disk
    assert {name.split("/")[0] for name in on_disk} == {path.stem for path in LESSON_FILES}
    for path in LESSON_FILES:
        assert f"(../examples/lessons/{path.name})" in text
        assert f"`{path.name}`" in readme
    assert "(docs/lessons.md)" in readme


@requires_real_data
def test_lesson_01_checks_the_gradients_and_trains(tmp_path):
    out = tmp_path / "figures"
    output = run_lesson("01_two_layer_net", out)
    assert value(output, "layer gradient error") < 1e-7
    assert value(output, "planted bug, error of b") > 1e-2
    assert value(output, "network gradient error") < 1e-7
    assert value(output, "test accuracy") > 0.8
    figures(out, "two_layer_net_curves.png")


@requires_real_data
def test_lesson_02_shows_the_gap_shrinking_with_more_data(tmp_path):
    out = tmp_path / "figures"
    output = run_lesson("02_learning_curves", out)
    assert value(output, "smallest set, training accuracy") >= 0.99
    assert value(output, "smallest set, accuracy gap") > value(output, "largest set, accuracy gap")
    assert value(output, "largest set, validation accuracy") > 0.85
    figures(out, "learning_curves.png")


@requires_real_data
def test_lesson_03_finds_sgd_slowest(tmp_path):
    out = tmp_path / "figures"
    output = run_lesson("03_optimizers", out)
    sgd = value(output, "SGD, last loss")
    for name in ("Momentum", "AdaGrad", "Adam"):
        assert sgd > 1.5 * value(output, f"{name}, last loss"), name
    assert value(output, "Adam, test accuracy") > 0.85
    figures(out, "optimizers.png")


@requires_real_data
def test_lesson_04_shows_what_each_initialization_does_to_the_activations(tmp_path):
    out = tmp_path / "figures"
    output = run_lesson("04_weight_init", out)
    assert value(output, "sigmoid std 1, share of outputs within 0.05 of 0 or 1") > 0.4
    assert value(output, "sigmoid std 0.01, fifth layer std") < 0.03
    assert value(output, "ReLU std 0.01, fifth layer std / first layer std") < 1e-3
    assert value(output, "ReLU He, fifth layer std / first layer std") > 0.3
    assert value(output, "MNIST std 0.01, last loss") > 2.25
    assert value(output, "MNIST He, last loss") < 1.2
    figures(out, "sigmoid_histograms.png", "relu_histograms.png", "init_mnist_losses.png")


@requires_real_data
def test_lesson_05_shows_batchnorm_ahead(tmp_path):
    out = tmp_path / "figures"
    output = run_lesson("05_batchnorm", out)
    assert value(output, "BatchNorm's mean advantage") > 0.2
    assert value(output, "scales at which BatchNorm learns (accuracy >= 0.7)") >= 1
    figures(out, "batchnorm.png")


@requires_real_data
def test_lesson_06_shows_weight_decay_narrowing_the_gap(tmp_path):
    out = tmp_path / "figures"
    output = run_lesson("06_regularization", out)
    assert value(output, "no regularization, training accuracy") > 0.9
    plain = value(output, "no regularization, gap at the end")
    assert plain > value(output, "weight decay, gap at the end") + 0.03
    assert plain > value(output, "Dropout, gap at epoch 100") + 0.03
    figures(out, "regularization.png")


@requires_real_data
def test_lesson_07_finds_a_learning_rate_that_works(tmp_path):
    out = tmp_path / "figures"
    output = run_lesson("07_lr_finder", out)
    assert "model, optimizer and generator as they were: True" in output
    assert 0.005 < value(output, "suggested lr") < 0.5
    suggested = value(output, "validation accuracy at the suggestion")
    assert suggested > value(output, "validation accuracy at a hundredth") + 0.2
    figures(out, "lr_finder.png", "lr_finder_training.png")


@requires_real_data
def test_lesson_08_filters_turn_from_noise_into_smooth_patterns(tmp_path):
    out = tmp_path / "figures"
    output = run_lesson("08_conv_filters", out)
    before = value(output, "neighbour correlation before training")
    assert value(output, "neighbour correlation after training") > before + 0.15
    assert value(output, "test accuracy") > 0.4
    figures(out, "filters_before.png", "filters_after.png", "feature_maps.png")


@requires_real_data
def test_lesson_09_gradcam_maps_look_at_the_digit(tmp_path):
    out = tmp_path / "figures"
    output = run_lesson("09_gradcam", out)
    assert value(output, "test accuracy") > 0.7
    area = float(re.search(r"cover ([\d.]+)% of an image", output).group(1)) / 100
    assert value(output, "share of the maps near the strokes") > area + 0.05
    figures(out, "gradcam.png")


@requires_real_data
def test_lesson_10_blog_settings_learn_nothing_and_lr_01_learns(tmp_path):
    out = tmp_path / "figures"
    output = run_lesson("10_fewshot_rotation", out)
    assert value(output, "blog's settings, without rotation") < 0.15
    assert value(output, "blog's settings, with rotation") < 0.15
    assert value(output, "lr 0.1, without rotation") > 0.15
    figures(out, "fewshot_blog_losses.png", "fewshot_images.png", "fewshot_paired.png")


@requires_real_data
def test_lesson_11_an_lstm_learns_and_a_transformer_beats_the_unigram_model(tmp_path):
    out = tmp_path / "figures"
    output = run_lesson("11_sequences", out)
    assert value(output, "LSTM, test accuracy") > 0.3
    held_out = value(output, "transformer, held-out bits per character")
    assert held_out < value(output, "unigram baseline") - 0.2
    figures(out, "lstm_curves.png", "transformer_bpc.png")


def test_a_lesson_run_in_a_notebook_kernel_ignores_the_kernels_arguments(monkeypatch, tmp_path):
    monkeypatch.syspath_prepend(str(LESSONS))
    import _lesson

    monkeypatch.setitem(sys.modules, "ipykernel", sys)  # any module: "a kernel is running"
    monkeypatch.setattr(sys, "argv", ["ipykernel_launcher.py", "-f", "kernel-1.json"])
    monkeypatch.chdir(tmp_path)
    lesson = _lesson.start("99_test", "a test")
    assert lesson.ci is False
    assert lesson.out.parts[:3] == ("runs", "lessons", "99_test")
    assert lesson.pick("full", "ci") == "full"
    # Jupyter starts in the lessons' folder: the figures go to the checkout's ignored runs/.
    monkeypatch.chdir(LESSONS)
    lesson = _lesson.start("99_test", "a test")
    assert lesson.out.parent == ROOT / "runs" / "lessons" / "99_test"
    assert not lesson.out.exists()  # made when the first figure is saved


def test_the_lesson_helper_prints_a_value_inside_or_outside_its_range(
    monkeypatch, capsys, tmp_path
):
    monkeypatch.syspath_prepend(str(LESSONS))
    import _lesson

    lesson = _lesson.start("99_test", "a test", ["--ci", "--out", str(tmp_path)])
    lesson.expect("accuracy", 0.5, (0.9, 1.0), (0.4, 0.6), percent=True)
    lesson.expect("loss", 3.0, (0, 1), (0, 1))
    printed = capsys.readouterr().out
    assert "accuracy: 50.00%  (expected 40.00% to 60.00%)\n" in printed
    assert "loss: 3  (expected 0 to 1)  <- outside the range" in printed
    assert value(printed, "accuracy") == 0.5
    with pytest.raises(SystemExit):
        _lesson.start("99_test", "a test", ["--threads", "0"])
