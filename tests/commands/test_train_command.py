"""``zeronn train`` end to end: on a tiny synthetic MNIST always, on the real files when present."""

import json

import numpy as np
import pytest
from conftest import real_data_root, requires_real_data

from zeronn import serialize
from zeronn.cli import main
from zeronn.data import load_mnist, write_idx
from zeronn.experiments.train.config import TrainConfig, parse_augment
from zeronn.experiments.train.run import build_model
from zeronn.models import mlp

OUTPUTS = (
    "model.npz",
    "checkpoint.npz",
    "history.json",
    "metrics.json",
    "curves.png",
    "confusion_matrix.png",
    "misclassified.png",
)


@pytest.fixture(scope="module")
def fake_root(tmp_path_factory):
    """A folder with mnist/ holding 120 train and 40 test 28×28 images in the IDX format.

    Class k is a bright horizontal bar at rows 2k..2k+3 plus noise: learnable in a few steps.
    """
    root = tmp_path_factory.mktemp("data")
    rng = np.random.default_rng(0)
    for split, count in (("train", 120), ("t10k", 40)):
        labels = (np.arange(count) % 10).astype(np.uint8)
        images = rng.integers(0, 60, size=(count, 28, 28)).astype(np.uint8)
        for i, label in enumerate(labels):
            images[i, 2 * label + 2 : 2 * label + 6, 4:24] = 255
        write_idx(root / "mnist" / f"{split}-images-idx3-ubyte.gz", images)
        write_idx(root / "mnist" / f"{split}-labels-idx1-ubyte.gz", labels)
    return root


def run_train(root, out, *flags):
    argv = ["train", "--root", str(root), "--out", str(out), "--no-download", "--no-verify"]
    argv += ["--quiet", *flags]
    return main(argv)


def test_train_writes_every_output_and_reloads_to_the_same_accuracy(fake_root, tmp_path, capsys):
    out = tmp_path / "run"
    flags = ("--epochs", "3", "--optimizer", "sgd", "--hidden", "32", "--seed", "1")
    assert run_train(fake_root, out, *flags) == 0
    for name in OUTPUTS:
        assert (out / name).is_file(), name
    printed = capsys.readouterr().out
    assert "weighted avg" in printed
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["test"]["samples"] == 40
    assert metrics["test"]["accuracy"] > 0.5
    assert np.sum(metrics["confusion_matrix"]) == 40
    assert 1 <= metrics["best_epoch"] <= 3
    history = json.loads((out / "history.json").read_text())
    assert len(history["epochs"]["val_accuracy"]) == 3
    assert len(history["step_loss"]) == 3 * 2  # 108 training images, batches of 100

    # Round trip 1: the CLI evaluates the saved weights to the same numbers.
    again = tmp_path / "again"
    assert (
        run_train(
            fake_root, again, "--hidden", "32", "--load", str(out / "model.npz"), "--evaluate-only"
        )
        == 0
    )
    reloaded = json.loads((again / "metrics.json").read_text())
    assert reloaded["test"] == metrics["test"]
    assert not (again / "history.json").exists()

    # Round trip 2: serialize.load into a freshly built model predicts the same classes.
    model = serialize.load(mlp([784, 32, 10], rng=5, dtype=np.float32), out / "model.npz")
    _, (x_test, t_test) = load_mnist(root=fake_root, download=False, verify=False)
    accuracy = np.mean(model.predict(x_test).argmax(axis=1) == t_test)
    assert accuracy == pytest.approx(metrics["test"]["accuracy"])


def test_convnet_with_augmentation_and_schedule(fake_root, tmp_path):
    out = tmp_path / "conv"
    flags = (
        "--model",
        "simple-convnet",
        "--epochs",
        "2",
        "--batch-size",
        "30",
        "--augment",
        "rotation=10deg,shift=0.1",
        "--schedule",
        "cosine",
        "--val-split",
        "0",
        "--train-subset",
        "60",
        "--dtype",
        "float64",
    )
    assert run_train(fake_root, out, *flags) == 0
    history = json.loads((out / "history.json").read_text())
    assert history["epochs"]["val_loss"] == []
    assert history["epochs"]["lr"][1] == pytest.approx(0.0005)  # cosine halfway from 0.001
    assert json.loads((out / "metrics.json").read_text())["best_epoch"] is None


