"""Distributed crawl throughput: 1, 2 and 4 `wirearchive crawl --redis` workers beside the
single-process crawl, on the same site in the same run (issue 13, part 4).

Serves the fixture news site (tests/crawler/site.py) with `--size` heavy stories on
127.0.0.1, every page rendered first, and starts its own servers on 127.0.0.1: redis-server
(the frontier), a PostgreSQL cluster (the catalog) and moto's S3 in a process of its own
(the archive). Then, each run into a fresh archive:

- baseline: one `wirearchive crawl` process into a local archive folder with its SQLite
  catalog, extraction in-process (WIREARCHIVE_WORKERS=0), as each distributed worker does;
- N workers: N `wirearchive crawl --redis` processes started together, archive on S3,
  catalog in PostgreSQL, frontier in Redis, timed from their start to the last one's end.

Prints pages/s for each and its ratio to the baseline. Every process shares the machine's
CPUs with the site, moto, PostgreSQL and Redis, so the ratio, not the rate, is the figure.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests._servers import moto_process, new_bucket, postgres_cluster  # noqa: E402
from tests.crawler._crawl_helpers import NewsSite, crawl_command  # noqa: E402
from tests.crawler._redis_server import redis_server  # noqa: E402
from tests.crawler._trial import Trial, story_fetches  # noqa: E402

SETTINGS = (
    "WIREARCHIVE_WORKERS=0",
    "CONCURRENT_REQUESTS_PER_DOMAIN=8",
    "WIREARCHIVE_REDIS_TICK_SECONDS=10",
    "LOG_LEVEL=ERROR",
)


def _sources(folder: Path, sitemap: str) -> Path:
    sources = folder / "sources"
    sources.mkdir(exist_ok=True)
    (sources / "fixture.toml").write_text(
        f'name = "fixture"\nallowed_domains = ["127.0.0.1"]\nsitemaps = ["{sitemap}"]\n',
        encoding="utf-8",
    )
    return sources


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=400, help="stories on the site")
    parser.add_argument("--workers", default="1,2,4", help="worker counts to run")
    args = parser.parse_args()
    counts = [int(n) for n in args.workers.split(",")]
    site = NewsSite(seed=3, size=args.size, heavy=True)
    with (
        moto_process() as endpoint,
        tempfile.TemporaryDirectory() as tmp,
        postgres_cluster() as pg,
        redis_server(Path(tmp)) as redis_url,
        site,
    ):
        folder = Path(tmp)
        weight = site.warm()
        sources = _sources(folder, site.url("/sitemap-articles.xml"))
        print(
            f"site: {args.size} heavy stories, {weight / args.size / 1024:.0f} KB a page; "
            f"{os.cpu_count()} CPUs shared by every process"
        )
        # The baseline: one plain crawl, local archive and SQLite catalog.
        started = time.perf_counter()
        done = subprocess.run(
            crawl_command(folder / "plain", sources, *SETTINGS),
            capture_output=True, text=True, cwd=folder, check=False,
        )  # fmt: skip
        seconds = time.perf_counter() - started
        assert done.returncode in (0, 1), done.stderr[-2000:]
        pages = sum(story_fetches(site).values())
        base = pages / seconds
        print(f"single-process crawl  {pages:5d} pages {seconds:7.2f} s {base:7.1f} pages/s")
        for n in counts:
            site.reset_log()
            import redis

            redis.Redis.from_url(redis_url).flushdb()
            trial = Trial(
                archive=f"s3://{new_bucket(endpoint)}/bench",
                catalog=pg.new_schema(),
                redis=redis_url,
                sources=sources,
                folder=folder,
                endpoint=endpoint,
                settings=SETTINGS,
                idle_seconds=1.0,
            )
            started = time.perf_counter()
            trial.finish([trial.start() for _ in range(n)])
            # The last second is every worker's idle wait for more work: not crawling.
            seconds = time.perf_counter() - started - trial.idle_seconds
            pages = sum(story_fetches(site).values())
            rate = pages / seconds
            print(
                f"{n} worker{'s' if n > 1 else ' '} (S3, PG, Redis) {pages:5d} pages "
                f"{seconds:7.2f} s {rate:7.1f} pages/s  {rate / base:5.2f}x the single process"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
