"""The NewsML-G2 reader against IPTC's own files, field by field.

Every file whose root is a newsItem or newsMessage is read; each text item is checked
against the XML, read here independently with lxml and XPath: uri == guid, the main
headline, the dates (the XML's own, seconds added at most) and the body text. Items that
cannot become valid profile items say exactly why (`NOT_VALID`); nothing is invented to
make them pass.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from lxml import etree
from wirearchive.crawler.readers.base import PICTURE_OR_VIDEO, TEXT, Extracted, ReadContext, Source
from wirearchive.crawler.readers.newsml import READER
from wirearchive.crawler.readers.nitf import READER as NITF_READER
from wirearchive.crawler.readers.text import READER as TEXT_READER
from wirearchive.validators import Problem, Report, Validator

DATA = Path(__file__).parents[2] / "data" / "newsml-g2"
EXPECTATIONS: dict[str, dict[str, Any]] = json.loads(
    (DATA / "EXPECTATIONS.json").read_text(encoding="utf-8")
)["files"]
NITF_SAMPLE = Path(__file__).parents[2] / "data" / "nitf" / "NTB_nitf_sample.xml"
RSS = Path(__file__).parents[2] / "data" / "hostile" / "rss.xml"


def _is_text_input(facts: dict[str, Any]) -> bool:
    # A newsItem without an itemClass (a schema should_fail file) is read too: it may
    # still carry text, and must say why not.
    return facts["root"] == "newsMessage" or (
        facts["root"] == "newsItem" and facts.get("itemClass") in ("ninat:text", None)
    )


TEXT_FILES = sorted(name for name, facts in EXPECTATIONS.items() if _is_text_input(facts))

_BODY = "bodies"
_HEADLINES = "headlines"
#: Text items that cannot be valid profile items, and the exact errors validation reports.
#: An entry is (rule, the required property) or (rule, JSON path) for other rules.
NOT_VALID: dict[str, set[tuple[str, str]]] = {
    # inlineXML holds only comments ("Inline XML must contain well-formed XML ..."): no body.
    "examples/LISTING_1_A_NewsML-G2_News_Item.xml": {("schema.required", _BODY)},
    # The content is SportsML statistics (application/sportsml+xml), no text to read.
    "examples/LISTING_21_A_complete_sample_SportsML-G2_document.xml": {("schema.required", _BODY)},
    # inlineXML holds only the comment "Story text".
    "examples/LISTING_27_Company_Financial_Information.xml": {("schema.required", _BODY)},
    # Metadata and content are comments ("metadata and content"): no headline, no body.
    "examples/LISTING_29_Hop_History.xml": {
        ("schema.required", _HEADLINES),
        ("schema.required", _BODY),
    },
    # A facet example: subjects only, no headline and no content.
    "examples/facet-example.xml": {("schema.required", _HEADLINES), ("schema.required", _BODY)},
    # Schema unit tests: an empty inlineXML, no headline, and guid "simplest-test" is not
    # an absolute URI.
    "unit_test_files/2.28/should_pass/001_simplest_file.xml": {
        ("schema.required", _HEADLINES),
        ("schema.required", _BODY),
        ("schema.pattern", "$.uri"),
    },
    "unit_test_files/2.29/should_fail/002_newsitem_with_no_catalog.xml": {
        ("schema.required", _HEADLINES),
        ("schema.required", _BODY),
        ("schema.pattern", "$.uri"),
    },
    # No contentSet at all (it tests nested <related> in an assert).
    "unit_test_files/2.34/should_fail/CR00218_too_many_nested_related.xml": {
        ("schema.required", _BODY)
    },
}
#: newsMessage / newsItem files whose items are all problems, with the parts expected.
ALL_PROBLEMS: dict[str, list[tuple[str, str, str]]] = {
    # A listing sketch: items are "....." with no itemMeta at all.
    "examples/LISTING_24_News_Message_conveying_a_complete_News_Package.xml": [
        ("packageItem 1", "newsml.unsupported-item", "packageItem"),
        *[
            (f"newsItem {n}", "newsml.unsupported-item", "without itemMeta/itemClass")
            for n in range(1, 5)
        ],
    ],
    "unit_test_files/2.29/should_fail/001_incomplete_file.xml": [
        ("", "newsml.unsupported-item", "without itemMeta/itemClass")
    ],
}


@cache
def _validator(schema: str) -> Validator:
    return Validator(schema)


def _read(path: Path) -> list[Extracted]:
    return list(READER.read(Source.from_path(path), ReadContext()))


def _xpath(element: etree._Element, query: str) -> list[Any]:
    result = element.xpath(query)
    assert isinstance(result, list)
    return result


def _text(elements: list[Any]) -> str:
    return " ".join("".join(elements[0].itertext()).split()) if elements else ""


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _html_text(markup: str) -> str:
    return str(lxml.html.fragment_fromstring(markup, create_parent="div").text_content())


def _same_time(xml_value: str, ninjs_value: str) -> None:
    """The XML's own time and offset; at most ":00" seconds added."""
    xml_value = xml_value.strip()
    assert ninjs_value in (xml_value, re.sub(r"^(.{16})(?=Z|[+-]|$)", r"\1:00", xml_value))
    theirs, ours = datetime.fromisoformat(xml_value), datetime.fromisoformat(ninjs_value)
    assert theirs == ours
    assert theirs.utcoffset() == ours.utcoffset()


