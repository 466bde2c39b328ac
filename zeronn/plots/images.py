"""Image grids: plain images, first-layer filters, and Grad-CAM maps over their images.

Images may be (N, H, W), (N, 1, H, W), (N, 3, H, W) or flattened (N, D) with ``image_shape``.
Gray images are shown each from its own min to max. Color (RGB) images are shown as they are
when their values lie in [0, 1] (what :func:`zeronn.data.load_image_folder` gives); a color
image with values outside [0, 1] (e.g. standardized) is rescaled to its own [min, max] first,
since matplotlib would clip it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from numpy.typing import NDArray

from zeronn._checks import positive_int, shape_text
from zeronn.plots._figure import PathLike, finish, new_figure


def _as_images(images: object, image_shape: tuple[int, int] | None, owner: str) -> NDArray:
    """Images as (N, H, W) for gray or (N, H, W, 3) for color, ready for imshow."""
    if not isinstance(images, np.ndarray):
        raise TypeError(f"{owner} expected images as a numpy array, got {type(images).__name__}")
    if images.ndim == 2:
        if image_shape is None:
            side = math.isqrt(images.shape[1])
            if side * side != images.shape[1]:
                raise ValueError(
                    f"{owner} got flattened images {shape_text(images.shape)} that are not "
                    "square; pass image_shape=(H, W)"
                )
            image_shape = (side, side)
        if image_shape[0] * image_shape[1] != images.shape[1]:
            raise ValueError(
                f"{owner} expected image_shape with {images.shape[1]} pixels, got {image_shape}"
            )
        return images.reshape(len(images), *image_shape)
    if images.ndim == 3:
        return images
    if images.ndim == 4 and images.shape[1] == 1:
        return images[:, 0]
    if images.ndim == 4 and images.shape[1] == 3:
        return _displayable_color(images.transpose(0, 2, 3, 1))
    raise ValueError(
        f"{owner} expected images (N, H, W), (N, 1, H, W), (N, 3, H, W) or flattened (N, D), "
        f"got {shape_text(images.shape)}"
    )


def _displayable_color(pictures: NDArray) -> NDArray:
    """RGB pictures (N, H, W, 3) for imshow: images outside [0, 1] scaled to their own range."""
    if pictures.dtype == np.uint8:
        return pictures
    low = pictures.min(axis=(1, 2, 3), keepdims=True)
    high = pictures.max(axis=(1, 2, 3), keepdims=True)
    outside = (low < 0) | (high > 1)
    if not outside.any():
        return pictures
    span = high - low
    scaled = np.divide(
        pictures - low, span, out=np.zeros(pictures.shape, dtype=np.float64), where=span > 0
    )
    return np.where(outside, scaled, pictures)


def _grid_shape(n: int, ncols: int, owner: str) -> tuple[int, int]:
    """``(rows, columns)`` of a grid holding ``n`` images, at most ``ncols`` per row."""
    if n == 0:
        raise ValueError(f"{owner} expected at least one image, got 0")
    ncols = min(positive_int(ncols, "ncols", owner), n)
    return math.ceil(n / ncols), ncols


def _check_counts(owner: str, **labels: tuple[Sequence | None, int]) -> None:
    """Each given sequence of labels, ``name=(labels or None, expected length)``, fits the grid."""
    for name, (values, expected) in labels.items():
        if values is not None and len(values) != expected:
            raise ValueError(f"{owner} expected {expected} {name}, got {len(values)}")


def image_grid(
    images: NDArray,
    *,
    titles: Sequence[str] | None = None,
    ncols: int = 8,
    image_shape: tuple[int, int] | None = None,
    row_labels: Sequence[str] | None = None,
    title_colors: Sequence[str] | None = None,
    cmap: str = "gray",
    path: PathLike | None = None,
    show: bool | None = None,
) -> Figure:
    """Show images in a grid of ``ncols`` columns, filled row by row.

    ``titles``: one per image; ``row_labels``: one per row, written left of the row (e.g.
    "original", "augmented" when rows hold an image and its augmented versions).
    Gray images share no color scale: each is shown from its own min to max.
    ``path`` and ``show``: see :mod:`zeronn.plots`.
    """
    pictures = _as_images(images, image_shape, "image_grid")
    figure, cells = _image_cells(
        "image_grid",
        len(pictures),
        ncols,
        titles,
        title_colors,
        row_labels,
        path,
        show,
        cell=(1.4, 1.5),
        frame=True,
    )
    for picture, axes in zip(pictures, cells, strict=True):
        axes.imshow(picture, cmap=cmap if pictures.ndim == 3 else None)
    return finish(figure, path)


def plot_filters(
    W: NDArray, *, ncols: int = 8, path: PathLike | None = None, show: bool | None = None
) -> Figure:
    """First-layer convolution filters W (F, C, kh, kw) as small gray (C=1) or color (C=3)
    images, each scaled to its own range (dark: negative weights, light: positive).
    ``path`` and ``show``: see :mod:`zeronn.plots`.
    """
    W = np.asarray(W)
    if W.ndim != 4 or W.shape[1] not in (1, 3):
        raise ValueError(
            f"plot_filters expected first-layer filters (F, 1 or 3, kh, kw), got "
            f"{shape_text(W.shape)}"
        )
    if W.shape[1] == 3:
        low = W.min(axis=(1, 2, 3), keepdims=True)
        span = W.max(axis=(1, 2, 3), keepdims=True) - low
        W = np.divide(W - low, span, out=np.zeros_like(W, dtype=np.float64), where=span > 0)
    titles = [str(f) for f in range(len(W))]
    return image_grid(W, titles=titles, ncols=ncols, path=path, show=show)


def gradcam_overlay(
    images: NDArray,
    cams: NDArray,
    *,
    titles: Sequence[str] | None = None,
    title_colors: Sequence[str] | None = None,
    alpha: float = 0.5,
    ncols: int = 8,
    image_shape: tuple[int, int] | None = None,
    row_labels: Sequence[str] | None = None,
    path: PathLike | None = None,
    show: bool | None = None,
) -> Figure:
    """Grad-CAM maps (N, H, W) in [0, 1] drawn in the "jet" colors over the images (gray or
    RGB), with ``alpha`` the map's opacity; ``titles`` and ``title_colors``: one per image;
    ``row_labels``: one per row of ``ncols`` images, written left of the row (e.g. "first 8
    test digits", "first 8 mistakes"). ``path`` and ``show``: see :mod:`zeronn.plots`."""
    pictures = _as_images(images, image_shape, "gradcam_overlay")
    cams = np.asarray(cams)
    if cams.shape != pictures.shape[:3]:
        raise ValueError(
            f"gradcam_overlay expected cams {shape_text(pictures.shape[:3])} matching the "
            f"images, got {shape_text(cams.shape)}"
        )
    if not 0 <= alpha <= 1:
        raise ValueError(f"gradcam_overlay expected 0 <= alpha <= 1, got {alpha!r}")
    figure, cells = _image_cells(
        "gradcam_overlay",
        len(pictures),
        ncols,
        titles,
        title_colors,
        row_labels,
        path,
        show,
        cell=(1.6, 1.7),
        frame=False,
    )
    for picture, cam, axes in zip(pictures, cams, cells, strict=True):
        axes.imshow(picture, cmap="gray" if pictures.ndim == 3 else None)
        axes.imshow(cam, cmap="jet", alpha=alpha, vmin=0, vmax=1)
    return finish(figure, path)


def _image_cells(
    owner: str,
    n: int,
    ncols: int,
    titles: Sequence[str] | None,
    title_colors: Sequence[str] | None,
    row_labels: Sequence[str] | None,
    path: PathLike | None,
    show: bool | None,
    *,
    cell: tuple[float, float],
    frame: bool,
) -> tuple[Figure, list[Axes]]:
    """A figure of ``n`` image cells, ``ncols`` wide (``cell``: inches per cell), and the axes
    of each cell in order: ticks off, titled, the rows labelled; the cells past ``n`` blank.
    Without ``frame`` the axes stay on, unframed: their y label is a row's label."""
    nrows, ncols = _grid_shape(n, ncols, owner)
    _check_counts(
        owner,
        titles=(titles, n),
        title_colors=(title_colors, n),
        row_labels=(row_labels, nrows),
    )
    width, height = cell
    figure = new_figure(
        path,
        show,
        owner,
        figsize=(width * ncols + (0.8 if row_labels else 0), height * nrows),
        layout="constrained",
    )
    grid = figure.subplots(nrows, ncols, squeeze=False)
    for index, axes in enumerate(grid.flat):
        axes.set_xticks([])
        axes.set_yticks([])
        if not frame:
            axes.spines[:].set_visible(False)
        if index >= n:
            axes.set_axis_off()
        elif titles is not None:
            style = {} if title_colors is None else {"color": title_colors[index]}
            axes.set_title(titles[index], fontsize="small", **style)
    if row_labels is not None:
        for row, label in enumerate(row_labels):
            grid[row, 0].set_ylabel(label, fontsize="small")
    return figure, list(grid.flat)[:n]
