"""What can be wrong with data on disk: the user can fix each one, and each says how.

Every error here derives from :class:`DataError` (itself a ``ValueError``), so a command can
tell "the files are not what was asked for" from a bug in the code.
"""

from __future__ import annotations


class DataError(ValueError):
    """The data found is not what was asked for (format, content, size or identity)."""


class IDXFormatError(DataError):
    """A file is not a well-formed IDX file (or not a well-formed gzip stream)."""


class ChecksumError(DataError):
    """The content does not have the expected SHA-256 digest."""


class DatasetMismatchError(DataError):
    """The files found are another dataset than the one asked for, or no known one."""


class ModelFileError(DataError):
    """A model file cannot be loaded into the model at hand: it is not a file ``zeronn.save``
    wrote, or it holds another architecture (the message says which part differs)."""
