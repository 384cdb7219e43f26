"""The feed reader: RSS and Atom entries with full text become items, teasers do not."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from wirearchive.crawler.readers.base import Extracted, ReadContext, Source
from wirearchive.crawler.readers.feed import (
    ATOM,
    READER,
    RSS,
    feed_links,
    read_feed,
    sanitize_html,
    sniff_feed,
)
from wirearchive.crawler.readers.html import READER as HTML
from wirearchive.crawler.readers.html import plain_text
from wirearchive.validators import Problem, Validator

FEEDS = Path(__file__).parents[2] / "data" / "feeds"
RSS_FEED = FEEDS / "rss-full-text.xml"
ATOM_FEED = FEEDS / "atom-full-content.xml"
NEWSML = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="urn:newsml:example.com:1" '
    b'version="1" standard="NewsML-G2" standardversion="2.29"><itemMeta/></newsItem>'
)
NITF = b'<?xml version="1.0"?>\n<nitf version="-//IPTC//DTD NITF 3.6//EN"><head><title>x</title>'


@pytest.fixture(scope="module")
def validator() -> Validator:
    return Validator("profile")


def _read(path: Path, context: ReadContext | None = None) -> list[Extracted]:
    return list(READER.read(Source.from_path(path), context or ReadContext()))


def _write(tmp_path: Path, data: bytes, name: str = "feed.xml") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _item(extracted: Extracted) -> dict[str, Any]:
    assert extracted.problem is None, extracted.problem
    assert extracted.item is not None
    return extracted.item


def _body(item: dict[str, Any]) -> tuple[str, str]:
    """The body's HTML and its text."""
    (body,) = item["bodies"]
    assert (body["role"], body["contentType"]) == ("main", "text/html")
    value: str = body["value"]
    return value, " ".join(plain_text(value).split())


def _one_problem(results: list[Extracted], rule: str, data: bytes) -> None:
    (extracted,) = results
    assert extracted.item is None
    assert extracted.problem is not None
    assert extracted.problem.rule == rule
    assert extracted.raw == data
    assert extracted.part is None


# --- RSS 2.0 ---------------------------------------------------------------------------


def test_every_rss_item_is_its_own_result_with_the_whole_feed_as_raw() -> None:
    results = _read(RSS_FEED)
    data = RSS_FEED.read_bytes()
    assert [r.part for r in results] == ["item 1", "item 2", "item 3"]
    assert all(r.raw == data and r.media_type == RSS and r.reader == "feed" for r in results)


def test_an_rss_item_with_content_encoded_gives_a_valid_item(validator: Validator) -> None:
    item = _item(_read(RSS_FEED)[0])
    report = validator.validate(item)
    assert report.valid, report.errors
    # The permalink guid is the identity; the tracking link is kept as an alternative.
    assert item["uri"] == "https://wire.example.com/2024/05/29/wheat-exports"
    assert item["altIds"] == [
        {
            "role": "link",
            "value": "https://wire.example.com/2024/05/29/wheat-exports?utm_source=rss",
        }
    ]
    assert item["headlines"] == [{"role": "main", "value": "Wheat exports rise for a third month"}]
    assert item["firstCreated"] == item["versionCreated"] == "2024-05-29T10:15:00+03:00"
    assert item["language"] == "en-US"
    assert item["by"] == "Martin Hale"
    assert [s["name"] for s in item["subjects"]] == ["Agriculture", "Trade"]
    assert item["located"] == "London"
    assert item["infoSources"] == [
        {"name": "Reuters", "role": "source"},
        {"name": "Example Wire", "role": "publisher", "uri": "https://wire.example.com/"},
    ]
    assert item["descriptions"] == [
        {"role": "summary", "value": "Wheat exports rose again in May, the statistics office said."}
    ]
    (picture,) = item["associations"]
    assert picture["uri"] == "https://wire.example.com/img/wheat.jpg"
    assert picture["renditions"][0] | {"width": 0} == {
        "name": "original",
        "href": "https://wire.example.com/img/wheat.jpg",
        "width": 0,
        "height": 800,
    }
    assert picture["descriptions"] == [{"role": "caption", "value": "A wheat field near Rostov"}]


