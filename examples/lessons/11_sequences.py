"""Lesson 11: two ways to read a sequence: an LSTM, and a small transformer.

**An LSTM reads a digit row by row.** An image of 28×28 pixels is a sequence of 28 rows of 28
pixels, (N, 28, 28). The LSTM reads one row per time step, carrying a cell state c and an
output h; its last h, after the bottom row, goes into an Affine over the 10 digits. Its
gates decide, step by step, what to forget, what to write and what to show:

    f, i, o = σ(x Wx + h Wh + b) (three slices),   g = tanh(…),
    c ← f ⊙ c + i ⊙ g,                               h = o ⊙ tanh(c)

Gradients through 28 steps can grow large for one batch, so each step's gradients are clipped
to a global norm of 5 before Adam (lr 0.003, batches of 50) reads them.

**A small transformer predicts the next character.** On Python's own help text (it ships with
every Python, no download), a two-block causal transformer (``zeronn.experiments.charlm``)
learns to predict each character from the 64 before it: every position attends to every
earlier one, softmax(q·kᵀ/√d) weighing their values, with no state carried along. It is scored
in bits per character on held-out text, against a unigram model (character frequencies) and a
bigram model (the next character given this one), and then writes some text of its own.

What it shows (full mode; the ranges hold for any seed): the LSTM reaches 93–96.5% test
accuracy after 3 epochs on 20,000 digits; the transformer passes the bigram model (3.5–3.75
bits per character on this Python's help text) within 300 steps and ends at 2.2–2.6 after
1,500, writing text with the words, quotes and layout of the help pages, not yet their sense.

Full mode: about 63 s on 1 BLAS thread (2-core AMD EPYC, docs/lessons.md);
``--ci``: about 4 s, one epoch on 3,000 digits (40–75%)
and 40 transformer steps (then below the unigram model's 4.4–4.8 bits per character).

    python examples/lessons/11_sequences.py [--ci] [--out DIR] [--seed N]

See also ``examples/sequence_models.py`` (LSTM, GRU or plain RNN on all the digits) and
``zeronn charlm`` (the language models at full size, docs/sequence.md).
"""

# %%
import numpy as np
from _lesson import start

import zeronn
from zeronn.data.text import (
    CharVocabulary,
    bigram_bits_per_char,
    load_python_help,
    split_held_out,
    unigram_bits_per_char,
)
from zeronn.experiments.charlm.figures import plot_curve
from zeronn.experiments.charlm.models import transformer_language_model
from zeronn.experiments.charlm.training import evaluated_part, sample_text, train_language_model

lesson = start("11_sequences", "an LSTM and a small transformer")

# %% [markdown]
# ## An LSTM reads MNIST row by row

# %%
(x_train, t_train), (x_test, t_test) = zeronn.load_mnist(flatten=False)
x_train, x_test = x_train[:, 0], x_test[:, 0]  # (N, 28, 28): 28 steps of 28 pixels
size, epochs, test_size = lesson.pick((20_000, 3, 10_000), (3_000, 1, 2_000))
model = zeronn.Sequential(
    [
        zeronn.LSTM(28, 64, return_sequences=False, dtype="float32"),
        zeronn.Affine(64, 10, dtype="float32"),
    ]
)
print(model.summary((28, 28)))
optimizer = zeronn.Adam(model.parameters(), lr=0.003)
trainer = zeronn.Trainer(model, optimizer, batch_size=50, clip_grad_norm=5.0)
history = trainer.fit(
    x_train[:size], t_train[:size], epochs, validation=(x_train[-5_000:], t_train[-5_000:])
)
_, test_accuracy = trainer.evaluate(x_test[:test_size], t_test[:test_size])
lesson.expect("LSTM, test accuracy", test_accuracy, (0.93, 0.965), (0.40, 0.75), percent=True)
lesson.save(zeronn.plots.plot_history(history), "lstm_curves.png")

# %% [markdown]
# ## A transformer learns to write like Python's help pages

# %%
corpus = load_python_help()
vocabulary = CharVocabulary(corpus.text)
train_ids, held_out_ids = split_held_out(vocabulary.encode(corpus.text), 0.1)
held_out_ids = held_out_ids[: lesson.pick(20_000, 4_000)]  # scored often: kept short
batch_size, seq_len, steps = 32, 64, lesson.pick(1_500, 40)
scored = evaluated_part(held_out_ids, batch_size)
baselines = {
    "unigram": unigram_bits_per_char(train_ids, scored, len(vocabulary)),
    "bigram": bigram_bits_per_char(train_ids, scored, len(vocabulary)),
}
rng = np.random.default_rng(lesson.seed)
transformer = transformer_language_model(len(vocabulary), 64, 4, seq_len, blocks=2, rng=rng)
print(f"{corpus!r}: {len(vocabulary)} distinct characters; baselines {baselines}")
curve = train_language_model(
    transformer,
    train_ids,
    held_out_ids,
    steps=steps,
    batch_size=batch_size,
    seq_len=seq_len,
    lr=0.002,
    max_norm=1.0,
    eval_every=lesson.pick(250, 40),
)
held_out = curve.held_out_bpc[-1]
lesson.expect("transformer, held-out bits per character", held_out, (2.2, 2.6), (3.6, 4.4))
lesson.expect("unigram baseline", baselines["unigram"], (4.6, 4.9), (4.4, 4.8))
lesson.expect("bigram baseline", baselines["bigram"], (3.5, 3.75), (3.6, 3.9))
print(sample_text(transformer, vocabulary, "The ", 300, 0.8, rng, context=seq_len))
figure = plot_curve(curve, baselines, "a two-block transformer on Python's help text")
lesson.save(figure, "transformer_bpc.png")
lesson.finish()
