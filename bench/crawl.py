"""Crawl throughput: the full pipeline against a no-op Scrapy spider, same site, same run.

Serves the fixture news site (tests/crawler/site.py) with `--size` stories (default 1,000)
on 127.0.0.1 and crawls its sitemap twice, each crawl in its own process with the same
Scrapy settings (robots.txt obeyed, no throttling, 16 concurrent requests):

- baseline: a no-op spider that fetches every sitemap URL and discards the response;
- wirearchive: `wirearchive crawl` into a fresh archive (extract, validate, WARC, commit).

Prints pages/s for both and the ratio (goal: at least 50%).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
COMMON = {
    "AUTOTHROTTLE_ENABLED": "False",
    "CONCURRENT_REQUESTS": "16",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "16",
    "LOG_LEVEL": "WARNING",
}


def _site_module() -> Any:
    spec = importlib.util.spec_from_file_location("bench_newssite", ROOT / "tests/crawler/site.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_newssite"] = module
    spec.loader.exec_module(module)
    return module


def noop(sitemap: str) -> None:
    """The baseline, run in its own process: fetch every page of the sitemap, keep nothing."""
    import scrapy
    from scrapy.crawler import CrawlerProcess

    class Noop(scrapy.Spider):
        name = "noop"

        async def start(self) -> Any:
            yield scrapy.Request(sitemap, callback=self.parse_sitemap)

        def parse_sitemap(self, response: Any) -> Any:
            for url in response.xpath("//*[local-name()='loc']/text()").getall():
                yield scrapy.Request(url, callback=self.parse_page)

        def parse_page(self, response: Any) -> None:
            return None

    settings = {**COMMON, "ROBOTSTXT_OBEY": True, "USER_AGENT": "wirearchive-bench-noop"}
    process = CrawlerProcess(settings)
    process.crawl(Noop)
    process.start()


def _timed(command: list[str]) -> tuple[float, subprocess.CompletedProcess[str]]:
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=ROOT)
    return time.perf_counter() - started, done


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=1000, help="stories on the site")
    parser.add_argument("--workers", type=int, default=0, help="WIREARCHIVE_WORKERS")
    parser.add_argument("--noop", metavar="SITEMAP", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.noop:
        noop(args.noop)
        return 0
    site_module = _site_module()
    with site_module.NewsSite(seed=3, size=args.size) as site, tempfile.TemporaryDirectory() as tmp:
        sitemap = site.url("/sitemap-articles.xml")
        sources = Path(tmp) / "sources"
        sources.mkdir()
        (sources / "bench.toml").write_text(
            f'name = "bench"\nallowed_domains = ["127.0.0.1"]\nsitemaps = ["{sitemap}"]\n',
            encoding="utf-8",
        )
        base_seconds, base = _timed([sys.executable, __file__, "--noop", sitemap])
        assert base.returncode == 0, base.stderr[-2000:]
        base_pages = sum(1 for r in site.requests if r.path.startswith("/news/"))
        site.reset_log()
        command = [
            sys.executable, "-m", "wirearchive.crawler.cli", "crawl", "bench", "--json",
            "--archive", str(Path(tmp) / "archive"), "--sources", str(sources),
            "-s", f"WIREARCHIVE_WORKERS={args.workers}",
        ]  # fmt: skip
        for name, value in COMMON.items():
            command += ["-s", f"{name}={value}"]
        ours_seconds, ours = _timed(command)
        assert ours.returncode in (0, 1), ours.stderr[-2000:]
        counts = json.loads(ours.stdout.strip().splitlines()[-1])
        ours_pages = sum(1 for r in site.requests if r.path.startswith("/news/"))
    base_rate, ours_rate = base_pages / base_seconds, ours_pages / ours_seconds
    print(f"site: {args.size} stories on 127.0.0.1 (wall time per crawl process)")
    print(f"no-op spider      {base_pages:6d} pages {base_seconds:7.2f} s {base_rate:8.1f} pages/s")
    print(
        f"wirearchive crawl {ours_pages:6d} pages {ours_seconds:7.2f} s {ours_rate:8.1f} pages/s"
        f"  ({counts['new']} new, {counts['quarantined']} quarantined, "
        f"{counts['failed']} failed; workers={args.workers})"
    )
    print(f"ratio: {ours_rate / base_rate:.1%} of the no-op spider's rate (goal: >= 50%)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
