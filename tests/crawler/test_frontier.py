"""The shared frontier's parts: the tick lease, request leases, the settings of a worker,
URLs in logs."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import cast

import pytest
import redis
from scrapy import Request
from scrapy.exceptions import UsageError
from scrapy.http import Response
from scrapy.settings import Settings
from wirearchive.crawler import requestjson
from wirearchive.crawler.frontier import (
    LEASE_META,
    Frontier,
    LeaseMiddleware,
    check_url,
    configure,
    join_tick,
    redacted,
    renew_tick,
)
from wirearchive.crawler.pipelines import FetchFailed, Settled


def test_the_first_worker_leads_a_tick_the_others_join_it(redis_url: str) -> None:
    client = redis.Redis.from_url(redis_url)
    key = "wirearchive:fixture:tick"
    first = join_tick(client, key, 30)
    second = join_tick(client, key, 30)
    assert first.leader
    assert not second.leader
    assert second.id == first.id
    assert 0 < client.ttl(key) <= 30
    assert renew_tick(client, key, first.id, 60)
    assert 30 < client.ttl(key) <= 60
    assert not renew_tick(client, key, "another-tick", 60)  # never extends another's lease
    client.delete(key)  # the lease lapsed: the next worker begins a new tick
    assert not renew_tick(client, key, first.id, 60)
    third = join_tick(client, key, 30)
    assert third.leader
    assert third.id != first.id
    client.close()


def test_a_worker_gets_scrapy_redis_with_json_and_bounded_concurrency() -> None:
    settings = Settings()
    settings.setmodule("wirearchive.crawler.settings", priority="project")
    settings.set("WIREARCHIVE_SOURCE", "fixture", priority="cmdline")
    settings.set("WIREARCHIVE_REDIS_URL", "redis://127.0.0.1:6379/0", priority="cmdline")
    settings.set("SCHEDULER_PERSIST", False, priority="cmdline")  # would empty the queue
    configure(settings)
    assert settings["SCHEDULER"] == "scrapy_redis.scheduler.Scheduler"
    assert settings["DUPEFILTER_CLASS"] == "scrapy_redis.dupefilter.RFPDupeFilter"
    assert settings.getbool("SCHEDULER_PERSIST")
    assert settings["SCHEDULER_SERIALIZER"] == "wirearchive.crawler.requestjson"
    assert settings["SCHEDULER_QUEUE_KEY"] == "wirearchive:fixture:requests"
    assert settings["SCHEDULER_DUPEFILTER_KEY"] == "wirearchive:fixture:dupefilter"
    assert settings["REDIS_URL"] == "redis://127.0.0.1:6379/0"
    # A worker holds no more requests than it fetches at once from the one site.
    assert settings.getint("CONCURRENT_REQUESTS") == settings.getint(
        "CONCURRENT_REQUESTS_PER_DOMAIN"
    )
    explicit = Settings()
    explicit.setmodule("wirearchive.crawler.settings", priority="project")
    explicit.set("WIREARCHIVE_SOURCE", "fixture", priority="cmdline")
    explicit.set("WIREARCHIVE_REDIS_URL", "redis://127.0.0.1:6379/0", priority="cmdline")
    explicit.set("CONCURRENT_REQUESTS", 32, priority="cmdline")  # the operator's choice
    configure(explicit)
    assert explicit.getint("CONCURRENT_REQUESTS") == 32


def test_a_worker_without_a_source_or_with_a_bad_url_is_refused() -> None:
    settings = Settings({"WIREARCHIVE_REDIS_URL": "redis://127.0.0.1:6379/0"})
    with pytest.raises(UsageError, match="WIREARCHIVE_SOURCE=NAME"):
        configure(settings)
    with pytest.raises(UsageError, match=r"--redis='localhost:6379': not a Redis URL"):
        check_url("localhost:6379", "--redis")


def test_passwords_stay_out_of_logs_and_manifests() -> None:
    assert redacted("redis://user:pw@host:6380/1") == "redis://user:***@host:6380/1"
    assert redacted("redis://:pw@host/0") == "redis://:***@host/0"
    assert redacted("redis://host:6379/0") == "redis://host:6379/0"


def _queued(client: redis.Redis, key: str) -> list[tuple[bytes, float]]:
    found = cast(list[tuple[bytes, float]], client.zrange(key, 0, -1, withscores=True))
    return [(data, float(score)) for data, score in found]


def test_a_taken_request_is_leased_until_settled_and_a_dead_workers_go_back(
    redis_url: str,
) -> None:
    client = redis.Redis.from_url(redis_url)
    first = Frontier(client, "fixture", url=redis_url, lease_seconds=1)
    second = Frontier(client, "fixture", url=redis_url, lease_seconds=1)
    first.open()
    second.open()
    try:
        queue = first.queue_key
        for data, score in ((b"low", 0.0), (b"high", -10.0), (b"mid", -5.0)):
            first.hand_back(data, score, None)
        # The best request (the lowest score) leaves the queue for the worker's lease.
        taken = first.take()
        assert taken is not None
        data, token = taken
        assert data == b"high"
        assert [d for d, _ in _queued(client, queue)] == [b"mid", b"low"]
        assert client.hget(first.leased_key(), token) == b"-10\thigh"
        # A follow-up (a redirect) queued with the lease's token settles it at once.
        first.hand_back(b"high-redirected", -10.0, token)
        assert client.hlen(first.leased_key()) == 0
        # Settled by the pipeline once durable: gone from the lease.
        taken = first.take()
        assert taken is not None
        first.settle([taken[1]])
        assert client.hlen(first.leased_key()) == 0
        # The first worker dies holding one lease: its alive key lapses; the second
        # worker puts the request back with its priority, and forgets the dead worker.
        held = first.take()
        assert held is not None
        first._stopping.set()  # its heart stops, as with SIGKILL
        client.delete(first.alive_key())
        assert second.reclaim() == 1
        assert _queued(client, queue)[0] == (held[0], -5.0)
        assert client.hlen(first.leased_key()) == 0
        assert first.worker.encode() not in client.smembers(first.workers_key)
        assert second.facts["reclaimed"] == 1
        # A live worker's leases are never taken from it.
        mine = second.take()
        assert mine is not None
        third = Frontier(client, "fixture", url=redis_url, lease_seconds=1)
        third.open()
        assert third.reclaim() == 0
        third.close()
        # Stopping, a worker puts back what it leased and did not finish.
        before = client.zcard(queue)
        second.close()
        assert client.zcard(queue) == before + 1
        assert second.facts["returned"] == 1
        assert not client.exists(second.alive_key())
    finally:
        first.close()
        second.close()
        client.flushdb()
        client.close()


def test_the_alive_key_is_kept_by_a_thread_while_the_reactor_is_busy(redis_url: str) -> None:
    client = redis.Redis.from_url(redis_url)
    frontier = Frontier(client, "fixture", url=redis_url, lease_seconds=1)
    frontier.open()
    try:
        time.sleep(2.5)  # no reactor runs here at all: the thread alone renews the key
        assert client.exists(frontier.alive_key())
    finally:
        frontier.close()
    assert not client.exists(frontier.alive_key())
    client.close()


def _die(frontier: Frontier, client: redis.Redis) -> None:
    """`frontier`'s worker is SIGKILLed: its heart stops and its alive key lapses."""
    frontier._stopping.set()
    client.delete(frontier.alive_key())


