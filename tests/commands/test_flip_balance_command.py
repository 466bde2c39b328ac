"""`zeronn flip-balance` end to end on the real Fashion-MNIST files, tiny budget."""

import json

from conftest import real_data_root, requires_real_data

from zeronn import cli
from zeronn.experiments.flip_balance.conditions import CONDITIONS


@requires_real_data
def test_flip_balance_runs_end_to_end(tmp_path, capsys):
    code = cli.main(
        [
            "flip-balance",
            "--root",
            str(real_data_root()),
            "--train-per-class",
            "200",
            "--epochs",
            "2",
            "--seeds",
            "0,1",
            "--out",
            str(tmp_path),
        ]
    )
    assert code == 0
    printed = capsys.readouterr().out
    assert "| flip-a-balanced | 400 / 400 |" in printed

    results = json.loads((tmp_path / "results.json").read_text())
    assert results["class_names"] == ["T-shirt/top", "Shirt"]
    assert results["test_counts"] == [1000, 1000]
    assert len(results["runs"]) == 2 * len(CONDITIONS)
    summary = results["summary"]
    assert list(summary) == list(CONDITIONS)
    expected_counts = {
        "none": [200, 200],
        "flip-a": [400, 200],
        "flip-both": [400, 400],
        "random-flip": [200, 200],
        "flip-a-balanced": [400, 400],
    }
    for condition, counts in expected_counts.items():
        assert summary[condition]["train_counts"] == counts
    assert summary["flip-both"]["held_bytes"] == 2 * summary["none"]["held_bytes"]
    # equal budget: 2 epochs of 400 originals = 800 visits = 8 steps of 100, for every set
    assert {run["steps"] for run in results["runs"]} == {8}
    # a network that learned something: well above the 50 % of guessing
    assert summary["none"]["accuracy"]["mean"] > 0.6

    figures = sorted(path.name for path in tmp_path.glob("*.png"))
    assert "flip_balance_recall.png" in figures
    assert "flip_balance_gradcam_none_to_flip-both.png" in figures
    for path in tmp_path.glob("*.png"):
        assert 0 < path.stat().st_size < 150_000, path.name


def test_missing_data_is_reported(tmp_path, capsys):
    code = cli.main(["flip-balance", "--root", str(tmp_path / "nowhere")])
    assert code == 2
    assert "not an existing folder" in capsys.readouterr().err


def test_bad_classes_are_refused_before_loading(capsys):
    assert cli.main(["flip-balance", "--classes", "0,x"]) == 2
    error = capsys.readouterr().err
    assert "each of --classes to be a non-negative integer, got 'x'" in error
    assert "class indices in [0, 10) such as 0,6; class names go with --data DIR" in error
    assert cli.main(["flip-balance", "--classes", "0"]) == 2
    assert "two different Fashion-MNIST class indices" in capsys.readouterr().err
