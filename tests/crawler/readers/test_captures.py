"""Issue 10's acceptance table: plain-text captures in many languages, read right.

Each capture in tests/data/captures/ is read by the text reader as the intake reads it (a
Source and a ReadContext with the capture time) and must give the headline, date, place,
agency, language, lead and first and last body sentence that `expected.toml` says, carry
none of the page's chrome, and be valid by the archive's profile. The files and the table
are described in tests/data/captures/README.md. The tests at the end check the table
itself, so a failure above is about the reader, not about the table.
"""

from __future__ import annotations

import re
import tomllib
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from wirearchive.crawler.readers import Extracted, ReadContext, Source
from wirearchive.crawler.readers.text import READER
from wirearchive.validators import RuleContext, Validator

CAPTURES = Path(__file__).parents[2] / "data" / "captures"
TABLE: dict[str, dict[str, Any]] = tomllib.loads((CAPTURES / "expected.toml").read_text("utf-8"))
NAMES = sorted(TABLE)
#: Chrome lines at least this long are looked for inside paragraphs too, not only as one.
LONG = 20


def _lines(name: str) -> list[str]:
    text = (CAPTURES / name).read_text("utf-8")
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


@cache
def _read(name: str) -> Extracted:
    """The capture read once, with the capture time from the table."""
    retrieved = datetime.fromisoformat(TABLE[name]["retrieved"])
    context = ReadContext(retrieved_at=retrieved)
    (extracted,) = READER.read(Source.from_path(CAPTURES / name), context)
    return extracted


def _item(name: str) -> dict[str, Any]:
    extracted = _read(name)
    assert extracted.problem is None, f"{name}: {extracted.problem}"
    assert extracted.item is not None
    return extracted.item


def _paragraphs(item: dict[str, Any]) -> list[str]:
    """The text of each paragraph of the main body, whitespace normalised."""
    (body,) = [b for b in item.get("bodies", []) if b.get("role", "main") == "main"]
    root = lxml.html.fragment_fromstring(body["value"], create_parent="div")
    found = [" ".join(p.text_content().split()) for p in root.iter("p")]
    return [p for p in found if p]


def _summary(item: dict[str, Any]) -> str | None:
    for description in item.get("descriptions", []):
        if description.get("role") == "summary":
            return " ".join(str(description["value"]).split())
    return None


def _chrome_in(chrome: str, pieces: list[str], *, joined: bool = False) -> bool:
    """Whether a chrome line shows in these texts: as a whole one, or inside one.

    A line at least `LONG` characters long counts anywhere inside a text. A short one
    ("Share", "X", "0") counts as a whole text; in a `joined` text (a description, made of
    lines joined with spaces) also as a run of words bounded by spaces or the ends.
    """
    bounded = re.compile(rf"(?:^|\s){re.escape(chrome)}(?:\s|$)")
    for piece in pieces:
        if piece == chrome or (len(chrome) >= LONG and chrome in piece):
            return True
        if joined and bounded.search(piece):
            return True
    return False


def _version_created(item: dict[str, Any]) -> datetime:
    stamp = datetime.fromisoformat(str(item["versionCreated"]))
    assert stamp.tzinfo is not None, f"versionCreated {stamp} has no zone"
    return stamp.astimezone(UTC)


# ------------------------------------------------------------------ the acceptance table


@pytest.mark.parametrize("name", NAMES)
def test_the_capture_is_read_right(name: str) -> None:
    """Every expected field at once, so one run shows all that is wrong with a capture."""
    expected = TABLE[name]
    item = _item(name)
    wrong: list[str] = []

    def check(field: str, got: object, want: object) -> None:
        if got != want:
            wrong.append(f"{field}: got {got!r}, expected {want!r}")

    check("headline", [h["value"] for h in item.get("headlines", [])][:1], [expected["headline"]])
    if "versionCreated" not in item:
        wrong.append("versionCreated: missing")
    else:
        created = _version_created(item)
        check("date", created.date().isoformat(), expected["date"])
        if "time" in expected:
            check("time (UTC)", created.strftime("%H:%M"), expected["time"])
    check("located", item.get("located"), expected["located"])
    sources = [s.get("name") for s in item.get("infoSources", []) if s.get("role") == "source"]
    check("agency", sources[:1], [expected["agency"]])
    check("language", str(item.get("language", "")).split("-")[0].lower(), expected["language"])
    if "description" in expected:
        check("description", _summary(item), expected["description"])
    paragraphs = _paragraphs(item)
    check("first", (paragraphs or [""])[0][: len(expected["first"])], expected["first"])
    check("last", (paragraphs or [""])[-1][-len(expected["last"]) :], expected["last"])
    for rule in expected.get("warnings", []):
        if rule not in [w.rule for w in _read(name).warnings]:
            wrong.append(f"warnings: no {rule!r}")
    assert not wrong, f"{name}:\n  " + "\n  ".join(wrong)


