"""Distributed crawling: several `wirearchive crawl --redis URL` workers share one frontier.

With ``WIREARCHIVE_REDIS_URL`` set (``--redis URL``), Scrapy's scheduler and dupefilter are
scrapy-redis's: the request queue (a sorted set by priority) and the fingerprints of the
requests seen live in Redis under ``wirearchive:<source>:``, so each request is fetched by
exactly one worker; every worker archives what it fetched through the same pipeline and
intake as a plain crawl, each with its own run manifest.

A *tick* is one scheduled run of the source, shared by all the workers started for it. The
first worker takes the tick's lease (``SET wirearchive:<source>:tick ID NX EX ttl``), clears
the last tick's fingerprints (so that a URL due again, or failed last time, can be fetched
again) and pushes the start list: the due list (revisits, sent as conditional GETs), the
feeds, the sitemaps and the start URLs. A worker that finds the lease taken only consumes.
Every live worker renews the lease, so a worker started while a run is still going joins it
instead of pushing the due list a second time; the lease lapses ``ttl`` seconds after the
last worker stopped, and the next worker begins a new tick.

scrapy-redis's spiders wait for work for ever; here a worker stops once the shared queue is
empty and it has had nothing to do for ``WIREARCHIVE_REDIS_IDLE_SECONDS``, so cron-style runs
end. Each worker takes requests from the queue only as fast as its downloader has room:
``CONCURRENT_REQUESTS`` is lowered to ``CONCURRENT_REQUESTS_PER_DOMAIN`` (Scrapy's engine pops
until the downloader holds ``CONCURRENT_REQUESTS`` requests, however many of them wait for the
one site's slot), so one worker never hoards the queue of a one-site source. (scrapy-redis's
``REDIS_START_URLS_BATCH_SIZE`` applies to its RedisSpider's list of bare start URLs, which
is not used: the start list goes into the queue as whole requests, callbacks and meta
included.)
"""

from __future__ import annotations

import time
import uuid
import warnings
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from scrapy.exceptions import DontCloseSpider, ScrapyDeprecationWarning, UsageError
from scrapy.settings import SETTINGS_PRIORITIES

from .pipelines import FRONTIER_STAT

__all__ = [
    "REDIS_SCHEMES",
    "Frontier",
    "Tick",
    "check_url",
    "configure",
    "frontier_prefix",
    "join_tick",
    "redacted",
    "renew_tick",
]

#: The URL schemes redis-py connects with.
REDIS_SCHEMES = ("redis", "rediss", "unix")

#: How often an idle worker looks at the shared queue, in seconds (Scrapy's own engine
#: looks every 5 seconds when it has nothing in flight).
_POLL_SECONDS = 0.5

_RENEW = """
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('expire', KEYS[1], ARGV[2])
end
return 0
"""


def frontier_prefix(source: str) -> str:
    """The Redis key prefix of a source's shared frontier."""
    return f"wirearchive:{source}"


