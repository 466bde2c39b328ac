"""One dialect for every command: ``--quiet`` everywhere (the results only), ``--no-figures``
wherever a command draws figures, and one rule for repeated runs: ``--seed N`` for a command
that runs once, ``--seeds A,B,...`` (or ``A-B``) for one that repeats, ``--seed N`` meaning
``--seeds N`` there."""

import json

import numpy as np
import pytest

from zeronn.cli import COMMANDS, build_parser, main
from zeronn.data import write_idx
from zeronn.experiments.fewshot.config import FewshotConfig

# the commands that draw figures, and those that repeat a run over seeds
DRAW = {"train", "fewshot", "flip-balance", "charlm"}
REPEAT = {"fewshot", "flip-balance"}
ONCE_WITH_SEED = {"train", "charlm", "check"}


def flags_of(command: str) -> set[str]:
    sub = build_parser(command)._subparsers._group_actions[0].choices[command]
    return {option for action in sub._actions for option in action.option_strings}


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_has_quiet_and_those_that_draw_have_no_figures(command):
    flags = flags_of(command)
    assert "--quiet" in flags
    assert ("--no-figures" in flags) == (command in DRAW)
    assert ("--seeds" in flags) == (command in REPEAT)
    assert ("--seed" in flags) == (command in REPEAT | ONCE_WITH_SEED)


@pytest.fixture(scope="module")
def fake_root(tmp_path_factory):
    """mnist/ and fashion-mnist/ holding the same 100 train and 40 test images of bars."""
    root = tmp_path_factory.mktemp("data")
    rng = np.random.default_rng(0)
    for split, count in (("train", 100), ("t10k", 40)):
        labels = (np.arange(count) % 10).astype(np.uint8)
        images = rng.integers(0, 60, size=(count, 28, 28)).astype(np.uint8)
        for i, label in enumerate(labels):
            images[i, 2 * label + 2 : 2 * label + 6, 4:24] = 255
        for name in ("mnist", "fashion-mnist"):
            write_idx(root / name / f"{split}-images-idx3-ubyte.gz", images)
            write_idx(root / name / f"{split}-labels-idx1-ubyte.gz", labels)
    return root


def data(root) -> list[str]:
    return ["--root", str(root), "--no-verify", "--no-download"]


def test_fewshot_seeds_name_the_draws_and_quiet_keeps_the_tables(fake_root, tmp_path, capsys):
    out = tmp_path / "fewshot"
    argv = ["fewshot", *data(fake_root), "--steps", "3", "--seeds", "3,5", "--quiet"]
    assert main([*argv, "--no-figures", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "zeronn fewshot:" not in printed  # no headline
    assert "repeat 1/2" not in printed  # no progress
    assert "without rotation" in printed  # the tables
    assert "2 draws" in printed
    assert sorted(path.name for path in out.iterdir()) == ["results.json"]
    results = json.loads((out / "results.json").read_text())
    assert results["repeats"]["seeds"] == [3, 5]
    assert "--seeds=3,5 --out" in results["command"]
    assert "--seed " not in results["command"]
    assert "--repeats" not in results["command"]


def test_fewshot_consecutive_seeds_are_the_repeats_of_a_first_seed():
    spelled = FewshotConfig(out="o", seeds=(8, 9, 10))
    assert (spelled.seed, spelled.repeats, spelled.seeds) == (8, 3, None)
    assert spelled == FewshotConfig(out="o", repeats=3)
    assert FewshotConfig(out="o", seeds=(4, 2)).run_seeds == (4, 2)
    with pytest.raises(ValueError, match="give the seeds, or a first seed and a number"):
        FewshotConfig(out="o", seeds=(4, 2), repeats=5)


def test_fewshot_refuses_seeds_beside_seed_or_repeats(tmp_path, capsys):
    assert main(["fewshot", "--seeds", "1-3", "--repeats", "3", "--out", str(tmp_path / "o")]) == 2
    error = capsys.readouterr().err
    assert "--seeds names every draw's seed: give it alone, or --seed S --repeats N" in error


def test_seed_ranges_parse_and_bad_ones_say_what_they_take(capsys):
    parser = build_parser("flip-balance")
    assert parser.parse_args(["flip-balance", "--seeds", "0-2,7"]).seeds == (0, 1, 2, 7)
    assert parser.parse_args(["flip-balance", "--seed", "4"]).seeds == (4,)
    with pytest.raises(SystemExit):
        parser.parse_args(["flip-balance", "--seeds", "3-1"])
    assert "expected seeds such as 0,1,2 or 0-4" in capsys.readouterr().err


def test_fewshot_explains_the_blogs_ten_percent(fake_root, tmp_path, capsys):
    out = tmp_path / "blog"
    assert main(["fewshot", *data(fake_root), "--steps", "3", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    reading = next(line for line in printed.splitlines() if line.startswith("why about 10%"))
    assert "weights 0.01·N(0,1) pass almost no signal through three layers" in reading
    assert "lr 0.001 barely moves them in 3 steps" in reading
    assert reading.endswith(
        "`zeronn fewshot --lr 0.1 --repeats 20` lets the networks learn, and shows the rotated "
        "copies helping."
    )


def test_flip_balance_seed_is_one_run_and_quiet_prints_no_progress(fake_root, tmp_path, capsys):
    out = tmp_path / "flip"
    argv = ["flip-balance", *data(fake_root), "--seed", "3", "--epochs", "1"]
    argv += ["--train-per-class", "5", "--conditions", "none,flip-a", "--quiet", "--no-figures"]
    assert main([*argv, "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "seed 3  none" not in printed  # the progress line of a run
    assert "| none |" in printed  # the table
    results = json.loads((out / "results.json").read_text())
    assert results["config"]["seeds"] == [3]
    assert {run["seed"] for run in results["runs"]} == {3}
    assert sorted(path.name for path in out.iterdir()) == ["results.json"]


def test_charlm_no_figures_and_quiet(tmp_path, capsys):
    out = tmp_path / "charlm"
    tiny = ["--steps", "2", "--eval-every", "2", "--batch-size", "4", "--seq-len", "8"]
    tiny += ["--embed-dim", "4", "--hidden", "8", "--sample-chars", "5"]
    assert main(["charlm", *tiny, "--quiet", "--no-figures", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "distinct characters" not in printed  # the header line
    assert "held-out bits per character" in printed
    assert sorted(path.name for path in out.iterdir()) == [
        "model.npz", "results.json", "samples.txt"
    ]  # fmt: skip
