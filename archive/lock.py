"""One crawl at a time per archive: an exclusive lock file that names its holder.

Two scheduled crawls of one archive must never overlap (the second would refetch what the
first is archiving). The kernel drops a flock when its holder dies, so a killed crawl never
leaves a stale lock, and the file's text says who holds it for the message of the one that
waits.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import IO

from .store import ArchiveError, utc_now

__all__ = ["LOCK_NAME", "CrawlLock", "CrawlLocked"]

LOCK_NAME = "crawl.lock"


class CrawlLocked(ArchiveError):
    """Another crawl holds the archive's crawl lock."""


_held: dict[str, CrawlLock] = {}


class CrawlLock:
    """An exclusive ``<archive>/crawl.lock`` (flock), naming the pid and start time holding it.

    Re-entrant within one process (the crawl command takes it before Scrapy starts and the
    pipeline takes it again); a second process gets `CrawlLocked` at once. The kernel drops
    a flock when its holder dies, so a killed crawl never leaves a stale lock.
    """

    def __init__(self, archive: str) -> None:
        self.path = Path(archive) / LOCK_NAME
        self._file: IO[str] | None = None
        self._depth = 0

    @classmethod
    def acquire(cls, archive: str) -> CrawlLock:
        key = str(Path(archive).resolve())
        lock = _held.get(key)
        if lock is None:
            lock = cls(archive)
            lock._take()
            _held[key] = lock
        lock._depth += 1
        return lock

    def _take(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 - held for the run
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown holder"
            handle.close()
            raise CrawlLocked(
                f"another crawl is running on {self.path.parent} ({holder}); "
                f"this run stops without fetching anything (lock: {self.path})"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}, started {utc_now()}\n")
        handle.flush()
        self._file = handle

    def release(self) -> None:
        self._depth -= 1
        if self._depth > 0 or self._file is None:
            return
        _held.pop(str(self.path.parent.resolve()), None)
        self._file.truncate(0)
        fcntl.flock(self._file.fileno(), fcntl.LOCK_UN)
        self._file.close()
        self._file = None
