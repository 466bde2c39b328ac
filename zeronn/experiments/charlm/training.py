"""Train a language model on a character stream, score it in bits per character, sample from it.

One training step is the protocol of every zeronn model, with clipping before the update (a
loss that is not finite stops the run first, :class:`~zeronn.divergence.NonFiniteLossError`)::

    logits = model.forward(x)                  x, t: (N, T) ids, t = x shifted by one character
    loss = loss_fn.forward(logits, t)          mean over the N·T positions, in nats
    model.backward(loss_fn.backward())
    clip_grad_norm(model.parameters(), max_norm)
    optimizer.step()

Bits per character are the mean loss divided by ln 2. Windows walk the text in order
(:func:`zeronn.data.iterate_bptt`), so a stateful LSTM carries its state from one window to the
next; the state is reset at the start of every pass and around every evaluation.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from zeronn._checks import non_negative_int, positive_real, text
from zeronn.clip import clip_grad_norm
from zeronn.data.text import CharVocabulary, iterate_bptt
from zeronn.divergence import NonFiniteLossError, non_finite_logits
from zeronn.experiments.charlm.models import reset_state
from zeronn.functional import softmax
from zeronn.losses import SoftmaxCrossEntropy
from zeronn.model import Sequential
from zeronn.optim import Adam

LN2 = math.log(2)


@dataclass
class Curve:
    """What training recorded: the training bpc of every step, the held-out bpc now and then."""

    train_bpc: list[float] = field(default_factory=list)
    eval_steps: list[int] = field(default_factory=list)
    held_out_bpc: list[float] = field(default_factory=list)
    seconds: float = 0.0


def evaluated_part(ids: NDArray[np.integer], batch_size: int) -> NDArray[np.integer]:
    """The part of ``ids`` that :func:`bits_per_char` reads: ``batch_size`` rows of whole length.

    Its last ``(len(ids) − 1) mod batch_size`` characters are dropped; a baseline scored on the
    part returned here is scored on exactly the characters the model predicts.
    """
    row_length = (len(ids) - 1) // batch_size
    return ids[: batch_size * row_length + 1]


def bits_per_char(
    model: Sequential, ids: NDArray[np.integer], batch_size: int, seq_len: int
) -> float:
    """Mean ``−log₂ p(next character)`` over ``evaluated_part(ids, batch_size)[1:]``.

    The text is cut into ``batch_size`` rows read in windows of ``seq_len``: an LSTM carries its
    state along each row (from zeros at the row's start), a transformer sees each window alone.
    The model's state before the call is restored after it.
    """
    saved = _states(model)
    reset_state(model)
    loss_fn = SoftmaxCrossEntropy()
    total, count = 0.0, 0
    for x, t in iterate_bptt(ids, batch_size, seq_len):
        total += loss_fn.forward(model.forward(x), t) * t.size
        count += t.size
    _restore_states(model, saved)
    return total / count / LN2


def training_windows(
    ids: NDArray[np.integer], batch_size: int, seq_len: int
) -> Iterator[tuple[NDArray, NDArray, bool]]:
    """Endless ``(x, t, starts_pass)``: :func:`iterate_bptt`'s windows, pass after pass."""
    while True:
        for index, (x, t) in enumerate(iterate_bptt(ids, batch_size, seq_len)):
            yield x, t, index == 0


def train_language_model(
    model: Sequential,
    train_ids: NDArray[np.integer],
    held_out_ids: NDArray[np.integer],
    *,
    steps: int,
    batch_size: int,
    seq_len: int,
    lr: float,
    max_norm: float,
    eval_every: int,
    printer: Callable[[str], None] | None = print,
) -> Curve:
    """``steps`` steps of Adam with clipping; held-out bpc every ``eval_every`` steps and last."""
    optimizer = Adam(model.parameters(), lr=lr)
    loss_fn = SoftmaxCrossEntropy()
    curve = Curve()
    windows = training_windows(train_ids, batch_size, seq_len)
    start = time.perf_counter()
    model.train()
    for step in range(1, steps + 1):
        x, t, starts_pass = next(windows)
        if starts_pass:
            reset_state(model)
        logits = model.forward(x)
        if (problem := non_finite_logits(logits.reshape(-1, logits.shape[-1]))) is not None:
            raise _diverged(problem, step, curve.train_bpc)
        loss = loss_fn.forward(logits, t)
        if not math.isfinite(loss):  # stop before a NaN reaches the weights
            raise _diverged(f"the loss is {loss}", step, curve.train_bpc)
        model.backward(loss_fn.backward())
        try:
            clip_grad_norm(model.parameters(), max_norm)
        except ValueError as error:  # a NaN or inf gradient (max_norm itself was checked)
            raise _diverged(f"a gradient is not finite ({error})", step, curve.train_bpc) from None
        optimizer.step()
        curve.train_bpc.append(loss / LN2)
        if step % eval_every == 0 or step == steps:
            model.eval()
            curve.eval_steps.append(step)
            curve.held_out_bpc.append(bits_per_char(model, held_out_ids, batch_size, seq_len))
            if not math.isfinite(curve.held_out_bpc[-1]):  # the last steps broke the weights
                what = f"the held-out loss is {curve.held_out_bpc[-1]} after the step"
                raise _diverged(what, step, curve.train_bpc)
            model.train()
            if printer is not None:
                recent = np.mean(curve.train_bpc[-eval_every:])
                printer(
                    f"step {step}/{steps}  train {recent:.3f} bpc  held-out "
                    f"{curve.held_out_bpc[-1]:.3f} bpc  ({time.perf_counter() - start:.0f} s)"
                )
    curve.seconds = time.perf_counter() - start
    return curve


def sample_text(
    model: Sequential,
    vocabulary: CharVocabulary,
    prompt: str,
    length: int,
    temperature: float,
    rng: np.random.Generator,
    *,
    context: int,
) -> str:
    """``prompt`` followed by ``length`` characters drawn one at a time from the model.

    Each character is drawn from ``softmax(logits / temperature)`` of the last position: below
    1 the likely characters get likelier (safer, more repetitive text), above 1 the reverse.
    An LSTM reads the prompt once and then one character per step, carrying its state; a
    transformer rereads the last ``context`` characters for every new one. An empty prompt
    starts after the vocabulary's first character (a newline in most texts: it sorts first),
    which is not returned.
    """
    temperature = positive_real(temperature, "temperature", "sample_text")
    length = non_negative_int(length, "length", "sample_text")
    start = text(prompt, "prompt", "sample_text") or vocabulary.chars[0]
    ids = list(vocabulary.encode(start))
    stateful = any(getattr(layer, "stateful", False) for layer in model)
    training = model.training
    model.eval()
    saved = _states(model)
    reset_state(model)
    feed = ids
    for _ in range(length):
        window = np.array([feed if stateful else ids[-context:]], dtype=np.int64)
        logits = model.forward(window)[0, -1].astype(np.float64)
        probabilities = softmax(logits / temperature)
        if not np.isfinite(probabilities).all():  # a temperature so low that logits/T overflow
            probabilities = softmax((logits - logits.max()) / temperature)
        if not np.isfinite(probabilities).all():
            raise NonFiniteLossError(
                f"sampling at temperature {temperature:g} met logits that are not finite: the "
                "weights diverged in training",
                epoch=1,
                step=None,
                last_finite_loss=None,
            )
        next_id = int(rng.choice(len(probabilities), p=probabilities))
        ids.append(next_id)
        feed = [next_id]
    _restore_states(model, saved)
    model.train(training)
    generated = vocabulary.decode(ids)
    return prompt + generated[len(start) :]


def _diverged(what: str, step: int, train_bpc: list[float]) -> NonFiniteLossError:
    last = (
        f"the last finite loss was {train_bpc[-1]:.4g} bits per character (step {step - 1})"
        if train_bpc
        else "no finite loss was seen before"
    )
    return NonFiniteLossError(
        f"training diverged at step {step}: {what}; {last}",
        epoch=1,
        step=step,
        last_finite_loss=train_bpc[-1] * LN2 if train_bpc else None,
    )


def _states(model: Sequential) -> list:
    return [getattr(layer, "state", None) for layer in model]


def _restore_states(model: Sequential, states: list) -> None:
    for layer, state in zip(model, states, strict=True):
        if getattr(layer, "stateful", False):
            layer.state = state
