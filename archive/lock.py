"""One crawl at a time per archive: an exclusive lock that names its holder.

Two scheduled crawls of one archive must never overlap (the second would refetch what the
first is archiving). The lock is a flock on ``crawl.lock`` in the archive's folder (for an
archive on object storage, in its local cache folder: that excludes crawls on this host),
and, when the catalog is a PostgreSQL server, also a session-level advisory lock in that
database, which excludes crawls on every host that shares the catalog. The kernel drops a
flock when its holder dies, and PostgreSQL drops a session's lock when its connection ends,
so a killed crawl never leaves a stale lock; the file's text (or the holder's
``application_name``) says who holds it for the message of the one that waits. The workers
of one distributed crawl (``crawl --redis``) take it shared: they coexist, since the shared
frontier in Redis decides who fetches what, while a plain crawl (exclusive) and a
distributed one still exclude each other.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import IO, Protocol
from urllib.parse import unquote, urlparse

from .catalog import _cache_folder, is_server_catalog, resolve_catalog
from .store import ArchiveError, utc_now

__all__ = ["LOCK_NAME", "CrawlLock", "CrawlLocked", "lock_folder"]

LOCK_NAME = "crawl.lock"


class CrawlLocked(ArchiveError):
    """Another crawl holds the archive's crawl lock."""


class _Held(Protocol):
    """A lock held elsewhere than the lock file (a database session's)."""

    def release(self) -> None: ...


_held: dict[str, CrawlLock] = {}


def lock_folder(archive: str) -> Path:
    """The local folder of an archive's ``crawl.lock``: its own, or (an archive on object
    storage, which has none) the per-archive cache folder its default catalog lives in."""
    if "://" not in archive:
        return Path(archive)
    parsed = urlparse(archive)
    if parsed.scheme == "file":
        return Path(unquote(parsed.path))
    return _cache_folder(archive, os.environ)


class CrawlLock:
    """An exclusive ``crawl.lock`` (flock), naming the pid and start time holding it.

    Re-entrant within one process (the crawl command takes it before Scrapy starts and the
    pipeline takes it again); a second process gets `CrawlLocked` at once. ``shared``
    (a distributed crawl's worker) lets other shared holders in but no exclusive one.
    ``catalog`` (as `resolve_catalog` reads it): a PostgreSQL catalog adds its advisory lock.
    """

    def __init__(self, archive: str, *, shared: bool = False, catalog: str | None = None) -> None:
        self.archive = archive
        self.path = lock_folder(archive) / LOCK_NAME
        self.shared = shared
        self.catalog = catalog
        self._file: IO[str] | None = None
        self._server: _Held | None = None
        self._depth = 0

    @staticmethod
    def _key(archive: str) -> str:
        return str(Path(archive).resolve()) if "://" not in archive else archive

    @classmethod
    def acquire(
        cls, archive: str, *, shared: bool = False, catalog: str | None = None
    ) -> CrawlLock:
        key = cls._key(archive)
        lock = _held.get(key)
        if lock is None:
            lock = cls(archive, shared=shared, catalog=catalog)
            lock._take()
            _held[key] = lock
        lock._depth += 1
        return lock

    def _take(self) -> None:
        self._take_file()
        spec = resolve_catalog(self.catalog, self.archive, None if "://" in self.archive
                               else Path(self.archive))  # fmt: skip
        if not is_server_catalog(spec):
            return
        from .catalog_pg import crawl_lock  # psycopg is imported only when used

        try:
            self._server = crawl_lock(spec, archive=self.archive, shared=self.shared)
        except CrawlLocked:
            self._release_file()
            raise

    def _take_file(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 - held for the run
        mode = fcntl.LOCK_SH if self.shared else fcntl.LOCK_EX
        try:
            fcntl.flock(handle.fileno(), mode | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown holder"
            handle.close()
            raise CrawlLocked(
                f"another crawl is running on {self.archive} ({holder}); "
                f"this run stops without fetching anything (lock: {self.path})"
            ) from None
        self._file = handle
        handle.seek(0)
        if self.shared:
            # Several holders: the first one names the crawl, the others leave its text.
            if not handle.read().strip():
                handle.write(f"distributed crawl, first worker pid {os.getpid()}, "
                             f"started {utc_now()}\n")  # fmt: skip
                handle.flush()
            return
        handle.truncate()
        handle.write(f"pid {os.getpid()}, started {utc_now()}\n")
        handle.flush()

    def release(self) -> None:
        self._depth -= 1
        if self._depth > 0 or self._file is None:
            return
        _held.pop(self._key(self.archive), None)
        if self._server is not None:
            self._server.release()
            self._server = None
        self._release_file()

    def _release_file(self) -> None:
        if self._file is None:
            return
        if self.shared:
            # Only the last shared holder clears the text: it alone can turn exclusive.
            try:
                fcntl.flock(self._file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                self._file.close()
                self._file = None
                return
        self._file.truncate(0)
        fcntl.flock(self._file.fileno(), fcntl.LOCK_UN)
        self._file.close()
        self._file = None
