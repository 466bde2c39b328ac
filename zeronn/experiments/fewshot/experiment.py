"""One paired comparison: the same network trained without and with rotated copies, evaluated.

The blog's network is 784-200-200-10 with ReLU and a softmax cross-entropy on top. In the text
design both arms start from the *same* initial weights and the same drawn images, so the
difference between them is the rotated copies alone. In the literal reading each arm replays
its own ``numpy.random.seed(seed)`` stream (images, then weights), as the blog's code did.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from zeronn.augment import expand
from zeronn.data import load_dataset
from zeronn.data.catalog import DATASETS
from zeronn.data.datasets import scale_pixels
from zeronn.data.errors import DataError
from zeronn.metrics import confusion_matrix
from zeronn.parallel import cached, remember

from .config import FewshotConfig
from .draws import draw_indices, literal_draw
from .network import IMAGE_SHAPE, blog_weights_state, build_network
from .training import first_step_below, train_full_batch

LOSS_THRESHOLDS = (0.1, 0.01)
# Evaluation batch: big enough to keep BLAS busy, small enough to stay a few MB per layer.
EVAL_BATCH = 2000


@dataclass(frozen=True)
class Dataset:
    """Training images as uint8 pixels (N, 784), test images (M, 784) in [0, 1] float32, with
    int labels.

    The training images stay uint8 (47 MB for MNIST; as float32 they would take 188 MB in every
    process of a study): a run draws a few, and :meth:`train_images` scales just those, to the
    very float32 values the loader's ``normalize=True`` gives. Every run scores all the test
    images, so those are scaled once.
    """

    name: str
    train_pixels: NDArray[np.uint8]
    t_train: NDArray[np.integer]
    x_test: NDArray[np.floating]
    t_test: NDArray[np.integer]
    class_names: tuple[str, ...]

    def train_images(self, indices: NDArray[np.intp] | slice = slice(None)) -> NDArray[np.float32]:
        """Training images ``indices`` (all by default), (n, 784) float32 in [0, 1]."""
        return scale_pixels(self.train_pixels[indices])


@dataclass(frozen=True)
class TrainingSet:
    """The images one arm trains on, with where each came from (for the figure and JSON).

    ``sources``: (N,) index of the original training image; ``angles``: (N,) rotation in
    degrees (0 for an original).
    """

    x: NDArray[np.floating]
    t: NDArray[np.integer]
    sources: NDArray[np.intp]
    angles: NDArray[np.float64]


@dataclass
class RunResult:
    """What one training run produced: its loss curve and its score on the whole test set."""

    name: str
    images: int
    losses: NDArray[np.float64]
    test_accuracy: float
    per_class_accuracy: NDArray[np.float64]
    predicted_counts: NDArray[np.int64]
    seconds: float
    first_below: dict[float, int | None] = field(init=False)

    def __post_init__(self) -> None:
        self.first_below = {th: first_step_below(self.losses, th) for th in LOSS_THRESHOLDS}

    @property
    def final_loss(self) -> float:
        """The loss at the last step (before its update)."""
        return float(self.losses[-1])

    def summary(self, *, with_curve: bool = False) -> dict[str, object]:
        """JSON-ready numbers (the per-step curve only when asked: it is long)."""
        payload: dict[str, object] = {
            "images": self.images,
            "initial_loss": float(self.losses[0]),
            "final_loss": self.final_loss,
            "first_step_below": {str(th): step for th, step in self.first_below.items()},
            "test_accuracy": self.test_accuracy,
            "per_class_accuracy": self.per_class_accuracy.tolist(),
            "predicted_class_counts": self.predicted_counts.tolist(),
            "seconds": self.seconds,
        }
        if with_curve:
            payload["loss_per_step"] = self.losses.tolist()
        return payload


@dataclass(frozen=True)
class PairedOutcome:
    """Both arms of one comparison and the images each saw."""

    without: RunResult
    with_rotation: RunResult
    plain_set: TrainingSet
    rotated_set: TrainingSet


def load_data(config: FewshotConfig) -> Dataset:
    """Load the dataset of ``config`` (the loader says where to put missing files).

    Also remembered for the process's runs (:func:`zeronn.parallel.cached`), so a study's runs
    in this process reuse it and a worker process loads it once.
    """
    (train_pixels, t_train), (test_pixels, t_test) = load_dataset(
        config.dataset,
        normalize=False,
        root=config.root,
        download=config.download,
        verify=config.verify,
    )
    # Checked by the config for the published files; here for unverified ones, before any step.
    smallest_class = int(np.bincount(t_train, minlength=10).min())
    problem = config.size_problem(len(train_pixels), smallest_class)
    if problem is not None:
        raise DataError(problem)
    data = Dataset(
        name=config.dataset,
        train_pixels=train_pixels,
        t_train=t_train,
        x_test=scale_pixels(test_pixels),
        t_test=t_test,
        class_names=tuple(DATASETS[config.dataset].classes),
    )
    remember(data_key(config), data)
    return data


def data_key(config: FewshotConfig) -> tuple:
    """What identifies the loaded data of ``config`` (for the per-process cache)."""
    return ("fewshot", config.dataset, str(config.root), config.verify)


def paired_task(config: FewshotConfig, seed: int) -> PairedOutcome:
    """One paired run as a study's unit of work: it finds (or loads) the data itself."""
    return paired_run(cached(data_key(config), lambda: load_data(config)), config, seed)


