"""The plain-text capture reader on the seed capture and its variations."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import pytest
from wirearchive.crawler.intake import Checker
from wirearchive.crawler.readers import Extracted, ReadContext, Source
from wirearchive.crawler.readers.text import READER
from wirearchive.text.dateline import parse_dateline
from wirearchive.validators import RuleContext, Validator

SAMPLE = Path(__file__).parents[2] / "data" / "sputnik-kz-2024-05-29.txt"
HEADLINE = "В Астане министры обороны Казахстана и Беларуси подписали несколько соглашений"
LEAD = (
    "Казахстан с официальным визитом посетил министр обороны Республики Беларусь "
    "генерал-лейтенант Виктор Хренин"
)
CAPTION = "Глава государства ознакомился с работой завода Kazakhstan Paramount Engineering"
CREDIT = "Пресс-служба президента Казахстана"


def _read(path: Path, **context: Any) -> list[Extracted]:
    return list(READER.read(Source.from_path(path), ReadContext(**context)))


def _item(path: Path, **context: Any) -> dict[str, Any]:
    (extracted,) = _read(path, **context)
    assert extracted.problem is None, extracted.problem
    assert extracted.item is not None
    return extracted.item


def test_the_seed_capture_becomes_the_expected_item() -> None:
    (extracted,) = _read(SAMPLE)
    item = extracted.item
    assert item is not None
    assert item["headlines"] == [{"role": "main", "value": HEADLINE}]
    assert item["language"] == "ru"
    assert item["located"] == "Алматы"
    assert item["firstCreated"].startswith("2024-05-29")
    assert item["contentCreated"].startswith("2024-05-29")
    assert "Sputnik" in [source["name"] for source in item["infoSources"]]
    assert item["descriptions"] == [{"role": "summary", "value": LEAD}]
    (picture,) = item["associations"]
    assert picture["type"] == "picture"
    assert picture["descriptions"] == [{"role": "caption", "value": CAPTION}]
    assert picture["copyrightHolder"] == CREDIT
    body = item["bodies"][0]["value"]
    assert body.startswith("<p>В Астане министры обороны Казахстана и Беларуси Руслан")
    assert body.endswith("посетил аудиторию военного искусства Беларуси.</p>")
    assert "АЛМАТЫ, 29 мая" not in body  # the dateline lives in located, date and source
    assert extracted.raw == SAMPLE.read_bytes()


def test_nothing_of_the_page_chrome_is_left() -> None:
    text = orjson.dumps(_item(SAMPLE)).decode()
    for chrome in ("Подписаться", "Лента новостей", "© Photo", "1920"):
        assert chrome not in text
    body = _item(SAMPLE)["bodies"][0]["value"]
    assert "<p>0</p>" not in body


def test_the_seed_capture_is_valid_with_the_surname_warning() -> None:
    (extracted,) = _read(SAMPLE)
    report = Checker().check(extracted)
    assert report.valid, [p.message for p in report.errors]
    rules = [w.rule for w in report.warnings]
    assert "name.variant-spelling" in rules
    assert "time.date-only" in rules


def test_steps_say_what_the_reader_did() -> None:
    (extracted,) = _read(SAMPLE)
    steps = {s["name"]: s.get("detail", "") for s in extracted.steps}
    assert steps["decode"] == "utf-8 (utf-8)"
    assert "'Подписаться'" in steps["chrome"]
    assert "Алматы" in steps["dateline"]
    assert steps["year"].startswith("2024")
    assert CREDIT in steps["photo"]


def test_windows_1251_capture_reads_the_same(tmp_path: Path) -> None:
    text = SAMPLE.read_text("utf-8").replace("“", '"').replace("©", "(c)").replace("–", "-")
    (tmp_path / "utf8.txt").write_text(text, "utf-8")
    (tmp_path / "legacy.txt").write_bytes(text.encode("cp1251"))
    legacy = _item(tmp_path / "legacy.txt")
    assert legacy["bodies"] == _item(tmp_path / "utf8.txt")["bodies"]
    assert legacy["located"] == "Алматы"


def test_a_dateline_without_a_year_and_no_other_date_takes_the_capture_year(
    tmp_path: Path,
) -> None:
    path = tmp_path / "tass.txt"
    path.write_text(
        "Путин провел переговоры с президентом Казахстана\n"
        "МОСКВА, 3 июня. /ТАСС/. Президент России провел переговоры с президентом "
        "Казахстана в Кремле, сообщили в пресс-службе.\n"
        "Стороны обсудили вопросы торговли и транспорта, а также сотрудничество в "
        "энергетике и в сфере образования.\n"
        "Поделиться\n",
        "utf-8",
    )
    (extracted,) = _read(path, retrieved_at=datetime(2025, 6, 4, tzinfo=UTC))
    assert extracted.item is not None
    assert extracted.item["firstCreated"] == "2025-06-03T00:00:00Z"
    assert extracted.item["located"] == "Москва"
    assert [s["name"] for s in extracted.item["infoSources"]] == ["TASS"]
    assert "dateline.year-assumed" in [w.rule for w in extracted.warnings]
    assert "Поделиться" not in orjson.dumps(extracted.item).decode()


def test_english_and_kazakh_chrome_is_removed(tmp_path: Path) -> None:
    path = tmp_path / "reuters.txt"
    path.write_text(
        "Wheat exports rise for a third month\nShare\nSubscribe\n"
        "LONDON, May 29, 2024 (Reuters) - Exports of wheat from Black Sea ports rose for a "
        "third straight month in May, traders said on Wednesday.\n"
        "Harvest forecasts improved and freight rates eased, they said.\nЖазылу\n1 234\n"
        "Related\nOther story one\nOther story two\n",
        "utf-8",
    )
    item = _item(path)
    assert item["language"] == "en"
    assert item["located"] == "London"
    assert item["firstCreated"] == "2024-05-29T00:00:00Z"
    assert item["bodies"][0]["value"] == (
        "<p>Exports of wheat from Black Sea ports rose for a third straight month in May, "
        "traders said on Wednesday.</p><p>Harvest forecasts improved and freight rates eased, "
        "they said.</p>"
    )
    assert item["uri"] == "urn:wirearchive:text:reuters:2024-05-29:reuters"


@pytest.mark.parametrize(
    ("content", "rule"),
    [
        (b"", "text.empty"),
        (b"\n\n   \n", "text.empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "input.binary"),
        ("В Астане".encode().decode("cp1251").encode() * 3, "input.mojibake"),
        ("Подписаться\nЛента новостей\n".encode(), "body.chrome-only"),
        ("Только заголовок\n".encode(), "text.no-story"),
    ],
)
def test_bad_captures_are_problems_not_items(tmp_path: Path, content: bytes, rule: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    (extracted,) = _read(path)
    assert extracted.item is None
    assert extracted.problem is not None
    assert extracted.problem.rule == rule
    assert extracted.raw == content


def test_an_oversized_capture_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(SAMPLE.read_bytes())
    (extracted,) = _read(path, max_bytes=100)
    assert extracted.problem is not None
    assert extracted.problem.rule == "input.too-large"
    assert extracted.raw is None


# --- dates from the page's own date lines (issue 10) ----------------------------------

CAPTURES = SAMPLE.parent / "dated-captures"
CAPTURED = datetime(2026, 12, 3, 9, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("name", "language", "located", "first", "version"),
    [
        ("ap-en-2024-10-08", "en", "Washington", "2024-10-08T18:47:00Z", "2024-10-08T18:47:00Z"),
        ("afp-fr-2024-09-12", "fr", "Paris", "2024-09-12T14:12:00Z", "2024-09-12T16:40:00Z"),
        ("dpa-de-2024-12-03", "de", "Berlin", "2024-12-03T10:15:00Z", "2024-12-03T10:15:00Z"),
        ("aa-tr-2024-12-03", "tr", "Ankara", "2024-12-03T07:15:00Z", "2024-12-03T09:40:00Z"),
        (
            "kazinform-ru-2024-08-07",
            "ru",
            "Астана",
            "2024-08-07T11:20:00Z",
            "2024-08-07T11:20:00Z",
        ),
        ("efe-es-2024-03-05", "es", "Madrid", "2024-03-05T08:30:00Z", "2024-03-05T08:30:00Z"),
        ("ansa-it-2024-06-04", "it", "Roma", "2024-06-04T09:12:00Z", "2024-06-04T11:30:00Z"),
        (
            "ukrinform-uk-2024-11-12",
            "uk",
            "Київ",
            "2024-11-12T18:40:00Z",
            "2024-11-12T18:40:00Z",
        ),
    ],
)
def test_a_dateline_without_a_date_takes_the_page_date(
    name: str, language: str, located: str, first: str, version: str
) -> None:
    path = CAPTURES / f"{name}.txt"
    (extracted,) = _read(path, retrieved_at=CAPTURED)
    item = extracted.item
    assert item is not None
    assert (item["language"], item["located"]) == (language, located)
    assert (item["firstCreated"], item["contentCreated"]) == (first, first)
    assert item["versionCreated"] == version
    report = Validator("profile").validate(item)
    assert report.valid, [p.message for p in report.errors]
    # The date lines went into the times: none is left in the text of the item.
    text = orjson.dumps(item).decode()
    for line in path.read_text("utf-8").splitlines()[1:3]:
        if any(ch.isdigit() for ch in line):
            assert line not in text
    assert "text.date-assumed" not in [w.rule for w in extracted.warnings]
    assert "dates" in [s["name"] for s in extracted.steps]


@pytest.mark.parametrize(
    ("captured", "expected"),
    [
        (datetime(2026, 12, 30, 12, tzinfo=UTC), "2025-12-31T00:00:00Z"),  # the day before
        (datetime(2026, 12, 31, 12, tzinfo=UTC), "2026-12-31T00:00:00Z"),  # the day itself
        (datetime(2027, 1, 2, 8, tzinfo=UTC), "2026-12-31T00:00:00Z"),  # after New Year
    ],
)
def test_a_yearless_dateline_near_new_year_is_never_in_the_future(
    captured: datetime, expected: str
) -> None:
    (extracted,) = _read(CAPTURES / "reuters-en-yearless.txt", retrieved_at=captured)
    item = extracted.item
    assert item is not None
    assert item["firstCreated"] == expected
    assert datetime.fromisoformat(item["versionCreated"]) <= captured
    # Validated as at the capture time: time.future would flag a day after it.
    report = Validator("profile", context=RuleContext(now=captured)).validate(item)
    assert report.valid, [p.message for p in report.errors]
    (warning,) = [w for w in extracted.warnings if w.rule == "dateline.year-assumed"]
    assert expected[:4] in warning.message


def test_a_yearless_dateline_takes_the_year_nearest_the_page_date(tmp_path: Path) -> None:
    path = tmp_path / "reuters-new-year.txt"
    path.write_text(
        "Markets open the year higher\nPublished December 30, 2024\n"
        "LONDON, Jan 2 (Reuters) - European shares rose in the first session of the year, "
        "led by banks and miners, traders said.\n",
        "utf-8",
    )
    (extracted,) = _read(path, retrieved_at=CAPTURED)
    assert extracted.item is not None
    assert extracted.item["firstCreated"] == "2025-01-02T00:00:00Z"
    assert "dateline.year-assumed" not in [w.rule for w in extracted.warnings]
    steps = {s["name"]: s.get("detail", "") for s in extracted.steps}
    assert steps["year"].startswith("2025")


def test_a_capture_with_no_date_anywhere_takes_the_capture_time() -> None:
    (extracted,) = _read(CAPTURES / "dpa-de-undated.txt", retrieved_at=CAPTURED)
    item = extracted.item
    assert item is not None
    assert "firstCreated" not in item
    assert item["versionCreated"] == "2026-12-03T09:30:00Z"
    assert item["uri"] == "urn:wirearchive:text:dpa:undated:dpa-de-undated"
    (warning,) = [w for w in extracted.warnings if w.rule == "text.date-assumed"]
    assert warning.path == ("versionCreated",)
    assert "2026-12-03T09:30:00Z" in warning.message
    report = Validator("profile").validate(item)
    assert report.valid, [p.message for p in report.errors]


def test_a_date_in_the_story_text_is_not_the_story_date(tmp_path: Path) -> None:
    path = tmp_path / "dpa-text-date.txt"
    path.write_text(
        "Gericht vertagt Urteil\n"
        "Leipzig (dpa) - Das Bundesverwaltungsgericht hat sein Urteil vertagt.\n"
        "Am 3. Dezember 2024 soll nun verkündet werden, teilte ein Sprecher mit.\n",
        "utf-8",
    )
    (extracted,) = _read(path, retrieved_at=CAPTURED)
    assert extracted.item is not None
    assert "firstCreated" not in extracted.item
    assert "text.date-assumed" in [w.rule for w in extracted.warnings]
    assert "<p>Am 3. Dezember 2024 soll" in extracted.item["bodies"][0]["value"]


# --- captures in eleven languages ---------------------------------------------------------

CHROME_CAPTURES = SAMPLE.parent / "chrome-captures"
CHROME: dict[str, dict[str, Any]] = orjson.loads((CHROME_CAPTURES / "chrome.json").read_bytes())


def _capture_lines(name: str) -> list[str]:
    text = (CHROME_CAPTURES / name).read_text(encoding="utf-8")
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


@pytest.mark.parametrize("name", sorted(CHROME))
def test_a_capture_in_each_language_keeps_its_story_and_loses_its_chrome(name: str) -> None:
    chrome = CHROME[name]["chrome"]
    story = [line for line in _capture_lines(name) if line not in chrome]
    (extracted,) = _read(CHROME_CAPTURES / name)
    item = extracted.item
    assert item is not None, extracted.problem
    assert item["headlines"] == [{"role": "main", "value": story[0]}]
    body = item["bodies"][0]["value"]
    dateline = next(i for i, line in enumerate(story) if i and parse_dateline(line))
    paragraphs = re.findall(r"<p>(.*?)</p>", body)
    assert paragraphs[1:] == [html.escape(line, quote=False) for line in story[dateline + 1 :]]
    lead = story[1:dateline]
    if lead:
        assert item["descriptions"] == [{"role": "summary", "value": " ".join(lead)}]
    described = [d["value"] for d in item.get("descriptions", [])]
    for line in chrome:
        assert html.escape(line, quote=False) not in paragraphs
        assert line not in described
    steps = {s["name"]: s.get("detail", "") for s in extracted.steps}
    assert steps["chrome"].startswith(f"removed {len(chrome)} lines: ")
    assert "jusText" in steps["chrome"]


@pytest.mark.parametrize("name", sorted(CHROME))
def test_a_capture_of_only_its_chrome_is_quarantined_as_chrome_only(
    name: str, tmp_path: Path
) -> None:
    path = tmp_path / name
    path.write_text("\n".join(CHROME[name]["chrome"]) + "\n", "utf-8")
    (extracted,) = _read(path)
    assert extracted.item is None
    assert extracted.problem is not None
    assert extracted.problem.rule == "body.chrome-only"
    assert "only page chrome" in extracted.problem.message


def test_a_headline_over_a_share_bar_is_chrome_only_too(tmp_path: Path) -> None:
    path = tmp_path / "de.txt"
    path.write_text(
        "Bahn kündigt neue Sprinter an\nArtikel teilen\nDrucken\nMehr zum Thema\n"
        "Bahn-Chef verteidigt Preiserhöhung\njdm/dpa\nAbonnieren Sie unseren Newsletter\n",
        "utf-8",
    )
    (extracted,) = _read(path)
    assert extracted.problem is not None
    assert extracted.problem.rule == "body.chrome-only"
    assert "and a headline" in extracted.problem.message


def test_the_headline_is_found_below_the_masthead_and_menu(tmp_path: Path) -> None:
    path = tmp_path / "ap.txt"
    path.write_text(
        "AP News\nWorld\nPolitics\nSearch\n"
        "Port of Baltimore reopens its main channel to ships\n"
        "By JANE DOE\n"
        "Updated 9:14 AM EDT, June 11, 2024\n"
        "A tug guides a ship into the harbor. (AP Photo/John Roe)\n"
        "BALTIMORE (AP) — The main shipping channel reopened on Monday after a salvage "
        "operation that lasted eleven weeks, officials said.\n"
        "Traffic is expected to return to normal within days.\n",
        "utf-8",
    )
    (extracted,) = _read(path, retrieved_at=CAPTURED)
    item = extracted.item
    assert item is not None, extracted.problem
    assert item["headlines"][0]["value"] == "Port of Baltimore reopens its main channel to ships"
    assert "descriptions" not in item  # the byline and the caption are not a lead
    assert item["versionCreated"] == "2024-06-11T13:14:00Z"
    body = item["bodies"][0]["value"]
    for chrome in ("AP News", "JANE DOE", "AP Photo", "Search"):
        assert chrome not in body
    assert body.startswith("<p>The main shipping channel reopened")
    removed = " ".join(s["detail"] for s in extracted.steps if s["name"] == "chrome")
    assert "'AP News' (above the headline)" in removed


def test_a_short_headline_right_above_the_dateline_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "dpa.txt"
    path.write_text(
        "Hafen meldet Rekord\nHamburg (dpa) - Der Hafen hat im Mai so viele Container "
        "umgeschlagen wie nie.\nDas teilte die Hafenbehörde mit.\n",
        "utf-8",
    )
    item = _item(path, retrieved_at=CAPTURED)
    assert item["headlines"][0]["value"] == "Hafen meldet Rekord"
    assert item["located"] == "Hamburg"
