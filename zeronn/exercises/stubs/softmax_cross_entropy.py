"""Exercise: softmax followed by cross-entropy, the loss of a classifier.

Shapes: logits ``z: (N, K)`` (N samples, K classes), integer labels ``t: (N,)`` in [0, K),
the loss a float, ``dz: (N, K)``:

    pₙₖ = exp(zₙₖ − mₙ) / Σⱼ exp(zₙⱼ − mₙ)      mₙ = maxⱼ zₙⱼ  (subtracted so no exp overflows)
    L   = −(1/N) Σₙ log pₙ,ₜₙ                     the mean over the batch: a float
    dz  = dout · (p − onehot(t)) / N             (N, K); dout is the upstream gradient of L

``forward(logits, t)`` returns the loss as a float and keeps on ``self`` what ``backward``
needs; ``backward(dout=1.0)`` returns ``dz`` (``dout`` is 1.0 when the loss is the last step,
but a caller may scale it: use it). Never change ``logits`` in place. numpy is all you need.

Check your work (exit code 0 when every array is right):

    zeronn check my_softmax_cross_entropy.py

The checker compares your loss with zeronn's own ``SoftmaxCrossEntropy`` and your gradient
with a numerical one, in float64, with an upstream ``dout`` that is not 1, and with logits
near ±1000 (where a softmax without the maximum subtracted overflows). It tells you, per
array, right or wrong, where and by how much, with a hint; it never prints the right values.
"""

import numpy as np

EXERCISE = "softmax-cross-entropy"  # tells `zeronn check` which layer this file holds


class SoftmaxCrossEntropy:
    """Mean softmax cross-entropy over a batch; ``backward`` returns ``dL/dlogits``."""

    def forward(self, logits: np.ndarray, t: np.ndarray) -> float:
        """``logits (N, K)``, labels ``t (N,)`` -> the mean loss, a float."""
        raise NotImplementedError("SoftmaxCrossEntropy.forward: not done yet")

    def backward(self, dout: float = 1.0) -> np.ndarray:
        """``dout`` (a number) -> ``dlogits (N, K)``."""
        raise NotImplementedError("SoftmaxCrossEntropy.backward: not done yet")