def test_the_body_keeps_the_story_and_loses_scripts_frames_and_handlers() -> None:
    markup, text = _body(_item(_read(RSS_FEED)[0]))
    assert text.startswith("LONDON, May 29 (Reuters) - Wheat exports rose for a third month")
    assert text.endswith("Shipments reached 4.2 million tonnes in the period, the office said.")
    for hostile in ("<script", "document.cookie", "<iframe", "onclick", "javascript:"):
        assert hostile not in markup
    assert '<a href="https://wire.example.com/markets/grain">market data</a>' in markup


def test_an_opaque_guid_leaves_the_link_as_the_identity(validator: Validator) -> None:
    extracted = _read(RSS_FEED)[1]
    item = _item(extracted)
    assert validator.validate(item).valid
    assert item["uri"] == "https://wire.example.com/ru/2024/05/29/toplivo"
    assert item["altIds"] == [{"role": "guid", "value": "wire-ru-20240529-0042"}]
    assert item["language"] == "ru"  # the item's dc:language over the channel's
    assert item["by"] == "Олег Смирнов"  # "desk@... (Олег Смирнов)": the name, not the address
    assert item["firstCreated"] == "2024-05-29T12:00:00Z"
    assert item["located"] == "Москва"
    assert item["infoSources"][0] == {"name": "TASS", "role": "source"}
    assert "descriptions" not in item
    assert {"name": "uri", "detail": "link"} in extracted.steps


def test_a_teaser_only_item_is_refused_not_archived_as_the_story() -> None:
    extracted = _read(RSS_FEED)[2]
    assert extracted.item is None
    assert extracted.problem is not None
    assert extracted.problem.rule == "feed.no-full-text"
    assert "item 3 is a teaser" in extracted.problem.message
    assert extracted.part == "item 3"


def _rss(description: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>W</title>'
        "<link>https://w.example/</link><language>en</language><item><title>Grain</title>"
        "<link>https://w.example/grain</link><pubDate>Wed, 29 May 2024 10:15:00 GMT</pubDate>"
        f"<description>{description}</description></item></channel></rss>"
    ).encode()


def test_a_short_summary_is_a_teaser_and_a_long_one_a_story(tmp_path: Path) -> None:
    short = _read(_write(tmp_path, _rss("Grain shipments rose in May, traders said.")))
    assert short[0].problem is not None
    assert short[0].problem.rule == "feed.no-full-text"
    assert "summary of 7 words" in short[0].problem.message
    sentence = "Grain shipments through the port rose again in May, traders said on Wednesday. "
    story = _read(_write(tmp_path, _rss(f"&lt;p&gt;{sentence * 12}&lt;/p&gt;")))
    item = _item(story[0])
    assert item["bodies"][0]["wordCount"] == 13 * 12
    assert item["uri"] == "https://w.example/grain"


# --- Atom ------------------------------------------------------------------------------


