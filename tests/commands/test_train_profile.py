"""``zeronn train --profile``: the table of one step of the configured run, nothing trained."""

import numpy as np
import pytest

from zeronn.cli import main
from zeronn.data import write_idx


@pytest.fixture(scope="module")
def fake_root(tmp_path_factory):
    """mnist/ with 30 train and 10 test random 28×28 images in the IDX format."""
    root = tmp_path_factory.mktemp("data")
    rng = np.random.default_rng(0)
    for split, count in (("train", 30), ("t10k", 10)):
        write_idx(
            root / "mnist" / f"{split}-images-idx3-ubyte.gz",
            rng.integers(0, 256, size=(count, 28, 28)).astype(np.uint8),
        )
        write_idx(
            root / "mnist" / f"{split}-labels-idx1-ubyte.gz",
            (np.arange(count) % 10).astype(np.uint8),
        )
    return root


def test_profile_prints_the_steps_table_and_writes_nothing(fake_root, tmp_path, capsys):
    out = tmp_path / "run"
    argv = ["train", "--root", str(fake_root), "--out", str(out), "--no-download"]
    argv += ["--no-verify", "--model", "simple-convnet", "--batch-size", "8", "--profile"]
    assert main([*argv, "--optimizer", "momentum", "--threads", "1"]) == 0
    printed = capsys.readouterr().out
    assert "one training step on 8 samples (float32)" in printed
    assert "| 0 Conv2D 1→30 5×5 |" in printed
    assert "| optimizer Momentum |" in printed
    assert "share of peak" in printed
    assert not out.exists()
