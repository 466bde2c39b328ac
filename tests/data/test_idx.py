"""IDX reading and writing: round trips for every type and rank, and every malformation."""

import gzip
import struct
import tracemalloc
import zlib

import numpy as np
import pytest

from zeronn.data import idx
from zeronn.data.idx import (
    CHUNK,
    IDX_DTYPES,
    TRAILING_PEEK,
    IDXFormatError,
    parse_idx,
    read_idx,
    read_idx_header,
    write_idx,
)

DTYPES = [np.uint8, np.int8, np.int16, np.int32, np.float32, np.float64]


def idx_bytes(type_code: int, shape: tuple[int, ...], data: bytes) -> bytes:
    """Build an IDX file by hand, independently of write_idx."""
    return bytes([0, 0, type_code, len(shape)]) + struct.pack(f">{len(shape)}I", *shape) + data


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(5,), (3, 4), (2, 3, 4), (1, 2, 1, 3)])
@pytest.mark.parametrize("suffix", ["", ".gz"])
def test_round_trip_every_dtype_and_rank(tmp_path, rng, dtype, shape, suffix):
    info = np.iinfo(dtype) if np.dtype(dtype).kind in "iu" else None
    if info is None:
        array = rng.standard_normal(shape).astype(dtype)
    else:
        array = rng.integers(info.min, info.max, size=shape, endpoint=True).astype(dtype)
    path = tmp_path / f"a-idx{len(shape)}{suffix}"

    write_idx(path, array)
    loaded = read_idx(path)

    assert loaded.dtype == np.dtype(dtype)
    assert loaded.dtype.isnative
    assert loaded.shape == shape
    np.testing.assert_array_equal(loaded, array)
    assert loaded.flags.writeable


def test_written_bytes_match_the_format(tmp_path):
    array = np.array([[1, -2, 3]], dtype=np.int16)
    write_idx(tmp_path / "x.idx", array)
    expected = idx_bytes(0x0B, (1, 3), b"\x00\x01\xff\xfe\x00\x03")
    assert (tmp_path / "x.idx").read_bytes() == expected


def test_big_endian_and_non_contiguous_input_are_written_correctly(tmp_path):
    array = np.arange(12, dtype=">f8").reshape(3, 4)[:, ::2]
    write_idx(tmp_path / "x.idx.gz", array)
    np.testing.assert_array_equal(read_idx(tmp_path / "x.idx.gz"), array)


def test_gzip_output_is_reproducible(tmp_path):
    array = np.arange(100, dtype=np.uint8)
    write_idx(tmp_path / "a.gz", array)
    write_idx(tmp_path / "b.gz", array)
    assert (tmp_path / "a.gz").read_bytes() == (tmp_path / "b.gz").read_bytes()


def test_gzip_content_is_detected_without_the_suffix(tmp_path):
    (tmp_path / "labels").write_bytes(gzip.compress(idx_bytes(0x08, (3,), b"\x01\x02\x03")))
    np.testing.assert_array_equal(read_idx(tmp_path / "labels"), [1, 2, 3])


def test_write_is_atomic_and_leaves_no_temporary_file(tmp_path):
    path = tmp_path / "x.gz"
    write_idx(path, np.zeros(4, np.uint8))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.gz"]


def test_write_does_not_mutate_input(tmp_path):
    array = np.arange(6, dtype=np.int32).reshape(2, 3)
    before = array.copy()
    write_idx(tmp_path / "x", array)
    np.testing.assert_array_equal(array, before)


@pytest.mark.parametrize(
    ("array", "error", "message"),
    [
        (np.zeros(3, np.int64), TypeError, "cannot store dtype int64"),
        (np.zeros(3, np.float16), TypeError, "cannot store dtype float16"),
        (np.zeros(3, bool), TypeError, "cannot store dtype bool"),
        (np.array(5, np.uint8), ValueError, "1 to 255 dimensions, got 0"),
        ([1, 2, 3], TypeError, "expected a numpy array, got list"),
    ],
)
def test_write_refuses_what_the_format_cannot_hold(tmp_path, array, error, message):
    with pytest.raises(error, match=message):
        write_idx(tmp_path / "x", array)
    assert not (tmp_path / "x").exists()


