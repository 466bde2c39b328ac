"""``zeronn fewshot`` end to end: on a tiny synthetic IDX dataset, and on the real MNIST."""

import json

import numpy as np
import pytest
from conftest import real_data_root, requires_real_data
from scipy import stats

from zeronn.augment import expand
from zeronn.cli import main
from zeronn.data import write_idx
from zeronn.experiments.fewshot.config import FewshotConfig
from zeronn.experiments.fewshot.run import run_fewshot

TRAIN, TEST = 120, 60


@pytest.fixture
def tiny_mnist(tmp_path):
    """A folder with the four MNIST files holding a learnable toy problem: class k is a bright
    4x4 block at a position set by k, plus noise."""
    rng = np.random.default_rng(0)
    root = tmp_path / "data"
    root.mkdir()
    for prefix, count in (("train", TRAIN), ("t10k", TEST)):
        labels = (np.arange(count) % 10).astype(np.uint8)
        images = rng.integers(0, 40, size=(count, 28, 28), dtype=np.uint8)
        for index, label in enumerate(labels):
            row, col = 4 + 10 * (label // 4), 2 + 6 * (label % 4)
            images[index, row : row + 4, col : col + 4] = 250
        write_idx(root / f"{prefix}-images-idx3-ubyte.gz", images)
        write_idx(root / f"{prefix}-labels-idx1-ubyte.gz", labels)
    return root


def quiet(_: str) -> None:
    return None


def read_results(out):
    return json.loads((out / "results.json").read_text())


def test_text_design_run_writes_every_output(tiny_mnist, tmp_path):
    out = tmp_path / "out"
    config = FewshotConfig(root=tiny_mnist, verify=False, out=out, steps=40, lr=0.1, init="he")
    payload = run_fewshot(config, printer=quiet)

    for name in ("loss_curves.png", "augmented_grid.png"):
        assert (out / name).stat().st_size > 1000
    results = read_results(out)
    assert results == json.loads(json.dumps(payload))
    assert results["reading"] == "text design"
    assert results["config"]["steps"] == 40
    without, with_rotation = results["runs"]["without"], results["runs"]["with"]
    assert (without["images"], with_rotation["images"]) == (10, 30)
    assert len(without["loss_per_step"]) == 40
    assert without["final_loss"] == without["loss_per_step"][-1]
    # 6 test images per class: the accuracy is the mean of the per-class ones; the toy classes
    # are easy, so the classes drawn for training are recognized (0.7 when written; chance 0.1)
    assert with_rotation["test_accuracy"] == pytest.approx(
        np.mean(with_rotation["per_class_accuracy"])
    )
    assert with_rotation["test_accuracy"] >= 0.5
    assert len(with_rotation["per_class_accuracy"]) == 10
    assert sum(with_rotation["predicted_class_counts"]) == TEST
    # the rotated set is each drawn original followed by its +15° and −15° copies
    images = results["training_images"]
    assert images["with"]["source_indices"][::3] == images["without"]["source_indices"]
    assert images["with"]["angles"][:3] == [0.0, 15.0, -15.0]
    assert results["timing"]["total_seconds"] >= results["timing"]["load_seconds"] + sum(
        run["seconds"] for run in (without, with_rotation)
    )
    assert not list(out.glob(".*tmp"))


def test_literal_run_draws_from_the_rotated_pool(tiny_mnist, tmp_path):
    out = tmp_path / "literal"
    run_fewshot(
        FewshotConfig(root=tiny_mnist, verify=False, out=out, steps=5, literal=True), printer=quiet
    )
    results = read_results(out)
    legacy = np.random.RandomState(8)
    pool_indices = legacy.choice(3 * TRAIN, 10)
    images = results["training_images"]
    assert images["with"]["source_indices"] == (pool_indices // 3).tolist()
    assert images["with"]["angles"] == [(0.0, 15.0, -15.0)[i % 3] for i in pool_indices]
    assert (
        images["without"]["source_indices"] == np.random.RandomState(8).choice(TRAIN, 10).tolist()
    )
    assert results["runs"]["with"]["images"] == 10
    # the blog's weights: 0.01 * randn, so the first loss is ln(10) to a few decimals
    assert results["runs"]["without"]["initial_loss"] == pytest.approx(np.log(10), abs=0.01)


def test_literal_pool_rows_are_the_expanded_rows(tiny_mnist):
    # The pool index -> (image, angle) mapping the command reports is expand's order.
    from zeronn.data import load_dataset

    (x, t), _ = load_dataset("mnist", root=tiny_mnist, verify=False)
    pool_x, pool_t = expand(x[:4], t[:4], (15, -15), image_shape=(28, 28))
    assert np.array_equal(pool_x[0::3], x[:4])
    assert np.array_equal(pool_t[1::3], t[:4])


def test_studies_write_their_figures_and_tables(tiny_mnist, tmp_path):
    out = tmp_path / "studies"
    lines = []
    config = FewshotConfig(
        root=tiny_mnist,
        verify=False,
        out=out,
        steps=5,
        lr=0.1,
        repeats=2,
        sweep=(10, 20),
        init_study=True,
    )
    results = run_fewshot(config, printer=lines.append)
    assert (out / "accuracy_vs_size.png").stat().st_size > 1000
    assert (out / "prediction_histogram.png").stat().st_size > 1000
    assert results["repeats"]["seeds"] == [8, 9]
    # the paired difference and its 95% Student-t interval, recomputed from the two draws
    repeats = results["repeats"]
    differences = np.subtract(repeats["test_accuracy_with"], repeats["test_accuracy_without"])
    half_width = stats.t.ppf(0.975, 1) * differences.std(ddof=1) / np.sqrt(2)
    paired = repeats["difference_with_minus_without"]
    assert (paired["n"], paired["confidence"]) == (2, 0.95)
    assert [paired["mean"], paired["ci_low"], paired["ci_high"]] == pytest.approx(
        [differences.mean(), differences.mean() - half_width, differences.mean() + half_width]
    )
    assert [(row["sampling"], row["samples"]) for row in results["sweep"]] == [
        ("random", 10),
        ("random", 20),
        ("per-class", 10),
        ("per-class", 20),
    ]
    assert [row["init"] for row in results["init_study"]] == [0.01, "he", "xavier"]
    assert isinstance(results["init_study"][0]["first_repeat_with"]["learned"], bool)
    text = "\n".join(lines)
    assert "95% CI" in text
    assert "init study" in text


def test_missing_data_files_exit_2_and_write_nothing(tmp_path, monkeypatch, capsys):
    import zeronn.data.datasets as datasets

    def no_network(*args, **kwargs):
        raise datasets._download.DownloadError("no network in this test")

    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("ZERONN_DATA", str(empty))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(datasets._download, "download", no_network)
    out = tmp_path / "out"
    code = main(["fewshot", "--no-verify", "--root", str(empty), "--out", str(out)])
    assert code == 2
    error = capsys.readouterr().err
    assert "MNIST not found" in error
    assert "train-images-idx3-ubyte.gz" in error
    assert not out.exists()


def test_too_many_samples_exit_2(tiny_mnist, tmp_path, capsys):
    out = tmp_path / "out"
    code = main(
        ["fewshot", "--no-verify", "--root", str(tiny_mnist), "--samples", "500", "--out", str(out)]
    )
    assert code == 2
    assert (
        "--samples asked for 500 images, but mnist has 120 training images"
        in capsys.readouterr().err
    )
    assert not out.exists()


@pytest.mark.parametrize(
    ("argument", "message"),
    [
        (["--steps", "0"], "argument --steps: expected a positive integer, got '0'"),
        (["--lr", "-1"], "argument --lr: expected a positive number, got '-1'"),
    ],
)
def test_bad_numbers_exit_2_before_loading(tmp_path, capsys, argument, message):
    with pytest.raises(SystemExit) as excinfo:
        main(["fewshot", "--root", str(tmp_path / "nowhere"), *argument])
    assert excinfo.value.code == 2
    assert message in capsys.readouterr().err


def test_output_folder_that_is_a_file_exit_2(tiny_mnist, tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("keep me")
    code = main(["fewshot", "--no-verify", "--root", str(tiny_mnist), "--out", str(blocker)])
    assert code == 2
    assert "is a file" in capsys.readouterr().err
    assert blocker.read_text() == "keep me"


def test_overwrite_replaces_an_earlier_run_and_its_paths_are_checked_once_per_run(
    tiny_mnist, tmp_path, monkeypatch
):
    """The path checks run when a run starts, never when a config is built: not by
    command_line() (which builds the default config) nor by a study's replaced configs."""
    from zeronn import run_paths

    out = tmp_path / "out"
    flags = ["fewshot", "--no-verify", "--root", str(tiny_mnist), "--steps", "5", "--out", str(out)]
    assert main(flags) == 0
    probes = []
    probe = run_paths._probe
    monkeypatch.setattr(run_paths, "_probe", lambda *args: probes.append(args) or probe(*args))
    assert main([*flags, "--overwrite", "--seed", "9", "--sweep", "10,20"]) == 0
    results = read_results(out)
    assert results["config"]["seed"] == 9
    assert results["command"].endswith(f"--sweep=10,20 --out {out}")
    assert len(probes) == 2  # as the command built the config, and as the run started
    assert {path.name for path in tmp_path.iterdir()} == {"data", "out"}


@requires_real_data
def test_real_mnist_short_run(tmp_path):
    out = tmp_path / "real"
    config = FewshotConfig(root=real_data_root(), out=out, steps=20, lr=0.1, init="he")
    run_fewshot(config, printer=quiet)
    results = read_results(out)
    for name in ("loss_curves.png", "augmented_grid.png"):
        assert (out / name).stat().st_size > 1000
    assert set(results) >= {"config", "runs", "training_images", "timing", "files"}
    without, with_rotation = results["runs"]["without"], results["runs"]["with"]
    assert (without["images"], with_rotation["images"]) == (10, 30)
    assert sum(without["predicted_class_counts"]) == 10_000
    assert with_rotation["test_accuracy"] > 0.25  # 0.389 when written; chance is 0.1
    assert results["timing"]["total_seconds"] >= sum(
        run["seconds"] for run in (without, with_rotation)
    )


def test_both_arms_start_from_the_same_weights(tiny_mnist):
    # With a 0° "rotation" the second arm sees each image twice: the same mean loss and the
    # same gradients, so the two curves agree exactly only if the initial weights are shared.
    from zeronn.experiments.fewshot.experiment import paired_run
    from zeronn.experiments.fewshot.run import load_data

    config = FewshotConfig(root=tiny_mnist, verify=False, angles=(0.0,), init="he", steps=5, lr=0.1)
    outcome = paired_run(load_data(config), config, seed=3)
    assert outcome.with_rotation.images == 20
    np.testing.assert_allclose(outcome.with_rotation.losses, outcome.without.losses, rtol=1e-12)
