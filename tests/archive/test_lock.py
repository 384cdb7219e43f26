"""The crawl lock: re-entrant in one process, refused with the holder's name in another
(another process, or with a PostgreSQL catalog another host)."""

from __future__ import annotations

import fcntl
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from wirearchive.archive.catalog_pg import crawl_lock
from wirearchive.archive.lock import CrawlLock, CrawlLocked, lock_folder

from ..conftest import PostgresServer


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


def test_an_archive_on_object_storage_locks_in_its_cache_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("WIREARCHIVE_CATALOG", raising=False)
    monkeypatch.chdir(tmp_path)
    lock = CrawlLock.acquire("s3://news/wire")
    try:
        assert lock.path == lock_folder("s3://news/wire") / "crawl.lock"
        assert lock.path.is_relative_to(tmp_path / "cache" / "wirearchive")
        assert lock.path.read_text().startswith("pid ")
    finally:
        lock.release()
    assert not (tmp_path / "s3:").exists()  # no folder named after the URL


def _hold_in_child(url: str, shared: bool) -> subprocess.Popen[str]:
    """Another process (host) holding the catalog's crawl lock, until killed."""
    code = (
        "import sys, time\n"
        "from wirearchive.archive.catalog_pg import crawl_lock\n"
        f"held = crawl_lock({url!r}, archive='s3://news/wire', shared={shared})\n"
        "print('held', flush=True)\n"
        "time.sleep(120)\n"
    )
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "held"
    return child


def test_a_postgresql_catalog_holds_the_crawl_lock_for_every_host(
    postgres_server: PostgresServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    url = postgres_server.new_schema()
    other = _hold_in_child(url, shared=False)  # a plain crawl on another host
    try:
        with pytest.raises(CrawlLocked, match=r"wirearchive crawl pid \d+@.*plain crawl since"):
            CrawlLock.acquire("s3://news/wire", catalog=url)
        # Refused there, so the local lock file was let go again.
        assert fcntl_free(lock_folder("s3://news/wire") / "crawl.lock")
    finally:
        other.send_signal(signal.SIGKILL)  # the server drops a dead session's lock
        other.wait()
    deadline = time.monotonic() + 10
    while True:
        try:
            lock = CrawlLock.acquire("s3://news/wire", catalog=url, shared=True)
            break
        except CrawlLocked:
            assert time.monotonic() < deadline, "the killed holder's lock was not dropped"
            time.sleep(0.1)
    try:
        # Another distributed worker joins; a plain crawl is refused, naming the workers.
        joined = crawl_lock(url, archive="s3://news/wire", shared=True)
        joined.release()
        with pytest.raises(CrawlLocked, match="distributed crawl since"):
            crawl_lock(url, archive="s3://news/wire", shared=False)
    finally:
        lock.release()
    crawl_lock(url, archive="s3://news/wire", shared=False).release()  # free again


def fcntl_free(path: Path) -> bool:
    with open(path, "a+") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
        return True
