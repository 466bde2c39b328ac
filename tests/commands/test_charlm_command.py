"""``zeronn charlm`` end to end on tiny budgets, and its config's checks."""

import json
import re

import numpy as np
import pytest

from zeronn import serialize
from zeronn.cli import main
from zeronn.data.text import CharVocabulary, load_python_help, split_held_out
from zeronn.experiments.charlm import training
from zeronn.experiments.charlm.config import CharLMConfig
from zeronn.experiments.charlm.models import lstm_language_model
from zeronn.experiments.charlm.run import build_model
from zeronn.experiments.charlm.training import bits_per_char, sample_text
from zeronn.losses import SoftmaxCrossEntropy

TINY = (
    "--steps", "6", "--eval-every", "3", "--batch-size", "8", "--seq-len", "16",
    "--embed-dim", "8", "--sample-chars", "40", "--temperature", "0.5,1.5", "--quiet",
)  # fmt: skip
# the size flags of each model (the other model would ignore them, and refuses them)
SIZE = {"lstm": ("--hidden", "16"), "transformer": ("--heads", "2")}
TINY_LSTM = (*TINY, *SIZE["lstm"])


@pytest.mark.parametrize("model", ["lstm", "transformer"])
def test_charlm_writes_results_curve_samples_and_weights(tmp_path, capsys, model):
    out = tmp_path / model
    assert main(["charlm", "--model", model, *TINY, *SIZE[model], "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "held-out bits per character" in printed
    for name in ("results.json", "curves.png", "samples.txt", "model.npz"):
        assert (out / name).stat().st_size > 0, name
    results = json.loads((out / "results.json").read_text())
    bpc = results["bits_per_char"]
    vocabulary = results["corpus"]["vocabulary"]
    assert 3 < bpc["bigram"] < bpc["unigram"] < np.log2(vocabulary)
    assert bpc["model"] == results["curve"]["held_out_bpc"][-1]
    assert results["curve"]["eval_steps"] == [3, 6]
    assert len(results["curve"]["train_bpc"]) == 6
    assert results["corpus"]["name"] == "pydoc_data.topics"
    assert results["config"]["model"] == model
    samples = (out / "samples.txt").read_text(encoding="utf-8")
    assert "--- temperature 0.5 ---\nThe " in samples
    assert "--- temperature 1.5 ---\nThe " in samples
    with np.load(out / "model.npz") as weights:
        assert weights["0.W"].shape == (vocabulary, 8)
        assert weights["0.W"].dtype == np.float32

    # The saved weights, loaded into a freshly built model, score the same bits per character.
    config = CharLMConfig(**{**results["config"], "out": tmp_path / "unused"})
    model = serialize.load(
        build_model(config, vocabulary, np.random.default_rng(9)), out / "model.npz"
    )
    corpus = load_python_help()
    ids = CharVocabulary(corpus.text).encode(corpus.text)
    _, held_out = split_held_out(ids, config.held_out_fraction)
    model.eval()
    score = bits_per_char(model, held_out, config.batch_size, config.seq_len)
    assert score == pytest.approx(bpc["model"], rel=1e-5)


def test_bad_options_are_refused_before_any_compute(tmp_path, capsys):
    def error(*flags):
        assert main(["charlm", *TINY_LSTM, "--out", str(tmp_path / "x"), *flags]) == 2
        return capsys.readouterr().err

    assert "prompt made of the corpus' characters" in error("--prompt", "\u263a")
    assert "--embed-dim divisible by --heads" in error("--model", "transformer", "--heads", "3")
    assert "below the" in error("--batch-size", "4096")
    taken = tmp_path / "taken"
    taken.mkdir()
    (taken / "results.json").write_text("{}")
    assert main(["charlm", *TINY_LSTM, "--out", str(taken)]) == 2
    assert "already holds files" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["charlm", "--temperature", "warm"])
    assert "comma-separated numbers" in capsys.readouterr().err


def test_config_checks_values(tmp_path):
    with pytest.raises(ValueError, match="temperature to be a positive number, got 0"):
        CharLMConfig(out=tmp_path / "a", temperatures=(0,))
    with pytest.raises(ValueError, match=r"held_out_fraction in \(0, 0\.5\)"):
        CharLMConfig(out=tmp_path / "a", held_out_fraction=0.7)
    with pytest.raises(ValueError, match="model to be one of 'lstm', 'transformer'"):
        CharLMConfig(out=tmp_path / "a", model="gpt")
    config = CharLMConfig(out=tmp_path / "a")
    assert config.as_dict()["temperatures"] == [0.5, 1.0]
    assert config.as_dict()["out"] == str(tmp_path / "a")


def test_a_diverging_run_is_one_line_naming_the_flags_to_change(tmp_path, capsys, monkeypatch):
    class LossTurningNaN(SoftmaxCrossEntropy):
        """The true loss for the first two calls, then NaN: a run that diverges."""

        calls = 0

        def forward(self, logits, t):
            LossTurningNaN.calls += 1
            loss = super().forward(logits, t)
            return loss if LossTurningNaN.calls <= 2 else float("nan")

    monkeypatch.setattr(training, "SoftmaxCrossEntropy", LossTurningNaN)
    out = tmp_path / "run"
    assert main(["charlm", *TINY_LSTM, "--lr", "0.5", "--out", str(out)]) == 2
    error = capsys.readouterr().err.strip()
    assert len(error.splitlines()) == 1
    assert error.startswith("zeronn charlm: error: ")
    assert re.search(r"training diverged at step \d: the loss is nan; the last finite loss", error)
    assert error.endswith(
        "lower --lr (now 0.5), lower --clip-grad-norm (now 1) or use --dtype float64"
    )
    assert not out.exists()


def test_sampling_at_a_tiny_temperature_is_greedy_not_nan():
    vocabulary = CharVocabulary("abcab")
    model = lstm_language_model(len(vocabulary), 4, 6, rng=0)
    rng = np.random.default_rng(0)
    text = sample_text(model, vocabulary, "ab", 5, 1e-300, rng, context=4)
    greedy = sample_text(model, vocabulary, "ab", 5, 1e-6, np.random.default_rng(1), context=4)
    assert text == greedy  # at T -> 0 every draw is the most likely character
    with pytest.raises(ValueError, match="sample_text expected temperature to be a positive"):
        sample_text(model, vocabulary, "ab", 5, 0.0, rng, context=4)
