"""Tests for zeronn/fit_checks.py: what cannot work is refused before the first step, changing
nothing (the trainer's whole state is compared with a Snapshot taken before the call)."""

import numpy as np
import pytest

from zeronn.callbacks import CosineLR, EarlyStopping, ModelCheckpoint
from zeronn.data.batches import iterate_batches
from zeronn.layers import LSTM, BatchNorm, Dropout, Embedding, Linear, ReLU
from zeronn.layers.affine import Affine
from zeronn.layers.conv import Conv2D
from zeronn.layers.flatten import Flatten
from zeronn.model import Sequential
from zeronn.optim import Adam
from zeronn.state import Snapshot
from zeronn.trainer import Trainer


def trainer_for(model, **options):
    options.setdefault("verbose", 0)
    return Trainer(model, Adam(model.parameters(), lr=0.01), batch_size=4, rng=0, **options)


def mlp():
    rng = np.random.default_rng(0)
    return Sequential(
        [Affine(6, 5, rng=rng), BatchNorm(5), ReLU(), Dropout(0.5, rng=1), Affine(5, 3, rng=rng)]
    )


def data(n=10, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, 6)), rng.integers(0, 3, size=n)


def refused(trainer, error, match, *args, **kwargs):
    """Call ``trainer.fit(*args, **kwargs)``, expect ``error``, and check nothing changed."""
    before = Snapshot(trainer)
    with pytest.raises(error, match=match):
        trainer.fit(*args, **kwargs)
    assert before.changes() == []


def test_a_monitor_without_validation_data_is_refused_before_the_first_epoch(tmp_path):
    x, t = data()
    for callback in (EarlyStopping("val_loss"), ModelCheckpoint(tmp_path / "m.npz")):
        trainer = trainer_for(mlp(), callbacks=[callback])
        refused(trainer, ValueError, r"monitors 'val_.*validation=\(x_val, t_val\)", x, t, 3)
        assert trainer.history.epochs == 0
    assert not (tmp_path / "m.npz").exists()


def test_a_schedule_that_cannot_start_is_refused_before_the_first_epoch():
    x, t = data()
    trainer = trainer_for(mlp(), callbacks=[EarlyStopping("loss"), CosineLR(3, min_lr=0.5)])
    refused(trainer, ValueError, r"min_lr below the optimizer's lr 0\.01, got 0\.5", x, t, 3)


def test_validation_inputs_the_model_cannot_take_are_refused():
    x, t = data()
    x_val, t_val = data(5, seed=1)
    trainer = trainer_for(mlp())
    refused(
        trainer,
        ValueError,
        r"Trainer\.fit \(validation\): the model cannot take the validation inputs \(N, 5\): "
        r"Affine\(6 -> 5\)",
        x,
        t,
        2,
        validation=(x_val[:, :5], t_val),
    )
    convnet = Sequential([Conv2D(1, 2, 3, rng=0), Flatten(), Affine(2 * 4 * 4, 3, rng=0)])
    images = np.zeros((6, 1, 6, 6))
    refused(
        trainer_for(convnet),
        ValueError,
        r"cannot take the validation inputs \(N, 36\): Conv2D expected input \(N, 1, H, W\)",
        images,
        t[:6],
        1,
        validation=(images.reshape(6, 36), t[:6]),
    )


def test_targets_that_do_not_pair_with_the_outputs_are_refused():
    x, t = data()
    refused(
        trainer_for(mlp()),
        ValueError,
        r"Trainer\.fit expected labels .* got predictions \(4, 3\) and labels \(4, 2\)",
        x,
        np.zeros((10, 2), dtype=int),
        1,
    )
    refused(
        trainer_for(mlp()),
        ValueError,
        r"\(validation\) expected class labels below the 3 classes the model outputs \(N, 3\), "
        r"got a label of 7",
        x,
        t,
        1,
        validation=(x[:5], np.array([0, 1, 2, 7, 1])),
    )
    labels = t.copy()
    labels[-1] = 3  # beyond the first batch: all the labels are checked
    refused(trainer_for(mlp()), ValueError, "got a label of 3", x, labels, 1)


def test_a_model_that_cannot_take_the_inputs_is_refused():
    x, t = data()
    refused(
        trainer_for(mlp()),
        ValueError,
        r"Trainer\.fit: the model cannot take the inputs \(N, 5\): Affine\(6 -> 5\) expected",
        x[:, :5],
        t,
        1,
    )


def test_the_checks_change_nothing_a_good_fit_trains_as_without_them():
    """The probe's forward passes restore the model, so training is bit for bit the same as
    a hand-written loop over the same batches."""
    x, t = data(12)
    model = mlp()
    trainer = trainer_for(model)
    trainer.fit(x, t, 2)
    twin = mlp()
    optimizer = Adam(twin.parameters(), lr=0.01)
    from zeronn.losses import SoftmaxCrossEntropy

    loss_fn = SoftmaxCrossEntropy()
    order = np.random.default_rng(0)
    twin.train()
    for _ in range(2):
        for x_batch, t_batch in iterate_batches(x, t, 4, order, shuffle=True):
            loss_fn.forward(twin.forward(x_batch), t_batch)
            twin.backward(loss_fn.backward(), input_grad=False)
            optimizer.step()
    for (name, value), (_, other) in zip(
        model.state_dict().items(), twin.state_dict().items(), strict=True
    ):
        np.testing.assert_array_equal(value, other, err_msg=name)


def test_a_stateful_model_is_probed_with_a_whole_batch_and_keeps_its_state():
    rng = np.random.default_rng(0)
    model = Sequential(
        [Embedding(5, 3, rng=rng), LSTM(3, 4, stateful=True, rng=rng), Linear(4, 5, rng=rng)]
    )
    ids = rng.integers(0, 5, size=(8, 6))
    model.forward(ids[:4])  # carries the state of a batch of 4
    trainer = trainer_for(model)
    before = Snapshot(model)
    refused(
        trainer,
        ValueError,
        r"labels .* got predictions \(4, 6, 5\) and labels \(4, 5\)",
        ids,
        ids[:, :5],
        1,
    )
    assert before.changes() == []