def _errors(report: Report) -> set[tuple[str, str]]:
    def key(problem: Problem) -> tuple[str, str]:
        if problem.rule == "schema.required":
            return problem.rule, problem.message.split('"')[1]
        return problem.rule, problem.json_path

    return {key(problem) for problem in report.errors}


def _news_item(root: etree._Element, guid: str) -> etree._Element:
    if root.get("guid") == guid:
        return root
    (found,) = _xpath(root, f"//*[local-name()='newsItem'][@guid='{guid}']")
    assert isinstance(found, etree._Element)
    return found


def _check_against_xml(item: dict[str, Any], element: etree._Element) -> None:
    """uri, headline, dates and body text against the XML, read independently."""
    assert item["uri"] == element.get("guid")
    assert item.get("version") == element.get("version")
    headline = _text(_xpath(element, "*[local-name()='contentMeta']/*[local-name()='headline']"))
    if not headline:
        headline = _text(_xpath(element, ".//*[local-name()='hedline']/*[local-name()='hl1']"))
    if headline:
        main = [h for h in item["headlines"] if h["role"] == "main"]
        assert main == [{"role": "main", "value": headline}]
    else:
        assert _HEADLINES not in item
    for source, target in (
        ("*[local-name()='itemMeta']/*[local-name()='versionCreated']", "versionCreated"),
        ("*[local-name()='itemMeta']/*[local-name()='firstCreated']", "firstCreated"),
        ("*[local-name()='contentMeta']/*[local-name()='contentCreated']", "contentCreated"),
    ):
        found = _xpath(element, source)
        if found:
            _same_time(found[0].text, item[target])
        else:
            assert target not in item
    inline = _xpath(element, ".//*[local-name()='inlineXML']")
    nitf_blocks = _xpath(
        element,
        ".//*[local-name()='nitf']/*[local-name()='body']/*[local-name()='body.content' or "
        "local-name()='body.end']",
    )
    html_body = _xpath(element, ".//*[local-name()='inlineXML']//*[local-name()='body']")
    if nitf_blocks:
        expected = "".join(_squeeze("".join(block.itertext())) for block in nitf_blocks)
    elif html_body:
        expected = _squeeze("".join(html_body[0].itertext()))
    else:
        expected = ""
    if expected:
        (body,) = item[_BODY]
        assert body["role"] == "main"
        assert body["contentType"] == "text/html"
        assert _squeeze(_html_text(body["value"])) == expected
        assert "<nitf" not in body["value"]
        assert "body.content" not in body["value"]
    else:
        assert _BODY not in item, inline


