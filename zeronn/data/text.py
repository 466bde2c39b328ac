"""Text for character-level language models: a corpus that needs no download, a character
vocabulary, a held-out split, batches for truncated backpropagation through time, and the
n-gram baselines a model must beat, in bits per character.

The corpus: the help topics of the running Python (``pydoc_data.topics``, what ``help("if")``
prints), about 0.46 MB of English prose with code examples. It ships inside every CPython's
standard library, so it exists on every machine that runs zeronn, offline, with no license
question (it is Python's own documentation, under the PSF license). It changes between Python
versions, so :func:`load_python_help` records its length and SHA-256: quote them with results.

A language model reads characters ``ids[:-1]`` and predicts ``ids[1:]``. Bits per character
(bpc) is the mean of ``−log₂ p(next character)`` over the held-out characters it predicts;
a uniform guess over V characters scores log₂ V, and lower is better.
"""

from __future__ import annotations

import hashlib
import math
import numbers
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from zeronn._checks import positive_int

__all__ = [
    "CharVocabulary",
    "TextCorpus",
    "bigram_bits_per_char",
    "iterate_bptt",
    "load_python_help",
    "num_bptt_batches",
    "split_held_out",
    "unigram_bits_per_char",
]


@dataclass(frozen=True)
class TextCorpus:
    """A text and what identifies it: ``name``, ``sha256`` of its UTF-8 bytes, length."""

    name: str
    text: str
    sha256: str

    @property
    def num_chars(self) -> int:
        return len(self.text)

    def __repr__(self) -> str:
        return f"TextCorpus({self.name!r}, {self.num_chars} characters, sha256={self.sha256[:12]}…)"


def load_python_help() -> TextCorpus:
    """The running Python's help topics, in sorted topic order, separated by blank lines."""
    from pydoc_data.topics import topics  # imported here: 0.5 MB that only this needs

    text = "\n\n".join(topics[name].strip() for name in sorted(topics)) + "\n"
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return TextCorpus("pydoc_data.topics", text, digest)


class CharVocabulary:
    """The sorted distinct characters of a text; id = position in that order.

    Build it from the whole corpus, so that every held-out character has an id (the model's
    output layer needs one unit per character anyway); fit the baselines on the training part
    only.

    >>> vocabulary = CharVocabulary("hello")
    >>> vocabulary.chars, vocabulary.encode("hole").tolist(), vocabulary.decode([3, 0])
    ('ehlo', [1, 3, 2, 0], 'oe')
    """

    def __init__(self, text: str) -> None:
        if not isinstance(text, str) or not text:
            raise ValueError(f"CharVocabulary expected a non-empty str, got {text!r:.40}")
        self.chars = "".join(sorted(set(text)))
        self._ids = {char: index for index, char in enumerate(self.chars)}

    def __len__(self) -> int:
        return len(self.chars)

    def encode(self, text: str) -> NDArray[np.int32]:
        """``text`` as a 1-D array of ids; a character outside the vocabulary raises."""
        try:
            return np.fromiter((self._ids[char] for char in text), dtype=np.int32, count=len(text))
        except KeyError as error:
            raise ValueError(
                f"CharVocabulary has no id for the character {error.args[0]!r}; build the "
                "vocabulary from the whole corpus"
            ) from None

    def decode(self, ids: NDArray[np.integer] | list[int]) -> str:
        """The characters of a 1-D sequence of ids."""
        ids = np.asarray(ids, dtype=np.int64 if len(ids) == 0 else None)
        if ids.ndim != 1 or not np.issubdtype(ids.dtype, np.integer):
            raise ValueError(f"CharVocabulary.decode expected 1-D integer ids, got {ids!r:.60}")
        if ids.size and (ids.min() < 0 or ids.max() >= len(self)):
            raise ValueError(f"CharVocabulary.decode expected ids in [0, {len(self)}), got {ids}")
        return "".join(self.chars[i] for i in ids.tolist())

    def __repr__(self) -> str:
        return f"CharVocabulary({len(self)} characters)"


def split_held_out(
    ids: NDArray[np.integer], held_out_fraction: float = 0.1
) -> tuple[NDArray[np.integer], NDArray[np.integer]]:
    """``(train, held_out)``: the last ``held_out_fraction`` of the stream, kept contiguous.

    A contiguous tail rather than random characters: the model must predict text it has not
    read, not letters in the middle of words it has. Both parts are views of ``ids``.
    """
    _check_stream(ids, "split_held_out", minimum=2)
    if (
        not isinstance(held_out_fraction, numbers.Real)
        or isinstance(held_out_fraction, bool)
        or not 0 < held_out_fraction < 1
    ):
        raise ValueError(
            f"split_held_out expected held_out_fraction in (0, 1), got {held_out_fraction!r}"
        )
    cut = len(ids) - max(2, round(len(ids) * held_out_fraction))
    if cut < 2:
        raise ValueError(
            f"split_held_out needs at least 2 characters on each side, got {len(ids)} in total"
        )
    return ids[:cut], ids[cut:]


