"""Downloads against a local HTTP server on 127.0.0.1 (never the internet), and a stub opener."""

import dataclasses
import functools
import gzip
import hashlib
import http.server
import io
import socket
import threading

import numpy as np
import pytest

from zeronn.data import datasets
from zeronn.data.download import ChecksumError, DownloadError, download, file_sha256
from zeronn.data.idx import write_idx

CONTENT = bytes(range(256)) * 40
GZ_CONTENT = gzip.compress(CONTENT, mtime=0)
CONTENT_SHA = hashlib.sha256(CONTENT).hexdigest()
WRONG_SHA = "0" * 64


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """Serves a folder: /good/ holds the files, /empty/ answers 404, /bad/ holds corrupt ones."""
    root = tmp_path_factory.mktemp("www")
    for folder in ("good", "empty", "bad"):
        (root / folder).mkdir()
    (root / "good" / "file.gz").write_bytes(GZ_CONTENT)
    (root / "bad" / "file.gz").write_bytes(GZ_CONTENT[: len(GZ_CONTENT) // 2])
    handler = functools.partial(QuietHandler, directory=str(root))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield {"url": f"http://127.0.0.1:{httpd.server_address[1]}", "root": root}
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def refused_url():
    """A URL on a local port where nothing listens: the connection is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def test_success_writes_the_file_and_nothing_else(server, tmp_path):
    destination = tmp_path / "cache" / "file.gz"
    result = download(
        [server["url"] + "/good/file.gz"],
        destination,
        sha256=CONTENT_SHA,
        decompress_for_checksum=True,
        timeout=5,
    )
    assert result == destination
    assert destination.read_bytes() == GZ_CONTENT
    assert [p.name for p in destination.parent.iterdir()] == ["file.gz"]


def test_checksum_of_the_raw_bytes(server, tmp_path):
    destination = tmp_path / "file.gz"
    digest = hashlib.sha256(GZ_CONTENT).hexdigest()
    download([server["url"] + "/good/file.gz"], destination, sha256=digest.upper(), timeout=5)
    assert file_sha256(destination) == digest
    assert file_sha256(destination, decompress=True) == CONTENT_SHA


def test_404_on_first_mirror_falls_back_to_the_second(server, tmp_path):
    destination = tmp_path / "file.gz"
    download(
        [server["url"] + "/empty/file.gz", server["url"] + "/good/file.gz"],
        destination,
        sha256=CONTENT_SHA,
        decompress_for_checksum=True,
        timeout=5,
    )
    assert destination.read_bytes() == GZ_CONTENT


def test_every_mirror_failing_lists_each_answer(server, refused_url, tmp_path):
    destination = tmp_path / "file.gz"
    urls = [server["url"] + "/empty/file.gz", refused_url + "/file.gz"]
    with pytest.raises(DownloadError, match="tried 2 mirror") as caught:
        download(urls, destination, timeout=5)
    message = str(caught.value)
    assert "/empty/file.gz: HTTP Error 404" in message
    assert refused_url in message
    assert list(tmp_path.iterdir()) == []


def test_checksum_mismatch_deletes_the_download_and_names_both_digests(server, tmp_path):
    destination = tmp_path / "file.gz"
    with pytest.raises(ChecksumError) as caught:
        download(
            [server["url"] + "/good/file.gz"],
            destination,
            sha256=WRONG_SHA,
            decompress_for_checksum=True,
            timeout=5,
        )
    message = str(caught.value)
    assert f"expected {WRONG_SHA}, got {CONTENT_SHA}" in message
    assert "decompressed content of file.gz" in message
    assert list(tmp_path.iterdir()) == []


def test_mismatch_does_not_touch_an_existing_destination(server, tmp_path):
    destination = tmp_path / "file.gz"
    destination.write_bytes(b"keep me")
    with pytest.raises(ChecksumError):
        download([server["url"] + "/good/file.gz"], destination, sha256=WRONG_SHA, timeout=5)
    assert destination.read_bytes() == b"keep me"


def test_corrupt_gzip_download_is_deleted(server, tmp_path):
    with pytest.raises(ChecksumError, match="not a valid gzip stream"):
        download(
            [server["url"] + "/bad/file.gz"],
            tmp_path / "file.gz",
            sha256=CONTENT_SHA,
            decompress_for_checksum=True,
            timeout=5,
        )
    assert list(tmp_path.iterdir()) == []


def test_progress_reports_bytes_and_total(server, tmp_path):
    reports = []
    download(
        [server["url"] + "/good/file.gz"],
        tmp_path / "f.gz",
        timeout=5,
        progress=lambda done, total: reports.append((done, total)),
    )
    assert reports[-1] == (len(GZ_CONTENT), len(GZ_CONTENT))


class StubResponse(io.BytesIO):
    def __init__(self, body: bytes, declared_length: int) -> None:
        super().__init__(body)
        self.headers = {"Content-Length": str(declared_length)}


def test_stub_opener_receives_url_and_timeout_and_short_body_is_a_failure(tmp_path):
    calls = []

    def opener(url, timeout):
        calls.append((url, timeout))
        if url.startswith("short"):
            return StubResponse(GZ_CONTENT[:10], len(GZ_CONTENT))
        return StubResponse(GZ_CONTENT, len(GZ_CONTENT))

    destination = tmp_path / "f.gz"
    download(["short://a", "full://b"], destination, timeout=2.5, opener=opener)
    assert calls == [("short://a", 2.5), ("full://b", 2.5)]
    assert destination.read_bytes() == GZ_CONTENT

    with pytest.raises(DownloadError, match="connection closed after 10 of"):
        download(["short://a"], tmp_path / "g.gz", opener=opener)
    assert not (tmp_path / "g.gz").exists()


def test_no_urls_is_refused(tmp_path):
    with pytest.raises(ValueError, match="at least one URL"):
        download([], tmp_path / "f")


# ---- the dataset loader's download path -------------------------------------------------


@pytest.fixture
def fake_mnist_on_server(server, monkeypatch, tmp_path):
    """Tiny MNIST files served at /fake/; the MNIST table points there with their digests."""
    folder = server["root"] / "fake"
    folder.mkdir(exist_ok=True)
    rng = np.random.default_rng(0)
    arrays = {
        datasets.TRAIN_IMAGES: rng.integers(0, 256, (6, 28, 28), dtype=np.uint8),
        datasets.TRAIN_LABELS: np.arange(6, dtype=np.uint8),
        datasets.TEST_IMAGES: rng.integers(0, 256, (4, 28, 28), dtype=np.uint8),
        datasets.TEST_LABELS: np.arange(4, dtype=np.uint8),
    }
    digests = {}
    for name, array in arrays.items():
        write_idx(folder / name, array)
        digests[name] = file_sha256(folder / name, decompress=True)
    info = dataclasses.replace(
        datasets.MNIST,
        mirrors=(server["url"] + "/empty/", server["url"] + "/fake/"),
        sha256=digests,
        train_size=6,  # the published shapes are checked before the digests
        test_size=4,
    )
    monkeypatch.setitem(datasets.DATASETS, "mnist", info)
    monkeypatch.delenv("ZERONN_DATA", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    return arrays


def test_loader_downloads_missing_files_into_the_cache(fake_mnist_on_server, tmp_path):
    (x_train, t_train), (x_test, t_test) = datasets.load_mnist(normalize=False)
    cache = tmp_path / "xdg" / "zeronn" / "mnist"
    assert sorted(p.name for p in cache.iterdir()) == sorted(datasets.FILE_NAMES)
    expected = fake_mnist_on_server[datasets.TRAIN_IMAGES].reshape(6, 784)
    np.testing.assert_array_equal(x_train, expected)
    np.testing.assert_array_equal(t_train, np.arange(6))
    assert x_test.shape == (4, 784)
    np.testing.assert_array_equal(t_test, np.arange(4))


def test_loader_download_checksum_mismatch_raises(fake_mnist_on_server, monkeypatch):
    info = datasets.DATASETS["mnist"]
    wrong = dict(info.sha256, **{datasets.TRAIN_LABELS: WRONG_SHA})
    monkeypatch.setitem(datasets.DATASETS, "mnist", dataclasses.replace(info, sha256=wrong))
    with pytest.raises(ChecksumError, match=f"expected {WRONG_SHA}"):
        datasets.load_mnist()
    assert not (datasets.cache_folder() / "mnist" / datasets.TRAIN_LABELS).exists()


def test_loader_connection_failure_says_which_files_to_put_where(
    fake_mnist_on_server, monkeypatch, refused_url, tmp_path
):
    info = dataclasses.replace(datasets.DATASETS["mnist"], mirrors=(refused_url + "/",))
    monkeypatch.setitem(datasets.DATASETS, "mnist", info)
    with pytest.raises(FileNotFoundError) as caught:
        datasets.load_mnist()
    message = str(caught.value)
    for name in datasets.FILE_NAMES:
        assert name in message
    assert str(tmp_path / "xdg" / "zeronn" / "mnist") in message
    assert "ZERONN_DATA" in message
    assert "Downloading failed" in message
    assert refused_url in message
