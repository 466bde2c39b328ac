"""The figure of a run: bits per character along training, against the n-gram baselines."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from zeronn.experiments.charlm.training import Curve
from zeronn.plots._figure import finish


def plot_curve(
    curve: Curve, baselines: dict[str, float], title: str, path: Path | None = None
) -> Figure:
    """Training bpc (a moving average over 50 steps), held-out bpc, and each baseline's line."""
    figure = Figure(figsize=(6.4, 4), layout="constrained")
    axes = figure.subplots()
    train = np.asarray(curve.train_bpc)
    width = min(50, len(train))
    smoothed = np.convolve(train, np.full(width, 1 / width), mode="valid")
    axes.plot(np.arange(width, len(train) + 1), smoothed, color="C0", label="training (mean of 50)")
    axes.plot(curve.eval_steps, curve.held_out_bpc, "o-", color="C1", label="held out")
    for (name, value), style in zip(baselines.items(), ("--", ":"), strict=False):
        axes.axhline(value, color="0.4", linestyle=style, label=f"{name} baseline ({value:.2f})")
    axes.set(xlabel="step", ylabel="bits per character", title=title)
    axes.grid(alpha=0.3)
    axes.legend(fontsize="small")
    return finish(figure, path)
