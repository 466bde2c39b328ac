"""Every flag × every condition under which it would be ignored (each command's ``UNUSED``
table, zeronn/commands/_unused.py): each rule's example command line is refused in one line
(exit code 2, nothing written) or warned about on stderr, before anything is read."""

import importlib

import numpy as np
import pytest
from image_folders import make_class_folders

from zeronn import models, serialize
from zeronn.cli import COMMANDS, build_parser, main
from zeronn.commands._train_unused import UNUSED as TRAIN_UNUSED
from zeronn.commands._unused import flag_of, table
from zeronn.data import write_idx

RULES = {
    command: TRAIN_UNUSED if command == "train" else importlib.import_module(module).UNUSED
    for command, (module, _) in COMMANDS.items()
}
CASES = [
    pytest.param(command, index, id=f"{command}-{index}-{flag_of(rule.flags[0])}")
    for command, rules in RULES.items()
    for index, rule in enumerate(rules)
]


@pytest.fixture(scope="module")
def places(tmp_path_factory):
    """What the examples name: a model file, an image folder, a finished run, a learner's
    file, and the data a run can read."""
    base = tmp_path_factory.mktemp("places")
    model = base / "model.npz"
    serialize.save(models.mlp([784, 100, 100, 10], rng=0, dtype=np.float32), model)
    folder = make_class_folders(base / "pictures", 4, size=(16, 16))
    root = base / "data"
    rng = np.random.default_rng(0)
    for split, count in (("train", 40), ("t10k", 20)):
        labels = (np.arange(count) % 10).astype(np.uint8)
        images = rng.integers(0, 255, size=(count, 28, 28)).astype(np.uint8)
        write_idx(root / "mnist" / f"{split}-images-idx3-ubyte.gz", images)
        write_idx(root / "mnist" / f"{split}-labels-idx1-ubyte.gz", labels)
    run = base / "run"
    argv = ["train", "--root", str(root), "--no-verify", "--quiet", "--no-figures"]
    assert main([*argv, "--hidden", "4", "--epochs", "1", "--out", str(run)]) == 0
    learner = base / "my_relu.py"
    learner.write_text('EXERCISE = "relu"\n')
    return {"model": model, "folder": folder, "root": root, "run": run, "file": learner}


@pytest.mark.parametrize(("command", "index"), CASES)
def test_every_rule_refuses_or_warns_with_its_example(places, tmp_path, capsys, command, index):
    rule = RULES[command][index]
    example = [word.format(**places) for word in rule.example]
    out = [] if command in ("check", "exercise") else ["--out", str(tmp_path / "out")]
    if rule.flags == ("overwrite",):
        out = []  # the rule is about --overwrite without --out
    argv = [command, *example, *out]
    parser = build_parser(command)
    args = parser.parse_args(argv)
    module = args._command
    if rule.refuse:
        with pytest.raises(ValueError, match=r"--[a-z-]+") as refused:
            module.config_from_args(args)
        message = str(refused.value)
        assert any(flag_of(dest) in message for dest in rule.flags), message
        assert main(argv) == 2
        error = capsys.readouterr().err.strip()
        assert len(error.splitlines()) == 1
        assert error.startswith(f"zeronn {command}: error: ")
    else:
        module.config_from_args(args)
        warnings = capsys.readouterr().err.strip().splitlines()
        assert warnings
        assert all(line.startswith(f"zeronn {command}: warning: ") for line in warnings)
        assert any(rule.why in line for line in warnings), warnings
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(("command", "index"), CASES)
def test_every_rule_names_flags_of_its_command(command, index):
    rule = RULES[command][index]
    parser = build_parser(command)._subparsers._group_actions[0].choices[command]
    dests = {action.dest for action in parser._actions}
    # --resume's rule names the run's options, which are flags but a few (the network's)
    names = set(rule.flags) - {"model"} if rule.by_config else set(rule.flags)
    assert names <= dests | {"hidden"}, names - dests
    assert rule.example, "a rule without an example is a rule without a test"


def test_a_flag_left_at_its_default_is_never_said_to_be_ignored(places, tmp_path, capsys):
    # --val-split 0 and a default (unset) --early-stopping: nothing to refuse
    argv = ["train", "--val-split", "0", "--out", str(tmp_path / "o")]
    args = build_parser("train").parse_args(argv)
    args._command.config_from_args(args)
    assert capsys.readouterr().err == ""


def test_the_table_lists_every_rule():
    text = table(RULES)
    assert text.count("\n") == 1 + sum(len(rules) for rules in RULES.values())
    assert "| train | `--early-stopping` | with --val-split 0 there is no validation loss" in text
