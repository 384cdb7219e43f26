"""The fixture news site itself: feeds, sitemaps, pages, charsets, errors, validators, mutations."""

from __future__ import annotations

import hashlib
import http.client
import json
import re
import threading
import time
import urllib.error
import urllib.request
import urllib.robotparser
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from email.message import Message
from email.utils import format_datetime, parsedate_to_datetime
from typing import IO, Any

import lxml.html
import pytest
from lxml import etree
from wirearchive.text.dateline import parse_dateline

from tests.crawler.conftest import NewsSiteFactory
from tests.crawler.site import (
    FEED_SIZE,
    FLAKY_PATH,
    HEAVY_MAX_BYTES,
    HEAVY_MIN_BYTES,
    HUGE_MIN_BYTES,
    HUGE_PATH,
    MIN_SIZE,
    MISSING_PATH,
    MOVED_PATH,
    NEWS_WINDOW,
    OFFSITE_PATH,
    OFFSITE_TARGET,
    PRIVATE_PATH,
    Article,
    NewsSite,
)

NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
    "atom": "http://www.w3.org/2005/Atom",
}
XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)
URL_PATH = re.compile(r"^/news/(\d{4})/(\d{2})/(\d{2})/([a-z0-9-]+)\.html$")
ETAG = re.compile(r'^"[0-9a-f]{32}"$')


# ----------------------------------------------------------------------------- helpers


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: Message,
        newurl: str,
    ) -> None:
        return None


# No proxies (whatever the environment says) and no redirects: tests see every status.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect())


@dataclass(frozen=True)
class Fetched:
    status: int
    headers: Message
    body: bytes

    @property
    def etag(self) -> str:
        return self.headers["ETag"]

    @property
    def last_modified(self) -> datetime:
        return parsedate_to_datetime(self.headers["Last-Modified"])


