"""The NITF reader against the real samples, field by field, and NITF's corners: with and
without namespace, compact dates, datelines, media, tables and missing identity."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from lxml import etree
from wirearchive.crawler.readers.base import TEXT, Extracted, ReadContext, Source
from wirearchive.crawler.readers.nitf import READER
from wirearchive.validators import Validator

DATA = Path(__file__).parents[2] / "data" / "nitf"
NTB = DATA / "NTB_nitf_sample.xml"
FISHING = DATA / "nitf-fishing.xml"


@cache
def _profile() -> Validator:
    return Validator(TEXT)


def _read(path: Path) -> Extracted:
    (extracted,) = READER.read(Source.from_path(path), ReadContext())
    return extracted


def _root(path: Path) -> etree._Element:
    parser = etree.XMLParser(remove_comments=True, resolve_entities=False, no_network=True)
    return etree.parse(str(path), parser).getroot()


def _one(root: etree._Element, query: str) -> Any:
    found = root.xpath(query)
    assert isinstance(found, list)
    assert len(found) == 1, query
    return found[0]


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _body_text(root: etree._Element) -> str:
    """What a reader sees of body.content and body.end: all their text."""
    blocks = root.xpath("body/body.content | body/body.end")
    assert isinstance(blocks, list)
    return "".join(
        _squeeze("".join(str(text) for text in block.itertext()))
        for block in blocks
        if isinstance(block, etree._Element)
    )


def _html_text(markup: str) -> str:
    return _squeeze(str(lxml.html.fragment_fromstring(markup, create_parent="div").text_content()))


def test_ntb_sample_field_by_field() -> None:
    extracted = _read(NTB)
    root = _root(NTB)
    item = extracted.item
    assert item is not None, extracted.problem
    assert extracted.problem is None
    assert extracted.media_type == "application/nitf+xml"
    assert extracted.schema == TEXT
    assert extracted.raw == NTB.read_bytes()
    # uri: doc-id, qualified by its registration source.
    doc_id = _one(root, "head/docdata/doc-id")
    assert item["uri"] == f"urn:nitf:{doc_id.get('regsrc')}:{doc_id.get('id-string')}"
    assert item["headlines"][0] == {
        "role": "main",
        "value": " ".join(_one(root, "body/body.head/hedline/hl1/text()").split()),
    }
    # date.issue is "2021-05-16T09:00:04": no offset anywhere in the file, so it is read
    # as UTC and a warning says so (NTB is in Oslo; the archive does not guess that).
    issued = _one(root, "head/docdata/date.issue/@norm")
    assert item["versionCreated"] == f"{issued}Z"
    assert [w.rule for w in extracted.warnings] == ["time.zone-assumed"]
    assert item["language"] == root.get("baselang") == "nb-NO"
    assert _html_text(item["bodies"][0]["value"]) == _body_text(root)
    assert item["by"] == "NTB-AFP-DPA"
    assert item["located"] == "Unnao"
    assert item["urgency"] == 5
    assert item["title"] == _one(root, "head/title/text()")
    assert item["subjects"][0] == {
        "name": "Sykdom",
        "uri": "http://cv.iptc.org/newscodes/subjectcode/07001000",
        "literal": "07001000",
    }
    assert {"name": "india-korona-bygd", "rel": "keyword"} in item["subjects"]
    body = item["bodies"][0]["value"]
    assert body.count("<h2>") == len(root.xpath("body/body.content/hl2"))  # type: ignore[arg-type]
    assert "<figure><figcaption>Kremasjonsbål for koronaofre" in body
    assert "JsxLggxsoo4" not in body  # the media file reference is not text
    assert 'class="' not in body  # NITF attributes are dropped
    assert "lede=" not in body
    report = _profile().validate(item)
    assert report.valid, [p.to_dict() for p in report.errors]
    steps = {s["detail"] for s in extracted.steps}
    assert "language from nitf/@baselang" in steps
    assert "located from dateline text (a place name alone)" in steps


def test_fishing_sample_gets_id_time_and_language_with_a_warning_for_each() -> None:
    # IPTC's fictitious sample has no doc-id, no date at all and no language declared: the
    # reader fills each the way the text reader does and says so in a warning.
    context = ReadContext(retrieved_at=datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC))
    (extracted,) = list(READER.read(Source.from_path(FISHING), context))
    root = _root(FISHING)
    item = extracted.item
    assert item is not None
    assert extracted.problem is None
    assert item["uri"] == "urn:wirearchive:nitf:nitf-fishing"
    assert item["versionCreated"] == "2025-01-02T03:04:05Z"
    assert item["language"] == "en"
    assert {(w.rule, w.json_path) for w in extracted.warnings} >= {
        ("nitf.uri-from-file", "$.uri"),
        ("time.capture-time", "$.versionCreated"),
        ("language.detected", "$.language"),
    }
    report = _profile().validate(item)
    assert report.valid, [p.message for p in report.errors]
    # Everything the file does say is there.
    assert item["headlines"] == [
        {"role": "main", "value": "Weather and Tide Updates for Norfolk"},
        {"role": "subheadline", "value": "A sample, fictitious NITF article"},
    ]
    assert item["by"] == "By Alan Karben, NITF Network News Online"
    assert item["people"] == [{"name": "Alan Karben", "rel": "author"}]
    body = item["bodies"][0]["value"]
    assert _html_text(body) == _body_text(root)
    assert "<table>" in body
    assert '<th colspan="2">today</th>' in body
    assert body.count("<tr>") == len(root.xpath("//table/tr"))  # type: ignore[arg-type]
    assert "<li><em>Deer Creek:</em> This area" in body
    assert "<p>This is a table filled with weather data" in body  # the table's summary
    assert "<p>Stewart Klometers contributed to this article.</p>" in body  # body.end
    assert item["subjects"][1]["name"] == "Fishing Industry"
    assert item["descriptions"][0]["role"] == "note"


_NAMESPACED = """<?xml version="1.0" encoding="ISO-8859-1"?>
<nitf xmlns="http://iptc.org/std/NITF/2006-10-18/" version="-//IPTC//NITF 3.6//EN"
      xml:lang="fr">
  <head>
    <title>Titre</title>
    <docdata>
      <doc-id id-string="urn:example:fr:123"/>
      <urgency ed-urg="11"/>
      <date.issue norm="20040617T1230+0200"/>
      <date.release norm="20040618T080000+0200"/>
      <doc.copyright year="2004" holder="Agence Exemple"/>
      <doc.rights limitations="Usage éditorial uniquement"/>
      <ed-msg info="Ne pas publier avant 8 h"/>
    </docdata>
  </head>
  <body>
    <body.head>
      <dateline><location><city>Paris</city>, <country>France</country></location>,
        <story.date norm="20040617T1230+0200">17 juin</story.date></dateline>
      <abstract><p>Un résumé.</p></abstract>
    </body.head>
    <body.content>
      <block><p>Premier <person>paragraphe</person> écrit en français, avec un accent.</p></block>
      <bq><block><p>Une citation.</p></block><credit>Un auteur</credit></bq>
    </body.content>
  </body>
