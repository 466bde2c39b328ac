"""Data: the IDX format, MNIST / Fashion-MNIST loaders, folders of images (loaded or streamed),
subset samplers, mini-batch iteration, and text for character-level language models."""

from zeronn.data.batches import ArrayBatches, BatchSource, iterate_batches, num_batches
from zeronn.data.catalog import DATASETS, FASHION_MNIST_CLASSES, MNIST_CLASSES
from zeronn.data.datasets import (
    cache_folder,
    load_dataset,
    load_fashion_mnist,
    load_mnist,
    locate_dataset,
)
from zeronn.data.download import DownloadError
from zeronn.data.errors import ChecksumError, DataError, DatasetMismatchError, IDXFormatError
from zeronn.data.idx import read_idx, write_idx
from zeronn.data.image_decode import decode_image
from zeronn.data.image_folder import (
    BadImageWarning,
    ImageFolder,
    ImageFolderError,
    load_image_folder,
)
from zeronn.data.image_splits import image_folder_splits
from zeronn.data.image_stream import ImageFolderDataset
from zeronn.data.sampling import sample_per_class, sample_random, split_per_class
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
    "ArrayBatches",
    "BadImageWarning",
    "BatchSource",
    "CharVocabulary",
    "ChecksumError",
    "DataError",
    "DatasetMismatchError",
    "DownloadError",
    "IDXFormatError",
    "ImageFolder",
    "ImageFolderDataset",
    "ImageFolderError",
    "TextCorpus",
    "bigram_bits_per_char",
    "cache_folder",
    "decode_image",
    "image_folder_splits",
    "iterate_batches",
    "iterate_bptt",
    "load_dataset",
    "load_fashion_mnist",
    "load_image_folder",
    "load_mnist",
    "load_python_help",
    "locate_dataset",
    "num_batches",
    "num_bptt_batches",
    "read_idx",
    "sample_per_class",
    "sample_random",
    "split_held_out",
    "split_per_class",
    "unigram_bits_per_char",
    "write_idx",
]
