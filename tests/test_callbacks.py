"""Callbacks: checkpoint of the best model, early stopping, step and cosine schedules."""

import math
from types import SimpleNamespace

import numpy as np
import pytest

from zeronn import serialize
from zeronn.callbacks import Callback, CosineLR, EarlyStopping, ModelCheckpoint, StepLR
from zeronn.layers.activations import ReLU
from zeronn.layers.affine import Affine
from zeronn.model import Sequential
from zeronn.optim import SGD
from zeronn.trainer import Trainer


def tiny_model(seed=0):
    rng = np.random.default_rng(seed)
    layers = [Affine(2, 6, rng=rng), ReLU(), Affine(6, 3, rng=rng)]
    return Sequential(layers)


def blobs(n=30):
    rng = np.random.default_rng(0)
    t = np.arange(n) % 3
    return rng.standard_normal((n, 2)) + 2 * np.eye(3, 2)[t], t


def fit(callbacks, epochs, lr=0.5, validation=True):
    x, t = blobs()
    model = tiny_model()
    trainer = Trainer(
        model, SGD(model.parameters(), lr=lr), batch_size=10, rng=0, callbacks=callbacks, verbose=0
    )
    return trainer, trainer.fit(x, t, epochs, validation=(x, t) if validation else None)


def run_epochs(callback, values, monitor):
    """Feed ``values`` of ``monitor`` to ``callback`` as successive epochs, like fit would."""
    trainer = SimpleNamespace(stop_training=False, model=None)
    callback.on_train_begin(trainer)
    for epoch, value in enumerate(values, start=1):
        callback.on_epoch_end(trainer, epoch, {monitor: value})
        if trainer.stop_training:
            return epoch
    return None


def test_step_lr_multiplies_every_step_size_epochs():
    _, history = fit([StepLR(step_size=2, gamma=0.5)], 5)
    np.testing.assert_allclose(history.lr, [0.5, 0.5, 0.25, 0.25, 0.125])


def test_cosine_lr_follows_the_formula_from_base_to_min():
    schedule = CosineLR(total_epochs=4, min_lr=0.1)
    _, history = fit([schedule], 4)
    expected = [0.1 + 0.4 * (1 + math.cos(math.pi * e / 4)) / 2 for e in range(4)]
    np.testing.assert_allclose(history.lr, expected)
    assert history.lr[0] == 0.5
    assert schedule.lr(5) == pytest.approx(0.1)
    assert schedule.lr(50) == pytest.approx(0.1)


def test_schedules_reject_bad_arguments():
    with pytest.raises(ValueError, match="step_size to be a positive integer, got 0"):
        StepLR(0)
    with pytest.raises(ValueError, match="0 < gamma <= 1, got 2"):
        StepLR(1, gamma=2)
    with pytest.raises(ValueError, match=r"min_lr below the optimizer's lr 0\.5, got 1"):
        fit([CosineLR(3, min_lr=1.0)], 1)
    with pytest.raises(RuntimeError, match="read from the optimizer"):
        StepLR(2).lr(1)


def test_early_stopping_counts_patience_epochs_without_improvement():
    # Best 0.9 at epoch 2; epochs 3 and 4 do not improve: stop after epoch 4.
    stopper = EarlyStopping("val_loss", patience=2)
    assert run_epochs(stopper, [1.0, 0.9, 0.95, 0.91, 0.5], "val_loss") == 4
    assert stopper.stopped_epoch == 4


def test_early_stopping_min_delta_and_max_mode():
    stopper = EarlyStopping("val_accuracy", patience=1, min_delta=0.05)
    # +0.02 is not enough of an improvement for accuracy (auto mode: max).
    assert run_epochs(stopper, [0.5, 0.52, 0.9], "val_accuracy") == 2
    stopper = EarlyStopping("val_accuracy", patience=1)
    assert run_epochs(stopper, [0.5, 0.52, 0.6], "val_accuracy") is None