def test_atom_entries_with_full_content_give_valid_items(validator: Validator) -> None:
    results = _read(ATOM_FEED)
    assert [r.part for r in results] == ["entry 1", "entry 2"]
    assert all(r.media_type == ATOM and r.raw == ATOM_FEED.read_bytes() for r in results)
    first, second = (_item(r) for r in results)
    for item in (first, second):
        report = validator.validate(item)
        assert report.valid, report.errors

    assert first["uri"] == "tag:nachrichten.example.de,2024:bahn-gueterverkehr"
    assert first["altIds"] == [
        {"role": "link", "value": "https://nachrichten.example.de/2024/05/29/bahn-gueterverkehr"}
    ]
    assert first["headlines"][0]["value"] == "Bahn meldet mehr Güterverkehr"  # type="html"
    assert first["firstCreated"] == "2024-05-29T09:30:00+02:00"
    assert first["versionCreated"] == "2024-05-29T11:45:00+02:00"
    assert first["language"] == "de"  # the feed's xml:lang
    assert first["by"] == "Sabine Hartmann"
    assert first["located"] == "Berlin"
    assert first["infoSources"][0] == {"name": "dpa", "role": "source"}
    assert first["subjects"] == [{"name": "Wirtschaft"}]
    assert first["descriptions"][0]["value"] == "Der Güterverkehr der Bahn ist im Mai gewachsen."
    assert first["associations"][0]["renditions"][0]["sizeInBytes"] == 48213
    markup, text = _body(first)
    assert markup.startswith("<p>Berlin (dpa) - Die Bahn")
    assert text.endswith("einen neuen Höchststand.")

    assert second["uri"] == "https://nachrichten.example.de/en/2024/05/29/steel"
    assert second["language"] == "en"  # xml:lang on the content, over the feed's
    assert "firstCreated" not in second  # no <published>: not invented from <updated>
    assert second["versionCreated"] == "2024-05-29T12:10:00Z"
    assert second["by"] == "Redaktion Beispiel"  # the feed's author
    markup, text = _body(second)
    assert "<em>smaller</em>" in markup  # xhtml content, namespace dropped
    assert "xmlns" not in markup
    assert text.startswith("Steel exports held steady in May")


def test_atom_text_content_becomes_paragraphs(tmp_path: Path) -> None:
    paragraphs = "Steel exports held steady in May.\n\nProducers said costs & prices < 5% rose."
    atom = (
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en"><title>W</title>'
        "<entry><id>urn:uuid:60a76c80-d399-11d9-b93C-0003939e0af6</id><title>Steel</title>"
        "<updated>2024-05-29T12:10:00Z</updated>"
        f"<content>{paragraphs.replace('&', '&amp;').replace('<', '&lt;')}</content></entry></feed>"
    ).encode()
    (extracted,) = _read(_write(tmp_path, atom))
    item = _item(extracted)
    assert item["uri"] == "urn:uuid:60a76c80-d399-11d9-b93C-0003939e0af6"
    markup, _ = _body(item)
    assert markup == (
        "<p>Steel exports held steady in May.</p>"
        "<p>Producers said costs &amp; prices &lt; 5% rose.</p>"
    )


def test_an_entry_without_any_identity_is_refused(tmp_path: Path) -> None:
    atom = (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><title>W</title><entry><title>x</title>'
        b"<id>not a uri</id><updated>2024-05-29T12:10:00Z</updated>"
        b'<content type="html">&lt;p&gt;Text.&lt;/p&gt;</content></entry></feed>'
    )
    (extracted,) = _read(_write(tmp_path, atom))
    assert extracted.problem is not None
    assert extracted.problem.rule == "feed.no-url"
    assert extracted.part == "entry 1"


def test_rss_1_0_items_are_read(tmp_path: Path, validator: Validator) -> None:
    rdf = (
        b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        b'xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        b'xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        b'<channel rdf:about="https://w.example/"><title>W</title><link>https://w.example/</link>'
        b"<dc:language>en</dc:language></channel>"
        b'<item rdf:about="https://w.example/a"><title>A</title><link>https://w.example/a</link>'
        b"<dc:date>2024-05-29T10:15:00+02:00</dc:date><dc:creator>Anna Moreau</dc:creator>"
        b"<content:encoded>&lt;p&gt;Prices eased slightly.&lt;/p&gt;</content:encoded></item>"
        b"</rdf:RDF>"
    )
    assert sniff_feed(rdf) == 90
    (extracted,) = _read(_write(tmp_path, rdf, "feed.rdf"))
    item = _item(extracted)
    assert validator.validate(item).valid
    assert (item["uri"], item["firstCreated"], item["by"]) == (
        "https://w.example/a",
        "2024-05-29T10:15:00+02:00",
        "Anna Moreau",
    )


# --- hostile and broken feeds ---------------------------------------------------------