def _parse(path: Path) -> etree._Element:
    parser = etree.XMLParser(remove_comments=True, resolve_entities=False, no_network=True)
    return etree.parse(str(path), parser).getroot()


@pytest.mark.parametrize("name", TEXT_FILES)
def test_text_files_field_by_field(name: str) -> None:
    path = DATA / name
    results = _read(path)
    raw = path.read_bytes()
    assert all(r.raw == raw for r in results)
    if name in ALL_PROBLEMS:
        got = [(r.part or "", r.problem.rule, r.problem.message) for r in results if r.problem]
        assert len(got) == len(results) == len(ALL_PROBLEMS[name])
        for (part, rule, message), (want_part, want_rule, says) in zip(
            got, ALL_PROBLEMS[name], strict=True
        ):
            assert (part, rule) == (want_part, want_rule)
            assert says in message
        return
    texts = [r for r in results if r.item is not None and r.item["type"] == "text"]
    assert texts, [r.problem for r in results]
    root = _parse(path)
    for extracted in texts:
        item = extracted.item
        assert item is not None
        assert extracted.schema == TEXT
        assert extracted.problem is None
        assert extracted.reader == "newsml-g2"
        assert item["standard"] == {
            "name": "ninjs",
            "version": "3.1",
            "schema": "http://www.iptc.org/std/ninjs/ninjs-schema_3.1.json",
        }
        _check_against_xml(item, _news_item(root, item["uri"]))
        report = _validator(TEXT).validate(item)
        if name in NOT_VALID:
            assert _errors(report) == NOT_VALID[name], report.errors
        else:
            assert report.valid, [p.to_dict() for p in report.errors]


def test_every_not_valid_entry_is_a_text_file() -> None:
    assert set(NOT_VALID) <= set(TEXT_FILES)
    assert set(ALL_PROBLEMS) <= set(TEXT_FILES)
    # And the data really has files that pass: this is not a suite of excuses.
    assert len(set(TEXT_FILES) - set(NOT_VALID) - set(ALL_PROBLEMS)) >= 5


def test_listing_2_maps_the_whole_item() -> None:
    (extracted,) = _read(DATA / "examples/LISTING_2_NewsML-G2_Text_Document.xml")
    item = extracted.item
    assert item is not None
    assert extracted.media_type == "application/vnd.iptc.g2.newsitem+xml"
    assert extracted.part is None
    assert item["language"] == "en-US"
    assert item["pubStatus"] == "usable"
    assert item["slugline"] == "US-Finance-Fed"
    assert item["located"] == "New York, NY"
    assert item["by"] == "By Meredith Jameson, Staff Reporter"  # the NITF byline and byttl
    assert item["copyrightHolder"] == "Acme News and Media LLC"
    assert item["copyrightNotice"] == "Copyright 2017-18 Acme News and Media LLC"
    assert item["infoSources"] == [{"name": "Associated Press", "literal": "is:AP"}]
    assert item["subjects"][1] == {
        "name": "central bank",
        "uri": "http://cv.iptc.org/newscodes/mediatopic/20000350",
        "literal": "medtop:20000350",
    }
    assert item["people"] == [
        {
            "name": "Meredith Jameson",
            "uri": "http://www.acmenews.com/staff/mjameson",
            "rel": "author",
        }
    ]
    assert item["bodies"][0]["value"].startswith("<p>(New York, NY - October 21) Et, sent")
    assert item["bodies"][0]["value"].count("<p>") == 2
    assert [s["name"] for s in extracted.steps] == ["parse", "map", "qcodes", "map"]
    assert extracted.warnings == ()


