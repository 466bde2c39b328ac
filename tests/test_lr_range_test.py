"""Tests for zeronn/lr_range_test.py: the learning-rate range test leaves everything as found."""

import re

import numpy as np
import pytest

import zeronn
from zeronn.layers import Affine, BatchNorm, Dropout, ReLU
from zeronn.lr_range_test import LRFinderResult, lr_finder
from zeronn.model import Sequential
from zeronn.optim import SGD, Adam
from zeronn.state import Snapshot
from zeronn.trainer import Trainer


def blobs(n=60, seed=0):
    """Three separable clusters in 4-D: something a small network learns in a few steps."""
    rng = np.random.default_rng(seed)
    t = rng.integers(0, 3, size=n)
    centres = np.array([[2.0, 0, 0, 1], [0, 2.0, 0, -1], [0, 0, 2.0, 0]])
    return centres[t] + 0.3 * rng.standard_normal((n, 4)), t


def unlearnable(n=40, seed=0):
    """Large float32 inputs and random labels: the gradient never vanishes, and a huge lr
    drives the logits past float32's largest number (3.4e38)."""
    rng = np.random.default_rng(seed)
    return (1e3 * rng.standard_normal((n, 4))).astype(np.float32), rng.integers(0, 3, size=n)


def network(seed=0):
    rng = np.random.default_rng(seed)
    return Sequential(
        [Affine(4, 8, rng=rng), BatchNorm(8), ReLU(), Dropout(0.2, rng=rng), Affine(8, 3, rng=rng)]
    )


def test_the_model_optimizer_and_generator_are_left_as_found():
    x, t = blobs()
    model = network()
    optimizer = Adam(model.parameters(), lr=0.003)
    Trainer(model, optimizer, batch_size=20, rng=1, verbose=0).fit(x, t, 1)  # moments, t > 0
    model.eval()  # a mode to keep
    generator = np.random.default_rng(5)
    before = Snapshot(model, optimizer, generator)
    result = lr_finder(model, optimizer, x, t, steps=30, batch_size=20, rng=generator)
    assert len(result.lrs) > 1
    assert before.changes() == []
    assert model.training is False
    assert optimizer.lr == 0.003


def test_training_after_the_test_is_the_training_without_it_bit_for_bit():
    x, t = blobs()
    runs = []
    for probe in (False, True):
        zeronn.manual_seed(3)
        model = network(seed=2)
        optimizer = Adam(model.parameters(), lr=0.01)
        if probe:  # draws its batches from zeronn's default generator, and puts it back
            lr_finder(model, optimizer, x, t, steps=20, batch_size=16)
        history = Trainer(model, optimizer, batch_size=16, verbose=0).fit(x, t, 2)
        runs.append((history.step_loss, model.state_dict()))
    (losses_a, state_a), (losses_b, state_b) = runs
    assert losses_a == losses_b
    for name in state_a:
        assert np.array_equal(state_a[name], state_b[name]), name


def test_each_loss_is_measured_after_the_step_taken_with_its_lr():
    # One full batch: the batch order does not change the loss, so a hand-written loop of
    # "step with lr_i, then score" must give the very same numbers.
    x, t = blobs(n=12)
    model = Sequential([Affine(4, 3, rng=0)])
    twin = Sequential([Affine(4, 3, rng=0)])
    result = lr_finder(
        model,
        SGD(model.parameters(), lr=1.0),
        x,
        t,
        start_lr=1e-3,
        end_lr=1.0,
        steps=8,
        batch_size=12,
        stop_factor=100.0,
    )
    loss_fn = zeronn.SoftmaxCrossEntropy()
    optimizer = SGD(twin.parameters(), lr=1.0)
    expected = []
    loss_fn.forward(twin.forward(x), t)
    for lr in result.lrs:
        twin.backward(loss_fn.backward())
        optimizer.lr = float(lr)
        optimizer.step()
        expected.append(loss_fn.forward(twin.forward(x), t))
    np.testing.assert_allclose(result.losses, expected, rtol=1e-12)
    np.testing.assert_allclose(result.lrs, np.geomspace(1e-3, 1.0, 8), rtol=1e-12)
    assert result.stopped == "reached end_lr"


