"""The file backend: whole objects or nothing, no overwrites, sorted names, clean-up."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from wirearchive.archive import BACKENDS, Backend, FileBackend, open_backend


def _files(root: Path) -> list[str]:
    return sorted(path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file())


def test_create_stores_the_chunks_and_returns_the_size(tmp_path: Path) -> None:
    backend = FileBackend(tmp_path)
    assert backend.create("log/000000000001.jsonl", [b"ab", b"", b"cde"]) == 5
    assert (tmp_path / "log" / "000000000001.jsonl").read_bytes() == b"abcde"
    assert backend.exists("log/000000000001.jsonl")
    assert backend.size("log/000000000001.jsonl") == 5
    assert _files(tmp_path) == ["log/000000000001.jsonl"]  # no temp file left behind


def test_create_refuses_to_overwrite(tmp_path: Path) -> None:
    backend = FileBackend(tmp_path)
    backend.create("a", [b"first"])
    with pytest.raises(FileExistsError):
        backend.create("a", [b"second"])
    assert backend.read("a") == b"first"
    assert _files(tmp_path) == ["a"]


def test_create_is_all_or_nothing_when_the_chunks_fail(tmp_path: Path) -> None:
    backend = FileBackend(tmp_path)

    def chunks() -> Iterator[bytes]:
        yield b"half of it"
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        backend.create("warc/1.warc.gz", chunks())
    assert not backend.exists("warc/1.warc.gz")
    assert _files(tmp_path) == []
    with pytest.raises(OSError, match="disk full"):
        backend.replace("warc/1.warc.gz", chunks())
    assert _files(tmp_path) == []


def test_replace_overwrites_whole(tmp_path: Path) -> None:
    backend = FileBackend(tmp_path)
    assert backend.replace("runs/r.json", [b"a much longer first version"]) == 27
    assert backend.replace("runs/r.json", [b"short"]) == 5
    assert backend.read("runs/r.json") == b"short"
    assert _files(tmp_path) == ["runs/r.json"]


def test_a_failed_replace_keeps_the_old_object(tmp_path: Path) -> None:
    backend = FileBackend(tmp_path)
    backend.replace("x", [b"old"])

    def chunks() -> Iterator[bytes]:
        yield b"new"
        raise OSError("interrupted")

    with pytest.raises(OSError, match="interrupted"):
        backend.replace("x", chunks())
    assert backend.read("x") == b"old"
    assert _files(tmp_path) == ["x"]


def test_ranged_read_and_open(tmp_path: Path) -> None:
    backend = FileBackend(tmp_path)
    backend.create("data", [b"0123456789"])
    assert backend.read("data") == b"0123456789"
    assert backend.read("data", 3) == b"3456789"
    assert backend.read("data", 3, 4) == b"3456"
    assert backend.read("data", 0, 2) == b"01"
    assert backend.read("data", 8, 100) == b"89"
    assert backend.read("data", 10) == b""
    with backend.open("data") as stream:
        stream.seek(5)
        assert stream.read(2) == b"56"


def test_names_are_sorted_recursive_and_skip_temp_files(tmp_path: Path) -> None:
    backend = FileBackend(tmp_path)
    for name in ["log/000000000002.jsonl", "warc/b", "log/000000000001.jsonl", "warc/a", "z"]:
        backend.create(name, [b"x"])
    (tmp_path / "log" / ".tmp-000000000003.jsonl.abc").write_bytes(b"half")
    (tmp_path / ".tmp-top").write_bytes(b"half")
    (tmp_path / "log" / "sub").mkdir()
    backend.create("log/sub/c", [b"x"])
    assert list(backend.names("log/")) == [
        "log/000000000001.jsonl",
        "log/000000000002.jsonl",
        "log/sub/c",
    ]
    assert list(backend.names("warc/")) == ["warc/a", "warc/b"]
    assert list(backend.names("")) == [
        "log/000000000001.jsonl",
        "log/000000000002.jsonl",
        "log/sub/c",
        "warc/a",
        "warc/b",
        "z",
    ]
    assert list(backend.names("runs/")) == []
    assert list(FileBackend(tmp_path / "missing").names("")) == []


def test_discard_incomplete_removes_only_temp_files(tmp_path: Path) -> None:
    backend = FileBackend(tmp_path)
    backend.create("log/000000000001.jsonl", [b"kept"])
    (tmp_path / "log" / ".tmp-000000000002.jsonl.0123").write_bytes(b"half")
    (tmp_path / "warc").mkdir()
    (tmp_path / "warc" / ".tmp-000000000002.warc.gz.4567").write_bytes(b"half")
    removed = backend.discard_incomplete()
    assert sorted(removed) == [
        "log/.tmp-000000000002.jsonl.0123",
        "warc/.tmp-000000000002.warc.gz.4567",
    ]
    assert _files(tmp_path) == ["log/000000000001.jsonl"]
    assert backend.discard_incomplete() == []
    assert FileBackend(tmp_path / "missing").discard_incomplete() == []


@pytest.mark.parametrize("name", ["", "../x", "a/../../x", "..", ".", "a//b", "/abs", "a/", "./a"])
def test_bad_names_are_rejected(tmp_path: Path, name: str) -> None:
    backend = FileBackend(tmp_path / "root")
    with pytest.raises(ValueError, match="bad object name"):
        backend.create(name, [b"x"])
    with pytest.raises(ValueError, match="bad object name"):
        backend.replace(name, [b"x"])
    with pytest.raises(ValueError, match="bad object name"):
        backend.read(name)
    with pytest.raises(ValueError, match="bad object name"):
        backend.exists(name)
    with pytest.raises(ValueError, match="bad object name"):
        backend.delete(name)
    assert not (tmp_path / "x").exists()
    assert _files(tmp_path) == []


def test_delete_is_idempotent(tmp_path: Path) -> None:
    backend = FileBackend(tmp_path)
    backend.create("a/b", [b"x"])
    backend.delete("a/b")
    assert not backend.exists("a/b")
    backend.delete("a/b")
    assert _files(tmp_path) == []


def test_open_backend_with_a_path(tmp_path: Path) -> None:
    for location in (tmp_path, str(tmp_path), "relative/dir"):
        backend = open_backend(location)
        assert isinstance(backend, FileBackend)
        assert isinstance(backend, Backend)
        assert backend.root == Path(location)
        assert backend.local_root == Path(location)


def test_open_backend_with_a_file_uri(tmp_path: Path) -> None:
    folder = tmp_path / "with space"
    for uri in (folder.as_uri(), f"file://localhost{folder.as_uri().removeprefix('file://')}"):
        backend = open_backend(uri)
        assert isinstance(backend, FileBackend)
        assert backend.root == folder
        backend.create("a", [b"x"])
        assert (folder / "a").read_bytes() == b"x"
        backend.delete("a")


def test_open_backend_refuses_a_remote_file_uri() -> None:
    with pytest.raises(ValueError, match="must be local"):
        open_backend("file://otherhost/srv/archive")


def test_open_backend_names_an_unknown_scheme() -> None:
    with pytest.raises(ValueError, match=r"scheme 'gs'") as caught:
        open_backend("gs://bucket/archive")
    assert "gs://bucket/archive" in str(caught.value)
    assert "file, s3" in str(caught.value)  # the known schemes are listed
    assert "gs" not in BACKENDS
