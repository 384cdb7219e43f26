"""One crawl at a time per archive: an exclusive lock file that names its holder.

Two scheduled crawls of one archive must never overlap (the second would refetch what the
first is archiving). The kernel drops a flock when its holder dies, so a killed crawl never
leaves a stale lock, and the file's text says who holds it for the message of the one that
waits. The workers of one distributed crawl (``crawl --redis``) take it shared: they coexist,
since the shared frontier in Redis decides who fetches what, while a plain crawl (exclusive)
and a distributed one still exclude each other.
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
    a flock when its holder dies, so a killed crawl never leaves a stale lock. ``shared``
    (a distributed crawl's worker) lets other shared holders in but no exclusive one.
    """

    def __init__(self, archive: str, *, shared: bool = False) -> None:
        self.path = Path(archive) / LOCK_NAME
        self.shared = shared
        self._file: IO[str] | None = None
        self._depth = 0

    @classmethod
    def acquire(cls, archive: str, *, shared: bool = False) -> CrawlLock:
        key = str(Path(archive).resolve())
        lock = _held.get(key)
        if lock is None:
            lock = cls(archive, shared=shared)
            lock._take()
            _held[key] = lock
        lock._depth += 1
        return lock

    def _take(self) -> None:
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
                f"another crawl is running on {self.path.parent} ({holder}); "
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
        _held.pop(str(self.path.parent.resolve()), None)
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