@pytest.mark.parametrize("name", NAMES)
def test_no_chrome_line_is_left(name: str) -> None:
    item = _item(name)
    places = {
        "headline": ([h["value"] for h in item.get("headlines", [])], False),
        "description": ([s for s in [_summary(item)] if s], True),
        "body": (_paragraphs(item), False),
    }
    left = [
        f"{where}: {line!r}"
        for line in TABLE[name]["chrome"]
        for where, (pieces, joined) in places.items()
        if _chrome_in(line, pieces, joined=joined)
    ]
    assert not left, f"{name}: chrome left in\n  " + "\n  ".join(left)


@pytest.mark.parametrize("name", NAMES)
def test_the_item_is_valid_by_the_profile(name: str) -> None:
    # Judged as at the capture time, so that a date after it is time.future however late
    # the tests run.
    now = datetime.fromisoformat(TABLE[name]["retrieved"])
    report = Validator("profile", context=RuleContext(now=now)).validate(_item(name), path=name)
    assert report.valid, [f"{p.rule}: {p.message}" for p in report.errors]


# ------------------------------------------------------------------- the table itself


def test_the_table_keeps_its_size_and_languages() -> None:
    languages = {expected["language"] for expected in TABLE.values()}
    assert len(TABLE) >= 30
    assert len(languages) >= 10
    required = {"en", "de", "fr", "es", "it", "tr", "ru", "uk", "be", "kk", "zh", "pt"}
    assert required <= languages, required - languages
    assert sorted(path.name for path in CAPTURES.glob("*.txt")) == NAMES


def test_the_table_covers_the_hard_cases() -> None:
    """Date-less datelines, yearless dates near New Year, and a capture with no date."""
    datelines_without_date = [n for n in NAMES if not _dateline_has_date(n)]
    assert len(datelines_without_date) >= 10
    near_new_year = [
        n
        for n, e in TABLE.items()
        if e["date"][5:] in {"12-30", "12-31", "01-01", "01-02"} and e["retrieved"][5:7] == "01"
    ]
    assert len(near_new_year) >= 5
    assert any("text.date-assumed" in e.get("warnings", []) for e in TABLE.values())


def _dateline_has_date(name: str) -> bool:
    """Whether the story line (the one holding `first`) names a month or day before it."""
    expected = TABLE[name]
    line = next(line for line in _lines(name) if expected["first"] in line)
    dateline = line[: line.index(expected["first"])] or _previous(name, line)
    return bool(re.search(r"\d", dateline))


def _previous(name: str, line: str) -> str:
    lines = _lines(name)
    return lines[lines.index(line) - 1]


@pytest.mark.parametrize("name", NAMES)
def test_the_table_accounts_for_every_line(name: str) -> None:
    """Headline, lead, story and chrome are exactly the file's lines, and do not overlap.

    Also that the right reading itself passes the chrome check: no story line, headline
    or lead counts as chrome, so the chrome test can only fail on a reader's mistake.
    """
    expected = TABLE[name]
    lines = _lines(name)
    start = next(i for i, line in enumerate(lines) if expected["first"] in line)
    own_line = lines[start].startswith(expected["first"])  # the dateline stood alone
    if own_line:
        start -= 1
    end = next(i for i, line in enumerate(lines) if line.endswith(expected["last"]))
    assert start < end
    story = lines[start : end + 1]
    lead = [expected["description"]] if "description" in expected else []
    others = [line for line in lines if line not in story]
    assert sorted(others) == sorted([expected["headline"], *lead, *expected["chrome"]])
    paragraphs = story[1:] if own_line else [story[0], *story[1:]]
    paragraphs[0] = paragraphs[0][paragraphs[0].index(expected["first"]) :]
    right = [expected["headline"], *lead, *paragraphs]
    for chrome in expected["chrome"]:
        found = _chrome_in(chrome, right) or _chrome_in(chrome, lead, joined=True)
        assert not found, f"{chrome!r} would be found in the right reading"
    retrieved = datetime.fromisoformat(expected["retrieved"])
    assert retrieved.tzinfo is not None
    published = datetime.fromisoformat(f"{expected['date']}T{expected.get('time', '00:00')}Z")
    assert published <= retrieved, "the story cannot be dated after its page was saved"
