"""Figures of predictions take probabilities and refuse logits, saying what to pass."""

import numpy as np
import pytest

import zeronn
from zeronn import plots

IMAGES = np.zeros((3, 4, 4))
LABELS = np.array([0, 1, 1])
FIX = r"pass model.predict_proba\(x\) or zeronn.softmax\(logits\), not model.predict\(x\)"


def draw(function, scores):
    if function is plots.plot_gradcam:
        return function(IMAGES, np.zeros((3, 4, 4)), scores, LABELS, show=False)
    return function(IMAGES, scores, LABELS, show=False)


FUNCTIONS = [plots.plot_predictions, plots.plot_misclassified, plots.plot_gradcam]


@pytest.mark.parametrize("function", FUNCTIONS, ids=lambda f: f.__name__)
def test_logits_are_refused_with_the_fix(function, rng):
    logits = rng.normal(size=(3, 2)) * 3
    with pytest.raises(ValueError, match=f"{function.__name__} expected probabilities.*{FIX}"):
        draw(function, logits)


@pytest.mark.parametrize("function", FUNCTIONS, ids=lambda f: f.__name__)
def test_positive_scores_that_do_not_sum_to_one_are_refused(function):
    scores = np.array([[2.0, 1.0], [0.5, 0.4], [0.3, 0.3]])
    with pytest.raises(ValueError, match=r"got 3 of 3 rows that do not \(row 0 sums to 3"):
        draw(function, scores)


@pytest.mark.parametrize("function", FUNCTIONS, ids=lambda f: f.__name__)
def test_probabilities_from_predict_proba_and_softmax_are_taken(function, rng):
    logits = rng.normal(size=(3, 2)).astype(np.float32) * 20
    figure = draw(function, zeronn.softmax(logits))
    assert figure.axes


def test_a_near_one_float32_sum_is_not_mistaken_for_logits(rng):
    probabilities = zeronn.softmax(rng.normal(size=(3, 1000)).astype(np.float32))
    draw(plots.plot_predictions, probabilities)  # rounding over 1000 classes is not a logit


def test_nan_and_non_numbers_are_refused():
    with pytest.raises(ValueError, match="expected finite probabilities"):
        draw(plots.plot_predictions, np.array([[np.nan, 1.0]] * 3))
    with pytest.raises(TypeError, match="expected probabilities as real numbers, got dtype <U1"):
        draw(plots.plot_predictions, np.array([["a", "b"]] * 3))