</nitf>
"""


def test_namespaced_latin1_nitf_with_compact_dates(tmp_path: Path) -> None:
    path = tmp_path / "fr.xml"
    path.write_bytes(_NAMESPACED.encode("latin-1"))
    head = path.read_bytes()[:4096]
    assert READER.sniff(head, path.name) == 95
    extracted = _read(path)
    item = extracted.item
    assert item is not None, extracted.problem
    assert item["uri"] == "urn:example:fr:123"  # already a URI: kept as it is
    assert item["versionCreated"] == "2004-06-17T12:30:00+02:00"  # offset kept, seconds added
    assert item["embargoedUntil"] == "2004-06-18T08:00:00+02:00"
    assert item["language"] == "fr"
    assert item["headlines"] == [{"role": "main", "value": "Titre"}]  # no hl1: the title
    assert item["located"] == "Paris"  # the structured city, not the dateline text
    assert item["descriptions"] == [{"role": "abstract", "value": "Un résumé."}]
    assert item["copyrightHolder"] == "Agence Exemple"
    assert item["usageTerms"] == "Usage éditorial uniquement"
    assert item["edNote"] == "Ne pas publier avant 8 h"
    assert "urgency" not in item
    assert [w.rule for w in extracted.warnings] == ["nitf.urgency"]
    assert item["bodies"][0]["value"] == (
        "<p>Premier paragraphe écrit en français, avec un accent.</p>\n"
        "<blockquote><p>Une citation.</p><p>Un auteur</p></blockquote>"
    )
    assert _profile().validate(item).valid


def test_a_uri_is_made_only_from_the_document(tmp_path: Path) -> None:
    path = tmp_path / "id.xml"
    path.write_text(
        '<nitf baselang="en"><head><docdata><doc-id id-string="A B/1"/>'
        '<date.issue norm="2024-05-29"/></docdata></head>'
        "<body><body.head><hedline><hl1>H</hl1></hedline></body.head>"
        "<body.content><p>Text of the story.</p></body.content></body></nitf>"
    )
    extracted = _read(path)
    assert extracted.item is not None
    assert extracted.item["uri"] == "urn:nitf:A%20B%2F1"
    assert extracted.item["versionCreated"] == "2024-05-29T00:00:00Z"
    assert [w.rule for w in extracted.warnings] == ["time.date-only"]


def test_a_document_that_is_not_nitf(tmp_path: Path) -> None:
    path = tmp_path / "other.xml"
    path.write_text("<article><p>Hello</p></article>")
    extracted = _read(path)
    assert extracted.problem is not None
    assert extracted.problem.rule == "nitf.not-nitf"
    assert READER.sniff(path.read_bytes(), path.name) == 0


@pytest.mark.parametrize(
    ("dateline", "located"),
    [
        ("<dateline><location><city>Oslo</city></location></dateline>", "Oslo"),
        ("<dateline><location>Bergen, Norway</location> -</dateline>", "Bergen, Norway"),
        ("<dateline>MOSCOW, May 29 (Reuters) -</dateline>", "Moscow"),
        ("<dateline>Unnao</dateline>", "Unnao"),
        ("<dateline>17 juin 2004, 12:30</dateline>", None),
    ],
)
def test_datelines(dateline: str, located: str | None, tmp_path: Path) -> None:
    path = tmp_path / "d.xml"
    path.write_text(f"<nitf><body><body.head>{dateline}</body.head></body></nitf>")
    item = _read(path).item
    assert item is not None
    assert item.get("located") == located


KILL = DATA.parent / "withdrawals" / "ntb-nitf-kill.xml"


def test_a_kill_notice_is_canceled_and_valid_without_a_body() -> None:
    extracted = _read(KILL)
    item = extracted.item
    assert item is not None
    assert item["pubStatus"] == "canceled"
    assert item["uri"] == _read(NTB).item["uri"]  # type: ignore[index]  # the story it kills
    assert "bodies" not in item
    assert "pubStatus from docdata/@management-status" in str(extracted.steps)
    report = _profile().validate(item)
    assert report.valid, [str(p) for p in report.errors]


def _nitf(docdata: str) -> bytes:
    return (
        '<nitf><head><docdata><doc-id id-string="k-1" regsrc="X"/>'
        f'<date.issue norm="20240529T101500Z"/>{docdata}</docdata></head>'
        "<body><body.head><hedline><hl1>Story</hl1></hedline></body.head></body></nitf>"
    ).encode()


@pytest.mark.parametrize(
    ("docdata", "status"),
    [
        ('<ed-msg msg-type="kill" info="Withdrawn"/>', "canceled"),
        ('<ed-msg msg-type="Withdrawal"/>', "canceled"),
        ('<ed-msg info="Please note the embargo"/>', None),
        ('<ed-msg msg-type="advisory" info="x"/>', None),
    ],
)
def test_a_kill_ed_msg_cancels(docdata: str, status: str | None, tmp_path: Path) -> None:
    path = tmp_path / "n.xml"
    path.write_bytes(_nitf(docdata))
    item = _read(path).item
    assert item is not None
    assert item.get("pubStatus") == status


@pytest.mark.parametrize(
    ("attribute", "status", "warned"),
    [
        ("usable", "usable", False),
        ("WITHHELD", "withheld", False),
        ("embargoed", None, False),  # ninjs says embargoedUntil, not a pubStatus
        ("lost", None, True),
    ],
)
def test_management_status_becomes_pub_status(
    attribute: str, status: str | None, warned: bool, tmp_path: Path
) -> None:
    path = tmp_path / "n.xml"
    status_attribute = f'<docdata management-status="{attribute}">'.encode()
    path.write_bytes(_nitf("").replace(b"<docdata>", status_attribute))
    extracted = _read(path)
    assert extracted.item is not None
    assert extracted.item.get("pubStatus") == status
    rules = [w.rule for w in extracted.warnings]
    assert ("nitf.management-status" in rules) is warned
