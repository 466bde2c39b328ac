"""Lesson 8: what a convolution learns: its filters before and after training (the book's §7.6).

The book's SimpleConvNet (conv 30×5×5 – ReLU – max-pool 2 – Affine 100 – ReLU – Affine 10),
with the book's initial weights 0.01·N(0, 1), starts with random filters: 30 small images of
noise. After training on MNIST the same 30
filters hold smooth patterns of light and dark: edge and stroke detectors, each responding
where the digit has an edge of its orientation. ``zeronn.plots.plot_filters`` draws them, each
on its own gray scale (dark: negative weights, light: positive).

How smooth is a filter? The correlation between horizontally or vertically neighbouring
weights of the same filter (its mean removed): about 0 for noise, clearly positive for an
edge detector. The third figure shows what the trained filters make of one test digit: the 30
feature maps of the first layer (each the image correlated with one filter, then ReLU).

What it shows (full mode; the ranges hold for any seed): the neighbour correlation rises from
−0.1–0.1 before training to 0.55–0.85 after one epoch on 54,000 images (Adam, lr 0.001);
test accuracy 95–97.5%. (With He's larger initial weights the network learns as well, but
one epoch leaves the noise visible in the filters: try ``init="he"``.)

Full mode: about 16 s on 1 BLAS thread (2-core AMD EPYC, docs/lessons.md);
``--ci``: about 3 s, one epoch on 3,000 images and 2,000
test images: the correlation 0.25–0.6, test accuracy 55–85%.

    python examples/lessons/08_conv_filters.py [--ci] [--out DIR] [--seed N]

See also ``examples/convnet_mnist.py``: the same network trained with augmentation, saved and
loaded back.
"""

# %%
import numpy as np
from _lesson import start

import zeronn
from zeronn.inspection import layer_outputs

lesson = start("08_conv_filters", "convolution filters before and after training")
(x_train, t_train), (x_test, t_test) = zeronn.load_mnist(flatten=False)  # (N, 1, 28, 28)
size, test_size = lesson.pick((54_000, 10_000), (3_000, 2_000))


def neighbour_correlation(W):
    """Mean correlation of horizontally and vertically adjacent weights within each filter."""
    W = W[:, 0] - W[:, 0].mean(axis=(1, 2), keepdims=True)  # (F, kh, kw), each filter centred
    pairs = [(W[:, :, :-1], W[:, :, 1:]), (W[:, :-1, :], W[:, 1:, :])]
    products = sum(float(np.sum(a * b)) for a, b in pairs)
    norms = sum(float(np.sqrt(np.sum(a * a) * np.sum(b * b))) for a, b in pairs)
    return products / norms


# %% [markdown]
# ## Before training: noise

# %%
model = zeronn.simple_convnet((1, 28, 28), init=0.01, dtype="float32")  # the book's init
conv = model[0]
before = neighbour_correlation(conv.W.data)
lesson.expect("neighbour correlation before training", before, (-0.1, 0.1))
lesson.save(zeronn.plots.plot_filters(conv.W.data, ncols=10), "filters_before.png")

# %% [markdown]
# ## One epoch of training

# %%
trainer = zeronn.Trainer(model, zeronn.Adam(model.parameters(), lr=0.001), batch_size=100)
trainer.fit(x_train[:size], t_train[:size], epochs=1)
_, test_accuracy = trainer.evaluate(x_test[:test_size], t_test[:test_size])
after = neighbour_correlation(conv.W.data)
lesson.expect("neighbour correlation after training", after, (0.55, 0.85), (0.25, 0.6))
lesson.expect("test accuracy", test_accuracy, (0.95, 0.975), (0.55, 0.85), percent=True)
lesson.save(zeronn.plots.plot_filters(conv.W.data, ncols=10), "filters_after.png")

# %% [markdown]
# ## What the trained filters see in one digit
# The output of the first ReLU: 30 maps of 24×24, bright where the digit matches the filter.

# %%
maps = layer_outputs(model, x_test[:1], kinds=zeronn.ReLU)["1"][0]  # (30, 24, 24)
digit = x_test[0, 0, 2:-2, 2:-2]  # the 24×24 centre each map covers
figure = zeronn.plots.image_grid(
    np.concatenate([digit[None], maps]), titles=["digit", *map(str, range(30))], ncols=8
)
lesson.save(figure, "feature_maps.png")
lesson.finish()
