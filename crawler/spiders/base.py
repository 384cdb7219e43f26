"""What every spider shares: the source, article requests, extraction, errors.

An article request is conditional (the middleware adds If-None-Match/If-Modified-Since
from the archive's state for the URL) and carries the feed or sitemap that led to it. A
URL the archive already holds is fetched again only when the source's revisit policy says
it is due, so a run that was killed resumes without refetching what it archived, and a
scheduled run every few minutes does not hammer a site.
"""

from __future__ import annotations

import asyncio
import ctypes
import html
import http.client
import os
import signal
import sys
from collections.abc import AsyncIterator, Iterator, Mapping
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

import scrapy
from scrapy.exceptions import IgnoreRequest, UsageError
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import TimeoutError as TwistedTimeout
from twisted.python.failure import Failure
from wirearchive.archive import Capture, HttpExchange, Store
from wirearchive.validators import Problem

from ..frontier import LEASE_META, Frontier, configure
from ..middlewares import OffsiteRefused
from ..pipelines import CrawledPage, FetchFailed, NotModifiedPage, Settled, archive_store
from ..readers import Extracted, ReadContext, readers, step
from ..readers import Source as InputSource
from ..readers.feed import feed_links
from ..readers.sitemap import parse_when, read_sitemap
from ..sources import Source, SourceError, load_source

__all__ = [
    "ArticleSpider",
    "SourceSpider",
    "extract",
    "extract_in_worker",
    "find_source",
    "http_exchange",
    "worker_count",
]


def find_source(folder: str, name: str) -> Source:
    """The source called `name` in `folder` (``NAME.toml``); `SourceError` names what is wrong."""
    path = Path(folder) / f"{name}.toml"
    if not path.is_file():
        known = sorted(p.stem for p in Path(folder).glob("*.toml"))
        raise SourceError(
            path,
            None,
            f"unknown source {name!r}: no such file (sources in {folder}: "
            f"{', '.join(known) or 'none'})",
        )
    return load_source(path)


def _headers(headers: Any) -> tuple[tuple[str, str], ...]:
    return tuple(
        (name.decode("latin-1"), value.decode("latin-1"))
        for name, values in headers.items()
        for value in values
    )


def http_exchange(response: Response) -> HttpExchange:
    """The request and response as a WARC writer needs them."""
    request = response.request
    protocol = getattr(response, "protocol", None) or "HTTP/1.1"
    return HttpExchange(
        status=response.status,
        reason=http.client.responses.get(response.status, ""),
        response_headers=_headers(response.headers),
        method=request.method if request is not None else "GET",
        request_headers=_headers(request.headers) if request is not None else (),
        protocol=protocol.upper() if protocol.lower().startswith("http") else "HTTP/1.1",
    )


def extract(body: bytes, url: str, retrieved_at: datetime, charset: str | None = None) -> Extracted:
    """The HTML reader's extraction of a fetched page (runs in a worker process if any).

    The page is a `Source` like any file the walker finds, read by the same reader call.
    """
    context = ReadContext(max_bytes=max(len(body), 1), retrieved_at=retrieved_at, charset=charset)
    (extracted,) = readers()["html"].read(InputSource.from_bytes(body, url), context)
    return extracted


def http_charset(content_type: str) -> str | None:
    """The ``charset`` parameter of a Content-Type header, if any."""
    for parameter in content_type.split(";")[1:]:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'")
    return None


def apply_overrides(
    extracted: Extracted, response: Response, fields: Mapping[str, str]
) -> Extracted:
    """The source's CSS/XPath overrides, applied to what the HTML reader extracted.

    A selector that matches nothing leaves the reader's value and says so in a step, so a
    site redesign shows in the provenance instead of blanking the field.
    """
    if not fields or extracted.item is None:
        return extracted
    item = dict(extracted.item)
    notes = []
    for field, selector in sorted(fields.items()):
        kind, _, expression = selector.partition(":")
        found = response.css(expression) if kind == "css" else response.xpath(expression)
        parts = [part.strip() for part in found.getall() if part.strip()]
        if not parts:
            notes.append(f"{field}: {selector} matched nothing; the reader's value kept")
            continue
        text = " ".join(" ".join(parts).split())
        if field == "headline":
            others = [h for h in item.get("headlines", []) if h.get("role") != "main"]
            item["headlines"] = [{"role": "main", "value": text}, *others]
        elif field == "byline":
            item["by"] = text
        elif field == "published":
            when = _zoned(text)
            if when is None:
                notes.append(f"{field}: {selector} gave {text!r}, not a time; the reader's kept")
                continue
            item["firstCreated"] = when
        else:  # body: markup as matched, or text nodes as paragraphs
            markup = "".join(
                part if part.startswith("<") else f"<p>{html.escape(part)}</p>" for part in parts
            )
            others = [b for b in item.get("bodies", []) if b.get("role") != "main"]
            item["bodies"] = [
                {"role": "main", "contentType": "text/html", "value": markup},
                *others,
            ]
        notes.append(f"{field} from {selector}")
    return replace(
        extracted, item=item, steps=(*extracted.steps, step("override", "; ".join(notes)))
    )


