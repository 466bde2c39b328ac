"""The hint rules on arrays made to show each pattern (no learner's file, no process)."""

import numpy as np
import pytest

from zeronn.exercises.expected import Case, Expected, Mistake, Region
from zeronn.exercises.hints import FORWARD_TOL, GRADIENT_TOL, diagnose


def case_with(e: np.ndarray, **fields) -> tuple[Case, Expected]:
    expected = Expected(
        e, np.zeros(e.shape), ("sample", "feature", "row", "column")[: e.ndim], True
    )
    case = Case("test", {}, {}, {}, {}, {"dW": expected}, batch=4, **fields)
    case.factors = {"N": (4.0, "the batch size"), **case.factors}
    return case, expected


def grade(a, e, name="dW", tol=GRADIENT_TOL, floor=0.0, **fields):
    case, expected = case_with(np.asarray(e, dtype=np.float64), **fields)
    return diagnose(np.asarray(a), name, expected, case, tol, floor)


@pytest.fixture
def e() -> np.ndarray:
    return np.random.default_rng(5).normal(size=(4, 3))


def test_rounding_is_right_a_formula_slip_is_wrong(e):
    assert grade(e * (1 + 1e-12), e).right
    d = grade(e + np.where(np.arange(e.size).reshape(e.shape) == 7, 1e-3, 0.0), e)
    assert not d.right
    assert d.wrong == 1
    assert d.worst[0][0] == (2, 1)
    assert d.worst[0][1] == pytest.approx(1e-3)
    assert not grade(e * (1 + 1e-6), e, tol=FORWARD_TOL).right  # forward values are exact


def test_the_worst_entries_come_first_with_their_distance(e):
    a = e.copy()
    a[0, 0] += 0.5
    a[3, 2] -= 2.0
    a[1, 1] += 1.0
    d = grade(a, e)
    assert [index for index, _ in d.worst] == [(3, 2), (1, 1), (0, 0)]
    assert [off for _, off in d.worst] == pytest.approx([2.0, 1.0, 0.5])


@pytest.mark.parametrize(
    ("factor", "words"),
    [
        (-1.0, "the wrong sign: yours is the negative of the right array"),
        (4.0, "yours is N times the right array (N = 4, the batch size)"),
        (0.25, "yours is 1/N times the right array (N = 4, the batch size)"),
        (-0.25, "yours is -1/N times the right array"),
        (2.0, "yours is 2 times the right array"),
        (1.7, "yours is 1.7 times the right array"),
    ],
)
def test_a_constant_factor_is_named(e, factor, words):
    assert words in grade(factor * e, e).hint


def test_transposed_same_shape_and_other_shape():
    e = np.random.default_rng(1).normal(size=(3, 3))
    assert grade(e.T, e).hint.startswith("transposed: yours is the transpose")
    e = np.random.default_rng(1).normal(size=(5, 3))
    assert grade(e.T, e).hint == (
        "shape (3, 5), not (5, 3): yours is the transpose of the right array "
        "(a product's factors swapped?)"
    )
    e = np.random.default_rng(1).normal(size=(2, 3, 4, 5))
    assert "with its axes in the order (1, 0, 2, 3)" in grade(e.transpose(1, 0, 2, 3), e).hint


def test_the_right_values_in_another_shape_or_place(e):
    assert grade(e.reshape(3, 4), e).hint == (
        "shape (3, 4), not (4, 3), with the right values in order: reshape it"
    )
    scrambled = e.ravel()[np.random.default_rng(0).permutation(e.size)].reshape(e.shape)
    assert grade(scrambled, e).hint.startswith("the right values in the wrong places")


def test_a_missing_sum_over_the_batch_or_other_axes():
    per_sample = np.random.default_rng(2).normal(size=(4, 3))
    assert grade(per_sample, per_sample.sum(axis=0)).hint.endswith(
        "summed over its axis 0 (the batch) it would be right: a sum over the batch is missing"
    )
    positions = np.random.default_rng(2).normal(size=(3, 2, 5))
    assert (
        "summed over its axes 1, 2 it would be right: a sum is missing"
        in grade(positions, positions.sum(axis=(1, 2))).hint
    )


def test_nan_or_inf_is_counted_with_the_cases_own_advice(e):
    a = e.copy()
    a[1, :] = np.nan
    a[2, 0] = np.inf
    d = grade(a, e, nonfinite_hint="subtract the maximum")
    assert d.hint == "4 entries are NaN or infinite: subtract the maximum"
    assert d.wrong == 4


def test_a_grad_not_written_or_added_to(e):
    sentinel = np.random.default_rng(9).normal(size=e.shape)
    assert grade(sentinel, e, sentinels={"W": sentinel}).hint.startswith(
        "backward did not write self.W.grad"
    )
    assert grade(sentinel + e, e, sentinels={"W": sentinel}).hint.startswith(
        "backward added its gradient to self.W.grad (+=) instead of writing it (=)"
    )


def test_all_zeros_shows_no_magnitudes(e):
    d = grade(np.zeros_like(e), e)
    assert d.hint == "all zeros"
    assert d.worst == []
    assert d.wrong == e.size


def test_a_known_mistake_and_a_region(e):
    wrong_way = e + 1.0
    assert grade(wrong_way, e, mistakes={"dW": [Mistake(wrong_way, "that mistake")]}).hint == (
        "that mistake"
    )
    mask = np.zeros(e.shape, dtype=bool)
    mask[1, 2] = mask[3, 0] = True
    a = np.where(mask, 0.0, e)
    assert grade(a, e, regions={"dW": [Region(mask, "the kink")]}).hint == "the kink"
    outside = a.copy()
    outside[0, 0] += 1  # wrong outside the region too: not that hint
    assert grade(outside, e, regions={"dW": [Region(mask, "the kink")]}).hint != "the kink"


def test_wrong_only_in_some_rows_or_channels():
    e = np.random.default_rng(3).normal(size=(4, 3))
    a = e.copy()
    a[[0, 2]] += 1.0
    assert grade(a, e).hint == "wrong only in samples 0, 2 (axis 0)"
    e4 = np.random.default_rng(3).normal(size=(2, 3, 4, 5))
    a4 = e4.copy()
    a4[:, 1] *= 3.0
    a4[:, 1, 0, 0] += 1.0  # not a constant factor overall
    assert grade(a4, e4).hint == "wrong only in feature 1 (axis 1)"


def test_an_allowance_excuses_what_the_numerical_slope_cannot_resolve(e):
    case, expected = case_with(e)
    allowance = np.zeros(e.shape)
    allowance[0, 0] = 0.5  # a kink within a step of this entry
    excused = Expected(e, allowance, expected.axes, True)
    a = e.copy()
    a[0, 0] += 0.4
    assert diagnose(a, "dW", excused, case, GRADIENT_TOL, 0.0).right
    assert not diagnose(a, "dW", expected, case, GRADIENT_TOL, 0.0).right


def test_an_array_whose_true_gradient_is_zero_is_judged_on_the_others_scale():
    zero = np.zeros(4)
    assert grade(np.full(4, 1e-17), zero, floor=1.0).right  # rounding noise, not a bug
    assert not grade(np.full(4, 0.1), zero, floor=1.0).right


def test_another_dtype_is_wrong_even_with_close_values(e):
    d = grade(e.astype(np.float32), e)
    assert not d.right
    assert d.hint == "dtype float32, not float64: keep the inputs' dtype (the values are right)"
    assert grade(np.ones(e.shape, dtype=int), e).hint == (
        "dtype int64, not float64: keep the inputs' dtype"
    )