@pytest.mark.parametrize("name", ["billion-laughs.xml", "xxe.xml"])
def test_hostile_feed_xml_is_one_problem_and_nothing_is_expanded(name: str) -> None:
    path = FEEDS / name
    start = time.perf_counter()
    results = _read(path)
    assert time.perf_counter() - start < 1.0
    _one_problem(results, "xml.entities", path.read_bytes())
    assert results[0].problem is not None
    assert "root:" not in results[0].problem.message  # /etc/passwd was never read
    assert "lollol" not in results[0].problem.message


@pytest.mark.parametrize("share", [0.3, 0.5, 0.97])
def test_a_truncated_feed_is_one_problem(tmp_path: Path, share: float) -> None:
    data = RSS_FEED.read_bytes()
    cut = data[: int(len(data) * share)]
    _one_problem(_read(_write(tmp_path, cut)), "xml.truncated", cut)


@pytest.mark.parametrize(
    ("data", "rule"),
    [
        (b"", "input.empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(64)), "input.binary"),
        (NEWSML, "feed.not-a-feed"),
        (b'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title></channel></rss>',
         "feed.empty"),
    ],
    ids=["empty", "binary", "newsml", "no-items"],
)  # fmt: skip
def test_broken_feeds_are_one_problem(tmp_path: Path, data: bytes, rule: str) -> None:
    _one_problem(_read(_write(tmp_path, data)), rule, data)


def test_an_over_limit_feed_is_not_read() -> None:
    size = RSS_FEED.stat().st_size
    (extracted,) = _read(RSS_FEED, ReadContext(max_bytes=size - 1))
    assert extracted.problem is not None
    assert extracted.problem.rule == "input.too-large"
    assert extracted.raw is None
    assert len(_read(RSS_FEED, ReadContext(max_bytes=size))) == 3


def test_sanitize_keeps_structure_and_drops_what_runs() -> None:
    dirty = (
        '<div class="x"><p style="color:red">One <b>bold</b><img src="/a.png" onerror="x()">'
        '</p><object data="x.swf">fallback</object><svg><script>alert(1)</script></svg>'
        '<table><tr><td colspan="2">cell</td></tr></table><a href=" JAVASCRIPT:x()">no</a></div>'
    )
    assert sanitize_html(dirty, "https://w.example/story") == (
        '<p>One <b>bold</b><img src="https://w.example/a.png"></p>'
        '<table><tr><td colspan="2">cell</td></tr></table><a>no</a>'
    )


# --- sniffing ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "score"),
    [
        (RSS_FEED.read_bytes()[:4096], 95),
        (ATOM_FEED.read_bytes()[:4096], 95),
        (b'<?xml version="1.0"?>\n<?xml-stylesheet href="s.xsl"?>\n<!-- a --><rss>', 95),
        (b"\xef\xbb\xbf<!DOCTYPE rss [<!ENTITY a 'b'>]><rss version='2.0'>", 95),
        (b"<!-- <nitf> and <newsItem> in a comment --><rss version='2.0'>", 95),
        (NEWSML, 0),
        (NITF, 0),
        (b"<!DOCTYPE html><html><head><title>A feed</title>", 0),
        (b'{"uri": "urn:x"}', 0),
    ],
    ids=["rss", "atom", "stylesheet", "doctype", "comment", "newsml", "nitf", "html", "json"],
)
def test_sniff_claims_feeds_and_nothing_else(head: bytes, score: int) -> None:
    assert READER.sniff(head, "input.xml") == score
    if score:
        assert HTML.sniff(head, "input.xml") == 0


# --- prologs and charsets feeds really arrive with ----------------------------------

CYRILLIC_HEADLINE = "В Алматы открылась новая станция метро"


