"""Cases of the exercises on (N, D) arrays: Affine, ReLU, Sigmoid, the softmax loss, BatchNorm."""

from __future__ import annotations

import numpy as np

from zeronn._checks import shape_text
from zeronn.exercises.expected import (
    Case,
    Mistake,
    Region,
    batch_factors,
    exact,
    numerical_expectations,
    off_kink,
    sentinels,
    upstream_scalar,
)
from zeronn.layers import Affine, BatchNorm, ReLU, Sigmoid
from zeronn.losses import SoftmaxCrossEntropy

ROWS = ("sample", "feature")


def _shape(array: np.ndarray) -> str:
    return shape_text(array.shape)


def affine(rng: np.random.Generator) -> list[Case]:
    n, d, m = 4, 5, 3
    x, W, b = rng.normal(size=(n, d)), rng.normal(size=(d, m)), rng.normal(size=m)
    dout = rng.normal(size=(n, m))
    layer = Affine(d, m, rng=0)
    layer.W.data[...], layer.b.data[...] = W, b
    x_ref = x.copy()
    expected = numerical_expectations(
        lambda: (layer.forward(x_ref),),
        {"y": ("sample", "output")},
        {
            "dx": (x_ref, ROWS),
            "dW": (layer.W.data, ("row", "column")),
            "db": (layer.b.data, ("entry",)),
        },
        (dout,),
    )
    init = {"W": W, "b": b}
    return [
        Case(
            f"x {_shape(x)}, W {_shape(W)}, b {_shape(b)}, random dout {_shape(dout)}",
            init,
            {},
            {"x": x},
            {"dout": dout},
            expected,
            batch=n,
            sentinels=sentinels(rng, init, ("W", "b")),
            factors=batch_factors(n),
        )
    ]


def relu(rng: np.random.Generator) -> list[Case]:
    x, dout = off_kink(rng, (4, 5)), rng.normal(size=(4, 5))
    layer, x_ref = ReLU(), x.copy()
    expected = numerical_expectations(
        lambda: (layer.forward(x_ref),), {"y": ROWS}, {"dx": (x_ref, ROWS)}, (dout,)
    )
    smooth = Case(
        f"x {_shape(x)} kept at least 0.1 away from 0, random dout",
        {},
        {},
        {"x": x},
        {"dout": dout},
        expected,
        batch=4,
        factors=batch_factors(4),
    )
    # the convention at the kink: zeronn's own backward says what the slope at 0 is
    x_kink = off_kink(rng, (3, 6))
    x_kink[rng.random(x_kink.shape) < 0.3] = 0.0
    x_kink[0, 0] = 0.0
    dout_kink = rng.normal(size=x_kink.shape)
    y = layer.forward(x_kink.copy())
    kink = Case(
        f"x {_shape(x_kink)} with {int(np.sum(x_kink == 0))} entries exactly 0, random dout",
        {},
        {},
        {"x": x_kink},
        {"dout": dout_kink},
        {"y": exact(y, ROWS), "dx": exact(layer.backward(dout_kink.copy()), ROWS)},
        batch=3,
        factors=batch_factors(3),
        regions={
            "dx": [
                Region(
                    x_kink == 0,
                    "wrong only where x is exactly 0, ReLU's kink: zeronn (like PyTorch) "
                    "takes the slope there as 0, the mask [x > 0]",
                )
            ]
        },
    )
    return [smooth, kink]


def sigmoid(rng: np.random.Generator) -> list[Case]:
    x, dout = rng.normal(scale=2.0, size=(3, 5)), rng.normal(size=(3, 5))
    layer, x_ref = Sigmoid(), x.copy()
    expected = numerical_expectations(
        lambda: (layer.forward(x_ref),), {"y": ROWS}, {"dx": (x_ref, ROWS)}, (dout,)
    )
    case = Case(
        f"x {_shape(x)}, random dout",
        {},
        {},
        {"x": x},
        {"dout": dout},
        expected,
        batch=3,
        factors=batch_factors(3),
    )
    y = expected["y"].value
    case.mistakes["dx"] = [
        Mistake(dout * y, "dx matches dout · y: the derivative of σ is y (1 − y)"),
        Mistake(dout * x * (1 - x), "dx matches dout · x (1 − x): use the output y, not x"),
    ]
    return [case]


