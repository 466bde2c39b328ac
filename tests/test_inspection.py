"""Tests for zeronn/inspection.py: every layer's output on one batch, the model left as found."""

import numpy as np
import pytest

from zeronn.inspection import layer_outputs
from zeronn.layers import Affine, BatchNorm, Dropout, ReLU, Sigmoid
from zeronn.model import Sequential
from zeronn.state import Snapshot


def network(rng):
    return Sequential(
        [Affine(5, 4, rng=rng), BatchNorm(4), ReLU(), Dropout(0.5, rng=1), Affine(4, 3, rng=rng)]
    )


def test_the_outputs_are_the_forward_chain_keyed_by_layer_index(rng):
    model = network(rng).eval()
    x = rng.standard_normal((6, 5))
    outputs = layer_outputs(model, x)
    assert list(outputs) == ["0", "1", "2", "3", "4"]
    h = x
    for index, layer in enumerate(model):
        h = layer.forward(h)
        np.testing.assert_array_equal(outputs[str(index)], h)
    np.testing.assert_array_equal(outputs["4"], model.predict(x))


def test_kinds_keeps_the_outputs_of_those_layers_only(rng):
    model = Sequential([Affine(3, 3, rng=rng), Sigmoid(), Affine(3, 3, rng=rng), ReLU()])
    x = rng.standard_normal((2, 3))
    assert list(layer_outputs(model, x, kinds=Sigmoid)) == ["1"]
    assert list(layer_outputs(model, x, kinds=(Sigmoid, ReLU))) == ["1", "3"]


def test_the_model_is_left_as_found_in_training_mode_too(rng):
    model = network(rng)  # training mode: BatchNorm's running statistics, Dropout's masks move
    before = Snapshot(model)
    outputs = layer_outputs(model, rng.standard_normal((6, 5)))
    assert before.changes() == []
    assert model.training
    # Dropout ran in training mode: about half of its outputs are zeros.
    assert np.count_nonzero(outputs["3"] == 0) > np.count_nonzero(outputs["2"] == 0)


def test_the_outputs_are_copies(rng):
    model = Sequential([Affine(3, 3, rng=rng), ReLU()])
    x = rng.standard_normal((2, 3))
    outputs = layer_outputs(model, x)
    outputs["0"][...] = 7.0
    assert not np.array_equal(layer_outputs(model, x)["0"], outputs["0"])


def test_float32_input_feeds_a_float64_model_as_forward_does(rng):
    model = Sequential([Affine(3, 2, rng=rng)])
    x = rng.standard_normal((2, 3)).astype(np.float32)
    assert layer_outputs(model, x)["0"].dtype == np.float64


@pytest.mark.parametrize(
    ("model", "x", "kinds", "error", "words"),
    [
        (Affine(3, 2), np.ones((2, 3)), None, TypeError, "expected a Sequential model"),
        (None, np.ones((2, 3)), "ReLU", TypeError, "kinds as a Layer class"),
        (None, np.ones((2, 3)), (), TypeError, "kinds as a Layer class"),
        (None, np.ones((2, 3), dtype=np.int64), None, TypeError, "float32 or float64"),
        (None, np.ones((0, 3)), None, ValueError, "at least one input"),
    ],
)
def test_bad_arguments_are_refused(rng, model, x, kinds, error, words):
    model = Sequential([Affine(3, 2, rng=rng), ReLU()]) if model is None else model
    with pytest.raises(error, match=words):
        layer_outputs(model, x, kinds=kinds)


def test_a_layer_that_refuses_its_input_leaves_the_model_as_found(rng):
    model = Sequential([BatchNorm(3), Affine(4, 2, rng=rng)])  # a model built wrong
    before = Snapshot(model)
    with pytest.raises(ValueError, match=r"Affine\(4 -> 2\) expected input"):
        layer_outputs(model, rng.standard_normal((5, 3)))  # BatchNorm moved its statistics
    assert before.changes() == []