def test_listing_1_rights_embargo_genre_and_links() -> None:
    (extracted,) = _read(DATA / "examples/LISTING_1_A_NewsML-G2_News_Item.xml")
    item = extracted.item
    assert item is not None
    assert item["embargoedUntil"] == "2018-10-23T12:00:00Z"
    assert item["usageTerms"] == "Not for use outside the United States"
    assert item["edNote"].startswith("Note to editors: STRICTLY EMBARGOED.")
    assert item["language"] == "en-GB"  # xml:lang: the item has no <language>
    assert item["located"] == "Berlin"
    assert item["places"][0] == {"name": "Berlin", "literal": "geo:345678", "rel": "located"}
    assert item["genres"] == [
        {
            "name": "Interview",
            "uri": "http://cv.iptc.org/newscodes/genre/interview",
            "literal": "genre:interview",
        }
    ]
    assert item["subjects"][1]["name"] == "labour market"  # en-GB preferred over de
    assert item["associations"] == [
        {
            "name": "seeAlso",
            "uri": "http://www.example.com/video/20081222-PNN-1517-407624/index.html",
            "rel": "irel:seeAlso",
        }
    ]


def test_listing_22_description_alt_ids_and_subject_arrays() -> None:
    (extracted,) = _read(DATA / "examples/LISTING_22_Sports_story_in_NewsML-G2NITF.xml")
    item = extracted.item
    assert item is not None
    assert item["descriptions"][0]["role"] == "summary"
    assert item["descriptions"][0]["value"].startswith("A pair of teams coming off big weekend")
    assert {"name": "Doug Davis", "literal": "person:l.mlb.com-p.456"} in item["people"]
    assert item["events"] == [{"literal": "event:l.mlb.com-2016-e.19358"}]
    # Its <altId>s carry no value (only an XML id attribute): nothing to keep.
    assert "altIds" not in item


def test_sportsml_is_not_read_as_a_body_and_says_so() -> None:
    (extracted,) = _read(DATA / "examples/LISTING_21_A_complete_sample_SportsML-G2_document.xml")
    assert extracted.item is not None
    assert [w.rule for w in extracted.warnings] == ["newsml.body-unread"]
    assert "application/sportsml+xml" in extracted.warnings[0].message


def test_tt_news_message_yields_each_item() -> None:
    path = DATA / "real-world/TT_newsmlg2_sample.xml"
    results = _read(path)
    assert [r.part for r in results] == ["packageItem 1", "newsItem 1", "newsItem 2"]
    assert all(r.media_type == "application/vnd.iptc.g2.newsmessage+xml" for r in results)
    assert all(r.raw == path.read_bytes() for r in results)
    package, text, picture = results
    assert package.problem is not None
    assert package.problem.rule == "newsml.unsupported-item"
    assert "packageItem" in package.problem.message
    assert text.item is not None
    assert text.item["language"] == "sv"  # from <language tag="sv"/>: no xml:lang here
    assert text.item["urgency"] == 3
    assert text.item["organisations"] == [{"name": "Aftonbladet"}]
    assert "<figcaption>" in text.item["bodies"][0]["value"]
    assert picture.item is not None
    assert picture.schema == PICTURE_OR_VIDEO
    assert picture.item["type"] == "picture"


def _remote(element: etree._Element) -> list[dict[str, str]]:
    return [
        {k: str(v) for k, v in rc.attrib.items()}
        for rc in _xpath(element, "*[local-name()='contentSet']/*[local-name()='remoteContent']")
    ]


MEDIA = sorted(
    name
    for name, facts in EXPECTATIONS.items()
    if facts["root"] == "newsItem" and facts.get("itemClass") in ("ninat:picture", "ninat:video")
)


