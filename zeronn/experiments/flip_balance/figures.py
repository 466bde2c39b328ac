"""The flip-balance figures: recall per condition, changed test images, Grad-CAM overlays.

"Changed" images follow the post's "wrong before, right after" grids, for the first seed's
models: test images the ``none`` model got wrong and ``flip-both`` got right, and the reverse
lesson, images ``none`` got right and ``flip-a`` got wrong. Every figure is a small PNG, built
as a :class:`~matplotlib.figure.Figure` without pyplot (no backend, no global state).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.figure import Figure
from numpy.typing import NDArray

from zeronn import plots
from zeronn._io import atomic_save_figure
from zeronn.layers import Conv2D

DPI = 100
# (before, after, was_wrong, title): the "changed" grids drawn when both conditions ran;
# was_wrong picks images wrong before and right after (else right before, wrong after).
CHANGES = (
    ("none", "flip-both", True, "wrong without augmentation, right with flipped copies of both"),
    ("none", "flip-a", False, "right without augmentation, wrong with flipped copies of A only"),
)


def recall_bars(summary: dict[str, dict[str, Any]], class_names: tuple[str, str]) -> Figure:
    """Grouped bars of per-class recall (mean, error bar ± std over seeds) per condition."""
    conditions = list(summary)
    positions = np.arange(len(conditions))
    width = 0.38
    figure = Figure(figsize=(7.5, 3.4), layout="constrained")
    axes = figure.subplots()
    for k, name in enumerate(class_names):
        means = [100 * summary[c]["recall"]["mean"][k] for c in conditions]
        # one seed has no spread: no error bars then
        stds = [100 * (summary[c]["recall"]["std"] or [0.0, 0.0])[k] for c in conditions]
        bars = axes.bar(positions + (k - 0.5) * width, means, width, yerr=stds, capsize=3)
        bars.set_label(f"recall {name}")
        axes.bar_label(bars, fmt="%.1f", fontsize=7, padding=2, label_type="edge")
    accuracy = [100 * summary[c]["accuracy"]["mean"] for c in conditions]
    axes.scatter(positions, accuracy, marker="_", s=400, color="black", label="accuracy", zorder=3)
    axes.set_xticks(positions, conditions)
    # bars start at 0, so their heights compare as the numbers do; headroom for the labels
    axes.set_ylim(0, 112)
    axes.set_yticks(range(0, 101, 20))
    axes.set_ylabel("% of test images (mean ± std over seeds)")
    seeds = len(next(iter(summary.values()))["seeds"])
    axes.set_title(f"Per-class recall by condition ({seeds} seeds)", fontsize=10)
    axes.legend(fontsize=8, loc="upper center", ncols=3)
    return figure


def changed_indices(
    t: NDArray[np.integer],
    before: NDArray[np.integer],
    after: NDArray[np.integer],
    *,
    was_wrong: bool,
) -> NDArray[np.intp]:
    """Test images wrong under ``before`` and right under ``after`` (or the reverse)."""
    right_before, right_after = before == t, after == t
    if was_wrong:
        return np.flatnonzero(~right_before & right_after)
    return np.flatnonzero(right_before & ~right_after)


def changed_grid(
    x: NDArray[np.floating],
    t: NDArray[np.integer],
    predictions: dict[str, NDArray[np.integer]],
    indices: NDArray[np.intp],
    conditions: tuple[str, str],
    class_names: tuple[str, str],
    title: str,
    *,
    columns: int = 8,
) -> Figure:
    """Up to two rows of test images, each captioned with its label and both predictions."""
    shown = indices[: 2 * columns]
    before, after = conditions
    titles = [
        f"is {_short(class_names[t[i]])}\n{_short(class_names[predictions[before][i]])}"
        f" → {_short(class_names[predictions[after][i]])}"
        for i in shown
    ]
    figure = plots.image_grid(x[shown], titles=titles, ncols=columns, cmap="gray_r", show=False)
    figure.suptitle(
        f"{title}\n({len(indices)} test images, first {len(shown)} shown; {before} → {after})",
        fontsize="medium",
    )
    return figure


def gradcam_grid(
    x: NDArray[np.floating],
    t: NDArray[np.integer],
    models: dict[str, Any],
    predictions: dict[str, NDArray[np.integer]],
    indices: NDArray[np.intp],
    conditions: tuple[str, ...],
    class_names: tuple[str, str],
) -> Figure:
    """Rows: images; columns: each condition's Grad-CAM for the class it predicted."""
    from zeronn.explain import grad_cam

    images = x[indices]
    cams, titles = [], []
    for condition in conditions:
        model = models[condition]
        predicted = predictions[condition][indices]
        cams.append(grad_cam(model, images, predicted, last_conv_activation(model)))
        titles.append([f"{condition}: {_short(class_names[k])}" for k in predicted])
    # conditions are columns: interleave so that row r holds image r under every condition
    cams = np.stack(cams, axis=1).reshape(-1, *images.shape[2:])
    titles = [
        f"is {_short(class_names[t[i]])}\n{titles[c][r]}" if c == 0 else f"\n{titles[c][r]}"
        for r, i in enumerate(indices)
        for c in range(len(conditions))
    ]
    # an all-zero map means no channel gave positive evidence for that class
    titles = [
        title + (" (map 0)" if cam.max() == 0 else "")
        for title, cam in zip(titles, cams, strict=True)
    ]
    figure = plots.gradcam_overlay(
        np.repeat(images, len(conditions), axis=0),
        cams,
        titles=titles,
        ncols=len(conditions),
        show=False,
    )
    figure.suptitle("Grad-CAM of each model's predicted class (last conv layer)", fontsize="medium")
    return figure


def last_conv_activation(model: Any) -> int:
    """Index of the layer after the last Conv2D (its ReLU): the maps Grad-CAM explains."""
    layers = list(model)
    positions = [i for i, layer in enumerate(layers) if isinstance(layer, Conv2D)]
    if not positions:
        raise ValueError(f"Grad-CAM needs a convolutional model, got {model!r}")
    return positions[-1] + 1


def write_figures(results: dict[str, Any], first_seed: dict[str, Any], out: Path) -> list[Path]:
    """Write every figure the conditions that ran allow; return the paths written."""
    class_names = tuple(results["class_names"])
    x, t = first_seed["x_test"], first_seed["t_test"]
    predictions, models = first_seed["predictions"], first_seed["models"]
    written = []

    def save(figure, name: str) -> None:
        written.append(atomic_save_figure(figure, out / name, dpi=DPI))

    save(recall_bars(results["summary"], class_names), "flip_balance_recall.png")
    for before, after, was_wrong, title in CHANGES:
        if before not in predictions or after not in predictions:
            continue
        indices = changed_indices(t, predictions[before], predictions[after], was_wrong=was_wrong)
        if len(indices) == 0:
            continue
        save(
            changed_grid(x, t, predictions, indices, (before, after), class_names, title),
            f"flip_balance_changed_{before}_to_{after}.png",
        )
        cam_conditions = tuple(c for c in ("none", "flip-a", "flip-both") if c in models)
        save(
            gradcam_grid(x, t, models, predictions, indices[:4], cam_conditions, class_names),
            f"flip_balance_gradcam_{before}_to_{after}.png",
        )
    return written


def _short(name: str) -> str:
    return name.split("/")[0]
