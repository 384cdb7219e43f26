"""ArchivePipeline in-process: no crawler, no reactor, plain values."""

from __future__ import annotations

import urllib.request
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from scrapy import Request
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.settings import Settings
from wirearchive.archive import Capture, HttpExchange, Store
from wirearchive.crawler.pipelines import (
    INTERRUPTED_STAT,
    ArchivePipeline,
    CrawledPage,
    FetchFailed,
    NotModifiedPage,
    Settled,
)
from wirearchive.crawler.spiders.base import extract

from ._crawl_helpers import NewsSite


class Stats:
    def __init__(self) -> None:
        self.values: Counter[str] = Counter()

    def inc_value(self, key: str, count: int = 1) -> None:
        self.values[key] += count

    def set_value(self, key: str, value: Any) -> None:
        self.values[key] = value

    def get_value(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)


@pytest.fixture(scope="module")
def pages() -> Iterator[list[tuple[str, bytes, dict[str, str]]]]:
    with NewsSite(seed=5, size=20) as site:
        found = []
        for article in site.articles[:3]:
            with urllib.request.urlopen(article.url) as response:
                found.append((article.url, response.read(), dict(response.headers)))
        yield found


def _page(url: str, body: bytes, headers: dict[str, str], status: int = 200) -> CrawledPage:
    now = datetime.now(UTC)
    exchange = HttpExchange(status, "OK", tuple(headers.items()), "GET", (("Host", "x"),))
    capture = Capture(body, url, headers.get("Content-Type", "text/html"), now, http=exchange)
    return CrawledPage(url, capture, extract(body, url, now), {"via": url + "?feed"})


def test_valid_invalid_304_and_failure(
    pages: list[tuple[str, bytes, dict[str, str]]], tmp_path: Path
) -> None:
    stats = Stats()
    store = Store.open(str(tmp_path / "archive"))
    pipeline = ArchivePipeline(store, source="fixture", batch=2, stats=stats)
    pipeline.open_spider()
    url, body, headers = pages[0]
    pipeline.process_item(_page(url, body, headers))
    pipeline.process_item(_page(*pages[1]))
    assert pipeline.counts.new == 2  # a batch of two was committed at once
    with pytest.raises(DropItem, match=r"quarantined .*: html\.not-html at \$"):
        pipeline.process_item(_page("http://127.0.0.1/x.html", b"just text, no markup", {}))
    state = store.url_state(url)
    assert state is not None
    assert state["etag"] == headers["ETag"]
    exchange = HttpExchange(304, "Not Modified", (("ETag", headers["ETag"]),))
    capture = Capture(b"", url, "text/html", http=exchange)
    pipeline.process_item(NotModifiedPage(url, state["id"], capture, {}))
    failed = FetchFailed("http://127.0.0.1/gone.html", "http.404", "404 Not Found", url)
    assert pipeline.process_item(failed) is failed
    pipeline.close_spider()
    assert pipeline.counts.to_dict() == {
        "new": 2, "updated": 0, "unchanged": 1, "quarantined": 1, "failed": 1, "skipped": 0,
    }  # fmt: skip
    assert stats.values["wirearchive/new"] == 2
    assert stats.values["wirearchive/rule/html.not-html"] == 1
    assert stats.values["wirearchive/error/http.404"] == 1
    with Store.open(str(tmp_path / "archive")) as reopened:
        manifest = reopened.runs()[-1]
        record = reopened.get(url)
    assert manifest["counts"]["quarantined"] == 1
    assert manifest["validation"]["html.not-html"] == {"errors": 1, "warnings": 0}
    assert manifest["failures"] == [failed.to_dict()]
    assert manifest["quarantined"][0]["url"] == "http://127.0.0.1/x.html"
    assert record is not None
    derived = record["provenance"]["wasDerivedFrom"]
    assert derived == {"url": url, "via": url + "?feed"}
    assert record["provenance"]["capture"]["httpStatus"] == 200
    assert manifest["status"] == "finished"


def test_a_run_stopped_by_a_signal_has_an_interrupted_manifest(
    pages: list[tuple[str, bytes, dict[str, str]]], tmp_path: Path
) -> None:
    stats = Stats()
    store = Store.open(str(tmp_path / "archive"))
    pipeline = ArchivePipeline(store, source="fixture", batch=50, stats=stats)
    pipeline.open_spider()
    pipeline.process_item(_page(*pages[0]))
    stats.set_value(INTERRUPTED_STAT, "SIGTERM")  # what `wirearchive crawl` sets on a signal
    pipeline.close_spider()
    with Store.open(str(tmp_path / "archive")) as reopened:
        (manifest,) = reopened.runs()
        assert reopened.get(pages[0][0]) is not None  # the queued page was committed
    assert manifest["status"] == "interrupted"
    assert manifest["counts"]["new"] == 1


