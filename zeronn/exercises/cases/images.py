"""Cases of the exercises on (N, C, H, W) images: Conv2D and MaxPool2D via im2col."""

from __future__ import annotations

import numpy as np

from zeronn.exercises.cases.dense import _shape
from zeronn.exercises.expected import (
    Case,
    Mistake,
    Region,
    batch_factors,
    exact,
    numerical_expectations,
    sentinels,
    spaced,
)
from zeronn.layers import Conv2D, MaxPool2D

IMAGES = ("image", "channel", "row", "column")


def conv2d(rng: np.random.Generator) -> list[Case]:
    cases = []
    # (N, C, H, W), (F, kh, kw), stride, pad: non-square images and kernels, then stride 2
    for (n, c, h, w), (f, kh, kw), stride, pad in (
        ((2, 3, 5, 6), (4, 3, 2), 1, 0),
        ((2, 2, 6, 7), (3, 2, 3), 2, 1),
    ):
        x, W = rng.normal(size=(n, c, h, w)), rng.normal(scale=0.5, size=(f, c, kh, kw))
        b = rng.normal(size=f)
        layer = Conv2D(c, f, (kh, kw), stride, pad, rng=0)
        layer.W.data[...], layer.b.data[...] = W, b
        x_ref = x.copy()
        y = layer.forward(x_ref)
        dout = rng.normal(size=y.shape)
        expected = numerical_expectations(
            lambda layer=layer, x_ref=x_ref: (layer.forward(x_ref),),
            {"y": ("image", "filter", "row", "column")},
            {
                "dx": (x_ref, IMAGES),
                "dW": (layer.W.data, ("filter", "channel", "row", "column")),
                "db": (layer.b.data, ("filter",)),
            },
            (dout,),
        )
        flipped = Conv2D(c, f, (kh, kw), stride, pad, rng=0)
        flipped.W.data[...], flipped.b.data[...] = W[:, :, ::-1, ::-1], b
        init = {"W": W, "b": b}
        cases.append(
            Case(
                f"x {_shape(x)}, W {_shape(W)}, b {_shape(b)}, stride {stride}, pad {pad}, "
                f"random dout {_shape(dout)}",
                init,
                {"stride": stride, "pad": pad},
                {"x": x},
                {"dout": dout},
                expected,
                batch=n,
                sentinels=sentinels(rng, init, ("W", "b")),
                factors=batch_factors(n),
                mistakes={
                    "y": [
                        Mistake(
                            flipped.forward(x.copy()),
                            "y matches a convolution with the kernel flipped; Conv2D, like "
                            "PyTorch's, is a cross-correlation: the kernel is not flipped",
                        )
                    ]
                },
            )
        )
    return cases


def maxpool2d(rng: np.random.Generator) -> list[Case]:
    cases = []
    for (n, c, h, w), pool, stride in (((2, 3, 4, 6), 2, 2), ((2, 2, 5, 7), 3, 2)):
        x = spaced(rng, (n, c, h, w))
        layer, x_ref = MaxPool2D(pool, stride), x.copy()
        y = layer.forward(x_ref)
        dout = rng.normal(size=y.shape)
        expected = numerical_expectations(
            lambda layer=layer, x_ref=x_ref: (layer.forward(x_ref),),
            {"y": IMAGES},
            {"dx": (x_ref, IMAGES)},
            (dout,),
        )
        case = Case(
            f"x {_shape(x)} without ties, pool {pool}, stride {stride}, random dout",
            {},
            {"pool_size": pool, "stride": stride},
            {"x": x},
            {"dout": dout},
            expected,
            batch=n,
            factors=batch_factors(n),
        )
        if stride < pool:
            covered = _window_count(x.shape, pool, stride)
            case.regions["dx"] = [
                Region(
                    covered > 1,
                    "wrong only where windows overlap: an entry that is the maximum of "
                    "several windows gets the sum of their gradients (add, do not assign)",
                )
            ]
        cases.append(case)
    cases.append(_maxpool_ties(rng))
    return cases


def _maxpool_ties(rng: np.random.Generator) -> Case:
    """Images with tied maxima: windows of zeros (as after a ReLU) and repeated maxima."""
    n, c, h, w, pool = 2, 2, 4, 6, 2
    x = spaced(rng, (n, c, h, w))
    windows = x.reshape(n, c, h // pool, pool, w // pool, pool)  # a view of x
    tied = np.zeros(windows.shape, dtype=bool)
    for k, (i, j) in enumerate(((0, 0), (1, 2), (0, 1), (1, 1))):
        image, channel = k % n, k // n % c
        window = windows[image, channel, i, :, j, :]
        if k % 2 == 0:
            window[...] = 0.0  # all four tie
        else:
            window[1, 1] = window[0, 0] = window.max() + 0.5  # two tie
        tied[image, channel, i, :, j, :] = True
    layer = MaxPool2D(pool)
    y = layer.forward(x.copy())
    dout = rng.normal(size=y.shape)
    return Case(
        f"x {_shape(x)} with {int(tied.sum()) // pool**2} windows of tied maxima, pool 2, "
        "random dout",
        {},
        {"pool_size": pool, "stride": pool},
        {"x": x},
        {"dout": dout},
        {"y": exact(y, IMAGES), "dx": exact(layer.backward(dout.copy()), IMAGES)},
        batch=n,
        factors=batch_factors(n),
        regions={
            "dx": [
                Region(
                    tied.reshape(x.shape),
                    "wrong only in windows whose maximum is tied: all of such a window's "
                    "dout goes to its first maximum in row-major order (what np.argmax picks)",
                )
            ]
        },
    )


def _window_count(shape: tuple[int, ...], pool: int, stride: int) -> np.ndarray:
    """How many windows cover each entry of an image of ``shape``."""
    count = np.zeros(shape[2:], dtype=int)
    for i in range(0, shape[2] - pool + 1, stride):
        for j in range(0, shape[3] - pool + 1, stride):
            count[i : i + pool, j : j + pool] += 1
    return np.broadcast_to(count, shape)
