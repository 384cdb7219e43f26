"""`wirearchive crawl SOURCE`: one scheduled crawl run of a source into an archive.

The run takes the archive's crawl lock first (archive/lock.py: a second run on the same
archive exits 2 naming the pid and start time holding it), runs the `source` spider in-process with
Scrapy's CrawlerProcess, and prints the run's counts like `ingest` does.
Exit status: 0 nothing quarantined or failed; 1 some page quarantined or some URL failed
(the rest was archived); 2 usage error or fatal fault (unknown source, bad source file,
archive locked, crawler error); 130 stopped by SIGINT or SIGTERM.

Quiet by default: only our lines (failed URLs, quarantined pages, the run's counts) and
Scrapy's errors; ``-v`` adds Scrapy's INFO log, ``--log-level LEVEL`` sets it outright.
A SIGINT or SIGTERM stops the crawl gracefully: the pages fetched so far go through the
pipeline and are committed, the run manifest is written with ``"status": "interrupted"``,
and the run ends with one line on stderr and exit status 130. A second signal ends the
process at once (the archive stays consistent: at most the queued group is lost).

With ``--redis URL`` (or $WIREARCHIVE_REDIS_URL) the run is one worker of a distributed
crawl (crawler/frontier.py): it shares the frontier in Redis with the other workers of the
source and takes the crawl lock *shared*, since the frontier, not the lock, keeps the
workers from fetching the same page twice; a plain crawl of the archive still excludes them.
"""

from __future__ import annotations

import argparse
import os
import signal
from dataclasses import dataclass, field
from types import FrameType
from typing import Any, TextIO, cast

import orjson
from wirearchive.archive import ArchiveError, Store, resolve_location
from wirearchive.archive.lock import CrawlLock, CrawlLocked

from .exits import EXIT_FATAL, EXIT_INTERRUPTED, EXIT_OK, EXIT_PROBLEMS
from .frontier import check_url, redacted
from .pipelines import INTERRUPTED_STAT
from .sources import SourceError
from .spiders.base import find_source

__all__ = ["crawl", "crawl_settings", "log_level"]

#: Scrapy's log level when neither -v nor --log-level is given: only its errors.
QUIET = "ERROR"


def log_level(args: argparse.Namespace) -> str | None:
    """Scrapy's log level the command line asks for: --log-level, else INFO for -v."""
    explicit: str | None = getattr(args, "log_level", None)
    if explicit:
        return explicit.upper()
    return "INFO" if getattr(args, "verbose", False) else None


def crawl_settings(
    archive: str,
    sources: str,
    source: str,
    overrides: list[str],
    command: list[str],
    level: str | None = None,
    redis: str | None = None,
    idle_seconds: float | None = None,
) -> Any:
    """The project's Scrapy settings with this run's values on top.

    `level` (from -v/--log-level) wins over ``-s LOG_LEVEL=...``; without it, a
    ``-s LOG_LEVEL`` wins over the quiet default.
    """
    from scrapy.settings import Settings

    settings = Settings()
    settings.setmodule("wirearchive.crawler.settings", priority="project")
    settings.set("WIREARCHIVE_ARCHIVE", archive, priority="cmdline")
    settings.set("WIREARCHIVE_SOURCES", sources, priority="cmdline")
    settings.set("WIREARCHIVE_SOURCE", source, priority="cmdline")
    settings.set("WIREARCHIVE_COMMAND", command, priority="cmdline")
    settings.set("LOG_LEVEL", QUIET, priority="cmdline")
    for text in overrides:
        name, sep, value = text.partition("=")
        if not sep or not name:
            raise ArchiveError(f"-s {text!r}: expected NAME=VALUE")
        settings.set(name.strip(), value, priority="cmdline")
    if level is not None:
        settings.set("LOG_LEVEL", level, priority="cmdline")
    if redis is not None:
        settings.set("WIREARCHIVE_REDIS_URL", redis, priority="cmdline")
    if idle_seconds is not None:
        settings.set("WIREARCHIVE_REDIS_IDLE_SECONDS", idle_seconds, priority="cmdline")
    return settings


@dataclass
class _Interruption:
    """Turns the first SIGINT/SIGTERM into a graceful stop, and the second into an exit."""

    signame: str | None = None
    crawler: Any = None
    process: Any = None
    #: Set once the reactor stopped: the run is over, a signal changes nothing now.
    finished: bool = False
    _previous: dict[int, Any] = field(default_factory=dict)

    def install(self) -> None:
        for number in _SIGNALS:
            self._previous[number] = signal.signal(number, self._received)

    def restore(self) -> None:
        for number, handler in self._previous.items():
            signal.signal(number, handler)

    def _received(self, number: int, frame: FrameType | None) -> None:
        if self.finished:
            return
        if self.signame is not None:
            # Nothing is written here (the interrupted code may be writing to stderr):
            # the archive is consistent at every moment; the queued group is lost.
            os._exit(EXIT_INTERRUPTED)
        self.signame = signal.Signals(number).name
        if self.process is None:
            raise _Stopped  # before Scrapy started: nothing fetched, nothing to commit
        from twisted.internet import reactor

        reactor.callFromThread(self._stop)

    def _stop(self) -> None:
        """In the reactor: mark the run interrupted, then stop the crawl gracefully."""
        crawler = self.crawler
        if crawler.stats is not None:
            crawler.stats.set_value(INTERRUPTED_STAT, self.signame)
        engine = getattr(crawler, "engine", None)
        if crawler.crawling and (engine is None or not engine.running):
            from twisted.internet import reactor

            # Still opening: stop once it runs (Twisted's stubs type the reactor oddly).
            cast(Any, reactor).callLater(0.05, self._stop)
            return
        self.process.stop()


