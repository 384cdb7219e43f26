"""The page's date lines in eleven languages, and the year of a dateline that has none."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from wirearchive.text.dateline import parse_dateline
from wirearchive.text.dates import (
    PageDate,
    StoryDates,
    find_page_dates,
    nearest_year,
    rfc3339,
    story_dates,
)

CAPTURED = datetime(2026, 12, 3, 9, 30, tzinfo=UTC)

#: (date line, kind, the UTC time it gives, "t" if it has a time and "z" a zone)
LINES = [
    # English: 12-hour times with US and UK zones.
    ("Updated 2:47 PM EDT, October 8, 2024", "updated", "2024-10-08T18:47:00Z", "tz"),
    ("Published Oct. 8, 2024 9:05 a.m. EST", "published", "2024-10-08T14:05:00Z", "tz"),
    ("Last updated: 14 November 2024, 16:20 GMT", "updated", "2024-11-14T16:20:00Z", "tz"),
    ("December 2, 2024", "date", "2024-12-02T00:00:00Z", ""),
    # Russian, Kazakh, Ukrainian, Belarusian.
    ("7 Августа 2024, 11:20", "date", "2024-08-07T11:20:00Z", "t"),
    ("Опубликовано: 12.03.2024 14:05 (MSK)", "published", "2024-03-12T11:05:00Z", "tz"),
    ("Обновлено 29 мая 2024, 16:40 МСК", "updated", "2024-05-29T13:40:00Z", "tz"),
    ("12.03.2024 14:05 (МСК)", "date", "2024-03-12T11:05:00Z", "tz"),
    ("06.11.2024", "date", "2024-11-06T00:00:00Z", ""),
    ("Жарияланды: 29 қараша 2024, 10:15", "published", "2024-11-29T10:15:00Z", "t"),
    ("Оновлено 12 листопада 2024, 18:40", "updated", "2024-11-12T18:40:00Z", "t"),
    ("Опубліковано 3 грудня 2024, 07:05 GMT+2", "published", "2024-12-03T05:05:00Z", "tz"),
    ("Апублікавана 2 снежня 2024, 09:00", "published", "2024-12-02T09:00:00Z", "t"),
    # German, French, Spanish, Italian.
    ("Veröffentlicht am 3. Dezember 2024, 10:15 Uhr", "published", "2024-12-03T10:15:00Z", "t"),
    ("Stand: 04.12.2024 08:30 CET", "updated", "2024-12-04T07:30:00Z", "tz"),
    ("Aktualisiert am 4. Dezember 2024", "updated", "2024-12-04T00:00:00Z", ""),
    ("Publié le 12/09/2024 à 14h12", "published", "2024-09-12T14:12:00Z", "t"),
    ("Mis à jour le 13 septembre 2024 à 08h05", "updated", "2024-09-13T08:05:00Z", "t"),
    ("Publicado el 5 de marzo de 2024 a las 08:30", "published", "2024-03-05T08:30:00Z", "t"),
    ("Actualizado: 06/03/2024 10:00 CET", "updated", "2024-03-06T09:00:00Z", "tz"),
    ("Pubblicato il 4 giugno 2024 alle 09:12", "published", "2024-06-04T09:12:00Z", "t"),
    ("Aggiornato il 05/06/2024", "updated", "2024-06-05T00:00:00Z", ""),
    # Turkish and Chinese.
    ("03 Aralık 2024 10:15", "date", "2024-12-03T10:15:00Z", "t"),
    ("Güncelleme: 04.12.2024 11:30 GMT+3", "updated", "2024-12-04T08:30:00Z", "tz"),
    ("2024年12月3日 10:20", "date", "2024-12-03T10:20:00Z", "t"),
    ("发布时间：2024-12-03 08:15", "published", "2024-12-03T08:15:00Z", "t"),
    # The source after the date, as Chinese pages write it; a place before it, as EFE's.
    ("2024年11月05日 14:32 来源：中国新闻网", "date", "2024-11-05T14:32:00Z", "t"),
    ("Bogotá, 14 de noviembre de 2024 - 17:45 GMT", "date", "2024-11-14T17:45:00Z", "tz"),
]


@pytest.mark.parametrize(("line", "kind", "expected", "flags"), LINES)
def test_a_date_line_reads_as_its_time_in_utc(
    line: str, kind: str, expected: str, flags: str
) -> None:
    found, _ = find_page_dates([line], retrieved=CAPTURED)
    assert [(p.kind, rfc3339(p.moment), p.has_time, p.has_zone) for p in found] == [
        (kind, expected, "t" in flags, "z" in flags)
    ]


def test_published_and_updated_on_one_line() -> None:
    found, _ = find_page_dates(
        ["Опубликовано: 29.05.2024 12:30 (обновлено: 29.05.2024 14:05)"], retrieved=CAPTURED
    )
    assert [(p.kind, rfc3339(p.moment)) for p in found] == [
        ("published", "2024-05-29T12:30:00Z"),
        ("updated", "2024-05-29T14:05:00Z"),
    ]


@pytest.mark.parametrize(
    "line",
    [
        "Отмечается, что 29 мая 2024 года Беларусь завершила процедуры приема в ШОС.",
        "The storm made landfall on October 8, 2024 near Tampa, officials said.",
        "Am 3. Dezember 2024 tagte der Ausschuss erneut",
        "Updated 2:47 PM EDT, October 8, 2024, officials said the storm had weakened",
        "Глава государства ознакомился с работой завода - Sputnik Казахстан, 1920, 29.05.2024",
        "1 234",
        "Подписаться",
        "Updated",
    ],
)
def test_a_date_inside_a_sentence_or_other_line_is_not_taken(line: str) -> None:
    assert find_page_dates([line], retrieved=CAPTURED)[0] == []


def test_the_line_index_says_where_the_date_line_was() -> None:
    found, _ = find_page_dates(
        ["Headline of the story", "Share", "Updated 2:47 PM EDT, October 8, 2024"],
        retrieved=CAPTURED,
    )
    assert [p.line for p in found] == [2]


def test_a_date_after_the_capture_time_is_not_taken() -> None:
    found, notes = find_page_dates(["Published 5 December 2026"], retrieved=CAPTURED)
    assert found == []
    assert "after the capture time" in notes[0][1]


def test_a_local_time_that_would_be_after_the_capture_keeps_only_its_day() -> None:
    # 10:20 in Beijing is 02:20 UTC; read as UTC it would lie after a 09:30 capture.
    found, notes = find_page_dates(["2026年12月3日 10:20"], retrieved=CAPTURED)
    assert [(rfc3339(p.moment), p.has_time) for p in found] == [("2026-12-03T00:00:00Z", False)]
    assert "only the day" in notes[0][1]


def test_a_yearless_page_date_is_the_latest_one_before_the_capture() -> None:
    (found,), _ = find_page_dates(["7 Августа, 11:20"], retrieved=CAPTURED)
    assert (rfc3339(found.moment), found.has_year) == ("2026-08-07T11:20:00Z", False)


# ------------------------------------------------------------------------- the year


@pytest.mark.parametrize(
    ("month", "day", "captured", "expected"),
    [
        (12, 4, date(2026, 12, 2), date(2025, 12, 4)),  # two days early: last year's
        (12, 31, date(2027, 1, 2), date(2026, 12, 31)),  # just after New Year: last year's
        (1, 2, date(2027, 1, 2), date(2027, 1, 2)),  # the capture's own day
        (1, 3, date(2027, 1, 2), date(2026, 1, 3)),  # tomorrow is a year ago
        (2, 29, date(2026, 3, 1), date(2024, 2, 29)),  # the latest leap day
    ],
)
def test_a_yearless_day_without_page_date_is_the_latest_not_after_the_capture(
    month: int, day: int, captured: date, expected: date
) -> None:
    assert nearest_year(month, day, reference=captured, latest=captured, nearest=False) == (
        expected
    )


@pytest.mark.parametrize(
    ("month", "day", "page", "captured", "expected"),
    [
        (1, 2, date(2024, 12, 30), date(2026, 1, 1), date(2025, 1, 2)),  # after New Year
        (12, 30, date(2025, 1, 2), date(2026, 1, 1), date(2024, 12, 30)),  # before it
        (5, 29, date(2024, 5, 29), date(2026, 1, 1), date(2024, 5, 29)),
        # The nearest day would lie after the capture: the one before it is taken.
        (1, 2, date(2024, 12, 30), date(2024, 12, 31), date(2024, 1, 2)),
    ],
)
def test_a_yearless_day_with_a_page_date_is_the_nearest_to_it(
    month: int, day: int, page: date, captured: date, expected: date
) -> None:
    assert nearest_year(month, day, reference=page, latest=captured, nearest=True) == expected


def _dates(
    lines: list[str], dateline: str, captured: datetime, photo_day: date | None = None
) -> StoryDates:
    found, _ = find_page_dates(lines, retrieved=captured)
    return story_dates(
        found, dateline=parse_dateline(dateline), retrieved=captured, photo_day=photo_day
    )


def test_a_yearless_dateline_near_new_year_is_never_in_the_future() -> None:
    for captured in (datetime(2026, 12, 2, tzinfo=UTC), datetime(2027, 1, 2, tzinfo=UTC)):
        for dateline in ("LONDON, Dec 4 (Reuters) - ", "LONDON, Dec 31 (Reuters) - ",
                         "LONDON, Jan 2 (Reuters) - ", "LONDON, Jan 3 (Reuters) - "):  # fmt: skip
            dates = _dates([], dateline, captured)
            assert dates.first is not None
            assert dates.first.moment <= captured
            assert (captured - dates.first.moment).days < 366


def test_a_yearless_dateline_takes_its_year_from_the_page_date() -> None:
    captured = datetime(2026, 1, 10, tzinfo=UTC)
    dates = _dates(["Published 30 December 2024"], "LONDON, Jan 2 (Reuters) - ", captured)
    assert dates.first is not None
    assert rfc3339(dates.first.moment) == "2025-01-02T00:00:00Z"
    assert ("year", "2025") in [(name, detail[:4]) for name, detail in dates.notes]
    assert "dateline.year-assumed" not in [w.rule for w in dates.warnings]


def test_a_yearless_dateline_without_page_date_warns_which_year_it_took() -> None:
    dates = _dates([], "LONDON, Dec 4 (Reuters) - ", datetime(2026, 12, 2, tzinfo=UTC))
    assert dates.first is not None
    assert rfc3339(dates.first.moment) == "2025-12-04T00:00:00Z"
    (year,) = [w for w in dates.warnings if w.rule == "dateline.year-assumed"]
    assert "2025" in year.message
    assert "2026-12-02" in year.message


def test_the_dateline_day_takes_the_time_of_the_page_line_on_that_day() -> None:
    dates = _dates(
        ["Publié le 12/09/2024 à 14h12", "Mis à jour le 12/09/2024 à 16h40"],
        "PARIS, 12 septembre (AFP) - ",
        CAPTURED,
    )
    assert dates.first is not None
    assert rfc3339(dates.first.moment) == "2024-09-12T14:12:00Z"
    assert rfc3339(dates.version.moment) == "2024-09-12T16:40:00Z"
    assert [w.rule for w in dates.warnings] == ["time.zone-assumed", "time.zone-assumed"]


def test_the_dateline_day_wins_over_a_page_line_on_another_day() -> None:
    dates = _dates(["Published 10 September 2024"], "PARIS, Sept 12, 2024 (AFP) - ", CAPTURED)
    assert dates.first is not None
    assert rfc3339(dates.first.moment) == "2024-09-12T00:00:00Z"
    assert [w.rule for w in dates.warnings] == ["time.date-only"]


def test_updated_gives_the_version_and_published_the_first() -> None:
    found, _ = find_page_dates(
        ["Updated 4:10 PM EDT, October 8, 2024", "Published 9:05 AM EDT, October 8, 2024"],
        retrieved=CAPTURED,
    )
    dates = story_dates(found, dateline=parse_dateline("WASHINGTON (AP) — "), retrieved=CAPTURED)
    assert dates.first is not None
    assert rfc3339(dates.first.moment) == "2024-10-08T13:05:00Z"
    assert rfc3339(dates.version.moment) == "2024-10-08T20:10:00Z"
    assert dates.warnings == []


def test_an_update_before_the_publication_is_not_the_version() -> None:
    found = [
        PageDate(datetime(2024, 5, 2, tzinfo=UTC), "updated", False, False, True, 0, "u"),
        PageDate(datetime(2024, 5, 3, tzinfo=UTC), "published", False, False, True, 1, "p"),
    ]
    dates = story_dates(found, dateline=None, retrieved=CAPTURED)
    assert dates.first is not None
    assert dates.version is dates.first


def test_no_date_anywhere_stands_the_capture_time_in() -> None:
    dates = story_dates([], dateline=parse_dateline("Berlin (dpa) - "), retrieved=CAPTURED)
    assert dates.first is None
    assert rfc3339(dates.version.moment) == "2026-12-03T09:30:00Z"
    (warning,) = dates.warnings
    assert (warning.rule, warning.field) == ("text.date-assumed", "versionCreated")
    assert "2026-12-03T09:30:00Z" in warning.message


def test_the_photo_date_is_the_last_resort_before_the_capture_time() -> None:
    dates = story_dates([], dateline=None, retrieved=CAPTURED, photo_day=date(2024, 5, 29))
    assert dates.first is not None
    assert rfc3339(dates.first.moment) == "2024-05-29T00:00:00Z"


def test_a_time_without_a_zone_takes_the_zone_of_the_other_date_line() -> None:
    found, notes = find_page_dates(
        ["03 Aralık 2024 10:15", "Güncelleme: 03.12.2024 12:40 GMT+3"], retrieved=CAPTURED
    )
    assert [(rfc3339(p.moment), p.has_zone) for p in found] == [
        ("2024-12-03T07:15:00Z", True),
        ("2024-12-03T09:40:00Z", True),
    ]
    assert "the zone of" in notes[0][1]
