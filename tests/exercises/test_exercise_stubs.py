"""zeronn exercise: every stub is valid Python that imports, and fails gracefully until done;
the command writes a new file only."""

from importlib.machinery import SourceFileLoader
from types import ModuleType

import pytest

from zeronn.cli import main
from zeronn.exercises.cases import build_cases
from zeronn.exercises.catalog import EXERCISES, find_exercise
from zeronn.exercises.grader import grade_file
from zeronn.exercises.stub import stub_text, write_stub


def load(path) -> ModuleType:
    module = ModuleType("stub_under_test")
    SourceFileLoader("stub_under_test", str(path)).exec_module(module)
    return module


@pytest.mark.parametrize("name", list(EXERCISES))
def test_every_stub_imports_and_raises_not_implemented(tmp_path, name):
    exercise = EXERCISES[name]
    path = write_stub(exercise, tmp_path / exercise.default_file)
    module = load(path)
    assert name == module.EXERCISE
    cls = getattr(module, exercise.interface.class_name)
    case = build_cases(exercise, seed=0)[0]
    layer = cls(*(case.init[n] for n in exercise.interface.init), **case.options)
    with pytest.raises(NotImplementedError, match="not done yet"):
        layer.forward(*case.inputs.values())
    with pytest.raises(NotImplementedError, match="not done yet"):
        layer.backward(*case.upstream.values())
    # the formulas and shapes are in its docstring, and how to check it
    assert f"zeronn check {exercise.default_file}" in module.__doc__
    assert "Shapes:" in module.__doc__


@pytest.mark.parametrize("name", list(EXERCISES))
def test_checking_a_fresh_stub_says_not_done_yet_and_exits_1(tmp_path, monkeypatch, capsys, name):
    monkeypatch.chdir(tmp_path)
    assert main(["exercise", name]) == 0
    written = EXERCISES[name].default_file
    assert f"wrote {written}" in capsys.readouterr().out
    assert main(["check", written]) == 1
    out = capsys.readouterr().out
    assert out.splitlines()[-1].startswith("NOT DONE: forward raises NotImplementedError (0 of ")
    assert "not done yet: forward raises NotImplementedError" in out
    assert grade_file(tmp_path / written).verdict == "not done"


def test_a_stub_with_forward_done_says_backward_is_not(tmp_path):
    text = stub_text("relu", "mine.py").replace(
        'raise NotImplementedError("ReLU.forward: not done yet")',
        "self.positive = x > 0\n        return x * self.positive",
    )
    (tmp_path / "mine.py").write_text(text)
    report = grade_file(tmp_path / "mine.py")
    assert report.verdict == "not done"
    assert report.summary() == "NOT DONE: backward raises NotImplementedError (2 of 4 arrays right)"


def test_the_stub_names_the_file_it_was_written_to(tmp_path, capsys):
    assert main(["exercise", "batchnorm", "--out", str(tmp_path / "bn.py")]) == 0
    text = (tmp_path / "bn.py").read_text()
    assert "zeronn check bn.py" in text
    assert "my_batchnorm.py" not in text
    assert text == stub_text("batchnorm", "bn.py")
    assert main(["exercise", "affine", "--out", str(tmp_path)]) == 0  # a folder: the default name
    assert (tmp_path / "my_affine.py").exists()


def test_an_existing_file_is_never_overwritten(tmp_path, capsys):
    mine = tmp_path / "my_affine.py"
    mine.write_text("my work")
    assert main(["exercise", "affine", "--out", str(mine)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "exists already" in err
    assert mine.read_text() == "my work"
    with pytest.raises(FileExistsError):
        write_stub("affine", mine)
    assert mine.read_text() == "my work"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["my_affine.py"]  # no temporary left


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["exercise", "afine"], "no exercise called 'afine'; did you mean affine?"),
        (["exercise", "relu", "--out", "relu.txt"], "--out expected a file name ending in .py"),
        (["exercise", "relu", "--out", "no/such/folder/r.py"], "which is not a folder"),
    ],
)
def test_user_errors_are_one_line_and_exit_2(tmp_path, monkeypatch, capsys, argv, words):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("zeronn exercise: error: ")
    assert words in err
    assert err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_without_a_layer_it_lists_the_exercises(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["exercise"]) == 0
    out = capsys.readouterr().out
    for name in EXERCISES:
        assert f"  {name} " in out
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("spelling", "name"),
    [
        ("Conv2D", "conv2d"),
        ("SoftmaxCrossEntropy", "softmax-cross-entropy"),
        ("lstm_step", "lstm-step"),
    ],
)
def test_an_exercise_is_found_by_its_class_name_too(spelling, name):
    assert find_exercise(spelling).name == name
