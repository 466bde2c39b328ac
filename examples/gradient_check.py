"""Example: every built-in layer's backward pass checked against numerical gradients.

A layer's ``backward`` is hand-written, so it can be wrong in ways that still train a little.
The check compares it with central differences, (f(x + ε) − f(x − ε)) / 2ε, for the input and
every parameter. Errors of 0 (no disagreement the numerical slope can resolve) or near it mean
right; 1e-2 or more mean a bug.

    python examples/gradient_check.py

The lesson that explains it, with a layer you write yourself:
``examples/lessons/01_two_layer_net.py``.
"""

import numpy as np

from zeronn.gradcheck import check_gradients
from zeronn.layers import Affine, BatchNorm, Conv2D, MaxPool2D
from zeronn.models import simple_convnet


def main() -> None:
    rng = np.random.default_rng(0)

    # One layer at a time: a strided, padded convolution with a non-square kernel.
    conv = Conv2D(3, 4, kernel_size=(3, 2), stride=2, pad=1, rng=rng)
    x = rng.standard_normal((2, 3, 7, 6))
    print("Conv2D(3 -> 4, 3×2, stride 2, pad 1)")
    print(check_gradients(conv, x, rng=rng), "\n")

    # Max pooling: distinct input values, so no two entries tie for a window's maximum.
    pool = MaxPool2D(3, stride=2)
    x = rng.permutation(2 * 3 * 7 * 7).reshape(2, 3, 7, 7).astype(np.float64)
    print("MaxPool2D(3, stride 2), overlapping windows")
    print(check_gradients(pool, x, rng=rng), "\n")

    for layer, x in [
        (Affine(5, 3, rng=rng), rng.standard_normal((4, 5))),
        (BatchNorm(3), rng.standard_normal((6, 3, 4, 4))),
    ]:
        report = check_gradients(layer, x, rng=rng)
        print(f"{layer!r}: largest relative error {report.max_error:.1e}")

    # A whole network, through its loss: the book's SimpleConvNet on small images.
    model = simple_convnet((1, 10, 10), filters=4, hidden=8, classes=3, rng=rng)
    x = rng.standard_normal((3, 1, 10, 10))
    t = np.array([0, 2, 1])
    report = check_gradients(model, x, t=t, rng=rng)  # through SoftmaxCrossEntropy
    print(f"\nSimpleConvNet through the loss: largest relative error {report.max_error:.1e}")
    assert report.max_error < 1e-6, report


if __name__ == "__main__":
    main()
