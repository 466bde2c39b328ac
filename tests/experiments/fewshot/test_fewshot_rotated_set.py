"""The "with rotation" arm trains on rotated copies: pixel by pixel against scipy.ndimage.rotate.

The blog rotated with ``scipy.ndimage.rotate(img, angle, reshape=False, mode='nearest')``,
angles in degrees, counter-clockwise, a cubic spline (``--order 3``). The text design (the
default) clips the spline's overshoot to each image's own [min, max]; ``--literal`` keeps it
(scipy's output exactly). These tests take the arrays each arm was actually trained on (a spy
on ``train_full_batch``) and compare every row with scipy at the angle ``results.json``
records, so copies left un-rotated, rotated by the wrong angle or unit, the other way round or
with another spline all fail, even when the count and the recorded angles are right.
"""

import json

import numpy as np
import pytest
import scipy.ndimage as ndi

from zeronn.data import write_idx
from zeronn.experiments.fewshot import experiment
from zeronn.experiments.fewshot.config import FewshotConfig
from zeronn.experiments.fewshot.run import run_fewshot

TRAIN, TEST = 40, 20


@pytest.fixture
def digits(tmp_path):
    """A folder with the four MNIST files, and the training pixels it holds (uint8, N×28×28).

    Each image is noise plus an off-centre bar, so no rotation maps it onto itself.
    """
    rng = np.random.default_rng(5)
    root = tmp_path / "data"
    root.mkdir()
    pixels = {}
    for prefix, count in (("train", TRAIN), ("t10k", TEST)):
        labels = (np.arange(count) % 10).astype(np.uint8)
        images = rng.integers(0, 60, size=(count, 28, 28), dtype=np.uint8)
        for index, label in enumerate(labels):
            images[index, 3 + 2 * label : 6 + 2 * label, 5:20] = 255
        write_idx(root / f"{prefix}-images-idx3-ubyte.gz", images)
        write_idx(root / f"{prefix}-labels-idx1-ubyte.gz", labels)
        pixels[prefix] = images
    return root, pixels["train"]


@pytest.fixture
def trained_on(monkeypatch):
    """Every (x, t) an arm is trained on, in call order (without rotation first)."""
    calls = []
    original = experiment.train_full_batch

    def spy(model, x, t, **kwargs):
        calls.append((x.copy(), t.copy()))
        return original(model, x, t, **kwargs)

    monkeypatch.setattr(experiment, "train_full_batch", spy)
    return calls


def blog_rotation(image, angle, order, *, clip):
    """The blog's call on one 28×28 image, clipped to the image's range in the text design."""
    rotated = ndi.rotate(image, angle, reshape=False, order=order, mode="nearest")
    return np.clip(rotated, image.min(), image.max()) if clip else rotated


def check_rotated_rows(x, sources, angles, train_pixels, order, *, clip):
    images = (train_pixels.astype(np.float32) / np.float32(255)).astype(np.float64)
    assert len(x) == len(sources) == len(angles)
    for row, (source, angle) in enumerate(zip(sources, angles, strict=True)):
        expected = blog_rotation(images[source], angle, order, clip=clip)
        np.testing.assert_allclose(
            x[row].reshape(28, 28),
            expected,
            atol=1e-6,
            err_msg=f"training row {row}: image {source} rotated by {angle}°",
        )


@pytest.mark.parametrize("order", [3, 1])
def test_text_design_trains_on_the_originals_and_their_rotations(
    digits, trained_on, tmp_path, order
):
    root, train_pixels = digits
    out = tmp_path / "out"
    config = FewshotConfig(root=root, verify=False, out=out, steps=2, order=order)
    run_fewshot(config, printer=lambda _: None)
    recorded = json.loads((out / "results.json").read_text())["training_images"]

    assert len(trained_on) == 2, "one training call per arm"
    (x_plain, _), (x_rotated, t_rotated) = trained_on
    plain, rotated = recorded["without"], recorded["with"]
    # per drawn image: the original, then +15°, then -15°, recorded as such
    assert rotated["angles"] == [0.0, 15.0, -15.0] * config.samples
    assert rotated["source_indices"] == np.repeat(plain["source_indices"], 3).tolist()
    np.testing.assert_array_equal(t_rotated, rotated["labels"])
    check_rotated_rows(
        x_rotated, rotated["source_indices"], rotated["angles"], train_pixels, order, clip=True
    )
    # the plain arm trains on the drawn originals, untouched
    check_rotated_rows(
        x_plain, plain["source_indices"], plain["angles"], train_pixels, order, clip=True
    )


def test_literal_reading_trains_on_scipy_rotations_from_the_pool(digits, trained_on, tmp_path):
    root, train_pixels = digits
    out = tmp_path / "literal"
    config = FewshotConfig(root=root, verify=False, out=out, steps=2, literal=True)
    run_fewshot(config, printer=lambda _: None)
    recorded = json.loads((out / "results.json").read_text())["training_images"]

    assert len(trained_on) == 2
    x_rotated = trained_on[1][0]
    rotated = recorded["with"]
    pool = np.random.RandomState(8).choice(3 * TRAIN, config.samples)
    assert rotated["angles"] == [(0.0, 15.0, -15.0)[i % 3] for i in pool]
    assert any(angle != 0 for angle in rotated["angles"])  # the check below sees rotations
    # the blog's scipy call as it is: the cubic overshoot is kept
    check_rotated_rows(
        x_rotated, rotated["source_indices"], rotated["angles"], train_pixels, 3, clip=False
    )
