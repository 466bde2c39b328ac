"""History: recording epochs, the JSON round trip, and errors that name the problem."""

import json

import numpy as np
import pytest

from zeronn.history import History


def two_epochs() -> History:
    """A History as fit records it: two epochs with validation, five steps each."""
    history = History(step_loss=[float(v) for v in np.linspace(1.3, 0.2, 10)])
    history.record_epoch(
        {
            "loss": 1.1,
            "accuracy": 0.4,
            "val_loss": 1.0,
            "val_accuracy": 0.5,
            "lr": 0.1,
            "epoch_time": 0.25,
        }
    )
    history.record_epoch(
        {
            "loss": 0.3,
            "accuracy": 0.9,
            "val_loss": 0.35,
            "val_accuracy": 0.875,
            "lr": 0.05,
            "epoch_time": 0.125,
        }
    )
    return history


def test_record_epoch_appends_the_known_keys():
    history = History()
    history.record_epoch({"loss": 2, "accuracy": 0.5, "lr": 0.1, "epoch_time": 1.0})
    assert history.epochs == 1
    assert history.loss == [2.0]
    assert isinstance(history.loss[0], float)
    assert history.val_loss == []


def test_history_json_round_trip(tmp_path):
    history = two_epochs()
    path = history.save(tmp_path / "run" / "history.json")
    payload = json.loads(path.read_text())
    assert payload["format"] == "zeronn.History/1"
    assert History.load(path) == history
    assert History.from_json(history.to_json()) == history


def test_history_load_names_the_problem(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(ValueError, match=r"expected JSON in .*bad\.json"):
        History.load(bad)
    payload = History().to_json()
    payload["epochs"]["loss"] = ["x"]
    with pytest.raises(ValueError, match="loss as a list of numbers"):
        History.from_json(payload)
    with pytest.raises(ValueError, match=r"format 'zeronn\.History/1', got None"):
        History.from_json({})


def test_the_trainer_module_still_exports_history():
    from zeronn.trainer import History as TrainHistory

    assert TrainHistory is History
