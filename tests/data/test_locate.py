"""Finding the dataset files: root layouts, search order, the cache, the not-found message."""

from pathlib import Path

import numpy as np
import pytest
from fake_datasets import isolate, write_fake

from zeronn.data import datasets
from zeronn.data.datasets import (
    FILE_NAMES,
    MNIST,
    TEST_LABELS,
    TRAIN_IMAGES,
    load_dataset,
    load_fashion_mnist,
    load_mnist,
    locate_dataset,
)
from zeronn.data.locate import locate_files


@pytest.fixture
def isolated(monkeypatch, tmp_path):
    return isolate(monkeypatch, tmp_path)


@pytest.fixture
def fake(isolated):
    return write_fake(isolated / "data" / "mnist")


def test_root_may_hold_the_files_directly_or_one_folder_per_dataset(fake, isolated):
    direct = load_mnist(root=isolated / "data" / "mnist", download=False, verify=False)
    nested = load_mnist(root=isolated / "data", download=False, verify=False)
    np.testing.assert_array_equal(direct[0][0], nested[0][0])


def test_lookup_order_root_then_zeronn_data_then_cache(isolated, monkeypatch):
    write_fake(isolated / "root", n_train=1)
    write_fake(isolated / "env" / "fashion-mnist", n_train=2)
    write_fake(isolated / "xdg" / "zeronn" / "fashion-mnist", n_train=3)
    monkeypatch.setenv("ZERONN_DATA", str(isolated / "env"))

    def n_train(**kwargs):
        return len(load_fashion_mnist(download=False, verify=False, **kwargs)[0][0])

    assert n_train(root=isolated / "root") == 1
    assert n_train() == 2
    monkeypatch.delenv("ZERONN_DATA")
    assert n_train() == 3
    assert locate_dataset("fashion-mnist", download=False) == isolated / "xdg/zeronn/fashion-mnist"


def test_incomplete_folder_is_passed_over(isolated, monkeypatch):
    write_fake(isolated / "root", n_train=1)
    (isolated / "root" / TEST_LABELS).unlink()
    write_fake(isolated / "env" / "mnist", n_train=2)
    monkeypatch.setenv("ZERONN_DATA", str(isolated / "env"))
    assert len(load_mnist(root=isolated / "root", download=False, verify=False)[0][0]) == 2


def test_cache_folder_follows_xdg_cache_home(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert datasets.cache_folder() == tmp_path / "zeronn"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert datasets.cache_folder() == Path.home() / ".cache" / "zeronn"


def test_not_found_says_which_files_to_put_where(isolated):
    (isolated / "root").mkdir()
    write_fake(isolated / "root")
    (isolated / "root" / TRAIN_IMAGES).unlink()
    with pytest.raises(FileNotFoundError) as caught:
        load_mnist(root=isolated / "root", download=False, verify=False)
    message = str(caught.value)
    assert message.startswith("MNIST not found. Put these four files")
    assert ", ".join(FILE_NAMES) in message
    assert f"{isolated / 'root'}  (root, the four files directly; lacks {TRAIN_IMAGES})" in message
    assert f"{isolated / 'root' / 'mnist'}  (root, holding mnist/; does not exist)" in message
    assert str(isolated / "xdg" / "zeronn" / "mnist") in message
    assert "set ZERONN_DATA to a folder holding mnist/ and fashion-mnist/" in message
    assert "download=False" in message


def test_missing_root_and_unknown_dataset_are_refused(isolated):
    with pytest.raises(FileNotFoundError, match="is not an existing folder"):
        load_mnist(root=isolated / "nowhere", download=False, verify=False)
    with pytest.raises(ValueError, match=r"unknown dataset 'cifar'; expected one of \['fashion"):
        load_dataset("cifar")


def test_locate_files_names_the_given_dataset_folders(isolated):
    with pytest.raises(
        FileNotFoundError, match="ZERONN_DATA to a folder holding a/ and b/"
    ) as caught:
        locate_files(MNIST, root=None, download=False, dataset_folders=("a", "b"))
    assert str(isolated / "xdg" / "zeronn" / "mnist") in str(caught.value)
    assert MNIST.file_names == FILE_NAMES
