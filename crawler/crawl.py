"""`wirearchive crawl SOURCE`: one scheduled crawl run of a source into an archive.

The run takes ``<archive>/crawl.lock`` first (a second run on the same archive exits 2
naming the pid and start time holding it), runs the `source` spider in-process with
Scrapy's CrawlerProcess, and prints the run's counts like `ingest` does.
Exit status: 0 nothing quarantined or failed; 1 some page quarantined or some URL failed
(the rest was archived); 2 usage error or fatal fault (unknown source, bad source file,
archive locked, crawler error).
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any, TextIO

import orjson
from wirearchive.archive import ArchiveError, Store, resolve_location
from wirearchive.archive.lock import CrawlLock, CrawlLocked

from .sources import SourceError
from .spiders.base import find_source

__all__ = ["crawl", "crawl_settings"]

EXIT_OK, EXIT_PROBLEMS, EXIT_FATAL = 0, 1, 2


def crawl_settings(
    archive: str, sources: str, source: str, overrides: list[str], command: list[str]
) -> Any:
    """The project's Scrapy settings with this run's values on top."""
    from scrapy.settings import Settings

    settings = Settings()
    settings.setmodule("wirearchive.crawler.settings", priority="project")
    settings.set("WIREARCHIVE_ARCHIVE", archive, priority="cmdline")
    settings.set("WIREARCHIVE_SOURCES", sources, priority="cmdline")
    settings.set("WIREARCHIVE_SOURCE", source, priority="cmdline")
    settings.set("WIREARCHIVE_COMMAND", command, priority="cmdline")
    for text in overrides:
        name, sep, value = text.partition("=")
        if not sep or not name:
            raise ArchiveError(f"-s {text!r}: expected NAME=VALUE")
        settings.set(name.strip(), value, priority="cmdline")
    return settings


def crawl(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    archive = resolve_location(args.archive)
    sources = args.sources or os.environ.get("WIREARCHIVE_SOURCES") or "sources"
    try:
        find_source(sources, args.source)  # names the bad file and key before anything runs
        Path(archive).mkdir(parents=True, exist_ok=True)
        lock = CrawlLock.acquire(archive)  # another run holds it: say who, exit 2
    except (SourceError, CrawlLocked) as exc:
        print(f"wirearchive: {exc}", file=stderr)
        return EXIT_FATAL
    try:
        settings = crawl_settings(
            archive, sources, args.source, args.settings, ["wirearchive", *args.argv]
        )
        from scrapy.crawler import CrawlerProcess

        from .spiders import SourceSpider

        process = CrawlerProcess(settings)
        crawler = process.create_crawler(SourceSpider)
        process.crawl(crawler, source=args.source)
        process.start()
        run_id = crawler.stats.get_value("wirearchive/run") if crawler.stats else None
    finally:
        lock.release()
    manifest = _manifest(archive, run_id)
    if manifest is None:
        print(f"wirearchive: crawl of {args.source} did not finish (see the log)", file=stderr)
        return EXIT_FATAL
    counts = manifest["counts"]
    problems = counts["quarantined"] or counts["failed"]
    if args.json:
        found = {"run": manifest["run"], **counts, "skipped": len(manifest.get("skipped", []))}
        stdout.write(orjson.dumps(found).decode() + "\n")
    else:
        for entry in manifest.get("failures", []):
            stdout.write(f"{entry['url']}: failed: {entry['rule']}: {entry['message']}\n")
        for entry in manifest.get("quarantined", []):
            stdout.write(f"{entry['url']}: quarantined: {entry['reason']}\n")
        total = sum(counts.values())
        stdout.write(
            f"{manifest['run']}: {args.source}: {total} URL{'s' if total != 1 else ''}: "
            f"{counts['new']} new, {counts['updated']} updated, {counts['unchanged']} "
            f"unchanged, {counts['quarantined']} quarantined, {counts['failed']} failed\n"
        )
    return EXIT_PROBLEMS if problems else EXIT_OK


def _manifest(archive: str, run_id: str | None) -> dict[str, Any] | None:
    if run_id is None:
        return None
    with Store.open(archive) as store:
        for manifest in store.runs(run=run_id):
            if "counts" in manifest:
                return dict(manifest)
    return None
