"""Property: a refused Trainer call changes nothing, and the next good fit is unchanged.

A trainer and its twin are built the same way (model, optimizer, generator) and fitted the
same; then the trainer alone gets one call it must refuse (bad epochs, targets, validation
data, callbacks, a bad hyperparameter assignment). Its whole state (model, optimizer, its
generator, callbacks, history) must equal a Snapshot taken just before, and the next good fit
must give, bit for bit, the twin's losses and state. A diverging step is refused too: the model
and the optimizer stay as they were, and training goes on as if the step had not been tried.
"""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from twins import plain_state

from zeronn.callbacks import CosineLR, EarlyStopping, ModelCheckpoint
from zeronn.layers import BatchNorm, Dropout, Embedding, Linear, ReLU
from zeronn.layers.affine import Affine
from zeronn.model import Sequential
from zeronn.optim import SGD, AdaGrad, Adam, Momentum, Nesterov, RMSprop
from zeronn.state import Snapshot
from zeronn.trainer import NonFiniteLossError, Trainer

OPTIMIZERS = [SGD, Momentum, Nesterov, AdaGrad, RMSprop, Adam]


def image_task(seed):
    rng = np.random.default_rng(seed)
    model = Sequential(
        [Affine(6, 5, rng=rng), BatchNorm(5), ReLU(), Dropout(0.3, rng=seed), Affine(5, 3, rng=rng)]
    )
    x = rng.normal(size=(11, 6))
    return model, x, rng.integers(0, 3, size=11)


def sequence_task(seed):
    rng = np.random.default_rng(seed)
    model = Sequential([Embedding(4, 3, rng=rng), Dropout(0.2, rng=seed), Linear(3, 4, rng=rng)])
    ids = rng.integers(0, 4, size=(9, 5))
    return model, ids, (ids + 1) % 4


TASKS = {"images": image_task, "sequences": sequence_task}


def build(task, optimizer_class, seed, callbacks=()):
    model, x, t = TASKS[task](seed)
    optimizer = optimizer_class(model.parameters(), lr=0.05)
    trainer = Trainer(
        model, optimizer, batch_size=4, rng=seed, callbacks=list(callbacks), verbose=0
    )
    return trainer, x, t


def refusals(trainer, x, t, tmp_path):
    """Calls the trainer must refuse, each a function of nothing."""
    n, classes = len(x), 3 if x.dtype.kind == "f" else 4
    other_x = x[:, :-1] if x.dtype.kind == "f" else x.astype(np.float64)
    fit = trainer.fit
    return [
        lambda: fit(x, t, 0),
        lambda: fit(x, t, True),
        lambda: fit(x, t, 1.5),
        lambda: fit(x, t[:-1], 1),
        lambda: fit(x.tolist(), t, 1),
        lambda: fit(other_x, t, 1),  # inputs the model cannot take
        lambda: fit(x, np.zeros((n, classes + 2), dtype=int), 1),  # targets that do not pair
        lambda: fit(x, np.full_like(t, classes), 1),  # labels beyond the classes
        lambda: fit(x, t, 1, validation=(x, t, t)),
        lambda: fit(x, t, 1, validation=(other_x, t)),
        lambda: fit(x, t, 1, validation=(x, np.full_like(t, classes + 5))),
        lambda: fit(x, t, 1, validation=(x[:2], t)),
        lambda: with_callbacks(trainer, EarlyStopping("val_loss")).fit(x, t, 2),
        lambda: with_callbacks(trainer, ModelCheckpoint(tmp_path / "m.npz")).fit(x, t, 2),
        lambda: with_callbacks(trainer, CosineLR(3, min_lr=1.0)).fit(x, t, 2),
        lambda: setattr(trainer.optimizer, "lr", -1.0),
        lambda: setattr(trainer.optimizer, "lr", math.nan),
        lambda: setattr(trainer.optimizer, "weight_decay", "0.1"),
        lambda: trainer.evaluate(x, t[:-1]),
        lambda: trainer.predict(x.tolist()),
    ]


def with_callbacks(trainer, *callbacks):
    trainer.callbacks = callbacks
    return trainer


@settings(max_examples=50, deadline=None, database=None)
@given(
    data=st.data(),
    task=st.sampled_from(sorted(TASKS)),
    optimizer_class=st.sampled_from(OPTIMIZERS),
    seed=st.integers(0, 2**16),
    epochs_before=st.integers(0, 2),
)
def test_a_refused_call_changes_nothing_and_the_next_fit_is_unchanged(
    data, task, optimizer_class, seed, epochs_before, tmp_path_factory
):
    tmp_path = tmp_path_factory.mktemp("refusals")
    trainer, x, t = build(task, optimizer_class, seed)
    twin, _, _ = build(task, optimizer_class, seed)
    if epochs_before:
        trainer.fit(x, t, epochs_before)
        twin.fit(x, t, epochs_before)
    calls = refusals(trainer, x, t, tmp_path)
    refused = calls[data.draw(st.integers(0, len(calls) - 1), label="call")]
    before = Snapshot(trainer)
    callbacks = trainer.callbacks
    with pytest.raises((ValueError, TypeError)):
        refused()
    trainer.callbacks = callbacks  # a refused fit with other callbacks: those were the call's
    assert before.changes() == []
    assert not (tmp_path / "m.npz").exists()

    history = trainer.fit(x, t, 2, validation=(x[:5], t[:5]))
    twin_history = twin.fit(x, t, 2, validation=(x[:5], t[:5]))
    assert history.step_loss == twin_history.step_loss
    assert history.val_accuracy == twin_history.val_accuracy
    assert plain_state(trainer.model, trainer.optimizer, trainer.rng) == plain_state(
        twin.model, twin.optimizer, twin.rng
    )


@settings(max_examples=12, deadline=None, database=None)
@given(
    optimizer_class=st.sampled_from(OPTIMIZERS),
    seed=st.integers(0, 2**16),
    clip=st.sampled_from([None, 1.0]),
)
def test_a_diverging_step_changes_nothing(optimizer_class, seed, clip):
    """All inputs NaN: the first step diverges, whatever the batch order."""
    trainer, x, t = build("images", optimizer_class, seed)
    twin, _, _ = build("images", optimizer_class, seed)
    trainer.clip_grad_norm = twin.clip_grad_norm = clip
    trainer.fit(x, t, 1)
    twin.fit(x, t, 1)
    before = Snapshot(trainer.model, trainer.optimizer)
    with pytest.raises(NonFiniteLossError, match="epoch 1, step 1/3"):
        trainer.fit(np.full_like(x, np.nan), t, 1)
    assert before.changes() == []
    # The refused fit drew its batch order (fit had begun): both go on with a new generator.
    trainer.rng = np.random.default_rng(seed + 1)
    twin.rng = np.random.default_rng(seed + 1)
    assert trainer.fit(x, t, 1).step_loss == twin.fit(x, t, 1).step_loss
    assert plain_state(trainer.model, trainer.optimizer) == plain_state(twin.model, twin.optimizer)
