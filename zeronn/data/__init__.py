"""Data: the IDX format, MNIST / Fashion-MNIST loaders, subset samplers, mini-batch iteration,
and text for character-level language models."""

from zeronn.data.batches import iterate_batches, num_batches
from zeronn.data.datasets import (
    DATASETS,
    FASHION_MNIST_CLASSES,
    MNIST_CLASSES,
    cache_folder,
    load_dataset,
    load_fashion_mnist,
    load_mnist,
    locate_dataset,
)
from zeronn.data.download import ChecksumError, DownloadError
from zeronn.data.idx import IDXFormatError, read_idx, write_idx
from zeronn.data.sampling import sample_per_class, sample_random
from zeronn.data.text import (
    CharVocabulary,
    TextCorpus,
    bigram_bits_per_char,
    iterate_bptt,
    load_python_help,
    num_bptt_batches,
    split_held_out,
    unigram_bits_per_char,
)

__all__ = [
    "DATASETS",
    "FASHION_MNIST_CLASSES",
    "MNIST_CLASSES",
    "CharVocabulary",
    "ChecksumError",
    "DownloadError",
    "IDXFormatError",
    "TextCorpus",
    "bigram_bits_per_char",
    "cache_folder",
    "iterate_batches",
    "iterate_bptt",
    "load_dataset",
    "load_fashion_mnist",
    "load_mnist",
    "load_python_help",
    "locate_dataset",
    "num_batches",
    "num_bptt_batches",
    "read_idx",
    "sample_per_class",
    "sample_random",
    "split_held_out",
    "unigram_bits_per_char",
    "write_idx",
]
