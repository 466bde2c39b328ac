"""Data: the IDX format, MNIST / Fashion-MNIST loaders, subset samplers, mini-batch iteration."""

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
from zeronn.data.download import DownloadError
from zeronn.data.errors import ChecksumError, DataError, DatasetMismatchError, IDXFormatError
from zeronn.data.idx import read_idx, write_idx
from zeronn.data.sampling import sample_per_class, sample_random

__all__ = [
    "DATASETS",
    "FASHION_MNIST_CLASSES",
    "MNIST_CLASSES",
    "ChecksumError",
    "DataError",
    "DatasetMismatchError",
    "DownloadError",
    "IDXFormatError",
    "cache_folder",
    "iterate_batches",
    "load_dataset",
    "load_fashion_mnist",
    "load_mnist",
    "locate_dataset",
    "num_batches",
    "read_idx",
    "sample_per_class",
    "sample_random",
    "write_idx",
]