def _take_and_die(client: redis.Redis, redis_url: str) -> Frontier:
    """A worker (two tries a request) that takes the best request and is SIGKILLed."""
    worker = Frontier(client, "fixture", url=redis_url, lease_seconds=1, tries=2)
    worker.open()
    assert worker.take() is not None
    _die(worker, client)
    return worker


def test_a_request_whose_workers_keep_dying_is_given_up_as_a_failure(redis_url: str) -> None:
    client = redis.Redis.from_url(redis_url)
    survivor = Frontier(client, "fixture", url=redis_url, lease_seconds=1, tries=2)
    survivor.open()
    recorded: list[tuple[FetchFailed, str]] = []
    try:
        page = Request("http://127.0.0.1/crashes-its-reader", meta={"wirearchive_via": "feed"})
        survivor.hand_back(requestjson.dumps(page.to_dict()), 0.0, None)
        # The first worker to take it dies: one death, and the request is queued again.
        first = _take_and_die(client, redis_url)
        assert survivor.reclaim() == 1
        assert client.zcard(survivor.queue_key) == 1
        # The second dies too: two deaths reach the tries, and the request is given up,
        # not queued a third time, its lease the survivor's until the failure is recorded.
        second = _take_and_die(client, redis_url)
        assert survivor.reclaim() == 0
        assert client.zcard(survivor.queue_key) == 0
        assert client.hlen(survivor.leased_key()) == 1
        assert survivor.facts["abandoned"] == 1
        # Given up before anything recorded it: handed over once a recorder is set.
        survivor.record_abandoned(lambda failed, token: recorded.append((failed, token)))
        [(failed, token)] = recorded
        assert failed.url == "http://127.0.0.1/crashes-its-reader"
        assert failed.rule == "fetch.abandoned"
        assert failed.via == "feed"
        assert failed.message.startswith("2 workers taking it stopped before finishing it")
        assert second.worker in failed.message
        assert "WIREARCHIVE_REDIS_LEASE_TRIES=2" in failed.message
        survivor.settle([token])
        assert client.hlen(survivor.leased_key()) == 0
        # A new tick forgets the deaths: the page gets its tries again.
        client.delete(survivor.tick_key)
        leader = Frontier(client, "fixture", url=redis_url, lease_seconds=1, tries=2)
        leader.open()
        assert leader.tick.leader
        assert not client.exists(leader.deaths_key)
        leader.close()
        for dead in (first, second):
            dead.close()
    finally:
        survivor.close()
        client.flushdb()
        client.close()


