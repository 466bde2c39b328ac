"""zeronn check grades the learner's file: correct solutions pass, planted bugs fail with the
hint of their pattern, and a file cannot pass by being zeronn's layer or by fooling the run."""

import pytest
from exercise_solutions import SOLUTIONS, planted

from zeronn.exercises.cases import build_cases
from zeronn.exercises.catalog import EXERCISES
from zeronn.exercises.grader import grade_file


def grades(report) -> dict[str, str]:
    """Array name -> "status: hint" over every case (the first case where it is not right)."""
    found: dict[str, str] = {}
    for case in report.cases:
        for array in case.arrays:
            text = array.status + ": " + (array.diagnosis.hint if array.diagnosis else array.reason)
            if found.get(array.name, "right").startswith("right"):
                found[array.name] = text
    return found


@pytest.mark.parametrize("exercise", sorted(EXERCISES))
def test_a_correct_solution_passes(exercise):
    report = grade_file(SOLUTIONS / f"{EXERCISES[exercise].stub}.py")
    assert report.verdict == "pass", report.text()
    assert report.summary().startswith("PASS: all ")
    assert not report.problems
    assert not report.output


# (exercise, planted edits, the array that goes wrong, words its hint must hold)
PLANTED = [
    (
        "affine",
        [("self.W.grad[...] = self.x.T @ dout", "self.W.grad = dout.T @ self.x")],
        "dW",
        "shape (3, 5), not (5, 3): yours is the transpose of the right array",
    ),
    (
        "affine",
        [("self.b.grad[...] = np.sum(dout, axis=0)", "self.b.grad = dout")],
        "db",
        "summed over its axis 0 (the batch) it would be right: a sum over the batch is missing",
    ),
    ("affine", [("return dout @", "return -dout @")], "dx", "the wrong sign"),
    (
        "affine",
        [("self.b.grad[...] = np.sum(dout, axis=0)", "self.b.grad += np.sum(dout, axis=0)")],
        "db",
        "added its gradient to self.b.grad (+=) instead of writing it (=)",
    ),
    (
        "affine",
        [("np.sum(dout, axis=0)", "np.mean(dout, axis=0)")],
        "db",
        "yours is 1/N times the right array (N = 4, the batch size)",
    ),
    (
        "batchnorm",
        [("* (dout - mean_terms)", "* dout")],
        "dx",
        "dx matches the gradient for a constant μ and σ²",
    ),
    (
        "batchnorm",
        [
            ("self.gamma.grad[...] = (dout * self.x_hat).sum(axis=0)", "dg = dout * self.x_hat"),
            ("self.x_hat * self.gamma.grad", "self.x_hat * dg.sum(axis=0)"),
            (
                "return self.gamma.data * self.inv_std",
                "self.gamma.grad = dg\n        return self.gamma.data * self.inv_std",
            ),
        ],
        "dgamma",
        "a sum over the batch is missing",
    ),
    ("batchnorm", [("x.var(axis=0)", "x.var(axis=0, ddof=1)")], "y", "unbiased variance"),
    (
        "conv2d",
        [("self.W.data.reshape(F, -1).T", "self.W.data[:, :, ::-1, ::-1].reshape(F, -1).T")],
        "y",
        "a convolution with the kernel flipped",
    ),
    (
        "conv2d",
        [("self.b.grad[...] = dout2.sum(axis=0)", "self.b.grad = dout.sum(axis=(2, 3))")],
        "db",
        "a sum over the batch is missing",
    ),
    (
        "conv2d",
        [
            (
                "(dout2.T @ self.cols).reshape(self.W.data.shape)",
                "(dout2.T @ self.cols).reshape(-1, F, kh, kw).transpose(1, 0, 2, 3)",
            )
        ],
        "dW",
        "the right values in the wrong places",
    ),
    ("relu", [("x > 0", "x >= 0")], "dx", "wrong only where x is exactly 0, ReLU's kink"),
    ("sigmoid", [("self.y * (1 - self.y)", "self.y")], "dx", "the derivative of σ is y (1 − y)"),
    (
        "softmax-cross-entropy",
        [("return dout * dz", "return dz")],
        "dlogits",
        "yours is 1/dout times the right array",
    ),
    (
        "softmax-cross-entropy",
        [("shifted = logits - logits.max(axis=1, keepdims=True)", "shifted = logits")],
        "loss",
        "subtract each row's maximum",
    ),
    (
        "softmax-cross-entropy",
        [("].mean())", "].sum())")],
        "loss",
        "yours is N times the right array",
    ),
    (
        "maxpool2d",
        [("cols.argmax(axis=1)", "cols.shape[1] - 1 - cols[:, ::-1].argmax(axis=1)")],
        "dx",
        "wrong only in windows whose maximum is tied",
    ),
    (
        "lstm-step",
        [
            (
                "g, o = np.tanh(a[:, 2 * H : 3 * H]), sigmoid(a[:, 3 * H :])",
                "o, g = sigmoid(a[:, 2 * H : 3 * H]), np.tanh(a[:, 3 * H :])",
            )
        ],
        "h",
        "the gates read in the order i, f, o, g",
    ),
    (
        "lstm-step",
        [("dh * tanh_c * o * (1 - o),", "dh * tanh_c * o * (1 - o) * 2,")],
        "dWx",
        "wrong only in the columns of gate o (output), block 4 of 4",
    ),
    (
        "attention",
        [("W.grad[...] = x.reshape(-1, E).T @ dz", "W.grad[...] = dz.T @ x.reshape(-1, E)")],
        "dWq",
        "transposed: yours is the transpose of the right array",
    ),
    ("attention", [("/ np.sqrt(d)\n        if", "/ d\n        if")], "y", "scores scaled by 1/d"),
]


