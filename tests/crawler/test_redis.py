"""Distributed crawling: `wirearchive crawl --redis URL` workers against a real redis-server.

Each worker is a subprocess (as cron or a process supervisor would start it) crawling the
fixture news site on 127.0.0.1 into one shared archive folder; the frontier lives in a
redis-server the fixture starts on a free port and stops after the test.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlsplit

import pytest
import redis
from wirearchive.archive import Store, verify
from wirearchive.crawler.frontier import frontier_prefix

from ._crawl_helpers import NewsSite, crawl_command, robots_skips, write_source
from ._redis_server import free_port

STORY = "/news/2"  # story pages: /news/yyyy/mm/dd/slug.html
#: Short leases and idling, one process per worker (no extraction pool): quick and light.
WORKER = ("WIREARCHIVE_WORKERS=0", "WIREARCHIVE_REDIS_TICK_SECONDS=3")


PREFIX = frontier_prefix("fixture")


@pytest.fixture
def client(redis_url: str) -> Iterator[redis.Redis]:
    """A client of the test's Redis, emptied after the test."""
    found = redis.Redis.from_url(redis_url)
    yield found
    found.flushdb()
    found.close()


def _start(archive: Path, sources: Path, url: str, *settings: str) -> subprocess.Popen[str]:
    command = crawl_command(archive, sources, *WORKER, *settings)
    command += ["--redis", url, "--redis-idle-seconds", "1"]
    return subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=archive.parent,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )


def _workers(archive: Path, sources: Path, url: str, count: int, *settings: str) -> list[str]:
    """Run `count` workers at once; the run id each printed (all must have ended well)."""
    started = [_start(archive, sources, url, *settings) for _ in range(count)]
    runs = []
    for process in started:
        out, err = process.communicate(timeout=180)
        assert process.returncode in (0, 1), err[-3000:]
        runs.append(json.loads(out.strip().splitlines()[-1])["run"])
    return runs


def _manifests(archive: Path, runs: list[str]) -> list[dict[str, Any]]:
    with Store.open(str(archive)) as store:
        return [m for run in runs for m in store.runs(run=run) if "counts" in m]


def _total(manifests: list[dict[str, Any]]) -> Counter[str]:
    total: Counter[str] = Counter()
    for manifest in manifests:
        total.update(manifest["counts"])
    return total


def _story_fetches(site: Any) -> Counter[str]:
    return Counter(r.path for r in site.requests if r.path.startswith(STORY))


def _lapse(url: str, source: str = "fixture") -> None:
    """Wait for the tick's lease to lapse (the workers have stopped renewing it)."""
    client = redis.Redis.from_url(url)
    key = f"{frontier_prefix(source)}:tick"
    while client.exists(key):
        time.sleep(0.2)
    client.close()