def test_a_survivor_that_dies_holding_a_given_up_request_passes_it_on(redis_url: str) -> None:
    client = redis.Redis.from_url(redis_url)
    workers = [Frontier(client, "fixture", url=redis_url, lease_seconds=1, tries=1)]
    try:
        workers[0].open()
        workers[0].hand_back(b"not a request of ours", 0.0, None)
        assert workers[0].take() is not None
        _die(workers[0], client)
        # Given up by the next worker (one try), which dies before recording it: the one
        # after that gives it up again, as it was (the recorder's death is not the page's:
        # the same count, the same last worker), and names what it could not read.
        workers.append(Frontier(client, "fixture", url=redis_url, lease_seconds=1, tries=1))
        workers[1].open()  # reclaims at once
        assert workers[1].facts["abandoned"] == 1
        assert client.hlen(workers[1].leased_key()) == 1
        _die(workers[1], client)
        workers.append(Frontier(client, "fixture", url=redis_url, lease_seconds=1, tries=1))
        workers[2].open()
        assert workers[2].facts["abandoned"] == 1
        recorded: list[FetchFailed] = []
        workers[2].record_abandoned(lambda failed, token: recorded.append(failed))
        [failed] = recorded
        assert failed.message.startswith("1 worker taking it stopped")
        assert f"(the last: {workers[0].worker})" in failed.message
        assert "not JSON" in failed.url
        assert failed.url.startswith(workers[2].queue_key)
    finally:
        for worker in workers:
            worker.close()
        client.flushdb()
        client.close()


def test_a_start_list_whose_pusher_died_is_taken_over_once(redis_url: str) -> None:
    client = redis.Redis.from_url(redis_url)
    leader = Frontier(client, "fixture", url=redis_url, lease_seconds=1)
    joiner = Frontier(client, "fixture", url=redis_url, lease_seconds=1)
    late = Frontier(client, "fixture", url=redis_url, lease_seconds=1)
    try:
        leader.open()
        joiner.open()
        assert leader.tick.leader
        assert not joiner.tick.leader
        assert joiner.pusher() == leader.worker  # the leader is pushing
        assert joiner.take_over() is None  # and alive: nobody takes over
        assert leader.start_pushed()
        assert joiner.pusher() is None
        assert joiner.take_over() is None  # all pushed: nothing to take over
        # The next tick's leader dies before it has pushed it all: the first live worker
        # to look becomes the pusher, and only it.
        client.delete(leader.tick_key)
        leader.close()
        leader = Frontier(client, "fixture", url=redis_url, lease_seconds=1)
        leader.open()
        joiner.tick = late.tick = leader.tick
        _die(leader, client)
        assert joiner.take_over() == leader.worker
        assert late.pusher() == joiner.worker
        assert late.take_over() is None  # the new pusher is alive
        assert not leader.start_pushed()  # no longer the pusher: changes nothing
        assert joiner.start_pushed()
        assert late.pusher() is None
        # A start key of another tick is never taken for this one's.
        client.set(leader.start_key, f"another-tick\t{leader.worker}")
        assert late.pusher() is None
        assert late.take_over() is None
    finally:
        for frontier in (leader, joiner, late):
            frontier.close()
        client.flushdb()
        client.close()