def test_the_supported_type_codes_are_those_of_the_format():
    assert {code: dtype.str for code, dtype in IDX_DTYPES.items()} == {
        0x08: "|u1",
        0x09: "|i1",
        0x0B: ">i2",
        0x0C: ">i4",
        0x0D: ">f4",
        0x0E: ">f8",
    }


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", r"holds 0 bytes, too short for the 4-byte IDX magic number"),
        (b"\x00\x00\x08", r"holds 3 bytes, too short"),
        (b"\x01\x00\x08\x01" + b"\x00" * 8, r"starts with two zero bytes, got 0x01 0x00"),
        (b"\x00\x07\x08\x01" + b"\x00" * 8, r"got 0x00 0x07"),
        (
            idx_bytes(0x0A, (2,), b"ab"),
            r"unknown IDX type code 0x0A; expected one of 0x08 \(uint8\)",
        ),
        (idx_bytes(0x08, (), b""), r"declares 0 dimensions"),
        (b"\x00\x00\x08\x03" + b"\x00\x00\x00\x02" * 2, r"needs a 16-byte header.* holds only 12"),
        (
            idx_bytes(0x08, (10000,), bytes(9990)),
            r"declares 10000 items of 1 byte \(shape \(10000,\)\) but holds 9990 \(truncated\)",
        ),
        (
            idx_bytes(0x08, (2, 3), bytes(7)),
            r"declares 6 items of 1 byte \(shape \(2, 3\)\) but holds 7 \(trailing bytes\)",
        ),
        (
            idx_bytes(0x0C, (3,), bytes(10)),
            r"declares 3 items of 4 bytes .* but holds 2 and 2 stray bytes \(truncated\)",
        ),
        (
            idx_bytes(0x0E, (1,), bytes(9)),
            r"declares 1 items of 8 bytes .* but holds 1 and 1 stray byte \(trailing bytes\)",
        ),
    ],
)
@pytest.mark.parametrize("compressed", [False, True])
def test_malformed_files_raise_naming_the_file(tmp_path, content, message, compressed):
    path = tmp_path / ("t10k-labels-idx1-ubyte" + (".gz" if compressed else ""))
    path.write_bytes(gzip.compress(content) if compressed else content)
    with pytest.raises(IDXFormatError, match=message) as caught:
        read_idx(path)
    assert str(caught.value).startswith(f"{path}: ")
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda data: data[: len(data) // 2], "corrupt gzip stream"),
        (lambda data: data[:-4] + b"\x00\x00\x00\x00", "corrupt gzip stream"),
        (lambda data: data[:10] + bytes(len(data) - 10), "corrupt gzip stream"),
        (lambda data: b"\x1f\x8b" + b"not gzip at all", "corrupt gzip stream"),
    ],
)
def test_corrupt_gzip_raises_naming_the_file(tmp_path, damage, message):
    good = gzip.compress(idx_bytes(0x08, (64,), bytes(range(64))))
    path = tmp_path / "train-labels-idx1-ubyte.gz"
    path.write_bytes(damage(good))
    with pytest.raises(IDXFormatError, match=message) as caught:
        read_idx(path)
    assert str(path) in str(caught.value)


def test_missing_file_raises_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"nothing\.gz"):
        read_idx(tmp_path / "nothing.gz")


def test_parse_idx_reads_big_endian_values():
    content = idx_bytes(0x0D, (2,), struct.pack(">2f", 1.5, -2.25))
    np.testing.assert_array_equal(parse_idx(content), np.array([1.5, -2.25], np.float32))


def gzip_bomb(path, header: bytes, zero_mib: int) -> None:
    """``header`` then ``zero_mib`` MiB of zeros as one valid gzip member, about 1 kB per MiB.

    Built without compressing the zeros more than once: after a full flush the compressor
    starts afresh, so every further MiB of zeros compresses to the same bytes; the trailer
    (CRC-32 and size of everything) is computed for the whole stream.
    """
    block = bytes(1 << 20)
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    head = compressor.compress(header) + compressor.flush(zlib.Z_FULL_FLUSH)
    body = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    assert compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH) == body
    last_block = compressor.flush()[:-8]  # its trailer counted two MiB; ours counts them all
    crc = zlib.crc32(header)
    for _ in range(zero_mib):
        crc = zlib.crc32(block, crc)
    trailer = struct.pack("<II", crc, (len(header) + zero_mib * len(block)) % 2**32)
    path.write_bytes(head + body * zero_mib + last_block + trailer)


def test_a_gzip_bomb_is_stopped_after_its_declared_size(tmp_path):
    """1 MB of gzip that inflates to 1 GiB behind a header declaring 16 bytes: refused as
    trailing bytes, while holding at most the array, two chunks and the peek past it."""
    path = tmp_path / "train-labels-idx1-ubyte.gz"
    gzip_bomb(path, idx_bytes(0x08, (16,), b""), zero_mib=1024)
    assert path.stat().st_size < 1_100_000
    tracemalloc.start()
    try:
        with pytest.raises(IDXFormatError, match=r"declares 16 items .* holds more than 65553 "):
            read_idx(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # by construction: the input chunk and zlib's copy of its unconsumed tail, the peek
    assert peak < 2 * CHUNK + 2 * TRAILING_PEEK + 200_000, peak  # the bomb: 1,073,741,824


def test_a_declared_size_is_checked_before_anything_is_read(tmp_path, monkeypatch):
    # raw: the file's size against the header, before any data is read or allocated
    raw = tmp_path / "huge-idx3-ubyte"
    raw.write_bytes(idx_bytes(0x08, (60_000, 2**16, 2**16), bytes(64)))
    tracemalloc.start()
    try:
        with pytest.raises(
            IDXFormatError, match=r"declares 257698037760000 items .* \(truncated\)"
        ):
            read_idx(raw)
        assert tracemalloc.get_traced_memory()[1] < 100_000
    finally:
        tracemalloc.stop()
    # compressed: the declared size against the memory available, before decompressing on
    monkeypatch.setattr(idx, "available_bytes", lambda: 1_000_000)
    packed = tmp_path / "big-idx1-ubyte.gz"
    packed.write_bytes(gzip.compress(idx_bytes(0x0D, (300_000,), b"")))
    with pytest.raises(
        IDXFormatError,
        match=r"big-idx1-ubyte.gz: declares shape \(300000,\) of float32, 1.2 MB, "
        r"more than the 1 MB of memory available",
    ):
        read_idx(packed)
    assert read_idx_header(packed) == (np.dtype(np.float32), (300_000,))


def test_concatenated_gzip_members_and_zero_padding_read_as_gzip_does(tmp_path):
    content = idx_bytes(0x08, (6,), bytes(range(6)))
    path = tmp_path / "two-members.gz"
    path.write_bytes(gzip.compress(content[:7]) + gzip.compress(content[7:]) + bytes(10))
    assert gzip.decompress(path.read_bytes()) == content
    np.testing.assert_array_equal(read_idx(path), np.arange(6))
    path.write_bytes(gzip.compress(content) + b"garbage")
    with pytest.raises(IDXFormatError, match="corrupt gzip stream"):
        read_idx(path)
