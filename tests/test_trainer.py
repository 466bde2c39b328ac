"""Trainer on a tiny MLP over separable blobs (History itself: test_history.py)."""

import io
import re
import time

import numpy as np
import pytest

from zeronn.layers.activations import ReLU
from zeronn.layers.affine import Affine
from zeronn.layers.batchnorm import BatchNorm
from zeronn.losses import SoftmaxCrossEntropy
from zeronn.model import Sequential
from zeronn.optim import SGD
from zeronn.trainer import NonFiniteLossError, Trainer


def tiny_model(seed=0, dtype=np.float64):
    rng = np.random.default_rng(seed)
    layers = [Affine(2, 8, rng=rng, dtype=dtype), ReLU(), Affine(8, 3, rng=rng, dtype=dtype)]
    return Sequential(layers)


def blobs(n=90, seed=0, dtype=np.float64):
    """Three well-separated Gaussian blobs in 2-D; labels 0, 1, 2."""
    rng = np.random.default_rng(seed)
    t = np.arange(n) % 3
    centers = np.array([[2.0, 0.0], [-2.0, 2.0], [-2.0, -2.0]])
    x = centers[t] + 0.3 * rng.standard_normal((n, 2))
    return x.astype(dtype), t


def make_trainer(model, lr=0.1, **kwargs):
    kwargs.setdefault("verbose", 0)
    return Trainer(model, SGD(model.parameters(), lr=lr), batch_size=10, rng=0, **kwargs)


def test_fit_learns_and_records_history():
    x, t = blobs()
    x_val, t_val = blobs(30, seed=1)
    trainer = make_trainer(tiny_model())
    start = time.perf_counter()
    history = trainer.fit(x, t, 4, validation=(x_val, t_val))
    wall_time = time.perf_counter() - start
    assert history is trainer.history
    assert history.epochs == 4
    assert len(history.step_loss) == 4 * 9
    assert len(history.val_loss) == len(history.val_accuracy) == 4
    assert history.lr == [0.1] * 4
    # each epoch is timed, within the fit (no bound on how fast: this machine may be busy)
    assert len(history.epoch_time) == 4
    assert all(seconds > 0 for seconds in history.epoch_time)
    assert sum(history.epoch_time) <= wall_time
    assert history.loss[-1] < history.loss[0]
    assert history.val_accuracy[-1] == 1.0
    # The last epoch's running mean is the size-weighted mean of its step losses.
    assert history.loss[-1] == pytest.approx(np.mean(history.step_loss[-9:]))


def test_fit_is_reproducible_from_seeds():
    x, t = blobs()
    first = make_trainer(tiny_model(seed=3)).fit(x, t, 2)
    second = make_trainer(tiny_model(seed=3)).fit(x, t, 2)
    assert first.step_loss == second.step_loss


def test_fit_keeps_float32_and_does_not_mutate_inputs():
    x, t = blobs(dtype=np.float32)
    x_before, t_before = x.copy(), t.copy()
    model = tiny_model(dtype=np.float32)
    make_trainer(model).fit(x, t, 1, validation=(x, t))
    np.testing.assert_array_equal(x, x_before)
    np.testing.assert_array_equal(t, t_before)
    for param in model.parameters():
        assert param.data.dtype == np.float32
        assert param.grad.dtype == np.float32


def test_fit_accepts_one_hot_targets_and_calls_augment():
    x, t = blobs()
    calls = []

    def augment(images, rng):
        calls.append(len(images))
        return images + 0.01 * rng.standard_normal(images.shape)

    trainer = make_trainer(tiny_model(), augment=augment)
    history = trainer.fit(x, np.eye(3)[t], 2)
    assert calls == [10] * 18
    assert history.accuracy[-1] >= 0.9  # 1.0 when written; shuffled labels give ~0.3


