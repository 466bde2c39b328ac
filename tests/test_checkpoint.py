"""zeronn/checkpoint.py: 2 epochs + a checkpoint + 2 more epochs are 4 epochs, bit for bit; the
file is arrays and one JSON text (no pickle); a checkpoint that does not fit changes nothing."""

import numpy as np
import pytest

from zeronn import models, optim
from zeronn.augment import ImageDataGenerator
from zeronn.callbacks import CosineLR, EarlyStopping, ModelCheckpoint
from zeronn.checkpoint import (
    CheckpointError,
    read_checkpoint,
    restore_checkpoint,
    save_checkpoint,
)
from zeronn.layers import LSTM, Affine
from zeronn.model import Sequential
from zeronn.state import Snapshot
from zeronn.trainer import Trainer

OPTIMIZERS = {
    "adam": lambda params: optim.Adam(params, lr=0.01, weight_decay=0.01),
    "momentum": lambda params: optim.Momentum(params, lr=0.05),
    "rmsprop": lambda params: optim.RMSprop(params, lr=0.005),
}


def data(seed: int, count: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.random((count, 36)).astype(np.float32), rng.integers(0, 3, count)


TRAIN, VALIDATION = data(0, 50), data(1, 20)


def trainer(folder, name: str, optimizer: str = "adam", **changes) -> Trainer:
    """A trainer with every kind of state: BatchNorm buffers, Dropout masks drawn from the
    trainer's generator, optimizer moments, a kept best model, early stopping's count, a
    schedule's base lr, augmentation drawn from the generator."""
    rng = np.random.default_rng(7)
    model = models.mlp([36, 12, 12, 3], batchnorm=True, dropout=0.25, rng=rng, dtype=np.float32)
    callbacks = [
        ModelCheckpoint(folder / f"{name}.npz"),
        EarlyStopping(patience=10),
        CosineLR(total_epochs=4),
    ]
    settings = {
        "batch_size": 16,
        "rng": rng,
        "callbacks": callbacks,
        "verbose": 0,
        "augment": ImageDataGenerator(rotation_range=10, image_shape=(6, 6)),
    }
    return Trainer(model, OPTIMIZERS[optimizer](model.parameters()), **{**settings, **changes})


@pytest.mark.parametrize("optimizer", sorted(OPTIMIZERS))
def test_two_epochs_a_checkpoint_and_two_more_are_four_epochs_bit_for_bit(tmp_path, optimizer):
    whole = trainer(tmp_path, "whole", optimizer)
    history = whole.fit(*TRAIN, 4, validation=VALIDATION)

    first = trainer(tmp_path, "first", optimizer)
    first.fit(*TRAIN, 2, validation=VALIDATION)
    save_checkpoint(tmp_path / "checkpoint.npz", first)
    second = trainer(tmp_path, "second", optimizer)  # a fresh process would build this one
    checkpoint = read_checkpoint(tmp_path / "checkpoint.npz")
    assert checkpoint.epoch == 2
    restore_checkpoint(checkpoint, second)
    resumed = second.fit(*TRAIN, 4, validation=VALIDATION, initial_epoch=checkpoint.epoch)

    for name, value in whole.model.state_dict().items():
        assert np.array_equal(value, second.model.state_dict()[name]), name
    for name in ("loss", "accuracy", "val_loss", "val_accuracy", "lr", "step_loss"):
        assert getattr(history, name) == getattr(resumed, name), name
    for name in whole.optimizer.state_names:
        ours, theirs = getattr(whole.optimizer, name), getattr(second.optimizer, name)
        if isinstance(ours, list):
            assert all(np.array_equal(a, b) for a, b in zip(ours, theirs, strict=True)), name
        else:
            assert ours == theirs, name
    assert whole.rng.bit_generator.state == second.rng.bit_generator.state
    best = [(t.callbacks[0].best_epoch, t.callbacks[0].best) for t in (whole, second)]
    assert best[0] == best[1]
    with np.load(tmp_path / "whole.npz") as kept, np.load(tmp_path / "second.npz") as again:
        assert all(np.array_equal(kept[n], again[n]) for n in kept.files)
    assert whole.callbacks[1].wait == second.callbacks[1].wait


def test_the_file_is_arrays_and_one_json_text_with_the_pieces_named(tmp_path):
    one = trainer(tmp_path, "one")
    one.fit(*TRAIN, 1, validation=VALIDATION)
    path = save_checkpoint(tmp_path / "c.npz", one, run={"note": "kept"})
    with np.load(path, allow_pickle=False) as archive:  # never an object array
        names = archive.files
        kinds = {archive[name].dtype.kind for name in names}
    assert kinds <= {"f", "i", "u", "U"}
    expected = {"model/0.W", "model/1.running_mean", "optimizer/_m/0", "optimizer/_v/5"}
    assert expected <= set(names)
    assert "callbacks/0/0.W" in names  # the best weights so far
    checkpoint = read_checkpoint(path)
    assert checkpoint.run == {"note": "kept"}
    assert checkpoint.meta["optimizer"]["state"]["step_count"] == {"value": 4}
    assert checkpoint.meta["callbacks"][2] == {
        "class": "CosineLR", "state": {"base_lr": 0.01}, "file": False
    }  # fmt: skip
    assert sorted(checkpoint.meta["generators"]) == ["model.3.rng", "model.7.rng", "trainer.rng"]


def test_a_stateful_layers_carried_state_goes_with_it(tmp_path):
    def build():
        rng = np.random.default_rng(3)
        lstm = LSTM(4, 5, stateful=True, return_sequences=False, rng=rng)
        model = Sequential([lstm, Affine(5, 2, rng=rng)])
        return Trainer(model, optim.SGD(model.parameters(), lr=0.1), rng=rng, verbose=0)

    saved = build()
    saved.model.forward(np.ones((2, 3, 4)))
    save_checkpoint(tmp_path / "c.npz", saved)
    restored = build()
    restore_checkpoint(read_checkpoint(tmp_path / "c.npz"), restored)
    pairs = zip(saved.model[0].state, restored.model[0].state, strict=True)
    assert all(np.array_equal(a, b) for a, b in pairs)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"model": "wider"}, "the file's mlp has sizes=[36, 12, 12, 3]; this model's has "),
        ({"optimizer": "momentum"}, "it holds the state of Adam, not Momentum"),
        ({"callbacks": []}, "it holds the callbacks ['ModelCheckpoint', 'EarlyStopping', "),
    ],
)
def test_a_checkpoint_that_does_not_fit_is_refused_and_changes_nothing(tmp_path, change, message):
    one = trainer(tmp_path, "one")
    one.fit(*TRAIN, 1, validation=VALIDATION)
    save_checkpoint(tmp_path / "c.npz", one)
    if "model" in change:
        other = trainer(tmp_path, "other")
        model = models.mlp([36, 13, 12, 3], batchnorm=True, dropout=0.25, rng=1)
        other = Trainer(model, optim.Adam(model.parameters()), callbacks=other.callbacks)
    else:
        other = trainer(tmp_path, "other", change.get("optimizer", "adam"), **{
            k: v for k, v in change.items() if k != "optimizer"
        })  # fmt: skip
    before = Snapshot(other)
    with pytest.raises(CheckpointError, match="cannot resume from") as refused:
        restore_checkpoint(read_checkpoint(tmp_path / "c.npz"), other)
    assert message in str(refused.value)
    assert before.changes() == []
    assert not (tmp_path / "other.npz").exists()  # the kept file is not written either


def test_files_that_are_not_checkpoints_say_so(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such file"):
        read_checkpoint(tmp_path / "none.npz")
    weights = tmp_path / "model.npz"
    np.savez(weights, w=np.zeros(3))
    with pytest.raises(CheckpointError, match=r"it has no zeronn\.checkpoint entry"):
        read_checkpoint(weights)
    (tmp_path / "text.npz").write_text("hello")
    with pytest.raises(CheckpointError, match="not a checkpoint zeronn wrote"):
        read_checkpoint(tmp_path / "text.npz")


def test_fit_goes_on_only_from_a_restored_training(tmp_path):
    fresh = trainer(tmp_path, "fresh")
    before = Snapshot(fresh)
    with pytest.raises(ValueError, match=r"expected epochs \(the total\) above initial_epoch 4"):
        fresh.fit(*TRAIN, 4, initial_epoch=4)
    with pytest.raises(ValueError, match="History holds 0; restore the training first"):
        fresh.fit(*TRAIN, 4, initial_epoch=2)
    assert before.changes() == []