def _zoned(text: str) -> str | None:
    """An RFC 3339 time with a zone from a page's text, or None."""
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    return moment.isoformat().replace("+00:00", "Z")


def _describe(failure: Failure) -> tuple[str, str, bool]:
    """``(rule, message, skipped)`` for a request's failure."""
    error = failure.value
    if isinstance(error, HttpError):
        status = error.response.status
        return f"http.{status}", f"{status} {http.client.responses.get(status, '')}".strip(), False
    if isinstance(error, OffsiteRefused):
        return "fetch.offsite", str(error), False
    if isinstance(error, IgnoreRequest):
        text = str(error)
        if "robots.txt" in text:
            return "fetch.robots", text, True
        return "fetch.ignored", text, False
    text = str(error)
    if "max size" in text or "maxsize" in text.lower():
        return "fetch.too-large", text, False
    if isinstance(error, TwistedTimeout | asyncio.TimeoutError | TimeoutError):
        return "fetch.timeout", text or type(error).__name__, False
    return "fetch.error", f"{type(error).__name__}: {text}"[:500], False


def _leave_signals_to_parent(parent: int | None = None) -> None:
    """In an extraction worker: a Ctrl-C reaches the whole process group, and the crawl
    itself decides what an interruption means; a worker printing a KeyboardInterrupt
    traceback would only bury the crawl's one line. The reader is loaded here, while the
    crawl fetches robots.txt and its sitemaps, rather than on the first page."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # The crawl's own SIGTERM handler came along with the fork; a worker just ends.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _die_with_parent(parent)
    readers()


def _die_with_parent(parent: int | None) -> None:
    """Linux: a worker gets SIGTERM when the crawler dies, even by SIGKILL. Else an
    orphaned worker would wait on its task queue for ever, holding the crawl's stdout and
    stderr open (a cron job's pipe, a test's `subprocess.run`)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGTERM))
    except (OSError, AttributeError):  # no prctl: the worker still ends at the crawl's end
        return
    if parent is not None and os.getppid() != parent:  # it died before prctl took effect
        os._exit(1)


_PR_SET_PDEATHSIG = 1


def _ready() -> bool:
    """A worker's first task: proves it started (and loaded the reader)."""
    return True


def extract_in_worker(
    body: bytes, url: str, retrieved_at: datetime, charset: str | None = None
) -> Extracted:
    """`extract` for a worker process: the page's bytes are not sent back (the crawler
    has them: `ArticleSpider.parse_article` puts them back), only what was read."""
    return replace(extract(body, url, retrieved_at, charset), raw=None)


def worker_count(value: Any, cpus: int | None = None) -> int:
    """WIREARCHIVE_WORKERS as a number: ``auto`` is one per CPU but the crawler's own."""
    if isinstance(value, str) and value.strip().lower() == "auto":
        if cpus is None:  # the CPUs this process may run on, not all the machine's
            cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
        return max(0, (cpus or os.cpu_count() or 1) - 1)
    try:
        return max(0, int(value))
    except (TypeError, ValueError):
        raise UsageError(
            f"WIREARCHIVE_WORKERS={value!r}: give a number of worker processes or auto"
        ) from None


