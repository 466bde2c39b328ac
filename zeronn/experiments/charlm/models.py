"""The two language models: ids ``(N, T)`` in, logits ``(N, T, V)`` over the next character out.

Both are a plain :class:`~zeronn.model.Sequential` whose first layer, an Embedding, takes the
integer ids:

- :func:`lstm_language_model`: Embedding → LSTM (``stateful=True``: the state carries from one
  window of the text to the next, truncated backpropagation through time) → Linear over the
  vocabulary. Its context is everything read since the last ``reset_state()``.
- :func:`transformer_language_model`: a small GPT. Embedding + learned position embedding, then
  ``blocks`` pre-norm blocks ``x + Attention(LayerNorm(x))`` and ``x + FFN(LayerNorm(x))``
  with a causal mask and a 4× wider ReLU feed-forward, a final LayerNorm, a Linear over the
  vocabulary. Its context is the window: at most ``max_length`` characters.

The residual connections are :class:`~zeronn.layers.Residual` links, so the chain stays a
chain. The embeddings start at std 0.1 rather than PyTorch's 1, so that the attention and
feed-forward branches are not drowned by the residual stream at the start.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import DTypeLike

from zeronn.layers import (
    LSTM,
    Embedding,
    LayerNorm,
    Linear,
    MultiHeadAttention,
    PositionEmbedding,
    ReLU,
    Residual,
)
from zeronn.memory import ModelSize
from zeronn.model import Sequential

EMBEDDING_STD = 0.1


def lstm_language_model(
    vocab_size: int,
    embed_dim: int,
    hidden: int,
    *,
    rng: np.random.Generator | int | None = None,
    dtype: DTypeLike = np.float32,
) -> Sequential:
    """Embedding(V, embed_dim) → LSTM(embed_dim, hidden, stateful) → Linear(hidden, V)."""
    return Sequential(
        [
            Embedding(vocab_size, embed_dim, init=EMBEDDING_STD, rng=rng, dtype=dtype),
            LSTM(embed_dim, hidden, stateful=True, rng=rng, dtype=dtype),
            Linear(hidden, vocab_size, init="xavier", rng=rng, dtype=dtype),
        ]
    )


def transformer_language_model(
    vocab_size: int,
    embed_dim: int,
    num_heads: int,
    max_length: int,
    *,
    blocks: int = 2,
    rng: np.random.Generator | int | None = None,
    dtype: DTypeLike = np.float32,
) -> Sequential:
    """A causal transformer of ``blocks`` pre-norm blocks over windows of ≤ ``max_length``."""
    E = embed_dim
    layers = [
        Embedding(vocab_size, E, init=EMBEDDING_STD, rng=rng, dtype=dtype),
        PositionEmbedding(max_length, E, init=EMBEDDING_STD, rng=rng, dtype=dtype),
    ]
    for _ in range(blocks):
        layers += [
            Residual(
                LayerNorm(E, dtype=dtype),
                MultiHeadAttention(E, num_heads, causal=True, rng=rng, dtype=dtype),
            ),
            Residual(
                LayerNorm(E, dtype=dtype),
                Linear(E, 4 * E, rng=rng, dtype=dtype),
                ReLU(),
                Linear(4 * E, E, init="xavier", rng=rng, dtype=dtype),
            ),
        ]
    layers += [
        LayerNorm(E, dtype=dtype),
        Linear(E, vocab_size, init="xavier", rng=rng, dtype=dtype),
    ]
    return Sequential(layers)


def reset_state(model: Sequential) -> None:
    """Forget the carried state of every stateful layer (the LSTM's); a no-op for the rest."""
    for layer in model:
        if getattr(layer, "stateful", False):
            layer.reset_state()


def language_model_size(
    kind: str,
    vocab_size: int,
    embed_dim: int,
    *,
    hidden: int,
    num_heads: int,
    blocks: int,
    seq_len: int,
) -> ModelSize:
    """The parameters of the ``kind`` ("lstm" or "transformer") model the builders above make,
    and the values one window of ``seq_len`` characters makes in its largest layer (the LSTM's
    gates of every step, the attention weights of every head, or the logits)."""
    V, E, T = vocab_size, embed_dim, seq_len
    if kind == "lstm":
        parameters = V * E + 4 * (E + hidden + 1) * hidden + (hidden + 1) * V
        return ModelSize(parameters, T * max(4 * hidden, V, E))
    block = 2 * 2 * E + (4 * E * E + 4 * E) + (E * 4 * E + 4 * E) + (4 * E * E + E)
    parameters = V * E + T * E + blocks * block + 2 * E + (E + 1) * V
    return ModelSize(parameters, max(num_heads * T * T, T * max(4 * E, V)))
