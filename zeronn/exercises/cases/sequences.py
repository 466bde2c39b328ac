"""Cases of the exercises on sequences: one LSTM step and multi-head self-attention."""

from __future__ import annotations

import math

import numpy as np

from zeronn.exercises.cases.dense import _shape
from zeronn.exercises.expected import (
    Case,
    Mistake,
    Region,
    batch_factors,
    numerical_expectations,
    sentinels,
)
from zeronn.layers import LSTM, MultiHeadAttention

GATES = ("i (input)", "f (forget)", "g (cell candidate)", "o (output)")


def _lstm(Wx, Wh, b) -> LSTM:
    """zeronn's LSTM holding these weights, run one step at a time from a state it is given."""
    layer = LSTM(Wx.shape[0], Wh.shape[0], stateful=True, rng=0)
    layer.Wx.data[...], layer.Wh.data[...], layer.b.data[...] = Wx, Wh, b
    return layer


def _step(layer: LSTM, x, h_prev, c_prev) -> tuple[np.ndarray, np.ndarray]:
    """One step of zeronn's LSTM: ``(h, c)`` (x, h_prev and c_prev are read, not changed)."""
    layer.state = (h_prev, c_prev)
    h = layer.forward(x[:, None, :])[:, 0]
    return h, layer.state[1]


def lstm_step(rng: np.random.Generator) -> list[Case]:
    n, d, hidden = 3, 4, 2
    Wx, Wh = rng.normal(scale=0.6, size=(d, 4 * hidden)), rng.normal(size=(hidden, 4 * hidden))
    b = rng.normal(scale=0.6, size=4 * hidden)
    x, h_prev, c_prev = (rng.normal(size=shape) for shape in ((n, d), (n, hidden), (n, hidden)))
    dh, dc = rng.normal(size=(n, hidden)), rng.normal(size=(n, hidden))
    layer = _lstm(Wx, Wh, b)
    arrays = {name: value.copy() for name, value in (("x", x), ("h", h_prev), ("c", c_prev))}
    units = ("sample", "unit")
    expected = numerical_expectations(
        lambda: _step(layer, arrays["x"], arrays["h"], arrays["c"]),
        {"h": units, "c": units},
        {
            "dx": (arrays["x"], ("sample", "feature")),
            "dh_prev": (arrays["h"], units),
            "dc_prev": (arrays["c"], units),
            "dWx": (layer.Wx.data, ("row", "column")),
            "dWh": (layer.Wh.data, ("row", "column")),
            "db": (layer.b.data, ("column",)),
        },
        (dh, dc),
    )
    # the gate blocks read as i, f, o, g (CS231n's order) instead of PyTorch's i, f, g, o
    swap = np.r_[0 : 2 * hidden, 3 * hidden : 4 * hidden, 2 * hidden : 3 * hidden]
    h_swapped, c_swapped = _step(_lstm(Wx[:, swap], Wh[:, swap], b[swap]), x, h_prev, c_prev)
    order = (
        "the gates read in the order i, f, o, g (CS231n's); zeronn, like PyTorch, orders the "
        "column blocks i, f, g, o"
    )
    blocks = []
    for k, gate in enumerate(GATES):
        columns = np.zeros(4 * hidden, dtype=bool)
        columns[k * hidden : (k + 1) * hidden] = True
        blocks.append((columns, f"wrong only in the columns of gate {gate}, block {k + 1} of 4"))
    regions = {
        "dWx": [Region(np.broadcast_to(mask, Wx.shape), hint) for mask, hint in blocks],
        "dWh": [Region(np.broadcast_to(mask, Wh.shape), hint) for mask, hint in blocks],
        "db": [Region(mask, hint) for mask, hint in blocks],
    }
    init = {"Wx": Wx, "Wh": Wh, "b": b}
    return [
        Case(
            f"x {_shape(x)}, h_prev and c_prev {_shape(h_prev)}, Wx {_shape(Wx)}, "
            f"Wh {_shape(Wh)}, b {_shape(b)}, random dh and dc",
            init,
            {},
            {"x": x, "h_prev": h_prev, "c_prev": c_prev},
            {"dh": dh, "dc": dc},
            expected,
            batch=n,
            sentinels=sentinels(rng, init, ("Wx", "Wh", "b")),
            factors=batch_factors(n),
            regions=regions,
            mistakes={
                "h": [Mistake(h_swapped, f"h matches {order}")],
                "c": [Mistake(c_swapped, f"c matches {order}")],
            },
        )
    ]


PARAMS = ("Wq", "Wk", "Wv", "Wo", "bq", "bk", "bv", "bo")


def _attention(values: dict, heads: int, causal: bool) -> MultiHeadAttention:
    E = values["Wq"].shape[0]
    layer = MultiHeadAttention(E, heads, causal, rng=0)
    for name in PARAMS:
        getattr(layer, name).data[...] = values[name]
    return layer


def attention(rng: np.random.Generator) -> list[Case]:
    cases = []
    for n, t, e, heads, causal in ((2, 3, 4, 2, False), (2, 5, 6, 3, True)):
        d = e // heads
        init = {name: rng.normal(scale=0.7, size=(e, e)) for name in PARAMS[:4]}
        init |= {name: rng.normal(scale=0.5, size=e) for name in PARAMS[4:]}
        x, dout = rng.normal(size=(n, t, e)), rng.normal(size=(n, t, e))
        layer, x_ref = _attention(init, heads, causal), x.copy()
        wrt = {"dx": (x_ref, ("sequence", "position", "feature"))}
        for name in PARAMS:
            axes = ("row", "column") if name.startswith("W") else ("entry",)
            wrt[f"d{name}"] = (getattr(layer, name).data, axes)
        expected = numerical_expectations(
            lambda layer=layer, x_ref=x_ref: (layer.forward(x_ref),),
            {"y": ("sequence", "position", "feature")},
            wrt,
            (dout,),
        )
        mistakes = []
        for factor, what in ((math.sqrt(d), "without the 1/√d"), (1 / math.sqrt(d), "by 1/d")):
            # scaling the queries by a factor scales every score by it
            scaled = init | {"Wq": init["Wq"] * factor, "bq": init["bq"] * factor}
            mistakes.append(
                Mistake(
                    _attention(scaled, heads, causal).forward(x.copy()),
                    f"y matches scores scaled {what}: S = Q Kᵀ / √d with d = E / heads = {d}",
                )
            )
        if causal:
            mistakes.append(
                Mistake(
                    _attention(init, heads, False).forward(x.copy()),
                    "y matches attention without the causal mask: with causal=True, "
                    "position t attends to positions s ≤ t only",
                )
            )
        cases.append(
            Case(
                f"x {_shape(x)}, {heads} heads of {d} features, causal={causal}, eight "
                f"weights and biases, random dout {_shape(dout)}",
                init,
                {"num_heads": heads, "causal": causal},
                {"x": x},
                {"dout": dout},
                expected,
                batch=n,
                sentinels=sentinels(rng, init, PARAMS),
                factors=batch_factors(n)
                | {"√d": (math.sqrt(d), "d = E / heads"), "d": (float(d), "features per head")},
                mistakes={"y": mistakes},
            )
        )
    return cases
