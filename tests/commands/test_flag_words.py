"""CLI errors suggest CLI fixes: a config's message names options as Python does (``lr``,
``verify=False``); the one line a command prints names them as flags (``--lr``,
``--no-verify``), and a value the options cannot hold is that line, not a traceback."""

import numpy as np
import pytest

from zeronn.cli import main
from zeronn.commands._parser import in_flag_words
from zeronn.data import write_idx

FLAGS = {"lr": "--lr", "batch_size": "--batch-size", "num_heads": "--heads", "root": "--root"}


@pytest.mark.parametrize(
    ("python", "command_line"),
    [
        (
            "train expected lr to be a positive number",
            "train expected --lr to be a positive number",
        ),
        ("expected distinct batch_size", "expected distinct --batch-size"),
        ("expected embed_dim divisible by num_heads", "expected embed_dim divisible by --heads"),
        ("load MNIST: root='/x' is not a folder", "load MNIST: --root '/x' is not a folder"),
        (
            "load them with verify=False (on the command line: --no-verify)",
            "load them with --no-verify",
        ),
        ("point root= (or --root) at the files", "point --root at the files"),
        # a word that is also an option's name, but not one standing for it, stays
        ("the lr schedule of root causes", "the lr schedule of root causes"),
        ("glr=3 and lr_max", "glr=3 and lr_max"),
    ],
)
def test_python_names_become_flags(python, command_line):
    assert in_flag_words(python, FLAGS) == command_line


@pytest.fixture(scope="module")
def fake_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("data")
    rng = np.random.default_rng(0)
    for split, count in (("train", 40), ("t10k", 20)):
        labels = (np.arange(count) % 10).astype(np.uint8)
        images = rng.integers(0, 255, size=(count, 28, 28)).astype(np.uint8)
        for name in ("mnist", "fashion-mnist"):
            write_idx(root / name / f"{split}-images-idx3-ubyte.gz", images)
            write_idx(root / name / f"{split}-labels-idx1-ubyte.gz", labels)
    return root


@pytest.mark.parametrize("command", ["train", "fewshot", "flip-balance", "charlm"])
def test_an_lr_the_dtype_cannot_hold_is_one_line_naming_the_flag(command, tmp_path, capsys):
    dtype = ["--dtype", "float32"] if command == "fewshot" else []
    assert main([command, "--lr", "1e-50", *dtype, "--out", str(tmp_path / "o")]) == 2
    error = capsys.readouterr().err.strip()
    assert error == (
        f"zeronn {command}: error: {command} expected --lr representable in its parameters' "
        "dtype, got 1e-50, which is 0 in float32 (float32 holds magnitudes from 1.4e-45 to "
        "3.4e+38)"
    )


def test_a_library_message_with_both_spellings_keeps_the_command_lines(fake_root, tmp_path, capsys):
    # the published MNIST files are checked: these 40 images are not them
    assert main(["train", "--root", str(fake_root), "--out", str(tmp_path / "o")]) == 2
    error = capsys.readouterr().err.strip()
    assert error.endswith(
        "if these are your own IDX files (a subset, another dataset), load them with --no-verify"
    )
    assert "verify=False" not in error
    assert main(["train", "--root", str(tmp_path / "none"), "--out", str(tmp_path / "o")]) == 2
    assert f"--root '{tmp_path / 'none'}' is not an existing folder" in capsys.readouterr().err