@pytest.mark.parametrize(
    ("exercise", "edits", "array", "hint"),
    PLANTED,
    ids=[f"{exercise}-{array}-{k}" for k, (exercise, _, array, _) in enumerate(PLANTED)],
)
def test_a_planted_bug_fails_with_the_hint_of_its_pattern(tmp_path, exercise, edits, array, hint):
    report = grade_file(planted(tmp_path, exercise, *edits))
    assert report.verdict == "fail"
    found = grades(report)
    assert found[array].startswith("wrong: "), report.text()
    assert hint in found[array], report.text()
    assert hint in " ".join(report.text().split())  # the terminal shows it too


def test_the_report_says_where_and_by_how_much_never_the_right_values(tmp_path):
    # dx = -right: every entry is off by twice its right value, which is printed nowhere
    report = grade_file(planted(tmp_path, "affine", ("return dout @", "return -dout @")))
    case = build_cases(EXERCISES["affine"], seed=0)[0]
    right = case.expected["dx"].value
    dx = next(a for a in report.cases[0].arrays if a.name == "dx")
    assert dx.diagnosis.wrong == right.size
    for index, off_by in dx.diagnosis.worst:
        assert off_by == pytest.approx(2 * abs(right[index]), rel=1e-6)
    text = report.text()
    json_text = str(report.as_json())
    for value in case.expected["y"].value.ravel().tolist() + right.ravel().tolist():
        for shown in (f"{value:.3g}", f"{abs(value):.3g}", repr(value)):
            if len(shown.lstrip("-")) >= 4:  # "0.5" could be anything's digits
                assert shown not in text
                assert shown not in json_text


def test_an_all_zero_array_shows_no_magnitudes(tmp_path):
    report = grade_file(
        planted(
            tmp_path, "affine", ("return dout @ self.W.data.T", "return 0 * dout @ self.W.data.T")
        )
    )
    dx = next(a for a in report.cases[0].arrays if a.name == "dx")
    assert dx.diagnosis.hint == "all zeros"
    assert dx.diagnosis.worst == []  # |0 − right| would be the right values' magnitudes
    assert "largest" not in report.text()
