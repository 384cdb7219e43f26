"""The item pipeline: crawled pages meet the same validate -> archive steps as `ingest`.

Spiders yield one of three items per article request: a `CrawledPage` (a response and
what the HTML reader made of it), a `NotModifiedPage` (the server answered 304) or a
`FetchFailed` (404, off-site redirect, too large, retries exhausted...). `ArchivePipeline`
validates pages with `Checker`, puts valid ones, quarantines invalid ones (and drops them
with `DropItem` naming the rule and the JSON path), records 304s as sightings and failures
as per-URL errors, commits every ``WIREARCHIVE_BATCH`` items, and writes the run manifest
when the spider closes.
"""

from __future__ import annotations

import fcntl
import os
import time
import weakref
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from scrapy.exceptions import DropItem, NotConfigured
from wirearchive.archive import Capture, Store, Writer, new_run_id, resolve_location
from wirearchive.archive.store import ArchiveError

from .ingest import (
    Checker,
    Counts,
    check_extracted,
    count_rules,
    extraction_provenance,
    quarantine_reason,
    run_manifest,
    utc_now,
)
from .readers import Extracted, step

__all__ = [
    "INTERRUPTED_STAT",
    "ArchivePipeline",
    "CrawlLock",
    "CrawlLocked",
    "CrawledPage",
    "FetchFailed",
    "NotModifiedPage",
    "archive_store",
]

LOCK_NAME = "crawl.lock"
#: A Scrapy stat naming the signal that interrupted the run: its manifest is "interrupted".
INTERRUPTED_STAT = "wirearchive/interrupted"