@pytest.mark.parametrize(
    ("name", "charset"),
    [("rss-cp1251-undeclared.xml", "cp1251"), ("rss-koi8r-undeclared.xml", "koi8_r")],
)
def test_cyrillic_feed_without_a_declared_charset(
    name: str, charset: str, validator: Validator
) -> None:
    (extracted,) = _read(FEEDS / name)
    item = _item(extracted)
    assert item["headlines"][0]["value"] == CYRILLIC_HEADLINE
    assert item["bodies"][0]["value"].startswith("<p>АЛМАТЫ, 29 мая - Sputnik. В Алматы")
    assert item["language"] == "ru"
    assert item["located"] == "Алматы"
    details = [s.get("detail", "") for s in extracted.steps]
    assert f"no charset declared and not UTF-8: read as {charset} (detected)" in details
    assert validator.validate(item).valid


def test_white_space_before_the_xml_declaration(tmp_path: Path, validator: Validator) -> None:
    (extracted,) = _read(FEEDS / "rss-whitespace-before-declaration.xml")
    item = _item(extracted)
    assert item["headlines"][0]["value"] == CYRILLIC_HEADLINE
    assert validator.validate(item).valid
    assert extracted.raw == (FEEDS / "rss-whitespace-before-declaration.xml").read_bytes()
    # A BOM, then a newline, before the declaration: read the same.
    data = (FEEDS / "rss-whitespace-before-declaration.xml").read_bytes().lstrip()
    (with_bom,) = _read(_write(tmp_path, b"\xef\xbb\xbf\n" + data))
    assert _item(with_bom)["headlines"][0]["value"] == CYRILLIC_HEADLINE


def test_declared_utf8_holding_cp1251_bytes_is_still_refused(tmp_path: Path) -> None:
    data = (FEEDS / "rss-cp1251-undeclared.xml").read_bytes()
    declared = data.replace(b'<?xml version="1.0"?>', b'<?xml version="1.0" encoding="UTF-8"?>')
    (extracted,) = _read(_write(tmp_path, declared))
    assert extracted.item is None
    assert extracted.problem is not None


# --- entry links, for the crawler --------------------------------------------------------


def test_feed_links_in_order_teasers_included() -> None:
    # The crawler follows every entry to its page, teaser or not; the page is the story.
    links = feed_links(RSS_FEED.read_bytes(), "https://wire.example.com/rss.xml")
    assert links == [
        "https://wire.example.com/2024/05/29/wheat-exports?utm_source=rss",
        "https://wire.example.com/ru/2024/05/29/toplivo",
        "https://wire.example.com/2024/05/29/steel",
    ]
    atom = feed_links(ATOM_FEED.read_bytes(), "https://nachrichten.example.de/atom.xml")
    assert atom == [
        "https://nachrichten.example.de/2024/05/29/bahn-gueterverkehr",
        "https://nachrichten.example.de/en/2024/05/29/steel",
    ]


def test_feed_links_are_absolute_and_once_each() -> None:
    data = (
        b'<rss version="2.0"><channel><title>t</title>'
        b"<item><link>/a.html</link></item><item><link> /a.html </link></item>"
        b"<item><title>no link</title></item><item><link>b.html</link></item>"
        b"</channel></rss>"
    )
    assert feed_links(data, "http://127.0.0.1/news/feed.xml") == [
        "http://127.0.0.1/a.html",
        "http://127.0.0.1/news/b.html",
    ]


@pytest.mark.parametrize(
    ("data", "rule"),
    [
        ((FEEDS / "billion-laughs.xml").read_bytes(), "xml.entities"),
        ((FEEDS / "xxe.xml").read_bytes(), "xml.entities"),
        (RSS_FEED.read_bytes()[:1500], "xml.truncated"),
        (b"<html><body><p>moved</p></body></html>", "feed.not-a-feed"),
        (b"", "input.empty"),
    ],
    ids=["billion-laughs", "xxe", "truncated", "html", "empty"],
)
def test_feed_links_of_a_feed_the_reader_refuses_is_its_problem(data: bytes, rule: str) -> None:
    found = feed_links(data, "http://127.0.0.1/feed.xml")
    assert isinstance(found, Problem)
    assert found.rule == rule
    # The same verdict as the reader's, from the same parse.
    assert [e.problem.rule for e in read_feed(data, path="feed.xml") if e.problem] == [rule]
