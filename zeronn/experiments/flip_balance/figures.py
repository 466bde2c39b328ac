"""The flip-balance figures: recall per condition, changed test images, Grad-CAM overlays.

"Changed" images follow the post's "wrong before, right after" grids, for the first seed's
models: test images the ``none`` model got wrong and ``flip-both`` got right, and the reverse
lesson, images ``none`` got right and ``flip-a`` got wrong. Every figure is a small PNG.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from zeronn._io import atomic_save_figure
from zeronn.layers import Conv2D

DPI = 100
# (before, after, was_wrong, title): the "changed" grids drawn when both conditions ran;
# was_wrong picks images wrong before and right after (else right before, wrong after).
CHANGES = (
    ("none", "flip-both", True, "wrong without augmentation, right with flipped copies of both"),
    ("none", "flip-a", False, "right without augmentation, wrong with flipped copies of A only"),
)


def recall_bars(summary: dict[str, dict[str, Any]], class_names: tuple[str, str]):
    """Grouped bars of per-class recall (mean, error bar ± std over seeds) per condition."""
    import matplotlib.pyplot as plt

    conditions = list(summary)
    positions = np.arange(len(conditions))
    width = 0.38
    figure, axes = plt.subplots(figsize=(7.5, 3.4), layout="constrained")
    for k, name in enumerate(class_names):
        means = [100 * summary[c]["recall"]["mean"][k] for c in conditions]
        stds = [100 * summary[c]["recall"]["std"][k] for c in conditions]
        bars = axes.bar(positions + (k - 0.5) * width, means, width, yerr=stds, capsize=3)
        bars.set_label(f"recall {name}")
        axes.bar_label(bars, fmt="%.1f", fontsize=7, padding=2, label_type="edge")
    accuracy = [100 * summary[c]["accuracy"]["mean"] for c in conditions]
    axes.scatter(positions, accuracy, marker="_", s=400, color="black", label="accuracy", zorder=3)
    axes.set_xticks(positions, conditions)
    low = min(min(accuracy), *(100 * min(summary[c]["recall"]["mean"]) for c in conditions))
    axes.set_ylim(max(0.0, low - 15), 100)
    axes.set_ylabel("% of test images (mean ± std over seeds)")
    seeds = len(next(iter(summary.values()))["seeds"])
    axes.set_title(f"Per-class recall by condition ({seeds} seeds)", fontsize=10)
    axes.legend(fontsize=8, loc="lower left")
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
):
    """Up to two rows of test images, each captioned with its label and both predictions."""
    import matplotlib.pyplot as plt

    shown = indices[: 2 * columns]
    rows = max(1, -(-len(shown) // columns))
    figure, axes = plt.subplots(rows, columns, figsize=(1.2 * columns, 1.5 * rows + 0.5))
    axes = np.atleast_2d(axes)
    before, after = conditions
    for ax in axes.flat:
        ax.axis("off")
    for ax, index in zip(axes.flat, shown, strict=False):
        ax.imshow(x[index, 0], cmap="gray_r", vmin=0, vmax=1)
        ax.set_title(
            f"is {_short(class_names[t[index]])}\n"
            f"{_short(class_names[predictions[before][index]])} → "
            f"{_short(class_names[predictions[after][index]])}",
            fontsize=7,
        )
    figure.suptitle(f"{title}\n({len(indices)} test images; first {len(shown)} shown)", fontsize=9)
    figure.tight_layout()
    return figure


def gradcam_grid(
    x: NDArray[np.floating],
    t: NDArray[np.integer],
    models: dict[str, Any],
    predictions: dict[str, NDArray[np.integer]],
    indices: NDArray[np.intp],
    conditions: tuple[str, ...],
    class_names: tuple[str, str],
):
    """Rows: images; columns: the image, then each condition's Grad-CAM for its prediction."""
    import matplotlib.pyplot as plt

    from zeronn.explain import grad_cam

    images = x[indices]
    columns = 1 + len(conditions)
    figure, axes = plt.subplots(
        len(indices), columns, figsize=(1.6 * columns, 1.6 * len(indices) + 0.4), squeeze=False
    )
    for row, index in enumerate(indices):
        axes[row, 0].imshow(images[row, 0], cmap="gray_r", vmin=0, vmax=1)
        axes[row, 0].set_title(f"is {_short(class_names[t[index]])}", fontsize=7)
    for column, condition in enumerate(conditions, start=1):
        model = models[condition]
        predicted = predictions[condition][indices]
        cams = grad_cam(model, images, predicted, last_conv_activation(model))
        for row in range(len(indices)):
            ax = axes[row, column]
            ax.imshow(images[row, 0], cmap="gray", vmin=0, vmax=1)
            ax.imshow(cams[row], cmap="jet", alpha=0.45, vmin=0, vmax=1)
            # an all-zero map means no channel gave positive evidence for that class
            blank = "\n(map all zero)" if cams[row].max() == 0 else ""
            ax.set_title(f"{condition}: {_short(class_names[predicted[row]])}{blank}", fontsize=7)
    for ax in axes.flat:
        ax.axis("off")
    figure.suptitle("Grad-CAM of each model's predicted class (last conv layer)", fontsize=9)
    figure.tight_layout()
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
    import matplotlib.pyplot as plt

    class_names = tuple(results["class_names"])
    x, t = first_seed["x_test"], first_seed["t_test"]
    predictions, models = first_seed["predictions"], first_seed["models"]
    written = []

    def save(figure, name: str) -> None:
        written.append(atomic_save_figure(figure, out / name, dpi=DPI))
        plt.close(figure)

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
