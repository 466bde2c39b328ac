"""Dataset loaders on tiny fake dataset folders, plus checks on the real files (ZERONN_DATA).

Where the files are looked for: test_locate.py.
"""

import dataclasses
import os
import time
from pathlib import Path

import numpy as np
import pytest
from conftest import real_data_root, requires_real_data
from fake_datasets import isolate, write_fake

from zeronn.data import datasets
from zeronn.data.datasets import (
    FASHION_MNIST_CLASSES,
    MNIST_CLASSES,
    TEST_IMAGES,
    TEST_LABELS,
    TRAIN_IMAGES,
    TRAIN_LABELS,
    load_fashion_mnist,
    load_mnist,
)
from zeronn.data.download import file_sha256
from zeronn.data.errors import DataError, DatasetMismatchError
from zeronn.data.idx import write_idx


@pytest.fixture
def isolated(monkeypatch, tmp_path):
    return isolate(monkeypatch, tmp_path)


@pytest.fixture
def fake(isolated):
    return write_fake(isolated / "data" / "mnist")


def test_default_form_is_flat_normalized_float32_with_int64_labels(fake, isolated):
    (x_train, t_train), (x_test, t_test) = load_mnist(
        root=isolated / "data", download=False, verify=False
    )
    assert x_train.shape == (5, 784)
    assert x_test.shape == (3, 784)
    assert x_train.dtype == np.float32
    assert t_train.dtype == np.int64
    assert t_train.shape == (5,)
    assert x_train[0, 0] == 0.0
    assert x_train[0, 1] == 1.0
    np.testing.assert_array_equal(x_train * 255, fake[TRAIN_IMAGES].reshape(5, 784))
    np.testing.assert_array_equal(t_test, fake[TEST_LABELS])


def test_raw_images_and_one_hot_labels(fake, isolated):
    (x_train, t_train), _ = load_mnist(
        normalize=False,
        flatten=False,
        one_hot_label=True,
        root=isolated / "data",
        download=False,
        verify=False,
    )
    assert x_train.dtype == np.uint8
    assert x_train.shape == (5, 1, 28, 28)
    np.testing.assert_array_equal(x_train[:, 0], fake[TRAIN_IMAGES])
    assert t_train.dtype == np.float32
    assert t_train.shape == (5, 10)
    np.testing.assert_array_equal(t_train.argmax(axis=1), fake[TRAIN_LABELS])
    np.testing.assert_array_equal(t_train.sum(axis=1), np.ones(5))


def test_count_mismatch_names_both_files(fake, isolated):
    folder = isolated / "data" / "mnist"
    write_idx(folder / TEST_LABELS, np.zeros(2, np.uint8))
    with pytest.raises(DataError, match="image and label counts differ") as caught:
        load_mnist(root=folder, download=False, verify=False)
    message = str(caught.value)
    assert f"{folder / TEST_IMAGES} holds 3 images" in message
    assert f"{folder / TEST_LABELS} holds 2 labels" in message


@pytest.mark.parametrize(
    ("name", "array", "message"),
    [
        (
            TRAIN_LABELS,
            np.array([0, 1, 2, 3, 10], np.uint8),
            r"labels must be in \[0, 10\), found 10",
        ),
        (TRAIN_LABELS, np.zeros(5, np.int32), "expected uint8 labels of shape"),
        (TRAIN_IMAGES, np.zeros((5, 784), np.uint8), r"got uint8 of shape \(5, 784\)"),
    ],
)
def test_wrong_content_names_the_file(fake, isolated, name, array, message):
    folder = isolated / "data" / "mnist"
    write_idx(folder / name, array)
    with pytest.raises(DataError, match=message) as caught:
        load_mnist(root=folder, download=False, verify=False)
    assert str(folder / name) in str(caught.value)


def test_every_call_returns_new_arrays_and_sees_changed_files(fake, isolated):
    folder = isolated / "data" / "mnist"
    (x_train, t_train), _ = load_mnist(normalize=False, root=folder, download=False, verify=False)
    x_train[:] = 7
    t_train[:] = 7
    (x_again, t_again), _ = load_mnist(normalize=False, root=folder, download=False, verify=False)
    np.testing.assert_array_equal(x_again, fake[TRAIN_IMAGES].reshape(5, 784))
    np.testing.assert_array_equal(t_again, fake[TRAIN_LABELS])

    write_idx(folder / TRAIN_LABELS, np.full(5, 9, np.uint8))
    stamp = time.time_ns() + 10**9  # a distinct mtime even on coarse-grained file systems
    os.utime(folder / TRAIN_LABELS, ns=(stamp, stamp))
    (_, t_changed), _ = load_mnist(root=folder, download=False, verify=False)
    np.testing.assert_array_equal(t_changed, np.full(5, 9))


