"""load_image_folder and ImageFolderDataset on folders the tests draw: loading, bad files,
argument checks, streaming, augmentation, validation splits, bounded memory, and training."""

import os
import shutil
import tracemalloc
import warnings
from pathlib import Path

import numpy as np
import pytest
from image_folders import SHAPES, make_class_folders
from PIL import Image

from zeronn.augment import ImageDataGenerator, Pipeline, RandomFlip, RandomRotation, RandomShift
from zeronn.data import (
    BadImageWarning,
    ImageFolderDataset,
    ImageFolderError,
    image_folder_splits,
    load_image_folder,
)
from zeronn.data import image_folder as image_folder_module
from zeronn.models import simple_convnet
from zeronn.optim import Adam
from zeronn.trainer import Trainer


@pytest.fixture(scope="module")
def shapes_folder(tmp_path_factory):
    """3 classes of 12 drawn shapes each, PNG and JPEG alternating."""
    return make_class_folders(tmp_path_factory.mktemp("shapes"), 12, size=(20, 28))


def add_bad_files(root):
    """Five kinds of bad file in root/disk and root/plus; returns their names."""
    good = root / "disk" / "0000.png"
    (root / "disk" / "broken.jpg").write_bytes(os.urandom(300))
    (root / "disk" / "empty.png").write_bytes(b"")
    (root / "plus" / "truncated.png").write_bytes(good.read_bytes()[:200])
    (root / "plus" / "notes.txt").write_text("a note, not an image")
    os.symlink(root / "plus" / "loop.png", root / "plus" / "loop.png")
    return {"broken.jpg", "empty.png", "truncated.png", "notes.txt", "loop.png"}


def test_load_image_folder_returns_images_labels_and_class_names(shapes_folder):
    data = load_image_folder(shapes_folder, (16, 24), color="rgb")
    assert data.class_names == SHAPES
    assert data.images.shape == (36, 3, 16, 24)
    assert data.images.dtype == np.float32
    assert data.images.min() >= 0
    assert data.images.max() <= 1
    assert data.labels.dtype == np.int64
    np.testing.assert_array_equal(data.labels, np.repeat([0, 1, 2], 12))
    assert [Path(path).parent.name for path in data.paths] == [SHAPES[k] for k in data.labels]
    assert data.skipped == ()
    assert len(data) == 36

    gray = load_image_folder(shapes_folder, 16, color="grayscale", classes=["square", "disk"])
    assert gray.images.shape == (24, 1, 16, 16)
    assert gray.class_names == ("square", "disk")
    np.testing.assert_array_equal(gray.labels, np.repeat([0, 1], 12))


def test_threads_do_not_change_the_result(shapes_folder):
    one = load_image_folder(shapes_folder, 16, workers=1)
    two = load_image_folder(shapes_folder, 16, workers=3)
    np.testing.assert_array_equal(one.images, two.images)


def test_bad_files_are_listed_in_one_error(tmp_path):
    root = make_class_folders(tmp_path, 4, size=(12, 12))
    bad = add_bad_files(root)
    with pytest.raises(ImageFolderError) as caught:
        load_image_folder(root, 8)
    message = str(caught.value)
    assert message.startswith(f"load_image_folder: 5 of 17 files in {root} could not be read")
    assert "pass skip_bad=True" in message
    for name in bad:
        assert name in message
    assert "disk/broken.jpg: UnidentifiedImageError: cannot identify image file" in message
    assert "plus/notes.txt: not an image file by its name" in message
    assert {Path(path).name for path, _ in caught.value.bad_files} == bad


def test_skip_bad_leaves_them_out_and_says_which(tmp_path):
    root = make_class_folders(tmp_path, 4, size=(12, 12))
    bad = add_bad_files(root)
    with pytest.warns(BadImageWarning, match=r"5 of 17 files .* skipped \(skip_bad=True\)"):
        data = load_image_folder(root, 8, skip_bad=True)
    assert len(data) == 12
    assert {Path(path).name for path, _ in data.skipped} == bad
    assert not {Path(path).name for path in data.paths} & bad


def test_nothing_readable_is_an_error_even_with_skip_bad(tmp_path):
    (tmp_path / "cat").mkdir()
    (tmp_path / "cat" / "a.png").write_text("text")
    with pytest.warns(BadImageWarning), pytest.raises(ImageFolderError, match="no file of"):
        load_image_folder(tmp_path, 8, skip_bad=True)


