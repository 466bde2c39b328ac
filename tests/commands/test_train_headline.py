"""What ``zeronn train`` says: a header naming the network, its parameter count, the images of
each part, the settings and the threads; progress in a pipe; at the end, the epoch it kept."""

import pytest
from fake_datasets import write_bars

from zeronn.cli import main


@pytest.fixture(scope="module")
def fake_root(tmp_path_factory):
    """mnist/ with 60 train and 20 test images of bars, one row band per class."""
    root = tmp_path_factory.mktemp("data")
    write_bars(root / "mnist", 60, 20)
    return root


def train(capsys, root, out, *flags) -> list[str]:
    argv = ["train", "--root", str(root), "--no-verify", "--no-figures", "--out", str(out)]
    assert main([*argv, *flags]) == 0
    return capsys.readouterr().out.splitlines()


def test_the_header_says_what_is_trained_on_what_and_how(fake_root, tmp_path, capsys):
    flags = ("--hidden", "16", "--epochs", "2", "--weight-decay", "0.01", "--threads", "1")
    lines = train(capsys, fake_root, tmp_path / "run", *flags)
    assert lines[0] == (
        "zeronn train: an mlp with --hidden 16 for 784 inputs and 10 classes (12,730 "
        "parameters) on mnist: 54 training images, 6 held out for validation, 20 test images; "
        "adam lr 0.001 weight decay 0.01, batch 100, 2 epochs, float32, 1 thread"
    )
    assert lines[1] == "Epoch 1/2"
    kept = next(line for line in lines if line.startswith("kept epoch "))
    assert kept.endswith("model.npz holds its weights")
    assert lines[-1].startswith("test accuracy ")


def test_the_kept_line_says_why_and_quiet_keeps_only_the_results(fake_root, tmp_path, capsys):
    flags = ("--hidden", "8", "--epochs", "4", "--val-split", "0", "--quiet")
    lines = train(capsys, fake_root, tmp_path / "all", *flags)
    assert not any(line.startswith(("zeronn train:", "Epoch ")) for line in lines)
    assert "kept the last epoch, 4 of 4: no validation share" in lines
    assert lines[-1].startswith("test accuracy ")
    # early stopping on a validation loss that cannot get better in 1 epoch at lr 1e-9
    flags = ("--hidden", "8", "--epochs", "5", "--early-stopping", "1", "--lr", "1e-9")
    lines = train(capsys, fake_root, tmp_path / "stopped", *flags, "--optimizer", "sgd")
    kept = next(line for line in lines if line.startswith("kept epoch "))
    assert "(early stopping ended it after epoch " in kept


def test_an_evaluation_says_what_it_evaluates(fake_root, tmp_path, capsys):
    train(capsys, fake_root, tmp_path / "first", "--hidden", "8", "--epochs", "1", "--quiet")
    model = tmp_path / "first" / "model.npz"
    lines = train(capsys, fake_root, tmp_path / "again", "--load", str(model), "--evaluate-only")
    assert lines[0] == (
        f"zeronn train: evaluating {model}, an mlp with --hidden 8 for 784 inputs and 10 "
        "classes (6,370 parameters), on mnist: 20 test images"
    )
