"""Lesson 9: where does a convnet look? Grad-CAM maps for its right and wrong answers.

Grad-CAM (Selvaraju et al. 2017) weighs the feature maps A_k of one layer by how much the
class score y_c grows with each, and keeps the positive evidence:

    α_k = mean over the map of ∂y_c/∂A_k,        cam = ReLU(Σ_k α_k A_k)

upsampled onto the image and scaled to [0, 1]. ``zeronn.explain.grad_cam`` computes it with
the layers' own backward passes; ``zeronn.plots.plot_gradcam`` draws the maps over their
digits, each titled with the predicted class and its probability over the true class (blue
when right, red when wrong). Here: a SimpleConvNet trained for one epoch, the maps of its
last convolution (after its ReLU) for the first 8 test digits and the first 8 it gets wrong,
each for the class it predicted.

Does the map look at the digit? The share of a map's total that lies on or next to the
strokes (within 2 pixels of a pixel above 0.3), against the share of the image that area
covers (about 39%). The maps of this first (and only) convolution follow the edges of the
strokes: the filters are edge detectors (lesson 8).

What it shows (full mode; the ranges hold for any seed): test accuracy 97.5–98.8%; on
average 52–72% of a map lies on or next to the strokes, 1.3 to 1.9 times their share of the
image; a map can also be empty (no positive evidence at that layer), and the mistakes often
light up the part of a stroke that resembles another digit.

Full mode: about 14 s on 1 BLAS thread (2-core AMD EPYC, docs/lessons.md);
``--ci``: about 2 s, one epoch on 3,000 images and 2,000
test digits: accuracy 85–95%, 45–72% of the maps near the strokes.

    python examples/lessons/09_gradcam.py [--ci] [--out DIR] [--seed N]

See also ``examples/gradcam.py``: the same maps for a saved model (``--load``), e.g. the
DeepConvNet of ``zeronn train``.
"""

# %%
import numpy as np
from _lesson import start
from scipy import ndimage

import zeronn
from zeronn.explain import grad_cam

lesson = start("09_gradcam", "Grad-CAM on MNIST")
(x_train, t_train), (x_test, t_test) = zeronn.load_mnist(flatten=False)  # (N, 1, 28, 28)
size, test_size = lesson.pick((54_000, 10_000), (3_000, 2_000))
x_test, t_test = x_test[:test_size], t_test[:test_size]

# %%
model = zeronn.simple_convnet((1, 28, 28), dtype="float32")
trainer = zeronn.Trainer(model, zeronn.Adam(model.parameters(), lr=0.001), batch_size=100)
trainer.fit(x_train[:size], t_train[:size], epochs=1)
logits = trainer.predict(x_test)
probabilities = np.exp(logits - logits.max(axis=1, keepdims=True))  # softmax, row by row
probabilities /= probabilities.sum(axis=1, keepdims=True)
predicted = probabilities.argmax(axis=1)
test_accuracy = float(np.mean(predicted == t_test))
lesson.expect("test accuracy", test_accuracy, (0.975, 0.988), (0.85, 0.95), percent=True)

# %% [markdown]
# ## The maps: 8 test digits, then 8 mistakes

# %%
chosen = np.concatenate([np.arange(8), np.flatnonzero(predicted != t_test)[:8]])
cams = grad_cam(model, x_test[chosen], predicted[chosen])  # (16, 28, 28) in [0, 1]
figure = zeronn.plots.plot_gradcam(x_test[chosen], cams, probabilities[chosen], t_test[chosen])
lesson.save(figure, "gradcam.png")

# %% [markdown]
# ## Do the maps fall on the strokes?

# %%
sample = np.arange(200)
cams = grad_cam(model, x_test[sample], predicted[sample])
# "Near the strokes": within 2 pixels of a pixel above 0.3 (a 5×5 neighbourhood).
near = ndimage.maximum_filter(x_test[sample, 0], size=(1, 5, 5)) > 0.3
share = (cams * near).sum(axis=(1, 2)) / np.maximum(cams.sum(axis=(1, 2)), 1e-12)
print(f"the strokes and their surroundings cover {near.mean():.1%} of an image on average")
lesson.expect(
    "share of the maps near the strokes",
    float(share.mean()),
    (0.52, 0.72),
    (0.45, 0.72),
    percent=True,
)
lesson.finish()
