"""What ``zeronn charlm`` runs: the corpus, the baselines, training, scoring, samples, outputs.

Into ``config.out`` (as one unit, :class:`zeronn.run_folder.RunFolder`) it writes::

    results.json   bits per character of the model and the baselines, the curve, the corpus'
                   identity, the config, versions and time
    curves.png     bits per character along training against the baselines (not with
                   ``figures=False``)
    samples.txt    text sampled at each temperature
    model.npz      the trained weights
"""

from __future__ import annotations

import platform
from collections.abc import Callable
from typing import Any

import numpy as np

import zeronn
from zeronn import serialize
from zeronn._io import atomic_write_json
from zeronn.data.text import (
    CharVocabulary,
    bigram_bits_per_char,
    load_python_help,
    split_held_out,
    unigram_bits_per_char,
)
from zeronn.experiments.charlm.config import CharLMConfig
from zeronn.experiments.charlm.figures import plot_curve
from zeronn.experiments.charlm.models import lstm_language_model, transformer_language_model
from zeronn.experiments.charlm.training import (
    evaluated_part,
    sample_text,
    train_language_model,
)
from zeronn.model import Sequential
from zeronn.run_folder import RunFolder

TITLES = {"lstm": "LSTM", "transformer": "Transformer"}


def build_model(config: CharLMConfig, vocab_size: int, rng: np.random.Generator) -> Sequential:
    """The config's language model for a vocabulary of ``vocab_size`` characters."""
    if config.model == "lstm":
        return lstm_language_model(
            vocab_size, config.embed_dim, config.hidden, rng=rng, dtype=config.dtype
        )
    return transformer_language_model(
        vocab_size,
        config.embed_dim,
        config.num_heads,
        config.seq_len,
        blocks=config.blocks,
        rng=rng,
        dtype=config.dtype,
    )


def run_charlm(config: CharLMConfig, printer: Callable[[str], None] = print) -> dict[str, Any]:
    """Train, score and sample one model; write the outputs; return the results dict."""
    config.check_paths()  # before any compute: where the outputs go (zeronn.run_paths)
    corpus = load_python_help()
    vocabulary = CharVocabulary(corpus.text)
    train_ids, held_out_ids = split_held_out(
        vocabulary.encode(corpus.text), config.held_out_fraction
    )
    scored = evaluated_part(held_out_ids, config.batch_size)
    baselines = {
        "unigram": unigram_bits_per_char(train_ids, scored, len(vocabulary)),
        "bigram": bigram_bits_per_char(train_ids, scored, len(vocabulary)),
    }
    rng = np.random.default_rng(config.seed)
    model = build_model(config, len(vocabulary), rng)
    say = printer if config.verbose else None
    if say is not None:
        say(
            f"{corpus!r}: {len(vocabulary)} distinct characters, {len(train_ids)} for training, "
            f"{len(scored) - 1} held-out characters scored"
        )
    curve = train_language_model(
        model,
        train_ids,
        held_out_ids,
        steps=config.steps,
        batch_size=config.batch_size,
        seq_len=config.seq_len,
        lr=config.lr,
        max_norm=config.clip_grad_norm,
        eval_every=config.eval_every,
        printer=say,
    )
    samples = {
        temperature: sample_text(
            model,
            vocabulary,
            config.prompt,
            config.sample_chars,
            temperature,
            rng,
            context=config.seq_len,
        )
        for temperature in config.temperatures
    }
    results = _results(config, corpus, vocabulary, train_ids, scored, baselines, curve, model)
    with RunFolder(config.out, overwrite=config.overwrite) as folder:
        atomic_write_json(folder / "results.json", results)
        (folder / "samples.txt").write_text(_samples_text(samples), encoding="utf-8")
        if config.figures:
            title = f"{TITLES[config.model]} on {corpus.name}"
            plot_curve(curve, baselines, title, folder / "curves.png")
        serialize.save(model, folder / "model.npz")
    printer(_summary(results))
    printer(_samples_text(samples))
    printer(f"outputs in {config.out}")
    return results


def _results(config, corpus, vocabulary, train_ids, scored, baselines, curve, model):
    return {
        "experiment": "charlm",
        "model": config.model,
        "bits_per_char": {"model": curve.held_out_bpc[-1], **baselines},
        "corpus": {
            "name": corpus.name,
            "characters": corpus.num_chars,
            "sha256": corpus.sha256,
            "vocabulary": len(vocabulary),
            "train_characters": len(train_ids),
            "held_out_characters_scored": len(scored) - 1,
        },
        "parameters": sum(p.size for p in model.parameters()),
        "curve": {
            "train_bpc": curve.train_bpc,
            "eval_steps": curve.eval_steps,
            "held_out_bpc": curve.held_out_bpc,
        },
        "train_seconds": curve.seconds,
        "config": config.as_dict(),
        "versions": {
            "zeronn": zeronn.__version__,
            "numpy": np.__version__,
            "python": platform.python_version(),
        },
    }


def _summary(results: dict[str, Any]) -> str:
    bpc = results["bits_per_char"]
    name = TITLES[results["model"]]
    rows = [(f"{name} ({results['parameters']:,} parameters)", bpc["model"])]
    rows += [("bigram baseline", bpc["bigram"]), ("unigram baseline", bpc["unigram"])]
    width = max(len(text) for text, _ in rows)
    lines = [f"{'held-out bits per character':<{width}}"]
    lines += [f"{text:<{width}}  {value:.3f}" for text, value in rows]
    return "\n".join(lines)


def _samples_text(samples: dict[float, str]) -> str:
    return "\n".join(
        f"--- temperature {temperature:g} ---\n{text}\n" for temperature, text in samples.items()
    )
