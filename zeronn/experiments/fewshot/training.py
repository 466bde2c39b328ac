"""One full-batch training run: plain SGD on the whole (tiny) training set, the loss per step.

Every step is one forward pass over all N images, the mean softmax cross-entropy, one backward
pass and the update W ← W − lr · ∂L/∂W; ``losses[k]`` is the loss at the weights *before* the
k-th update, which is what the blog plotted. Logits that stop being finite (a learning rate
far too large) stop the run with :class:`~zeronn.divergence.NonFiniteLossError`.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from zeronn.divergence import NonFiniteLossError, non_finite_logits
from zeronn.losses import SoftmaxCrossEntropy
from zeronn.model import Sequential
from zeronn.optim import SGD


def train_full_batch(
    model: Sequential,
    x: NDArray[np.floating],
    t: NDArray[np.integer],
    *,
    steps: int,
    lr: float,
) -> NDArray[np.float64]:
    """Train ``model`` in place for ``steps`` full-batch SGD steps; return the loss per step.

    ``x``: (N, 784) images in the model's dtype; ``t``: (N,) integer labels. Returns a
    float64 array of shape (steps,). The batch is passed as is every step (no copies), and
    the layers overwrite their gradients in ``backward``, so no ``zero_grad`` is needed.
    """
    optimizer = SGD(model.parameters(), lr=lr)
    loss_fn = SoftmaxCrossEntropy()
    losses = np.empty(steps, dtype=np.float64)
    for step in range(steps):
        with np.errstate(over="ignore", invalid="ignore"):  # reported below, as the Trainer does
            logits = model.forward(x)
        if (problem := non_finite_logits(logits)) is not None:  # the last update diverged
            raise _diverged(problem, step, losses[:step])
        losses[step] = loss_fn.forward(logits, t)
        model.backward(loss_fn.backward(), input_grad=False)
        optimizer.step()
    return losses


def _diverged(problem: str, step: int, losses: NDArray[np.float64]) -> NonFiniteLossError:
    last = f"the last finite loss was {losses[-1]:.6g} (step {step})" if step else ""
    return NonFiniteLossError(
        f"training diverged at step {step + 1}: {problem}" + (f"; {last}" if last else ""),
        epoch=1,
        step=step + 1,
        last_finite_loss=float(losses[-1]) if step else None,
    )


def first_step_below(losses: NDArray[np.floating], threshold: float) -> int | None:
    """The first step (0-based) whose loss is below ``threshold``, or None if there is none.

    >>> first_step_below(np.array([2.3, 0.5, 0.05, 0.2]), 0.1)
    2
    >>> first_step_below(np.array([2.3, 0.5]), 0.1) is None
    True
    """
    below = np.flatnonzero(np.asarray(losses) < threshold)
    return int(below[0]) if below.size else None