def test_the_smoothed_curve_is_the_bias_corrected_moving_average():
    x, t = blobs()
    model = network()
    result = lr_finder(model, SGD(model.parameters(), lr=0.1), x, t, steps=15, smoothing=0.7)
    average, expected = 0.0, []
    for k, loss in enumerate(result.losses, start=1):
        average = 0.7 * average + 0.3 * loss
        expected.append(average / (1 - 0.7**k))
    np.testing.assert_allclose(result.smoothed, expected, rtol=1e-12)
    unsmoothed = lr_finder(model, SGD(model.parameters(), lr=0.1), x, t, steps=15, smoothing=0)
    np.testing.assert_array_equal(unsmoothed.smoothed, unsmoothed.losses)


def test_the_suggestion_is_a_tenth_of_the_lr_at_the_smoothed_minimum():
    x, t = blobs()
    model = network()
    result = lr_finder(model, SGD(model.parameters(), lr=0.1), x, t, steps=40)
    at_minimum = result.lrs[np.argmin(result.smoothed)]
    assert result.lr_at_minimum == at_minimum
    assert result.suggested_lr == pytest.approx(at_minimum / 10)
    assert f"suggested lr {result.suggested_lr:.3g}" in str(result)


def test_a_loss_that_explodes_stops_the_test_early():
    x, t = blobs()
    model = network()
    result = lr_finder(
        model, SGD(model.parameters(), lr=0.1), x, t, start_lr=1e-3, end_lr=1e6, steps=60
    )
    assert len(result.lrs) < 60
    assert result.lrs[-1] < 1e6
    assert len(result.lrs) == len(result.losses) == len(result.smoothed)
    assert np.isfinite(result.losses).all()
    assert re.search(r"passed 4 × its minimum|not finite|the loss is", result.stopped)


def test_a_non_finite_loss_ends_the_run_without_a_warning_and_is_not_recorded():
    x, t = unlearnable()
    model = Sequential([Affine(4, 3, rng=0, dtype="float32")])
    # NumPy would raise on an overflow, were the test not to expect and silence it.
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        result = lr_finder(
            model,
            SGD(model.parameters(), lr=0.1),
            x,
            t,
            start_lr=1e-3,
            end_lr=1e37,
            steps=40,
            stop_factor=1e300,
        )
    assert np.isfinite(result.losses).all()
    assert len(result.lrs) < 40
    assert re.search(r"not finite|the loss is (inf|nan)", result.stopped), result.stopped


def test_a_first_step_that_breaks_everything_is_an_error_naming_start_lr():
    x, t = unlearnable()
    model = Sequential([Affine(4, 3, rng=0, dtype="float32")])
    before = Snapshot(model)
    with pytest.raises(ValueError, match=r"could not take one step.*smaller start_lr"):
        lr_finder(model, SGD(model.parameters(), lr=0.1), x, t, start_lr=1e36, end_lr=1e37)
    assert before.changes() == []


@pytest.mark.parametrize(
    ("arguments", "error", "words"),
    [
        ({"start_lr": 1.0, "end_lr": 0.1}, ValueError, "end_lr above start_lr"),
        ({"start_lr": 0}, ValueError, "start_lr to be a positive number"),
        ({"steps": 1}, ValueError, "steps >= 2"),
        ({"steps": 2.5}, TypeError, "steps"),
        ({"batch_size": 0}, ValueError, "batch_size"),
        ({"smoothing": 1.0}, ValueError, r"smoothing in \[0, 1\)"),
        ({"stop_factor": 1.0}, ValueError, "stop_factor above 1"),
        ({"loss": object()}, TypeError, "a loss with forward"),
        ({"rng": "seed"}, TypeError, "rng"),
    ],
)
def test_bad_arguments_are_refused_before_anything_changes(arguments, error, words):
    x, t = blobs()
    model = network()
    optimizer = Adam(model.parameters(), lr=0.01)
    generator = zeronn.default_generator()
    before = Snapshot(model, optimizer, generator)
    with pytest.raises(error, match=words):
        lr_finder(model, optimizer, x, t, **arguments)
    assert before.changes() == []


def test_a_model_an_optimizer_or_data_of_the_wrong_kind_is_refused():
    x, t = blobs()
    model = network()
    optimizer = SGD(model.parameters(), lr=0.1)
    with pytest.raises(TypeError, match="lr_finder expected a model with forward"):
        lr_finder(object(), optimizer, x, t)
    with pytest.raises(TypeError, match="lr_finder expected an optimizer with step"):
        lr_finder(model, object(), x, t)
    with pytest.raises(ValueError, match="as many data targets as inputs"):
        lr_finder(model, optimizer, x, t[:-1])


def test_the_front_door_exports_it():
    assert zeronn.lr_finder is lr_finder
    assert LRFinderResult.__name__ in repr(LRFinderResult)