def test_evaluate_counts_the_last_partial_batch():
    x, t = blobs(7)
    trainer = make_trainer(tiny_model())
    trainer.model.train()
    loss, accuracy = trainer.evaluate(x, t, batch_size=3)
    assert trainer.model.training  # evaluate runs in eval mode, then restores the mode
    # Reference: one sample at a time, plain means.
    model, per_sample_loss, hits = trainer.model, [], []
    for i in range(len(x)):
        per_sample_loss.append(SoftmaxCrossEntropy()(model.predict(x[i : i + 1]), t[i : i + 1]))
        hits.append(model.predict(x[i : i + 1]).argmax() == t[i])
    assert loss == pytest.approx(np.mean(per_sample_loss), rel=1e-12)
    assert accuracy == pytest.approx(np.mean(hits))


def test_progress_output_one_line_per_epoch():
    x, t = blobs(25)
    stream = io.StringIO()
    make_trainer(tiny_model(), verbose=1, stream=stream).fit(x, t, 2, validation=(x, t))
    lines = stream.getvalue().splitlines()
    assert lines[0] == "Epoch 1/2"
    assert lines[2] == "Epoch 2/2"
    pattern = (
        r"3/3 \[={30}\] - \d+s \d+(s|ms|us)/step - loss: \d\.\d{4} - accuracy: \d\.\d{4}"
        r" - val_loss: \d\.\d{4} - val_accuracy: \d\.\d{4}"
    )
    assert re.fullmatch(pattern, lines[1])
    assert re.fullmatch(pattern, lines[3])
    assert len(lines) == 4


def test_verbose_zero_writes_nothing():
    x, t = blobs(20)
    stream = io.StringIO()
    make_trainer(tiny_model(), verbose=0, stream=stream).fit(x, t, 1)
    assert stream.getvalue() == ""


def test_nan_input_stops_training_with_epoch_step_and_last_finite_loss():
    x, t = blobs(40)
    # The trainer's rng (seed 0) draws the epoch's order first: put a NaN in the 2nd batch.
    order = np.random.default_rng(0).permutation(len(x))
    x[order[13]] = np.nan
    trainer = make_trainer(tiny_model())
    with pytest.raises(NonFiniteLossError, match=r"epoch 1, step 2/4") as info:
        trainer.fit(x, t, 3)
    error = info.value
    assert isinstance(error, ValueError)
    assert (error.epoch, error.step) == (1, 2)
    assert error.last_finite_loss == pytest.approx(trainer.history.step_loss[0])
    assert "the logits of 1 of 10 samples are not finite (3 NaN, 0 inf values)" in str(error)
    assert f"last finite loss was {error.last_finite_loss:.6g} (epoch 1, step 1)" in str(error)


class InfOnThirdCall(SoftmaxCrossEntropy):
    def __init__(self):
        super().__init__()
        self.calls = 0

    def forward(self, logits, t):
        self.calls += 1
        value = super().forward(logits, t)
        return float("inf") if self.calls == 3 else value


def test_non_finite_loss_value_is_caught_even_with_finite_logits():
    x, t = blobs(20)
    trainer = make_trainer(tiny_model(), loss=InfOnThirdCall())
    with pytest.raises(NonFiniteLossError, match=r"epoch 2, step 1/2: the loss is inf") as info:
        trainer.fit(x, t, 3)
    assert info.value.last_finite_loss == pytest.approx(trainer.history.step_loss[-1])


def test_trainer_rejects_bad_arguments():
    model = tiny_model()
    optimizer = SGD(model.parameters(), lr=0.1)
    with pytest.raises(TypeError, match=r"model with forward\(\) and backward\(\)"):
        Trainer([Affine(2, 3, rng=0)], optimizer)
    with pytest.raises(TypeError, match=r"loss with forward\(logits, t\) and backward\(\)"):
        Trainer(model, optimizer, loss=np.mean)
    assert isinstance(Trainer(model, optimizer).loss, SoftmaxCrossEntropy)
    with pytest.raises(TypeError, match="rng"):
        Trainer(model, optimizer, rng="0")
    with pytest.raises(TypeError, match=r"callbacks derived from zeronn\.callbacks\.Callback"):
        Trainer(model, optimizer, rng=0, callbacks=[print])
    trainer = Trainer(model, optimizer, rng=0, verbose=0)
    x, t = blobs(10)
    with pytest.raises(ValueError, match="got 10 inputs and 9 targets"):
        trainer.fit(x, t[:9], 1)
    with pytest.raises(ValueError, match="validation targets as inputs, got 10 inputs and 3"):
        trainer.fit(x, t, 1, validation=(x, t[:3]))
    with pytest.raises(ValueError, match="epochs to be a positive integer, got 0"):
        trainer.fit(x, t, 0)