@pytest.mark.parametrize(
    ("arguments", "error", "message"),
    [
        ({"root": "missing"}, FileNotFoundError, "root to be an existing folder, got '.*missing'"),
        ({"root": "cat/0000.png"}, NotADirectoryError, "root to be a folder, got .* a file"),
        ({"root": 3}, TypeError, "expected root as a path"),
        ({"image_size": 0}, ValueError, "image_size to be a positive integer, got 0"),
        ({"image_size": (8, 8, 3)}, ValueError, r"image_size as an int or a pair, got \(8, 8, 3\)"),
        ({"image_size": "64"}, TypeError, "image_size to be a positive integer, got '64'"),
        ({"color": "RGB"}, ValueError, "color to be one of 'rgb', 'grayscale', got 'RGB'"),
        ({"classes": ["cat", "cow"]}, ValueError, r"classes \['cow'\] are not folders"),
        ({"workers": 0}, ValueError, "workers to be a positive integer, got 0"),
    ],
)
@pytest.mark.parametrize("entry", [load_image_folder, ImageFolderDataset, image_folder_splits])
def test_arguments_are_checked_before_any_decoding(
    tmp_path, monkeypatch, entry, arguments, error, message
):
    root = tmp_path / "data"
    (root / "cat").mkdir(parents=True)
    Image.new("RGB", (4, 4)).save(root / "cat" / "0000.png")
    monkeypatch.chdir(root)
    monkeypatch.setattr(image_folder_module, "decode_image", pytest.fail)
    call = {"root": root, "image_size": 8, **arguments}
    with pytest.raises(error, match=message):
        entry(call.pop("root"), call.pop("image_size"), **call)


def test_a_root_holding_train_and_test_points_to_them(tmp_path):
    make_class_folders(tmp_path / "train", 2, size=(12, 12))
    make_class_folders(tmp_path / "test", 2, size=(12, 12))
    with pytest.raises(ValueError, match="holds train/ and test/, not class folders"):
        load_image_folder(tmp_path, 8)


# --- streaming -----------------------------------------------------------------------------


def test_batches_cover_every_image_once_in_the_rng_order(shapes_folder):
    dataset = ImageFolderDataset(shapes_folder, 16, workers=2)
    assert len(dataset) == 36
    assert dataset.image_shape == (3, 16, 16)
    assert dataset.num_batches(10) == 4
    loaded = dataset.load().images
    batches = list(dataset.batches(10, rng=5))
    assert [len(t) for _, t in batches] == [10, 10, 10, 6]
    order = np.random.default_rng(5).permutation(36)
    np.testing.assert_array_equal(np.concatenate([x for x, _ in batches]), loaded[order])
    np.testing.assert_array_equal(np.concatenate([t for _, t in batches]), dataset.labels[order])
    x, t = batches[0]
    assert x.dtype == np.float32
    assert t.dtype == np.int64

    in_order = list(dataset.batches(16, shuffle=False, drop_last=True))
    assert [len(t) for _, t in in_order] == [16, 16]
    np.testing.assert_array_equal(in_order[0][0], loaded[:16])


def test_same_seed_same_augmented_batches(shapes_folder):
    dataset = ImageFolderDataset(shapes_folder, 16)
    augment = ImageDataGenerator(rotation_range=20, horizontal_flip=True, width_shift_range=0.1)
    first = [x for x, _ in dataset.batches(8, rng=3, augment=augment)]
    again = [x for x, _ in dataset.batches(8, rng=3, augment=augment)]
    plain = [x for x, _ in dataset.batches(8, rng=3)]
    for a, b, c in zip(first, again, plain, strict=True):
        np.testing.assert_array_equal(a, b)
        assert a.shape == c.shape
        assert not np.array_equal(a, c)


def test_all_channels_of_an_image_move_together(shapes_folder):
    images = load_image_folder(shapes_folder, 16).images[:6]
    pipeline = Pipeline([RandomFlip(True, True), RandomRotation(30), RandomShift(0.2, 0.2)])
    params = pipeline.sample_params(len(images), np.random.default_rng(0))
    together = pipeline.apply(images, params)
    for channel in range(3):
        alone = pipeline.apply(np.ascontiguousarray(images[:, channel]), params)
        np.testing.assert_allclose(together[:, channel], alone, atol=1e-6)


def test_an_augment_that_changes_the_shape_is_refused(shapes_folder):
    dataset = ImageFolderDataset(shapes_folder, 16)
    with pytest.raises(ValueError, match="augment must return images like its input"):
        next(dataset.batches(4, augment=lambda x, rng: x[:, :1]))
    with pytest.raises(TypeError, match="augment to be a callable"):
        dataset.batches(4, augment="flip")


