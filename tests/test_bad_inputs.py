"""Bad input, table-driven: every public entry point and command names what it expected.

Each row is one call with one bad argument and the error it must raise (type and words). The
command rows also check that a refused run creates no output folder and exits with code 2
before any data is read.
"""

import gzip
import os
from pathlib import Path

import numpy as np
import pytest

import zeronn
from zeronn import augment, data, layers, models, optim
from zeronn.cli import main
from zeronn.data.idx import write_idx
from zeronn.experiments.charlm.config import CharLMConfig
from zeronn.experiments.fewshot.config import FewshotConfig
from zeronn.experiments.flip_balance.config import FlipBalanceConfig
from zeronn.experiments.train.config import TrainConfig

P = zeronn.Parameter(np.zeros(3))
IMAGES = np.zeros((2, 1, 6, 6))
LABELS = np.array([0, 1])
ONE_HOT = np.eye(3)[[0, 2]]

CASES = [
    # (call, error, words in the message)
    (lambda: layers.Affine(0, 3), ValueError, "in_features to be a positive integer, got 0"),
    (lambda: layers.Affine(3, 2, dtype="int8"), TypeError, "float32 or float64, got int8"),
    (lambda: layers.Affine(3, 2, rng="seed"), TypeError, "Generator, an int seed or None"),
    (lambda: layers.Conv2D(1, 2, 3, stride=0), ValueError, "stride to be a positive integer"),
    (lambda: layers.Dropout(1.0), ValueError, r"ratio in \[0, 1\), got 1.0"),
    (lambda: layers.Dropout(True), TypeError, "ratio to be a number, got True"),
    (lambda: layers.BatchNorm(3, momentum=2), ValueError, "momentum to be a probability"),
    (lambda: layers.BatchNorm(3, eps=0), ValueError, "eps to be a positive number"),
    (lambda: layers.MaxPool2D(2, pad=2), ValueError, "pad at most half the pool size"),
    (lambda: models.mlp([784]), ValueError, "at least two widths"),
    (lambda: models.mlp([4, 2], activation="gelu"), ValueError, "activation to be one of"),
    (lambda: models.mlp([4, 3, 2], batchnorm="yes"), TypeError, "batchnorm to be True or False"),
    (lambda: models.mlp([4, 2], dropout=np.nan), ValueError, "dropout to be a finite number"),
    (lambda: models.simple_convnet((1, 3, 3)), ValueError, "input_shape .* is too small"),
    (lambda: models.deep_convnet(classes=1), ValueError, "at least 2 classes"),
    (lambda: optim.SGD([P], lr=0), ValueError, "lr to be a positive number, got 0"),
    (lambda: optim.SGD([P], lr="0.1"), TypeError, "lr to be a number, got '0.1'"),
    (lambda: optim.Adam([P], beta1=1.0), ValueError, r"beta1 in \[0, 1\)"),
    (lambda: optim.SGD([P], lr=0.1, weight_decay=-1), ValueError, "weight_decay to be a number"),
    (lambda: optim.SGD([P, P], lr=0.1), ValueError, "same Parameter twice"),
    (lambda: zeronn.manual_seed(-1), ValueError, "seed to be a non-negative integer, got -1"),
    (lambda: zeronn.Sequential([]), ValueError, "at least one layer"),
    (lambda: zeronn.Sequential(layers.ReLU()), TypeError, r"a list of layers"),
    (
        lambda: zeronn.Trainer(models.mlp([2, 2]), optim.SGD([P], lr=0.1), loss=np.mean),
        TypeError,
        "loss with forward",
    ),
    (
        lambda: zeronn.Trainer(models.mlp([2, 2]), optim.SGD([P], lr=0.1), batch_size=0),
        ValueError,
        "batch_size to be a positive integer",
    ),
    (lambda: data.iterate_batches(np.zeros((3, 2)), np.zeros(2), 2), ValueError, "same number"),
    (lambda: data.sample_per_class(np.zeros(3), 1), TypeError, "integer labels"),
    (lambda: data.load_dataset("cifar"), ValueError, "unknown dataset 'cifar'"),
    (lambda: data.load_dataset(None), TypeError, "a dataset name such as 'mnist', got None"),
    (lambda: data.load_mnist(normalize="no"), TypeError, "normalize to be True or False, got"),
    (lambda: data.load_mnist(verify=1), TypeError, "load_dataset expected verify to be True or"),
    (lambda: augment.rotate(IMAGES, [1.0]), ValueError, "one angle per image"),
    (lambda: augment.rotate(IMAGES, 5.0, order=6), ValueError, "order to be an integer in 0..5"),
    (lambda: augment.rotate(IMAGES, 5.0, mode="edge"), ValueError, "mode .* to be one of"),
    (lambda: augment.rotate(IMAGES, 5.0, cval=np.inf), ValueError, "cval to be a finite number"),
    (lambda: augment.rotate(IMAGES, 5.0, chunk_size=-1), ValueError, "chunk_size to be a positive"),
    (lambda: augment.rotate(IMAGES.astype(int), 5.0), TypeError, "float32 or float64"),
    (lambda: augment.ImageDataGenerator(horizontal_flip="no"), TypeError, "True or False"),
    (lambda: augment.ImageDataGenerator(rotation_range=-1), ValueError, "rotation_range"),
    (lambda: augment.ImageDataGenerator(rescale="1/255"), TypeError, "rescale to be a number"),
    (lambda: augment.RandomShift(0.1, True), TypeError, "width_shift_range to be a number"),
    (lambda: augment.RandomZoom((0.5, 0.2)), ValueError, "0 < low <= high"),
    (
        lambda: zeronn.check_gradients(layers.Affine(2, 2), np.zeros((1, 2), np.float32)),
        TypeError,
        "input x in float64",
    ),
    (lambda: TrainConfig(out=Path("o"), model="resnet"), ValueError, "model to be one of"),
    (lambda: TrainConfig(out=Path("o"), val_split=1.0), ValueError, r"val_split in \[0, 1\)"),
    (lambda: TrainConfig(out=Path("o"), train_subset=60_001), ValueError, "has 60000 training"),
    (lambda: TrainConfig(out=Path("o"), augment="spin=3"), ValueError, "unknown setting 'spin'"),
    (
        lambda: FewshotConfig(out=Path("o"), order=7),
        ValueError,
        r"order to be an integer in 0\.\.5",
    ),
    (lambda: FewshotConfig(out=Path("o"), sweep=(10, 100_000)), ValueError, "--sweep asked for"),
    (
        lambda: FewshotConfig(out=Path("o"), samples=60_000, sampling="per-class"),
        ValueError,
        "the smallest class of mnist has 5421",
    ),
    (lambda: FewshotConfig(out=Path("o"), literal=True, repeats=3), ValueError, "--repeats"),
    (lambda: FlipBalanceConfig(out=Path("o"), classes=(3, 3)), ValueError, "two different"),
    (lambda: FlipBalanceConfig(out=Path("o"), train_per_class=7000), ValueError, "hold 6000"),
    # labels and class indices: integer dtype, one per image, in range
    (lambda: augment.expand(IMAGES, np.zeros(2)), TypeError, "t as integer class indices, got"),
    (lambda: augment.expand(IMAGES, np.zeros(3, int)), ValueError, "one label per image in t, 2"),
    (lambda: augment.expand(IMAGES, np.array([0, -1])), ValueError, "expected t >= 0, got -1"),
    (lambda: augment.expand(IMAGES, LABELS, classes=[1, 1]), ValueError, "distinct classes, got 1"),
    (lambda: augment.expand(IMAGES, LABELS, classes=[1.0]), TypeError, "each of classes to be a"),
    (
        lambda: augment.expand(IMAGES, ONE_HOT, classes=[3]),
        ValueError,
        r"classes in \[0, 3\), got 3",
    ),
    (lambda: augment.expand(IMAGES, ONE_HOT * 2), ValueError, "one-hot rows in t: zeros and a"),
    (
        lambda: augment.class_counts(np.array([0.5])),
        TypeError,
        "class_counts expected t as integer",
    ),
    (lambda: models.mlp("784"), TypeError, "sizes as a list of at least two widths"),
    (lambda: models.simple_convnet(filters=2.0), TypeError, "filters to be a positive integer"),
    (lambda: zeronn.manual_seed(1.5), TypeError, "seed to be a non-negative integer, got 1.5"),
    (lambda: TrainConfig(out=Path("o"), hidden=(100, 0)), ValueError, "each hidden width to be a"),
    (lambda: TrainConfig(out=Path("o"), hidden="100"), TypeError, "hidden as a list or tuple"),
    (lambda: TrainConfig(out=Path("o"), augment="zoom=nan"), ValueError, "zoom=nan"),
    (lambda: TrainConfig(out=Path("o"), verbose="no"), TypeError, "verbose to be True or False"),
    (
        lambda: TrainConfig(out=Path("o"), val_split=0.9, train_subset=1),
        ValueError,
        "--val-split 0.9 holds out all 1 training images",
    ),
    (lambda: FewshotConfig(out=Path("o"), angles=(15, "15")), TypeError, "each angle to be a num"),
    (lambda: FewshotConfig(out=Path("o"), sweep=(10, 10.0)), TypeError, "each --sweep size to be"),
    (lambda: FlipBalanceConfig(out=Path("o"), seeds=3), TypeError, "seeds as a list or tuple"),
    (lambda: CharLMConfig(out=Path("o"), temperatures=(1, 1.0)), ValueError, "distinct temperat"),
    (lambda: CharLMConfig(out=Path("o"), held_out_fraction=0.5), ValueError, r"in \(0, 0\.5\)"),
    (lambda: CharLMConfig(out=Path("o"), prompt=b"The"), TypeError, "prompt to be a str"),
]