def batchnorm_model(seed=0):
    rng = np.random.default_rng(seed)
    layers = [Affine(2, 8, rng=rng), BatchNorm(8), ReLU(), Affine(8, 3, rng=rng)]
    return Sequential(layers)


def test_a_nan_batch_leaves_weights_moments_and_running_statistics_untouched():
    from zeronn.optim import Adam

    x, t = blobs(40)
    model = batchnorm_model()
    trainer = Trainer(model, Adam(model.parameters()), batch_size=40, rng=0, verbose=0)
    trainer.fit(x, t, 2)  # real moments and running statistics to protect
    before = model.state_dict()
    moments = [m.copy() for m in trainer.optimizer._m]
    x_bad = x.copy()
    x_bad[7, 1] = np.nan
    with pytest.raises(NonFiniteLossError, match=r"started in the input batch itself \(1 of"):
        trainer.fit(x_bad, t, 1)
    for name, value in model.state_dict().items():
        np.testing.assert_array_equal(value, before[name], err_msg=name)
    for moment, saved in zip(trainer.optimizer._m, moments, strict=True):
        np.testing.assert_array_equal(moment, saved)
    # still usable: training goes on from where it was
    trainer.fit(x, t, 1)


def test_a_non_finite_gradient_stops_the_step_and_names_the_parameter():
    class InfGradient(SoftmaxCrossEntropy):
        def backward(self, dout=1.0):
            grad = super().backward(dout)
            grad[0, 0] = np.inf
            return grad

    x, t = blobs(30)
    model = batchnorm_model()
    trainer = make_trainer(model, loss=InfGradient())
    before = model.state_dict()
    with pytest.raises(NonFiniteLossError, match=r"gradient of parameter '3\.b' is not finite"):
        trainer.fit(x, t, 1)
    for name, value in model.state_dict().items():
        np.testing.assert_array_equal(value, before[name], err_msg=name)


def test_the_layer_where_non_finite_values_start_is_named():
    class Explode(ReLU):
        def forward(self, x):
            return super().forward(x) * np.inf

    rng = np.random.default_rng(0)
    model = Sequential([Affine(2, 4, rng=rng), Explode(), Affine(4, 3, rng=rng)])
    x, t = blobs(20)
    with pytest.raises(NonFiniteLossError, match=r"at layer 1 \(ReLU\(\)\), whose output"):
        make_trainer(model).fit(x, t, 1)


class RecordingSGD(SGD):
    """SGD that records the global norm of the gradients each step receives."""

    def __init__(self, params, lr):
        super().__init__(params, lr=lr)
        self.norms = []

    def step(self):
        self.norms.append(np.sqrt(sum(float((p.grad**2).sum()) for p in self.params)))
        super().step()


def test_clip_grad_norm_caps_what_the_optimizer_receives():
    x, t = blobs()
    model = tiny_model()
    free = RecordingSGD(model.parameters(), lr=0.1)
    Trainer(model, free, batch_size=10, rng=0, verbose=0).fit(x, t, 1)
    max_norm = 0.5 * float(np.median(free.norms))  # so that some steps are clipped
    model = tiny_model()
    clipped = RecordingSGD(model.parameters(), lr=0.1)
    trainer = Trainer(model, clipped, batch_size=10, rng=0, verbose=0, clip_grad_norm=max_norm)
    assert trainer.clip_grad_norm == max_norm
    assert f"clip_grad_norm={max_norm!r}" in repr(trainer)
    trainer.fit(x, t, 1)
    # The first step sees the same gradients in both runs: clipped to max_norm exactly.
    assert free.norms[0] > max_norm
    assert clipped.norms[0] == pytest.approx(max_norm, rel=1e-5)
    assert max(clipped.norms) <= max_norm * (1 + 1e-6)