@pytest.mark.parametrize("name", [*MEDIA, "real-world/TT_newsmlg2_sample.xml"])
def test_pictures_and_videos_are_valid_ninjs_with_renditions(name: str) -> None:
    path = DATA / name
    root = _parse(path)
    media = [r for r in _read(path) if r.item is not None and r.item["type"] != "text"]
    assert media
    for extracted in media:
        item = extracted.item
        assert item is not None
        assert extracted.schema == PICTURE_OR_VIDEO
        report = _validator(PICTURE_OR_VIDEO).validate(item)
        assert report.valid, [p.to_dict() for p in report.errors]
        element = _news_item(root, item["uri"])
        (item_class,) = _xpath(element, ".//*[local-name()='itemClass']/@qcode")
        assert item["type"] == item_class.split(":")[1]
        _same_time(_text(_xpath(element, ".//*[local-name()='versionCreated']")),
                   item["versionCreated"])  # fmt: skip
        remote = _remote(element)
        renditions = item.get("renditions", [])[: len(remote)]
        assert len(renditions) == len(remote)
        for rendition, attributes in zip(renditions, remote, strict=True):
            assert rendition["href"] == attributes["href"]
            assert rendition.get("contentType") == attributes.get("contenttype")
            for source, target in (("width", "width"), ("height", "height"),
                                   ("size", "sizeInBytes")):  # fmt: skip
                if source in attributes:
                    assert rendition[target] == int(attributes[source])
        headline = _text(_xpath(element, ".//*[local-name()='headline']"))
        if headline:
            assert item["headlines"][0] == {"role": "main", "value": headline}


def test_video_renditions_carry_duration_codec_and_the_icon() -> None:
    (extracted,) = _read(
        DATA / "examples/LISTING_4_Multiple_Renditions_of_a_Video_in_NewsML-G2.xml"
    )
    item = extracted.item
    assert item is not None
    first = item["renditions"][0]
    assert first["name"] == "dvd"
    assert first["duration"] == 69
    assert first["frameRate"] == 25
    assert first["aspectRatio"] == "4:3"
    assert first["videoCodec"] == "http://cv.iptc.org/newscodes/videocodec/c015"
    assert item["renditions"][-1]["name"] == "thumbnail"  # contentMeta/icon
    assert len(item["renditions"]) == 4


def test_picture_names_come_from_asserts() -> None:
    (extracted,) = _read(DATA / "examples/ap_metadata_example.xml")
    item = extracted.item
    assert item is not None
    assert item["places"] == [
        {"name": "Kentucky", "literal": "apgeography:2f6e294082b310048474df092526b43e"}
    ]
    assert item["organisations"][0]["name"] == "Volkswagen AG"


UNSUPPORTED = {
    "examples/LISTING_10_Abstract_Concept_conveyed_in_a_NewsML-G2_Concept_Item.xml": (
        "conceptItem of itemClass cinat:concept"
    ),
    "examples/LISTING_16_A_Set_of_Events_carried_in_a_News_Item.xml": (
        "newsItem of itemClass ninat:composite"
    ),
    "examples/LISTING_17_Planning_Item_a_CCL.xml": "planningItem of itemClass plinat:newscoverage",
    "examples/LISTING_18_Planning_Item_at_PCL.xml": "planningItem of itemClass plinat:newscoverage",
    "examples/LISTING_23_SportsML-G2_Package.xml": "packageItem of itemClass ninat:composite",
    "examples/LISTING_6_Simple_NewsML-G2_Package.xml": "packageItem of itemClass ninat:composite",
    "unit_test_files/2.30/should_fail/CR00212_02_residrefformaturi_badly_formatted.xml": (
        "packageItem of itemClass ninat:composite"
    ),
}


@pytest.mark.parametrize(("name", "says"), sorted(UNSUPPORTED.items()))
def test_other_items_are_quarantined_with_their_class(name: str, says: str) -> None:
    (extracted,) = _read(DATA / name)
    assert extracted.item is None
    assert extracted.problem is not None
    assert extracted.problem.rule == "newsml.unsupported-item"
    assert says in extracted.problem.message
    assert "not news content the archive stores" in extracted.problem.message