def test_a_bad_file_met_while_streaming(tmp_path):
    root = make_class_folders(tmp_path, 3, size=(12, 12))
    (root / "disk" / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n broken")
    dataset = ImageFolderDataset(root, 8)
    with pytest.raises(
        ImageFolderError, match=r"(?s)found while decoding a batch.*disk/broken.png: "
    ):
        list(dataset.batches(4, shuffle=False))

    tolerant = ImageFolderDataset(root, 8, skip_bad=True)
    with pytest.warns(BadImageWarning, match="broken.png"):
        sizes = [len(t) for _, t in tolerant.batches(4, shuffle=False)]
    assert sizes == [3, 4, 2]  # broken.png is in the first batch
    assert [Path(path).name for path, _ in tolerant.skipped] == ["broken.png"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # known bad files are not decoded or warned about again
        assert sum(len(t) for _, t in tolerant.batches(4)) == 9


def test_split_draws_a_share_of_each_class(shapes_folder):
    dataset = ImageFolderDataset(shapes_folder, 16)
    train, validation = dataset.split(0.25, rng=0)
    assert np.bincount(validation.labels).tolist() == [3, 3, 3]
    assert np.bincount(train.labels).tolist() == [9, 9, 9]
    assert set(train.paths).isdisjoint(validation.paths)
    assert set(train.paths) | set(validation.paths) == set(dataset.paths)
    assert validation.class_names == dataset.class_names
    assert validation.image_shape == dataset.image_shape
    again, _ = dataset.split(0.25, rng=0)
    other, _ = dataset.split(0.25, rng=1)
    assert again.paths == train.paths
    assert other.paths != train.paths

    splits = image_folder_splits(shapes_folder, 16, validation_fraction=0.25, rng=0)
    assert splits[1].paths == validation.paths


def test_splits_use_train_and_test_subfolders_when_they_exist(tmp_path):
    make_class_folders(tmp_path / "train", 4, size=(12, 12))
    make_class_folders(tmp_path / "test", 2, size=(12, 12), shapes=("disk", "plus", "square"))
    train, test = image_folder_splits(tmp_path, 8, color="grayscale")
    assert (len(train), len(test)) == (12, 6)
    assert train.class_names == test.class_names == SHAPES
    assert {Path(path).parts[-3] for path in test.paths} == {"test"}
    assert next(test.batches(6))[0].shape == (6, 1, 8, 8)

    shutil.rmtree(tmp_path / "test" / "square")
    with pytest.raises(ValueError, match=r"classes \['square'\] are not folders of .*test"):
        image_folder_splits(tmp_path, 8)


def epoch_memory(root):
    """tracemalloc's (peak, most held at a yield) over one augmented epoch of batches of 16,
    above what the dataset holds already.

    One decoding thread and a one-thread warp: the peak then depends on the data alone, not on
    how the threads are scheduled (with more threads, whether two decodes' or two warp chunks'
    temporaries overlapped moved the peak by up to 0.5 MB, run to run, on a busy machine).
    """
    dataset = ImageFolderDataset(root, 24, workers=1)
    augment = ImageDataGenerator(rotation_range=15, horizontal_flip=True, workers=1)
    tracemalloc.start()
    try:
        held = 0
        for _ in dataset.batches(16, rng=0, augment=augment):
            held = max(held, tracemalloc.get_traced_memory()[0])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak, held


def test_streaming_memory_does_not_grow_with_the_folder(tmp_path):
    small = make_class_folders(tmp_path / "small", 16, size=(24, 24))
    large = make_class_folders(tmp_path / "large", 160, size=(24, 24), seed=1)
    epoch_memory(small)  # first decodes and warps import and cache what they need, untraced
    (small_peak, small_held), (large_peak, large_held) = epoch_memory(small), epoch_memory(large)
    batch_bytes = 16 * 3 * 24 * 24 * 4
    assert small_peak > batch_bytes  # the measurement sees at least one batch
    # 10x the images, 30 batches instead of 3: at most one batch more, and what CPython's type
    # attribute cache may keep (up to 4096 names; PIL looks up fresh f-strings, ~60 B each):
    # 26-44 KB when written, where keeping or decoding every image would add ~3 MB
    allowance = batch_bytes + 4096 * 64
    assert large_peak <= small_peak + allowance, (small_peak, large_peak)
    assert large_held <= small_held + allowance, (small_held, large_held)
    # loading everything grows ~10x: what streaming avoids
    assert (
        load_image_folder(large, 24).images.nbytes >= 9 * load_image_folder(small, 24).images.nbytes
    )


def test_a_small_convnet_learns_the_shapes_from_a_streamed_folder(tmp_path):
    root = make_class_folders(tmp_path, 60, size=(24, 24), seed=3)
    train, validation = image_folder_splits(root, 24, validation_fraction=0.25, rng=0)
    model = simple_convnet(
        train.image_shape, filters=8, hidden=32, classes=3, rng=0, dtype=np.float32
    )
    trainer = Trainer(model, Adam(model.parameters(), lr=0.01), batch_size=32, rng=0, verbose=0)
    augment = Pipeline([RandomFlip(horizontal=True, vertical=True)])
    held_out = validation.load()
    accuracy = 0.0
    for epoch in range(12):
        # Trainer.fit takes arrays: one call per streamed batch is one optimizer step
        for x, t in train.batches(32, rng=epoch, augment=augment):
            trainer.fit(x, t, epochs=1)
        _, accuracy = trainer.evaluate(held_out.images, held_out.labels)
        if accuracy >= 0.85:
            break
    assert accuracy >= 0.85, f"validation accuracy {accuracy:.2f} after {epoch + 1} epochs"


def test_after_skipping_load_lists_each_bad_file_once_and_empty_batches_are_dropped(tmp_path):
    root = make_class_folders(tmp_path, 2, size=(12, 12), shapes=("disk", "plus"))
    for name in ("a.png", "b.png"):
        (root / "plus" / name).write_text("not an image")
    dataset = ImageFolderDataset(root, 8, skip_bad=True)
    with pytest.warns(BadImageWarning, match="2 of 6 files"):
        batches = list(dataset.batches(2, shuffle=False))
    # batches: disk 0-1, plus 0000-0001, plus a-b (all bad: dropped, not yielded empty)
    assert [t.tolist() for _, t in batches] == [[0, 0], [1, 1]]
    with pytest.warns(BadImageWarning, match="2 of 6 files"):
        loaded = dataset.load()
    assert len(loaded) == 4
    assert sorted(Path(path).name for path, _ in loaded.skipped) == ["a.png", "b.png"]


def test_train_and_test_beside_other_folders_are_still_not_classes(tmp_path):
    for name in ("train", "test", "val"):
        make_class_folders(tmp_path / name, 1, size=(12, 12))
    with pytest.raises(ValueError, match="holds train/ and test/, not class folders"):
        ImageFolderDataset(tmp_path, 8)


def test_a_folder_of_odd_modes_formats_and_sizes_loads_whole(tmp_path):
    rng = np.random.default_rng(2)
    rgb = rng.integers(0, 256, size=(9, 13, 3), dtype=np.uint8)
    odd = tmp_path / "odd"
    odd.mkdir()
    Image.fromarray(rgb[..., 0]).save(odd / "gray.png")
    Image.fromarray(rgb[..., :2]).save(odd / "gray_alpha.png")
    Image.fromarray(rgb).convert("P").save(odd / "palette.png")
    Image.fromarray(rgb).convert("P").save(odd / "palette_transparent.png", transparency=3)
    Image.fromarray(np.dstack([rgb, rgb[..., 0]])).save(odd / "rgba.png")
    Image.fromarray(rgb).convert("CMYK").save(odd / "cmyk.jpg")
    Image.fromarray(rgb[..., 0].astype(np.uint16) * 257).save(odd / "sixteen_bit.png")
    Image.fromarray(rgb[:1, :1]).save(odd / "one_pixel.png")
    Image.fromarray(np.repeat(rgb[:1], 100, axis=1)).save(odd / "very_wide.jpg")
    Image.fromarray(rgb).save(odd / "bitmap.bmp")
    Image.fromarray(rgb).convert("P").save(odd / "animation.gif")
    make_class_folders(tmp_path, 2, size=(12, 12), shapes=("disk",))
    for color, channels in (("rgb", 3), ("grayscale", 1)):
        data = load_image_folder(tmp_path, (10, 14), color=color)
        assert data.class_names == ("disk", "odd")
        assert data.images.shape == (13, channels, 10, 14)
        assert data.images.min() >= 0
        assert data.images.max() <= 1
        assert np.isfinite(data.images).all()
        assert data.skipped == ()
