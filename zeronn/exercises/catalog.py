"""The exercises: which layer each one is, and how the grader calls the learner's class.

An exercise is one of zeronn's own layers for a learner to write: ``zeronn exercise NAME``
writes its stub (``zeronn/exercises/stubs/``), ``zeronn check FILE`` grades the file. Its
:class:`Interface` says how the grader calls the class written in the file::

    layer = ClassName(*init arrays, **options)
    outputs = layer.forward(*inputs)             one array, or a tuple named by ``outputs``
    gradients = layer.backward(*upstream)        one array per ``differentiable`` input
    layer.<param>.grad                           written by backward, for each of ``params``

The graded arrays are the outputs (against zeronn's own layer), then ``d<input>`` for each
differentiable input and ``d<param>`` for each parameter (against a numerical gradient). This
module is light on purpose: the process that runs a learner's file reads it, and
``zeronn exercise --help`` lists the names from it without importing a layer.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass


@dataclass(frozen=True)
class Interface:
    """How the grader builds and calls a learner's class (see the module docstring)."""

    class_name: str
    init: tuple[str, ...] = ()  # constructor arrays, in order
    options: tuple[str, ...] = ()  # constructor keyword options (numbers, True/False)
    inputs: tuple[str, ...] = ("x",)  # forward's arguments, in order
    outputs: tuple[str, ...] = ("y",)  # forward's results: one name means a single array
    upstream: tuple[str, ...] = ("dout",)  # backward's arguments, in order
    differentiable: tuple[str, ...] = ("x",)  # the inputs backward returns gradients of
    params: tuple[str, ...] = ()  # Parameter attributes whose grad backward writes

    @property
    def forward_arrays(self) -> tuple[str, ...]:
        return self.outputs

    @property
    def backward_arrays(self) -> tuple[str, ...]:
        """``d<input>`` for each differentiable input, then ``d<param>`` for each parameter."""
        return tuple(f"d{name}" for name in (*self.differentiable, *self.params))


@dataclass(frozen=True)
class Exercise:
    """One exercise: its name on the command line, its title, stub and grading interface.

    ``stub`` is the module under ``zeronn.exercises.stubs`` holding the stub; ``cases`` names
    the function that builds the graded cases (``module:function`` under
    ``zeronn.exercises.cases``); ``helpers`` are the zeronn functions, besides ``Parameter``
    and ``Layer``, that the learner's code may call (``module:function``).
    """

    name: str
    title: str
    interface: Interface
    stub: str
    cases: str
    helpers: tuple[str, ...] = ()

    @property
    def default_file(self) -> str:
        """Where ``zeronn exercise NAME`` writes the stub when no ``--out`` is given."""
        return f"my_{self.stub}.py"


# the window arithmetic a convolution or a pooling may use: the book's layout and zeronn's own
WINDOW_HELPERS = (
    "zeronn.layers.simple:im2col",
    "zeronn.layers.simple:col2im",
    "zeronn.im2col:im2col",
    "zeronn.im2col:col2im",
)

EXERCISES: dict[str, Exercise] = {
    exercise.name: exercise
    for exercise in (
        Exercise(
            "affine",
            "Affine (fully connected) layer: y = x W + b",
            Interface("Affine", init=("W", "b"), params=("W", "b")),
            "affine",
            "dense:affine",
        ),
        Exercise(
            "relu",
            "ReLU: y = max(x, 0)",
            Interface("ReLU"),
            "relu",
            "dense:relu",
        ),
        Exercise(
            "sigmoid",
            "Sigmoid: y = 1 / (1 + exp(-x))",
            Interface("Sigmoid"),
            "sigmoid",
            "dense:sigmoid",
        ),
        Exercise(
            "softmax-cross-entropy",
            "softmax followed by cross-entropy, the loss of a classifier",
            Interface(
                "SoftmaxCrossEntropy",
                inputs=("logits", "t"),
                outputs=("loss",),
                differentiable=("logits",),
            ),
            "softmax_cross_entropy",
            "dense:softmax_cross_entropy",
        ),
        Exercise(
            "conv2d",
            "Conv2D via im2col: a convolution as one matrix product",
            Interface("Conv2D", init=("W", "b"), options=("stride", "pad"), params=("W", "b")),
            "conv2d",
            "images:conv2d",
            WINDOW_HELPERS,
        ),
        Exercise(
            "maxpool2d",
            "MaxPool2D via im2col: the maximum of each window",
            Interface("MaxPool2D", options=("pool_size", "stride")),
            "maxpool2d",
            "images:maxpool2d",
            WINDOW_HELPERS,
        ),
        Exercise(
            "batchnorm",
            "BatchNorm in training mode: normalize each feature over the batch",
            Interface(
                "BatchNorm", init=("gamma", "beta"), options=("eps",), params=("gamma", "beta")
            ),
            "batchnorm",
            "dense:batchnorm",
        ),
        Exercise(
            "lstm-step",
            "one step of an LSTM: four gates, the cell and the hidden state",
            Interface(
                "LSTMStep",
                init=("Wx", "Wh", "b"),
                inputs=("x", "h_prev", "c_prev"),
                outputs=("h", "c"),
                upstream=("dh", "dc"),
                differentiable=("x", "h_prev", "c_prev"),
                params=("Wx", "Wh", "b"),
            ),
            "lstm_step",
            "sequences:lstm_step",
        ),
        Exercise(
            "attention",
            "multi-head self-attention: softmax(Q Kᵀ / √d) V",
            Interface(
                "MultiHeadAttention",
                init=("Wq", "Wk", "Wv", "Wo", "bq", "bk", "bv", "bo"),
                options=("num_heads", "causal"),
                params=("Wq", "Wk", "Wv", "Wo", "bq", "bk", "bv", "bo"),
            ),
            "attention",
            "sequences:attention",
        ),
    )
}


def _key(text: str) -> str:
    return "".join(character for character in text.lower() if character.isalnum())


# every exercise by its name and by its class's name, as the user may type them
_ALIASES = {
    _key(spelling): exercise
    for exercise in EXERCISES.values()
    for spelling in (exercise.name, exercise.interface.class_name, exercise.stub)
}


def find_exercise(name: str) -> Exercise:
    """The exercise called ``name`` (its name or its class's, any case, ``-``/``_`` ignored).

    An unknown name is a ``ValueError`` that lists the exercises and suggests the closest.
    """
    if not isinstance(name, str):
        raise TypeError(f"expected an exercise name as a str, got {type(name).__name__}")
    exercise = _ALIASES.get(_key(name))
    if exercise is not None:
        return exercise
    close = difflib.get_close_matches(_key(name), list(_ALIASES), n=1)
    suggestion = f"did you mean {_ALIASES[close[0]].name}? " if close else ""
    raise ValueError(
        f"no exercise called {name!r}; {suggestion}the exercises are {', '.join(EXERCISES)}"
    )
