"""ZERONN_DATA may name a dataset's folder itself: taken when recognised as the dataset asked
for (by its training labels' digest, or by its name), never for the other dataset."""

import dataclasses
import gzip
import hashlib

import numpy as np
import pytest
from conftest import real_data_root, requires_real_data
from fake_datasets import isolate, write_fake

from zeronn.data import load_fashion_mnist, load_mnist, locate_dataset
from zeronn.data.datasets import MNIST, TRAIN_LABELS
from zeronn.data.locate import locate_files

REAL_DATA = real_data_root()  # read before a test isolates itself from ZERONN_DATA


@pytest.fixture
def isolated(monkeypatch, tmp_path):
    return isolate(monkeypatch, tmp_path)


def test_a_folder_named_after_the_dataset_is_taken_for_it_only(isolated, monkeypatch):
    arrays = write_fake(isolated / "data" / "fashion-mnist", n_train=4)
    monkeypatch.setenv("ZERONN_DATA", str(isolated / "data" / "fashion-mnist"))
    (_, t), _ = load_fashion_mnist(download=False, verify=False, normalize=False)
    np.testing.assert_array_equal(t, arrays[TRAIN_LABELS])
    with pytest.raises(FileNotFoundError) as caught:
        load_mnist(download=False, verify=False)
    folder = isolated / "data" / "fashion-mnist"
    assert (
        f"{folder}  (ZERONN_DATA={folder}, the four files directly; its files are not the "
        "published MNIST's and the folder is not named mnist/)"
    ) in str(caught.value)


def test_a_folder_whose_labels_have_the_published_digest_is_taken(isolated, monkeypatch):
    folder = isolated / "anywhere"
    write_fake(folder)
    with gzip.open(folder / TRAIN_LABELS, "rb") as handle:
        digest = hashlib.sha256(handle.read()).hexdigest()
    # a dataset whose published labels are these files' labels, under another folder name
    info = dataclasses.replace(MNIST, sha256={**MNIST.sha256, TRAIN_LABELS: digest})
    monkeypatch.setenv("ZERONN_DATA", str(folder))
    assert locate_files(info, root=None, download=False, dataset_folders=("mnist",)) == folder
    with pytest.raises(FileNotFoundError, match="not the published MNIST's"):
        locate_files(MNIST, root=None, download=False, dataset_folders=("mnist",))


def test_subfolders_of_zeronn_data_come_before_its_own_files(isolated, monkeypatch):
    write_fake(isolated / "data" / "mnist", n_train=2)
    write_fake(isolated / "data", n_train=3)
    monkeypatch.setenv("ZERONN_DATA", str(isolated / "data" / "mnist"))
    assert locate_dataset("mnist", download=False) == isolated / "data" / "mnist"
    monkeypatch.setenv("ZERONN_DATA", str(isolated / "data"))
    assert locate_dataset("mnist", download=False) == isolated / "data" / "mnist"


@requires_real_data
def test_the_real_mnist_folder_is_recognised_by_digest(isolated, monkeypatch, tmp_path):
    assert REAL_DATA is not None, "ZERONN_DATA does not point at the real MNIST files"
    link = tmp_path / "renamed"  # not named mnist/: only the digest can recognise it
    link.symlink_to(REAL_DATA / "mnist", target_is_directory=True)
    monkeypatch.setenv("ZERONN_DATA", str(link))
    assert locate_dataset("mnist", download=False) == link
    with pytest.raises(FileNotFoundError, match="holds MNIST's files, not Fashion-MNIST's"):
        locate_dataset("fashion-mnist", download=False)
