"""``zeronn train --resume DIR``: a run of 4 epochs is a run of 2 epochs and a resumed run of 2
more, bit for bit; a resumed run keeps its options, and what would change it is one line."""

import json
from dataclasses import fields

import numpy as np
import pytest
from fake_datasets import write_bars

from zeronn.cli import main
from zeronn.experiments.train.config import TrainConfig
from zeronn.experiments.train.resume import PLACE_OPTIONS, RUN_OPTIONS


@pytest.fixture(scope="module")
def fake_root(tmp_path_factory):
    """mnist/ with 90 train and 30 test images of bars, one row band per class."""
    root = tmp_path_factory.mktemp("data")
    write_bars(root / "mnist", 90, 30)
    return root


# every kind of state a run carries from one epoch to the next: Dropout masks and augmentation
# drawn from the run's generator, Momentum's velocity, weight decay, the best epoch so far
# (val split), early stopping's count
RUN = ("--hidden", "16", "--dropout", "0.2", "--augment", "shift=0.1", "--optimizer", "momentum")
RUN += ("--weight-decay", "0.01", "--early-stopping", "5", "--train-subset", "70", "--seed", "3")


def train(root, out, *flags) -> int:
    argv = ["train", "--root", str(root), "--no-verify", "--quiet", "--no-figures"]
    return main([*argv, "--out", str(out), *flags])


@pytest.fixture(scope="module")
def runs(fake_root, tmp_path_factory):
    """A run of 4 epochs, and one of 2 epochs resumed to 4."""
    folder = tmp_path_factory.mktemp("runs")
    assert train(fake_root, folder / "four", *RUN, "--epochs", "4") == 0
    assert train(fake_root, folder / "two", *RUN, "--epochs", "2") == 0
    assert (
        train(fake_root, folder / "resumed", "--resume", str(folder / "two"), "--epochs", "4") == 0
    )
    return folder


def arrays(path) -> dict[str, np.ndarray]:
    with np.load(path, allow_pickle=False) as archive:
        return {name: archive[name] for name in archive.files}


def test_two_epochs_resumed_to_four_are_four_epochs_bit_for_bit(runs):
    four, resumed = runs / "four", runs / "resumed"
    for name in ("model.npz", "checkpoint.npz"):
        expected, got = arrays(four / name), arrays(resumed / name)
        assert sorted(expected) == sorted(got)
        for key, value in expected.items():
            if key != "zeronn.checkpoint":  # its facts name the run's options
                assert np.array_equal(value, got[key]), (name, key)
    histories = [json.loads((run / "history.json").read_text()) for run in (four, resumed)]
    assert histories[0]["step_loss"] == histories[1]["step_loss"]
    for key in ("loss", "accuracy", "val_loss", "val_accuracy", "lr"):
        assert histories[0]["epochs"][key] == histories[1]["epochs"][key], key
    metrics = [json.loads((run / "metrics.json").read_text()) for run in (four, resumed)]
    assert metrics[0]["test"] == metrics[1]["test"]
    assert metrics[0]["best_epoch"] == metrics[1]["best_epoch"]
    assert metrics[1]["config"]["resume"] == str(runs / "two" / "checkpoint.npz")
    assert metrics[1]["config"]["dropout"] == 0.2  # the run's own options, not the defaults


def test_the_checkpoint_holds_the_run_and_evaluation_writes_none(fake_root, runs, tmp_path):
    assert (runs / "two" / "checkpoint.npz").is_file()
    out = tmp_path / "evaluated"
    assert train(fake_root, out, "--load", str(runs / "four" / "model.npz"), "--evaluate-only") == 0
    assert not (out / "checkpoint.npz").exists()


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (
            ("--lr", "0.5", "--epochs", "4"),
            "--resume goes on with the run in {two} as it ran, so "
            "--lr cannot change it; give only --epochs (the new total) and where to read and write",
        ),
        (("--hidden", "16", "--seed", "3"), "so --hidden, --seed cannot change it"),
        (
            ("--epochs", "2"),
            "--epochs is the total, and the run in {two} has trained 2 epochs "
            "already; give --epochs 3 or more",
        ),
        ((), "has trained 2 epochs already; give --epochs 3 or more"),
        (("--epochs", "3", "--out", "{two}", "--overwrite"), "holds the --resume file"),
    ],
)
def test_what_would_change_a_resumed_run_is_refused_in_one_line(
    fake_root, runs, tmp_path, capsys, flags, message
):
    two = runs / "two"
    before = {path.name: path.read_bytes() for path in two.iterdir()}
    out = tmp_path / "out"
    flags = tuple(flag.format(two=two) for flag in flags)
    argv = ["train", "--root", str(fake_root), "--quiet", "--resume", str(two), "--out", str(out)]
    assert main([*argv, *flags]) == 2
    error = capsys.readouterr().err.strip()
    assert len(error.splitlines()) == 1
    assert error.startswith("zeronn train: error: ")
    assert message.format(two=two) in error
    assert not out.exists()
    assert {path.name: path.read_bytes() for path in two.iterdir()} == before


def test_a_folder_without_a_checkpoint_or_a_model_file_is_no_run_to_resume(runs, tmp_path, capsys):
    assert main(["train", "--resume", str(tmp_path), "--epochs", "3"]) == 2
    assert "--resume expected a run folder holding checkpoint.npz" in capsys.readouterr().err
    assert main(["train", "--resume", str(runs / "two" / "model.npz"), "--epochs", "3"]) == 2
    error = capsys.readouterr().err
    assert "not a checkpoint zeronn wrote (it has no zeronn.checkpoint entry" in error


def test_a_schedule_planned_over_the_first_total_is_said_to_be_planned_anew(
    fake_root, tmp_path, capsys
):
    first = tmp_path / "first"
    assert train(fake_root, first, "--hidden", "8", "--epochs", "2", "--schedule", "cosine") == 0
    capsys.readouterr()
    assert train(fake_root, tmp_path / "more", "--resume", str(first), "--epochs", "3") == 0
    warning = capsys.readouterr().err.strip()
    assert warning == (
        "zeronn train: warning: --schedule cosine planned its learning rates over the run's 2 "
        "epochs; going on to 3 plans them anew over 3, so the result is not that of one run "
        "of 3 epochs"
    )


def test_every_option_of_a_run_is_either_kept_by_a_resumed_run_or_given_anew():
    names = {field.name for field in fields(TrainConfig)}
    assert set(RUN_OPTIONS) | set(PLACE_OPTIONS) == names
    assert not set(RUN_OPTIONS) & set(PLACE_OPTIONS)
