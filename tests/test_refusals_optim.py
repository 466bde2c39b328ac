"""Property: a refused optimizer call changes nothing, and the next good step is unchanged.

For every optimizer, after a few good steps, one refused call (a NaN or inf gradient, a
gradient of the wrong shape or kind, a bad hyperparameter assignment) must leave parameters,
gradients, moments, counters and hyperparameters as a Snapshot saw them; then a good step must
give, bit for bit, what a twin that never saw the refused call gives.
"""

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from twins import plain_state

from zeronn.hyperparameter import Hyperparameter
from zeronn.optim import SGD, AdaGrad, Adam, Momentum, Nesterov, RMSprop
from zeronn.parameter import Parameter
from zeronn.state import Snapshot

ALL = [SGD, Momentum, Nesterov, AdaGrad, RMSprop, Adam]
SHAPES = [(3, 2), (4,)]
BAD_VALUES = ["0.1", None, True, math.nan, math.inf, -1.0, 0.0, 1.0, 1.5, 1e-50, 1e39, 1 - 1e-9]


def hyperparameters(cls) -> list[str]:
    return sorted(
        {n for c in cls.__mro__ for n, a in vars(c).items() if isinstance(a, Hyperparameter)}
    )


def build(cls, dtype, seed):
    rng = np.random.default_rng(seed)
    params = [Parameter(rng.standard_normal(shape).astype(dtype)) for shape in SHAPES]
    return cls(params, lr=0.01, weight_decay=0.1), params


def set_gradients(params, seed):
    rng = np.random.default_rng(seed)
    for param in params:
        param.grad[...] = rng.standard_normal(param.shape)


def refuses(cls, dtype, name, value) -> bool:
    """Whether assigning ``value`` to ``name`` is refused (tried on a throwaway optimizer)."""
    optimizer, _ = build(cls, dtype, 0)
    try:
        setattr(optimizer, name, value)
    except (ValueError, TypeError):
        return True
    return False


@st.composite
def refusals(draw, cls, dtype):
    """``(kind, details)`` of one call the optimizer must refuse."""
    kind = draw(st.sampled_from(["value", "shape", "kind", "hyperparameter"]))
    index = draw(st.integers(0, len(SHAPES) - 1))
    if kind == "value":
        position = draw(st.integers(0, math.prod(SHAPES[index]) - 1))
        return kind, (index, position, draw(st.sampled_from([np.nan, np.inf, -np.inf])))
    if kind == "hyperparameter":
        name = draw(st.sampled_from(hyperparameters(cls)))
        value = draw(st.sampled_from(BAD_VALUES))
        assume(refuses(cls, dtype, name, value))
        return kind, (name, value)
    return kind, (index,)


@settings(max_examples=60, deadline=None, database=None)
@given(
    data=st.data(),
    cls=st.sampled_from(ALL),
    dtype=st.sampled_from([np.float32, np.float64]),
    seed=st.integers(0, 2**16),
    steps_before=st.integers(0, 3),
)
def test_a_refused_call_changes_nothing_and_the_next_step_is_unchanged(
    data, cls, dtype, seed, steps_before
):
    optimizer, params = build(cls, dtype, seed)
    twin, twin_params = build(cls, dtype, seed)
    for step in range(steps_before):
        for group, opt in ((params, optimizer), (twin_params, twin)):
            set_gradients(group, seed + step)
            opt.step()
    kind, details = data.draw(refusals(cls, dtype))
    set_gradients(params, seed + 100)
    if kind == "value":
        index, position, value = details
        params[index].grad.reshape(-1)[position] = value
    elif kind == "shape":
        params[details[0]].grad = np.zeros(7, dtype=dtype)
    elif kind == "kind":
        params[details[0]].grad = np.zeros(SHAPES[details[0]], dtype=np.int64)
    refused = optimizer.step
    if kind == "hyperparameter":
        refused = lambda: setattr(optimizer, *details)  # noqa: E731
    before = Snapshot(optimizer)
    with pytest.raises((ValueError, TypeError)):
        refused()
    assert before.changes() == []

    for param in params:  # good gradients again, for both
        param.grad = np.zeros_like(param.data)
    for group, opt in ((params, optimizer), (twin_params, twin)):
        set_gradients(group, seed + 200)
        opt.step()
    assert plain_state(optimizer) == plain_state(twin)


@pytest.mark.parametrize("cls", ALL)
def test_a_good_assignment_changes_that_hyperparameter_alone(cls):
    optimizer, _ = build(cls, np.float32, 0)
    for name in hyperparameters(cls):
        before = Snapshot(optimizer)
        setattr(optimizer, name, 0.25)
        assert before.changes() == [f"{cls.__name__}.{name}"]
