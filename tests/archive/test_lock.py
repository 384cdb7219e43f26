"""The crawl lock: re-entrant in one process, refused with the holder's name in another."""

from __future__ import annotations

import fcntl
from pathlib import Path

import pytest
from wirearchive.archive.lock import CrawlLock, CrawlLocked


def test_crawl_lock_is_reentrant_and_names_its_holder(tmp_path: Path) -> None:
    first = CrawlLock.acquire(str(tmp_path))
    again = CrawlLock.acquire(str(tmp_path))  # the same process: re-entrant
    assert again is first
    text = (tmp_path / "crawl.lock").read_text()
    assert text.startswith("pid ")
    again.release()
    first.release()
    assert (tmp_path / "crawl.lock").read_text() == ""
    # Held by another open file description (as another process would): refused.
    with open(tmp_path / "crawl.lock", "a+") as other:
        other.write("pid 99999, started 2024-01-01T00:00:00Z\n")
        other.flush()
        fcntl.flock(other.fileno(), fcntl.LOCK_EX)
        with pytest.raises(CrawlLocked, match="pid 99999"):
            CrawlLock.acquire(str(tmp_path))


def test_shared_holders_coexist_and_exclude_an_exclusive_one(tmp_path: Path) -> None:
    # Another distributed worker (another open file description) holds it shared.
    with open(tmp_path / "crawl.lock", "a+") as other:
        fcntl.flock(other.fileno(), fcntl.LOCK_SH)
        shared = CrawlLock.acquire(str(tmp_path), shared=True)  # a second worker: let in
        assert (tmp_path / "crawl.lock").read_text().startswith("distributed crawl, first ")
        shared.release()
        # Not the last holder: the text stays for an exclusive crawl's message.
        with pytest.raises(CrawlLocked, match="distributed crawl"):
            CrawlLock.acquire(str(tmp_path))
        fcntl.flock(other.fileno(), fcntl.LOCK_UN)
    last = CrawlLock.acquire(str(tmp_path), shared=True)
    last.release()  # the last shared holder clears the text
    assert (tmp_path / "crawl.lock").read_text() == ""
    # A plain crawl holds it: a distributed worker is refused, naming it.
    with open(tmp_path / "crawl.lock", "a+") as other:
        other.write("pid 99999, started 2024-01-01T00:00:00Z\n")
        other.flush()
        fcntl.flock(other.fileno(), fcntl.LOCK_EX)
        with pytest.raises(CrawlLocked, match="pid 99999"):
            CrawlLock.acquire(str(tmp_path), shared=True)
