"""The item pipeline: crawled pages meet the same validate -> archive steps as `ingest`.

Spiders yield one of three items per article request: a `CrawledPage` (a response and
what the HTML reader made of it), a `NotModifiedPage` (the server answered 304) or a
`FetchFailed` (404, off-site redirect, too large, retries exhausted...). `ArchivePipeline`
hands each one to an `Intake`, the same one `ingest` uses: it validates pages, puts valid
ones, quarantines invalid ones (the pipeline drops them with `DropItem` naming the rule and
the JSON path), records 304s as sightings and failures as per-URL errors, commits every
``WIREARCHIVE_BATCH`` items, and writes the run manifest when the spider closes.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from scrapy.exceptions import DropItem, NotConfigured
from wirearchive.archive import Capture, Store, resolve_location
from wirearchive.archive.lock import CrawlLock
from wirearchive.validators import Problem, Report

from .intake import Counts, Intake, Result, quarantine_reason, utc_now
from .readers import Extracted, step

__all__ = [
    "FRONTIER_STAT",
    "INTERRUPTED_STAT",
    "LEASE_META",
    "ArchivePipeline",
    "CrawledPage",
    "FetchFailed",
    "NotModifiedPage",
    "Settled",
    "archive_store",
]

#: A Scrapy stat naming the signal that interrupted the run: its manifest is "interrupted".
INTERRUPTED_STAT = "wirearchive/interrupted"
#: A Scrapy stat holding a distributed worker's frontier facts (tick, leader, pushed).
FRONTIER_STAT = "wirearchive/frontier"


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


#: The request meta key holding a distributed worker's lease token for a request taken
#: from the shared frontier (never written to the queue; see crawler/frontier.py).
LEASE_META = "wirearchive_lease"


@dataclass(frozen=True, slots=True)
class Settled:
    """A distributed worker's leased request is done once what came before is durable."""

    token: str
    #: What came of it (a failed fetch) is kept only in the run manifest: the lease is
    #: settled once that is written, so a worker killed before then loses no failure.
    in_manifest: bool = False


_stores: weakref.WeakKeyDictionary[Any, Store] = weakref.WeakKeyDictionary()


def archive_store(crawler: Any) -> Store | None:
    """The one `Store` a crawler's spider and pipeline share (None: no archive set)."""
    found = _stores.get(crawler)
    if found is None:
        location = crawler.settings.get("WIREARCHIVE_ARCHIVE")
        if not location:
            return None
        catalog = crawler.settings.get("WIREARCHIVE_CATALOG") or None
        found = Store.open(resolve_location(location), catalog=catalog)
        _stores[crawler] = found
    return found


