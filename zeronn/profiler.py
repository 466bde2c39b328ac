"""Where a training step's time goes: each layer's forward and backward, the loss, the update.

``zeronn.profile(model, x, t)`` runs real training steps on the batch ``(x, t)`` (forward in
training mode, loss, backward; the optimizer's step too when one is given), times every part,
and puts the model back as it found it (parameters, gradients, buffers, modes, random
generators, the optimizer's moments: :mod:`zeronn.profile_state`). ``print()`` the result::

    model = zeronn.simple_convnet(dtype="float32")
    optimizer = zeronn.Adam(model.parameters(), lr=0.001)
    print(zeronn.profile(model, x[:100], t[:100], optimizer=optimizer, repeats=7))

    one training step on 100 samples (float32), mean of 7 steps after a warm-up
    AMD EPYC, 2 CPUs; openblas 0.3.31.188.0 (SkylakeX kernels); zeronn on 1 thread
    BLAS peak 102.8 GFLOP/s (a 2048² float32 product at 1 thread, measured in this process)

    | part | forward ms | backward ms | share of step | work | share of peak |
    |---|---|---|---|---|---|
    | 0 Conv2D 1→30 5×5 | 2.48 | 3.42 | 37.8% | 0.173 GFLOP | 28% |
    | 1 ReLU | 0.85 | 0.80 | 10.6% | 3.46 M elements | — |
    | 2 MaxPool2D 2×2 | 2.24 | 1.45 | 23.6% | 2.16 M elements | — |
    | 3 Flatten | 0.01 | 0.01 | 0.1% | 0.864 M elements | — |
    | 4 Affine 4320→100 | 1.06 | 2.10 | 20.3% | 0.259 GFLOP | 80% |
    | 5 ReLU | 0.03 | 0.01 | 0.3% | 0.02 M elements | — |
    | 6 Affine 100→10 | 0.02 | 0.03 | 0.3% | 0.0006 GFLOP | 12% |
    | loss SoftmaxCrossEntropy | 0.10 | 0.02 | 0.8% | | |
    | optimizer Adam | 0.95 | | 6.1% | | |
    | profiler gaps | 0.02 | | 0.1% | | |
    | step | 15.60 | | 100.0% | 0.433 GFLOP | 27% |

(SimpleConvNet on random images, measured with this module on a 2-core AMD EPYC). Columns:

- **forward ms / backward ms**: wall time per step, the mean over ``repeats`` timed steps (after
  one untimed warm-up step, which fills buffers and wakes threads). The first layer's backward
  computes its parameters' gradients only, as a training step does.
- **share of step**: the part's time over the step's.
- **work**: FLOPs (two per multiply-add) of the layers built on matrix products, element counts
  for the others (how they are counted: :mod:`zeronn.profile_work`).
- **share of peak**: the layer's FLOP/s over the BLAS's peak, a large square product in the
  model's dtype timed once per process at the current thread count
  (:func:`zeronn.profile_machine.blas_peak`). Below 100%: time lost to copies, narrow products,
  Python; above 100%: the layer beat the square product (small operands that fit in cache).

The numbers add up by construction: every part is timed between its own start and end marks,
the time between one part's end and the next one's start is the "profiler gaps" row, and the
step's time is the time from the first mark to the last, so step = Σ parts + gaps exactly (up to
rounding), in every timed step and so in their mean.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from zeronn._checks import floating_array, positive_int, positive_real
from zeronn.layers.base import Layer
from zeronn.losses import SoftmaxCrossEntropy
from zeronn.model import Sequential
from zeronn.profile_machine import PEAK_SIZE, blas_peak, describe_machine
from zeronn.profile_state import saved_state
from zeronn.profile_work import PRODUCTS, Work, layer_work
from zeronn.threads import current_threads


@dataclass(frozen=True)
class ProfileRow:
    """One part of the step: its name, mean seconds per step, and its work (None for the loss,
    the optimizer and the gaps)."""

    name: str
    forward: float
    backward: float = 0.0
    work: Work | None = None

    @property
    def seconds(self) -> float:
        return self.forward + self.backward


@dataclass(frozen=True)
class Profile:
    """The result of :func:`profile`: ``layers`` (one row per layer, in order), ``loss``,
    ``optimizer`` (None when not asked), ``gaps`` and ``step`` in seconds per step, ``peak``
    in FLOP/s; ``str()`` is the Markdown table of the module docstring."""

    layers: tuple[ProfileRow, ...]
    loss: ProfileRow
    optimizer: ProfileRow | None
    gaps: float
    step: float
    peak: float
    batch: int
    dtype: str
    repeats: int
    threads: int
    machine: str
    peak_measured: bool = True

    @property
    def parts(self) -> tuple[ProfileRow, ...]:
        """Every timed row: the layers, the loss, the optimizer (if any) and the gaps."""
        extra = () if self.optimizer is None else (self.optimizer,)
        return (*self.layers, self.loss, *extra, ProfileRow("profiler gaps", self.gaps))

    def peak_share(self, row: ProfileRow) -> float | None:
        """The row's FLOP/s over the BLAS's peak; None for rows that are not products."""
        if row.work is None or row.work.kind != PRODUCTS or row.seconds <= 0:
            return None
        return (row.work.forward + row.work.backward) / row.seconds / self.peak

    def __str__(self) -> str:
        where = (
            f"a {PEAK_SIZE}² {self.dtype} product at {self.threads} "
            f"thread{'s' if self.threads > 1 else ''}, measured in this process"
            if self.peak_measured
            else "as given"
        )
        lines = [
            f"one training step on {self.batch} samples ({self.dtype}), mean of {self.repeats} "
            f"step{'s' if self.repeats > 1 else ''} after a warm-up",
            f"{self.machine}",
            f"BLAS peak {self.peak / 1e9:.1f} GFLOP/s ({where})",
            "",
            "| part | forward ms | backward ms | share of step | work | share of peak |",
            "|---|---|---|---|---|---|",
        ]
        for index, row in enumerate(self.parts):
            two_passes = index <= len(self.layers)  # the layers and the loss
            backward = f"{row.backward * 1e3:.2f}" if two_passes else ""
            lines.append(
                f"| {row.name} | {row.forward * 1e3:.2f} | {backward} | "
                f"{row.seconds / self.step:.1%} | {_work_text(row.work)} | "
                f"{_percent(self.peak_share(row)) if row.work else ''} |"
            )
        flops = sum(r.work.forward + r.work.backward for r in self.layers if _products(r))
        total = ProfileRow("step", self.step, work=Work(flops, 0, PRODUCTS))
        lines.append(
            f"| step | {self.step * 1e3:.2f} | | 100.0% | {_work_text(total.work)} | "
            f"{_percent(self.peak_share(total))} |"
        )
        return "\n".join(lines)


def profile(
    model: Sequential,
    x: NDArray,
    t: NDArray,
    *,
    loss=None,
    optimizer=None,
    repeats: int = 3,
    peak: float | None = None,
) -> Profile:
    """Time one training step of ``model`` on the batch ``(x, t)`` part by part; restore the
    model (and ``optimizer``) afterwards.

    ``loss``: the loss on the model's outputs (``SoftmaxCrossEntropy()`` by default).
    ``optimizer``: its ``step()`` is timed too when given. ``repeats``: timed steps, averaged
    after one untimed warm-up step. ``peak``: the FLOP/s to compare with; None measures the
    BLAS's (:func:`zeronn.profile_machine.blas_peak`, once per process). Returns a
    :class:`Profile`, whose ``str()`` is the table.
    """
    if not isinstance(model, Sequential):
        raise TypeError(f"profile expected a Sequential model, got {type(model).__name__}")
    repeats = positive_int(repeats, "repeats", "profile")
    if not isinstance(x, np.ndarray) or x.ndim == 0 or len(x) == 0:
        got = x.shape if isinstance(x, np.ndarray) else type(x).__name__
        raise ValueError(f"profile expected a batch x of shape (N, ...) with N >= 1, got {got}")
    layers = list(model)
    if not layers[0].takes_ids:
        x = floating_array(x, "profile")
        if model.dtype is not None:
            x = x.astype(model.dtype, copy=False)
    loss = SoftmaxCrossEntropy() if loss is None else loss
    if optimizer is not None and not callable(getattr(optimizer, "step", None)):
        raise TypeError(f"profile expected an optimizer with step(), got {optimizer!r}")
    dtype = np.dtype(model.dtype or x.dtype)
    peak_measured = peak is None
    peak = blas_peak(dtype) if peak_measured else positive_real(peak, "peak", "profile")

    restore = saved_state(model, optimizer)
    try:
        model.train()
        shapes = _step(layers, x, t, loss, optimizer)[1]
        steps = [_step(layers, x, t, loss, optimizer)[0] for _ in range(repeats)]
    finally:
        restore()
    result = _result(layers, shapes, steps, loss, optimizer, peak, len(x), dtype, repeats)
    return dataclasses.replace(result, peak_measured=peak_measured)


def _step(layers: list[Layer], x, t, loss, optimizer) -> tuple[list[float], list[tuple]]:
    """One training step with a clock mark at the start and end of every part; returns the
    marks (start, end, start, end, ...) and each layer's input and output shapes."""
    clock = time.perf_counter
    marks: list[float] = []
    shapes = []
    out = x
    for layer in layers:
        start = clock()
        y = layer.forward(out)
        marks += (start, clock())
        shapes.append((np.shape(out), np.shape(y)))
        out = y
    start = clock()
    loss.forward(out, t)
    marks += (start, clock())
    start = clock()
    dout = loss.backward()
    marks += (start, clock())
    *later, first = layers[::-1]
    for layer in later:
        start = clock()
        dout = layer.backward(dout)
        marks += (start, clock())
    start = clock()
    first.backward_params(dout)
    marks += (start, clock())
    if optimizer is not None:
        start = clock()
        optimizer.step()
        marks += (start, clock())
    return marks, shapes


