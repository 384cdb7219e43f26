"""Spider pieces: feed links, sitemap entries and their date filter, unreadable feeds and
sitemaps as failed URLs, HTTP exchanges, download limits."""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from scrapy import Request
from scrapy.exceptions import UsageError
from scrapy.http import HtmlResponse, XmlResponse
from wirearchive.crawler.pipelines import FetchFailed
from wirearchive.crawler.readers import Extracted
from wirearchive.crawler.readers.feed import feed_links
from wirearchive.crawler.readers.sitemap import SitemapEntry, read_sitemap
from wirearchive.crawler.sources import Source
from wirearchive.crawler.spiders import FeedSpider, SitemapSpider
from wirearchive.crawler.spiders.base import (
    apply_overrides,
    extract,
    extract_in_worker,
    http_exchange,
    worker_count,
)
from wirearchive.validators import Problem

from ._crawl_helpers import NewsSite, site_module


@pytest.fixture(scope="module")
def site() -> Iterator[Any]:
    with NewsSite(seed=9, size=30) as running:
        yield running


def _get(site: Any, path: str) -> bytes:
    with urllib.request.urlopen(site.url(path)) as response:
        data: bytes = response.read()
        return data


def test_feed_links_rss_and_atom(site: Any) -> None:
    rss = feed_links(_get(site, "/feed.xml"), site.url("/feed.xml"))
    atom = feed_links(_get(site, "/atom.xml"), site.url("/atom.xml"))
    newest = sorted(site.articles, key=lambda a: a.published, reverse=True)[:30]
    assert rss == [a.url for a in newest]
    assert atom == rss


def sitemap_entries(data: bytes) -> list[SitemapEntry]:
    found = read_sitemap(data)
    assert not isinstance(found, Problem), found
    return found


def _spider(cls: Any, site: Any, **source: Any) -> Any:
    spider = cls(source="fixture")
    spider.source = Source(name="fixture", allowed_domains=("127.0.0.1",), **source)
    spider.now = lambda: site.now
    spider.crawler = type("C", (), {"stats": None})()
    spider.store = None
    return spider


def _response(site: Any, path: str, via: str | None = None) -> XmlResponse:
    request = Request(site.url(path), meta={"wirearchive_via": via})
    return XmlResponse(site.url(path), body=_get(site, path), request=request)


def test_a_truncated_feed_is_a_failed_url_not_an_empty_feed(site: Any) -> None:
    spider = _spider(FeedSpider, site, feeds=(site.url(site_module.BROKEN_FEED_PATH),))
    found = list(spider.parse_feed(_response(site, site_module.BROKEN_FEED_PATH)))
    assert len(found) == 1
    failed = found[0]
    assert isinstance(failed, FetchFailed)
    assert (failed.url, failed.rule) == (site.url(site_module.BROKEN_FEED_PATH), "xml.truncated")
    assert failed.message.startswith("the feed cannot be read: ")
    assert "line" in failed.message
    good = list(spider.parse_feed(_response(site, "/feed.xml")))
    assert len(good) == site_module.FEED_SIZE
    assert all(isinstance(r, Request) for r in good)


def test_a_page_served_as_a_feed_is_refused(site: Any) -> None:
    spider = _spider(FeedSpider, site)
    response = HtmlResponse(site.url("/"), body=_get(site, "/"), request=Request(site.url("/")))
    (failed,) = spider.parse_feed(response)
    assert isinstance(failed, FetchFailed)
    # The home page is HTML, not well-formed XML: the feed reader's own verdict.
    assert failed.rule == "xml.syntax"
    assert failed.message.startswith("the feed cannot be read: ")


def test_a_broken_child_sitemap_fails_with_its_index_as_via(site: Any) -> None:
    index_url = site.url(site_module.BROKEN_INDEX_PATH)
    spider = _spider(SitemapSpider, site, sitemaps=(index_url,))
    children = list(spider.parse_sitemap(_response(site, site_module.BROKEN_INDEX_PATH)))
    assert [r.url for r in children] == [
        site.url(site_module.BROKEN_SITEMAP_PATH),
        site.url(site_module.GZIP_SITEMAP_PATH),
    ]
    assert all(r.meta["wirearchive_via"] == index_url for r in children)
    assert all(r.meta["wirearchive_listing"] == "sitemap" for r in children)
    broken = _response(site, site_module.BROKEN_SITEMAP_PATH, via=index_url)
    (failed,) = spider.parse_sitemap(broken)
    assert isinstance(failed, FetchFailed)
    assert (failed.rule, failed.via) == ("xml.truncated", index_url)
    assert failed.message.startswith("the sitemap cannot be read: ")
    packed = _response(site, site_module.GZIP_SITEMAP_PATH, via=index_url)
    pages = list(spider.parse_sitemap(packed))
    assert {r.url for r in pages} == {a.url for a in site.articles}