def fetch(url: str, headers: dict[str, str] | None = None, method: str = "GET") -> Fetched:
    request = urllib.request.Request(url, headers=headers or {}, method=method)
    try:
        with _OPENER.open(request, timeout=10) as response:
            return Fetched(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        with error:
            return Fetched(error.code, error.headers, error.read())


def parse_xml(body: bytes) -> Any:
    """The document's root; `Any`, as lxml's stubs type XPath results too loosely to use."""
    return etree.fromstring(body, XML_PARSER)


def parse_html(text: bytes | str) -> Any:
    return lxml.html.fromstring(text)


def xml(site: NewsSite, path: str) -> Any:
    fetched = fetch(site.url(path))
    assert fetched.status == 200
    return parse_xml(fetched.body)


def page(article: Article, fetched: Fetched) -> Any:
    return parse_html(fetched.body.decode(article.encoding))


def story_paragraphs(doc: Any) -> list[str]:
    return [p.text_content() for p in doc.xpath("//article//div[@class='story-body']/p")]


def jsonld(doc: Any) -> list[dict[str, Any]]:
    return [json.loads(text) for text in doc.xpath("//script[@type='application/ld+json']/text()")]


def newest(site: NewsSite, n: int = FEED_SIZE) -> list[Article]:
    return sorted(site.articles, key=lambda a: a.published, reverse=True)[:n]


def without_chrome(body: bytes) -> bytes:
    return re.sub(rb'<div class="site-status">.*?</div>', b"", body)


# ----------------------------------------------------------------------------- inventory


def test_the_default_site_has_sixty_stories_in_three_languages(news_site: NewsSite) -> None:
    articles = news_site.articles
    assert len(articles) == 60
    assert len({a.slug for a in articles}) == len({a.url for a in articles}) == 60
    assert Counter(a.language for a in articles) == {"en": 24, "de": 18, "ru": 18}
    assert [a.published for a in articles] == sorted(a.published for a in articles)
    assert all(a.published <= news_site.now for a in articles)
    # Half with JSON-LD, and each language has stories with and without.
    assert sum(a.has_jsonld for a in articles) == 30
    assert {(a.language, a.has_jsonld) for a in articles} == {
        (code, flag) for code in ("en", "de", "ru") for flag in (True, False)
    }
    encodings = Counter((a.language, a.encoding, a.charset_declared) for a in articles)
    assert encodings[("ru", "windows-1251", True)] == 5
    assert encodings[("ru", "windows-1251", False)] == 2
    assert sum(n for (_, enc, _), n in encodings.items() if enc == "windows-1251") == 7
    for article in articles:
        match = URL_PATH.match(article.path)
        assert match, article.path
        assert article.url == news_site.base_url + article.path
        assert tuple(map(int, match.groups()[:3])) == (
            article.published.year,
            article.published.month,
            article.published.day,
        )
        assert match.group(4) == article.slug
        assert 4 <= len(article.paragraphs) <= 8
        assert article.paragraphs[0].startswith(article.dateline)
        assert article.modified >= article.published


def test_same_seed_same_site_other_seed_other_site(make_news_site: NewsSiteFactory) -> None:
    one, two, other = make_news_site(seed=5), make_news_site(seed=5), make_news_site(seed=6)
    assert one.base_url != two.base_url

    def stories(site: NewsSite) -> list[Article]:
        return [replace(a, url=a.path) for a in site.articles]

    assert stories(one) == stories(two)
    assert [a.headline for a in stories(one)] != [a.headline for a in stories(other)]
    path = one.articles[17].path
    assert fetch(one.url(path)).body.replace(one.base_url.encode(), b"BASE") == fetch(
        two.url(path)
    ).body.replace(two.base_url.encode(), b"BASE")


def test_size_scales_the_site(make_news_site: NewsSiteFactory) -> None:
    big = make_news_site(size=1200)
    locs = xml(big, "/sitemap-articles.xml").xpath("/sm:urlset/sm:url/sm:loc/text()", namespaces=NS)
    assert len(locs) == len(set(locs)) == 1200
    assert len(xml(big, "/feed.xml").xpath("/rss/channel/item")) == FEED_SIZE
    with pytest.raises(ValueError, match="at least"):
        NewsSite(size=MIN_SIZE - 1)


def test_a_site_has_no_base_url_before_it_starts() -> None:
    site = NewsSite()
    with pytest.raises(RuntimeError, match="not been started"):
        _ = site.base_url
    assert not site.running


# ----------------------------------------------------------------------------- feeds and maps


def test_rss_lists_the_newest_thirty_stories(news_site: NewsSite) -> None:
    root = xml(news_site, "/feed.xml")
    assert root.tag == "rss"
    assert root.get("version") == "2.0"
    items = root.xpath("/rss/channel/item")
    expected = newest(news_site)
    assert [item.findtext("link") for item in items] == [a.url for a in expected]
    assert [item.findtext("title") for item in items] == [a.headline for a in expected]
    assert [parsedate_to_datetime(item.findtext("pubDate")) for item in items] == [
        a.published for a in expected
    ]
    for url in (expected[0].url, expected[-1].url):
        assert fetch(url).status == 200


def test_atom_lists_the_newest_thirty_stories(news_site: NewsSite) -> None:
    root = xml(news_site, "/atom.xml")
    assert root.tag == "{http://www.w3.org/2005/Atom}feed"
    entries = root.xpath("atom:entry", namespaces=NS)
    expected = newest(news_site)
    assert [e.xpath("atom:link/@href", namespaces=NS)[0] for e in entries] == [
        a.url for a in expected
    ]
    assert [e.findtext("atom:title", namespaces=NS) for e in entries] == [
        a.headline for a in expected
    ]
    assert [datetime.fromisoformat(e.findtext("atom:updated", namespaces=NS)) for e in entries] == [
        a.modified for a in expected
    ]


def test_sitemap_index_points_at_every_story_with_lastmod(news_site: NewsSite) -> None:
    index = xml(news_site, "/sitemap.xml")
    assert index.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}sitemapindex"
    locs = index.xpath("sm:sitemap/sm:loc/text()", namespaces=NS)
    assert locs == [news_site.url("/sitemap-articles.xml")]
    urlset = parse_xml(fetch(locs[0]).body)
    listed = {
        url.findtext("sm:loc", namespaces=NS): datetime.fromisoformat(
            url.findtext("sm:lastmod", namespaces=NS)
        )
        for url in urlset.xpath("sm:url", namespaces=NS)
    }
    assert listed == {a.url: a.modified for a in news_site.articles}
    assert news_site.flaky_article.url not in listed
    assert news_site.private_article.url not in listed