def test_workers_share_one_frontier_and_each_tick_pushes_once(
    redis_url: str, tmp_path: Path
) -> None:
    sources, archive = tmp_path / "sources", tmp_path / "archive"
    with NewsSite(seed=7, size=60) as site:
        write_source(sources, site.base_url)
        stories = {story.path for story in site.articles}
        assert len(stories) == 60

        # Tick 1: three workers, one frontier: every story fetched and archived once.
        first = _manifests(archive, _workers(archive, sources, redis_url, 3))
        assert len(first) == 3
        assert set(_story_fetches(site)) == stories
        assert set(_story_fetches(site).values()) == {1}
        # The moved page lands on a story; 404, off-site and oversized fail; robots skip.
        counts = _total(first)
        assert (counts["new"], counts["updated"], counts["unchanged"]) == (61, 0, 0)
        assert (counts["failed"], counts["quarantined"]) == (3, 0)
        assert robots_skips(first, site.base_url) == ["fetch.robots"]
        leaders = [m["frontier"] for m in first if m["frontier"]["leader"]]
        assert len(leaders) == 1, [m["frontier"] for m in first]
        assert {m["frontier"]["tick"] for m in first} == {leaders[0]["tick"]}
        assert sum(m["frontier"]["pushed"] for m in first) == leaders[0]["pushed"] > 0
        with Store.open(str(archive)) as store:
            records = list(store.changes())
            assert len(records) == 61  # one version per item: no page archived twice
            assert len({r["id"] for r in records}) == 61
            assert verify(store).ok

        # Tick 2, once the lease lapsed and the revisit policy (1 s) makes all due: the
        # due list is pushed by one of the two workers, each story asked for once, a 304.
        _lapse(redis_url)
        time.sleep(1.1)
        before = len(site.requests)
        second = _manifests(archive, _workers(archive, sources, redis_url, 2))
        again = Counter(r.path for r in site.requests[before:] if r.path.startswith(STORY))
        assert set(again) == stories
        assert set(again.values()) == {1}
        assert all(r.status == 304 for r in site.requests[before:] if r.path in stories)
        ticks = [m["frontier"] for m in second]
        assert sorted(t["leader"] for t in ticks) == [False, True]
        assert ticks[0]["tick"] == ticks[1]["tick"] != leaders[0]["tick"]
        assert [t["pushed"] for t in ticks if not t["leader"]] == [0]
        assert _total(second)["unchanged"] == 61
        with Store.open(str(archive)) as store:
            assert len(list(store.changes())) == 61  # sightings, no new versions
            assert verify(store).ok


def test_the_queue_holds_json_and_a_late_worker_resumes_without_pushing(
    redis_url: str, tmp_path: Path
) -> None:
    sources, archive = tmp_path / "sources", tmp_path / "archive"
    client = redis.Redis.from_url(redis_url)
    queue = f"{frontier_prefix('fixture')}:requests"
    with NewsSite(seed=3, size=60) as site:
        write_source(sources, site.base_url)
        stories = {story.path for story in site.articles}
        # The tick's leader stops after 5 items, leaving the rest of the frontier queued.
        (early,) = _workers(
            archive, sources, redis_url, 1, "CLOSESPIDER_ITEMCOUNT=5",
            "WIREARCHIVE_REDIS_TICK_SECONDS=60",
        )  # fmt: skip
        raw = cast(list[bytes], client.zrange(queue, 0, -1))
        assert len(raw) > 10
        for data in raw:
            request = json.loads(data)  # JSON, not pickle
            assert request["format"] == "wirearchive-request/1"
            # (or the off-site page a story redirects to: its check comes at download)
            assert request["url"].startswith((site.base_url, "http://example.invalid/"))
            assert request["callback"] in {"parse_article", "parse_feed", "parse_sitemap"}
            assert request["errback"] == "failed"
        # Two workers started while the tick's lease holds join it: they only consume.
        late = _workers(archive, sources, redis_url, 2, "WIREARCHIVE_REDIS_TICK_SECONDS=60")
        assert client.zcard(queue) == 0
        manifests = _manifests(archive, [early, *late])
        assert [m["frontier"]["leader"] for m in manifests] == [True, False, False]
        assert [m["frontier"]["pushed"] for m in manifests][1:] == [0, 0]
        fetched = _story_fetches(site)
        assert set(fetched) == stories
        assert set(fetched.values()) == {1}
        counts = _total(manifests)
        assert counts["new"] == 61
        with Store.open(str(archive)) as store:
            assert len(list(store.changes())) == 61
            assert verify(store).ok
    client.close()


