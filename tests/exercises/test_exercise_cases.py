"""The graded cases keep the rules that stop a grader from being fooled, for every exercise."""

import numpy as np
import pytest

from zeronn.exercises.cases import build_cases
from zeronn.exercises.catalog import EXERCISES

ALL_CASES = [
    (name, number, case)
    for name in EXERCISES
    for number, case in enumerate(build_cases(EXERCISES[name], seed=0))
]
IDS = [f"{name}-{number + 1}" for name, number, _ in ALL_CASES]


@pytest.mark.parametrize(("name", "number", "case"), ALL_CASES, ids=IDS)
def test_float64_batches_of_two_or_more(name, number, case):
    arrays = {**case.init, **case.inputs, **case.upstream, **case.sentinels}
    for key, array in arrays.items():
        if key == "t":  # class labels
            assert np.issubdtype(array.dtype, np.integer)
        else:
            assert array.dtype == np.float64, key
    first = case.inputs[EXERCISES[name].interface.inputs[0]]
    assert case.batch >= 2
    assert first.shape[0] == case.batch
    for expected in case.expected.values():
        assert expected.value.dtype == np.float64


@pytest.mark.parametrize(("name", "number", "case"), ALL_CASES, ids=IDS)
def test_shapes_are_not_square(name, number, case):
    square_by_nature = {"Wq", "Wk", "Wv", "Wo"}  # attention maps E features to E
    for key, array in {**case.init, **case.inputs}.items():
        if array.ndim >= 2 and key not in square_by_nature:
            assert array.shape[-1] != array.shape[-2], (key, array.shape)
    x = case.inputs[EXERCISES[name].interface.inputs[0]]
    for key, array in case.init.items():  # N is none of the weights' sizes along x's features
        if key not in square_by_nature and array.ndim == 2:
            assert x.shape[0] not in array.shape or name == "lstm-step", key


@pytest.mark.parametrize(("name", "number", "case"), ALL_CASES, ids=IDS)
def test_upstream_gradients_are_random_never_ones(name, number, case):
    for key, array in case.upstream.items():
        if array.ndim == 0:  # the scalar dout of a loss
            assert abs(float(array) - 1) > 0.2
        else:
            assert np.ptp(array) > 0.5, key  # neither all ones nor any other constant
            assert np.all(array != 1.0)


@pytest.mark.parametrize(("name", "number", "case"), ALL_CASES, ids=IDS)
def test_weights_biases_gamma_and_beta_are_not_trivial(name, number, case):
    for key, array in case.init.items():
        assert np.all(array != 0), key
        assert np.ptp(array) > 0.1, key
    if "gamma" in case.init:
        assert np.all(np.abs(case.init["gamma"] - 1) > 1e-3)


@pytest.mark.parametrize(("name", "number", "case"), ALL_CASES, ids=IDS)
def test_inputs_are_off_kinks_unless_the_case_checks_the_kink(name, number, case):
    by_convention = [e for e in case.expected.values() if not e.numerical]
    gradients_by_convention = len(by_convention) == len(case.expected)
    x = case.inputs.get("x")
    if name == "relu" and not gradients_by_convention:
        assert np.min(np.abs(x)) >= 0.1
    if name == "maxpool2d" and not gradients_by_convention:
        assert np.min(np.diff(np.sort(x, axis=None))) > 1e-2  # no ties, none near
    if gradients_by_convention:  # the kink case: it holds points on the kink
        assert name in ("relu", "maxpool2d")
        assert case.regions


def test_a_seed_gives_the_same_cases_and_another_seed_others():
    first, again, other = (build_cases(EXERCISES["affine"], seed) for seed in (0, 0, 1))
    for a, b, c in zip(first, again, other, strict=True):
        np.testing.assert_array_equal(a.inputs["x"], b.inputs["x"])
        np.testing.assert_array_equal(a.expected["dW"].value, b.expected["dW"].value)
        assert not np.array_equal(a.inputs["x"], c.inputs["x"])


@pytest.mark.parametrize(("name", "number", "case"), ALL_CASES, ids=IDS)
def test_every_graded_array_has_its_right_value(name, number, case):
    interface = EXERCISES[name].interface
    assert set(case.expected) == {*interface.forward_arrays, *interface.backward_arrays}
    for expected in case.expected.values():
        assert np.all(np.isfinite(expected.value))
        assert len(expected.axes) == expected.value.ndim