def test_news_sitemap_lists_the_last_two_days(news_site: NewsSite) -> None:
    urls = xml(news_site, "/news-sitemap.xml").xpath("sm:url", namespaces=NS)
    since = news_site.now - NEWS_WINDOW
    expected = [a for a in news_site.articles if a.published >= since]
    assert 0 < len(expected) < len(news_site.articles)
    assert len(urls) == len(expected)
    for url, article in zip(urls, expected, strict=True):
        assert url.findtext("sm:loc", namespaces=NS) == article.url
        news = url.find("news:news", namespaces=NS)
        published = news.findtext("news:publication_date", namespaces=NS)
        assert datetime.fromisoformat(published) == article.published
        assert news.findtext("news:title", namespaces=NS) == article.headline
        assert news.findtext("news:publication/news:language", namespaces=NS) == article.language
        assert news.findtext("news:publication/news:name", namespaces=NS)


def test_robots_disallows_private_and_names_the_sitemaps(news_site: NewsSite) -> None:
    fetched = fetch(news_site.url("/robots.txt"))
    assert fetched.headers["Content-Type"] == "text/plain; charset=utf-8"
    robots = urllib.robotparser.RobotFileParser()
    robots.parse(fetched.body.decode().splitlines())
    assert not robots.can_fetch("AnyBot", news_site.url(PRIVATE_PATH))
    assert robots.can_fetch("AnyBot", news_site.articles[0].url)
    assert robots.can_fetch("AnyBot", news_site.url(FLAKY_PATH))
    assert robots.site_maps() == [
        news_site.url("/sitemap.xml"),
        news_site.url("/news-sitemap.xml"),
    ]
    # The disallowed page exists, and the home page links to it: a crawler must choose not to.
    assert fetch(news_site.url(PRIVATE_PATH)).status == 200
    assert PRIVATE_PATH.encode() in fetch(news_site.url("/")).body


def test_home_page_links_the_newest_stories_and_the_special_urls(news_site: NewsSite) -> None:
    doc = parse_html(fetch(news_site.url("/")).body)
    assert doc.xpath("//ul[@class='latest']/li/a/@href") == [a.path for a in newest(news_site)]
    assert set(doc.xpath("//ul[@class='more']/li/a/@href")) == {
        MOVED_PATH,
        FLAKY_PATH,
        MISSING_PATH,
        OFFSITE_PATH,
        PRIVATE_PATH,
    }


# ----------------------------------------------------------------------------- article pages


