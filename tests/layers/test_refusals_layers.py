"""Property: a refused layer call changes nothing, and the next good call is unchanged.

For each built-in layer family (and the containers), a layer and its twin go through the same
good forward and backward passes; then the layer alone gets one call it must refuse (input of
the wrong kind, dtype or shape, an upstream gradient that does not fit, a mode that is not a
bool, a batch its carried state cannot continue). Its whole state (parameters, gradients,
buffers, carried state, generators, modes, nested ones too) must equal a Snapshot taken just
before, and the next good backward and forward must give, bit for bit, the twin's results.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from twins import assert_same_arrays, plain_state

from zeronn.layers import (
    GRU,
    LSTM,
    RNN,
    Affine,
    BatchNorm,
    Conv2D,
    Dropout,
    Embedding,
    Flatten,
    LayerNorm,
    Linear,
    MaxPool2D,
    MultiHeadAttention,
    PositionEmbedding,
    ReLU,
    Residual,
    Sigmoid,
    SimpleConv2D,
    Tanh,
)
from zeronn.model import Sequential
from zeronn.state import Snapshot


def floats(*shape):
    return lambda rng: rng.normal(size=shape)


# family -> (build(seed), good input(rng), inputs it refuses(rng))
FAMILIES = {
    "affine": (
        lambda s: Affine(4, 3, rng=s),
        floats(2, 4),
        lambda r: [r.normal(size=(2, 5)), r.normal(size=4)],
    ),
    "linear": (
        lambda s: Linear(4, 3, rng=s),
        floats(2, 5, 4),
        lambda r: [r.normal(size=(2, 5, 3)), r.normal(size=4)],
    ),
    "relu": (lambda s: ReLU(), floats(2, 4), lambda r: []),
    "sigmoid": (lambda s: Sigmoid(), floats(2, 4), lambda r: []),
    "tanh": (lambda s: Tanh(), floats(2, 4), lambda r: []),
    "conv": (
        lambda s: Conv2D(2, 3, 3, pad=1, rng=s),
        floats(2, 2, 5, 5),
        lambda r: [r.normal(size=(2, 3, 5, 5)), r.normal(size=(2, 5, 5))],
    ),
    "simple conv": (
        lambda s: SimpleConv2D(2, 3, 3, stride=2, rng=s),
        floats(2, 2, 5, 5),
        lambda r: [r.normal(size=(2, 3, 5, 5))],
    ),
    "pool": (lambda s: MaxPool2D(2), floats(2, 2, 4, 4), lambda r: [r.normal(size=(2, 4, 4))]),
    "flatten": (lambda s: Flatten(), floats(2, 3, 2), lambda r: [r.normal(size=3)]),
    "dropout": (lambda s: Dropout(0.5, rng=s), floats(3, 4), lambda r: []),
    "batchnorm": (
        lambda s: BatchNorm(4),
        floats(3, 4),
        lambda r: [r.normal(size=(3, 5)), r.normal(size=(3, 4, 2))],
    ),
    "batchnorm conv": (
        lambda s: BatchNorm(2),
        floats(2, 2, 3, 3),
        lambda r: [r.normal(size=(2, 3, 3, 3))],
    ),
    "rnn": (
        lambda s: RNN(3, 4, stateful=True, rng=s),
        floats(2, 5, 3),
        lambda r: [r.normal(size=(3, 5, 3)), r.normal(size=(2, 5, 2))],
    ),
    "lstm": (
        lambda s: LSTM(3, 4, stateful=True, rng=s),
        floats(2, 5, 3),
        lambda r: [r.normal(size=(3, 5, 3)), r.normal(size=(2, 0, 3))],
    ),
    "gru": (
        lambda s: GRU(3, 4, return_sequences=False, stateful=True, rng=s),
        floats(2, 5, 3),
        lambda r: [r.normal(size=(1, 5, 3)), r.normal(size=(2, 5))],
    ),
    "embedding": (
        lambda s: Embedding(6, 3, rng=s),
        lambda r: r.integers(0, 6, size=(2, 5)),
        lambda r: [r.normal(size=(2, 5)), np.array([[0, 6]]), np.array([[-1, 2]])],
    ),
    "layernorm": (
        lambda s: LayerNorm(4),
        floats(2, 3, 4),
        lambda r: [r.normal(size=(2, 3, 5))],
    ),
    "attention": (
        lambda s: MultiHeadAttention(4, 2, causal=True, rng=s),
        floats(2, 3, 4),
        lambda r: [r.normal(size=(2, 3, 6)), r.normal(size=(2, 4))],
    ),
    "position": (
        lambda s: PositionEmbedding(5, 4, rng=s),
        floats(2, 3, 4),
        lambda r: [r.normal(size=(2, 6, 4))],
    ),
    # the branch keeps (N, 4) but flattens (N, 2, 2) to (N, 4): refused after Dropout drew
    "residual": (
        lambda s: Residual(Dropout(0.5, rng=s), Flatten(), Linear(4, 4, rng=s)),
        floats(3, 4),
        lambda r: [r.normal(size=(3, 2, 2)), r.normal(size=(3, 5))],
    ),
    # BatchNorm refuses (N, 4, 2) after Dropout drew: the forward puts the generator back
    "sequential": (
        lambda s: Sequential([Dropout(0.5, rng=s), Tanh(), BatchNorm(4), Affine(4, 3, rng=s + 1)]),
        floats(3, 4),
        lambda r: [r.normal(size=(3, 4, 2)), r.normal(size=(3, 5))],
    ),
}


def waits_for_forward(layer) -> bool:
    """Whether a container's forward raised after some of its layers ran."""
    if isinstance(layer, Sequential):
        return layer._stale
    return isinstance(layer, Residual) and layer._input_shape is None


