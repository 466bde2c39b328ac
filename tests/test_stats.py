"""Paired statistics against values computed by hand."""

import math

import pytest

from zeronn.stats import mean_std, paired_difference, summarize


def test_paired_difference_on_a_hand_computed_case():
    # differences 0.1, 0.2, 0.3, 0.4: mean 0.25, sample std sqrt(0.05/3) = 0.129099...
    # t(0.975, df=3) = 3.182446305284263, half width = 3.18245 * 0.129099 / 2 = 0.205426
    with_values = [0.6, 0.7, 0.8, 0.9]
    without_values = [0.5, 0.5, 0.5, 0.5]
    result = paired_difference(with_values, without_values)
    std = math.sqrt(0.05 / 3)
    half_width = 3.182446305284263 * std / 2
    assert result.n == 4
    assert result.mean == pytest.approx(0.25, abs=1e-12)
    assert result.std == pytest.approx(std, rel=1e-12)
    assert result.ci_low == pytest.approx(0.25 - half_width, rel=1e-9)
    assert result.ci_high == pytest.approx(0.25 + half_width, rel=1e-9)
    assert result.ci_low == pytest.approx(0.044574, abs=1e-6)


def test_pairing_removes_shared_variation():
    # Both arms swing by 0.3 between draws, but the difference is always 0.05: zero width.
    result = paired_difference([0.15, 0.45, 0.25], [0.10, 0.40, 0.20])
    assert result.mean == pytest.approx(0.05)
    assert result.ci_high - result.ci_low == pytest.approx(0.0, abs=1e-12)


def test_a_single_pair_has_no_interval():
    result = paired_difference([0.7], [0.6])
    assert result.mean == pytest.approx(0.1)
    assert (result.std, result.ci_low, result.ci_high) == (None, None, None)


def test_summarize_gives_the_sample_std():
    assert summarize([0.5, 0.7]).std == pytest.approx(math.sqrt(0.02))
    assert summarize([0.5]).std is None


@pytest.mark.parametrize(
    ("with_values", "without_values", "message"),
    [
        ([0.1, 0.2], [0.1], "same length, got 2 and 1"),
        ([], [], "at least one number"),
        ([0.1, float("nan")], [0.1, 0.2], "finite numbers"),
    ],
)
def test_bad_inputs_are_refused(with_values, without_values, message):
    with pytest.raises(ValueError, match=message):
        paired_difference(with_values, without_values)


def test_mean_std_agrees_with_summarize_and_works_per_class():
    values = [0.5, 0.7, 0.9]
    summary = summarize(values)
    assert mean_std(values) == {"mean": summary.mean, "std": summary.std}
    assert mean_std([0.4]) == {"mean": 0.4, "std": summarize([0.4]).std}  # None for one run
    per_class = mean_std([[0.5, 1.0], [0.7, 1.0]])
    assert per_class["mean"] == pytest.approx([0.6, 1.0])
    assert per_class["std"] == pytest.approx([math.sqrt(0.02), 0.0])
    with pytest.raises(ValueError, match="at least one run"):
        mean_std([])
