"""The epoch's loss and accuracy weigh each step by its batch size (unequal batches).

23 samples in batches of 10 make steps of 10, 10 and 3 samples: an unweighted mean of the step
losses would give the 3-sample step the weight of 10 samples. A spy loss scores every batch
itself (its own log-softmax, its own argmax), so the expected epoch numbers are computed
independently of the Trainer's bookkeeping and of ``History.step_loss``.
"""

import numpy as np
import pytest

from zeronn.data import iterate_batches, num_batches
from zeronn.layers.activations import ReLU
from zeronn.layers.affine import Affine
from zeronn.losses import SoftmaxCrossEntropy
from zeronn.model import Sequential
from zeronn.optim import SGD
from zeronn.trainer import Trainer

N, BATCH, EPOCHS = 23, 10, 3


class ScoringLoss:
    """SoftmaxCrossEntropy for the Trainer; records (batch size, loss, correct) of each batch,
    computed here from the logits."""

    def __init__(self):
        self.inner = SoftmaxCrossEntropy()
        self.steps = []

    def forward(self, logits, t):
        shifted = logits - logits.max(axis=1, keepdims=True)
        log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        loss = -log_p[np.arange(len(t)), t].mean()
        correct = int((logits.argmax(axis=1) == t).sum())
        self.steps.append((len(t), float(loss), correct))
        return self.inner.forward(logits, t)

    def backward(self):
        return self.inner.backward()


class ArraySource:
    """Arrays through the BatchSource protocol, as Trainer.fit takes any source."""

    def __init__(self, x, t):
        self.x, self.t = x, t

    def num_batches(self, batch_size):
        return num_batches(len(self.x), batch_size)

    def batches(self, batch_size, rng=None, shuffle=True, augment=None):
        return iterate_batches(self.x, self.t, batch_size, rng, shuffle=shuffle, augment=augment)


def three_blobs(rng):
    t = np.arange(N) % 3
    centers = np.array([[1.0, 0.0], [-1.0, 1.0], [-1.0, -1.0]])
    return centers[t] + 0.8 * rng.standard_normal((N, 2)), t


@pytest.mark.parametrize("entry", ["arrays", "source"])
def test_epoch_loss_and_accuracy_are_means_weighted_by_batch_size(entry):
    rng = np.random.default_rng(0)
    x, t = three_blobs(rng)
    model = Sequential([Affine(2, 8, rng=rng), ReLU(), Affine(8, 3, rng=rng)])
    loss = ScoringLoss()
    trainer = Trainer(
        model, SGD(model.parameters(), lr=0.5), loss=loss, batch_size=BATCH, rng=1, verbose=0
    )
    if entry == "arrays":
        history = trainer.fit(x, t, EPOCHS)
    else:
        history = trainer.fit(ArraySource(x, t), epochs=EPOCHS)

    steps = np.array(loss.steps)  # (epochs · 3, 3): size, loss, correct
    assert steps[:, 0].tolist() == [10, 10, 3] * EPOCHS
    for epoch, rows in enumerate(steps.reshape(EPOCHS, 3, 3)):
        sizes, losses, correct = rows.T
        weighted = (sizes * losses).sum() / N
        # the test can tell the two apart: the 3-sample step's loss is not the others'
        assert abs(weighted - losses.mean()) > 1e-3
        assert history.loss[epoch] == pytest.approx(weighted, rel=1e-12)
        assert history.accuracy[epoch] == correct.sum() / N
        assert correct.sum() / N != pytest.approx((correct / sizes).mean())  # likewise
    assert history.step_loss == pytest.approx(steps[:, 1].tolist(), rel=1e-12)