def refused_calls(family, layer, x, y, rng):
    """``(what, call)`` for calls ``layer`` must refuse, after a good forward of ``x`` gave
    ``y``; ``what`` is "forward", "backward" or "mode"."""
    _, _, bad_inputs = FAMILIES[family]
    takes_ids = family == "embedding"
    calls = [
        ("forward", lambda: layer.forward(x.tolist())),
        ("forward", lambda: layer.forward(x.astype(np.float16 if takes_ids else np.int64))),
        ("mode", lambda: layer.train("yes")),
        ("backward", lambda: layer.backward(np.zeros((*y.shape, 2)))),
        ("backward", lambda: layer.backward(np.zeros(y.shape, dtype=np.float32))),
        ("backward", lambda: layer.backward(y.tolist())),
    ]
    calls += [("forward", lambda bad=bad: layer.forward(bad)) for bad in bad_inputs(rng)]
    if family in ("batchnorm", "sequential") and layer.training:
        one_sample = rng.normal(size=(1, 4))  # one value per feature: no batch statistics
        calls.append(("forward", lambda: layer.forward(one_sample)))
    return calls


def good_step(layer, x, dout):
    y = layer.forward(x)
    return y, layer.backward(dout)


@pytest.mark.parametrize("family", sorted(FAMILIES))
@settings(max_examples=12, deadline=None, database=None)
@given(data=st.data(), seed=st.integers(0, 2**16), steps_before=st.integers(0, 2))
def test_a_refused_call_changes_nothing_and_the_next_call_is_unchanged(
    family, data, seed, steps_before
):
    build, good_input, _ = FAMILIES[family]
    layer, twin = build(seed), build(seed)
    training = data.draw(st.booleans(), label="training")
    layer.train(training)
    twin.train(training)
    rng = np.random.default_rng(seed)
    for _ in range(steps_before):
        x = good_input(rng)
        dout = rng.normal(size=layer.forward(x).shape)
        twin.forward(x)
        layer.backward(dout)
        twin.backward(dout)
    x = good_input(rng)
    y = layer.forward(x)
    twin.forward(x)
    calls = refused_calls(family, layer, x, y, rng)
    what, refused = calls[data.draw(st.integers(0, len(calls) - 1), label="call")]

    before = Snapshot(layer)
    with pytest.raises((ValueError, TypeError)):
        refused()
    assert before.changes() == []

    dout = rng.normal(size=y.shape)
    if what == "forward" and waits_for_forward(layer):
        # A container whose layers cached the refused input's values: backward waits for the
        # next good forward rather than mixing two inputs' caches.
        with pytest.raises(RuntimeError, match=r"after a forward that raised|before forward"):
            layer.backward(dout)
        twin.backward(dout)
    else:
        assert_same_arrays(layer.backward(dout), twin.backward(dout))
    x = good_input(rng)
    y = layer.forward(x)
    dout = rng.normal(size=y.shape)
    assert_same_arrays(y, twin.forward(x))
    assert_same_arrays(layer.backward(dout), twin.backward(dout))
    assert plain_state(layer) == plain_state(twin)


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_backward_before_forward_is_refused_and_changes_nothing(family):
    build, good_input, _ = FAMILIES[family]
    layer = build(0)
    y = build(0).forward(good_input(np.random.default_rng(0)))
    before = Snapshot(layer)
    with pytest.raises(RuntimeError, match="backward called before forward"):
        layer.backward(np.zeros_like(y))
    assert before.changes() == []
