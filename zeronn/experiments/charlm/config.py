"""The options of ``zeronn charlm`` as one frozen, validated value.

Every check runs before the corpus is read or a weight drawn: a typo costs nothing, and the
message names the option, what it expected and what arrived.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from zeronn import memory
from zeronn._checks import (
    as_float_dtype,
    boolean,
    choice,
    non_negative_int,
    positive_int,
    positive_real,
    real_in,
    representable,
    sequence,
    text,
)
from zeronn.data.text import load_python_help
from zeronn.experiments.charlm.models import language_model_size
from zeronn.experiments.options import RunOptions
from zeronn.run_folder import new_run_folder

MODELS = ("lstm", "transformer")
_OWNER = "charlm"


@dataclass(frozen=True, kw_only=True)
class CharLMConfig(RunOptions):
    """Options of one character-level language-model run (``out`` and ``threads``:
    :mod:`zeronn.experiments.options`).

    Data: the last ``held_out_fraction`` of the corpus is held out. Training: ``steps``
    optimizer steps on batches of ``batch_size`` windows of ``seq_len`` characters, walking the
    training text in order (passes repeat as needed), Adam at ``lr`` with gradients clipped to
    a global norm of ``clip_grad_norm``; the held-out bits per character are measured every
    ``eval_every`` steps and at the end. Model: ``lstm`` (an ``embed_dim`` embedding, one
    stateful LSTM of ``hidden`` units) or ``transformer`` (``blocks`` pre-norm blocks of width
    ``embed_dim`` with ``num_heads`` heads, attending over at most ``seq_len`` characters).
    Sampling: ``sample_chars`` characters at each temperature of ``temperatures``, after
    ``prompt``. ``verbose``: the header and progress lines (False: the results only);
    ``figures``: draw curves.png.
    """

    model: str = "lstm"
    steps: int = 3000
    batch_size: int = 32
    seq_len: int = 64
    embed_dim: int = 64
    hidden: int = 256
    num_heads: int = 4
    blocks: int = 2
    lr: float = 0.002
    clip_grad_norm: float = 1.0
    held_out_fraction: float = 0.1
    eval_every: int = 250
    temperatures: tuple[float, ...] = (0.5, 1.0)
    sample_chars: int = 600
    prompt: str = "The "
    seed: int = 0
    dtype: str = "float32"
    verbose: bool = True
    figures: bool = True
    out: Path = field(default_factory=lambda: new_run_folder("charlm"))

    def __post_init__(self) -> None:
        put = self._put
        self._check_run_options(_OWNER)

        put("model", choice(self.model, "model", _OWNER, MODELS))
        for name in ("steps", "batch_size", "seq_len", "embed_dim", "hidden", "num_heads"):
            put(name, positive_int(getattr(self, name), name, _OWNER))
        for name in ("blocks", "eval_every"):
            put(name, positive_int(getattr(self, name), name, _OWNER))
        put("sample_chars", non_negative_int(self.sample_chars, "sample_chars", _OWNER))
        for name in ("lr", "clip_grad_norm"):
            put(name, positive_real(getattr(self, name), name, _OWNER))
        fraction = real_in(
            self.held_out_fraction, "held_out_fraction", _OWNER, 0, 0.5, closed=(False, False)
        )
        put("held_out_fraction", fraction)
        # each temperature is one sample: the same one twice would be computed twice, kept once
        temperatures = sequence(
            self.temperatures,
            "temperatures",
            _OWNER,
            positive_real,
            item="each temperature",
            distinct=True,
        )
        put("temperatures", temperatures)
        put("prompt", text(self.prompt, "prompt", _OWNER))
        if self.model == "transformer" and self.embed_dim % self.num_heads:
            raise ValueError(
                f"{_OWNER} expected embed_dim divisible by num_heads for the transformer, got "
                f"{self.embed_dim} and {self.num_heads}"
            )
        put("seed", non_negative_int(self.seed, "seed", _OWNER))
        put("dtype", as_float_dtype(self.dtype, _OWNER).name)
        for name in ("verbose", "figures"):
            put(name, boolean(getattr(self, name), name, _OWNER))
        representable(self.lr, "lr", _OWNER, self.dtype)  # Adam computes in dtype
        corpus = load_python_help()  # a fraction of a second: checked before any compute
        problem = self.corpus_problem(corpus.num_chars, set(corpus.text))
        if problem is not None:
            raise ValueError(problem)
        self.check_memory(len(set(corpus.text)))

    def check_memory(self, vocab_size: int) -> None:
        """Refuse sizes whose training would not fit in this machine's memory."""
        size = language_model_size(
            self.model,
            vocab_size,
            self.embed_dim,
            hidden=self.hidden,
            num_heads=self.num_heads,
            blocks=self.blocks,
            seq_len=self.seq_len,
        )
        flags = f"--embed-dim {self.embed_dim} --seq-len {self.seq_len} " + (
            f"--hidden {self.hidden}"
            if self.model == "lstm"
            else f"--heads {self.num_heads} --blocks {self.blocks}"
        )
        needed = size.training_bytes(self.batch_size, np.dtype(self.dtype).itemsize, "adam")
        memory.check_fits(
            needed,
            f"--model {self.model} {flags} (its weights, gradients and adam's state in "
            f"{self.dtype}, and a batch of {self.batch_size})",
        )

    def corpus_problem(self, num_chars: int, chars: set[str]) -> str | None:
        """Why a corpus of ``num_chars`` characters from ``chars`` cannot serve this run."""
        unknown = sorted(set(self.prompt) - chars)
        if unknown:
            return (
                f"{_OWNER} expected a prompt made of the corpus' characters, got "
                f"{''.join(unknown)!r} that it never uses"
            )
        held_out = round(num_chars * self.held_out_fraction)
        window = self.batch_size * self.seq_len
        if num_chars - held_out <= window or held_out <= window:
            return (
                f"{_OWNER} expected --batch-size × --seq-len ({window}) below the "
                f"{num_chars - held_out} training and {held_out} held-out characters"
            )
        return None

    def as_dict(self) -> dict[str, Any]:
        """The options as JSON-ready values."""
        payload = asdict(self)
        payload["out"] = str(self.out)
        payload["temperatures"] = list(self.temperatures)
        return payload