@pytest.mark.parametrize(
    "name",
    [
        "examples/LISTING_25_An_NITF_marked-up_article_conveyed_in_inlineXML.xml",
        "examples/LISTING_28_Illustrating_Located_Subject_and_Dateline.xml",
    ],
)
def test_fragments_are_not_items(name: str) -> None:
    (extracted,) = _read(DATA / name)
    assert extracted.problem is not None
    assert extracted.problem.rule == "newsml.not-an-item"
    assert READER.sniff((DATA / name).read_bytes()[:4096], name) == 0


def test_every_iptc_file_is_accounted_for() -> None:
    covered = (
        set(TEXT_FILES)
        | set(MEDIA)
        | set(UNSUPPORTED)
        | {
            "examples/LISTING_25_An_NITF_marked-up_article_conveyed_in_inlineXML.xml",
            "examples/LISTING_28_Illustrating_Located_Subject_and_Dateline.xml",
        }
    )
    assert covered == set(EXPECTATIONS)


_COMPOSITE = """<?xml version="1.0" encoding="UTF-8"?>
<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="urn:example:composite:1"
    version="2" standard="NewsML-G2" standardversion="2.35" xml:lang="en">
  <catalogRef href="http://www.iptc.org/std/catalog/catalog.IPTC-G2-Standards_36.xml"/>
  <itemMeta>
    <itemClass qcode="ninat:{nature}"/>
    <provider qcode="nprov:EXAMPLE"/>
    <versionCreated>2024-05-29T10:15:00+05:00</versionCreated>
    <firstCreated>2024-05-29T09:00+05:00</firstCreated>
    <pubStatus qcode="stat:withheld"/>
  </itemMeta>
  <contentMeta>
    <urgency>12</urgency>
    <contentCreated>2024-05-29</contentCreated>
    <headline>A composite story</headline>
    <headline role="hdltype:sub">With a second headline</headline>
    <dateline>ALMATY, May 29 (Reuters) -</dateline>
  </contentMeta>
  <contentSet>
    <inlineXML contenttype="application/xhtml+xml">
      <html xmlns="http://www.w3.org/1999/xhtml"><head><title>t</title></head>
        <body><h1>A composite story</h1>
          <p onclick="steal()">First <b>paragraph</b>.</p>
          <script>alert(1)</script>
          <p><a href="javascript:alert(2)">Second</a> paragraph.</p>
        </body></html>
    </inlineXML>
  </contentSet>
</newsItem>
"""


def test_a_composite_with_inline_text_is_read_as_text(tmp_path: Path) -> None:
    path = tmp_path / "composite.xml"
    path.write_text(_COMPOSITE.format(nature="composite"))
    (extracted,) = _read(path)
    item = extracted.item
    assert item is not None, extracted.problem
    assert item["type"] == "text"
    assert item["pubStatus"] == "withheld"
    assert item["firstCreated"] == "2024-05-29T09:00:00+05:00"  # seconds completed
    assert item["contentCreated"] == "2024-05-29T00:00:00Z"
    assert item["headlines"] == [
        {"role": "main", "value": "A composite story"},
        {"role": "sub", "value": "With a second headline"},
    ]
    assert item["located"] == "Almaty"  # from the dateline text: no <located> here
    assert "urgency" not in item
    assert item["bodies"][0]["value"] == (
        "<h1>A composite story</h1>\n<p>First <b>paragraph</b>.</p>\n"
        "<p><a>Second</a> paragraph.</p>"
    )
    rules = [w.rule for w in extracted.warnings]
    assert rules == ["newsml.read-as-text", "time.date-only", "newsml.urgency"]


@pytest.mark.parametrize("nature", ["graphic", "audio"])
def test_other_natures_are_unsupported_even_with_text(nature: str, tmp_path: Path) -> None:
    path = tmp_path / "other.xml"
    path.write_text(_COMPOSITE.format(nature=nature))
    (extracted,) = _read(path)
    assert extracted.problem is not None
    assert extracted.problem.rule == "newsml.unsupported-item"
    assert f"ninat:{nature}" in extracted.problem.message


