"""Spider pieces: feed links, sitemap entries and their date filter, HTTP exchanges."""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse, XmlResponse
from wirearchive.crawler.sources import Source
from wirearchive.crawler.spiders import SitemapSpider, feed_links, sitemap_entries
from wirearchive.crawler.spiders.base import http_exchange

from ._crawl_helpers import NewsSite


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