def redacted(url: str) -> str:
    """A Redis URL with its password replaced, for logs and run manifests."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username or ''}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def check_url(url: str, where: str) -> str:
    """`url` if redis-py can connect with it, else `UsageError` naming `where` it came from."""
    scheme = urlsplit(url).scheme.lower()
    if scheme not in REDIS_SCHEMES:
        raise UsageError(
            f"{where}={redacted(url)!r}: not a Redis URL (give redis://HOST:PORT/DB, "
            "rediss://... or unix:///path/to.sock)"
        )
    return url


def configure(settings: Any) -> None:
    """Turn a crawl's settings into a distributed worker's (WIREARCHIVE_REDIS_URL is set).

    The scheduler, dupefilter, keys, JSON serializer and persistence are forced: a worker
    with ``SCHEDULER_PERSIST=False`` would delete the shared queue when it stops.
    """
    url = check_url(str(settings.get("WIREARCHIVE_REDIS_URL")), "WIREARCHIVE_REDIS_URL")
    source = settings.get("WIREARCHIVE_SOURCE")
    if not source:
        raise UsageError(
            "WIREARCHIVE_REDIS_URL needs the source in the settings: give "
            "-s WIREARCHIVE_SOURCE=NAME (wirearchive crawl NAME sets it)"
        )
    prefix = frontier_prefix(str(source))
    forced = {
        "SCHEDULER": "scrapy_redis.scheduler.Scheduler",
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "SCHEDULER_PERSIST": True,
        "SCHEDULER_FLUSH_ON_START": False,
        # Blocking pops would stall the reactor; the worker polls instead (see Frontier).
        "SCHEDULER_IDLE_BEFORE_CLOSE": 0,
        "SCHEDULER_QUEUE_CLASS": "scrapy_redis.queue.PriorityQueue",
        "SCHEDULER_QUEUE_KEY": f"{prefix}:requests",
        "SCHEDULER_DUPEFILTER_KEY": f"{prefix}:dupefilter",
        "SCHEDULER_SERIALIZER": "wirearchive.crawler.requestjson",
        "REDIS_URL": url,
    }
    for name, value in forced.items():
        settings.set(name, value, priority="cmdline")
    # scrapy-redis 0.9 still passes `spider=` to the stats and calls Spider.log: noise on
    # every request in a quiet crawl's stderr, and nothing an operator can act on.
    warnings.filterwarnings("ignore", category=ScrapyDeprecationWarning, module="scrapy_redis")
    # An explicit -s CONCURRENT_REQUESTS=N is the operator's choice and stays.
    if (settings.getpriority("CONCURRENT_REQUESTS") or 0) < SETTINGS_PRIORITIES["cmdline"]:
        per_domain = settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN", 4)
        total = settings.getint("CONCURRENT_REQUESTS", 16)
        settings.set("CONCURRENT_REQUESTS", min(total, per_domain), priority="cmdline")


@dataclass(frozen=True, slots=True)
class Tick:
    """One scheduled run shared by its workers: its id, and whether this worker leads it."""

    id: str
    leader: bool


def join_tick(server: Any, key: str, ttl: int) -> Tick:
    """Lead a new tick (the lease was free) or join the one whose lease is held."""
    mine = f"{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}-{uuid.uuid4().hex[:8]}"
    while True:
        if server.set(key, mine, nx=True, ex=ttl):
            return Tick(mine, leader=True)
        found = server.get(key)
        if found is not None:  # else it lapsed between the two calls: try again
            text = found.decode() if isinstance(found, bytes) else str(found)
            return Tick(text, leader=False)


def renew_tick(server: Any, key: str, tick: str, ttl: int) -> bool:
    """Extend the lease of `tick` by `ttl` seconds; False if it lapsed or another tick began."""
    return bool(server.eval(_RENEW, 1, key, tick, ttl))


class Frontier:
    """A worker's side of the shared frontier: its tick, the lease's renewal, idling, stats."""

    def __init__(
        self,
        server: Any,
        source: str,
        *,
        url: str,
        ttl: int = 60,
        idle_seconds: float = 10.0,
    ) -> None:
        if ttl < 1:
            raise UsageError(f"WIREARCHIVE_REDIS_TICK_SECONDS={ttl}: give 1 or more seconds")
        if idle_seconds < 0:
            raise UsageError(f"WIREARCHIVE_REDIS_IDLE_SECONDS={idle_seconds}: give 0 or more")
        self.server = server
        self.prefix = frontier_prefix(source)
        self.ttl = ttl
        self.idle_seconds = idle_seconds
        self.tick = Tick("", leader=False)
        #: What the run manifest records of the frontier (``pushed`` counts on).
        self.facts: dict[str, Any] = {"redis": redacted(url), "key": self.prefix}
        self._idle_since: float | None = None
        self._renewed = 0.0
        self._crawler: Any = None
        self._loop: Any = None

    @property
    def tick_key(self) -> str:
        return f"{self.prefix}:tick"

    @classmethod
    def from_crawler(cls, crawler: Any, source: str) -> Frontier:
        """The worker's frontier, its tick joined (or led), hooked to the crawler's signals."""
        from scrapy_redis.connection import get_redis_from_settings

        settings = crawler.settings
        frontier = cls(
            get_redis_from_settings(settings),
            source,
            url=str(settings.get("REDIS_URL")),
            ttl=settings.getint("WIREARCHIVE_REDIS_TICK_SECONDS", 60),
            idle_seconds=settings.getfloat("WIREARCHIVE_REDIS_IDLE_SECONDS", 10.0),
        )
        frontier.open()
        frontier.attach(crawler)
        return frontier

    def open(self) -> Tick:
        """Join or lead the current tick; a new tick starts with no fingerprints."""
        self.tick = join_tick(self.server, self.tick_key, self.ttl)
        self._renewed = time.monotonic()
        if self.tick.leader:
            self.server.delete(f"{self.prefix}:dupefilter")
        self.facts.update(tick=self.tick.id, leader=self.tick.leader, pushed=0)
        return self.tick

    def pushed(self) -> None:
        """Count one start request this (leading) worker pushed."""
        self.facts["pushed"] += 1

    def attach(self, crawler: Any) -> None:
        from scrapy import signals

        self._crawler = crawler
        crawler.signals.connect(self._idle, signal=signals.spider_idle)
        crawler.signals.connect(self._busy, signal=signals.request_reached_downloader)
        crawler.signals.connect(self._opened, signal=signals.spider_opened)
        crawler.signals.connect(self.close, signal=signals.spider_closed)

    def _opened(self) -> None:
        from twisted.internet.task import LoopingCall

        if self._crawler.stats is not None:  # set once the crawl starts
            self._crawler.stats.set_value(FRONTIER_STAT, self.facts)

        self._loop = LoopingCall(self._beat)
        self._loop.start(_POLL_SECONDS, now=False)

    def _busy(self) -> None:
        self._idle_since = None

    def _idle(self) -> None:
        """Keep an idle worker up until the shared queue has been empty for a while."""
        now = time.monotonic()
        if self._idle_since is None:
            self._idle_since = now
        if now - self._idle_since < self.idle_seconds:
            raise DontCloseSpider

    def _beat(self) -> None:
        """Renew the tick's lease now and then, and look at the shared queue."""
        now = time.monotonic()
        if now - self._renewed >= self.ttl / 3:
            self._renewed = now
            if not renew_tick(self.server, self.tick_key, self.tick.id, self.ttl):
                spider = getattr(self._crawler, "spider", None)
                if spider is not None:
                    spider.logger.warning(
                        f"the lease of tick {self.tick.id} lapsed ({self.tick_key}): "
                        "a new tick may push the start list again"
                    )
        # Scrapy's engine looks at its scheduler on each download done and every 5 s
        # besides; an idle worker would notice new work in the shared queue that late.
        engine = getattr(self._crawler, "engine", None)
        nextcall = getattr(getattr(engine, "_slot", None), "nextcall", None)
        if nextcall is not None:
            nextcall.schedule()

    def close(self) -> None:
        if self._loop is not None and self._loop.running:
            self._loop.stop()
        self._loop = None
