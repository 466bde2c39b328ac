"""``zeronn charlm``: a character-level language model on Python's help text.

Argparse in, a :class:`~zeronn.experiments.charlm.config.CharLMConfig` out, then
:func:`zeronn.experiments.charlm.run.run_charlm` (imported only when the command runs).
"""

from __future__ import annotations

import argparse
from dataclasses import fields
from types import SimpleNamespace

from zeronn.commands import _options as options
from zeronn.commands._unused import Unused, check_unused, overwrite_without_out
from zeronn.experiments.charlm.config import MODELS, CharLMConfig

DESCRIPTION = """\
Train a character-level language model (an LSTM, or a causal transformer of 2 blocks) on the
help topics that ship with Python (pydoc_data.topics: no download), score it in bits per
character on the held-out last tenth against unigram and bigram baselines counted on the same
split, sample text from it at each temperature, and write results.json, curves.png,
samples.txt and model.npz into --out. A small budget (e.g. --steps 20 --eval-every 10) makes
a quick check."""


# the config's options whose flag has another name (for its errors)
OPTION_FLAGS = {"num_heads": "--heads", "temperatures": "--temperature"}

# the flags a run would ignore, and when (zeronn.commands._unused)
UNUSED = (
    Unused(
        ("hidden",),
        lambda c, g: c.model == "transformer",
        "the transformer has no LSTM units (--embed-dim is its width)",
        example=("--model", "transformer", "--hidden", "64"),
    ),
    Unused(
        ("heads", "blocks"),
        lambda c, g: c.model == "lstm",
        "the lstm has no attention heads or blocks (give --model transformer)",
        example=("--heads", "2"),
    ),
    Unused(
        ("temperature", "prompt"),
        lambda c, g: c.sample_chars == 0,
        "--sample-chars 0 samples no text",
        example=("--sample-chars", "0", "--prompt", "Hi"),
    ),
    Unused(
        ("eval_every",),
        lambda c, g: c.eval_every >= c.steps,
        "the held-out text is scored at the end only, after --steps",
        refuse=False,
        example=("--steps", "10", "--eval-every", "20"),
    ),
    overwrite_without_out("charlm"),
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The flags of ``zeronn charlm``; the defaults are the documented LSTM run."""
    # The dataclass' defaults, read without building a config (which would read the corpus).
    defaults = SimpleNamespace(**{field.name: field.default for field in fields(CharLMConfig)})
    add = parser.add_argument
    add("--model", choices=MODELS, default=defaults.model, help="the language model")
    add("--steps", type=options.positive_int, default=defaults.steps, help="optimizer steps")
    add(
        "--batch-size",
        type=options.positive_int,
        default=defaults.batch_size,
        help="rows of text read side by side",
    )
    add(
        "--seq-len",
        type=options.positive_int,
        default=defaults.seq_len,
        help="characters per window: the LSTM's backpropagation span, the transformer's context",
    )
    add(
        "--embed-dim",
        type=options.positive_int,
        default=defaults.embed_dim,
        help="character embedding width (the transformer's width)",
    )
    add("--hidden", type=options.positive_int, default=defaults.hidden, help="LSTM units")
    add(
        "--heads",
        type=options.positive_int,
        default=defaults.num_heads,
        help="attention heads of the transformer",
    )
    add(
        "--blocks",
        type=options.positive_int,
        default=defaults.blocks,
        help="transformer blocks (attention + feed-forward)",
    )
    add("--lr", type=options.positive_float, default=defaults.lr, help="Adam learning rate")
    add(
        "--clip-grad-norm",
        type=options.positive_float,
        default=defaults.clip_grad_norm,
        metavar="MAX",
        help="largest global gradient norm of a step",
    )
    add(
        "--eval-every",
        type=options.positive_int,
        default=defaults.eval_every,
        metavar="STEPS",
        help="measure the held-out bits per character every STEPS steps (and at the end)",
    )
    add(
        "--temperature",
        type=options.float_list,
        default=defaults.temperatures,
        metavar="T,T,...",
        help="sampling temperature(s): below 1 safer text, above 1 wilder",
    )
    add(
        "--sample-chars",
        type=options.non_negative_int,
        default=defaults.sample_chars,
        metavar="N",
        help="characters sampled at each temperature",
    )
    add("--prompt", default=defaults.prompt, help="text the samples start from")
    options.add_seed(parser)
    options.add_dtype(parser)
    options.add_quiet(parser)
    options.add_no_figures(parser, "curves.png")
    options.add_threads(parser)
    options.add_out(parser, "charlm")


def config_from_args(args: argparse.Namespace) -> CharLMConfig:
    """The validated config of a parsed command line, its paths checked (``check_paths``)."""
    config = CharLMConfig(
        model=args.model,
        steps=args.steps,
        batch_size=args.batch_size,
        seq_len=args.seq_len,
        embed_dim=args.embed_dim,
        hidden=args.hidden,
        num_heads=args.heads,
        blocks=args.blocks,
        lr=args.lr,
        clip_grad_norm=args.clip_grad_norm,
        eval_every=args.eval_every,
        temperatures=args.temperature,
        sample_chars=args.sample_chars,
        prompt=args.prompt,
        seed=args.seed,
        dtype=args.dtype,
        verbose=not args.quiet,
        figures=not args.no_figures,
        out=options.resolve_out(args, "charlm"),
        overwrite=args.overwrite,
        threads=args.threads,
    ).check_paths()
    check_unused("charlm", UNUSED, config, args)
    return config


def run(config: CharLMConfig) -> int:
    """Run the command (its heavy imports happen here, not at ``--help``)."""
    from zeronn.experiments.charlm.run import run_charlm
    from zeronn.threads import blas_threads

    with blas_threads(config.threads), options.run_quietly():
        run_charlm(config)
    return 0
