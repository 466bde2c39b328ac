"""``zeronn`` itself: the registry, --version, --help, and what --help imports."""

import argparse
import re
import subprocess
import sys
from pathlib import Path

import pytest

import zeronn
from zeronn.cli import COMMANDS, build_parser, main

ROOT = Path(__file__).resolve().parent.parent


def test_help_imports_neither_matplotlib_nor_scipy_nor_a_command():
    code = (
        "import sys\n"
        "from zeronn.cli import main\n"
        "try:\n"
        "    main(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = [m for m in ('matplotlib', 'scipy', 'numpy', 'zeronn.commands.train', "
        "'zeronn.commands.fewshot', 'zeronn.commands.flip_balance') if m in sys.modules]\n"
        "print(heavy)\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert completed.stdout.strip().splitlines()[-1] == "[]"


def test_version(capsys):
    with pytest.raises(SystemExit) as excinfo:
        main(["--version"])
    assert excinfo.value.code == 0
    assert capsys.readouterr().out.strip() == f"zeronn {zeronn.__version__}"


# a learner's tools: they write one file or none, not a run folder, read no dataset, draw
# nothing in float32
TOOLS = {"exercise", "check"}
RUNS = sorted(set(COMMANDS) - TOOLS)


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_flag_of_every_command_has_help_and_shows_its_default(command):
    parser = build_parser(command)
    sub = parser._subparsers._group_actions[0].choices[command]
    text = sub.format_help()
    for action in sub._actions:
        if action.dest in ("help",):
            continue
        assert action.help, f"{command} {action.option_strings} has no help"
        if action.default not in (None, False, argparse.SUPPRESS):  # SUPPRESS: an alias
            assert "default" in sub.formatter_class(command)._get_help_string(action), action.dest
    assert "--out" in text or command == "check"
    assert "runs/" in text or command in TOOLS


# charlm reads Python's own help text, which needs no --root and no download.
NO_DATASET = {"charlm"}
KNOWN_MODELS = {"mlp", "simple-convnet", "deep-convnet", "lstm", "gru", "rnn", "transformer"}


@pytest.mark.parametrize("command", RUNS)
def test_shared_flags_mean_the_same_everywhere(command):
    parser = build_parser(command)
    sub = parser._subparsers._group_actions[0].choices[command]
    flags = {option for action in sub._actions for option in action.option_strings}
    assert {"--out", "--overwrite", "--threads", "--dtype"} <= flags
    if command not in NO_DATASET:
        assert {"--root", "--no-download", "--no-verify"} <= flags
    assert {"--seed"} <= flags or {"--seeds"} <= flags
    dtype = next(action for action in sub._actions if action.dest == "dtype")
    # float32 everywhere, except fewshot, which reproduces a float64 NumPy run
    assert dtype.default == ("float64" if command == "fewshot" else "float32")
    models = next((action for action in sub._actions if action.dest == "model"), None)
    if models is not None:
        assert set(models.choices) <= KNOWN_MODELS


def test_an_unknown_command_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as excinfo:
        main(["experiment"])
    assert excinfo.value.code == 2
    assert "invalid choice: 'experiment'" in capsys.readouterr().err


def test_ci_runs_exactly_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    command = re.search(r"^python -m pip install -e \"\.\[dev\]\".*$", readme, re.MULTILINE)
    assert command is not None
    ci_lines = (ROOT / ".ci" / "run").read_text().splitlines()
    assert command.group(0) in ci_lines