def test_class_names():
    assert MNIST_CLASSES == ("0", "1", "2", "3", "4", "5", "6", "7", "8", "9")
    assert len(FASHION_MNIST_CLASSES) == 10
    assert FASHION_MNIST_CLASSES[0] == "T-shirt/top"
    assert FASHION_MNIST_CLASSES[9] == "Ankle boot"
    assert datasets.DATASETS["fashion-mnist"].classes is FASHION_MNIST_CLASSES


# ---- the real files (ZERONN_DATA); in CI these fail rather than skip ---------------------


def real_root() -> Path:
    root = real_data_root()
    assert root is not None, "ZERONN_DATA must name a folder holding mnist/ and fashion-mnist/"
    return root


@pytest.mark.realdata
@requires_real_data
@pytest.mark.parametrize("name", ["mnist", "fashion-mnist"])
def test_real_files_match_the_checksum_table(name):
    folder = real_root() / name
    for file_name, expected in datasets.DATASETS[name].sha256.items():
        assert file_sha256(folder / file_name, decompress=True) == expected, file_name


@pytest.mark.realdata
@requires_real_data
@pytest.mark.parametrize("loader", [load_mnist, load_fashion_mnist])
def test_real_data_shapes_types_and_ranges(loader, monkeypatch):
    monkeypatch.setenv("ZERONN_DATA", str(real_root()))
    (x_train, t_train), (x_test, t_test) = loader(download=False, verify=False)
    assert x_train.shape == (60000, 784)
    assert x_test.shape == (10000, 784)
    assert x_train.dtype == np.float32
    assert t_train.dtype == np.int64
    assert x_train.min() == 0.0
    assert x_train.max() == 1.0
    for labels, n in ((t_train, 60000), (t_test, 10000)):
        counts = np.bincount(labels, minlength=10)
        assert len(counts) == 10
        assert counts.sum() == n
        assert counts.min() > n // 20  # every class is well represented


def test_files_that_are_not_the_published_dataset_are_refused(fake, isolated, monkeypatch):
    # another shape: refused from the header alone, before the data is decompressed
    with pytest.raises(
        DatasetMismatchError,
        match=r"MNIST was asked for, but .*train-labels-idx1-ubyte.gz declares shape \(5,\), "
        r"not the \(60000,\) of MNIST's .* verify=False",
    ):
        load_mnist(root=isolated / "data", download=False)
    # the published shape but other content: refused by its digest
    sized = dataclasses.replace(datasets.MNIST, train_size=5, test_size=3)
    monkeypatch.setitem(datasets.DATASETS, "mnist", sized)
    with pytest.raises(DatasetMismatchError, match=r"no published dataset's .* verify=False"):
        load_mnist(root=isolated / "data", download=False)


@pytest.mark.realdata
@requires_real_data
def test_mnist_files_asked_for_as_fashion_mnist_are_refused_naming_both():
    mnist_folder = real_root() / "mnist"
    with pytest.raises(
        DatasetMismatchError, match=r"Fashion-MNIST was asked for, .* it is MNIST's"
    ):
        load_fashion_mnist(root=mnist_folder, download=False)
    with pytest.raises(DatasetMismatchError, match=r"MNIST was asked for, .* Fashion-MNIST's"):
        load_mnist(root=real_root() / "fashion-mnist", download=False)


@pytest.mark.realdata
@requires_real_data
@pytest.mark.parametrize("name", ["mnist", "fashion-mnist"])
def test_the_sizes_known_before_reading_are_the_files_sizes(name):
    info = datasets.DATASETS[name]
    (_, t_train), (_, t_test) = datasets.load_dataset(name, root=real_root(), download=False)
    assert (len(t_train), len(t_test)) == (info.train_size, info.test_size)
    assert np.bincount(t_train).min() == info.smallest_train_class
