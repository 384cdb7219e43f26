"""The multi-worker trial: four `wirearchive crawl` workers share a frontier in Redis and
archive into one archive on S3 (moto) with its catalog in PostgreSQL; one is SIGKILLed
mid-run and another started. Every server runs on 127.0.0.1, started here and stopped
after: redis-server, a PostgreSQL cluster, moto, and the fixture news site."""

from __future__ import annotations

import signal
from collections import Counter
from pathlib import Path

import psycopg
from wirearchive.archive import Store, verify

from tests._servers import PostgresServer, new_bucket

from ._crawl_helpers import NewsSite, robots_skips, write_source
from ._trial import Trial, story_fetches, wait_for

#: No extraction pool, short leases, ticks and idling: the kill is noticed in ~2 s.
WORKER = (
    "WIREARCHIVE_WORKERS=0",
    "WIREARCHIVE_REDIS_TICK_SECONDS=5",
    "WIREARCHIVE_REDIS_LEASE_SECONDS=2",
    "WIREARCHIVE_BATCH=2",  # small groups: every worker commits early
)


def _committing_runs(catalog: str) -> int:
    """How many runs have versions in the catalog (each worker is one run)."""
    with psycopg.connect(catalog, autocommit=True) as db:
        row = db.execute("SELECT count(DISTINCT run) FROM versions").fetchone()
    return int(row[0]) if row else 0


def test_four_workers_lose_nothing_when_one_is_killed(
    redis_url: str, postgres_server: PostgresServer, s3_endpoint: str, tmp_path: Path
) -> None:
    trial = Trial(
        archive=f"s3://{new_bucket(s3_endpoint)}/trial",
        catalog=postgres_server.new_schema(),
        redis=redis_url,
        sources=tmp_path / "sources",
        folder=tmp_path,
        endpoint=s3_endpoint,
        settings=WORKER,
        idle_seconds=3.0,
    )
    try:
        with NewsSite(seed=11, size=120, heavy=True) as site:
            write_source(trial.sources, site.base_url)
            stories = {story.path for story in site.articles}
            workers = [trial.start() for _ in range(4)]
            # Mid-run: 40% of the stories fetched, the rest queued or in flight, and every
            # worker has committed versions (the one to be killed among them).
            wait_for(lambda: len(story_fetches(site)) >= 48, 180, "48 stories fetched")
            wait_for(lambda: _committing_runs(trial.catalog) == 4, 180, "4 runs committing")
            victim = workers.pop(0)
            victim.send_signal(signal.SIGKILL)
            victim.communicate()
            assert victim.returncode == -signal.SIGKILL
            fetched_at_kill = len(story_fetches(site))
            assert fetched_at_kill < len(stories), "the crawl ended before the kill"
            workers.append(trial.start())  # a replacement joins the same tick
            runs = trial.finish(workers)
            fetches = story_fetches(site)
    finally:
        trial.stop_all()

    assert set(fetches) == stories  # every story was fetched, the killed worker's too
    with trial.environ(), Store.open(trial.archive, catalog=trial.catalog) as store:
        records = list(store.changes())
        manifests = {m["run"]: m for m in store.runs()}
        report = verify(store)
    # Every page archived exactly once: one version per item, each story among them.
    ids = Counter(record["id"] for record in records)
    assert set(ids.values()) == {1}
    urls = {record["provenance"]["wasDerivedFrom"]["url"] for record in records}
    assert {site.base_url + path for path in stories} <= urls
    assert len(records) == len(stories) + 1  # and the moved page's target
    assert report.ok, [str(f) for f in report.findings[:5]]

    # The run manifests add up: four finished runs, and the killed worker's, which
    # committed some groups but wrote no manifest, listed unfinished; what each finished
    # run counts as new is what the archive holds from it, the killed run has the rest.
    finished = [manifests[run] for run in runs]
    assert all(m["status"] == "finished" for m in finished)
    by_run = Counter(record["provenance"]["run"] for record in records)
    (killed,) = set(by_run) - set(runs)
    assert manifests[killed]["status"] == "unfinished"
    assert len(manifests) == 5
    for manifest in finished:
        counts = manifest["counts"]
        assert counts["new"] + counts["updated"] == by_run[manifest["run"]]
    assert sum(m["counts"]["new"] for m in finished) + by_run[killed] == len(records)
    # The site's failing URLs (404, off-site, oversized) and its robots.txt refusal are
    # each in a finished run's manifest once, the killed worker's among them: a failure's
    # lease outlives its worker until its manifest is written.
    failures = [f["url"] for m in finished for f in m["failures"]]
    assert len(failures) == len(set(failures)) == 3, failures
    assert robots_skips(finished, site.base_url) == ["fetch.robots"]
    # One tick, one leader; the killed worker's leased requests were put back.
    ticks = {m["frontier"]["tick"] for m in finished}
    assert len(ticks) == 1
    assert sum(m["frontier"]["reclaimed"] for m in finished) >= 1
    refetched = sum(count - 1 for count in fetches.values())
    assert refetched <= sum(m["frontier"]["reclaimed"] for m in finished)
