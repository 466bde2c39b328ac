"""Grad-CAM: where in the image a convnet found evidence for a class (Selvaraju et al. 2017).

For the feature maps A (N, C, h, w) of a chosen convolutional layer and the class score y_c
(the network's output before softmax)::

    α_k  = (1 / hw) Σ_ij ∂y_c / ∂A_kij       one weight per channel: the mean gradient
    cam  = ReLU(Σ_k α_k A_k)                  (h, w): positive evidence only

``cam`` is upsampled bilinearly to the input's (H, W) and divided by its maximum, so each map
lies in [0, 1]; a map with no positive evidence stays all zero. The gradient comes from the
layers' own ``backward``, started from a one-hot ``dy_c`` on the scores. Color images
(N, 3, H, W) work as gray ones do: the map is one (H, W) plane per image either way.

Draw the maps with :func:`zeronn.plots.plot_gradcam` (titled with the predicted and true class
names) or :func:`zeronn.plots.gradcam_overlay`.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy import ndimage

from zeronn._checks import floating_array, shape_text
from zeronn.layers import Conv2D
from zeronn.layers.base import Layer
from zeronn.model import Sequential
from zeronn.state import Snapshot


def grad_cam(
    model: Sequential,
    x: NDArray[np.floating],
    class_index: int | NDArray[np.integer],
    layer: int | Layer | None = None,
) -> NDArray[np.floating]:
    """Grad-CAM heat maps (N, H, W) in [0, 1] for images ``x`` (N, C, H, W).

    ``model``: a Sequential convnet whose last layer outputs class scores (N, K).
    ``class_index``: one class for all images, or one per image (N,).
    ``layer``: the index of the layer, or the layer itself, whose output feature maps
    (N, C', h, w) are explained; by default :func:`last_conv_layer`, the layer after the
    last convolution (its activation), as in the paper.
    Runs in eval mode and leaves the model's modes (nested ones too) and state as it found
    them (:class:`zeronn.state.Snapshot`); it overwrites the parameters' ``grad``.
    """
    x = floating_array(x, "grad_cam", what="images")
    if x.ndim != 4 or len(x) == 0:
        raise ValueError(
            f"grad_cam expected images (N, C, H, W) with N >= 1, got {shape_text(x.shape)}"
        )
    layers = list(model)
    split = _layer_position(layers, last_conv_layer(model) if layer is None else layer)

    before = Snapshot(model, parameters=False)
    model.eval()
    try:
        features = x.astype(model.dtype or x.dtype, copy=False)
        for part in layers[: split + 1]:
            features = part.forward(features)
        if features.ndim != 4:
            raise ValueError(
                f"grad_cam expected layer {split} ({type(layers[split]).__name__}) to output "
                f"feature maps (N, C, h, w), got {shape_text(features.shape)}"
            )
        scores = features
        for part in layers[split + 1 :]:
            scores = part.forward(scores)
        classes = _class_indices(class_index, len(x), scores.shape)
        dscores = np.zeros_like(scores)
        dscores[np.arange(len(x)), classes] = 1
        dfeatures = dscores
        for part in reversed(layers[split + 1 :]):
            dfeatures = part.backward(dfeatures)
    finally:
        before.restore()

    alpha = dfeatures.mean(axis=(2, 3))  # (N, C)
    cam = np.maximum(np.einsum("nc,nchw->nhw", alpha, features), 0)
    return _normalized(_upsample(cam, x.shape[2:]))


def last_conv_layer(model: Sequential) -> int:
    """Index of the layer right after the model's last Conv2D (its activation, e.g. ReLU)."""
    layers = list(model)
    positions = [index for index, layer in enumerate(layers) if isinstance(layer, Conv2D)]
    if not positions:
        raise ValueError(f"grad_cam expected a model with a Conv2D layer, got {model!r}")
    return positions[-1] + 1


def _layer_position(layers: list[Layer], layer: int | Layer) -> int:
    if isinstance(layer, Layer):
        for index, candidate in enumerate(layers):
            if candidate is layer:
                return index
        raise ValueError(f"grad_cam expected a layer of the model, got {layer!r} (not in it)")
    if isinstance(layer, int | np.integer) and not isinstance(layer, bool):
        position = int(layer) + len(layers) if layer < 0 else int(layer)
        # The class score must lie downstream, so the last layer cannot be explained.
        if not 0 <= position < len(layers) - 1:
            raise ValueError(
                f"grad_cam expected a layer index in [0, {len(layers) - 2}] (a layer with "
                f"another after it) for a model of {len(layers)} layers, got {layer}"
            )
        return position
    raise TypeError(f"grad_cam expected layer as an int index or a Layer, got {layer!r}")


def _class_indices(class_index: object, n: int, scores_shape: tuple[int, ...]) -> NDArray[np.intp]:
    if len(scores_shape) != 2:
        raise ValueError(
            "grad_cam expected the model to output class scores (N, K), "
            f"got {shape_text(scores_shape)}"
        )
    classes = np.asarray(class_index)
    if classes.ndim == 0:
        classes = np.full(n, classes)
    if not np.issubdtype(classes.dtype, np.integer) or classes.shape != (n,):
        raise ValueError(
            f"grad_cam expected class_index as an int or {n} ints (N,), got {class_index!r}"
        )
    if classes.min() < 0 or classes.max() >= scores_shape[1]:
        raise ValueError(
            f"grad_cam expected class indices in [0, {scores_shape[1]}), got {class_index!r}"
        )
    return classes.astype(np.intp)


def _upsample(cam: NDArray[np.floating], size: tuple[int, int]) -> NDArray[np.floating]:
    """Bilinear resize of maps (N, h, w) to (N, H, W) (an order-1 spline)."""
    h, w = cam.shape[1:]
    if (h, w) == size:
        return cam
    factors = (1, size[0] / h, size[1] / w)
    # grid_mode treats pixels as areas: map cell i covers input pixels [i·H/h, (i+1)·H/h),
    # which is how a stride-s pooling or convolution saw them.
    return ndimage.zoom(cam, factors, order=1, mode="nearest", grid_mode=True)


def _normalized(cam: NDArray[np.floating]) -> NDArray[np.floating]:
    peak = cam.max(axis=(1, 2), keepdims=True)
    out = np.zeros_like(cam)
    np.divide(cam, peak, out=out, where=peak > 0)
    return np.clip(out, 0, 1, out=out)