class ArticleSpider(scrapy.Spider):
    """Base of the crawl spiders: loads the source; `kinds` says which of its lists to use."""

    name = ""  # not a spider of its own: `scrapy list` shows the subclasses
    kinds: ClassVar[tuple[str, ...]] = ("feeds", "sitemaps", "start_urls")

    source: Source
    store: Store | None
    allowed_domains: list[str]
    revisit: bool
    #: The shared frontier of a distributed crawl (WIREARCHIVE_REDIS_URL), else None.
    frontier: Frontier | None
    _executor: Executor | None

    def __init__(self, source: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.source_name = source
        self.store = None
        self.revisit = True
        self.frontier = None
        self._executor = None

    @classmethod
    def update_settings(cls, settings: Any) -> None:
        """Scrapy's download size limits follow WIREARCHIVE_MAX_BYTES, however it was given.

        (-s, the settings module, `wirearchive crawl`; an explicit ``-s DOWNLOAD_MAXSIZE``
        still wins.) Settings, not the spider attributes Scrapy 2.13 deprecated.
        """
        super().update_settings(settings)
        limit = settings.getint("WIREARCHIVE_MAX_BYTES")
        settings.set("DOWNLOAD_MAXSIZE", limit, priority="spider")
        settings.set("DOWNLOAD_WARNSIZE", limit // 2, priority="spider")
        if settings.get("WIREARCHIVE_REDIS_URL"):
            configure(settings)  # scrapy-redis's scheduler and dupefilter, JSON requests

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> ArticleSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        name = spider.source_name or settings.get("WIREARCHIVE_SOURCE")
        if not name:
            raise UsageError("no source: give -a source=NAME (or set WIREARCHIVE_SOURCE)")
        spider.source = find_source(settings.get("WIREARCHIVE_SOURCES", "sources"), name)
        spider.allowed_domains = list(spider.source.allowed_domains)
        spider.store = archive_store(crawler)
        spider.revisit = settings.getbool("WIREARCHIVE_REVISIT", True)
        if settings.get("WIREARCHIVE_REDIS_URL"):
            spider.frontier = Frontier.from_crawler(crawler, spider.source.name)
        workers = worker_count(settings.get("WIREARCHIVE_WORKERS", 0))
        if workers > 0:
            spider._executor = ProcessPoolExecutor(
                workers, initializer=_leave_signals_to_parent, initargs=(os.getpid(),)
            )
            for _ in range(workers):  # start them now: they load while robots.txt is fetched
                spider._executor.submit(_ready)
        crawler.signals.connect(spider._closed, signal=scrapy.signals.spider_closed)
        return spider

    def _closed(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)

    @staticmethod
    def now() -> datetime:
        return datetime.now(UTC)

    # -- requests ---------------------------------------------------------------------------

    def _due(self, url: str, now: datetime) -> bool:
        """Whether to fetch `url`: never archived, or due again by the revisit policy."""
        if self.store is None:
            return True
        state = self.store.url_state(url)
        if state is None:
            return True
        first = parse_when(state["firstSeen"]) or now
        last = parse_when(state["lastFetched"]) or now
        every = self.source.revisit_interval(now - first)
        return every is not None and now - last >= every

    def article_request(self, url: str, via: str | None) -> scrapy.Request | None:
        if not self._due(url, self.now()):
            if self.crawler.stats is not None:
                self.crawler.stats.inc_value("wirearchive/not-due")
            return None
        return scrapy.Request(
            url,
            callback=self.parse_article,
            errback=self.failed,
            meta={
                "wirearchive_article": True,
                "wirearchive_via": via,
                "handle_httpstatus_list": [304],
            },
        )

    def listing_request(self, url: str, kind: str, via: str | None = None) -> scrapy.Request:
        """A request for a feed or a sitemap (`kind`), fetched every run, never conditionally."""
        callback = self.parse_feed if kind == "feed" else self.parse_sitemap
        meta = {"wirearchive_listing": kind, "wirearchive_via": via}
        return scrapy.Request(
            url, callback=callback, errback=self.failed, dont_filter=via is None, meta=meta
        )

    async def start(self) -> AsyncIterator[Any]:
        frontier = self.frontier
        if frontier is not None and not frontier.tick.leader:
            return  # the tick's leader pushed the start list: this worker only consumes
        try:
            for request in self.start_requests_list():
                if frontier is not None:
                    frontier.pushed()
                yield request
        except Exception:
            if frontier is not None:  # another worker's push would fail alike: done
                frontier.start_pushed()
            raise
        # Pushed, all of it (each yielded request went to the scheduler before this runs).
        # Stopped before this (killed, SIGTERM, CLOSESPIDER_*), another worker pushes the rest.
        if frontier is not None:
            frontier.start_pushed()

    def start_requests_list(self) -> Iterator[scrapy.Request]:
        source = self.source
        if self.revisit and self.store is not None:
            now = self.now()
            for url in self.store.due(now, source.revisit_interval):
                if source.allows(url):
                    request = self.article_request(url, None)
                    if request is not None:
                        request.meta["wirearchive_revisit"] = True
                        yield request
        if "feeds" in self.kinds:
            for url in source.feeds:
                yield self.listing_request(url, "feed")
        if "sitemaps" in self.kinds:
            for url in source.sitemaps:
                yield self.listing_request(url, "sitemap")
        if "start_urls" in self.kinds:
            for url in source.start_urls:
                request = self.article_request(url, None)
                if request is not None:
                    yield request

    # -- callbacks --------------------------------------------------------------------------

    def parse_feed(self, response: Response) -> Iterator[Any]:
        links = feed_links(response.body, response.url)
        if isinstance(links, Problem):
            yield self.unreadable(response, "feed", links)
            return
        for link in links:
            request = self.article_request(link, response.url)
            if request is not None:
                yield request

    def parse_sitemap(self, response: Response) -> Iterator[Any]:
        entries = read_sitemap(response.body)
        if isinstance(entries, Problem):
            yield self.unreadable(response, "sitemap", entries)
            return
        max_age = self.source.sitemap_max_age
        now = self.now()
        for entry in entries:
            if max_age is not None and entry.when is not None and now - entry.when > max_age:
                continue
            if entry.is_sitemap:
                if self.source.allows(entry.url):
                    yield self.listing_request(entry.url, "sitemap", via=response.url)
                continue
            request = self.article_request(entry.url, response.url)
            if request is not None:
                yield request

    def unreadable(self, response: Response, kind: str, problem: Problem) -> FetchFailed:
        """A feed or sitemap that gave no links: a failed URL with the reader's rule.

        Recorded like a page that failed (the manifest, the exit status 1), so that a
        broken feed is never mistaken for a quiet one; the other feeds are still crawled.
        """
        via = response.meta.get("wirearchive_via")
        return FetchFailed(response.url, problem.rule, f"the {kind} cannot be read: "
                           f"{problem.message}", via)  # fmt: skip

    async def parse_article(self, response: Response) -> AsyncIterator[Any]:
        retrieved = self.now()
        redirects = response.meta.get("redirect_urls") or []
        derived: dict[str, Any] = {"spider": self.name}
        via = response.meta.get("wirearchive_via")
        if via:
            derived["via"] = via
        steps: list[dict[str, str]] = []
        if response.meta.get("wirearchive_revisit"):
            steps.append(step("revisit", "due by the source's revisit policy"))
        if redirects:
            steps.append(step("redirect", f"{' -> '.join(redirects)} -> {response.url}"))
        media_type = (response.headers.get(b"Content-Type") or b"text/html").decode("latin-1")
        capture = Capture(
            response.body, response.url, media_type, retrieved, http=http_exchange(response)
        )
        if response.status == 304:
            state = response.meta.get("wirearchive_state")
            if state is not None:
                yield NotModifiedPage(response.url, state["id"], capture, derived)
            else:
                yield FetchFailed(
                    response.url, "http.304", "304 without a conditional request", via
                )
            return
        charset = http_charset(media_type)
        if self._executor is not None:
            loop = asyncio.get_running_loop()
            try:
                extracted = await loop.run_in_executor(
                    self._executor, extract_in_worker, response.body, response.url, retrieved,
                    charset,
                )  # fmt: skip
            except BrokenProcessPool as exc:  # a worker died (killed, out of memory)
                self.logger.error(f"extraction workers lost ({exc}): extracting in-process")
                self._executor = None
                extracted = extract(response.body, response.url, retrieved, charset)
            else:
                extracted = replace(extracted, raw=response.body)
        else:
            extracted = extract(response.body, response.url, retrieved, charset)
        extracted = apply_overrides(extracted, response, self.source.fields)
        yield CrawledPage(response.url, capture, extracted, derived, tuple(steps))

    def failed(self, failure: Failure) -> Iterator[FetchFailed | Settled]:
        request = getattr(failure, "request", None)
        url = request.url if request is not None else "?"
        via = request.meta.get("wirearchive_via") if request is not None else None
        rule, message, skipped = _describe(failure)
        kind = request.meta.get("wirearchive_listing") if request is not None else None
        if kind is not None:
            message = f"{message}: the {kind} gave no links"
        yield FetchFailed(url, rule, message, via, skipped)
        token = request.meta.get(LEASE_META) if request is not None else None
        if token is not None:  # a download's failure skips the spider middlewares
            yield Settled(str(token), in_manifest=True)


class SourceSpider(ArticleSpider):
    """`source`: every feed, sitemap and start URL of the source (what `wirearchive crawl` runs)."""

    name = "source"