def test_each_leased_response_ends_with_one_marker_an_errbacks_own_if_it_gave_one() -> None:
    middleware = LeaseMiddleware()
    page = Response("http://127.0.0.1/a.html", request=Request("http://127.0.0.1/a.html"))
    page.meta[LEASE_META] = "7"
    found = list(middleware.process_spider_output(page, iter(["item"])))
    assert found == ["item", Settled("7")]
    # An HTTP error's errback (its output passes the middlewares) settles after the
    # manifest: no second marker that would settle it earlier.
    failed = [FetchFailed(page.url, "http.404", "404 Not Found"), Settled("7", in_manifest=True)]
    assert list(middleware.process_spider_output(page, iter(failed))) == failed
    unleased = Response("http://127.0.0.1/b.html", request=Request("http://127.0.0.1/b.html"))
    assert list(middleware.process_spider_output(unleased, iter(["item"]))) == ["item"]

    async def collect(result: list[object]) -> list[object]:
        async def output() -> AsyncIterator[object]:
            for one in result:
                yield one

        return [one async for one in middleware.process_spider_output_async(page, output())]

    assert asyncio.run(collect(["item"])) == ["item", Settled("7")]
    assert asyncio.run(collect(failed)) == failed


def test_a_dead_workers_parsed_page_goes_back_without_a_death(redis_url: str) -> None:
    """A page read and on its way to the archive when its worker died (in a commit, say)
    is not blamed: it goes back to the queue, and only the page being read counts a death."""
    client = redis.Redis.from_url(redis_url)
    survivor = Frontier(client, "fixture", url=redis_url, lease_seconds=1, tries=1)
    survivor.open()
    dying = Frontier(client, "fixture", url=redis_url, lease_seconds=1, tries=1)
    dying.open()
    try:
        for path in ("parsed", "reading"):
            page = Request(f"http://127.0.0.1/{path}.html")
            survivor.hand_back(requestjson.dumps(page.to_dict()), 0.0, None)
        first, second = dying.take(), dying.take()
        assert first is not None
        assert second is not None
        parsed = first if b"parsed" in first[0] else second
        dying.parsed([parsed[1], "no-such-token"])
        dying.parsed([parsed[1]])  # twice: still one mark
        marked = cast(bytes, client.hget(dying.leased_key(), parsed[1]))
        assert marked.startswith(b"+")
        assert not marked.startswith(b"++")
        _die(dying, client)
        recorded: list[FetchFailed] = []
        survivor.record_abandoned(lambda failed, token: recorded.append(failed))
        assert survivor.reclaim() == 1  # the parsed page, queued again
        [queued] = cast(list[bytes], client.zrange(survivor.queue_key, 0, -1))
        assert queued == parsed[0]
        assert [f.url for f in recorded] == ["http://127.0.0.1/reading.html"]  # one try
        assert client.hlen(survivor.deaths_key) == 1
        dying.close()
    finally:
        survivor.close()
        client.flushdb()
        client.close()


def test_a_callbacks_failure_is_settled_with_the_manifest() -> None:
    """An unreadable feed or sitemap fails in the callback (its output passes the
    middleware): the lease waits for the manifest, as an errback's does."""
    middleware = LeaseMiddleware()
    feed = Response("http://127.0.0.1/feed.xml", request=Request("http://127.0.0.1/feed.xml"))
    feed.meta[LEASE_META] = "3"
    failed = FetchFailed(feed.url, "feed.syntax", "not a feed: the feed gave no links")
    assert list(middleware.process_spider_output(feed, iter([failed]))) == [
        failed,
        Settled("3", in_manifest=True),
    ]


def test_a_beat_that_fails_is_logged_and_the_next_one_runs(
    redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = redis.Redis.from_url(redis_url)
    frontier = Frontier(client, "fixture", url=redis_url, lease_seconds=1)
    frontier.open()
    try:
        calls: list[int] = []

        def flaky() -> int:
            calls.append(1)
            if len(calls) == 1:
                raise redis.ConnectionError("Redis went away for a moment")
            return 0

        monkeypatch.setattr(frontier, "reclaim", flaky)
        frontier._reclaimed_at = 0.0
        frontier._beat()  # the error is caught: the looping call would stop on it
        frontier._reclaimed_at = 0.0
        frontier._beat()
        assert len(calls) == 2
    finally:
        frontier.close()
        client.flushdb()
        client.close()
