"""zeronn check grades the learner's own file: zeronn's layer re-exported, inherited or
called is refused, and a file cannot pass by ending, crashing or stalling the run."""

import pytest
from exercise_solutions import planted

from zeronn.exercises.grader import grade_file

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


def test_the_window_helpers_are_allowed_where_the_exercise_needs_them(tmp_path):
    # zeronn.im2col's own im2col (columns as (C·kh·kw, N·OH·OW)) is window arithmetic too
    path = planted(
        tmp_path,
        "conv2d",
        ("from zeronn.layers.simple import col2im, im2col", "from zeronn import im2col as fast"),
        (
            "self.cols = im2col(x, (kh, kw), (s, s), (p, p))",
            "self.cols = fast.im2col(x, (kh, kw), s, p).T",
        ),
        ("return col2im(", "return fast.col2im(dcols.T, "),
        ("dcols, self.x_shape,", "self.x_shape,"),
    )
    assert grade_file(path).verdict == "pass"
    # in another exercise, the same call is zeronn's code the learner may not use
    relu = tmp_path / "relu_mine.py"
    relu.write_text(
        "from zeronn.layers.base import Layer\nfrom zeronn.im2col import im2col\n"
        "EXERCISE = 'relu'\nclass ReLU(Layer):\n"
        "    def forward(self, x):\n        im2col(x[:, None, :, None], 1, 1, 0)\n"
        "        self.m = x > 0\n        return x * self.m\n"
        "    def backward(self, dout):\n        return dout * self.m\n"
    )
    report = grade_file(relu)
    assert report.verdict == "fail"
    assert "forward called zeronn's own zeronn.im2col.im2col" in report.cases[0].failures[0]