def _result(layers, shapes, steps, loss, optimizer, peak, batch, dtype, repeats):
    """The mean of every part over the timed steps, as a :class:`Profile`."""
    marks = np.mean(np.array(steps), axis=0)
    parts = marks[1::2] - marks[0::2]
    gaps = float(np.sum(marks[2::2] - marks[1:-1:2]))
    step = float(marks[-1] - marks[0])
    count = len(layers)
    forward, loss_forward, loss_backward = parts[:count], parts[count], parts[count + 1]
    backward = parts[count + 2 : 2 * count + 2][::-1]
    rows = tuple(
        ProfileRow(
            f"{index} {_short_name(layer)}",
            float(forward[index]),
            float(backward[index]),
            layer_work(layer, *shapes[index], input_grad=index > 0),
        )
        for index, layer in enumerate(layers)
    )
    optimizer_row = None
    if optimizer is not None:
        optimizer_row = ProfileRow(f"optimizer {type(optimizer).__name__}", float(parts[-1]))
    return Profile(
        layers=rows,
        loss=ProfileRow(f"loss {type(loss).__name__}", float(loss_forward), float(loss_backward)),
        optimizer=optimizer_row,
        gaps=gaps,
        step=step,
        peak=float(peak),
        batch=batch,
        dtype=str(dtype),
        repeats=repeats,
        threads=current_threads(),
        machine=describe_machine(),
    )