@pytest.mark.parametrize("heavy", [False, True], ids=["light", "heavy"])
def test_every_article_page_is_a_realistic_news_page(
    make_news_site: NewsSiteFactory, heavy: bool
) -> None:
    news_site = make_news_site(heavy=heavy)
    paths = {a.path for a in news_site.articles}
    for article in news_site.articles:
        fetched = fetch(article.url)
        assert fetched.status == 200
        doc = page(article, fetched)
        assert doc.get("lang") == article.language
        assert doc.findtext(".//title").startswith(article.headline + " | ")
        assert doc.xpath("//link[@rel='canonical']/@href") == [article.url]
        assert doc.xpath("//meta[@property='og:url']/@content") == [article.url]
        assert doc.xpath("//meta[@property='og:title']/@content") == [article.headline]
        charsets = doc.xpath("//meta/@charset")
        assert charsets == ([article.encoding] if article.charset_declared else [])
        assert doc.xpath("//header//nav//a")
        assert doc.xpath("//footer")
        related = doc.xpath("//aside[@class='related']//a/@href")
        assert related
        assert set(related) <= paths - {article.path}
        assert doc.xpath("//article/h1/text()") == [article.headline]
        assert article.author in doc.xpath("string(//article/p[@class='byline'])")
        assert doc.xpath("//article/time/@datetime") == [article.published.isoformat()]
        assert story_paragraphs(doc) == list(article.paragraphs)
        dateline = parse_dateline(article.paragraphs[0])
        assert dateline is not None, article.paragraphs[0]
        assert (dateline.day, dateline.month) == (article.published.day, article.published.month)
        assert dateline.language == article.language
        assert article.paragraphs[0][dateline.end :].strip()
        data = jsonld(doc)
        if not article.has_jsonld:
            assert data == []
            continue
        assert len(data) == 1
        assert data[0]["@type"] == "NewsArticle"
        assert data[0]["headline"] == article.headline
        assert datetime.fromisoformat(data[0]["datePublished"]) == article.published
        assert datetime.fromisoformat(data[0]["dateModified"]) == article.modified
        assert data[0]["author"]["name"] == article.author
        assert data[0]["publisher"]["name"]
        assert data[0]["inLanguage"] == article.language


def test_heavy_pages_carry_the_weight_of_real_news_pages(make_news_site: NewsSiteFactory) -> None:
    site = make_news_site(heavy=True)
    light = make_news_site()
    paths = {a.path for a in site.articles}
    sizes = []
    for article in site.articles:
        fetched = fetch(article.url)
        sizes.append(len(fetched.body))
        assert HEAVY_MIN_BYTES <= len(fetched.body) <= HEAVY_MAX_BYTES, article.url
        doc = page(article, fetched)
        # The chrome of a real page: a mega menu, share bars, teaser lists, ad slots, a
        # cookie banner, a newsletter box, inline CSS and a page-state script.
        assert len(doc.xpath("//nav[@class='mega-menu']//a")) >= 40
        assert len(doc.xpath("//div[contains(@class, 'share-bar')]")) == 2
        assert len(doc.xpath("//div[contains(@class, 'share-bar')]//svg")) == 12
        teasers = doc.xpath("//aside[@class='most-read' or @class='section-more']//li")
        assert len(teasers) >= 10
        links = doc.xpath("//aside[@class='most-read']//a/@href")
        assert links
        assert set(links) <= paths - {article.path}
        assert doc.xpath("//div[@class='ad-slot']")
        assert doc.xpath("//div[@class='cookie-banner']")
        assert doc.xpath("//div[@class='newsletter']//form")
        assert len(doc.xpath("string(//head/style)")) > 5000
        (state,) = doc.xpath("//script[@id='__NEXT_DATA__']/text()")
        data = json.loads(state)
        # The story is in the page's state too, as on a server-rendered site.
        assert data["props"]["pageProps"]["article"]["paragraphs"] == list(article.paragraphs)
        # Under the chrome, the same story as the light site's page.
        assert story_paragraphs(doc) == list(article.paragraphs)
        twin = fetch(light.url(article.path))
        assert story_paragraphs(page(article, twin)) == list(article.paragraphs)
    assert max(sizes) - min(sizes) > 20 * 1024  # weights vary from page to page


def test_windows_1251_pages_declare_it_in_header_and_meta(news_site: NewsSite) -> None:
    pages = [a for a in news_site.articles if a.encoding == "windows-1251" and a.charset_declared]
    assert len(pages) == 5
    for article in pages:
        fetched = fetch(article.url)
        assert fetched.headers["Content-Type"] == "text/html; charset=windows-1251"
        assert b'<meta charset="windows-1251">' in fetched.body
        assert article.headline.encode("cp1251") in fetched.body
        text = fetched.body.decode("cp1251")
        assert all(_html_text(p) in text for p in article.paragraphs)
        assert re.search("[а-яА-Я]{5}", article.paragraphs[1])
        with pytest.raises(UnicodeDecodeError):
            fetched.body.decode("utf-8")


