"""The sitemap reader: urlsets, indexes, Google News dates, gzip, and what it refuses."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from wirearchive.crawler.readers.sitemap import SitemapEntry, parse_when, read_sitemap
from wirearchive.validators import Problem

SITEMAPS = Path(__file__).parents[2] / "data" / "sitemaps"


def _bytes(name: str) -> bytes:
    return (SITEMAPS / name).read_bytes()


def _entries(data: bytes) -> list[SitemapEntry]:
    found = read_sitemap(data)
    assert not isinstance(found, Problem), found
    return found


def _problem(data: bytes) -> Problem:
    found = read_sitemap(data)
    assert isinstance(found, Problem), found
    return found


def test_urlset_pages_in_order_with_their_lastmod() -> None:
    entries = _entries(_bytes("sitemap.xml"))
    assert [e.url for e in entries] == [
        "http://www.example.com/",
        "http://www.example.com/catalog?item=12&desc=vacation_hawaii",
        "http://www.example.com/catalog?item=73&desc=vacation_new_zealand",
        "http://www.example.com/catalog?item=74&desc=vacation_newfoundland",
        "http://www.example.com/catalog?item=83&desc=vacation_usa",
    ]
    assert not any(e.is_sitemap for e in entries)
    assert [e.when for e in entries] == [
        datetime(2005, 1, 1, tzinfo=UTC),
        None,
        datetime(2004, 12, 23, tzinfo=UTC),
        datetime(2004, 12, 23, 18, 0, 15, tzinfo=UTC),
        datetime(2004, 11, 23, tzinfo=UTC),
    ]


def test_an_image_loc_is_never_taken_for_a_page() -> None:
    urls = {e.url for e in _entries(_bytes("sitemap.xml"))}
    assert "http://www.example.com/photos/newfoundland.jpg" not in urls


def test_sitemap_index_gives_child_sitemaps() -> None:
    entries = _entries(_bytes("sitemap-index.xml"))
    assert entries == [
        SitemapEntry(
            "http://www.example.com/sitemap1.xml.gz",
            True,
            datetime(2004, 10, 1, 18, 23, 17, tzinfo=UTC),
        ),
        SitemapEntry(
            "http://www.example.com/sitemap2.xml.gz", True, datetime(2005, 1, 1, tzinfo=UTC)
        ),
    ]


def test_news_publication_date_wins_over_lastmod() -> None:
    entries = _entries(_bytes("news-sitemap.xml"))
    assert [e.when for e in entries] == [
        datetime(2008, 12, 23, tzinfo=UTC),
        datetime(2008, 12, 23, 14, 30, tzinfo=timezone(timedelta(hours=1))),
    ]


def test_gzip_sitemap_reads_as_the_plain_one() -> None:
    plain = _bytes("sitemap.xml")
    assert _entries(gzip.compress(plain)) == _entries(plain)


def test_truncated_gzip_and_gzip_bomb_are_refused() -> None:
    packed = gzip.compress(_bytes("sitemap.xml"))
    cut = _problem(packed[: len(packed) // 2])
    assert cut.rule == "sitemap.gzip"
    assert "truncated" in cut.message
    assert _problem(b"\x1f\x8b\x08\x00garbage").rule == "sitemap.gzip"
    bomb = gzip.compress(b" " * (2 * 1024 * 1024))
    found = read_sitemap(bomb, max_unpacked=1024 * 1024)
    assert isinstance(found, Problem)
    assert found.rule == "sitemap.too-large"
    assert "1,048,576" in found.message


@pytest.mark.parametrize("name", ["sitemap.xml", "news-sitemap.xml", "sitemap-index.xml"])
def test_truncated_sitemap_is_xml_truncated(name: str) -> None:
    data = _bytes(name)
    for cut in (len(data) // 3, len(data) // 2, len(data) - 12):
        problem = _problem(data[:cut])
        assert problem.rule == "xml.truncated", (cut, problem)
        assert "line" in problem.message


@pytest.mark.parametrize("name", ["billion-laughs.xml", "xxe.xml"])
def test_entity_declarations_are_refused(name: str) -> None:
    problem = _problem(_bytes(name))
    assert problem.rule == "xml.entities"
    assert "lollol" not in problem.message
    assert "root:" not in problem.message


def test_a_feed_or_a_page_is_not_a_sitemap() -> None:
    rss = b'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title></channel></rss>'
    problem = _problem(rss)
    assert problem.rule == "sitemap.not-a-sitemap"
    assert "<rss>" in problem.message
    assert _problem(b"<html><body><p>Not here</p></body></html>").rule == "sitemap.not-a-sitemap"
    assert _problem(b"  \n").rule == "input.empty"
    assert _problem(b"<urlset><url><loc>x</loc></url></urlset> trailing").rule == "xml.syntax"


def test_whitespace_before_the_xml_declaration_is_tolerated() -> None:
    assert _entries(b"\n\n  " + _bytes("sitemap-index.xml")) == _entries(
        _bytes("sitemap-index.xml")
    )


def test_a_sitemap_without_namespace_and_an_empty_one() -> None:
    bare = b"<urlset><url><loc> http://a.example/1 </loc><lastmod>soon</lastmod></url></urlset>"
    assert _entries(bare) == [SitemapEntry("http://a.example/1", False, None)]
    empty = b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"></urlset>'
    assert _entries(empty) == []


def test_parse_when() -> None:
    assert parse_when("2024-05-29T07:30:00Z") == datetime(2024, 5, 29, 7, 30, tzinfo=UTC)
    assert parse_when(" 2024-05-29 ") == datetime(2024, 5, 29, tzinfo=UTC)
    assert parse_when("2024-05") is None
    assert parse_when("") is None
    assert parse_when(None) is None
