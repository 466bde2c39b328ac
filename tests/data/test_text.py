"""Tests for zeronn/data/text.py."""

import doctest
import hashlib
import math
import re

import numpy as np
import pytest

import zeronn.data.text
from zeronn.data.text import (
    CharVocabulary,
    bigram_bits_per_char,
    iterate_bptt,
    load_python_help,
    num_bptt_batches,
    split_held_out,
    unigram_bits_per_char,
)
from zeronn.layers import LSTM


@pytest.fixture(scope="module")
def corpus():
    return load_python_help()


def test_doctests():
    failures, attempted = doctest.testmod(zeronn.data.text)
    assert attempted >= 3
    assert failures == 0


def test_the_corpus_is_identified_by_its_checksum(corpus):
    assert corpus.name == "pydoc_data.topics"
    assert corpus.num_chars > 100_000
    assert corpus.sha256 == hashlib.sha256(corpus.text.encode("utf-8")).hexdigest()
    assert load_python_help() == corpus  # same text every time
    assert 'The "for" statement' in corpus.text
    assert re.fullmatch(
        r"TextCorpus\('pydoc_data.topics', \d+ characters, sha256=\w{12}…\)", repr(corpus)
    )


def test_vocabulary_round_trip_on_the_corpus(corpus):
    vocabulary = CharVocabulary(corpus.text)
    ids = vocabulary.encode(corpus.text)
    assert ids.dtype == np.int32
    assert ids.min() == 0
    assert ids.max() == len(vocabulary) - 1
    assert vocabulary.decode(ids) == corpus.text
    assert list(vocabulary.chars) == sorted(set(corpus.text))
    assert repr(vocabulary) == f"CharVocabulary({len(vocabulary)} characters)"


def test_vocabulary_errors():
    vocabulary = CharVocabulary("abc")
    with pytest.raises(ValueError, match="no id for the character 'z'"):
        vocabulary.encode("abz")
    with pytest.raises(ValueError, match=re.escape("ids in [0, 3)")):
        vocabulary.decode([0, 3])
    with pytest.raises(ValueError, match="1-D integer ids"):
        vocabulary.decode(np.zeros((2, 2), dtype=int))
    with pytest.raises(ValueError, match="non-empty str"):
        CharVocabulary("")
    assert vocabulary.decode([]) == ""
    assert vocabulary.encode("").shape == (0,)


def test_split_is_a_contiguous_tail():
    ids = np.arange(100)
    train, held_out = split_held_out(ids, 0.2)
    assert len(held_out) == 20
    np.testing.assert_array_equal(np.concatenate([train, held_out]), ids)
    with pytest.raises(ValueError, match=re.escape("held_out_fraction in (0, 1), got 1.0")):
        split_held_out(ids, 1.0)
    with pytest.raises(ValueError, match="at least 2 characters on each side, got 3"):
        split_held_out(np.arange(3), 0.5)
    with pytest.raises(ValueError, match=r"held_out_fraction in \(0, 1\), got .10."):
        split_held_out(ids, "10")
    with pytest.raises(TypeError, match="1-D integer array of ids, got float64"):
        split_held_out(np.zeros(10), 0.1)


@pytest.mark.parametrize(("length", "batch_size", "seq_len"), [(101, 4, 10), (50, 1, 7), (9, 4, 1)])
def test_bptt_rows_are_contiguous_streams(length, batch_size, seq_len):
    ids = np.arange(length)
    batches = list(iterate_bptt(ids, batch_size, seq_len))
    assert len(batches) == num_bptt_batches(length, batch_size, seq_len)
    x = np.concatenate([x for x, _ in batches], axis=1)
    t = np.concatenate([t for _, t in batches], axis=1)
    row_length = (length - 1) // batch_size
    assert x.shape == t.shape == (batch_size, row_length)
    for n in range(batch_size):
        np.testing.assert_array_equal(x[n], ids[n * row_length : (n + 1) * row_length])
    np.testing.assert_array_equal(t, x + 1)  # the target is the next id in the stream
    assert all(x.shape[1] <= seq_len for x, _ in batches)


def test_a_stateful_lstm_over_bptt_batches_reads_each_row_as_one_sequence(rng):
    ids = rng.integers(0, 5, size=61)
    one_hot = np.eye(5)
    stateful = LSTM(5, 3, stateful=True, rng=0)
    chunks = [stateful.forward(one_hot[x]) for x, _ in iterate_bptt(ids, 3, 7)]
    rows = ids[:60].reshape(3, 20)
    whole = LSTM(5, 3, rng=0).forward(one_hot[rows])
    np.testing.assert_allclose(np.concatenate(chunks, axis=1), whole, rtol=1e-12)


def test_bptt_windows_are_copies_and_errors():
    ids = np.arange(20)
    x, _ = next(iterate_bptt(ids, 2, 4))
    x[...] = -1
    assert ids.min() == 0
    with pytest.raises(ValueError, match="at least 6 ids, got 5"):
        iterate_bptt(np.arange(5), 5, 2)
    with pytest.raises(ValueError, match="seq_len to be a positive integer, got 0"):
        iterate_bptt(ids, 2, 0)


def test_baselines_by_hand():
    train = np.array([0, 1, 0, 1, 0, 0])  # counts: 0 four times, 1 twice; V = 3
    held_out = np.array([1, 0, 2])  # predicts 0 then 2
    p0, p2 = (4 + 1) / (6 + 3), (0 + 1) / (6 + 3)
    expected = -(math.log2(p0) + math.log2(p2)) / 2
    assert unigram_bits_per_char(train, held_out, 3) == pytest.approx(expected)
    # Bigrams of train: 01 01 10 10 00; p(0|1) = (2+1)/(2+3), p(2|0) = (0+1)/(3+3)
    expected = -(math.log2(3 / 5) + math.log2(1 / 6)) / 2
    assert bigram_bits_per_char(train, held_out, 3) == pytest.approx(expected)


def test_baselines_on_the_corpus(corpus):
    vocabulary = CharVocabulary(corpus.text)
    train, held_out = split_held_out(vocabulary.encode(corpus.text))
    unigram = unigram_bits_per_char(train, held_out, len(vocabulary))
    bigram = bigram_bits_per_char(train, held_out, len(vocabulary))
    assert bigram < unigram < math.log2(len(vocabulary))
    assert 3.0 < bigram < 4.0  # about 3.35 for the help text of Python 3.11
    uniform = np.arange(10)
    assert unigram_bits_per_char(uniform, uniform, 10) == pytest.approx(math.log2(10))


def test_baseline_errors():
    ids = np.array([0, 1, 2])
    with pytest.raises(ValueError, match=re.escape("held_out ids in [0, 2), got 2")):
        unigram_bits_per_char(np.array([0, 1]), ids, 2)
    with pytest.raises(ValueError, match="alpha > 0"):
        bigram_bits_per_char(ids, ids, 3, alpha=0)
    with pytest.raises(TypeError, match="1-D integer array of ids, got list"):
        bigram_bits_per_char([0, 1], ids, 3)
