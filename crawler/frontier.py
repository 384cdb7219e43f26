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

A request taken from the shared queue is *leased*, not gone: `LeasedQueue` moves it, in one
Lua script, into the worker's own hash ``wirearchive:<source>:leased:<worker>``, and the
worker settles it (deletes it there) only once what came of it is durable: the page's
version or sighting committed, the failed fetch in the written run manifest (the only
record of it), the feed's links pushed, the redirect queued. Each worker keeps a key
``wirearchive:<source>:alive:<worker>`` that expires ``WIREARCHIVE_REDIS_LEASE_SECONDS``
after its last beat, renewed from a thread of its own so that a worker busy in a long
commit still counts as alive. A worker killed outright (SIGKILL,
a lost host) stops beating; the first live worker to notice moves its leased requests back
into the queue (again one script, which checks the key is gone), so another worker fetches
them. A page that was archived just before its worker died is fetched once more: a
conditional GET, and an "unchanged" sighting, never a second version. A worker that stops
on its own puts back what it leased and did not finish (a SIGTERM's in-flight requests).

The start list has a pusher too: ``wirearchive:<source>:start`` names the tick and the
worker pushing it, and says ``done`` once it is all in the queue. Until then no worker
stops for idleness, and if the pusher dies first (a leader SIGKILLed, or one stopped
early), the first live worker to notice its alive key gone takes over and pushes the whole
list again: what was pushed already is dropped by the dupefilter (feeds and sitemaps,
fetched every run, are fetched once more). The run manifest says ``took_over``.

A request is reclaimed from dead workers at most ``WIREARCHIVE_REDIS_LEASE_TRIES`` times a
tick (each death counted in ``wirearchive:<source>:deaths`` by the request's SHA-1): a page
that crashes whoever reads it would otherwise take every worker down in turn, for ever. A
death counts only against a page being read: once read, a lease is marked parsed (``+``
before its entry), and a dead worker's parsed pages go back to the queue free. The
worker that finds the last death gives the request up: a ``fetch.abandoned`` failure in its
run manifest, naming the URL, the deaths and the last worker, the lease moved to its own
hash until that is recorded (so a giver-up that dies too passes it on).
"""

from __future__ import annotations

import itertools
import os
import socket
import threading
import time
import uuid
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from scrapy.exceptions import DontCloseSpider, ScrapyDeprecationWarning, UsageError
from scrapy.settings import SETTINGS_PRIORITIES
from scrapy_redis.queue import PriorityQueue

from . import requestjson
from .pipelines import FRONTIER_STAT, LEASE_META, FetchFailed, Settled

__all__ = [
    "LEASE_META",
    "REDIS_SCHEMES",
    "Frontier",
    "LeaseMiddleware",
    "LeasedQueue",
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


_LEASE_MIDDLEWARE = "wirearchive.crawler.frontier.LeaseMiddleware"

#: Take the best request and lease it to a worker: KEYS queue, leased hash; ARGV token.
_TAKE = """
local got = redis.call('zrange', KEYS[1], 0, 0, 'WITHSCORES')
if #got == 0 then return false end
redis.call('zremrangebyrank', KEYS[1], 0, 0)
redis.call('hset', KEYS[2], ARGV[1], got[2] .. '\t' .. got[1])
return got[1]
"""

#: Put a worker's leased requests back in the queue: KEYS queue, leased hash, alive key,
#: workers set, deaths hash, the caller's leased hash; ARGV worker id, "dead" to do it only
#: if the alive key is gone (else "own"), the tries a request gets. A dead worker's request
#: counts one death (by its SHA-1) unless it was parsed already (``+`` before its entry,
#: see `_PARSED`: the worker died committing it, not reading it); one whose workers died
#: `tries` times is not queued again but moved to the caller's lease, to be recorded as a
#: failure and settled there (and if that worker dies too, the next one's). Returns the
#: number queued again, then token and data of each request given up.
_RETURN = """
if ARGV[2] == 'dead' and redis.call('exists', KEYS[3]) == 1 then return {-1} end
local leased = redis.call('hgetall', KEYS[2])
local tries = tonumber(ARGV[3])
local found = {0}
for i = 1, #leased, 2 do
  local token, entry = leased[i], leased[i + 1]
  local parsed = string.sub(entry, 1, 1) == '+'
  if parsed then entry = string.sub(entry, 2) end
  local tab = string.find(entry, '\t', 1, true)
  local data = string.sub(entry, tab + 1)
  local deaths = 0
  if ARGV[2] == 'dead' then
    if string.sub(token, 1, 10) == 'abandoned:' then
      deaths = tries  -- given up already; its recorder died: given up again, as it was
    elseif not parsed then  -- a parsed page's worker died committing it: not its fault
      deaths = redis.call('hincrby', KEYS[5], redis.sha1hex(data), 1)
    end
  end
  if deaths >= tries then
    if string.sub(token, 1, 10) ~= 'abandoned:' then
      token = 'abandoned:' .. deaths .. ':' .. ARGV[1] .. ':' .. token
    end
    redis.call('hset', KEYS[6], token, entry)
    table.insert(found, token)
    table.insert(found, data)
  else
    redis.call('zadd', KEYS[1], string.sub(entry, 1, tab - 1), data)
    found[1] = found[1] + 1
  end
end
redis.call('del', KEYS[2])
redis.call('srem', KEYS[4], ARGV[1])
return found
"""

#: Become the pusher of a tick's start list whose pusher died: KEYS the start key; ARGV
#: the tick, this worker, the alive keys' prefix. The dead pusher's name, else false.
#: (The alive key's name is built here from the value read, so not declared in KEYS: the
#: frontier lives on one Redis, not a cluster.)
_TAKE_OVER = """
local found = redis.call('get', KEYS[1])
if not found then return false end
local tab = string.find(found, '\t', 1, true)
if not tab or string.sub(found, 1, tab - 1) ~= ARGV[1] then return false end
local pusher = string.sub(found, tab + 1)
if pusher == 'done' or pusher == ARGV[2] then return false end
if redis.call('exists', ARGV[3] .. pusher) == 1 then return false end
redis.call('set', KEYS[1], ARGV[1] .. '\t' .. ARGV[2])
return pusher
"""

#: Mark a tick's start list pushed, if this worker is still its pusher: KEYS the start
#: key; ARGV what it holds while this worker pushes, and what it holds once done.
_PUSHED = """
if redis.call('get', KEYS[1]) == ARGV[1] then
  redis.call('set', KEYS[1], ARGV[2])
  return 1
end
return 0
"""

#: Mark leased requests parsed (their page read, what came of it on its way to the archive):
#: KEYS the leased hash; ARGV the tokens.
_PARSED = """
for _, token in ipairs(ARGV) do
  local entry = redis.call('hget', KEYS[1], token)
  if entry and string.sub(entry, 1, 1) ~= '+' then
    redis.call('hset', KEYS[1], token, '+' .. entry)
  end
end
return 0
"""

#: Lead a new tick, naming this worker its start list's pusher in the same step, or say
#: which tick is held: KEYS tick key, and the start key if any; ARGV the new tick's id,
#: ttl, worker.
_JOIN = """
if redis.call('set', KEYS[1], ARGV[1], 'NX', 'EX', ARGV[2]) then
  if KEYS[2] then redis.call('set', KEYS[2], ARGV[1] .. '\t' .. ARGV[3]) end
  return {1, ARGV[1]}
end
local held = redis.call('get', KEYS[1])
if held then return {0, held} end
return false
"""

_RENEW = """
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('expire', KEYS[1], ARGV[2])
end
return 0
"""


def _text(reply: Any) -> str:
    """A Redis reply (bytes, or str with ``decode_responses``) as text."""
    return reply.decode() if isinstance(reply, bytes) else str(reply)


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
        "SCHEDULER_QUEUE_CLASS": "wirearchive.crawler.frontier.LeasedQueue",
        "SCHEDULER_QUEUE_KEY": f"{prefix}:requests",
        "SCHEDULER_DUPEFILTER_KEY": f"{prefix}:dupefilter",
        "SCHEDULER_SERIALIZER": "wirearchive.crawler.requestjson",
        "REDIS_URL": url,
    }
    for name, value in forced.items():
        settings.set(name, value, priority="cmdline")
    middlewares = {**settings.getdict("SPIDER_MIDDLEWARES"), _LEASE_MIDDLEWARE: 1}
    settings.set("SPIDER_MIDDLEWARES", middlewares, priority="cmdline")
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


def join_tick(server: Any, key: str, ttl: int, *, start_key: str = "", worker: str = "") -> Tick:
    """Lead a new tick (the lease was free) or join the one whose lease is held.

    With `start_key`, the leader is named the start list's pusher in the same step: a
    leader killed right after taking the lease is then one whose pusher died.
    """
    mine = f"{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}-{uuid.uuid4().hex[:8]}"
    keys = (key, start_key) if start_key else (key,)
    while True:
        found = server.eval(_JOIN, len(keys), *keys, mine, ttl, worker)
        if found is not None:  # else it lapsed between the two steps: try again
            led, held = found
            return Tick(_text(held), leader=bool(led))


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
        lease_seconds: int = 30,
        tries: int = 3,
    ) -> None:
        if ttl < 1:
            raise UsageError(f"WIREARCHIVE_REDIS_TICK_SECONDS={ttl}: give 1 or more seconds")
        if lease_seconds < 1:
            raise UsageError(
                f"WIREARCHIVE_REDIS_LEASE_SECONDS={lease_seconds}: give 1 or more seconds"
            )
        if tries < 1:
            raise UsageError(f"WIREARCHIVE_REDIS_LEASE_TRIES={tries}: give 1 or more tries")
        if idle_seconds < 0:
            raise UsageError(f"WIREARCHIVE_REDIS_IDLE_SECONDS={idle_seconds}: give 0 or more")
        self.server = server
        self.prefix = frontier_prefix(source)
        self.ttl = ttl
        self.idle_seconds = idle_seconds
        self.lease_seconds = lease_seconds
        #: How many workers may die holding one request before it is given up.
        self.tries = tries
        #: Requests given up, and what records them (see `record_abandoned`).
        self._given_up: list[tuple[FetchFailed, str]] = []
        self._record: Callable[[FetchFailed, str], None] | None = None
        #: This worker's name in the frontier: host, pid and a random part.
        self.worker = f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        self._tokens = itertools.count(1)
        self._reclaimed_at = 0.0
        self._stopping = threading.Event()
        self._heart: threading.Thread | None = None
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

    @property
    def queue_key(self) -> str:
        return f"{self.prefix}:requests"

    def leased_key(self, worker: str | None = None) -> str:
        return f"{self.prefix}:leased:{worker or self.worker}"

    def alive_key(self, worker: str | None = None) -> str:
        return f"{self.prefix}:alive:{worker or self.worker}"

    @property
    def workers_key(self) -> str:
        return f"{self.prefix}:workers"

    @property
    def start_key(self) -> str:
        """Who pushes the tick's start list: ``TICK<tab>WORKER``, ``TICK<tab>done`` once done."""
        return f"{self.prefix}:start"

    @property
    def deaths_key(self) -> str:
        return f"{self.prefix}:deaths"

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
            lease_seconds=settings.getint("WIREARCHIVE_REDIS_LEASE_SECONDS", 30),
            tries=settings.getint("WIREARCHIVE_REDIS_LEASE_TRIES", 3),
        )
        frontier.open()
        frontier.attach(crawler)
        return frontier

    def open(self) -> Tick:
        """Join or lead the current tick; a new tick starts with no fingerprints."""
        self._stay_alive()  # alive before it may lead: a live pusher is never taken over
        self.tick = join_tick(
            self.server, self.tick_key, self.ttl, start_key=self.start_key, worker=self.worker
        )
        self._renewed = time.monotonic()
        if self.tick.leader:
            self.server.delete(f"{self.prefix}:dupefilter", self.deaths_key)
        self.facts.update(
            tick=self.tick.id, leader=self.tick.leader, pushed=0, worker=self.worker,
            reclaimed=0, returned=0, abandoned=0,
        )  # fmt: skip
        self._heart = threading.Thread(target=self._beat_heart, name="frontier-alive", daemon=True)
        self._heart.start()
        self.reclaim()
        return self.tick

    # -- leases ----------------------------------------------------------------------------

    def take(self) -> tuple[bytes, str] | None:
        """The best queued request, leased to this worker: its data and its token."""
        token = str(next(self._tokens))
        data = self.server.eval(_TAKE, 2, self.queue_key, self.leased_key(), token)
        return None if data is None else (data, token)

    def hand_back(self, data: bytes, score: float, token: str | None) -> None:
        """Queue a request; with the token of the leased one it came from (a redirect, a
        retry), settle that lease in the same transaction: the work moved to the queue."""
        pipe = self.server.pipeline(transaction=True)
        pipe.execute_command("ZADD", self.queue_key, score, data)
        if token is not None:
            pipe.hdel(self.leased_key(), token)
        pipe.execute()

    def parsed(self, tokens: list[str]) -> None:
        """These leased requests' pages were read: if this worker dies now, they go back to
        the queue without counting a death against them (see `_RETURN`)."""
        if tokens:
            self.server.eval(_PARSED, 1, self.leased_key(), *tokens)

    def settle(self, tokens: list[str]) -> None:
        """What came of these leased requests is durable: they leave the lease."""
        if tokens:
            self.server.hdel(self.leased_key(), *tokens)

    def reclaim(self) -> int:
        """Put the requests leased to dead workers back in the queue; how many.

        A request whose workers all died, `tries` times over (a page that crashes whoever
        reads it), is given up instead: a failure (``fetch.abandoned``) for this worker's
        run to record, its lease now this worker's until that record is durable
        (`record_abandoned`).
        """
        found = 0
        for name in self.server.smembers(self.workers_key):
            worker = _text(name)
            if worker != self.worker:
                found += self._return(worker, dead=True)
        if found:
            self.facts["reclaimed"] += found
            spider = getattr(self._crawler, "spider", None)
            if spider is not None:
                spider.logger.warning(
                    f"{found} request{'s' if found != 1 else ''} leased to stopped workers "
                    f"put back in {self.queue_key}"
                )
        return found

    def _return(self, worker: str, *, dead: bool) -> int:
        keys = (
            self.queue_key, self.leased_key(worker), self.alive_key(worker), self.workers_key,
            self.deaths_key, self.leased_key(),
        )  # fmt: skip
        mode = "dead" if dead else "own"
        found = self.server.eval(_RETURN, len(keys), *keys, worker, mode, self.tries)
        given_up = found[1:]
        for at in range(0, len(given_up), 2):
            self._abandon(_text(given_up[at]), given_up[at + 1])
        return max(0, int(found[0]))

    def _abandon(self, token: str, data: bytes) -> None:
        """Give up a request that outlived `tries` workers: a failure naming the rule."""
        _, count, worker, _ = token.split(":", 3)  # abandoned:DEATHS:LAST-WORKER:TOKEN
        deaths = int(count)
        try:
            request = requestjson.loads(data)
            url, via = str(request.get("url")), (request.get("meta") or {}).get("wirearchive_via")
        except ValueError as exc:  # not a request this program queued: still named
            url, via = f"{self.queue_key}: {exc}", None
        failed = FetchFailed(
            url,
            "fetch.abandoned",
            f"{deaths} worker{'s' if deaths != 1 else ''} taking it stopped before finishing "
            f"it (the last: {worker}); not queued again "
            f"(WIREARCHIVE_REDIS_LEASE_TRIES={self.tries})",
            str(via) if via else None,
        )
        self.facts["abandoned"] = self.facts.get("abandoned", 0) + 1
        spider = getattr(self._crawler, "spider", None)
        if spider is not None:
            spider.logger.error(f"gave up {url}: {failed.message}")
        self._given_up.append((failed, token))
        self._hand_over()

    def record_abandoned(self, record: Callable[[FetchFailed, str], None]) -> None:
        """Have `record` (the pipeline's) record each request given up, with its lease's
        token to settle once durable; those given up before it was set go to it now."""
        self._record = record
        self._hand_over()

    def _hand_over(self) -> None:
        while self._record is not None and self._given_up:
            self._record(*self._given_up.pop(0))

    def _beat_heart(self) -> None:
        """Keep this worker's alive key, from a thread: a reactor busy for a while (a long
        commit) is not a dead worker, and only a process that is gone stops this."""
        while not self._stopping.wait(self.lease_seconds / 3):
            try:
                self._stay_alive()
            except Exception as exc:  # noqa: BLE001 - a lost beat is retried; say why
                spider = getattr(self._crawler, "spider", None)
                if spider is not None:
                    spider.logger.warning(f"cannot renew {self.alive_key()}: {exc}")

    def _stay_alive(self) -> None:
        pipe = self.server.pipeline(transaction=True)
        pipe.set(self.alive_key(), self.tick.id, ex=self.lease_seconds)
        pipe.sadd(self.workers_key, self.worker)
        pipe.execute()

    def pushed(self) -> None:
        """Count one start request this (leading) worker pushed."""
        self.facts["pushed"] += 1

    def start_pushed(self) -> bool:
        """This worker pushed the whole start list of its tick (if it still is the pusher)."""
        mine, done = f"{self.tick.id}\t{self.worker}", f"{self.tick.id}\tdone"
        return bool(self.server.eval(_PUSHED, 1, self.start_key, mine, done))

    def pusher(self) -> str | None:
        """The worker still pushing this tick's start list; None once it is all pushed."""
        found = self.server.get(self.start_key)
        tick, _, worker = ("" if found is None else _text(found)).partition("\t")
        return worker if tick == self.tick.id and worker not in ("", "done") else None

    def take_over(self) -> str | None:
        """Become the pusher of this tick's start list if its pusher died before it was
        all pushed (a leader SIGKILLed, or stopped, early); the dead pusher's name."""
        found = self.server.eval(
            _TAKE_OVER, 1, self.start_key, self.tick.id, self.worker, f"{self.prefix}:alive:"
        )
        return None if found is None else _text(found)

    def _push_start(self, dead: str) -> None:
        """Push the start list of a tick whose pusher died: what it had pushed already is
        in the dupefilter and dropped there (a feed or a sitemap, fetched every run, is
        fetched once more)."""
        spider, engine = self._crawler.spider, self._crawler.engine
        spider.logger.warning(
            f"{dead} stopped before pushing all of tick {self.tick.id}'s start list: "
            f"{self.worker} pushes it"
        )
        self.facts["took_over"] = dead
        try:
            for request in spider.start_requests_list():
                self.pushed()
                engine.crawl(request)
        except Exception as exc:  # noqa: BLE001 - the leader's own start would fail alike
            spider.logger.error(f"cannot push tick {self.tick.id}'s start list: {exc}")
        self.start_pushed()

    def attach(self, crawler: Any) -> None:
        from scrapy import signals

        self._crawler = crawler
        crawler.signals.connect(self._idle, signal=signals.spider_idle)
        crawler.signals.connect(self._busy, signal=signals.request_reached_downloader)
        crawler.signals.connect(self._opened, signal=signals.spider_opened)
        crawler.signals.connect(self._dropped, signal=signals.request_dropped)
        crawler.signals.connect(self.close, signal=signals.spider_closed)

    def _opened(self) -> None:
        from twisted.internet.task import LoopingCall

        if self._crawler.stats is not None:  # set once the crawl starts
            self._crawler.stats.set_value(FRONTIER_STAT, self.facts)

        self._loop = LoopingCall(self._beat)
        self._loop.start(_POLL_SECONDS, now=False)

    def _busy(self) -> None:
        self._idle_since = None

    def _dropped(self, request: Any) -> None:
        """A request the dupefilter refused whose leased origin is done (a retry). A
        redirect's origin is the pipeline's to settle: its skip is in the run manifest."""
        token = request.meta.get(LEASE_META)
        if token is not None and not request.meta.get("redirect_urls"):
            self.settle([str(token)])

    def _idle(self) -> None:
        """Keep an idle worker up until the shared queue has been empty for a while."""
        now = time.monotonic()
        if self._idle_since is None:
            self._idle_since = now
        if now - self._idle_since < self.idle_seconds:
            raise DontCloseSpider
        if self.pusher() is not None:  # the start list is still coming, or to be taken over
            raise DontCloseSpider

    def _beat(self) -> None:
        """Renew the tick's lease now and then, and look at the shared queue.

        A failure (Redis away for a moment) is logged and the next beat tries again: an
        exception here would stop the looping call, and with it every later beat.
        """
        try:
            self._beat_once()
        except Exception as exc:  # noqa: BLE001 - logged; the next beat tries again
            spider = getattr(self._crawler, "spider", None)
            if spider is not None:
                spider.logger.warning(f"shared frontier {self.prefix}: {exc}")

    def _beat_once(self) -> None:
        now = time.monotonic()
        if now - self._reclaimed_at >= min(self.lease_seconds / 2, 5.0):
            self._reclaimed_at = now
            self.reclaim()
            if getattr(self._crawler, "engine", None) is not None:
                dead = self.take_over()
                if dead is not None:
                    self._push_start(dead)
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
        """Stop beating; put back what this worker leased and did not finish."""
        if self._loop is not None and self._loop.running:
            self._loop.stop()
        self._loop = None
        self._stopping.set()
        if self._heart is not None:
            self._heart.join(timeout=5)
            self._heart = None
        returned = max(0, self._return(self.worker, dead=False))
        self.facts["returned"] = self.facts.get("returned", 0) + returned
        self.server.delete(self.alive_key())


class LeasedQueue(PriorityQueue):  # type: ignore[misc]
    """scrapy-redis's priority queue, each request taken leased to its worker (see above)."""

    def _frontier(self) -> Frontier:
        frontier = getattr(self.spider, "frontier", None)
        if not isinstance(frontier, Frontier):
            raise UsageError(f"{type(self).__name__} needs a spider with a shared frontier")
        return frontier

    def push(self, request: Any) -> None:
        token = request.meta.pop(LEASE_META, None)  # a leased request's follow-up
        data = self._encode_request(request)
        self._frontier().hand_back(data, -request.priority, token)

    def pop(self, timeout: int = 0) -> Any:
        taken = self._frontier().take()
        if taken is None:
            return None
        data, token = taken
        request = self._decode_request(data)
        request.meta[LEASE_META] = token
        return request


class LeaseMiddleware:
    """Ends each leased response's callback output with a `Settled` marker for the pipeline.

    Last in the spider middlewares' order (closest to the engine), so the marker follows
    everything the callback gave: the pipeline settles the lease once those are durable.
    An errback yields its own marker (a download's failure skips the spider middlewares,
    an HTTP error's does not): a failure's lease is settled only after the run manifest.
    """

    def process_spider_output(self, response: Any, result: Any) -> Any:
        marker = _Marker(response)
        for one in result:
            marker.saw(one)
            yield one
        yield from marker.end()

    async def process_spider_output_async(self, response: Any, result: Any) -> Any:
        marker = _Marker(response)
        async for one in result:
            marker.saw(one)
            yield one
        for one in marker.end():
            yield one


class _Marker:
    """What a leased response's output says of its lease: settled already (an errback's
    own marker), or with a failure that only the run manifest will record."""

    def __init__(self, response: Any) -> None:
        token = response.meta.get(LEASE_META)
        self.token = None if token is None else str(token)
        self.settled = False
        self.failed = False

    def saw(self, one: Any) -> None:
        self.settled = self.settled or (isinstance(one, Settled) and one.token == self.token)
        self.failed = self.failed or isinstance(one, FetchFailed)

    def end(self) -> Iterator[Settled]:
        if self.token is not None and not self.settled:
            yield Settled(self.token, in_manifest=self.failed)
