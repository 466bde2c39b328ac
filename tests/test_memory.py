"""Tests for zeronn/memory.py: the estimates are the networks' real sizes, the check refuses."""

import numpy as np
import pytest

from zeronn import memory, models, optim
from zeronn.experiments.charlm.models import (
    language_model_size,
    lstm_language_model,
    transformer_language_model,
)
from zeronn.parameter import Parameter


def parameter_count(model) -> int:
    return sum(p.size for p in model.parameters())


@pytest.mark.parametrize(
    ("factory", "arguments"),
    [
        ("mlp", {"sizes": [784, 100, 100, 10]}),
        ("mlp", {"sizes": [12, 7, 5, 3], "batchnorm": True}),
        ("simple_convnet", {"input_shape": [1, 28, 28]}),
        ("simple_convnet", {"input_shape": [3, 17, 19], "filters": 4, "kernel_size": 3}),
        ("deep_convnet", {"input_shape": [1, 28, 28]}),
        ("deep_convnet", {"input_shape": [3, 9, 13], "classes": 2}),
        ("recurrent_classifier", {"kind": "lstm", "hidden": [16]}),
        ("recurrent_classifier", {"kind": "gru", "hidden": [8, 6], "input_size": 5}),
        ("recurrent_classifier", {"kind": "rnn", "hidden": [4], "classes": 3}),
    ],
)
def test_the_estimate_counts_every_parameter_of_the_factorys_network(factory, arguments):
    model = getattr(models, factory)(**arguments, rng=0)
    size = memory.factory_size(factory, model.built_by["arguments"])
    assert size.parameters == parameter_count(model)
    assert size.largest_layer > 0


def test_a_convolution_counts_its_unfolded_rows():
    # 30 filters of 5×5 over 1×28×28: 24·24 positions, each a row of 25 (im2col) or 30 outputs
    size = memory.factory_size("simple_convnet", models.simple_convnet(rng=0).built_by["arguments"])
    assert size.largest_layer == 24 * 24 * 30


@pytest.mark.parametrize("kind", ["lstm", "transformer"])
def test_the_language_model_estimate_counts_every_parameter(kind):
    if kind == "lstm":
        model = lstm_language_model(50, 16, 24, rng=0)
    else:
        model = transformer_language_model(50, 16, 4, 12, blocks=3, rng=0)
    size = language_model_size(kind, 50, 16, hidden=24, num_heads=4, blocks=3, seq_len=12)
    assert size.parameters == parameter_count(model)


@pytest.mark.parametrize("name", sorted(memory.OPTIMIZER_STATE))
def test_the_optimizer_state_is_what_each_optimizer_keeps(name):
    param = Parameter(np.zeros((3, 4)))
    optimizer = {
        "sgd": optim.SGD,
        "momentum": optim.Momentum,
        "nesterov": optim.Nesterov,
        "adagrad": optim.AdaGrad,
        "rmsprop": optim.RMSprop,
        "adam": optim.Adam,
    }[name]([param], lr=0.1)
    kept = [
        value
        for value in vars(optimizer).values()
        if isinstance(value, list)
        and value
        and all(isinstance(a, np.ndarray) and a.shape == param.shape for a in value)
    ]
    # the state, and one scratch array per parameter that every optimizer has
    assert len(kept) == memory.OPTIMIZER_STATE[name] + 1


def test_training_bytes_counts_weights_gradients_state_and_one_batch():
    size = memory.ModelSize(parameters=1000, largest_layer=50)
    assert size.training_bytes(10, 4, "adam") == (1000 * 5 + 10 * 50) * 4
    assert size.training_bytes(10, 8, "sgd") == (1000 * 3 + 10 * 50) * 8
    assert size.training_bytes(10, 4, None) == (1000 + 10 * 50) * 4


def test_available_memory_is_read_from_meminfo_or_not_at_all(tmp_path):
    meminfo = tmp_path / "meminfo"
    meminfo.write_text("MemTotal:       32000000 kB\nMemAvailable:   24000000 kB\n")
    assert memory.available_bytes(str(meminfo)) == 24_000_000 * 1024
    fallback = memory.available_bytes(str(tmp_path / "missing"))
    assert fallback is None or fallback > 0  # os.sysconf's free pages, where it has them
    assert memory.available_bytes() is None or memory.available_bytes() > 0


def test_check_fits_refuses_in_one_line(monkeypatch):
    monkeypatch.setattr(memory, "available_bytes", lambda: 24_000_000_000)
    memory.check_fits(1_000_000, "a small run")
    with pytest.raises(
        ValueError, match=r"^--hidden 200000 needs about 480 GB; this machine has 24 GB available$"
    ):
        memory.check_fits(480_000_000_000, "--hidden 200000")
    monkeypatch.setattr(memory, "available_bytes", lambda: None)
    memory.check_fits(10**18, "anything, where the memory cannot be read")