class ArchivePipeline:
    """Validate and archive crawled pages through an `Intake`; see the module's docstring."""

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
        self.stats = stats
        self.archive = archive
        self.close_store = close_store
        self.manifest: dict[str, Any] | None = None
        #: Quarantined pages count towards the group too, and a slow crawl commits every
        #: `max_delay` seconds, so a kill loses at most one short group.
        self.intake = Intake(
            store,
            source=source,
            command=list(command),
            batch=batch,
            max_delay=max_delay,
            label="url",
            on_checked=self._checked,
            on_result=self._result,
        )
        self.run_id = self.intake.run_id
        #: A distributed crawl's worker shares the crawl lock with the other workers.
        self.shared_lock = False
        #: The catalog the crawl lock may live in as well (a PostgreSQL catalog's).
        self.catalog: str | None = None
        self._lock: CrawlLock | None = None
        self._open = False
        #: The shared frontier's side that settles leases (a distributed worker's), and the
        #: leases whose work waits in the intake's group.
        self.frontier: Any = None
        self._settling: list[str] = []
        #: The leases whose outcome only the run manifest records (failures).
        self._at_close: list[str] = []

    @property
    def counts(self) -> Counts:
        return self.intake.counts

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
        pipeline = cls(
            store,
            source=source.name if source is not None else settings.get("WIREARCHIVE_SOURCE"),
            batch=settings.getint("WIREARCHIVE_BATCH", 50),
            command=command,
            stats=crawler.stats,
            archive=str(settings.get("WIREARCHIVE_ARCHIVE")),
            close_store=True,
        )
        pipeline.shared_lock = bool(settings.get("WIREARCHIVE_REDIS_URL"))
        pipeline.catalog = settings.get("WIREARCHIVE_CATALOG") or None
        from scrapy import signals

        crawler.signals.connect(pipeline.dropped, signal=signals.request_dropped)
        pipeline.frontier = getattr(getattr(crawler, "spider", None), "frontier", None)
        if pipeline.frontier is not None:
            pipeline.frontier.record_abandoned(pipeline.abandoned)
        return pipeline

    # -- Scrapy's hooks --------------------------------------------------------------------

    def open_spider(self) -> None:
        if self.archive is not None:
            self._lock = CrawlLock.acquire(
                resolve_location(self.archive), shared=self.shared_lock, catalog=self.catalog
            )
        self.intake.started = utc_now()
        self._open = True
        if self.stats is not None:
            self.stats.set_value("wirearchive/run", self.run_id)

    def process_item(self, item: Any) -> Any:
        if not self._open:
            self.open_spider()
        try:
            if isinstance(item, Settled):
                self._read(item.token, in_manifest=item.in_manifest)
            elif isinstance(item, CrawledPage):
                self._page(item)  # raises DropItem for a quarantined page
            elif isinstance(item, NotModifiedPage):
                derived = {"url": item.url, **item.derived}
                self.intake.not_modified(item.url, item.item_id, item.capture, derived)
                self._stat("not-modified")
            elif isinstance(item, FetchFailed):
                self._failed(item)
        finally:
            if self.intake.due():  # a slow crawl commits on time, not only when full
                self.intake.commit()
            if self._settling and not self.intake.queued:
                self._settle()
        return item

    def dropped(self, request: Any) -> None:
        """A redirect to a URL this run has asked for already, which the dupefilter drops:
        the URL that redirected is recorded as skipped (what came of its target is that
        request's), so it is not lost without a word."""
        redirects = request.meta.get("redirect_urls") or []
        if not redirects:
            return  # a link seen twice: the first request is the one that counts
        if not self._open:
            self.open_spider()
        self._failed(
            FetchFailed(
                str(redirects[0]),
                "fetch.redirect-seen",
                f"redirects to {request.url}, which this run fetches already",
                request.meta.get("wirearchive_via"),
                skipped=True,
            )
        )
        token = request.meta.get(LEASE_META)  # a distributed worker's: settled with the manifest
        if token is not None and self.frontier is not None:
            self._read(str(token), in_manifest=True)

    def _read(self, token: str, *, in_manifest: bool) -> None:
        """A leased request's page was read: mark it so (a death now is not its fault) and
        settle it once its group is committed, or `in_manifest`, once the manifest is."""
        (self._at_close if in_manifest else self._settling).append(token)
        if self.frontier is not None:
            self.frontier.parsed([token])

    def abandoned(self, failed: FetchFailed, token: str) -> None:
        """A request the shared frontier gave up (its workers kept dying): a failure of this
        run, its lease settled like any failure's, once the run manifest is written."""
        self._failed(failed)
        self._at_close.append(token)

    def _settle(self) -> None:
        """Settle the leases whose work is durable now (nothing is queued)."""
        if self.frontier is not None:
            self.frontier.settle(self._settling)
        self._settling = []

    def close_spider(self) -> None:
        # `wirearchive crawl` sets this stat when a SIGINT/SIGTERM stopped the run early.
        interrupted = self.stats is not None and self.stats.get_value(INTERRUPTED_STAT)
        # A distributed worker's manifest says which tick it worked for and what it pushed.
        frontier = self.stats.get_value(FRONTIER_STAT) if self.stats is not None else None
        extra = {"frontier": dict(frontier)} if frontier else {}
        try:
            self.manifest = self.intake.close("interrupted" if interrupted else "finished", **extra)
            self._settling += self._at_close
            self._at_close = []
            self._settle()
        finally:
            if self._lock is not None:
                self._lock.release()
                self._lock = None
            if self.close_store:
                self.store.close()

    def commit(self) -> None:
        """Make the queued group durable and count its outcomes."""
        self.intake.commit()

    # -- the steps -------------------------------------------------------------------------

    def _stat(self, key: str, count: int = 1) -> None:
        if self.stats is not None:
            self.stats.inc_value(f"wirearchive/{key}", count)

    def _checked(self, extracted: Extracted, report: Report) -> None:
        for problem in (*report.errors, *report.warnings):
            self._stat(f"rule/{problem.rule}")

    def _result(self, result: Result) -> None:
        if result.outcome is not None:
            self._stat(result.outcome.status)
        elif result.status == "failed":
            self._stat("failed")
            self._stat(f"error/{result.rule}")
        elif result.status == "skipped":
            self._stat("skipped")

    def _page(self, page: CrawledPage) -> None:
        self.intake.inputs.append(page.url)
        status = page.capture.http.status if page.capture.http else "?"
        report = self.intake.add(
            page.extracted,
            capture=page.capture,
            derived={"url": page.url, **page.derived},
            steps=[step("fetch", f"HTTP {status} {page.url}"), *page.steps],
        )
        if report is not None and report.valid:
            return
        best = report.best_error if report is not None else None
        where = f"{best.rule} at {best.json_path}" if best else "no item"
        reason = (quarantine_reason(report) if report else None) or "quarantined"
        raise DropItem(f"quarantined {page.url}: {where}: {reason}")

    def _failed(self, failed: FetchFailed) -> None:
        problem = Problem(rule=failed.rule, message=failed.message)
        facts = {"via": failed.via} if failed.via else {}
        if failed.skipped:
            self.intake.skip(failed.url, problem, facts)
        else:
            self.intake.fail(failed.url, problem, facts=facts)
