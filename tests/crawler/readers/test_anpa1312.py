"""The ANPA 1312 reader against AP's real messages (Superdesk-core's fixtures): the header
lines, take key, editor's notes and trailer become fields; paragraphs, tables and alerts
become bodies; nothing of the transmission reaches the headline or the body."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
from wirearchive.crawler.readers import choose
from wirearchive.crawler.readers.anpa1312 import READER, URGENCY, read_bytes
from wirearchive.crawler.readers.base import TEXT, Extracted, ReadContext, Source
from wirearchive.validators import Validator

DATA = Path(__file__).parents[2] / "data" / "anpa1312"
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@cache
def _profile() -> Validator:
    return Validator(TEXT)


def _read(name: str) -> Extracted:
    (extracted,) = READER.read(Source.from_path(DATA / name), ReadContext())
    return extracted


def test_ap_story_field_by_field() -> None:
    extracted = _read("anpa-1.tst")
    item = extracted.item
    assert item is not None, extracted.problem
    # Superdesk's anpa test: headline, byline, body start, category, firstcreated.
    assert item["headlines"] == [
        {"role": "main", "value": "For Argentine chemo patients, mirrors can hurt"}
    ]
    assert item["by"] == "By PAUL BYRNE and ALMUDENA CALATRAVA, Associated Press"
    assert item["bodies"][0]["value"].startswith(
        "<p>BUENOS AIRES, Argentina (AP) \u2014 For cancer"
    )
    assert item["subjects"] == [{"literal": "l", "rel": "category"}]
    assert item["urgency"] == 1  # priority f: flash
    assert {"role": "sequence", "value": "W2870"} in item["altIds"]
    # Superdesk keeps only "Argentina-Cancer"; the keyword line says "Argentina-Cancer Beauty".
    assert item["slugline"] == "Argentina-Cancer Beauty"
    assert item["versionCreated"] == item["firstCreated"] == "2013-11-13T15:09:00Z"
    assert item["uri"] == "urn:wirearchive:anpa1312:ap:2013-11-13:argentina-cancer-beauty"
    assert item["located"] == "Buenos Aires"
    assert item["edNote"] == "With AP Photos."
    assert item["descriptions"] == [
        {"role": "note", "value": "AP Photo XNP101, XNP102, XNP103, XNP104, XNP105, XNP106"}
    ]
    body = item["bodies"][0]["value"]
    assert body.count("<p>") == 15  # the 15 tab-led lines; the trailer line is not one
    assert "\u201cLook Good Feel Better\u201d is a program" in body  # ``...'' as quotes
    report = _profile().validate(item)
    assert report.valid, [p.to_dict() for p in report.errors]


@pytest.mark.parametrize("name", sorted(p.name for p in DATA.glob("*.tst")))
def test_every_fixture_validates_and_keeps_the_transmission_out(name: str) -> None:
    extracted = _read(name)
    item = extracted.item
    assert item is not None, extracted.problem
    headline, body = item["headlines"][0]["value"], item["bodies"][0]["value"]
    for text in (headline, body):
        assert not CONTROL.search(text)
        assert "AP-WF-" not in text
        assert "BC-" not in text
        assert "GMT<" not in text
        assert not text.rstrip().endswith(("<", "="))
    assert not headline.startswith(("^", "By ", "Eds:"))
    report = _profile().validate(item)
    assert report.valid, [p.to_dict() for p in report.errors]


def test_editors_note_and_take_key() -> None:
    item = _read("anpa-2.tst").item
    assert item is not None
    # Superdesk: ednote and anpa_take_key.
    assert item["edNote"].endswith(
        "This is part of an Associated Press investigation into the hidden costs of green energy."
    )
    assert {"role": "take", "value": "1stLd-Writethru"} in item["altIds"]
    assert item["version"] == "2"
    assert item["slugline"] == "Ethanol-Losing Grassland"
    assert item["headlines"][0]["value"] == "Prairies vanish in the US push for green energy"


def test_tabular_copy_is_preformatted_with_its_headings_in_place() -> None:
    weather = _read("anpa-3.tst")
    assert weather.item is not None
    body = weather.item["bodies"][0]["value"]
    assert body.startswith("<p>NEW YORK (AP) \u2014 Minimum and maximum temperatures")
    assert "<pre>;MIN;MAX;COND;PRECIP" in body
    assert "Amsterdam;42;50;rn;0.08" in body
    assert "END" not in body.split("\n")[-1]
    assert [w.rule for w in weather.warnings] == ["anpa1312.headline-from-keyword"]
    baseball = _read("ap_anpa-2.tst").item
    assert baseball is not None
    table = baseball["bodies"][0]["value"]
    # Superdesk's ap_anpa test looks for this row (with the TLI as "%08").
    assert "\nBaltimore;23;13;.639;_;_;8-2;L-1;16-6;7-7\n" in table
    assert table.index("East Division") < table.index("Baltimore") < table.index("Central Division")
    assert baseball["by"] == "By The Associated Press"


def test_header_lines_only_become_the_body() -> None:
    item = _read("anpa-4.tst").item
    assert item is not None
    assert item["headlines"][0]["value"] == "AP Top Entertainment News at 11:23 p.m. EST"
    body = item["bodies"][0]["value"]
    assert body.startswith("<p>Ex-bodyguard testifies about lewd messages sent to Paltrow</p>")
    assert body.count("<p>") == 10


def test_a_news_alert_takes_its_headline_from_its_text() -> None:
    extracted = _read("ap_anpa-5.tst")
    item = extracted.item
    assert item is not None
    assert item["headlines"][0]["value"] == (
        "Hawaii files court challenge to Trump administration's definition of close U.S. "
        "relationship needed to avoid travel ban."
    )
    assert item["urgency"] == 2  # b: bulletin
    assert [w.rule for w in extracted.warnings] == ["anpa1312.headline-from-text"]


def test_summary_line_and_keyword_with_a_number() -> None:
    item = _read("ap_anpa-7.tst").item
    assert item is not None
    assert item["slugline"] == "10 Things to Know-Today"
    assert item["descriptions"][0]["role"] == "summary"
    assert item["descriptions"][0]["value"].startswith("Among 10 Things to Know:")


def _message(take: str, first: str, *, priority: str = "r") -> bytes:
    return (
        f"\x16\x16\x01W1000\x1fasian\n{priority} a\x13\x11 BC-US--Test-Story {take}   11-13 0100\n"
        f"\x02^BC-US--Test Story,100<\n^Test headline for the story<\n^By A WRITER=\n"
        f"^Associated Press=\n\t   {first}\n \n\t   A second paragraph with more words.\n"
        "\n\t   \x03AP-WF-11-13-13 1509GMT<\n\n\x0c\n\x04"
    ).encode("ascii")


@pytest.mark.parametrize(
    ("take", "first", "status"),
    [
        ("Kill", "WASHINGTON (AP) _ The story is withdrawn.", "canceled"),
        ("", "KILL: WASHINGTON (AP) _ Do not use this story.", "canceled"),
        ("Elimination", "WASHINGTON (AP) _ Eliminate it.", "canceled"),
        ("Withhold", "WASHINGTON (AP) _ Hold it.", "withheld"),
        ("2ndLd-Writethru", "WASHINGTON (AP) _ Two soldiers were killed on Monday.", None),
    ],
)
def test_kill_and_withhold_notices_set_pub_status(take: str, first: str, status: str) -> None:
    (extracted,) = read_bytes(_message(take, first), "kill.tst", ReadContext())
    assert extracted.item is not None, extracted.problem
    assert extracted.item.get("pubStatus") == status
    assert extracted.item["headlines"][0]["value"] == "Test headline for the story"


def test_priority_letters_map_to_urgency_by_precedence() -> None:
    assert URGENCY["f"] < URGENCY["b"] < URGENCY["u"] < URGENCY["r"] < URGENCY["d"]
    (unknown,) = read_bytes(_message("", "WASHINGTON (AP) _ Text.", priority="q"), "q.tst",
                            ReadContext())  # fmt: skip
    assert unknown.item is not None
    assert "urgency" not in unknown.item
    assert "anpa1312.priority" in [w.rule for w in unknown.warnings]


def test_cut_short_message_and_content_choice() -> None:
    data = (DATA / "anpa-1.tst").read_bytes()
    (cut,) = read_bytes(data[: data.index(b"\x03")], "cut.tst", ReadContext())
    assert cut.problem is not None
    assert cut.problem.rule == "anpa1312.truncated"
    assert choose("story.txt", data[:4096]).name == "anpa1312"
