"""Which training images each run sees: the blog's text design, or its code's literal draw.

The blog's *text* says: draw 10 training images (seed 8); train once on them and once on them
plus each rotated by +15° and −15° (30 images). That is the default here, with a
``numpy.random.Generator`` seeded with ``--seed``: :func:`draw_indices`.

The blog's *code* does something else: it first rotates all 60,000 training images, building
a pool of 180,000 ordered (original, +15°, −15°) per image, then draws
``numpy.random.seed(8); numpy.random.choice(180000, 10)`` from that pool — so its "augmented" run
trains on 10 images, some of them rotated — and draws its weights ``W1, W2, W3 =
0.01 * np.random.randn(...)`` from the same global stream right after. :func:`literal_draw`
replays that with a private ``np.random.RandomState(seed)``, which yields exactly the legacy
global stream without touching global state. For the run without augmentation we read the
code as the same draw from the 60,000 originals, ``RandomState(seed).choice(60000, 10)``
(with replacement, ``choice``'s default), followed by the weights from that same stream.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from zeronn.data import sample_per_class, sample_random


def draw_indices(
    labels: NDArray[np.integer],
    samples: int,
    sampling: str,
    rng: np.random.Generator,
    *,
    num_classes: int = 10,
) -> NDArray[np.int64]:
    """Indices of ``samples`` distinct training images (the text design), sorted, (samples,).

    ``"random"``: uniformly without replacement from all N images. ``"per-class"``:
    ``samples // num_classes`` distinct images of each class.
    """
    if sampling == "random":
        return sample_random(len(labels), samples, rng)
    if sampling == "per-class":
        if samples % num_classes:
            raise ValueError(
                f"per-class sampling needs samples to be a multiple of {num_classes}, got {samples}"
            )
        return sample_per_class(labels, samples // num_classes, rng, num_classes=num_classes)
    raise ValueError(f"sampling must be 'random' or 'per-class', got {sampling!r}")


# The blog's network: the weight shapes in the order its code draws them.
BLOG_WEIGHT_SHAPES = ((784, 200), (200, 200), (200, 10))


@dataclass(frozen=True)
class LiteralDraw:
    """What the blog's code draws from one ``numpy.random.seed(seed)`` stream, in order.

    ``indices``: (samples,) positions in the pool (with repeats possible);
    ``weights``: ``std * randn(shape)`` for each shape, float64, as the code draws them.
    """

    indices: NDArray[np.intp]
    weights: tuple[NDArray[np.float64], ...]


def literal_draw(
    pool_size: int,
    samples: int,
    seed: int,
    *,
    std: float = 0.01,
    weight_shapes: tuple[tuple[int, int], ...] = BLOG_WEIGHT_SHAPES,
) -> LiteralDraw:
    """Replay ``numpy.random.seed(seed); idx = numpy.random.choice(pool_size, samples)`` and the
    weight draws ``std * np.random.randn(*shape)`` that follow, without global state.
    """
    if samples > pool_size:
        # with replacement this would "work", but the blog never draws more than it has
        raise ValueError(f"cannot draw {samples} images from a pool of {pool_size}")
    # RandomState, not Generator: only the legacy Mersenne Twister stream reproduces the
    # blog's numbers. It is a private object, so no global state is touched.
    stream = np.random.RandomState(seed)
    indices = stream.choice(pool_size, samples).astype(np.intp)
    weights = tuple(std * stream.randn(*shape) for shape in weight_shapes)
    return LiteralDraw(indices=indices, weights=weights)