def test_early_stopping_ends_fit():
    # No epoch can improve the loss by 100: stop after the first epoch without improvement.
    stopper = EarlyStopping("loss", patience=1, min_delta=100)
    trainer, history = fit([stopper], 10, validation=False)
    assert history.epochs == 2
    assert trainer.stop_training


def test_missing_monitor_names_the_fix():
    with pytest.raises(ValueError, match=r"monitors 'val_loss'.*validation=\(x_val, t_val\)"):
        fit([EarlyStopping("val_loss")], 1, validation=False)


def test_checkpoint_keeps_the_best_model(tmp_path):
    path = tmp_path / "best.npz"
    model = tiny_model()
    checkpoint = ModelCheckpoint(path, monitor="val_accuracy")
    trainer = SimpleNamespace(model=model)
    checkpoint.on_train_begin(trainer)
    best_weights = model.parameters()[0].data.copy()
    checkpoint.on_epoch_end(trainer, 1, {"val_accuracy": 0.5})
    model.parameters()[0].data[...] = 7.0  # a worse epoch: must not be saved
    checkpoint.on_epoch_end(trainer, 2, {"val_accuracy": 0.4})
    restored = serialize.load(tiny_model(seed=9), path)
    np.testing.assert_array_equal(restored.parameters()[0].data, best_weights)
    assert (checkpoint.best, checkpoint.best_epoch) == (0.5, 1)
    checkpoint.on_epoch_end(trainer, 3, {"val_accuracy": 0.6})
    restored = serialize.load(tiny_model(seed=9), path)
    assert np.all(restored.parameters()[0].data == 7.0)
    assert checkpoint.best_epoch == 3


def test_checkpoint_during_fit_matches_the_best_epoch(tmp_path):
    path = tmp_path / "model.npz"
    checkpoint = ModelCheckpoint(path, monitor="val_loss")
    _, history = fit([checkpoint], 3)
    assert checkpoint.best == min(history.val_loss)
    assert checkpoint.best_epoch == int(np.argmin(history.val_loss)) + 1
    assert path.is_file()
    assert not [p for p in tmp_path.iterdir() if p.name != "model.npz"]  # no temporary left


def test_checkpoint_rejects_bad_paths_and_modes(tmp_path):
    with pytest.raises(ValueError, match=r"ending in \.npz, got .*model\.pkl"):
        ModelCheckpoint(tmp_path / "model.pkl")
    with pytest.raises(ValueError, match="mode 'auto', 'min' or 'max', got 'best'"):
        ModelCheckpoint(tmp_path / "m.npz", mode="best")


# --- every fit leaves the optimizer's lr as it found it ---------------------------------------


def test_repeated_fits_each_run_the_schedule_from_the_users_lr():
    x, t = blobs()
    model = tiny_model()
    trainer = Trainer(
        model,
        SGD(model.parameters(), lr=0.5),
        batch_size=10,
        rng=0,
        verbose=0,
        callbacks=[CosineLR(3)],
    )
    first = trainer.fit(x, t, 3).lr
    assert trainer.optimizer.lr == 0.5
    second = trainer.fit(x, t, 3).lr  # "3 more epochs"
    assert second == first
    assert trainer.optimizer.lr == 0.5


def test_the_lr_is_put_back_after_an_early_stop_and_after_an_error():
    x, t = blobs()
    trainer, history = fit([StepLR(1, gamma=0.5), EarlyStopping("loss", 1, min_delta=100)], 5)
    assert history.lr == [0.5, 0.25]
    assert trainer.optimizer.lr == 0.5

    class Fails(Callback):
        def on_epoch_end(self, trainer, epoch, logs):
            if epoch == 2:
                raise RuntimeError("stop")

    model = tiny_model()
    trainer = Trainer(
        model,
        SGD(model.parameters(), lr=0.5),
        batch_size=10,
        rng=0,
        verbose=0,
        callbacks=[StepLR(1, gamma=0.5), Fails()],
    )
    with pytest.raises(RuntimeError, match="stop"):
        trainer.fit(x, t, 5)
    assert trainer.optimizer.lr == 0.5