def test_clip_grad_norm_keeps_float32_and_refuses_bad_values():
    x, t = blobs(dtype=np.float32)
    model = tiny_model(dtype=np.float32)
    make_trainer(model, clip_grad_norm=1e-3).fit(x, t, 1)
    assert all(p.grad.dtype == np.float32 for p in model.parameters())
    for bad in (0, -1.0, float("nan"), "1"):
        with pytest.raises((ValueError, TypeError), match="clip_grad_norm"):
            make_trainer(tiny_model(), clip_grad_norm=bad)


def test_clipping_a_non_finite_gradient_names_the_parameter_and_changes_nothing():
    class InfGradient(SoftmaxCrossEntropy):
        def backward(self, dout=1.0):
            grad = super().backward(dout)
            grad[0, 0] = np.inf
            return grad

    x, t = blobs(30)
    model = batchnorm_model()
    trainer = make_trainer(model, loss=InfGradient(), clip_grad_norm=1.0)
    before = model.state_dict()
    with pytest.raises(NonFiniteLossError, match=r"gradient of parameter '3\.b' is not finite"):
        trainer.fit(x, t, 1)
    for name, value in model.state_dict().items():
        np.testing.assert_array_equal(value, before[name], err_msg=name)


# --- sequence targets: accuracy over the positions -------------------------------------------


def char_model(seed=0, vocabulary=5):
    from zeronn.layers import Embedding, Linear

    rng = np.random.default_rng(seed)
    return Sequential([Embedding(vocabulary, 4, rng=rng), Linear(4, vocabulary, rng=rng)])


@pytest.mark.parametrize("batch_size", [5, 7, 20])
def test_sequence_targets_train_and_score_the_share_of_tokens(batch_size):
    rng = np.random.default_rng(0)
    ids = rng.integers(0, 5, size=(20, 6))
    t = (ids + 1) % 5  # learnable: the next id
    model = char_model()
    trainer = Trainer(model, SGD(model.parameters(), lr=0.5), batch_size=batch_size, rng=0)
    trainer.verbose = 0
    history = trainer.fit(ids, t, 3, validation=(ids[:8], t[:8]))
    assert all(0 <= value <= 1 for value in history.accuracy + history.val_accuracy)
    logits = model.predict(ids[:8])
    assert history.val_accuracy[-1] == np.mean(logits.argmax(axis=-1) == t[:8])
    assert trainer.evaluate(ids, t)[1] == np.mean(model.predict(ids).argmax(axis=-1) == t)


def test_the_epoch_accuracy_counts_tokens_over_the_epoch():
    """With a fixed model (lr tiny), the running accuracy is the share of all N·T tokens."""
    rng = np.random.default_rng(1)
    ids = rng.integers(0, 5, size=(9, 4))
    t = rng.integers(0, 5, size=(9, 4))
    model = char_model(seed=2)
    expected = np.mean(model.predict(ids).argmax(axis=-1) == t)
    trainer = Trainer(model, SGD(model.parameters(), lr=1e-300), batch_size=4, rng=0, verbose=0)
    assert trainer.fit(ids, t, 1).accuracy == [expected]


def test_a_refused_step_puts_back_generators_and_carried_state():
    """What the forward pass of a diverging step moved (Dropout's mask generator, an LSTM's
    carried state, running statistics) is put back with the rest."""
    from zeronn.layers import LSTM, Dropout, Linear
    from zeronn.state import Snapshot

    class InfLoss(SoftmaxCrossEntropy):
        def forward(self, logits, t):
            super().forward(logits, t)
            return float("inf")

    rng = np.random.default_rng(0)
    model = Sequential(
        [LSTM(2, 4, stateful=True, rng=rng), Dropout(0.5, rng=1), Linear(4, 3, rng=rng)]
    )
    x = rng.normal(size=(10, 3, 2))
    t = rng.integers(0, 3, size=(10, 3))
    model.forward(x)  # a carried state for batches of 10
    trainer = Trainer(model, SGD(model.parameters(), lr=0.1), loss=InfLoss(), batch_size=10)
    trainer.verbose = 0
    before = Snapshot(model, trainer.optimizer)
    with pytest.raises(NonFiniteLossError, match="epoch 1, step 1/1: the loss is inf"):
        trainer.fit(x, t, 1)
    assert before.changes() == []
