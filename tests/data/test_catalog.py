"""Tests for zeronn/data/catalog.py: the dataset table stands alone, and a row is a dataset."""

import house  # tools/house.py: the import graph, read with ast
import numpy as np
from fake_datasets import isolate, write_fake

from zeronn.data import catalog, datasets, load_dataset, locate_dataset

CONFIGS = (
    "zeronn.experiments.train.config",
    "zeronn.experiments.fewshot.config",
    "zeronn.experiments.flip_balance.config",
)


def test_the_table_imports_nothing_of_zeronn_and_the_configs_read_it_not_the_loader():
    modules = house.read_package()
    assert modules["zeronn.data.catalog"].imports == set()
    for name in CONFIGS:
        assert "zeronn.data.catalog" in modules[name].imports, name
        assert "zeronn.data.datasets" not in modules[name].imports, name
    for name in ("zeronn.data.locate", "zeronn.data.identity"):  # no circle with the loader
        assert "zeronn.data.datasets" not in modules[name].imports, name


def test_the_loaders_read_the_same_table():
    assert datasets.DATASETS is catalog.DATASETS
    assert catalog.DATASETS["fashion-mnist"].classes == catalog.FASHION_MNIST_CLASSES
    for info in catalog.DATASETS.values():
        assert info.file_names == catalog.FILE_NAMES
        assert len(info.classes) == 10


def test_adding_a_dataset_is_adding_a_row(monkeypatch, tmp_path):
    isolate(monkeypatch, tmp_path)
    folder = tmp_path / "data" / "tiny-digits"
    folder.mkdir(parents=True)
    arrays = write_fake(folder, n_train=5, n_test=3)
    row = catalog.DatasetInfo(
        name="Tiny digits",
        folder="tiny-digits",
        classes=catalog.MNIST_CLASSES,
        mirrors=(),
        sha256=dict.fromkeys(catalog.FILE_NAMES, "0" * 64),
        train_size=5,
        test_size=3,
    )
    monkeypatch.setitem(catalog.DATASETS, "tiny-digits", row)
    assert locate_dataset("tiny-digits", root=tmp_path / "data", download=False) == folder
    (x, t), (x_test, t_test) = load_dataset(
        "tiny-digits", root=tmp_path / "data", download=False, verify=False
    )
    assert x.shape == (5, 784)
    assert x_test.shape == (3, 784)
    np.testing.assert_array_equal(t, arrays[catalog.TRAIN_LABELS])
    np.testing.assert_array_equal(t_test, arrays[catalog.TEST_LABELS])
