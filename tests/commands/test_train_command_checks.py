"""``zeronn train``'s user errors that need files: a --load file's architecture (checked, or
giving --model and --hidden), a validation share that leaves nothing, a run that diverges, a
network too large for the machine. Each is one line and exit code 2, and leaves no output."""

import json
import re

import numpy as np
import pytest
from fake_datasets import write_bars
from image_folders import make_class_folders

from zeronn import memory, models, serialize
from zeronn.cli import main
from zeronn.experiments.train.config import TrainConfig
from zeronn.layers import Affine, ReLU, Tanh
from zeronn.model import Sequential


@pytest.fixture(scope="module")
def fake_root(tmp_path_factory):
    """mnist/ with 60 train and 20 test images of bars, one row band per class."""
    root = tmp_path_factory.mktemp("data")
    write_bars(root / "mnist", 60, 20)
    return root


@pytest.fixture(scope="module")
def lstm_file(fake_root, tmp_path_factory):
    """The model.npz of ``zeronn train --model lstm --hidden 8`` on the fake data."""
    out = tmp_path_factory.mktemp("lstm") / "run"
    argv = ["train", "--root", str(fake_root), "--no-verify", "--quiet", "--out", str(out)]
    assert main([*argv, "--model", "lstm", "--hidden", "8", "--epochs", "1"]) == 0
    return out / "model.npz"


def refused(capsys, *argv) -> str:
    """Run ``zeronn train ARGV``, expect exit code 2, return the one line it printed."""
    assert main(["train", "--quiet", "--no-verify", *argv]) == 2
    error = capsys.readouterr().err.strip()
    assert len(error.splitlines()) == 1, error
    assert error.startswith("zeronn train: error: ")
    return error


def test_load_gives_model_and_hidden_when_they_are_not_given(fake_root, lstm_file, tmp_path):
    out = tmp_path / "evaluated"
    argv = ["train", "--root", str(fake_root), "--no-verify", "--quiet", "--out", str(out)]
    assert main([*argv, "--load", str(lstm_file), "--evaluate-only"]) == 0
    config = json.loads((out / "metrics.json").read_text())["config"]
    assert (config["model"], config["hidden"]) == ("lstm", [8])
    assert serialize.read_architecture(out / "model.npz") == serialize.read_architecture(lstm_file)


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (
            ("--model", "mlp"),
            "holds an lstm with --hidden 8 for rows of 28 pixels and 10 classes; these options "
            "build an mlp with --hidden 100,100 for 784 inputs and 10 classes",
        ),
        (("--hidden", "16"), "holds an lstm with --hidden 8 .*; these options build an lstm with"),
        (("--model", "gru"), "these options build a gru with --hidden 128 for rows of 28"),
        (("--model", "deep-convnet"), "build a deep-convnet for 1×28×28 images and 10 classes"),
    ],
)
def test_load_refuses_other_options_before_any_data_is_read(
    lstm_file, tmp_path, capsys, flags, message
):
    out = tmp_path / "out"
    error = refused(
        capsys,
        "--root",
        str(tmp_path / "no-data"),
        "--out",
        str(out),
        "--load",
        str(lstm_file),
        *flags,
    )
    assert f"--load {lstm_file} " in error
    assert re.search(message, error), error
    assert not out.exists()


def test_a_python_saved_file_is_compared_layer_by_layer(tmp_path, capsys):
    path = tmp_path / "hand.npz"
    layers = [Affine(784, 100), Tanh(), Affine(100, 100), ReLU(), Affine(100, 10)]
    serialize.save(Sequential(layers), path)
    flags = ("--root", str(tmp_path / "none"), "--out", str(tmp_path / "o"), "--load", str(path))
    error = refused(capsys, *flags)
    assert (
        "does not fit an mlp with --hidden 100,100 for 784 inputs and 10 classes: layer 1 is "
        "Tanh() in the file but ReLU() in this model" in error
    )
    layers[1] = ReLU()  # the same layers, built by hand: accepted (the factory is not needed)
    serialize.save(Sequential(layers), path)
    assert TrainConfig(out=tmp_path / "o", load=path).model == "mlp"


def test_a_file_without_architecture_or_not_a_model_file_is_one_line(fake_root, tmp_path, capsys):
    old = tmp_path / "old.npz"
    np.savez(old, **models.mlp([784, 32, 10], rng=0).state_dict())  # saved before the entry
    out = tmp_path / "out"
    error = refused(capsys, "--root", str(fake_root), "--out", str(out), "--load", str(old))
    assert "cannot load weights from" in error
    assert "'0.W' has shape (784, 100) in the model but (784, 32) in the state" in error
    assert not out.exists()
    text = tmp_path / "notes.npz"
    text.write_text("not weights")
    error = refused(
        capsys, "--root", str(tmp_path / "none"), "--out", str(out), "--load", str(text)
    )
    assert "not a .npz archive written by zeronn.save" in error


def test_a_validation_share_that_leaves_nothing_is_refused_after_loading(
    fake_root, tmp_path, capsys
):
    out = tmp_path / "out"
    error = refused(capsys, "--root", str(fake_root), "--out", str(out), "--val-split", "0.005")
    assert "--val-split 0.005 holds out no image of the 60 training images" in error
    assert not out.exists()


def test_divergence_is_one_line_naming_the_flags_to_change(fake_root, tmp_path, capsys):
    out = tmp_path / "out"
    flags = ("--lr", "1e30", "--optimizer", "sgd", "--hidden", "16", "--epochs", "2")
    error = refused(capsys, "--root", str(fake_root), "--out", str(out), *flags)
    assert "training diverged at " in error
    assert error.endswith("lower --lr (now 1e+30), add --clip-grad-norm 5 or use --dtype float64")
    assert not out.exists()


def test_a_network_too_large_for_the_machine_is_refused_before_the_folder_is_read(
    tmp_path, capsys, monkeypatch
):
    folder = make_class_folders(tmp_path / "pictures", 1, size=(16, 16))
    monkeypatch.setattr(memory, "available_bytes", lambda: 2_000_000_000)
    out = tmp_path / "out"
    flags = ("--data", str(folder), "--model", "simple-convnet", "--image-size", "2000")
    error = refused(capsys, "--out", str(out), *flags)
    assert error.endswith(
        "--model simple-convnet on 3×2000×2000 images (its weights, gradients and adam's state "
        "in float32, and a batch of 100) needs about 179 GB; this machine has 2 GB available"
    )
    assert not out.exists()