def test_an_http_error_on_a_feed_says_the_feed_gave_no_links(site: Any) -> None:
    from scrapy.http import Response
    from scrapy.spidermiddlewares.httperror import HttpError
    from twisted.python.failure import Failure

    spider = _spider(FeedSpider, site, feeds=(site.url("/gone.xml"),))
    request = spider.listing_request(site.url("/gone.xml"), "feed")
    error = HttpError(Response(request.url, status=404, request=request))
    failure = Failure(error)  # type: ignore[no-untyped-call]
    failure.request = request  # type: ignore[attr-defined]
    (failed,) = spider.failed(failure)
    assert (failed.rule, failed.message) == ("http.404", "404 Not Found: the feed gave no links")


def test_sitemap_index_and_news_sitemap(site: Any) -> None:
    index = sitemap_entries(_get(site, "/sitemap.xml"))
    assert [(e.url, e.is_sitemap) for e in index] == [(site.url("/sitemap-articles.xml"), True)]
    pages = sitemap_entries(_get(site, "/sitemap-articles.xml"))
    assert {e.url for e in pages} == {a.url for a in site.articles}
    news = sitemap_entries(_get(site, "/news-sitemap.xml"))
    published = {a.url: a.published for a in site.articles}
    assert news
    assert all(e.when == published[e.url] for e in news)


def test_sitemap_spider_filters_by_max_age(site: Any) -> None:
    spider = SitemapSpider(source="fixture")
    spider.source = Source(
        name="fixture", allowed_domains=("127.0.0.1",), sitemaps=(site.url("/sitemap.xml"),),
        sitemap_max_age=timedelta(days=1),
    )  # fmt: skip
    spider.now = lambda: site.now  # type: ignore[method-assign]
    spider.crawler = type("C", (), {"stats": None})()
    body = _get(site, "/news-sitemap.xml")
    response = XmlResponse(site.url("/news-sitemap.xml"), body=body)
    requests = [r for r in spider.parse_sitemap(response) if isinstance(r, Request)]
    fresh = {a.url for a in site.articles if site.now - a.published <= timedelta(days=1)}
    assert {r.url for r in requests} == fresh
    assert 0 < len(fresh) < len(sitemap_entries(body))
    assert all(r.meta["wirearchive_via"] == response.url for r in requests)
    assert all(r.meta["handle_httpstatus_list"] == [304] for r in requests)


def test_http_exchange_keeps_request_and_response_headers() -> None:
    request = Request("http://127.0.0.1/a.html", headers={"If-None-Match": '"x"'})
    response = HtmlResponse(
        request.url, status=200, headers={"ETag": '"y"'}, body=b"<html></html>", request=request
    )
    exchange = http_exchange(response)
    assert exchange.status == 200
    assert exchange.reason == "OK"
    assert exchange.header("etag") == '"y"'
    assert ("If-None-Match", '"x"') in exchange.request_headers


_PAGE = b"""<html lang="en"><head><title>Site | Old title</title>
<link rel="canonical" href="http://127.0.0.1/news/a.html"></head><body>
<h1 class="title">The real headline</h1><p class="by">By A. Writer</p>
<time datetime="2024-05-29T07:30:00+02:00">29 May</time>
<div class="story"><p>First paragraph of the story.</p><p>Second paragraph.</p></div>
</body></html>"""


def _extracted_and_response() -> tuple[Any, HtmlResponse]:
    url = "http://127.0.0.1/news/a.html"
    response = HtmlResponse(url, body=_PAGE, encoding="utf-8")
    item = {
        "uri": url,
        "type": "text",
        "headlines": [{"role": "main", "value": "Old title"}],
        "bodies": [{"role": "main", "contentType": "text/html", "value": "<p>menu</p>"}],
    }
    extracted = Extracted(url, "html", "0", _PAGE, "text/html", item=item)
    return extracted, response