def test_two_windows_1251_pages_declare_no_charset_anywhere(news_site: NewsSite) -> None:
    pages = [a for a in news_site.articles if not a.charset_declared]
    assert len(pages) == 2
    for article in pages:
        assert (article.language, article.encoding) == ("ru", "windows-1251")
        fetched = fetch(article.url)
        assert fetched.headers["Content-Type"] == "text/html"
        assert b"charset" not in fetched.body.lower()
        assert not fetched.body.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"))
        assert article.headline.encode("cp1251") in fetched.body
        assert _html_text(article.paragraphs[-1]) in fetched.body.decode("cp1251")
        with pytest.raises(UnicodeDecodeError):
            fetched.body.decode("utf-8")


def test_other_russian_pages_are_utf8(news_site: NewsSite) -> None:
    article = next(a for a in news_site.articles if a.language == "ru" and a.encoding == "utf-8")
    fetched = fetch(article.url)
    assert fetched.headers["Content-Type"] == "text/html; charset=utf-8"
    assert article.headline in fetched.body.decode("utf-8")


def _html_text(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("'", "&#x27;")


# ----------------------------------------------------------------------------- special urls


def test_missing_and_unknown_pages_are_404(news_site: NewsSite) -> None:
    for path in (MISSING_PATH, "/news/2024/05/29/no-such-story.html", "/nope"):
        assert fetch(news_site.url(path)).status == 404


def test_flaky_page_fails_once_then_serves_its_story(news_site: NewsSite) -> None:
    url = news_site.url(FLAKY_PATH)
    first, second, third = fetch(url), fetch(url), fetch(url)
    assert (first.status, second.status, third.status) == (500, 200, 200)
    assert "ETag" not in first.headers
    article = news_site.flaky_article
    assert story_paragraphs(page(article, second)) == list(article.paragraphs)
    assert second.body == third.body
    assert [r.status for r in news_site.requests if r.path == FLAKY_PATH] == [500, 200, 200]


def test_flaky_failures_is_a_knob(make_news_site: NewsSiteFactory) -> None:
    site = make_news_site(flaky_failures=3)
    assert [fetch(site.url(FLAKY_PATH)).status for _ in range(5)] == [500, 500, 500, 200, 200]


def test_redirects_are_301_onsite_and_302_offsite(news_site: NewsSite) -> None:
    moved = fetch(news_site.url(MOVED_PATH))
    assert moved.status == 301
    assert moved.headers["Location"] == news_site.moved_target.url
    assert moved.headers["Location"] in {a.url for a in news_site.articles}
    assert fetch(moved.headers["Location"]).status == 200
    offsite = fetch(news_site.url(OFFSITE_PATH))
    assert offsite.status == 302
    assert offsite.headers["Location"] == OFFSITE_TARGET == "http://example.invalid/elsewhere"


def test_huge_page_streams_more_than_twelve_mebibytes(news_site: NewsSite) -> None:
    url = news_site.url(HUGE_PATH)
    head = fetch(url, method="HEAD")
    assert head.status == 200
    assert head.body == b""
    length = int(head.headers["Content-Length"])
    assert length > HUGE_MIN_BYTES == 12 * 1024 * 1024
    digest, total, start = hashlib.sha256(), 0, b""
    request = urllib.request.Request(url)
    with _OPENER.open(request, timeout=10) as response:
        assert response.status == 200
        assert response.headers["ETag"] == head.headers["ETag"]
        while chunk := response.read(1 << 20):
            start = start or chunk
            digest.update(chunk)
            total += len(chunk)
    assert total == length
    assert head.headers["ETag"] == f'"{digest.hexdigest()[:32]}"'
    article = news_site.huge_article
    assert f"<h1>{article.headline}</h1>".encode() in start
    again = fetch(url, {"If-None-Match": head.headers["ETag"]})
    assert (again.status, again.body) == (304, b"")


# ----------------------------------------------------------------------------- validators

VALIDATED = [
    "/",
    "/feed.xml",
    "/atom.xml",
    "/sitemap.xml",
    "/sitemap-articles.xml",
    "/news-sitemap.xml",
    "/robots.txt",
    PRIVATE_PATH,
    "first article",
    "undeclared windows-1251 article",
]


@pytest.mark.parametrize("which", VALIDATED)
def test_conditional_requests_get_304_without_body(news_site: NewsSite, which: str) -> None:
    if which == "first article":
        path = news_site.articles[0].path
    elif which == "undeclared windows-1251 article":
        path = next(a.path for a in news_site.articles if not a.charset_declared)
    else:
        path = which
    url = news_site.url(path)
    full = fetch(url)
    assert full.status == 200
    assert ETAG.match(full.etag), full.etag
    assert full.etag == f'"{hashlib.sha256(full.body).hexdigest()[:32]}"'
    since = full.headers["Last-Modified"]
    earlier = format_datetime(full.last_modified - timedelta(seconds=1), usegmt=True)

    by_etag = fetch(url, {"If-None-Match": full.etag})
    assert (by_etag.status, by_etag.body) == (304, b"")
    assert by_etag.etag == full.etag
    assert by_etag.headers["Last-Modified"] == since
    assert fetch(url, {"If-None-Match": f'"other", W/{full.etag}'}).status == 304
    assert fetch(url, {"If-Modified-Since": since}).status == 304
    assert fetch(url, {"If-Modified-Since": earlier}).status == 200
    # If-None-Match wins over If-Modified-Since.
    assert fetch(url, {"If-None-Match": '"other"', "If-Modified-Since": since}).status == 200
    assert fetch(url, {"If-Modified-Since": "not a date"}).status == 200
    assert [r.status for r in news_site.requests] == [200, 304, 304, 304, 200, 200, 200]


def test_head_answers_with_headers_only(news_site: NewsSite) -> None:
    article = news_site.articles[3]
    got, head = fetch(article.url), fetch(article.url, method="HEAD")
    assert (head.status, head.body) == (200, b"")
    assert head.headers["Content-Length"] == str(len(got.body))
    assert head.etag == got.etag


# ----------------------------------------------------------------------------- mutations


def test_touch_timestamp_changes_validators_not_the_story(news_site: NewsSite) -> None:
    article, neighbour = news_site.articles[40], news_site.articles[41]
    before = fetch(article.url)
    untouched = {
        path: fetch(news_site.url(path)).etag
        for path in (neighbour.path, "/feed.xml", "/atom.xml", "/sitemap-articles.xml", "/")
    }
    touched = news_site.touch_timestamp(article.slug)
    after = fetch(article.url)

    assert after.etag != before.etag
    assert after.last_modified > before.last_modified
    assert after.last_modified == touched.updated == news_site.now
    assert without_chrome(after.body) == without_chrome(before.body)
    assert f"{touched.updated:%H:%M}".encode() in re.findall(rb"site-status.*", after.body)[0]
    assert touched.views > article.views
    assert (touched.paragraphs, touched.headline, touched.modified) == (
        article.paragraphs,
        article.headline,
        article.modified,
    )
    assert story_paragraphs(page(touched, after)) == list(article.paragraphs)
    assert fetch(article.url, {"If-None-Match": before.etag}).status == 200
    assert fetch(article.url, {"If-Modified-Since": before.headers["Last-Modified"]}).status == 200
    assert fetch(article.url, {"If-None-Match": after.etag}).status == 304
    assert {path: fetch(news_site.url(path)).etag for path in untouched} == untouched


def test_restyle_renames_every_class_and_keeps_the_text(news_site: NewsSite) -> None:
    article = news_site.articles[12]
    before = fetch(article.url)
    home = fetch(news_site.url("/")).etag
    restyled = news_site.restyle("v2")[12]
    after = fetch(article.url)

    assert after.etag != before.etag
    assert after.last_modified > before.last_modified
    old_classes = set(re.findall(rb'class="([^"]+)"', before.body))
    new_classes = set(re.findall(rb'class="([^"]+)"', after.body))
    assert old_classes  # the page had classes to rename
    assert not old_classes & new_classes
    assert all(name.startswith(b"v2-") for name in new_classes)
    assert b'id="v2-title"' in after.body
    assert b'data-block="text"' in after.body
    assert b"style=" in after.body
    paragraphs = page(restyled, after).xpath("//article//div[@class='v2-story-body']/p")
    assert [p.text_content() for p in paragraphs] == list(article.paragraphs)
    assert (restyled.headline, restyled.modified) == (article.headline, article.modified)
    assert fetch(article.url, {"If-None-Match": before.etag}).status == 200
    assert fetch(article.url, {"If-Modified-Since": before.headers["Last-Modified"]}).status == 200
    assert fetch(news_site.url("/")).etag == home  # story pages only


def test_edit_body_changes_one_paragraph_and_date_modified(news_site: NewsSite) -> None:
    article = next(a for a in news_site.articles if a.has_jsonld and a.language == "de")
    before = fetch(article.url)
    edited = news_site.edit_body(article.slug)
    after = fetch(article.url)

    changed = [
        i
        for i, (a, b) in enumerate(zip(article.paragraphs, edited.paragraphs, strict=True))
        if a != b
    ]
    assert len(changed) == 1
    assert changed[0] > 0
    assert len(edited.paragraphs) == len(article.paragraphs)
    assert edited.modified > article.modified
    assert edited.headline == article.headline
    doc = page(edited, after)
    assert story_paragraphs(doc) == list(edited.paragraphs)
    assert datetime.fromisoformat(jsonld(doc)[0]["dateModified"]) == edited.modified
    assert after.etag != before.etag
    assert after.last_modified > before.last_modified
    urlset = xml(news_site, "/sitemap-articles.xml")
    lastmod = urlset.xpath(f"sm:url[sm:loc='{article.url}']/sm:lastmod/text()", namespaces=NS)
    assert [datetime.fromisoformat(value) for value in lastmod] == [edited.modified]

    chosen = news_site.edit_body(article.slug, "Ein ganz neuer Satz.")
    differ = [(a, b) for a, b in zip(edited.paragraphs, chosen.paragraphs, strict=True) if a != b]
    assert len(differ) == 1
    assert differ[0][1].endswith("Ein ganz neuer Satz.")
    assert (
        "Ein ganz neuer Satz."
        in story_paragraphs(page(chosen, fetch(chosen.url)))[chosen.paragraphs.index(differ[0][1])]
    )


def test_edit_headline_reaches_page_and_feeds(news_site: NewsSite) -> None:
    article = news_site.articles[-1]
    edited = news_site.edit_headline(article.slug)
    assert edited.headline != article.headline
    assert article.headline in edited.headline
    assert edited.paragraphs == article.paragraphs
    assert edited.modified > article.modified
    doc = page(edited, fetch(edited.url))
    assert doc.xpath("//article/h1/text()") == [edited.headline]
    assert doc.xpath("//meta[@property='og:title']/@content") == [edited.headline]
    assert xml(news_site, "/feed.xml").xpath("/rss/channel/item[1]/title/text()") == [
        edited.headline
    ]
    assert news_site.edit_headline(article.slug, "Plain new headline").headline == (
        "Plain new headline"
    )
    with pytest.raises(KeyError, match="no-such-slug"):
        news_site.edit_headline("no-such-slug")


def test_add_articles_puts_new_stories_in_feeds_and_sitemaps(news_site: NewsSite) -> None:
    old = news_site.articles
    old_page = fetch(old[0].url)
    added = news_site.add_articles(3)
    assert len(added) == 3
    assert news_site.articles == [*[news_site.article(a.slug) for a in old], *added]
    assert all(a.published > old[-1].published for a in added)
    newest_first = [a.url for a in reversed(added)]
    rss = xml(news_site, "/feed.xml").xpath("/rss/channel/item/link/text()")
    assert rss[:3] == newest_first
    assert len(rss) == FEED_SIZE
    atom = xml(news_site, "/atom.xml").xpath("atom:entry/atom:link/@href", namespaces=NS)
    assert atom[:3] == newest_first
    sitemap = xml(news_site, "/sitemap-articles.xml")
    assert set(sitemap.xpath("sm:url/sm:loc/text()", namespaces=NS)) == {
        a.url for a in news_site.articles
    }
    news = xml(news_site, "/news-sitemap.xml").xpath("sm:url/sm:loc/text()", namespaces=NS)
    assert set(newest_first) <= set(news)
    for article in added:
        fetched = fetch(article.url)
        assert fetched.status == 200
        assert story_paragraphs(page(article, fetched)) == list(article.paragraphs)
    # Adding stories leaves the old pages as they were.
    assert fetch(old[0].url).etag == old_page.etag


# ----------------------------------------------------------------------------- the request log


def test_request_log_records_every_request(news_site: NewsSite) -> None:
    article = news_site.articles[0]
    fetch(news_site.url("/robots.txt?x=1"), {"X-Probe": "one"})
    fetch(article.url, method="HEAD")
    fetch(news_site.url(PRIVATE_PATH))
    fetch(news_site.url(MISSING_PATH))
    fetch(news_site.url(MOVED_PATH))
    fetch(news_site.url("/feed.xml"), method="POST")
    log = news_site.requests
    assert [(r.method, r.path, r.status) for r in log] == [
        ("GET", "/robots.txt?x=1", 200),
        ("HEAD", article.path, 200),
        ("GET", PRIVATE_PATH, 200),
        ("GET", MISSING_PATH, 404),
        ("GET", MOVED_PATH, 301),
        ("POST", "/feed.xml", 405),
    ]
    assert log[0].headers["x-probe"] == "one"
    assert log[0].headers["user-agent"].startswith("Python-urllib")
    assert any(r.path.startswith("/private/") for r in log)
    news_site.reset_log()
    assert news_site.requests == []
    fetch(news_site.url("/"))
    assert [r.path for r in news_site.requests] == ["/"]


def test_concurrent_requests_are_all_served_and_logged(news_site: NewsSite) -> None:
    urls = [a.url for a in news_site.articles[:40]]
    expected = {url: fetch(url).body for url in urls}
    news_site.reset_log()
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(fetch, urls))
    assert [r.status for r in results] == [200] * 40
    assert [r.body for r in results] == [expected[url] for url in urls]
    assert sorted(r.path for r in news_site.requests) == sorted(
        a.path for a in news_site.articles[:40]
    )