def text_design_sets(
    data: Dataset, config: FewshotConfig, rng: np.random.Generator
) -> tuple[TrainingSet, TrainingSet]:
    """The drawn originals, and the originals each followed by its rotated copies.

    Reads ``samples``, ``sampling``, ``angles``, ``order`` (the rotation's spline order: 3,
    scipy.ndimage.rotate's default, which the blog's call used) and ``dtype`` from ``config``.
    """
    angles = config.angles
    indices = draw_indices(data.t_train, config.samples, config.sampling, rng)
    # One cast up front: the model would otherwise cast the batch again on every step.
    x = data.train_images(indices).astype(config.numpy_dtype)
    t = data.t_train[indices]
    plain = TrainingSet(x, t, indices, np.zeros(len(indices)))
    x_rotated, t_rotated = expand(x, t, angles, order=config.order, image_shape=IMAGE_SHAPE)
    copies = 1 + len(angles)
    rotated = TrainingSet(
        np.ascontiguousarray(x_rotated),
        t_rotated,
        np.repeat(indices, copies),
        np.tile(np.array((0.0, *angles)), len(indices)),
    )
    return plain, rotated


def run_arm(
    name: str,
    training_set: TrainingSet,
    initial_state: dict[str, NDArray],
    data: Dataset,
    config: FewshotConfig,
) -> RunResult:
    """Train a fresh network from ``initial_state`` on ``training_set``; test on all test images.

    Reads ``steps``, ``lr`` and ``dtype`` from ``config``.
    """
    start = time.perf_counter()
    # The rng only fills weights that load_state_dict overwrites at once.
    model = build_network(config.init, np.random.default_rng(0), config.numpy_dtype)
    model.load_state_dict(initial_state)
    losses = train_full_batch(
        model, training_set.x, training_set.t, steps=config.steps, lr=config.lr
    )
    predicted = model.predict(data.x_test, batch_size=EVAL_BATCH).argmax(axis=1)
    num_classes = len(data.class_names)
    matrix = confusion_matrix(data.t_test, predicted, num_classes)
    per_class = np.diag(matrix) / np.maximum(matrix.sum(axis=1), 1)
    return RunResult(
        name=name,
        images=len(training_set.x),
        losses=losses,
        test_accuracy=float(np.trace(matrix) / matrix.sum()),
        per_class_accuracy=per_class,
        predicted_counts=matrix.sum(axis=0),
        seconds=time.perf_counter() - start,
    )


def paired_run(data: Dataset, config: FewshotConfig, seed: int) -> PairedOutcome:
    """The text design: one Generator(seed) draws the images, then the shared initial weights.

    Every other setting comes from ``config`` (its own ``seed`` is ignored: a study passes
    each of ``config.run_seeds``).
    """
    rng = np.random.default_rng(seed)
    plain, rotated = text_design_sets(data, config, rng)
    initial_state = build_network(config.init, rng, config.numpy_dtype).state_dict()
    without = run_arm("without rotation", plain, initial_state, data, config)
    with_rotation = run_arm("with rotation", rotated, initial_state, data, config)
    return PairedOutcome(without, with_rotation, plain, rotated)


def literal_run(data: Dataset, config: FewshotConfig) -> PairedOutcome:
    """The blog's code as written: rotate every training image, then draw from the pool.

    The pool is ``expand`` of all N training images, ordered (original, then one copy per
    angle) per image, exactly as the code builds it; the augmented arm trains on ``samples``
    pool items drawn by ``RandomState(seed).choice(len(pool), samples)``, the plain arm on
    ``RandomState(seed).choice(N, samples)`` originals. Each arm's weights come from its own
    stream right after its draw. ``config.init`` is the std of those weights.
    """
    seed, samples, angles, std = config.seed, config.samples, config.angles, float(config.init)
    dtype = config.numpy_dtype
    copies = 1 + len(angles)
    x_train = data.train_images().astype(dtype, copy=False)
    plain_draw = literal_draw(len(x_train), samples, seed, std=std)
    # clip=False: the blog's scipy.ndimage.rotate keeps the cubic spline's overshoot.
    pool_x, pool_t = expand(
        x_train, data.t_train, angles, order=config.order, image_shape=IMAGE_SHAPE, clip=False
    )
    del x_train
    pool_draw = literal_draw(len(pool_x), samples, seed, std=std)

    plain_indices = plain_draw.indices
    plain = TrainingSet(
        data.train_images(plain_indices).astype(dtype),
        data.t_train[plain_indices],
        plain_indices,
        np.zeros(samples),
    )
    slot_angles = np.array((0.0, *angles))
    rotated = TrainingSet(
        np.ascontiguousarray(pool_x[pool_draw.indices]),
        pool_t[pool_draw.indices],
        pool_draw.indices // copies,
        slot_angles[pool_draw.indices % copies],
    )
    del pool_x, pool_t
    without = run_arm(
        "without rotation", plain, blog_weights_state(plain_draw.weights), data, config
    )
    with_rotation = run_arm(
        "with rotation", rotated, blog_weights_state(pool_draw.weights), data, config
    )
    return PairedOutcome(without, with_rotation, plain, rotated)