@pytest.mark.parametrize(("call", "error", "message"), CASES)
def test_bad_arguments_name_what_was_expected_and_what_came(call, error, message):
    with pytest.raises(error, match=message):
        call()


COMMAND_CASES = [
    # (argv, words in the one-line error)
    (["train", "--train-subset", "70000"], "--train-subset asked for 70000 images"),
    (["train", "--test-subset", "20000"], "--test-subset asked for 20000 images"),
    (["train", "--evaluate-only"], "--evaluate-only needs --load"),
    (["train", "--load", "missing.npz"], "--load expected a model file"),
    (["train", "--augment", "rotation"], "expected 'rotation=10deg'"),
    (["fewshot", "--sweep", "10,100000"], "--sweep asked for 100000 images"),
    (["fewshot", "--samples", "12", "--sampling", "per-class"], "multiple of 10, got 12"),
    (["fewshot", "--literal", "--init", "he"], "--init must be a std"),
    (["fewshot", "--order", "9"], "expected --order to be an integer in 0..5, got 9"),
    (["flip-balance", "--classes", "4,4"], "two different Fashion-MNIST class indices"),
    (["flip-balance", "--conditions", "flip-c"], "expected condition to be one of 'none', "),
    (["flip-balance", "--train-per-class", "9000"], "hold 6000 each"),
    (
        ["train", "--hidden", "0"],
        "train expected each hidden width to be a positive integer, got 0",
    ),
    (["train", "--hidden", "2000000,2000000"], "--model mlp --hidden 2000000,2000000 (its weights"),
    (["train", "--model", "lstm", "--hidden", "3000000"], "adam's state in float32, and a batch"),
    (["train", "--model", "deep-convnet", "--hidden", "10"], "deep-convnet has none to set"),
    (["train", "--augment", "rotation=-5deg"], "'rotation=-5deg': a range is a size, without"),
    (["train", "--augment", "rotation=5"], "rotation takes an angle in degrees, written with"),
    (["train", "--augment", "shift=3"], "'shift=3' could be pixels or a share of the side"),
    (["train", "--augment", "shift=inf"], "'shift=inf': expected a number such as shift=0.1"),
    (["train", "--val-split", "0.01", "--train-subset", "10"], "holds out no image of the 10"),
    (["fewshot", "--angles=15,inf"], "fewshot expected each angle to be a finite number, got inf"),
    (["fewshot", "--init", "nan"], "expected --init (a std) to be a finite number, got nan"),
    (["fewshot", "--sweep", "10,-10"], "each --sweep size to be a positive integer, got -10"),
    (["flip-balance", "--seeds", "1,2,1"], "distinct --seeds, got 1 more than once in (1, 2, 1)"),
    (["flip-balance", "--classes", "0,x"], "each of --classes to be a non-negative integer"),
    (["flip-balance", "--classes", "0,1,2"], "expected two classes, got 3"),
    (["flip-balance", "--conditions", ","], "at least one value in --conditions, got ()"),
    (["charlm", "--temperature", "0.5,0.5"], "distinct --temperature, got 0.5 more than once"),
    (["charlm", "--temperature", "inf"], "each temperature to be a finite number, got inf"),
    (["charlm", "--hidden", "1000000"], "--hidden 1000000 (its weights, gradients and adam's"),
    (["charlm", "--model", "transformer", "--embed-dim", "400000"], "--heads 4 --blocks 2 (its"),
]