def test_a_slow_download_does_not_block_other_requests(news_site: NewsSite) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", int(news_site.base_url.rsplit(":", 1)[1]))
    try:
        connection.request("GET", HUGE_PATH)
        response = connection.getresponse()
        assert len(response.read(1024)) == 1024  # and then stop reading mid-stream
        assert fetch(news_site.url("/robots.txt")).status == 200
    finally:
        connection.close()


# ----------------------------------------------------------------------------- shutdown


def _live_threads() -> set[threading.Thread]:
    return set(threading.enumerate())


def test_stop_closes_idle_and_busy_connections_and_frees_the_port(
    make_news_site: NewsSiteFactory,
) -> None:
    threads_before = _live_threads()
    site = make_news_site()
    port = int(site.base_url.rsplit(":", 1)[1])
    idle = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    busy = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        idle.request("GET", "/robots.txt")
        assert idle.getresponse().read()  # keep-alive: the connection stays open, idle
        busy.request("GET", HUGE_PATH)
        assert busy.getresponse().read(1024)  # a download stalled mid-stream
        started = time.monotonic()
        site.stop()
        assert time.monotonic() - started < 2
    finally:
        idle.close()
        busy.close()
    assert not site.running
    assert not (_live_threads() - threads_before)
    with pytest.raises(urllib.error.URLError):
        _OPENER.open(site.url("/robots.txt"), timeout=2)
    site.stop()  # stopping twice is harmless
    with pytest.raises(RuntimeError, match="starts once"):
        site.start()