class SettledLeases:
    """The frontier's side the pipeline calls: which lease tokens it marked parsed and
    which it settled, in order."""

    def __init__(self) -> None:
        self.parsed_tokens: list[str] = []
        self.settled: list[str] = []

    def parsed(self, tokens: list[str]) -> None:
        self.parsed_tokens.extend(tokens)

    def settle(self, tokens: list[str]) -> None:
        self.settled.extend(tokens)


def test_a_lease_is_settled_once_what_came_of_it_is_durable(
    pages: list[tuple[str, bytes, dict[str, str]]], tmp_path: Path
) -> None:
    store = Store.open(str(tmp_path / "archive"))
    pipeline = ArchivePipeline(store, source="fixture", batch=50, stats=Stats())
    frontier = SettledLeases()
    pipeline.frontier = frontier
    pipeline.open_spider()
    pipeline.process_item(_page(*pages[0]))  # queued in the group, not yet durable
    given_up = FetchFailed(
        "http://127.0.0.1/crashes-its-reader", "fetch.abandoned", "3 workers taking it stopped"
    )
    pipeline.abandoned(given_up, "abandoned:3:w:7")
    pipeline.commit()
    # A page's lease is settled once its group is committed; a failure's (the frontier's
    # given-up request, an errback's failed fetch) only once the run manifest is written,
    # as the manifest is all that records it.
    failed = FetchFailed("http://127.0.0.1/gone.html", "http.404", "404 Not Found")
    pipeline.process_item(failed)
    pipeline.process_item(Settled("8", in_manifest=True))
    pipeline.process_item(_page(*pages[1]))
    pipeline.process_item(Settled("9"))
    pipeline.commit()
    pipeline.process_item(Settled("10"))  # nothing queued: at once
    assert frontier.settled == ["9", "10"]
    pipeline.close_spider()
    assert frontier.settled == ["9", "10", "abandoned:3:w:7", "8"]
    # Each page's lease was marked parsed as it came: a death now is not the page's fault.
    assert frontier.parsed_tokens == ["8", "9", "10"]
    with Store.open(str(tmp_path / "archive")) as reopened:
        manifest = reopened.runs()[-1]
    assert manifest["counts"]["failed"] == 2
    assert manifest["failures"] == [given_up.to_dict(), failed.to_dict()]


def test_a_redirect_to_a_url_already_asked_for_is_a_skip_naming_both(tmp_path: Path) -> None:
    store = Store.open(str(tmp_path / "archive"))
    pipeline = ArchivePipeline(store, source="fixture", stats=Stats())
    story = "http://127.0.0.1/news/2024/05/29/story.html"
    moved = Request(story, meta={"redirect_urls": ["http://127.0.0.1/news/moved.html"]})
    moved.meta["wirearchive_via"] = "http://127.0.0.1/feed.xml"
    pipeline.dropped(moved)
    pipeline.dropped(Request(story))  # a link seen twice: nothing to say
    pipeline.close_spider()
    with Store.open(str(tmp_path / "archive")) as reopened:
        (manifest,) = reopened.runs()
    assert manifest["skipped"] == [
        {
            "url": "http://127.0.0.1/news/moved.html",
            "rule": "fetch.redirect-seen",
            "message": f"redirects to {story}, which this run fetches already",
            "via": "http://127.0.0.1/feed.xml",
        }
    ]
    assert manifest["counts"]["skipped"] == 1


def test_from_crawler_needs_the_archive_setting() -> None:
    crawler = SimpleNamespace(settings=Settings({"WIREARCHIVE_ARCHIVE": None}), stats=None)
    with pytest.raises(NotConfigured, match="WIREARCHIVE_ARCHIVE"):
        ArchivePipeline.from_crawler(crawler)


def test_the_archive_setting_defaults_like_the_cli(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    from wirearchive.crawler import settings

    monkeypatch.setenv("WIREARCHIVE_ARCHIVE", "/tmp/from-env")
    assert importlib.reload(settings).WIREARCHIVE_ARCHIVE == "/tmp/from-env"
    monkeypatch.delenv("WIREARCHIVE_ARCHIVE")
    assert importlib.reload(settings).WIREARCHIVE_ARCHIVE == "archive-data"


def test_quarantined_pages_fill_a_group_and_a_slow_crawl_commits_on_time(
    tmp_path: Path,
) -> None:
    store = Store.open(str(tmp_path / "archive"))
    pipeline = ArchivePipeline(store, batch=2, max_delay=3600.0)
    pipeline.open_spider()
    for n in range(2):
        with pytest.raises(DropItem):
            pipeline.process_item(_page(f"http://127.0.0.1/{n}.html", b"no markup %d" % n, {}))
    assert pipeline.counts.quarantined == 2  # committed with the group, not at close
    assert len(store.quarantined()) == 2
    slow = ArchivePipeline(store, batch=100, max_delay=0.0)
    slow.open_spider()
    with pytest.raises(DropItem):
        slow.process_item(_page("http://127.0.0.1/late.html", b"no markup, late", {}))
    assert slow.counts.quarantined == 1  # over max_delay: committed at once