def softmax_cross_entropy(rng: np.random.Generator) -> list[Case]:
    cases = []
    for n, k, offset in ((4, 3, 0.0), (3, 5, 1000.0)):
        logits = rng.normal(scale=2.0, size=(n, k))
        if offset:  # rows near +1000 and -1000: exp overflows to inf, or underflows to 0
            logits += offset * np.where(np.arange(n) % 2 == 0, 1.0, -1.0)[:, None]
        t = rng.integers(0, k, size=n)
        dout = upstream_scalar(rng)
        loss, logits_ref = SoftmaxCrossEntropy(), logits.copy()
        expected = numerical_expectations(
            lambda loss=loss, logits_ref=logits_ref, t=t: (loss.forward(logits_ref, t),),
            {"loss": ()},
            {"dlogits": (logits_ref, ("sample", "class"))},
            (dout,),
        )
        where = " near ±1000" if offset else ""
        cases.append(
            Case(
                f"logits {_shape(logits)}{where}, labels t ({n},), upstream dout {float(dout):.3g}",
                {},
                {},
                {"logits": logits, "t": t},
                {"dout": dout},
                expected,
                batch=n,
                factors=batch_factors(n) | {"dout": (float(dout), "the upstream gradient")},
                nonfinite_hint="exp overflows or underflows at logits this large: subtract "
                "each row's maximum from the logits first (softmax does not change), and "
                "compute log p as (z − max) − log Σ exp(z − max)",
            )
        )
    return cases


def batchnorm(rng: np.random.Generator) -> list[Case]:
    cases = []
    for n, d, eps in ((5, 3, 1e-5), (2, 4, 1e-3)):
        x = rng.normal(loc=2 * rng.normal(size=d), scale=rng.uniform(0.5, 3, size=d), size=(n, d))
        gamma, beta = rng.uniform(0.5, 2.0, size=d), rng.normal(size=d)
        dout = rng.normal(size=(n, d))
        layer = BatchNorm(d, eps=eps)
        layer.gamma.data[...], layer.beta.data[...] = gamma, beta
        x_ref = x.copy()
        expected = numerical_expectations(
            lambda layer=layer, x_ref=x_ref: (layer.forward(x_ref),),
            {"y": ROWS},
            {
                "dx": (x_ref, ROWS),
                "dgamma": (layer.gamma.data, ("feature",)),
                "dbeta": (layer.beta.data, ("feature",)),
            },
            (dout,),
        )
        init = {"gamma": gamma, "beta": beta}
        case = Case(
            f"x {_shape(x)}, gamma and beta ({d},), eps {eps:g}, random dout",
            init,
            {"eps": eps},
            {"x": x},
            {"dout": dout},
            expected,
            batch=n,
            sentinels=sentinels(rng, init, ("gamma", "beta")),
            factors=batch_factors(n),
        )
        case.mistakes = _batchnorm_mistakes(x, gamma, beta, eps, dout)
        cases.append(case)
    return cases


def _batchnorm_mistakes(x, gamma, beta, eps, dout) -> dict[str, list[Mistake]]:
    n = len(x)
    mean, var = x.mean(axis=0), x.var(axis=0)
    inv_std = 1 / np.sqrt(var + eps)
    x_hat = (x - mean) * inv_std
    dbeta, dgamma = dout.sum(axis=0), (dout * x_hat).sum(axis=0)
    scale = gamma * inv_std
    return {
        "y": [
            Mistake(
                gamma * (x - mean) / np.sqrt(var * n / (n - 1) + eps) + beta,
                "y matches a normalization by the unbiased variance (a sum divided by N − 1): "
                "BatchNorm divides by N",
            ),
            Mistake(
                gamma * (x - mean) / np.sqrt(var) + beta,
                "y matches a normalization without eps: divide by sqrt(σ² + eps)",
            ),
        ],
        "dx": [
            Mistake(
                scale * dout,
                "dx matches the gradient for a constant μ and σ²; in training mode both are "
                "computed from x, which adds the terms −(dβ + x̂ dγ) / N",
            ),
            Mistake(
                scale * (dout - x_hat * dgamma / n),
                "dx misses the term that comes through μ (−dβ / N)",
            ),
            Mistake(
                scale * (dout - dbeta / n),
                "dx misses the term that comes through σ² (−x̂ dγ / N)",
            ),
        ],
    }
