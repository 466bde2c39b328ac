"""The published datasets zeronn knows: one table of their files, classes, sizes and digests.

Each dataset is four gzip-compressed IDX files (see :mod:`zeronn.data.idx`)::

    train-images-idx3-ubyte.gz  train-labels-idx1-ubyte.gz
    t10k-images-idx3-ubyte.gz   t10k-labels-idx1-ubyte.gz

and each row of :data:`DATASETS` says where to download them (``mirrors``), what their
decompressed content hashes to (``sha256``), which folder holds them (``folder``, under
``$ZERONN_DATA`` or the cache), what the classes are called and how many images each split
has. Configs read the sizes from here to refuse a subset larger than the dataset before any
file is opened; the loaders (:mod:`zeronn.data.datasets`) and the checks that a file is the
published one (:mod:`zeronn.data.identity`) read the rest. Adding a dataset of this layout
is adding a row.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "DATASETS",
    "FASHION_MNIST",
    "FASHION_MNIST_CLASSES",
    "FILE_NAMES",
    "MNIST",
    "MNIST_CLASSES",
    "DatasetInfo",
]

TRAIN_IMAGES = "train-images-idx3-ubyte.gz"
TRAIN_LABELS = "train-labels-idx1-ubyte.gz"
TEST_IMAGES = "t10k-images-idx3-ubyte.gz"
TEST_LABELS = "t10k-labels-idx1-ubyte.gz"
FILE_NAMES = (TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS)

MNIST_CLASSES = tuple(str(digit) for digit in range(10))
FASHION_MNIST_CLASSES = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)


@dataclass(frozen=True)
class DatasetInfo:
    """What is known about a dataset: its name, folder, classes, mirrors and file digests."""

    name: str
    folder: str
    classes: tuple[str, ...]
    mirrors: tuple[str, ...]
    # file name -> SHA-256 of the decompressed content
    sha256: dict[str, str]
    # the published files' sizes, known before reading them (checked by the real-data tests)
    train_size: int = 60_000
    test_size: int = 10_000
    smallest_train_class: int = 6_000

    @property
    def file_names(self) -> tuple[str, ...]:
        """The dataset's files, in the order of ``sha256``."""
        return tuple(self.sha256)

    def published_shape(self, file_name: str) -> tuple[int, ...]:
        """The shape the published file ``file_name`` declares: (N, 28, 28) images, (N,) labels.

        >>> MNIST.published_shape(TEST_IMAGES), MNIST.published_shape(TRAIN_LABELS)
        ((10000, 28, 28), (60000,))
        """
        count = self.train_size if file_name.startswith("train") else self.test_size
        return (count, 28, 28) if "images" in file_name else (count,)


MNIST = DatasetInfo(
    name="MNIST",
    folder="mnist",
    classes=MNIST_CLASSES,
    mirrors=(
        "https://ossci-datasets.s3.amazonaws.com/mnist/",
        "https://storage.googleapis.com/cvdf-datasets/mnist/",
        "http://yann.lecun.com/exdb/mnist/",
    ),
    sha256={
        TRAIN_IMAGES: "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
        TRAIN_LABELS: "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
        TEST_IMAGES: "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
        TEST_LABELS: "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
    },
    smallest_train_class=5_421,  # the digit 5
)
FASHION_MNIST = DatasetInfo(
    name="Fashion-MNIST",
    folder="fashion-mnist",
    classes=FASHION_MNIST_CLASSES,
    mirrors=(
        "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
        "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/",
    ),
    sha256={
        TRAIN_IMAGES: "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
        TRAIN_LABELS: "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
        TEST_IMAGES: "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
        TEST_LABELS: "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
    },
)
# the name a loader or a --dataset flag takes -> the dataset
DATASETS: dict[str, DatasetInfo] = {"mnist": MNIST, "fashion-mnist": FASHION_MNIST}