def num_bptt_batches(length: int, batch_size: int, seq_len: int) -> int:
    """How many batches :func:`iterate_bptt` yields for a stream of ``length`` ids.

    >>> num_bptt_batches(101, batch_size=4, seq_len=10)  # 4 rows of 25 steps: 10, 10, 5
    3
    """
    steps = (length - 1) // positive_int(batch_size, "batch_size", "num_bptt_batches")
    return -(-steps // positive_int(seq_len, "seq_len", "num_bptt_batches"))


def iterate_bptt(
    ids: NDArray[np.integer], batch_size: int, seq_len: int
) -> Iterator[tuple[NDArray[np.integer], NDArray[np.integer]]]:
    """Yield ``(x, t)`` windows of shape ``(batch_size, ≤ seq_len)``, ``t`` = ``x`` shifted by one.

    The stream is cut into ``batch_size`` contiguous rows of ``L = (len(ids) − 1) // batch_size``
    ids (the few left over are dropped), and the windows walk along the rows in order: row n of
    one batch continues exactly where row n of the previous batch stopped. That is what a
    ``stateful=True`` recurrent layer needs to carry its state from batch to batch; call its
    ``reset_state()`` before each pass. The last window is shorter when ``seq_len`` does not
    divide the row. Windows are copies, in ``ids``' dtype.

    >>> [(x.tolist(), t.tolist()) for x, t in iterate_bptt(np.arange(9), 2, 3)]
    [([[0, 1, 2], [4, 5, 6]], [[1, 2, 3], [5, 6, 7]]), ([[3], [7]], [[4], [8]])]
    """
    batch_size = positive_int(batch_size, "batch_size", "iterate_bptt")
    seq_len = positive_int(seq_len, "seq_len", "iterate_bptt")
    _check_stream(ids, "iterate_bptt", minimum=batch_size + 1)
    row_length = (len(ids) - 1) // batch_size
    rows = ids[: batch_size * row_length + 1]
    inputs = rows[:-1].reshape(batch_size, row_length)
    # Targets: the next character; rows[1:] reshaped lines up with inputs position by position.
    targets = rows[1:].reshape(batch_size, row_length)
    return (
        (inputs[:, start : start + seq_len].copy(), targets[:, start : start + seq_len].copy())
        for start in range(0, row_length, seq_len)
    )


def unigram_bits_per_char(
    train: NDArray[np.integer], held_out: NDArray[np.integer], vocab_size: int, alpha: float = 1.0
) -> float:
    """Bits per character of ``held_out[1:]`` under character frequencies counted on ``train``.

    ``p(c) = (count(c) + α) / (len(train) + α·V)``: add-α (Laplace for α = 1) smoothing, so a
    character never seen in training costs ``−log₂(α / (len(train) + α·V))`` bits, not infinity.
    ``held_out[1:]`` are the characters a model reading ``held_out`` predicts.
    """
    vocab_size, alpha = _check_baseline(train, held_out, vocab_size, alpha, "unigram")
    counts = np.bincount(train, minlength=vocab_size) + alpha
    log_p = np.log2(counts) - math.log2(counts.sum())
    return float(-log_p[held_out[1:]].mean())


def bigram_bits_per_char(
    train: NDArray[np.integer], held_out: NDArray[np.integer], vocab_size: int, alpha: float = 1.0
) -> float:
    """Bits per character of ``held_out[1:]`` given each previous character, counted on ``train``.

    ``p(b | a) = (count(a b) + α) / (count(a ·) + α·V)`` with add-α smoothing; ``count(a ·)`` is
    the number of bigrams in ``train`` starting with ``a``. Add-one (α = 1) is the textbook's and
    is generous to rare contexts; a smaller α (e.g. 0.1) often scores a little better.
    """
    vocab_size, alpha = _check_baseline(train, held_out, vocab_size, alpha, "bigram")
    pair_ids = train[:-1].astype(np.int64) * vocab_size + train[1:]
    counts = np.bincount(pair_ids, minlength=vocab_size * vocab_size).reshape(vocab_size, -1)
    counts = counts + alpha
    log_p = np.log2(counts) - np.log2(counts.sum(axis=1, keepdims=True))
    return float(-log_p[held_out[:-1], held_out[1:]].mean())


def _check_stream(ids: object, owner: str, minimum: int) -> None:
    if not isinstance(ids, np.ndarray) or ids.ndim != 1 or not np.issubdtype(ids.dtype, np.integer):
        got = (
            f"{ids.dtype} of shape {ids.shape}"
            if isinstance(ids, np.ndarray)
            else type(ids).__name__
        )
        raise TypeError(f"{owner} expected a 1-D integer array of ids, got {got}")
    if len(ids) < minimum:
        raise ValueError(f"{owner} expected at least {minimum} ids, got {len(ids)}")


def _check_baseline(
    train: object, held_out: object, vocab_size: int, alpha: float, kind: str
) -> tuple[int, float]:
    owner = f"{kind}_bits_per_char"
    _check_stream(train, owner, minimum=2)
    _check_stream(held_out, owner, minimum=2)
    vocab_size = positive_int(vocab_size, "vocab_size", owner)
    for name, ids in (("train", train), ("held_out", held_out)):
        if ids.min() < 0 or ids.max() >= vocab_size:
            raise ValueError(f"{owner} expected {name} ids in [0, {vocab_size}), got {ids.max()}")
    if isinstance(alpha, bool) or not (isinstance(alpha, numbers.Real) and alpha > 0):
        raise ValueError(f"{owner} expected alpha > 0 (the smoothing count), got {alpha!r}")
    return vocab_size, float(alpha)
