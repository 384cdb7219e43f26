"""Where the archive's files live, behind a protocol small enough for object storage.

Names are ``/``-separated keys such as ``log/000000000001.jsonl``; nothing above this module
knows about directories, temp files or renames. A backend promises three things: `create`
makes a whole object appear at once and durably or not at all, and refuses to overwrite;
`replace` does the same but may overwrite; reads of a created object never see part of it.
S3-compatible storage gives the same promises with conditional PUT (``If-None-Match: *``).

Backends are chosen by URI scheme, as Scrapy chooses feed storages: a plain path or
``file://`` URI is a `FileBackend`, ``s3://bucket/prefix`` an `ObjectStoreBackend`
(`wirearchive.archive.objectstore`).
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO, Protocol, runtime_checkable
from urllib.parse import unquote, urlparse

from .durable import fsync_dir

__all__ = ["BACKENDS", "Backend", "FileBackend", "open_backend"]


@runtime_checkable
class Backend(Protocol):
    """The storage operations the archive needs, and nothing more."""

    #: A local directory for the catalog database, when the backend has one.
    local_root: Path | None

    def create(self, name: str, chunks: Iterable[bytes]) -> int:
        """Store a new object atomically and durably; return its size.

        Raises `FileExistsError` if `name` exists: callers rely on this to detect a race.
        (An object store may count an object holding exactly these bytes as this create,
        done: its client retries a PUT whose response was lost.)
        """

    def replace(self, name: str, chunks: Iterable[bytes]) -> int:
        """Store an object atomically and durably, overwriting any old one; return its size."""

    def read(self, name: str, offset: int = 0, length: int | None = None) -> bytes:
        """Bytes of an object, or of the range that starts at `offset`."""

    def open(self, name: str) -> BinaryIO:
        """A stream over an object, for reading large ones without loading them.

        A missing object raises `FileNotFoundError` here or at the first read (an object
        store learns of it only from the first GET, which it does not spend on asking).
        """

    def exists(self, name: str) -> bool: ...

    def size(self, name: str) -> int: ...

    def names(self, prefix: str) -> Iterator[str]:
        """Names under `prefix` (a folder-like key ending in ``/``), sorted."""

    def delete(self, name: str) -> None:
        """Remove an object; removing a missing one is not an error."""

    def discard_incomplete(self) -> list[str]:
        """Remove what a killed writer left half-written (temp files, unfinished uploads).

        Call only while holding the archive's write lock, when no live writer has any.
        """


class FileBackend:
    """Objects as files under a root directory; atomic by temp file, fsync and link."""

    _TEMP = ".tmp-"

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)
        self.local_root: Path | None = self.root

    def __repr__(self) -> str:
        return f"FileBackend({str(self.root)!r})"

    def _path(self, name: str) -> Path:
        parts = name.split("/")
        if not name or any(part in {"", ".", ".."} for part in parts):
            raise ValueError(f"bad object name {name!r}")
        return self.root.joinpath(*parts)

    def _write_temp(self, path: Path, chunks: Iterable[bytes]) -> tuple[Path, int]:
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = path.with_name(f"{self._TEMP}{path.name}.{uuid.uuid4().hex}")
        size = 0
        try:
            with temp.open("xb") as handle:
                for chunk in chunks:
                    handle.write(chunk)
                    size += len(chunk)
                handle.flush()
                os.fsync(handle.fileno())
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
        return temp, size

    @staticmethod
    def _sync_dir(directory: Path) -> None:
        fsync_dir(directory)

    def create(self, name: str, chunks: Iterable[bytes]) -> int:
        path = self._path(name)
        temp, size = self._write_temp(path, chunks)
        try:
            os.link(temp, path)  # unlike rename, link refuses to replace an existing file
        finally:
            temp.unlink(missing_ok=True)
        self._sync_dir(path.parent)
        return size

    def replace(self, name: str, chunks: Iterable[bytes]) -> int:
        path = self._path(name)
        temp, size = self._write_temp(path, chunks)
        try:
            os.replace(temp, path)
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
        self._sync_dir(path.parent)
        return size

    def read(self, name: str, offset: int = 0, length: int | None = None) -> bytes:
        with self._path(name).open("rb") as handle:
            if offset:
                handle.seek(offset)
            return handle.read() if length is None else handle.read(length)

    def open(self, name: str) -> BinaryIO:
        return self._path(name).open("rb")

    def exists(self, name: str) -> bool:
        return self._path(name).is_file()

    def size(self, name: str) -> int:
        return self._path(name).stat().st_size

    def names(self, prefix: str) -> Iterator[str]:
        base = self._path(prefix.rstrip("/")) if prefix.strip("/") else self.root
        if not base.is_dir():
            return iter(())
        names = (
            path.relative_to(self.root).as_posix()
            for path in base.rglob("*")
            if path.is_file() and not path.name.startswith(self._TEMP)
        )
        return iter(sorted(names))

    def delete(self, name: str) -> None:
        self._path(name).unlink(missing_ok=True)

    def discard_incomplete(self) -> list[str]:
        removed: list[str] = []
        if self.root.is_dir():
            for path in self.root.rglob(f"{self._TEMP}*"):
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
                    removed.append(path.relative_to(self.root).as_posix())
        return removed


def _file_backend(uri: str) -> FileBackend:
    parsed = urlparse(uri)
    if parsed.scheme == "file":
        if parsed.netloc not in {"", "localhost"}:
            raise ValueError(f"{uri}: file URIs must be local")
        return FileBackend(unquote(parsed.path))
    return FileBackend(uri)


def _s3_backend(uri: str) -> Backend:
    from .objectstore import open_s3  # imported when used: file archives never load obstore

    return open_s3(uri)


#: URI scheme → backend factory; a plain path has no scheme and is a file path.
BACKENDS: dict[str, Callable[[str], Backend]] = {
    "": _file_backend,
    "file": _file_backend,
    "s3": _s3_backend,
}


def open_backend(location: str | os.PathLike[str]) -> Backend:
    """The backend for an archive location: a directory path or a URI with a known scheme."""
    text = os.fspath(location)
    scheme = urlparse(text).scheme if "://" in text else ""
    try:
        factory = BACKENDS[scheme]
    except KeyError:
        known = ", ".join(sorted(s for s in BACKENDS if s))
        raise ValueError(f"{text}: no archive backend for scheme {scheme!r} ({known})") from None
    return factory(text)