class _Stopped(Exception):
    """A signal arrived before the crawl started."""


_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def crawl(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    interruption = _Interruption()
    interruption.install()
    try:
        return _crawl(args, stdout, stderr, interruption)
    except _Stopped:
        print(
            f"wirearchive: interrupted ({interruption.signame}) before the crawl of "
            f"{args.source} started: nothing fetched",
            file=stderr,
        )
        return EXIT_INTERRUPTED
    finally:
        interruption.restore()


def _crawl(
    args: argparse.Namespace, stdout: TextIO, stderr: TextIO, interruption: _Interruption
) -> int:
    archive = resolve_location(args.archive)
    sources = args.sources or os.environ.get("WIREARCHIVE_SOURCES") or "sources"
    redis = getattr(args, "redis", None) or os.environ.get("WIREARCHIVE_REDIS_URL") or None
    try:
        find_source(sources, args.source)  # names the bad file and key before anything runs
        if redis is not None:
            _reach(redis, "--redis" if getattr(args, "redis", None) else "WIREARCHIVE_REDIS_URL")
        # another run holds it: say who, exit 2
        lock = CrawlLock.acquire(archive, shared=redis is not None, catalog=args.catalog)
    except (SourceError, CrawlLocked, _Unreachable) as exc:
        print(f"wirearchive: {exc}", file=stderr)
        return EXIT_FATAL
    try:
        settings = crawl_settings(
            archive,
            sources,
            args.source,
            args.settings,
            ["wirearchive", *_without_secrets(args.argv)],
            level=log_level(args),
            redis=redis,
            idle_seconds=getattr(args, "redis_idle_seconds", None),
        )
        if args.catalog:
            settings.set("WIREARCHIVE_CATALOG", args.catalog, priority="cmdline")
        from scrapy.crawler import CrawlerProcess

        from .spiders import SourceSpider

        process = CrawlerProcess(settings)
        crawler = process.create_crawler(SourceSpider)
        process.crawl(crawler, source=args.source)
        interruption.crawler, interruption.process = crawler, process
        # Scrapy's own handlers would log and stop, but not mark the run; ours do both.
        process.start(install_signal_handlers=False)
        interruption.finished = True
        run_id = crawler.stats.get_value("wirearchive/run") if crawler.stats else None
    finally:
        lock.release()
    manifest = _manifest(archive, run_id, settings.get("WIREARCHIVE_CATALOG") or None)
    if manifest is None:
        if interruption.signame is not None:
            print(
                f"wirearchive: interrupted ({interruption.signame}): the crawl of "
                f"{args.source} stopped before its run manifest was written",
                file=stderr,
            )
            return EXIT_INTERRUPTED
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
    if manifest.get("status") == "interrupted":
        archived = counts["new"] + counts["updated"] + counts["unchanged"]
        print(
            f"wirearchive: interrupted ({interruption.signame or 'signal'}): {archived} "
            f"page{'s' if archived != 1 else ''} archived; run {manifest['run']} marked "
            "interrupted",
            file=stderr,
        )
        return EXIT_INTERRUPTED
    return EXIT_PROBLEMS if problems else EXIT_OK


class _Unreachable(Exception):
    """The Redis of a distributed crawl is not a Redis URL or does not answer."""


def _reach(url: str, where: str) -> None:
    """Fail before Scrapy starts, naming the URL, if the frontier's Redis cannot be used."""
    from scrapy.exceptions import UsageError

    try:
        check_url(url, where)
    except UsageError as exc:
        raise _Unreachable(str(exc)) from None
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=10).ping()
    except redis.RedisError as exc:
        raise _Unreachable(f"{where} {redacted(url)}: cannot reach Redis: {exc}") from None


def _without_secrets(argv: list[str]) -> list[str]:
    """The command line for the run manifest, a Redis URL's password replaced."""
    found = list(argv)
    for index, arg in enumerate(found):
        for option in ("--redis", "--catalog"):
            if arg == option and index + 1 < len(found):
                found[index + 1] = redacted(found[index + 1])
            elif arg.startswith(option + "="):
                found[index] = f"{option}=" + redacted(arg.partition("=")[2])
    return found


def _manifest(archive: str, run_id: str | None, catalog: str | None) -> dict[str, Any] | None:
    if run_id is None:
        return None
    with Store.open(archive, catalog=catalog) as store:
        for manifest in store.runs(run=run_id):
            if "counts" in manifest:
                return dict(manifest)
    return None