def _short_name(layer: Layer) -> str:
    """``Conv2D 16→32 3×3``, ``Affine 4320→100``, ``MaxPool2D 2×2``: what tells rows apart."""
    name = type(layer).__name__
    if hasattr(layer, "in_channels") and hasattr(layer, "kernel_size"):
        (kh, kw), stride = layer.kernel_size, getattr(layer, "stride", (1, 1))
        text = f"{name} {layer.in_channels}→{layer.out_channels} {kh}×{kw}"
        return text + (f" stride {stride[0]}" if stride != (1, 1) else "")
    if hasattr(layer, "in_features"):
        return f"{name} {layer.in_features}→{layer.out_features}"
    if hasattr(layer, "input_size") and hasattr(layer, "hidden_size"):
        return f"{name} {layer.input_size}→{layer.hidden_size}"
    if hasattr(layer, "pool_size"):
        return f"{name} {layer.pool_size[0]}×{layer.pool_size[1]}"
    return name


def _products(row: ProfileRow) -> bool:
    return row.work is not None and row.work.kind == PRODUCTS


def _work_text(work: Work | None) -> str:
    if work is None:
        return ""
    total = work.forward + work.backward
    if work.kind == PRODUCTS:
        return f"{total / 1e9:.3g} GFLOP"
    return f"{total / 1e6:.3g} M elements"


def _percent(share: float | None) -> str:
    return "—" if share is None else f"{share:.0%}"


__all__ = ["Profile", "ProfileRow", "profile"]
