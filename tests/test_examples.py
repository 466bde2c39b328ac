"""The examples in examples/ run end to end (with small step counts where they train).

The numbered lessons in examples/lessons/ have their own tests: test_lessons.py.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import requires_real_data

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def run_example(name: str, *args: str, cwd: Path | None = None) -> str:
    # The examples import the zeronn of this checkout, whichever one is installed.
    python_path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    env = dict(os.environ, MPLBACKEND="Agg", OPENBLAS_NUM_THREADS="1", PYTHONPATH=python_path)
    completed = subprocess.run(
        [sys.executable, str(EXAMPLES / name), *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    return completed.stdout


def accuracy_in(output: str) -> float:
    line = next(line for line in output.splitlines() if line.startswith("test accuracy "))
    return float(line.split()[2])


def test_gradient_check_example_reports_small_errors():
    out = run_example("gradient_check.py")
    assert "SimpleConvNet through the loss: largest relative error" in out
    # every relative error it prints (4 arrays in two tables, 3 largest errors) is small
    errors = [float(value) for value in re.findall(r"\d\.\d+e[-+]\d+", out)]
    assert len(errors) >= 7, out
    assert max(errors) < 1e-6, out


# The floors sit well below what each lesson reaches at this size and well above the 10% of a
# network that learned nothing, so a broken layer fails them.


@requires_real_data
def test_mlp_example_trains_validates_and_reports():
    out = run_example("mlp_mnist.py", "--subset", "2000", "--epochs", "2")
    assert "val_accuracy" in out
    assert "precision" in out
    assert accuracy_in(out) > 0.75  # 0.83 when written


@requires_real_data
def test_convnet_example_trains_saves_and_reloads():
    out = run_example("convnet_mnist.py", "--subset", "1000", "--epochs", "1")
    assert "reloaded model gives the same outputs: True" in out
    assert accuracy_in(out) > 0.6  # 0.77 when written


@requires_real_data
def test_gradcam_example_draws_the_figure(tmp_path):
    figure = tmp_path / "gradcam.png"
    out = run_example("gradcam.py", "--subset", "2000", "--out", str(figure))
    assert accuracy_in(out) > 0.7  # 0.86 when written
    assert figure.stat().st_size > 10_000


@requires_real_data
def test_sequence_example_reads_digits_row_by_row():
    out = run_example("sequence_models.py", "--subset", "5000", "--epochs", "3", "--hidden", "64")
    assert "LSTM(28 -> 64" in out
    assert accuracy_in(out) > 0.6  # 0.78 when written


@pytest.mark.parametrize("name", sorted(p.name for p in EXAMPLES.glob("*.py")))
def test_every_example_says_what_it_shows_and_names_its_lesson(name):
    text = (EXAMPLES / name).read_text()
    assert text.startswith('"""Example: '), f"{name} should open with what it shows"
    assert "examples/lessons/" in text, f"{name} should name the lesson that explains it"
