"""Crawl throughput: the full pipeline against a no-op Scrapy spider, same site, same run.

Serves the fixture news site (tests/crawler/site.py) with `--size` stories (default 1,000)
on 127.0.0.1, its pages as heavy as real news pages (chrome, teasers, JSON-LD, page state:
60-150 KB; `--light` for the bare 4 KB pages), every page rendered before either crawl
starts, and crawls its sitemap twice, each crawl in its own process with the same Scrapy
settings (robots.txt obeyed, no throttling, 16 concurrent requests):

- baseline: a no-op spider that fetches every sitemap URL and discards the response;
- wirearchive: `wirearchive crawl` into a fresh archive (extract, validate, WARC, commit).

Prints pages/s for both, the ratio (issue 11, goal 3: at least 60% on heavy pages), and
each process's CPU time and peak resident memory (ru_maxrss from os.wait4; goal 5b: a
crawl of 10,000 pages under 500 MB).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
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


class _Run:
    """A finished child process: its wall time, exit code, output and peak RSS."""

    def __init__(self, command: list[str], folder: Path) -> None:
        out, err = folder / "stdout", folder / "stderr"
        started = time.perf_counter()
        with out.open("wb") as stdout, err.open("wb") as stderr:
            child = subprocess.Popen(command, stdout=stdout, stderr=stderr, cwd=ROOT)
            _, status, usage = os.wait4(child.pid, 0)
        self.seconds = time.perf_counter() - started
        self.returncode = os.waitstatus_to_exitcode(status)
        self.stdout, self.stderr = out.read_text(), err.read_text()
        self.peak_mb = usage.ru_maxrss / 1024  # KiB on Linux
        #: CPU seconds, its reaped children (extraction workers) included: on a shared
        #: machine the wall time is the ratio's, the CPU time says where it went.
        self.cpu = usage.ru_utime + usage.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=1000, help="stories on the site")
    parser.add_argument(
        "--workers", default="auto", help="WIREARCHIVE_WORKERS (a number, or auto: the default)"
    )
    parser.add_argument("--light", action="store_true", help="the bare 4 KB pages")
    parser.add_argument(
        "--profile", metavar="FILE", help="run the crawl under cProfile, stats to FILE"
    )
    parser.add_argument("--noop", metavar="SITEMAP", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.noop:
        noop(args.noop)
        return 0
    site_module = _site_module()
    site = site_module.NewsSite(seed=3, size=args.size, heavy=not args.light)
    with site, tempfile.TemporaryDirectory() as tmp:
        weight = site.warm()
        sitemap = site.url("/sitemap-articles.xml")
        sources = Path(tmp) / "sources"
        sources.mkdir()
        (sources / "bench.toml").write_text(
            f'name = "bench"\nallowed_domains = ["127.0.0.1"]\nsitemaps = ["{sitemap}"]\n',
            encoding="utf-8",
        )
        base = _Run([sys.executable, __file__, "--noop", sitemap], Path(tmp))
        assert base.returncode == 0, base.stderr[-2000:]
        base_pages = sum(1 for r in site.requests if r.path.startswith("/news/"))
        site.reset_log()
        profiled = ["-m", "cProfile", "-o", args.profile] if args.profile else []
        command = [
            sys.executable, *profiled, "-m", "wirearchive.crawler.cli", "crawl", "bench", "--json",
            "--archive", str(Path(tmp) / "archive"), "--sources", str(sources),
            "-s", f"WIREARCHIVE_WORKERS={args.workers}",
        ]  # fmt: skip
        for name, value in COMMON.items():
            command += ["-s", f"{name}={value}"]
        ours = _Run(command, Path(tmp))
        assert ours.returncode in (0, 1), ours.stderr[-2000:]
        counts = json.loads(ours.stdout.strip().splitlines()[-1])
        ours_pages = sum(1 for r in site.requests if r.path.startswith("/news/"))
    base_rate, ours_rate = base_pages / base.seconds, ours_pages / ours.seconds
    kind = "light" if args.light else "heavy"
    print(
        f"site: {args.size} {kind} stories on 127.0.0.1, {weight / args.size / 1024:.0f} KB "
        "a page on average (wall time and peak RSS per crawl process)"
    )
    print(
        f"no-op spider      {base_pages:6d} pages {base.seconds:7.2f} s {base_rate:8.1f} pages/s"
        f"  peak {base.peak_mb:6.0f} MB  cpu {base.cpu:6.1f} s"
        f" ({1000 * base.cpu / max(base_pages, 1):.1f} ms a page)"
    )
    print(
        f"wirearchive crawl {ours_pages:6d} pages {ours.seconds:7.2f} s {ours_rate:8.1f} pages/s"
        f"  peak {ours.peak_mb:6.0f} MB  cpu {ours.cpu:6.1f} s"
        f" ({1000 * ours.cpu / max(ours_pages, 1):.1f} ms a page)"
    )
    print(
        f"  {counts['new']} new, {counts['quarantined']} quarantined, {counts['failed']} "
        f"failed; workers={args.workers}"
    )
    print(f"ratio: {ours_rate / base_rate:.1%} of the no-op spider's rate (goal: >= 60%)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
