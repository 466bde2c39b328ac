"""``zeronn flip-balance --data DIR --classes A,B``: the lesson on a folder of two classes."""

import json

import pytest
from image_folders import make_class_folders

from zeronn.cli import main
from zeronn.experiments.flip_balance.config import FlipBalanceConfig
from zeronn.threads import blas_threads


@pytest.fixture(autouse=True)
def one_blas_thread():
    """Tiny products: one BLAS thread is faster, and immune to neighbours on shared cores."""
    with blas_threads(1):
        yield


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """disk/, plus/ and square/ with 20 drawn 16×16 pictures each, no train/ or test/."""
    return make_class_folders(tmp_path_factory.mktemp("data") / "shapes", 20, size=(16, 16))


def run(data, out, *flags):
    argv = ["flip-balance", "--data", str(data), "--out", str(out), "--image-size", "12"]
    return main([*argv, "--epochs", "1", "--batch-size", "16", "--seeds", "0", *flags])


def test_the_lesson_runs_on_two_class_folders_named_on_the_command_line(folder, tmp_path):
    out = tmp_path / "run"
    assert run(folder, out, "--classes", "square,disk", "--conditions", "none,flip-a") == 0
    results = json.loads((out / "results.json").read_text())
    assert results["class_names"] == ["square", "disk"]  # A first, as given
    assert results["config"]["data"] == str(folder)
    assert results["test_counts"] == [4, 4]  # 20% of each class held out, the same every seed
    none, flip_a = results["runs"]
    assert none["train_counts"] == [16, 16]
    assert flip_a["train_counts"] == [32, 16]  # the flipped copies of class A, stored
    assert flip_a["held_bytes"] == 48 * 3 * 12 * 12 * 4 + 48 * 8  # float32 color images
    assert (out / "flip_balance_recall.png").stat().st_size > 0


def test_train_and_test_folders_and_the_two_classes_by_default(tmp_path):
    root = tmp_path / "two"
    make_class_folders(root / "train", 6, size=(12, 12), shapes=("disk", "plus"))
    make_class_folders(root / "test", 3, size=(12, 12), shapes=("disk", "plus"), seed=1)
    flags = ("--conditions", "flip-both", "--no-figures", "--color", "grayscale")
    assert run(root, tmp_path / "out", *flags) == 0
    results = json.loads((tmp_path / "out" / "results.json").read_text())
    assert results["class_names"] == ["disk", "plus"]  # sorted folder names
    assert results["test_counts"] == [3, 3]
    assert results["runs"][0]["train_counts"] == [12, 12]
    assert results["runs"][0]["held_bytes"] == 24 * 1 * 12 * 12 * 4 + 24 * 8


def test_bad_folders_and_classes_are_refused_before_any_image_is_read(folder, tmp_path, capsys):
    def refused(*argv):
        assert main(["flip-balance", "--out", str(tmp_path / "never"), *argv]) == 2
        assert not (tmp_path / "never").exists()
        error = capsys.readouterr().err
        assert error.startswith("zeronn flip-balance: error: ")
        assert error.count("\n") == 1  # one line
        return error

    assert "--data to be an existing folder" in refused("--data", str(tmp_path / "missing"))
    one = make_class_folders(tmp_path / "one", 2, size=(12, 12), shapes=("disk",))
    assert "expected two class folders in" in refused("--data", str(one))
    assert "found 3: disk, plus, square" in refused("--data", str(folder))
    unknown = refused("--data", str(folder), "--classes", "cat,disk")
    assert "classes ['cat'] are not folders of" in unknown
    assert "two different class folder names" in refused(
        "--data", str(folder), "--classes", "disk,disk"
    )
    assert "--root and --data exclude each other" in refused(
        "--data", str(folder), "--classes", "disk,plus", "--root", str(tmp_path)
    )
    assert "too small for simple-convnet" in refused(
        "--data", str(folder), "--classes", "disk,plus", "--image-size", "5"
    )
    assert "--image-size and --color go with --data" in refused("--image-size", "32")
    assert "two different Fashion-MNIST class indices" in refused("--classes", "cat,dog")
    # only counted once the files are listed (still before any training step)
    too_many = refused("--data", str(folder), "--classes", "disk,plus", "--train-per-class", "50")
    assert "asked for 50 images of each class, but the smaller class of" in too_many


def test_the_config_resolves_fashion_mnist_and_folder_classes(folder, tmp_path):
    assert FlipBalanceConfig(out=tmp_path / "a").classes == (0, 6)
    config = FlipBalanceConfig(out=tmp_path / "b", data=folder, classes=("plus", "disk"))
    assert (config.classes, config.class_names) == (("plus", "disk"), ("plus", "disk"))
    assert (config.image_size, config.color) == (64, "rgb")
