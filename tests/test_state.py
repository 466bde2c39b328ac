"""Tests for zeronn/state.py: what a Snapshot saves, puts back and compares."""

import numpy as np
import pytest

from zeronn.callbacks import EarlyStopping
from zeronn.layers import GRU, LSTM, BatchNorm, Dropout, LayerNorm, Linear, ReLU, Residual
from zeronn.model import Sequential
from zeronn.optim import Adam, Momentum
from zeronn.state import Snapshot, state_slots
from zeronn.trainer import Trainer


def model(rng):
    return Sequential(
        [
            Linear(3, 4, rng=rng),
            Residual(LayerNorm(4), Dropout(0.5, rng=1)),
            LSTM(4, 4, stateful=True, rng=rng),
            Linear(4, 2, rng=rng),
        ]
    )


def sequences(n=2, seed=0):
    return np.random.default_rng(seed).normal(size=(n, 5, 3))


def test_a_snapshot_of_an_unchanged_model_has_no_changes(rng):
    net = model(rng)
    assert Snapshot(net).changes() == []
    assert "places" in repr(Snapshot(net))


def test_restore_puts_back_every_kind_of_state(rng):
    net = model(rng)
    net.forward(sequences())  # a carried state to save
    snapshot = Snapshot(net)
    lstm, dropout = net[2], net[1].layers[1]
    old_state = lstm.state
    net.forward(sequences(seed=1))  # moves Dropout's generator and the carried state
    dropout.eval()  # a nested mode
    net[0].W.data += 1.0
    net[3].b.grad[...] = 7.0
    assert snapshot.changes() == ["1.1.training", "1.1.rng", "2.state", "0.W", "3.b.grad"]
    snapshot.restore()
    assert snapshot.changes() == []
    assert lstm.state is old_state
    assert dropout.training


def test_running_statistics_are_buffers_to_restore(rng):
    net = Sequential([Linear(3, 4, rng=rng), BatchNorm(4)])
    snapshot = Snapshot(net, parameters=False)
    net.forward(rng.normal(size=(5, 3)))
    assert snapshot.changes() == ["1.running_mean", "1.running_var"]
    snapshot.restore()
    np.testing.assert_array_equal(net[1].running_var, np.ones(4))


def test_restore_puts_back_rebound_attributes_and_their_contents(rng):
    net = Sequential([Linear(3, 2, rng=rng)])
    weight = net[0].W
    original = weight.data
    saved = original.copy()
    snapshot = Snapshot(net)
    weight.data = np.zeros_like(original)
    original += 1.0
    snapshot.restore()
    assert weight.data is original
    np.testing.assert_array_equal(original, saved)


def test_without_parameters_only_the_other_state_is_saved(rng):
    net = model(rng)
    snapshot = Snapshot(net, parameters=False)
    net[0].W.data += 1.0
    assert snapshot.changes() == []
    names = [slot.name for slot in state_slots(net, parameters=False)]
    assert not [name for name in names if name.endswith(("W", "grad"))]


@pytest.mark.parametrize("cls", [LSTM, GRU])
def test_a_slot_list_collected_once_snapshots_many_times(rng, cls):
    net = Sequential([cls(3, 2, stateful=True, rng=rng)])
    slots = state_slots(net, parameters=False)
    first = Snapshot.of(slots)
    net.forward(sequences())
    second = Snapshot.of(slots)
    net.forward(sequences(seed=1))
    assert first.changes() == second.changes() == ["0.state"]
    second.restore()
    assert first.changes() == ["0.state"]
    assert second.changes() == []


def test_optimizer_state_hyperparameters_and_counters(rng):
    net = Sequential([Linear(3, 2, rng=rng)])
    optimizer = Adam(net.parameters(), lr=0.01)
    snapshot = Snapshot(optimizer)
    for param in net.parameters():
        param.grad[...] = 1.0
    optimizer.step()
    optimizer.lr = 0.5
    assert snapshot.changes() == [
        "Adam.params[0]",
        "Adam.params[0].grad",
        "Adam.params[1]",
        "Adam.params[1].grad",
        "Adam.lr",
        "Adam.step_count",
        "Adam._m",
        "Adam._v",
    ]
    snapshot.restore()
    assert snapshot.changes() == []
    assert optimizer.step_count == 0
    assert optimizer.lr == 0.01
    assert not optimizer._m[0].any()


def test_a_trainer_snapshot_reaches_model_optimizer_generator_and_callbacks(rng):
    net = Sequential([Linear(3, 2, rng=rng), ReLU()])
    stopper = EarlyStopping("loss")
    trainer = Trainer(net, Momentum(net.parameters(), lr=0.1), rng=0, callbacks=[stopper])
    snapshot = Snapshot(trainer)
    trainer.rng.random()
    stopper.wait = 3
    stopper._monitor.best = 0.5
    trainer.optimizer.momentum = 0.5
    net.eval()
    assert snapshot.changes() == [
        "Trainer.model.training",
        "Trainer.model.0.training",
        "Trainer.model.1.training",
        "Trainer.optimizer.momentum",
        "Trainer.rng",
        "Trainer.callbacks[0]._monitor.best",
        "Trainer.callbacks[0].wait",
    ]
    snapshot.restore()
    assert snapshot.changes() == []


def test_a_generator_alone(rng):
    snapshot = Snapshot(rng)
    first = rng.random()
    assert snapshot.changes() == ["Generator"]
    snapshot.restore()
    assert rng.random() == first
