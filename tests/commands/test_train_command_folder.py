"""``zeronn train --data DIR``: a folder of class folders, streamed, through the command line."""

import json

import numpy as np
import pytest
from image_folders import SHAPES, make_class_folders

from zeronn import serialize
from zeronn.cli import main
from zeronn.experiments.train.config import TrainConfig
from zeronn.models import mlp
from zeronn.threads import blas_threads


@pytest.fixture(autouse=True)
def one_blas_thread():
    """Tiny products: one BLAS thread is faster, and immune to neighbours on shared cores."""
    with blas_threads(1):
        yield


@pytest.fixture(scope="module")
def shapes(tmp_path_factory):
    """One folder of 3 classes × 40 drawn 24×24 shapes (PNG and JPEG), no train/ or test/."""
    return make_class_folders(tmp_path_factory.mktemp("data") / "shapes", 40, size=(24, 24))


@pytest.fixture(scope="module")
def split(tmp_path_factory):
    """train/ (3 × 20 images) and test/ (3 × 6) folders of drawn shapes."""
    root = tmp_path_factory.mktemp("data") / "split"
    make_class_folders(root / "train", 20, size=(16, 16), seed=1)
    make_class_folders(root / "test", 6, size=(16, 16), seed=2)
    return root


def run_train(data, out, *flags):
    return main(["train", "--data", str(data), "--out", str(out), "--quiet", *flags])


def test_a_convnet_learns_the_shapes_of_a_folder_well_above_chance(shapes, tmp_path, capsys):
    out = tmp_path / "run"
    flags = ("--model", "simple-convnet", "--image-size", "16", "--epochs", "6")
    assert run_train(shapes, out, *flags, "--batch-size", "8", "--val-split", "0.25") == 0
    metrics = json.loads((out / "metrics.json").read_text())
    # chance is 1/3; 0.93 when this test was written
    assert metrics["test"]["accuracy"] >= 0.7
    assert metrics["test"]["samples"] == 30  # a quarter of each class, the validation share
    assert "no test/ folder" in metrics["test"]["note"]
    assert metrics["data"] == {
        "folder": str(shapes),
        "classes": list(SHAPES),
        "image_shape": [3, 16, 16],
        "train_images": 90,
        "validation_images": 30,
        "test_images": 30,
        "test_split": "validation",
    }
    assert list(metrics["per_class"]) == list(SHAPES)
    assert metrics["config"]["data"] == str(shapes)
    for name in ("model.npz", "history.json", "curves.png", "confusion_matrix.png"):
        assert (out / name).is_file(), name
    assert (out / "misclassified.png").stat().st_size > 0
    assert "disk" in capsys.readouterr().out  # the report names the folder's classes


def test_train_and_test_folders_grayscale_mlp_and_the_saved_weights(split, tmp_path):
    out = tmp_path / "mlp"
    flags = ("--color", "grayscale", "--image-size", "12", "--hidden", "16")
    augment = ("--augment", "hflip,shift=0.1")  # on (B, 1, 12, 12) batches as they stream
    training = ("--epochs", "2", *augment, "--batch-size", "16")
    assert run_train(split, out, *flags, *training, "--dtype", "float64") == 0
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["data"]["test_split"] == "test/"
    assert metrics["data"]["train_images"] + metrics["data"]["validation_images"] == 60
    assert metrics["test"]["samples"] == 18
    assert "note" not in metrics["test"]
    # the weights fit a 1·12·12 → 16 → 3 MLP, and evaluating them again gives the same numbers
    serialize.load(mlp([144, 16, 3], dtype=np.float64), out / "model.npz")
    again = tmp_path / "again"
    flags += ("--dtype", "float64", "--load", str(out / "model.npz"), "--evaluate-only")
    assert run_train(split, again, *flags) == 0
    assert json.loads((again / "metrics.json").read_text())["test"] == metrics["test"]


def test_bad_folders_and_options_are_refused_before_any_image_is_read(shapes, tmp_path, capsys):
    def refused(data, *flags):
        assert run_train(data, tmp_path / "never", *flags) == 2
        assert not (tmp_path / "never").exists()
        error = capsys.readouterr().err
        assert error.startswith("zeronn train: error: ")
        assert error.count("\n") == 1  # one line
        return error

    assert "--data to be an existing folder" in refused(tmp_path / "missing")
    assert "to hold one subfolder per class" in refused(shapes / "disk")
    one_class = tmp_path / "one"
    make_class_folders(one_class, 2, size=(12, 12), shapes=("disk",))
    assert "at least 2 class folders in" in refused(one_class)
    assert "--dataset and --data exclude each other" in refused(shapes, "--dataset", "mnist")
    assert "--root and --data exclude each other" in refused(shapes, "--root", str(tmp_path))
    assert "too small for deep-convnet" in refused(
        shapes, "--model", "deep-convnet", "--image-size", "3"
    )
    assert "--val-split 0 leaves no images" in refused(shapes, "--val-split", "0")
    lopsided = tmp_path / "lopsided"
    make_class_folders(lopsided / "train", 2, size=(12, 12))
    make_class_folders(lopsided / "test", 2, size=(12, 12), shapes=("disk", "plus"))
    assert "classes ['square'] are not folders of" in refused(lopsided)
    # an empty class folder is found when the files are listed: still before any decoding
    empty = tmp_path / "empty"
    make_class_folders(empty, 2, size=(12, 12), shapes=("disk", "plus"))
    (empty / "square").mkdir()
    assert "class folders ['square'] of" in refused(empty)
    # --image-size without --data: MNIST's size is fixed
    assert main(["train", "--image-size", "32", "--out", str(tmp_path / "never")]) == 2
    assert "--image-size and --color go with --data" in capsys.readouterr().err


def test_a_broken_image_is_a_user_error_naming_the_file(tmp_path, capsys):
    root = make_class_folders(tmp_path / "broken", 4, size=(12, 12), shapes=("disk", "plus"))
    (root / "plus" / "0002.png").write_bytes(b"not a png")
    assert run_train(root, tmp_path / "out", "--image-size", "12", "--epochs", "1") == 2
    error = capsys.readouterr().err
    assert "plus/0002.png" in error
    assert not (tmp_path / "out").exists()


def test_the_config_refuses_a_dataset_and_a_folder_together(shapes, tmp_path):
    with pytest.raises(ValueError, match="--dataset and --data exclude each other"):
        TrainConfig(out=tmp_path / "o", data=shapes, dataset="fashion-mnist")
    config = TrainConfig(out=tmp_path / "o", data=str(shapes))
    assert (config.dataset, config.image_size, config.color) == (None, 64, "rgb")
    assert TrainConfig(out=tmp_path / "o").dataset == "mnist"
