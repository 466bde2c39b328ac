"""zeronn check as a grader: one verdict and exit code in a terminal, a pipe and CI; --json."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from zeronn.cli import main

SOLUTIONS = Path(__file__).resolve().parent / "solutions"
ROOT = Path(__file__).resolve().parents[2]


def buggy(tmp_path: Path) -> Path:
    text = (SOLUTIONS / "affine.py").read_text().replace("self.x.T @ dout", "dout.T @ self.x")
    path = tmp_path / "buggy.py"
    path.write_text(text.replace("self.W.grad[...] =", "self.W.grad ="))
    return path


def test_exit_0_only_when_every_array_is_right(tmp_path, capsys):
    assert main(["check", str(SOLUTIONS / "affine.py")]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "PASS: all 4 arrays right in 1 case"
    assert main(["check", str(buggy(tmp_path))]) == 1
    out = capsys.readouterr().out
    assert out.splitlines()[-1] == "FAIL: 1 of 4 arrays wrong"
    assert "dW  (5, 3)  wrong: shape (3, 5), not (5, 3): yours is the transpose" in out


def test_json_gives_the_same_verdict_for_a_program(tmp_path, capsys):
    assert main(["check", str(buggy(tmp_path)), "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["passed"] is False
    assert report["verdict"] == "fail"
    assert report["exercise"] == "affine"
    arrays = {a["name"]: a for a in report["cases"][0]["arrays"]}
    assert arrays["y"]["status"] == "right"
    assert arrays["y"]["wrong_entries"] == 0
    assert arrays["dW"]["status"] == "wrong"
    assert "transpose" in arrays["dW"]["hint"]
    assert main(["check", str(SOLUTIONS / "affine.py"), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["passed"] is True


def test_quiet_prints_the_verdict_line_only(tmp_path, capsys):
    assert main(["check", str(buggy(tmp_path)), "--quiet"]) == 1
    assert capsys.readouterr().out == "FAIL: 1 of 4 arrays wrong\n"


def test_the_same_report_in_a_terminal_a_pipe_and_ci(tmp_path):
    outputs = []
    for extra in ({}, {"CI": "true"}):
        env = dict(os.environ, PYTHONPATH=str(ROOT), **extra)
        completed = subprocess.run(
            [sys.executable, "-m", "zeronn", "check", str(buggy(tmp_path))],
            capture_output=True,
            text=True,
            env=env,
            stdin=subprocess.DEVNULL,
            check=False,
        )
        outputs.append((completed.returncode, completed.stdout))
    assert outputs[0] == outputs[1]
    assert outputs[0][0] == 1


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["check", "no_such_file.py"], "no file no_such_file.py"),
        (["check", "."], "is not a file"),
        (["check", "plain.py"], "cannot tell which exercise plain.py is"),
        (["check", "plain.py", "--exercise", "softmax"], "no exercise called 'softmax'"),
    ],
)
def test_nothing_to_grade_is_one_line_and_exit_2(tmp_path, monkeypatch, capsys, argv, words):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "plain.py").write_text("x = 1\n")
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("zeronn check: error: ")
    assert words in err
    assert err.count("\n") == 1


def test_exercise_overrides_and_the_class_name_suffices(tmp_path, capsys):
    text = (SOLUTIONS / "relu.py").read_text().replace('EXERCISE = "relu"\n', "")
    (tmp_path / "mine.py").write_text(text)
    assert main(["check", str(tmp_path / "mine.py")]) == 0  # found by its class ReLU
    assert main(["check", str(tmp_path / "mine.py"), "--exercise", "sigmoid", "--quiet"]) == 1
    assert "the file has no class Sigmoid (it defines ReLU)" in capsys.readouterr().out


def test_a_file_that_does_not_parse_fails_with_its_line(tmp_path, capsys):
    (tmp_path / "broken.py").write_text(
        "EXERCISE = 'relu'\nclass ReLU:\n    def forward(self, x)\n"
    )
    assert main(["check", str(tmp_path / "broken.py")]) == 1
    assert "FAIL: the file does not parse: expected ':' (line 3)" in capsys.readouterr().out


def test_another_seed_draws_other_cases_with_the_same_verdict(tmp_path, capsys):
    assert main(["check", str(SOLUTIONS / "batchnorm.py"), "--seed", "7", "--quiet"]) == 0
    assert main(["check", str(buggy(tmp_path)), "--seed", "7", "--quiet"]) == 1


def test_an_annotated_exercise_line_is_read_too(tmp_path, capsys):
    text = (SOLUTIONS / "sigmoid.py").read_text()
    text = text.replace('EXERCISE = "sigmoid"', 'EXERCISE: str = "sigmoid"')
    (tmp_path / "mine.py").write_text(text)
    assert main(["check", str(tmp_path / "mine.py"), "--quiet"]) == 0


@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [
        ({"seed": -1}, ValueError, "grade_file expected seed"),
        ({"seed": 1.5}, TypeError, "grade_file expected seed"),
        ({"timeout": 0}, ValueError, "grade_file expected timeout"),
        ({"exercise": "nope"}, ValueError, "no exercise called 'nope'"),
    ],
)
def test_grade_file_refuses_bad_arguments_before_running_anything(kwargs, error, words):
    from zeronn.exercises import grade_file

    with pytest.raises(error, match=words):
        grade_file(SOLUTIONS / "relu.py", **kwargs)
    with pytest.raises(TypeError, match="grade_file expected path"):
        grade_file(3)
