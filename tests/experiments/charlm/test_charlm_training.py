"""Tests for zeronn/experiments/charlm/{models,training}.py on a tiny repetitive text."""

import math

import numpy as np
import pytest

from zeronn.data.text import CharVocabulary, bigram_bits_per_char
from zeronn.experiments.charlm.models import (
    lstm_language_model,
    reset_state,
    transformer_language_model,
)
from zeronn.experiments.charlm.training import (
    bits_per_char,
    evaluated_part,
    sample_text,
    train_language_model,
    training_windows,
)
from zeronn.losses import SoftmaxCrossEntropy

TEXT = "the cat sat on the mat. " * 40
VOCABULARY = CharVocabulary(TEXT)
V = len(VOCABULARY)


def models(dtype=np.float32, seq_len=8):
    return {
        "lstm": lstm_language_model(V, 6, 16, rng=0, dtype=dtype),
        "transformer": transformer_language_model(V, 8, 2, seq_len, rng=0, dtype=dtype),
    }


@pytest.mark.parametrize("name", ["lstm", "transformer"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_ids_in_logits_out_in_the_models_dtype(name, dtype):
    model = models(dtype)[name]
    ids = VOCABULARY.encode(TEXT[:24]).reshape(3, 8)
    logits = model.forward(ids)
    assert logits.shape == (3, 8, V)
    assert logits.dtype == dtype
    loss_fn = SoftmaxCrossEntropy()
    loss_fn.forward(logits, ids)
    assert model.backward(loss_fn.backward()) is None  # the ids have no gradient
    assert all(p.grad.dtype == dtype for p in model.parameters())


def test_the_transformer_has_two_blocks_and_is_causal():
    model = models(np.float64)["transformer"]
    names = [type(layer).__name__ for layer in model]
    assert names == ["Embedding", "PositionEmbedding", *["Residual"] * 4, "LayerNorm", "Linear"]
    assert model[2].layers[1].causal
    # Changing a later character leaves the logits of every earlier position as they were.
    ids = VOCABULARY.encode(TEXT[:8])[None, :]
    changed = ids.copy()
    changed[0, 5] = (changed[0, 5] + 1) % V
    np.testing.assert_allclose(model.forward(ids)[0, :5], model.forward(changed)[0, :5])
    assert not np.allclose(model.forward(ids)[0, 5], model.forward(changed)[0, 5])


def test_the_lstm_carries_its_state_until_reset():
    model = models(np.float64)["lstm"]
    ids = VOCABULARY.encode(TEXT[:16])[None, :]
    whole = model.forward(ids)
    reset_state(model)
    first, second = model.forward(ids[:, :8]), model.forward(ids[:, 8:])
    np.testing.assert_allclose(np.concatenate([first, second], axis=1), whole, atol=1e-12)
    reset_state(model)
    assert not np.allclose(model.forward(ids[:, 8:]), second)


def test_bits_per_char_is_the_mean_loss_in_bits_over_the_evaluated_part():
    model = models(np.float64)["transformer"]
    ids = VOCABULARY.encode(TEXT[:101])
    part = evaluated_part(ids, 4)
    assert len(part) == 4 * 25 + 1
    x, t = part[:-1].reshape(4, 25), part[1:].reshape(4, 25)
    expected = 0.0
    loss_fn = SoftmaxCrossEntropy()
    for start in range(0, 25, 8):  # windows of 8, 8, 8, 1 along each row
        window = slice(start, start + 8)
        expected += loss_fn.forward(model.forward(x[:, window]), t[:, window]) * t[:, window].size
    assert bits_per_char(model, ids, 4, 8) == pytest.approx(expected / 100 / math.log(2))


def test_training_windows_repeat_the_passes_and_mark_their_starts():
    ids = np.arange(21)
    windows = training_windows(ids, batch_size=2, seq_len=5)
    starts = [next(windows)[2] for _ in range(5)]
    assert starts == [True, False, True, False, True]


@pytest.mark.parametrize("name", ["lstm", "transformer"])
def test_training_beats_the_bigram_baseline_on_a_repetitive_text(name):
    ids = VOCABULARY.encode(TEXT)
    train, held_out = ids[:800], ids[800:]
    model = models(np.float32)[name]
    lines = []
    curve = train_language_model(
        model,
        train,
        held_out,
        steps=150,
        batch_size=4,
        seq_len=8,
        lr=0.01,
        max_norm=1.0,
        eval_every=50,
        printer=lines.append,
    )
    assert curve.eval_steps == [50, 100, 150]
    assert len(curve.train_bpc) == 150
    assert len(lines) == 3
    assert lines[-1].startswith("step 150/150")
    bigram = bigram_bits_per_char(train, evaluated_part(held_out, 4), V)
    # The text repeats a 24-character phrase: a model that learned anything beats the bigram.
    assert curve.held_out_bpc[-1] < bigram
    assert curve.held_out_bpc[-1] < curve.held_out_bpc[0]


@pytest.mark.parametrize("name", ["lstm", "transformer"])
def test_sampling_starts_with_the_prompt_and_is_reproducible(name):
    model = models(np.float64)[name]
    text = sample_text(model, VOCABULARY, "the ", 30, 1.0, np.random.default_rng(3), context=8)
    again = sample_text(model, VOCABULARY, "the ", 30, 1.0, np.random.default_rng(3), context=8)
    assert text == again
    assert text.startswith("the ")
    assert len(text) == 34
    assert set(text) <= set(VOCABULARY.chars)
    # A very low temperature is nearly greedy: the same draw from any generator.
    cold = [
        sample_text(model, VOCABULARY, "", 10, 1e-3, np.random.default_rng(s), context=8)
        for s in (1, 2)
    ]
    assert cold[0] == cold[1]
    assert len(cold[0]) == 10
