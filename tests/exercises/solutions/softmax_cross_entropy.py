"""A correct solution of `zeronn exercise softmax-cross-entropy`."""

import numpy as np

EXERCISE = "softmax-cross-entropy"


class SoftmaxCrossEntropy:
    def forward(self, logits, t):
        shifted = logits - logits.max(axis=1, keepdims=True)
        log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        self.p, self.t = np.exp(log_p), t
        return float(-log_p[np.arange(len(t)), t].mean())

    def backward(self, dout=1.0):
        dz = self.p.copy()
        dz[np.arange(len(self.t)), self.t] -= 1
        return dout * dz / len(self.t)
