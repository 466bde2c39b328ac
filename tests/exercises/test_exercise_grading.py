"""zeronn check grades the learner's file: correct solutions pass, planted bugs fail with the
hint of their pattern, and a file cannot pass by being zeronn's layer or by fooling the run."""

from pathlib import Path

import pytest

from zeronn.exercises.cases import build_cases
from zeronn.exercises.catalog import EXERCISES
from zeronn.exercises.grader import grade_file

SOLUTIONS = Path(__file__).resolve().parent / "solutions"


def planted(tmp_path: Path, exercise: str, *edits: tuple[str, str]) -> Path:
    """A copy of the correct solution with each ``old`` replaced by ``new`` (a planted bug)."""
    text = (SOLUTIONS / f"{EXERCISES[exercise].stub}.py").read_text()
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new)
    path = tmp_path / f"buggy_{EXERCISES[exercise].stub}.py"
    path.write_text(text)
    return path


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


# -- the learner's file is graded, not zeronn's layer ---------------------------------------

AFFINE_HEADER = "import numpy as np\nimport zeronn\nEXERCISE = 'affine'\n"


@pytest.mark.parametrize(
    ("source", "words"),
    [
        (
            "from zeronn.layers import Affine\nEXERCISE = 'affine'\n",
            "is zeronn.layers.affine.Affine",
        ),
        (
            AFFINE_HEADER + "class Affine(zeronn.Affine):\n"
            "    def __init__(self, W, b):\n"
            "        super().__init__(*W.shape)\n"
            "        self.W.data[...], self.b.data[...] = W, b\n",
            "Affine.forward is not written in the file: it is zeronn.layers.affine.Affine's",
        ),
    ],
    ids=["re-export", "subclass"],
)
def test_zeronns_own_class_is_refused_before_it_runs(tmp_path, source, words):
    path = tmp_path / "mine.py"
    path.write_text(source)
    report = grade_file(path)
    assert report.verdict == "fail"
    assert words in report.problems[0]
    assert report.cases == []


DELEGATES = """
class Affine(zeronn.Layer):
    param_names = ("W", "b")
    def __init__(self, W, b):
        self.W, self.b = zeronn.Parameter(W), zeronn.Parameter(b)
    def forward(self, x):
        self.x = x
        return x @ self.W.data + self.b.data
    def backward(self, dout):
        inner = zeronn.Affine(*self.W.shape)
        inner.W.data[...], inner.b.data[...] = self.W.data, self.b.data
        inner.forward(self.x)
        dx = inner.backward(dout)
        self.W.grad[...], self.b.grad[...] = inner.W.grad, inner.b.grad
        return dx
"""

NUMERICAL = """
from zeronn.gradcheck import numerical_gradient
class Affine(zeronn.Layer):
    param_names = ("W", "b")
    def __init__(self, W, b):
        self.W, self.b = zeronn.Parameter(W), zeronn.Parameter(b)
    def forward(self, x):
        self.x = x
        return x @ self.W.data + self.b.data
    def backward(self, dout):
        f = lambda W: float(np.sum((self.x @ W + self.b.data) * dout))
        self.W.grad[...] = numerical_gradient(f, self.W.data)
        self.b.grad[...] = dout.sum(axis=0)
        return dout @ self.W.data.T
"""


@pytest.mark.parametrize(
    ("body", "called"),
    [
        (DELEGATES, "zeronn.layers.affine.Affine.backward"),
        (NUMERICAL, "zeronn.gradcheck.numerical_gradient"),
    ],
    ids=["delegates", "numerical-gradient"],
)
def test_a_class_that_calls_zeronns_layer_or_gradient_is_refused(tmp_path, body, called):
    path = tmp_path / "mine.py"
    path.write_text(AFFINE_HEADER + body)
    report = grade_file(path)
    assert report.verdict == "fail"
    case = report.cases[0]
    assert {a.name: a.status for a in case.arrays} == {
        "y": "right",
        "dx": "refused",
        "dW": "refused",
        "db": "refused",
    }
    assert any(called in failure for failure in case.failures), case.failures


# -- a file cannot pass by ending, crashing or stalling the run ------------------------------

RELU_HEADER = "import os, sys\nfrom zeronn.layers.base import Layer\nEXERCISE = 'relu'\n"
RELU_CLASS = (
    "class ReLU(Layer):\n"
    "    def backward(self, dout):\n"
    "        return dout\n"
    "    def forward(self, x):\n"
)


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ("sys.exit(0)\n", "the file does not import: called sys.exit(0)"),
        (
            RELU_CLASS + "        os._exit(0)\n",
            "the process running the file ended in forward of case 1",
        ),
        (
            RELU_CLASS + "        while True:\n            pass\n",
            "did not finish within 1.5 s: stopped in forward of case 1",
        ),
    ],
    ids=["sys.exit", "os._exit", "endless-loop"],
)
def test_a_file_that_exits_crashes_or_hangs_fails(tmp_path, body, words):
    path = tmp_path / "mine.py"
    path.write_text(RELU_HEADER + body)
    report = grade_file(path, timeout=1.5)
    assert report.verdict == "fail"
    assert words in report.problems[0]


def test_changing_an_argument_in_place_fails_even_with_right_values(tmp_path):
    path = planted(
        tmp_path,
        "relu",
        ("return dout * self.mask", "dout[~self.mask] = 0\n        return dout"),
    )
    report = grade_file(path)
    assert all(array.status == "right" for case in report.cases for array in case.arrays)
    assert report.verdict == "fail"
    assert "backward changed its argument dout in place" in report.cases[0].failures[0]


def test_an_error_names_the_line_of_the_file(tmp_path):
    path = planted(tmp_path, "affine", ("x @ self.W.data +", "x @ self.W.data.T +"))
    report = grade_file(path)
    failure = report.cases[0].failures[0]
    assert failure.startswith("forward raised ValueError")
    assert "(line 20: return x @ self.W.data.T + self.b.data)" in failure
    assert {a.status for a in report.cases[0].arrays} == {"not graded"}


def test_what_the_file_prints_is_shown_and_changes_nothing(tmp_path):
    path = planted(tmp_path, "sigmoid", ("EXERCISE =", "print('hello')\nEXERCISE ="))
    report = grade_file(path)
    assert report.passed
    assert report.output == ["hello"]
    assert "your file printed 1 line(s); the first:\n  | hello\nPASS" in report.text()
