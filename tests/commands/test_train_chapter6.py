"""``zeronn train --weight-decay --dropout --batchnorm``: the book's chapter-6 experiments from
the shell; the network they shape is stored, so ``--load`` needs none of them again."""

import json

import numpy as np
import pytest
from fake_datasets import write_bars

from zeronn import serialize
from zeronn.cli import main
from zeronn.experiments.train.config import TrainConfig
from zeronn.experiments.train.run import build_model, build_optimizer
from zeronn.layers import BatchNorm, Dropout


@pytest.fixture(scope="module")
def fake_root(tmp_path_factory):
    """mnist/ with 80 train and 20 test images of bars, one row band per class."""
    root = tmp_path_factory.mktemp("data")
    write_bars(root / "mnist", 80, 20)
    return root


def train(root, out, *flags) -> int:
    argv = ["train", "--root", str(root), "--no-verify", "--quiet", "--no-figures"]
    return main([*argv, "--out", str(out), *flags])


def test_the_flags_build_the_books_network_and_optimizer():
    config = TrainConfig(
        out="unused",
        hidden=(20, 20),
        batchnorm=True,
        dropout=0.15,
        weight_decay=0.1,
        optimizer="sgd",
    )
    model = build_model(config, np.random.default_rng(0))
    kinds = [type(layer).__name__ for layer in model]
    assert kinds == ["Affine", "BatchNorm", "ReLU", "Dropout"] * 2 + ["Affine"]
    assert all(layer.ratio == 0.15 for layer in model if isinstance(layer, Dropout))
    assert sum(isinstance(layer, BatchNorm) for layer in model) == 2
    optimizer = build_optimizer(config, model)
    assert optimizer.weight_decay == 0.1
    assert optimizer.lr == 0.1  # sgd's default


def test_deep_convnet_takes_dropout_and_the_other_defaults_stay():
    config = TrainConfig(out="unused", model="deep-convnet", dropout=0.3)
    assert config.network((1, 28, 28), 10)["arguments"]["dropout"] == 0.3
    assert TrainConfig(out="unused", model="deep-convnet").dropout == 0.5
    plain = TrainConfig(out="unused")
    assert (plain.batchnorm, plain.dropout, plain.weight_decay) == (False, 0.0, 0.0)
    # the arguments every earlier mlp file holds: they still load without any of the flags
    assert plain.network((1, 28, 28), 10)["arguments"] == {
        "sizes": [784, 100, 100, 10],
        "activation": "relu",
        "batchnorm": False,
        "dropout": 0.0,
    }


def test_weight_decay_shrinks_the_weights(fake_root, tmp_path):
    norms = []
    for decay in ("0", "0.5"):
        out = tmp_path / f"decay-{decay}"
        flags = ("--optimizer", "sgd", "--epochs", "3", "--hidden", "16", "--val-split", "0")
        assert train(fake_root, out, *flags, "--weight-decay", decay) == 0
        with np.load(out / "model.npz") as weights:
            norms.append(sum(float(np.sum(weights[name] ** 2)) for name in ("0.W", "2.W")))
    assert norms[1] < 0.9 * norms[0]


def test_load_reads_batchnorm_and_dropout_from_the_file(fake_root, tmp_path):
    first = tmp_path / "first"
    flags = ("--hidden", "16", "--batchnorm", "--dropout", "0.2", "--epochs", "1")
    assert train(fake_root, first, *flags) == 0
    again = tmp_path / "again"
    assert train(fake_root, again, "--load", str(first / "model.npz"), "--evaluate-only") == 0
    config = json.loads((again / "metrics.json").read_text())["config"]
    assert (config["hidden"], config["batchnorm"], config["dropout"]) == ([16], True, 0.2)
    metrics = [json.loads((run / "metrics.json").read_text())["test"] for run in (first, again)]
    assert metrics[0] == metrics[1]
    assert serialize.read_architecture(again / "model.npz")["built_by"]["arguments"]["batchnorm"]


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (
            ("--model", "lstm", "--batchnorm"),
            "--batchnorm puts BatchNorm after each hidden layer of the mlp; lstm would ignore it",
        ),
        (("--model", "simple-convnet", "--batchnorm"), "simple-convnet would ignore it"),
        (
            ("--model", "simple-convnet", "--dropout", "0.5"),
            "--dropout sets the Dropout layers "
            "of mlp and deep-convnet; simple-convnet has none, so it would ignore it",
        ),
        (("--model", "gru", "--dropout", "0.1"), "gru has none"),
    ],
)
def test_a_flag_the_model_would_ignore_is_refused(tmp_path, capsys, flags, message):
    assert train(tmp_path / "no-data", tmp_path / "out", *flags) == 2
    error = capsys.readouterr().err.strip()
    assert error.startswith("zeronn train: error: ")
    assert message in error
    assert len(error.splitlines()) == 1
    assert not (tmp_path / "out").exists()