def test_an_empty_news_message(tmp_path: Path) -> None:
    path = tmp_path / "empty-message.xml"
    path.write_text('<newsMessage xmlns="http://iptc.org/std/nar/2006-10-01/"><header/>'
                    "<itemSet/></newsMessage>")  # fmt: skip
    (extracted,) = _read(path)
    assert extracted.problem is not None
    assert extracted.problem.rule == "newsml.empty-message"


# --- sniffing --------------------------------------------------------------------------------


def _sniffs(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:4096]
    return READER.sniff(head, path.name), NITF_READER.sniff(head, path.name)


def test_sniff_orders_newsml_nitf_and_other_xml(tmp_path: Path) -> None:
    newsml, nitf = _sniffs(DATA / "examples/LISTING_2_NewsML-G2_Text_Document.xml")
    assert newsml >= 90 > nitf  # it contains a <nitf> element, but its root is a newsItem
    message, nitf_for_message = _sniffs(DATA / "real-world/TT_newsmlg2_sample.xml")
    assert message > nitf_for_message
    package, _ = _sniffs(DATA / "examples/LISTING_6_Simple_NewsML-G2_Package.xml")
    assert newsml > package > 0  # still ours, to say why it is not stored
    g2_for_nitf, nitf_for_nitf = _sniffs(NITF_SAMPLE)
    assert nitf_for_nitf >= 85 > g2_for_nitf
    assert _sniffs(RSS) == (0, 0)
    # Content decides, not the name: a NITF file called .txt is NITF.
    renamed = tmp_path / "story.txt"
    renamed.write_bytes(NITF_SAMPLE.read_bytes())
    head = renamed.read_bytes()[:4096]
    assert NITF_READER.sniff(head, renamed.name) == nitf_for_nitf
    assert NITF_READER.sniff(head, renamed.name) > TEXT_READER.sniff(head, renamed.name)
    assert READER.sniff(head, renamed.name) == 0


def test_inline_bodies_of_other_shapes(tmp_path: Path) -> None:
    shapes = {
        '<inlineData contenttype="text/plain">  Plain wire text.  </inlineData>': (
            "text/plain",
            "Plain wire text.",
        ),
        "<inlineXML>Plain text in inlineXML.</inlineXML>": (
            "text/plain",
            "Plain text in inlineXML.",
        ),
        '<inlineXML contenttype="application/xhtml+xml"><p xmlns="http://www.w3.org/1999/xhtml">'
        "A bare <em>paragraph</em>.</p></inlineXML>": (
            "text/html",
            "<p>A bare <em>paragraph</em>.</p>",
        ),
    }
    for content, (content_type, value) in shapes.items():
        path = tmp_path / "shape.xml"
        path.write_text(
            '<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="urn:x:1" xml:lang="en">'
            '<itemMeta><itemClass qcode="ninat:text"/></itemMeta>'
            f"<contentSet>{content}</contentSet></newsItem>"
        )
        (extracted,) = _read(path)
        assert extracted.item is not None
        assert extracted.item["bodies"] == [
            {"role": "main", "contentType": content_type, "value": value}
        ]
    remote = tmp_path / "remote.xml"
    remote.write_text(
        '<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="urn:x:2">'
        '<itemMeta><itemClass qcode="ninat:text"/></itemMeta><contentSet>'
        '<remoteContent href="https://wire.example/story.txt"/></contentSet></newsItem>'
    )
    (extracted,) = _read(remote)
    assert extracted.item is not None
    assert "bodies" not in extracted.item
    assert [w.rule for w in extracted.warnings] == ["newsml.body-unread"]
    assert "https://wire.example/story.txt" in extracted.warnings[0].message