def test_source_field_overrides_replace_what_the_reader_found() -> None:
    extracted, response = _extracted_and_response()
    fields = {
        "headline": "css:h1.title::text",
        "byline": "css:.by::text",
        "published": "xpath://time/@datetime",
        "body": "xpath://div[@class='story']/p",
    }
    result = apply_overrides(extracted, response, fields)
    assert result.item is not None
    assert result.item["headlines"] == [{"role": "main", "value": "The real headline"}]
    assert result.item["by"] == "By A. Writer"
    assert result.item["firstCreated"] == "2024-05-29T07:30:00+02:00"
    assert result.item["bodies"][0]["value"] == (
        "<p>First paragraph of the story.</p><p>Second paragraph.</p>"
    )
    assert result.steps[-1]["name"] == "override"
    assert "headline from css:h1.title::text" in result.steps[-1]["detail"]


def test_an_override_that_matches_nothing_keeps_the_readers_value() -> None:
    extracted, response = _extracted_and_response()
    result = apply_overrides(
        extracted, response, {"headline": "css:h2.gone::text", "published": "css:h1::text"}
    )
    assert result.item is not None
    assert result.item["headlines"][0]["value"] == "Old title"
    assert "firstCreated" not in result.item
    detail = result.steps[-1]["detail"]
    assert "headline: css:h2.gone::text matched nothing" in detail
    assert "published: css:h1::text gave 'The real headline', not a time" in detail
    assert apply_overrides(extracted, response, {}) is extracted


def test_autothrottle_lets_a_304_shorten_the_delay() -> None:
    from scrapy.core.downloader import Slot
    from scrapy.http import Response
    from scrapy.utils.test import get_crawler
    from wirearchive.crawler.middlewares import AutoThrottle

    crawler = get_crawler(settings_dict={"AUTOTHROTTLE_ENABLED": True})
    throttle = AutoThrottle(crawler)
    throttle.mindelay, throttle.maxdelay, throttle.target_concurrency = 0.0, 60.0, 2.0
    for status, shortened in ((304, True), (404, False), (200, True)):
        slot = Slot(concurrency=1, delay=5.0, jitter=0)
        response = Response("http://127.0.0.1/news/a.html", status=status)
        throttle._adjust_delay(slot, 0.01, response)
        assert (slot.delay < 5.0) is shortened, status


def test_the_download_limit_follows_wirearchive_max_bytes(tmp_path: Path) -> None:
    from scrapy.utils.test import get_crawler
    from wirearchive.crawler.spiders import UrlsSpider

    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "s.toml").write_text(
        'name = "s"\nallowed_domains = ["127.0.0.1"]\nstart_urls = ["http://127.0.0.1/a"]\n'
    )
    settings = {
        "WIREARCHIVE_SOURCES": str(sources),
        "WIREARCHIVE_ARCHIVE": str(tmp_path / "archive"),
        "WIREARCHIVE_MAX_BYTES": 1000,
    }
    crawler = get_crawler(UrlsSpider, settings_dict=settings)
    assert crawler.settings.getint("DOWNLOAD_MAXSIZE") == 1000
    assert crawler.settings.getint("DOWNLOAD_WARNSIZE") == 500
    # Settings, not the spider attributes Scrapy deprecated.
    spider = UrlsSpider.from_crawler(crawler, source="s")
    assert not hasattr(spider, "download_maxsize")


def test_worker_count_takes_a_number_or_auto() -> None:
    assert worker_count(0) == 0
    assert worker_count("3") == 3
    assert worker_count("-2") == 0
    assert worker_count("auto", cpus=8) == 7  # one CPU is the crawler's own
    assert worker_count(" AUTO ", cpus=1) == 0
    with pytest.raises(UsageError, match="WIREARCHIVE_WORKERS='many'"):
        worker_count("many")


def test_a_worker_sends_back_what_was_read_not_the_page(site: Any) -> None:
    article = next(a for a in site.articles if a.encoding == "utf-8")
    body = _get(site, article.path)
    retrieved = datetime(2024, 5, 29, 12, 0, tzinfo=UTC)
    here = extract(body, article.url, retrieved, "utf-8")
    there = extract_in_worker(body, article.url, retrieved, "utf-8")
    assert here.raw == body
    assert there.raw is None
    assert replace(there, raw=body) == here