@dataclass(frozen=True, slots=True)
class CrawledPage:
    """A fetched article page and the item the HTML reader made of it."""

    url: str
    capture: Capture
    extracted: Extracted
    #: How the crawler got here: ``{"via", "spider"}`` (the url is added).
    derived: dict[str, Any] = field(default_factory=dict)
    #: Crawl steps before reading, e.g. a redirect followed or a policy revisit.
    steps: tuple[dict[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class NotModifiedPage:
    """The server answered 304 to a conditional request for an archived item's page."""

    url: str
    item_id: str
    capture: Capture
    derived: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class FetchFailed:
    """A URL that gave no page: its error as ``rule: message``; `skipped` if by policy."""

    url: str
    rule: str
    message: str
    via: str | None = None
    #: Refused by policy (robots.txt), not a fault: recorded, never counted as failed.
    skipped: bool = False

    def to_dict(self) -> dict[str, Any]:
        found: dict[str, Any] = {"url": self.url, "rule": self.rule, "message": self.message}
        if self.via:
            found["via"] = self.via
        return found


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


_stores: weakref.WeakKeyDictionary[Any, Store] = weakref.WeakKeyDictionary()


def archive_store(crawler: Any) -> Store | None:
    """The one `Store` a crawler's spider and pipeline share (None: no archive set)."""
    found = _stores.get(crawler)
    if found is None:
        location = crawler.settings.get("WIREARCHIVE_ARCHIVE")
        if not location:
            return None
        found = Store.open(resolve_location(location))
        _stores[crawler] = found
    return found


class ArchivePipeline:
    """Validate and archive crawled pages; see the module's docstring."""

    def __init__(
        self,
        store: Store,
        *,
        source: str | None = None,
        batch: int = 50,
        max_delay: float = 2.0,
        command: Sequence[str] = (),
        stats: Any = None,
        archive: str | None = None,
        close_store: bool = False,
    ) -> None:
        self.store = store
        self.source = source
        self.batch = max(1, batch)
        #: Seconds the oldest queued page may wait before its group is committed.
        self.max_delay = max_delay
        self.command = list(command)
        self.stats = stats
        self.archive = archive
        self.close_store = close_store
        self.run_id = new_run_id()
        self.counts = Counts()
        self.rules: Counter[tuple[str, str]] = Counter()
        self.failures: list[dict[str, Any]] = []
        self.skipped: list[dict[str, Any]] = []
        self.quarantined: list[dict[str, Any]] = []
        self.inputs: list[str] = []
        self.manifest: dict[str, Any] | None = None
        self._checker = Checker()
        self._writer: Writer | None = None
        self._waiting: list[tuple[str, str | None]] = []
        self._lock: CrawlLock | None = None
        self._started = utc_now()
        self._clock = time.monotonic()
        self._oldest = self._clock

    @classmethod
    def from_crawler(cls, crawler: Any) -> ArchivePipeline:
        settings = crawler.settings
        if not settings.get("WIREARCHIVE_ARCHIVE"):
            raise NotConfigured(
                "WIREARCHIVE_ARCHIVE is not set: give the archive folder with "
                "-s WIREARCHIVE_ARCHIVE=DIR or the WIREARCHIVE_ARCHIVE environment variable"
            )
        store = archive_store(crawler)
        assert store is not None
        source = getattr(getattr(crawler, "spider", None), "source", None)
        command = settings.getlist("WIREARCHIVE_COMMAND") or ["scrapy", "crawl"]
        return cls(
            store,
            source=source.name if source is not None else settings.get("WIREARCHIVE_SOURCE"),
            batch=settings.getint("WIREARCHIVE_BATCH", 50),
            command=command,
            stats=crawler.stats,
            archive=str(settings.get("WIREARCHIVE_ARCHIVE")),
            close_store=True,
        )

    # -- Scrapy's hooks --------------------------------------------------------------------

    def open_spider(self) -> None:
        if self.archive is not None:
            self._lock = CrawlLock.acquire(resolve_location(self.archive))
        self._writer = self.store.writer(self.run_id, source=self.source)
        self._started = utc_now()
        self._clock = time.monotonic()
        if self.stats is not None:
            self.stats.set_value("wirearchive/run", self.run_id)

    def process_item(self, item: Any) -> Any:
        if self._writer is None:
            self.open_spider()
        writer = self._writer
        assert writer is not None
        if not writer:
            self._oldest = time.monotonic()
        try:
            if isinstance(item, CrawledPage):
                self._page(item)  # raises DropItem for a quarantined page
            elif isinstance(item, NotModifiedPage):
                self._not_modified(item)
            elif isinstance(item, FetchFailed):
                self._failed(item)
        finally:
            # Quarantined pages count towards the group too, and a slow crawl commits
            # every `max_delay` seconds, so a kill loses at most one short group.
            if writer and (
                len(writer) >= self.batch or time.monotonic() - self._oldest >= self.max_delay
            ):
                self.commit()
        return item

    def close_spider(self) -> None:
        # `wirearchive crawl` sets this stat when a SIGINT/SIGTERM stopped the run early.
        interrupted = self.stats is not None and self.stats.get_value(INTERRUPTED_STAT)
        try:
            self.commit()
            self.manifest = run_manifest(
                run_id=self.run_id,
                command=self.command,
                started=self._started,
                counts=self.counts,
                rules=self.rules,
                failures=self.failures,
                inputs=self.inputs,
                source=self.source,
                status="interrupted" if interrupted else "finished",
            )
            self.manifest["quarantined"] = self.quarantined
            self.manifest["skipped"] = self.skipped
            self.manifest["seconds"] = round(time.monotonic() - self._clock, 3)
            self.store.finish_run(self.manifest)
        finally:
            if self._lock is not None:
                self._lock.release()
                self._lock = None
            if self.close_store:
                self.store.close()

    # -- the steps -------------------------------------------------------------------------

    def _stat(self, key: str, count: int = 1) -> None:
        if self.stats is not None:
            self.stats.inc_value(f"wirearchive/{key}", count)

    def _page(self, page: CrawledPage) -> None:
        writer = self._writer
        assert writer is not None
        extracted = page.extracted
        self.inputs.append(page.url)
        schema_uri = self._checker.schema_uri(extracted.schema)
        derived = {"url": page.url, **page.derived}
        provenance = extraction_provenance(extracted, schema_uri, derived)
        provenance["steps"][:0] = [
            step(
                "fetch", f"HTTP {page.capture.http.status if page.capture.http else '?'} {page.url}"
            ),
            *page.steps,
        ]
        report = check_extracted(self._checker, extracted, provenance)
        count_rules(self.rules, report)
        for problem in (*report.errors, *report.warnings):
            self._stat(f"rule/{problem.rule}")
        if report.valid and extracted.item is not None:
            self._waiting.append((page.url, None))
            writer.put(
                extracted.item,
                page.capture,
                provenance=provenance,
                warnings=[w.to_dict() for w in report.warnings],
                profile=schema_uri,
            )
            return
        reason = quarantine_reason(report) or "quarantined"
        self._waiting.append((page.url, reason))
        writer.quarantine(
            capture=page.capture,
            report=report.to_dict(),
            item=extracted.item,
            provenance=provenance,
            path=page.url,
        )
        best = report.best_error
        where = f"{best.rule} at {best.json_path}" if best else "no item"
        raise DropItem(f"quarantined {page.url}: {where}: {reason}")

    def _not_modified(self, page: NotModifiedPage) -> None:
        writer = self._writer
        assert writer is not None
        self.inputs.append(page.url)
        self._waiting.append((page.url, None))
        derived = {"url": page.url, **page.derived}
        writer.not_modified(page.item_id, page.capture, provenance={"wasDerivedFrom": derived})
        self._stat("not-modified")

    def _failed(self, failed: FetchFailed) -> None:
        if failed.skipped:
            self.skipped.append(failed.to_dict())
            self._stat("skipped")
            return
        self.counts.failed += 1
        self.failures.append(failed.to_dict())
        self._stat("failed")
        self._stat(f"error/{failed.rule}")

    def commit(self) -> None:
        """Make the queued group durable and count its outcomes."""
        writer = self._writer
        waiting = self._waiting
        if writer is None or not waiting:
            return
        outcomes = writer.commit()  # if it raises, the group stays queued, and so do these
        self._waiting = []
        for (url, reason), outcome in zip(waiting, outcomes, strict=True):
            self.counts.add(outcome.status)
            self._stat(outcome.status)
            if outcome.status == "quarantined":
                self.quarantined.append({"url": url, "qid": outcome.qid, "reason": reason})