def test_a_page_whose_workers_keep_dying_ends_as_a_failure_not_a_loop(
    redis_url: str, client: redis.Redis, tmp_path: Path
) -> None:
    sources, archive = tmp_path / "sources", tmp_path / "archive"
    with NewsSite(seed=3, size=30) as site:
        write_source(sources, site.base_url)
        stories = {story.path for story in site.articles}
        # The tick's leader stops after 3 items, leaving the rest of the frontier queued.
        _workers(
            archive, sources, redis_url, 1, "CLOSESPIDER_ITEMCOUNT=3",
            "WIREARCHIVE_REDIS_TICK_SECONDS=60",
        )  # fmt: skip
        # A story still queued was taken twice already by workers that died holding it
        # (the third is one that dies now): as a SIGKILLed worker leaves it in Redis.
        fetched_early = set(_story_fetches(site))
        poison = next(
            data
            for data in cast(list[bytes], client.zrange(f"{PREFIX}:requests", 0, -1))
            if json.loads(data)["url"].endswith(".html")
            and urlsplit(json.loads(data)["url"]).path in stories - fetched_early
            and json.loads(data)["url"] != site.moved_target.url
        )
        client.zrem(f"{PREFIX}:requests", poison)
        client.hset(f"{PREFIX}:leased:dead-host-1-abc", "9", b"0\t" + poison)
        client.sadd(f"{PREFIX}:workers", "dead-host-1-abc")
        client.hset(f"{PREFIX}:deaths", hashlib.sha1(poison).hexdigest(), 2)
        (late,) = _workers(archive, sources, redis_url, 1, "WIREARCHIVE_REDIS_TICK_SECONDS=60")
        url = json.loads(poison)["url"]
        (manifest,) = _manifests(archive, [late])
        [failure] = [f for f in manifest["failures"] if f["rule"] == "fetch.abandoned"]
        assert failure["url"] == url
        assert failure["message"].startswith("3 workers taking it stopped")
        assert "dead-host-1-abc" in failure["message"]
        assert manifest["frontier"]["abandoned"] == 1
        # Never fetched again, every other story fetched once; no lease is left behind.
        fetched = _story_fetches(site)
        assert urlsplit(url).path not in fetched
        assert set(fetched) == stories - {urlsplit(url).path}
        assert set(fetched.values()) == {1}
        assert not client.keys(f"{PREFIX}:leased:*")
        with Store.open(str(archive)) as store:
            assert store.get(url) is None
            assert verify(store).ok


def test_a_start_list_its_leader_did_not_finish_is_pushed_by_another_worker(
    redis_url: str, client: redis.Redis, tmp_path: Path
) -> None:
    sources, archive = tmp_path / "sources", tmp_path / "archive"
    # A tick whose leader was SIGKILLed before it pushed a single request: the tick's lease
    # still held, the start key naming the dead leader, no alive key, an empty queue.
    client.set(f"{PREFIX}:tick", "20261204T000000Z-dead", ex=60)
    client.set(f"{PREFIX}:start", "20261204T000000Z-dead\tdead-host-9-abc")
    with NewsSite(seed=5, size=20) as site:
        write_source(sources, site.base_url)
        stories = {story.path for story in site.articles}
        (run,) = _workers(archive, sources, redis_url, 1, "WIREARCHIVE_REDIS_TICK_SECONDS=60")
        (manifest,) = _manifests(archive, [run])
        facts = manifest["frontier"]
        assert (facts["tick"], facts["leader"]) == ("20261204T000000Z-dead", False)
        assert facts["took_over"] == "dead-host-9-abc"
        assert facts["pushed"] > 0
        assert client.get(f"{PREFIX}:start") == b"20261204T000000Z-dead\tdone"
        fetched = _story_fetches(site)
        assert set(fetched) == stories
        assert set(fetched.values()) == {1}
        with Store.open(str(archive)) as store:
            assert len({r["id"] for r in store.changes()}) == manifest["counts"]["new"] > 20


def test_a_bad_or_unreachable_redis_is_named_before_anything_runs(tmp_path: Path) -> None:
    sources, archive = tmp_path / "sources", tmp_path / "archive"
    write_source(sources, "http://127.0.0.1:9")
    command = crawl_command(archive, sources)
    done = subprocess.run(
        [*command, "--redis", "http://127.0.0.1:6379/0"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 2
    assert "--redis='http://127.0.0.1:6379/0': not a Redis URL" in done.stderr
    dead = f"redis://user:secret@127.0.0.1:{free_port()}/0"  # nothing listens there
    done = subprocess.run(
        [*command, "--redis", dead], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 2
    assert "cannot reach Redis" in done.stderr
    assert "secret" not in done.stderr
    assert not (archive / "crawl.lock").exists()