@pytest.mark.parametrize(("argv", "message"), COMMAND_CASES)
def test_commands_refuse_bad_values_before_anything_is_read_or_created(
    argv, message, tmp_path, capsys, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "out"
    root = tmp_path / "no-data-here"  # a refusal must come before the data is looked for
    data = [] if argv[0] == "charlm" else ["--root", str(root)]  # charlm's text ships with Python
    assert main([*argv, *data, "--out", str(out)]) == 2
    error = capsys.readouterr().err.strip()
    assert message in error
    assert len(error.splitlines()) == 1
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []  # no folder, no probe, nothing left behind


@pytest.mark.parametrize("command", ["train", "fewshot", "flip-balance", "charlm"])
def test_a_bad_thread_count_is_a_usage_error(command, capsys):
    with pytest.raises(SystemExit) as info:
        main([command, "--threads", "0"])
    assert info.value.code == 2
    assert "argument --threads: expected a positive integer, got '0'" in capsys.readouterr().err


def test_an_output_folder_holding_an_earlier_run_is_refused_without_overwrite(tmp_path, capsys):
    out = tmp_path / "run"
    out.mkdir()
    (out / "metrics.json").write_text("{}")
    assert main(["train", "--out", str(out), "--root", str(tmp_path / "none")]) == 2
    assert "already holds files" in capsys.readouterr().err
    assert (out / "metrics.json").read_text() == "{}"


def test_a_bug_is_not_reported_as_bad_input(monkeypatch, capsys):
    """An error raised inside the run that is not about the user's input keeps its traceback."""
    from zeronn.commands import train as train_command

    def broken(config):
        raise TypeError("a bug inside a layer")

    monkeypatch.setattr(train_command, "run", broken)
    with pytest.raises(TypeError, match="a bug inside a layer"):
        main(["train", "--out", "never-created"])
    assert not Path("never-created").exists()


# -- the same value means the same everywhere -------------------------------------------------
# One bad value per row; every config and public function that takes the argument must refuse
# it with the same error type and the same words after "<owner> expected ".
SAME_VALUE_CASES = [
    # (argument, bad value, error, words after "<owner> expected ")
    ("lr", True, TypeError, "lr to be a number, got True"),
    ("lr", "0.1", TypeError, "lr to be a number, got '0.1'"),
    ("lr", 0, ValueError, "lr to be a positive number, got 0"),
    ("lr", -0.5, ValueError, "lr to be a positive number, got -0.5"),
    ("lr", float("nan"), ValueError, "lr to be a finite number, got nan"),
    ("seed", -1, ValueError, "seed to be a non-negative integer, got -1"),
    ("seed", 1.0, TypeError, "seed to be a non-negative integer, got 1.0"),
    ("seed", True, TypeError, "seed to be a non-negative integer, got True"),
    ("batch_size", 0, ValueError, "batch_size to be a positive integer, got 0"),
    ("batch_size", 32.0, TypeError, "batch_size to be a positive integer, got 32.0"),
    ("epochs", 0, ValueError, "epochs to be a positive integer, got 0"),
    ("epochs", "4", TypeError, "epochs to be a positive integer, got '4'"),
    ("threads", 0, ValueError, "threads to be a positive integer, got 0"),
    ("threads", 2.5, TypeError, "threads to be a positive integer, got 2.5"),
    ("dtype", "int8", TypeError, "dtype float32 or float64, got int8"),
    ("dtype", "float16", TypeError, "dtype float32 or float64, got float16"),
    ("clip_grad_norm", 0.0, ValueError, "clip_grad_norm to be a positive number, got 0.0"),
    ("clip_grad_norm", np.inf, ValueError, "clip_grad_norm to be a finite number, got inf"),
    ("hidden widths", (64, 0), ValueError, "each hidden width to be a positive integer, got 0"),
    (
        "hidden widths",
        (64, True),
        TypeError,
        "each hidden width to be a positive integer, got True",
    ),
    ("angles", (np.nan,), ValueError, "each angle to be a finite number, got nan"),
    ("order", 6, ValueError, "order to be an integer in 0..5, got 6"),
    ("order", 1.0, TypeError, "order to be an integer in 0..5, got 1.0"),
    ("image_size", 0, ValueError, "image_size to be a positive integer, got 0"),
    ("image_size", "64", TypeError, "image_size to be a positive integer, got '64'"),
    ("overwrite", "no", TypeError, "overwrite to be True or False, got 'no'"),
    ("verify", 1, TypeError, "verify to be True or False, got 1"),
    ("color", "RGB", ValueError, "color to be one of 'rgb', 'grayscale', got 'RGB'"),
    ("color", 3, TypeError, "color to be one of 'rgb', 'grayscale', got 3"),
]
NOWHERE = Path("no-such-folder")  # image_size and color are checked before the folder is looked at


def _image_folder_call(value, name):
    from zeronn.data import load_image_folder

    options = {"image_size": 8, name: value}
    return load_image_folder(".", **options)  # the test's empty folder: the value comes first


# argument -> every entry point that takes it: (name of the entry point, call with the value)
TAKERS = {
    "lr": [
        ("TrainConfig", lambda v: TrainConfig(out=Path("o"), lr=v)),
        ("FewshotConfig", lambda v: FewshotConfig(out=Path("o"), lr=v)),
        ("FlipBalanceConfig", lambda v: FlipBalanceConfig(out=Path("o"), lr=v)),
        ("CharLMConfig", lambda v: CharLMConfig(out=Path("o"), lr=v)),
        ("SGD", lambda v: optim.SGD([P], lr=v)),
        ("Adam", lambda v: optim.Adam([P], lr=v)),
    ],
    "seed": [
        ("TrainConfig", lambda v: TrainConfig(out=Path("o"), seed=v)),
        ("FewshotConfig", lambda v: FewshotConfig(out=Path("o"), seed=v)),
        ("CharLMConfig", lambda v: CharLMConfig(out=Path("o"), seed=v)),
        ("manual_seed", lambda v: zeronn.manual_seed(v)),
    ],
    "batch_size": [
        ("TrainConfig", lambda v: TrainConfig(out=Path("o"), batch_size=v)),
        ("FlipBalanceConfig", lambda v: FlipBalanceConfig(out=Path("o"), batch_size=v)),
        ("CharLMConfig", lambda v: CharLMConfig(out=Path("o"), batch_size=v)),
        (
            "Trainer",
            lambda v: zeronn.Trainer(models.mlp([2, 2]), optim.SGD([P], 0.1), batch_size=v),
        ),
        ("iterate_batches", lambda v: data.iterate_batches(np.zeros((3, 2)), np.zeros(3), v)),
    ],
    "epochs": [
        ("TrainConfig", lambda v: TrainConfig(out=Path("o"), epochs=v)),
        ("FlipBalanceConfig", lambda v: FlipBalanceConfig(out=Path("o"), epochs=v)),
    ],
    "threads": [
        ("TrainConfig", lambda v: TrainConfig(out=Path("o"), threads=v)),
        ("FewshotConfig", lambda v: FewshotConfig(out=Path("o"), threads=v)),
        ("FlipBalanceConfig", lambda v: FlipBalanceConfig(out=Path("o"), threads=v)),
        ("CharLMConfig", lambda v: CharLMConfig(out=Path("o"), threads=v)),
    ],
    "dtype": [
        ("TrainConfig", lambda v: TrainConfig(out=Path("o"), dtype=v)),
        ("FewshotConfig", lambda v: FewshotConfig(out=Path("o"), dtype=v)),
        ("FlipBalanceConfig", lambda v: FlipBalanceConfig(out=Path("o"), dtype=v)),
        ("CharLMConfig", lambda v: CharLMConfig(out=Path("o"), dtype=v)),
        ("Affine", lambda v: layers.Affine(2, 2, dtype=v)),
        ("mlp", lambda v: models.mlp([2, 2], dtype=v)),
    ],
    "clip_grad_norm": [
        ("TrainConfig", lambda v: TrainConfig(out=Path("o"), clip_grad_norm=v)),
        ("CharLMConfig", lambda v: CharLMConfig(out=Path("o"), clip_grad_norm=v)),
        (
            "Trainer",
            lambda v: zeronn.Trainer(models.mlp([2, 2]), optim.SGD([P], 0.1), clip_grad_norm=v),
        ),
    ],
    "hidden widths": [
        ("TrainConfig", lambda v: TrainConfig(out=Path("o"), hidden=v)),
        ("recurrent_classifier", lambda v: models.recurrent_classifier("lstm", v)),
    ],
    "angles": [
        ("FewshotConfig", lambda v: FewshotConfig(out=Path("o"), angles=v)),
        ("rotate", lambda v: augment.rotate(IMAGES[:1], v)),
        ("expand", lambda v: augment.expand(IMAGES[:1], LABELS[:1], v)),
    ],
    "order": [
        ("FewshotConfig", lambda v: FewshotConfig(out=Path("o"), order=v)),
        ("rotate", lambda v: augment.rotate(IMAGES, 5.0, order=v)),
        ("ImageDataGenerator", lambda v: augment.ImageDataGenerator(order=v)),
    ],
    "image_size": [
        ("TrainConfig", lambda v: TrainConfig(out=Path("o"), data=NOWHERE, image_size=v)),
        (
            "FlipBalanceConfig",
            lambda v: FlipBalanceConfig(out=Path("o"), data=NOWHERE, image_size=v),
        ),
        ("load_image_folder", lambda v: _image_folder_call(v, "image_size")),
    ],
    "color": [
        ("TrainConfig", lambda v: TrainConfig(out=Path("o"), data=NOWHERE, color=v)),
        ("FlipBalanceConfig", lambda v: FlipBalanceConfig(out=Path("o"), data=NOWHERE, color=v)),
        ("load_image_folder", lambda v: _image_folder_call(v, "color")),
    ],
    "overwrite": [
        ("TrainConfig", lambda v: TrainConfig(out=Path("o"), overwrite=v)),
        ("FewshotConfig", lambda v: FewshotConfig(out=Path("o"), overwrite=v)),
        ("FlipBalanceConfig", lambda v: FlipBalanceConfig(out=Path("o"), overwrite=v)),
        ("CharLMConfig", lambda v: CharLMConfig(out=Path("o"), overwrite=v)),
    ],
    "verify": [
        ("TrainConfig", lambda v: TrainConfig(out=Path("o"), verify=v)),
        ("FewshotConfig", lambda v: FewshotConfig(out=Path("o"), verify=v)),
        ("FlipBalanceConfig", lambda v: FlipBalanceConfig(out=Path("o"), verify=v)),
    ],
}


@pytest.mark.parametrize(
    ("argument", "value", "error", "words"),
    SAME_VALUE_CASES,
    ids=[f"{argument}={value!r}" for argument, value, _, _ in SAME_VALUE_CASES],
)
def test_the_same_bad_value_gets_the_same_error_everywhere(
    argument, value, error, words, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    assert len(TAKERS[argument]) >= 2
    for taker, call in TAKERS[argument]:
        with pytest.raises((TypeError, ValueError)) as caught:
            call(value)
        assert type(caught.value) is error, (taker, caught.value)
        _, _, said = str(caught.value).partition(" expected ")
        assert said == words, (taker, str(caught.value))
    assert list(tmp_path.iterdir()) == []  # refused before any folder was made


# -- user errors found while a command runs ----------------------------------------------------
# Files that are not what was asked for are found only when they are read: still one line and
# exit code 2, and no output folder (tiny synthetic IDX files, written by each row's setup).
def _write_split(folder, n_train=12, n_test=6, labels=None, images=None):
    rng = np.random.default_rng(0)
    for split, count in (("train", n_train), ("t10k", n_test)):
        write_idx(
            folder / f"{split}-images-idx3-ubyte.gz",
            rng.integers(0, 256, (count if images is None else images, 28, 28), dtype=np.uint8),
        )
        values = np.arange(count) % 10 if labels is None else labels[:count]
        write_idx(folder / f"{split}-labels-idx1-ubyte.gz", values.astype(np.uint8))


def _bomb(folder):
    _write_split(folder)
    header = bytes([0, 0, 8, 1]) + (12).to_bytes(4, "big")
    path = folder / "train-labels-idx1-ubyte.gz"
    path.write_bytes(gzip.compress(header + bytes(range(12)) + bytes(8 << 20)))


def _truncated(folder):
    _write_split(folder)
    path = folder / "t10k-images-idx3-ubyte.gz"
    path.write_bytes(path.read_bytes()[:300])


RUN_CASES = [
    # (argv, dataset folder under --root, setup(folder), words in the one-line error)
    (["train", "--no-verify"], "mnist", lambda f: _write_split(f, images=11), "counts differ"),
    (
        ["train", "--no-verify"],
        "mnist",
        lambda f: _write_split(f, labels=np.full(12, 12)),
        r"labels must be in [0, 10), found 12",
    ),
    (["train"], "mnist", _write_split, "declares shape (12,), not the (60000,) of MNIST's"),
    (["train", "--no-verify"], "mnist", _bomb, "declares 12 items of 1 byte (shape (12,)) but"),
    (["train", "--no-verify"], "mnist", _truncated, "corrupt gzip stream"),
    (
        ["fewshot", "--no-verify", "--samples", "50"],
        "mnist",
        _write_split,
        "--samples asked for 50 images, but mnist has 12 training images",
    ),
    (["fewshot", "--no-verify"], "mnist", _bomb, "holds more than"),
    (
        ["fewshot", "--no-verify", "--lr", "1e300", "--steps", "5"],
        "mnist",
        _write_split,
        "training diverged at step 2: the logits of 10 of 10 samples are not finite",
    ),
    (["fewshot"], "mnist", _write_split, "declares shape (12,), not the (60000,)"),
    (
        ["flip-balance", "--no-verify", "--train-per-class", "5", "--no-figures"],
        "fashion-mnist",
        _write_split,
        "--train-per-class asked for 5 images of each class",
    ),
    (
        ["flip-balance", "--no-verify", "--no-figures"],
        "fashion-mnist",
        lambda f: _write_split(f, images=10),
        "image and label counts differ",
    ),
    (["flip-balance"], "fashion-mnist", _write_split, "Fashion-MNIST was asked for, but"),
    (
        ["flip-balance", "--no-verify", "--lr", "1e30", "--epochs", "3", "--seeds", "0"],
        "fashion-mnist",
        _write_split,
        "; lower --lr (now 1e+30) or use --dtype float64",
    ),
]


@pytest.mark.parametrize(("argv", "dataset", "setup", "message"), RUN_CASES)
def test_bad_files_found_while_running_are_one_line(
    argv, dataset, setup, message, tmp_path, capsys, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    setup(tmp_path / "data" / dataset)
    out = tmp_path / "out"
    flags = ["--root", str(tmp_path / "data"), "--no-download", "--out", str(out)]
    assert main([*argv, *flags]) == 2
    error = capsys.readouterr().err.strip()
    assert message in error
    assert len(error.splitlines()) == 1
    assert not out.exists()

# ---- --out against the inputs and the final rename (zeronn.run_paths) ---------------------
# A table of its own: every command, every input it reads, every way --out can overlap one.
# Each row must exit 2 with one line naming --out and the input, before any data is read,
# and leave every file and folder exactly as it was.

OVERLAP_INPUTS = {
    # command -> the inputs it reads (the data stores: every command guards them)
    "train": ("--root", "--data", "--load", "cache", "env"),
    "fewshot": ("--root", "cache", "env"),
    "flip-balance": ("--root", "--data", "cache", "env"),
    "charlm": ("cache", "env"),
}
OVERLAP_KINDS = ("equal", "parent", "child", "symlink", "symlink-child")
INPUT_NAMES = {"cache": "the data cache", "env": "$ZERONN_DATA"}


def snapshot(folder: Path) -> dict[str, object]:
    """Every path below ``folder``: a file's bytes, a link's target, or "folder"."""
    tree: dict[str, object] = {}
    for path in sorted(folder.rglob("*")):
        key = path.relative_to(folder).as_posix()
        if path.is_symlink():
            tree[key] = ("link", os.readlink(path))
        elif path.is_dir():
            tree[key] = "folder"
        else:
            tree[key] = path.read_bytes()
    return tree


@pytest.fixture
def inputs(tmp_path, monkeypatch):
    """Each input in a folder of its own below tmp_path, and a working folder to run in."""
    from image_folders import make_class_folders

    from zeronn.data.idx import write_idx

    root = tmp_path / "in-root" / "data"
    for name in ("train", "t10k"):
        write_idx(root / f"{name}-images-idx3-ubyte.gz", np.zeros((2, 28, 28), np.uint8))
        write_idx(root / f"{name}-labels-idx1-ubyte.gz", np.array([0, 6], np.uint8))
    images = make_class_folders(
        tmp_path / "in-data" / "images", 2, size=(16, 16), shapes=("disk", "plus")
    )
    load = tmp_path / "in-load" / "models" / "model.npz"
    load.parent.mkdir(parents=True)
    zeronn.save(models.mlp([784, 100, 100, 10], rng=0, dtype="float32"), load)  # --model's default
    cache = tmp_path / "in-cache" / "xdg"
    (cache / "zeronn" / "mnist").mkdir(parents=True)
    (cache / "zeronn" / "mnist" / "kept.txt").write_text("downloaded")
    env = tmp_path / "in-env" / "datasets"
    (env / "mnist").mkdir(parents=True)
    (env / "mnist" / "kept.txt").write_text("the user's data")
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    monkeypatch.setenv("ZERONN_DATA", str(env))
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    paths = {"--root": root, "--data": images, "--load": load.parent, "cache": cache / "zeronn"}
    return {**paths, "env": env, "load file": load}


def command_flags(command: str, given: str, inputs: dict) -> list[str]:
    """The flags of a run of ``command`` that reads ``given`` (and a valid rest)."""
    if command == "charlm":
        return ["charlm", "--steps", "1"]
    if given == "--data":
        return [command, "--data", str(inputs["--data"])]
    flags = [command, "--root", str(inputs["--root"]), "--no-verify", "--no-download"]
    if given == "--load":
        flags += ["--load", str(inputs["load file"])]
    return flags


def overlapping_out(kind: str, folder: Path, tmp_path: Path) -> Path:
    if kind == "equal":
        return folder
    if kind == "parent":
        return folder.parent
    if kind == "child":
        return folder / "run"
    link = tmp_path / "work" / "link"
    link.symlink_to(folder, target_is_directory=True)
    return link if kind == "symlink" else link / "run"


OVERLAP_ROWS = [
    (command, given, kind)
    for command, givens in OVERLAP_INPUTS.items()
    for given in givens
    for kind in OVERLAP_KINDS
    # an --out beside the --load file never touches it (the default runs/... beside a
    # model.npz in the current folder must work): --load's folder may not be or hold --out
    if not (given == "--load" and kind in ("child", "symlink-child"))
]


@pytest.mark.parametrize(("command", "given", "kind"), OVERLAP_ROWS)
def test_out_never_equals_holds_or_sits_inside_an_input(
    command, given, kind, inputs, tmp_path, capsys
):
    folder = inputs[given]
    out = overlapping_out(kind, folder, tmp_path)
    before = snapshot(tmp_path)
    assert main([*command_flags(command, given, inputs), "--out", str(out), "--overwrite"]) == 2
    error = capsys.readouterr().err.strip()
    assert len(error.splitlines()) == 1, error
    name = INPUT_NAMES.get(given, given)
    assert f"--out {out}" in error
    assert f"{name} " in error
    assert snapshot(tmp_path) == before  # untouched byte for byte, nothing created


@pytest.mark.parametrize("kind", ["child", "symlink-child"])
def test_out_may_sit_beside_the_load_file(kind, inputs, tmp_path):
    from zeronn.experiments.train.config import TrainConfig

    out = overlapping_out(kind, inputs["--load"], tmp_path)
    config = TrainConfig(out=out, load=inputs["load file"], root=inputs["--root"], verify=False)
    assert config.check_paths() is config


def long_name_near_the_limit() -> str:
    """A name that fits the file system, but not with the bytes a run adds to it."""
    return "n" * 240


@pytest.mark.parametrize("command", ["train", "fewshot", "flip-balance", "charlm"])
@pytest.mark.parametrize(
    ("out", "message"),
    [
        (".", "is the current folder"),
        ("..", "holds the current folder"),
        ("mount", "is a mount point"),
        (long_name_near_the_limit(), "too long for the file system"),
        ("notes.txt", "is a file"),
    ],
    ids=["current", "ancestor", "mount", "long-name", "file"],
)
def test_an_out_the_final_rename_could_not_replace_is_refused(
    command, out, message, inputs, tmp_path, monkeypatch, capsys
):
    here = tmp_path / "work" / "here"  # so that .. holds no input, only the current folder
    here.mkdir()
    monkeypatch.chdir(here)
    (here / "notes.txt").write_text("notes")
    if out == "mount":
        (here / "mount").mkdir()
        mount = os.path.realpath("mount")
        real_ismount = os.path.ismount
        monkeypatch.setattr(os.path, "ismount", lambda p: str(p) == mount or real_ismount(p))
    before = snapshot(tmp_path)
    flags = command_flags(command, "--root", inputs)
    assert main([*flags, "--out", out, "--overwrite"]) == 2
    error = capsys.readouterr().err.strip()
    assert len(error.splitlines()) == 1, error
    assert message in error
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("command", ["train", "flip-balance"])
def test_a_class_folder_whose_name_is_not_utf8_is_refused_before_any_compute(
    command, tmp_path, monkeypatch, capsys
):
    """Refused, not handled: a class name is shown in the report, the figures and the JSON,
    and none can show bytes that are not text; renaming the folder is the user's one step."""
    from image_folders import make_class_folders

    images = make_class_folders(tmp_path / "images", 2, size=(16, 16), shapes=("disk", "plus"))
    os.rename(images / "plus", os.fsencode(images) + b"/caf\xe9")
    monkeypatch.chdir(tmp_path)
    before = snapshot(tmp_path)
    assert main([command, "--data", str(images), "--out", "out"]) == 2
    error = capsys.readouterr().err.strip()
    assert len(error.splitlines()) == 1
    assert "class folder 'caf\\udce9'" in error
    assert "b'caf\\xe9'" in error
    assert "not UTF-8 text" in error
    assert snapshot(tmp_path) == before


def test_charlm_refuses_a_temperature_given_twice(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["charlm", "--temperature", "0.5,1,0.5", "--out", str(out)]) == 2
    error = capsys.readouterr().err.strip()
    assert error == (
        "zeronn charlm: error: charlm expected distinct --temperature, got 0.5 more than once "
        "in (0.5, 1.0, 0.5)"
    )
    assert list(tmp_path.iterdir()) == []