def test_bad_inputs_give_clear_errors(fake_root, tmp_path, capsys):
    a_file = tmp_path / "taken"
    a_file.write_text("")
    assert run_train(fake_root, a_file) == 2
    assert "--out expected a folder, but" in capsys.readouterr().err
    assert run_train(fake_root, tmp_path / "x", "--evaluate-only") == 2
    assert "--evaluate-only needs --load" in capsys.readouterr().err
    assert run_train(fake_root, tmp_path / "x", "--train-subset", "500") == 2
    expected = "--train-subset asked for 500 images, but mnist has 120 training images"
    assert expected in capsys.readouterr().err
    assert run_train(fake_root, tmp_path / "x", "--augment", "spin=3") == 2
    assert "unknown setting 'spin'" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        run_train(fake_root, tmp_path / "x", "--model", "resnet")
    assert "invalid choice: 'resnet'" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        run_train(fake_root, tmp_path / "x", "--epochs", "0")
    assert "expected a positive integer, got '0'" in capsys.readouterr().err


@pytest.mark.parametrize(("model", "hidden"), [("lstm", "16"), ("gru", "12"), ("rnn", "8,8")])
def test_recurrent_models_read_images_row_by_row(fake_root, tmp_path, model, hidden):
    out = tmp_path / model
    flags = ("--model", model, "--hidden", hidden, "--epochs", "6", "--batch-size", "12")
    assert run_train(fake_root, out, *flags, "--clip-grad-norm", "1", "--lr", "0.01") == 0
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["config"]["clip_grad_norm"] == 1.0
    assert metrics["test"]["samples"] == 40
    assert metrics["test"]["accuracy"] > 0.2  # bars at one row each: learnable, 0.1 is chance
    widths = [int(width) for width in hidden.split(",")]
    gates = {"lstm": 4, "gru": 3, "rnn": 1}[model]
    with np.load(out / "model.npz") as weights:
        assert weights["0.Wx"].shape == (28, gates * widths[0])  # D = 28 pixels per row
        assert weights["0.Wx"].dtype == np.float32
        assert weights[f"{len(widths)}.W"].shape == (widths[-1], 10)


def test_recurrent_config_defaults_and_model():
    config = TrainConfig(out="unused", model="lstm")
    assert config.hidden == (128,)
    assert config.row_sequences
    assert not config.flat_images
    assert TrainConfig(out="unused").hidden == (100, 100)
    model = build_model(TrainConfig(out="unused", model="gru", hidden=(6, 5)), rng=0)
    x = np.zeros((3, 28, 28), dtype=np.float32)
    assert model.forward(x).shape == (3, 10)
    assert model.forward(x).dtype == np.float32
    assert model[0].return_sequences
    assert not model[1].return_sequences
    with pytest.raises(ValueError, match="clip_grad_norm to be a positive number, got 0"):
        TrainConfig(out="unused", clip_grad_norm=0)


def test_parse_augment_maps_to_generator_keywords():
    assert parse_augment("rotation=10deg,shift=0.1,zoom=20%,hflip") == {
        "rotation_range": 10.0,
        "width_shift_range": 0.1,
        "height_shift_range": 0.1,
        "zoom_range": 0.2,
        "horizontal_flip": True,
    }
    with pytest.raises(ValueError, match=r"'zoom=big': expected a number such as zoom=0\.1"):
        parse_augment("zoom=big")
    with pytest.raises(ValueError, match="expected 'hflip'"):
        parse_augment("hflip=1")


@requires_real_data
@pytest.mark.realdata
def test_train_on_a_real_mnist_subset(tmp_path):
    out = tmp_path / "real"
    flags = ("--train-subset", "1000", "--test-subset", "500", "--epochs", "3", "--lr", "0.003")
    assert run_train(real_data_root(), out, *flags) == 0
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["test"]["samples"] == 500
    # A 784-100-100-10 MLP with Adam lands far above chance (0.1) after 27 steps on 900 images
    # (0.88 when this test was written; the floor leaves room for other seeds and BLAS).
    assert metrics["test"]["accuracy"] > 0.7
    assert (out / "misclassified.png").stat().st_size > 0


def test_fine_tuning_goes_to_a_new_folder_never_over_the_weights_it_starts_from(
    fake_root, tmp_path, capsys
):
    """A command never deletes what it reads: --out may not be or hold the --load file's
    folder (zeronn.run_paths), so fine-tuning "in place" is refused before any compute."""
    out = tmp_path / "s1"
    assert run_train(fake_root, out, "--epochs", "1", "--hidden", "16") == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    flags = ("--load", str(out / "model.npz"), "--overwrite", "--epochs", "1", "--hidden", "16")
    capsys.readouterr()
    assert run_train(fake_root, out, *flags) == 2
    error = capsys.readouterr().err
    assert f"--out {out} holds the --load file {out / 'model.npz'}" in error
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    tuned = tmp_path / "s2"
    assert run_train(fake_root, tuned, *flags) == 0
    assert (tuned / "model.npz").read_bytes() != before["model.npz"]
    assert sorted(p.name for p in tuned.iterdir()) == sorted(OUTPUTS)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
