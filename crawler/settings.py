"""Scrapy settings for the wirearchive crawler (`scrapy.cfg` points here).

Our own settings are all prefixed ``WIREARCHIVE_``; each can be given on the command line
(``scrapy crawl feed -a source=NAME -s WIREARCHIVE_ARCHIVE=DIR``, or
``wirearchive crawl NAME -s WIREARCHIVE_BATCH=50``) or as an environment variable of the
same name for the three that locate things (archive, sources folder, source).
"""

from __future__ import annotations

import os

from wirearchive import __version__
from wirearchive.archive import resolve_location

BOT_NAME = "wirearchive"
SPIDER_MODULES = ["wirearchive.crawler.spiders"]
NEWSPIDER_MODULE = "wirearchive.crawler.spiders"

# --- wirearchive's own settings -----------------------------------------------------------

#: The archive folder the pipeline writes to, as everywhere else: `wirearchive crawl
#: --archive DIR` or ``-s WIREARCHIVE_ARCHIVE=DIR``, else $WIREARCHIVE_ARCHIVE, else
#: ./archive-data. (Set it to an empty string and the pipeline refuses to start,
#: naming this setting, rather than crawl into nothing.)
WIREARCHIVE_ARCHIVE = resolve_location(None)
#: The archive's catalog: `wirearchive crawl --catalog URL` or ``-s WIREARCHIVE_CATALOG=URL``
#: (a postgresql:// URL, shared by crawlers on several hosts), else $WIREARCHIVE_CATALOG,
#: else catalog.sqlite in the archive folder.
WIREARCHIVE_CATALOG = os.environ.get("WIREARCHIVE_CATALOG")
#: The folder of source files (one ``NAME.toml`` per source).
WIREARCHIVE_SOURCES = os.environ.get("WIREARCHIVE_SOURCES", "sources")
#: The source to crawl when the spider gets no ``-a source=NAME``.
WIREARCHIVE_SOURCE = os.environ.get("WIREARCHIVE_SOURCE")
#: Items per commit group: the pipeline makes its work durable every this many items
#: (and at the end of the run). A killed run loses at most one group, which the next run
#: fetches again.
WIREARCHIVE_BATCH = 50
#: Largest page accepted, in bytes; larger downloads are cancelled and recorded as errors.
#: The spiders set Scrapy's DOWNLOAD_MAXSIZE from it (and DOWNLOAD_WARNSIZE at half).
WIREARCHIVE_MAX_BYTES = 8 * 1024 * 1024
#: Revisit archived URLs that the source's revisit policy says are due at the start of
#: each run (catching corrections and updates).
WIREARCHIVE_REVISIT = True
#: Extract pages in this many worker processes (0: in the crawler's own process; auto:
#: one per CPU but the crawler's own). The extraction is CPU-bound (about 80 ms of CPU a
#: 100 KB news page, 15 times the rest of the crawl's work on it); workers keep the
#: downloader and the archive busy meanwhile, and die with the crawler.
WIREARCHIVE_WORKERS = "auto"
#: Responses waiting to be read hold their bytes and Scrapy's objects; past this many
#: bytes of them Scrapy stops fetching until the readers catch up (Scrapy's 5 MB lets a
#: crawl of small pages hold a thousand of them, 200 MB more at the peak).
SCRAPER_SLOT_MAX_ACTIVE_SIZE = 1_000_000
#: A distributed crawl's Redis (``wirearchive crawl --redis URL``, else this variable):
#: the workers given the same URL and source share one frontier (see crawler/frontier.py).
WIREARCHIVE_REDIS_URL = os.environ.get("WIREARCHIVE_REDIS_URL") or None
#: A distributed worker stops once the shared queue has been empty, and it has had nothing
#: in flight, for this many seconds (``--redis-idle-seconds``).
WIREARCHIVE_REDIS_IDLE_SECONDS = 10.0
#: A distributed worker's alive key lapses this many seconds after its last beat; then
#: the requests it had taken go back to the shared queue.
WIREARCHIVE_REDIS_LEASE_SECONDS = 30
#: A request whose workers died holding it this many times (a page that crashes whoever
#: reads it) is not queued again but recorded as a ``fetch.abandoned`` failure.
WIREARCHIVE_REDIS_LEASE_TRIES = 3
#: The lease of a tick (one scheduled run, whose first worker pushes the start list): it
#: is renewed by every live worker and lapses this many seconds after the last one stops.
WIREARCHIVE_REDIS_TICK_SECONDS = 60
#: The command line recorded in the run manifest (the crawl command fills it in).
WIREARCHIVE_COMMAND: list[str] = []

# --- politeness and safety ------------------------------------------------------------------

USER_AGENT = f"wirearchive/{__version__} (+https://github.com/wirearchive/wirearchive)"
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 4
AUTOTHROTTLE_ENABLED = True
#: Ours lets a 304 shorten the delay as a 200 does: recrawls are mostly 304s.
EXTENSIONS = {
    "scrapy.extensions.throttle.AutoThrottle": None,
    "wirearchive.crawler.middlewares.AutoThrottle": 0,
    "scrapy.extensions.telnet.TelnetConsole": None,
    "scrapy.extensions.remote_control.RemoteControl": None,
}
AUTOTHROTTLE_START_DELAY = 0.5
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
DOWNLOAD_DELAY = 0
DOWNLOAD_TIMEOUT = 30
# Retries on 5xx and timeouts, each retry waiting longer (see middlewares.BackoffRetry).
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
#: First retry delay in seconds; it doubles on each further retry.
WIREARCHIVE_RETRY_BACKOFF = 0.5
#: Longest wait between retries, in seconds.
WIREARCHIVE_RETRY_BACKOFF_MAX = 30.0
COOKIES_ENABLED = False
# No remote control of a crawl: Scrapy's telnet console (a Python prompt on a local port)
# and its remote-control HTTP server (runs posted Python code, announces itself in a job
# file) are both on by default in Scrapy; a scheduled archiver needs neither.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
REDIRECT_MAX_TIMES = 5
METAREFRESH_ENABLED = False

DOWNLOADER_MIDDLEWARES = {
    # Every request, redirects included, is checked against the source's allowed domains
    # (Source.allows: stricter than Scrapy's host match, which ours replaces); a refusal
    # reaches the request's errback and is recorded as that URL's error.
    "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
    "wirearchive.crawler.middlewares.SourceDomainsMiddleware": 50,
    "wirearchive.crawler.middlewares.ConditionalRequestMiddleware": 560,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    # Scrapy's robots.txt middleware lets requests that wait for robots.txt through
    # unchecked when several wait at once; ours gives each waiter the parser.
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "wirearchive.crawler.middlewares.RobotsTxtMiddleware": 100,
    "wirearchive.crawler.middlewares.BackoffRetryMiddleware": 550,
}

ITEM_PIPELINES = {
    "wirearchive.crawler.pipelines.ArchivePipeline": 300,
}

#: For `scrapy crawl` and scrapyd; `wirearchive crawl` logs only errors unless given
#: ``-v`` (INFO) or ``--log-level LEVEL``.
LOG_LEVEL = "INFO"
