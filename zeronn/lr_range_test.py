"""The learning-rate range test (Smith 2015, 2017): a learning rate found in one short run.

Train for up to ``steps`` mini-batches while the learning rate grows exponentially from
``start_lr`` to ``end_lr``::

    lr_i = start_lr · (end_lr / start_lr) ^ (i / (steps − 1)),      i = 0 … steps − 1

and record, after the step taken with lr_i, the loss of the next batch. The curve reads from
left to right: flat (the lr is too small to move the weights), falling (a useful lr), then
rising and exploding (too large). The recorded losses are noisy (each is one batch), so they are
smoothed by an exponential moving average with Adam's bias correction::

    a_k = β · a_{k−1} + (1 − β) · loss_k,      smooth_k = a_k / (1 − β^k)       (a_0 = 0)

At the minimum of the smoothed curve, ``lr_at_minimum``, training is already at the edge of
diverging, so the suggestion is one order of magnitude below it:
``suggested_lr = lr_at_minimum / 10``. The run stops early once the smoothed loss passes
``stop_factor`` times its minimum, or as soon as a loss or a gradient is not finite (that
step is not taken).

The test trains the model it is given, with the optimizer it is given (so Adam's moments and
Momentum's velocity behave as they will in training), and then puts both back exactly as it
found them (:class:`zeronn.state.Snapshot`): weights and gradients, BatchNorm's running
statistics, Dropout's generators, every layer's mode, the optimizer's lr, moments and step
counts, and the generator that drew the batches. Training after the test is the training
without it, bit for bit. A call refused for its arguments changes nothing either.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from zeronn._checks import as_generator, positive_int, positive_real, real_in
from zeronn.data import iterate_batches
from zeronn.data.batches import check_pair
from zeronn.divergence import non_finite_logits
from zeronn.losses import SoftmaxCrossEntropy
from zeronn.optimizer import NonFiniteGradientError
from zeronn.state import Snapshot
from zeronn.tree import check_tree

if TYPE_CHECKING:
    from zeronn.trainer import Loss

__all__ = ["LRFinderResult", "lr_finder"]

_OWNER = "lr_finder"
SUGGESTION_DIVISOR = 10.0


@dataclass(frozen=True)
class LRFinderResult:
    """What a range test measured: ``lrs[i]`` (k,) the lr of step i, ``losses[i]`` (k,) the loss
    of the batch after it, ``smoothed`` (k,) their moving average, and ``stopped``, why the run
    ended ("reached end_lr", "the smoothed loss passed 4 × its minimum", "the loss is nan"...).
    """

    lrs: NDArray[np.float64]
    losses: NDArray[np.float64]
    smoothed: NDArray[np.float64]
    stopped: str

    @property
    def lr_at_minimum(self) -> float:
        """The lr whose step left the lowest smoothed loss."""
        return float(self.lrs[int(np.argmin(self.smoothed))])

    @property
    def suggested_lr(self) -> float:
        """One order of magnitude below :attr:`lr_at_minimum` (Smith's rule)."""
        return self.lr_at_minimum / SUGGESTION_DIVISOR

    def __str__(self) -> str:
        return (
            f"lr range test: {len(self.lrs)} steps from lr {self.lrs[0]:.3g} to "
            f"{self.lrs[-1]:.3g} ({self.stopped}); smoothed loss lowest "
            f"({self.smoothed.min():.4g}) at lr {self.lr_at_minimum:.3g}; "
            f"suggested lr {self.suggested_lr:.3g}"
        )


def lr_finder(
    model: object,
    optimizer: object,
    x: NDArray,
    t: NDArray,
    *,
    start_lr: float = 1e-6,
    end_lr: float = 10.0,
    steps: int = 100,
    batch_size: int = 100,
    loss: Loss | None = None,
    rng: np.random.Generator | int | None = None,
    smoothing: float = 0.9,
    stop_factor: float = 4.0,
) -> LRFinderResult:
    """Run the learning-rate range test of the module docstring on ``(x, t)``.

    ``model``: e.g. a :class:`zeronn.model.Sequential`; ``optimizer``: one built on its
    parameters (any optimizer with an ``lr``); ``x`` (N, ...), ``t`` (N,) or (N, K): training
    data, visited in shuffled passes of ``batch_size`` drawn from ``rng`` (zeronn's default
    generator when None). ``loss``: SoftmaxCrossEntropy unless given. ``smoothing``: β in
    [0, 1), 0 for no smoothing. ``stop_factor`` > 1. Needs ``steps`` + 1 batches (one forward
    pass more than steps). The model, the optimizer and the generator are left as they were.
    A run whose very first step breaks the training raises ValueError (start_lr too large).
    """
    start_lr, end_lr, steps, batch_size, smoothing, stop_factor, loss_fn = _checked(
        model, optimizer, x, t, start_lr, end_lr, steps, batch_size, loss, smoothing, stop_factor
    )
    generator = as_generator(rng, _OWNER)
    lrs = start_lr * (end_lr / start_lr) ** (np.arange(steps) / (steps - 1))
    snapshot = Snapshot(model, optimizer, generator)
    try:
        batches = _batches(x, t, batch_size, generator)
        losses, smoothed, stopped = _run(
            model, optimizer, loss_fn, batches, lrs, smoothing, stop_factor
        )
    finally:
        snapshot.restore()
    if not losses:
        raise ValueError(
            f"{_OWNER} could not take one step: at start_lr={start_lr:g} {stopped}; "
            "pass a smaller start_lr"
        )
    return LRFinderResult(lrs[: len(losses)].copy(), np.array(losses), np.array(smoothed), stopped)


def _run(model, optimizer, loss_fn, batches, lrs, smoothing, stop_factor):
    """The test's loop; returns (the loss after each step taken, its smoothed curve, why the
    run stopped)."""
    model.train()
    losses: list[float] = []
    smoothed: list[float] = []
    average = 0.0
    # NumPy's overflow warnings say what the checks below say: the lr has grown too large.
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        current = _loss_of_next(model, loss_fn, batches)
        if isinstance(current, str):
            raise ValueError(
                f"{_OWNER} expected a finite loss before the first step, but {current}: "
                "check the model and the data"
            )
        for lr in lrs:
            model.backward(loss_fn.backward(), input_grad=False)
            optimizer.lr = float(lr)
            try:
                optimizer.step()
            except NonFiniteGradientError:
                return losses, smoothed, f"a gradient was not finite before the step at lr {lr:.3g}"
            current = _loss_of_next(model, loss_fn, batches)
            if isinstance(current, str):
                return losses, smoothed, f"{current} after the step at lr {lr:.3g}"
            losses.append(current)
            average = smoothing * average + (1 - smoothing) * current
            smoothed.append(average / (1 - smoothing ** len(losses)))
            if smoothed[-1] > stop_factor * min(smoothed):
                return losses, smoothed, f"the smoothed loss passed {stop_factor:g} × its minimum"
    return losses, smoothed, "reached end_lr"


def _loss_of_next(model, loss_fn, batches: Iterator) -> float | str:
    """The loss of the next batch, or what is not finite (the logits, the loss) as a phrase."""
    x_batch, t_batch = next(batches)
    logits = model.forward(x_batch)
    problem = non_finite_logits(logits)
    if problem is not None:
        return problem
    loss = float(loss_fn.forward(logits, t_batch))
    return loss if math.isfinite(loss) else f"the loss is {loss}"


def _batches(x: NDArray, t: NDArray, batch_size: int, rng: np.random.Generator) -> Iterator:
    """Shuffled mini-batches, pass after pass over the data, for as long as they are asked for."""
    while True:
        yield from iterate_batches(x, t, batch_size, rng, shuffle=True)


def _checked(model, optimizer, x, t, start_lr, end_lr, steps, batch_size, loss, smoothing, stop):
    """Every argument checked before anything runs (a refused call changes nothing)."""
    if not all(callable(getattr(model, name, None)) for name in ("forward", "backward", "train")):
        raise TypeError(
            f"{_OWNER} expected a model with forward(), backward() and train(), e.g. a "
            f"Sequential, got {type(model).__name__}"
        )
    check_tree(model, _OWNER)
    if not callable(getattr(optimizer, "step", None)) or not hasattr(optimizer, "lr"):
        raise TypeError(
            f"{_OWNER} expected an optimizer with step() and an lr, e.g. zeronn.SGD, "
            f"got {type(optimizer).__name__}"
        )
    check_pair(x, t, _OWNER)
    start_lr = positive_real(start_lr, "start_lr", _OWNER)
    end_lr = positive_real(end_lr, "end_lr", _OWNER)
    if end_lr <= start_lr:
        raise ValueError(
            f"{_OWNER} expected end_lr above start_lr, got start_lr={start_lr:g} and "
            f"end_lr={end_lr:g}"
        )
    steps = positive_int(steps, "steps", _OWNER)
    if steps < 2:
        raise ValueError(f"{_OWNER} expected steps >= 2 (a range needs two ends), got {steps}")
    batch_size = positive_int(batch_size, "batch_size", _OWNER)
    smoothing = real_in(smoothing, "smoothing", _OWNER, 0, 1, closed=(True, False))
    stop = positive_real(stop, "stop_factor", _OWNER)
    if stop <= 1:
        raise ValueError(f"{_OWNER} expected stop_factor above 1, got {stop:g}")
    loss = SoftmaxCrossEntropy() if loss is None else loss
    if not (callable(getattr(loss, "forward", None)) and callable(getattr(loss, "backward", None))):
        raise TypeError(
            f"{_OWNER} expected a loss with forward(logits, t) and backward(), "
            f"got {type(loss).__name__}"
        )
    return start_lr, end_lr, steps, batch_size, smoothing, stop, loss
