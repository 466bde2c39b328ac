"""The graded cases of each exercise, built from a seed with zeronn's own layers.

Every case follows the rules that keep a grader from being fooled: float64 throughout,
non-square shapes (a transposed product cannot have the right shape), a batch of at least 2
(a sum over the batch cannot be skipped unseen), weights, biases, γ and β far from 0 and 1,
random upstream gradients (all ones, or a plain sum, would hide BatchNorm's and softmax's
errors, whose gradients along such a vector vanish), and inputs kept away from kinks (ReLU's
0, tied maxima) except in a case made to check the convention there.
"""

from __future__ import annotations

import importlib

import numpy as np

from zeronn._checks import non_negative_int
from zeronn.exercises.catalog import Exercise
from zeronn.exercises.expected import Case


def build_cases(exercise: Exercise, seed: int) -> list[Case]:
    """The cases of ``exercise`` drawn from ``seed`` (the same seed gives the same cases)."""
    seed = non_negative_int(seed, "seed", "build_cases")
    module_name, function_name = exercise.cases.split(":")
    module = importlib.import_module(f"zeronn.exercises.cases.{module_name}")
    return getattr(module, function_name)(np.random.default_rng(seed))
