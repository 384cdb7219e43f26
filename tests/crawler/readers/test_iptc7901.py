"""The IPTC 7901 reader against dpa's real messages (Superdesk-core's fixtures): header
fields, take lines, byline, notebook and the not-for-publication block go to their own
fields, never into the headline or the body; the trailer dates the item."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import pytest
from wirearchive.crawler.readers import choose
from wirearchive.crawler.readers.base import TEXT, Extracted, ReadContext, Source
from wirearchive.crawler.readers.iptc7901 import READER, read_bytes
from wirearchive.validators import Validator

DATA = Path(__file__).parents[2] / "data" / "iptc7901"
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@cache
def _profile() -> Validator:
    return Validator(TEXT)


def _read(name: str) -> Extracted:
    (extracted,) = READER.read(Source.from_path(DATA / name), ReadContext())
    return extracted


def _paragraphs(extracted: Extracted) -> list[str]:
    assert extracted.item is not None
    body = extracted.item["bodies"][0]["value"]
    return re.findall(r"<p>(.*?)</p>", body)


def test_dpa_message_field_by_field() -> None:
    extracted = _read("IPTC7901.txt")
    item = extracted.item
    assert item is not None, extracted.problem
    # What Superdesk's iptc7901 and dpa_iptc7901 tests expect, in ninjs terms.
    assert item["headlines"] == [
        {
            "role": "main",
            "value": "Germany Social Democrats: Coalition talks with Merkel could fail",
        }
    ]
    assert item["slugline"] == "Germany-politics"
    assert item["urgency"] == 4
    assert item["subjects"] == [{"literal": "i", "rel": "category"}]
    assert {"role": "sequence", "value": "eca062"} in item["altIds"]
    assert item["located"] == "Berlin"
    assert item["infoSources"] == [{"name": "dpa", "role": "source"}]
    assert "## dpa Contacts" in item["edNote"]
    assert "Reporting by: Wolfgang Schmidt" in item["edNote"]
    # Trailer "131137 GMT Nov 13": the 13th, 11:37 GMT, November 2013.
    assert item["versionCreated"] == item["firstCreated"] == "2013-11-13T11:37:00Z"
    assert item["uri"] == "urn:wirearchive:iptc7901:eca:2013-11-13:germany-politics"
    assert item["language"] == "en"
    paragraphs = _paragraphs(extracted)
    assert len(paragraphs) == 5
    assert paragraphs[0] == (
        "Berlin (dpa) - Negotiations between German conservatives headed by Chancellor Angela "
        "Merkel and the left-leaning Social Democrats (SPD) on forming a coalition government "
        "could fail, a senior SPD member warned Wednesday."
    )
    assert paragraphs[-1].endswith("sworn in for a third term before Christmas.")
    report = _profile().validate(item)
    assert report.valid, [p.to_dict() for p in report.errors]


@pytest.mark.parametrize("name", sorted(p.name for p in DATA.glob("*.txt")))
def test_no_header_field_or_control_character_reaches_headline_or_body(name: str) -> None:
    extracted = _read(name)
    item = extracted.item
    assert item is not None, extracted.problem
    headline = item["headlines"][0]["value"]
    body = item["bodies"][0]["value"]
    for text in (headline, body):
        assert not CONTROL.search(text)
        assert "ccccb" not in text
        assert "GMT" not in text.split("</p>")[-1]
        assert "not for publication" not in text
        assert "not intended for publication" not in text
        assert "Reporting by" not in text
        assert "# Notebook" not in text
    assert not headline.endswith("=")
    assert not headline.startswith("By ")
    assert item["slugline"] + "/" not in headline
    assert "\x02" not in headline
    report = _profile().validate(item)
    assert report.valid, [p.to_dict() for p in report.errors]


def test_take_lines_and_byline_are_fields_not_the_headline() -> None:
    four = _read("dpa_four_line.txt").item
    assert four is not None
    assert four["headlines"][0]["value"] == (
        "Switzerland joins list of countries resisting UN migration pact"
    )
    assert four["slugline"] == "Switzerland/migration/UN"
    assert {"role": "take", "value": "REFILE 1ST LEAD"} in four["altIds"]
    assert four["version"] == "2"  # the first lead is the story's second version
    assert four["by"] == "By dpa correspondents"
    assert "firstCreated" not in four  # a lead is not the story's first version
    two = _read("dpa_two_line.txt").item
    assert two is not None
    assert two["headlines"][0]["value"] == (
        "Peace talks on Yemen to take place in Sweden next month, Mattis says"
    )
    assert {"role": "take", "value": "EXTRA"} in two["altIds"]
    assert two["descriptions"] == [
        {"role": "note", "value": "## Internet links - [DOD news](http://dpaq.de/3UXnb)"}
    ]
    assert two["edNote"] == "dpa grj rmo"
    by = _read("dpa_two_by_line.txt").item
    assert by is not None
    assert by["headlines"][0]["value"] == (
        "Chiefs-Rams 2.0? Would be a fun Super Bowl, but don't count on it"
    )
    assert by["by"] == "By Tom Krasovic, The San Diego Union-Tribune"
    assert by["slugline"] == "American Football/NFL"
    copyright_item = _read("dpa_copyright.txt").item
    assert copyright_item is not None
    assert copyright_item["headlines"][0]["value"] == "Impressum"
    assert {"role": "take", "value": "(Achtung)"} in copyright_item["altIds"]


def test_latin1_accent_and_a_trailer_in_german() -> None:
    extracted = _read("IPTC7901_odd_charset.txt")
    item = extracted.item
    assert item is not None
    assert extracted.media_type == "text/plain; charset=cp1252"
    assert "Thomas Müller" in item["bodies"][0]["value"]
    # "071341 GMT Okt 15": German month name, 7 October 2015.
    assert item["versionCreated"] == "2015-10-07T13:41:00Z"
    assert {"role": "take", "value": "1ST LEAD"} in item["altIds"]
    assert item["descriptions"][0]["value"].startswith("## Note to editors")
    assert "## Editorial contacts" in item["edNote"]


def test_trailer_without_zone_is_read_as_gmt_with_a_warning() -> None:
    extracted = _read("dpa_two_by_line.txt")
    assert extracted.item is not None
    assert extracted.item["versionCreated"] == "2018-11-21T12:59:00Z"
    assert [w.rule for w in extracted.warnings] == ["time.zone-assumed"]


def _message(
    first_line: str, *, take: str = "", headline: str = "Test headline for a message"
) -> bytes:
    head = "\x01eca077 1 i 40 ccccb   dpa 077\r\n\r\nGermany-test/\r\n\x02"
    head += f"{take}\r\n" if take else ""
    text = (
        f"{headline} =\r\n\r\n   {first_line}\r\nand its second line.\r\n"
        "\r\n   Another paragraph follows here with more words in it.\r\n"
        "\x03131137 GMT Nov 13\r\n\x7f\x7f\x04"
    )
    return (head + text).encode("ascii")


@pytest.mark.parametrize(
    ("take", "first_line", "status"),
    [
        ("KILL", "Berlin (dpa) - The story is killed.", "canceled"),
        ("", "ELIMINATION - the story about the minister is withdrawn.", "canceled"),
        ("ATTENTION - WITHDRAWAL", "Berlin (dpa) - Please do not use.", "canceled"),
        ("WITHHOLD", "Berlin (dpa) - Hold this story.", "withheld"),
        ("1ST LEAD", "Berlin (dpa) - Two people were killed in a crash.", None),
    ],
)
def test_kill_and_withhold_notices_set_pub_status(
    take: str, first_line: str, status: str | None
) -> None:
    (extracted,) = read_bytes(_message(first_line, take=take), "kill.txt", ReadContext())
    assert extracted.item is not None
    assert extracted.item.get("pubStatus") == status
    assert extracted.item["headlines"][0]["value"] == "Test headline for a message"


def test_a_headline_in_capitals_is_no_kill_notice() -> None:
    headline = "WITHDRAWAL OF TROOPS FROM THE BORDER BEGINS"
    data = _message("Berlin (dpa) - The army began to pull out.", headline=headline)
    (extracted,) = read_bytes(data, "caps.txt", ReadContext())
    assert extracted.item is not None
    assert "pubStatus" not in extracted.item
    assert extracted.item["headlines"][0]["value"] == headline


def test_wrapped_and_indented_lines_make_paragraphs() -> None:
    (extracted,) = read_bytes(_message("Berlin (dpa) - First line"), "wrap.txt", ReadContext())
    assert _paragraphs(extracted) == [
        "Berlin (dpa) - First line and its second line.",
        "Another paragraph follows here with more words in it.",
    ]


def test_cut_short_and_headerless_messages_are_problems() -> None:
    data = (DATA / "IPTC7901.txt").read_bytes()
    (cut,) = read_bytes(data[: data.index(b"\x03")], "cut.txt", ReadContext())
    assert cut.problem is not None
    assert cut.problem.rule == "iptc7901.truncated"
    assert cut.raw is not None
    assert cut.item is None
    (bare,) = read_bytes(b"just some words\n", "bare.txt", ReadContext())
    assert bare.problem is not None
    assert bare.problem.rule == "iptc7901.no-header"


def test_chosen_by_content_and_a_missing_date_falls_back_to_the_capture_time() -> None:
    head = (DATA / "IPTC7901.txt").read_bytes()[:4096]
    assert choose("wire.bin", head).name == "iptc7901"
    data = (DATA / "IPTC7901.txt").read_bytes().replace(b"131137 GMT Nov 13", b"")
    when = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    (extracted,) = read_bytes(data, "nodate.txt", ReadContext(retrieved_at=when))
    assert extracted.item is not None
    assert extracted.item["versionCreated"] == "2026-01-02T03:04:05Z"
    assert "time.capture-time" in [w.rule for w in extracted.warnings]
