"""The story's date in a capture's lines: the dateline's own date, else the page's date lines.

A web page saved as text carries its dates on lines of their own near the top: ``Updated
2:47 PM EDT, October 8, 2024``, ``Publié le 12/09/2024 à 14h12``, ``7 Августа 2024, 11:20``,
``06.11.2024``. `find_page_dates` finds such lines (a line must be nothing but dates, each
optionally after an anchor word such as "Updated" or "Опубликовано", so a date inside a
sentence of the story is never taken) and reads them with dateparser, restricted to the
languages the anchor or the script allows. `story_dates` combines them with the dateline:

* The dateline's day wins (it is the agency's own); a page line on the same day lends it
  its time and zone. Without a dated dateline, the page's "published" line (or a bare date
  line) gives firstCreated and its "updated" line versionCreated.
* A dateline without a year (``4 December``) takes its year from a reference. The page's
  full date describes the same story, so the two lie days apart, not months: the year is
  the one that puts the dateline's day nearest to the page's date (``2 January`` on a page
  dated 30 December 2024 is 2 January 2025). Without a page date the reference is the
  capture time, and the day is the latest one not after it (``4 December`` captured on
  2026-12-02 is 2025-12-04). Either way the day is never after the capture time.
* With no date at all the caller stands the capture time in for versionCreated and warns
  ``text.date-assumed``, as the NITF reader does for a document without ``date.issue``.

dateparser needs a few seconds to load its locale tables, so it is imported only when a
line looks like a date line, and told the one language (or script's languages) to try.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Final, Literal, NamedTuple

from .dateline import Dateline, script_language

__all__ = [
    "DateWarning",
    "PageDate",
    "StoryDates",
    "When",
    "find_page_dates",
    "nearest_year",
    "rfc3339",
    "story_dates",
]

Kind = Literal["published", "updated", "date"]

#: Anchor words before a page's date, by kind and language (matched case-insensitively).
# fmt: off
_ANCHORS: Final[tuple[tuple[Kind, str, tuple[str, ...]], ...]] = (
    ("updated", "en", ("Last updated on", "Last updated", "Updated on", "Updated", "Modified")),
    ("published", "en", ("First published on", "First published", "Published on",
                         "Published", "Posted on", "Posted")),
    ("updated", "ru", ("Дата обновления", "Обновлено", "Обновлен", "Обновлён")),
    ("published", "ru", ("Дата публикации", "Опубликовано", "Опубликован")),
    ("updated", "uk", ("Оновлено",)),
    ("published", "uk", ("Опубліковано",)),
    ("updated", "be", ("Абноўлена",)),
    ("published", "be", ("Апублікавана",)),
    ("updated", "kk", ("Жаңартылған уақыты", "Жаңартылды")),
    ("published", "kk", ("Жарияланған уақыты", "Жарияланды")),
    ("updated", "de", ("Zuletzt aktualisiert am", "Zuletzt aktualisiert", "Aktualisiert am",
                       "Aktualisiert", "Stand:")),
    ("published", "de", ("Veröffentlicht am", "Veröffentlicht", "Erstellt am")),
    ("updated", "fr", ("Mis à jour le", "Mis à jour", "Modifié le")),
    ("published", "fr", ("Publié le", "Publié", "Mis en ligne le", "Mis en ligne")),
    ("updated", "es", ("Última actualización", "Actualizado el", "Actualizado")),
    ("published", "es", ("Publicado el", "Publicado")),
    ("updated", "it", ("Ultimo aggiornamento", "Aggiornato il", "Aggiornato")),
    ("published", "it", ("Pubblicato il", "Pubblicato")),
    ("updated", "tr", ("Güncelleme Tarihi", "Güncelleme", "Güncellendi", "Son güncelleme")),
    ("published", "tr", ("Yayınlanma Tarihi", "Yayınlanma", "Yayınlandı", "Yayın Tarihi")),
    ("updated", "zh", ("更新时间", "更新于")),
    ("published", "zh", ("发布时间", "发布于", "发布日期")),
)
# fmt: on
_ANCHOR_OF: Final = {
    phrase.casefold(): (kind, language)
    for kind, language, phrases in _ANCHORS
    for phrase in phrases
}
_ANCHOR: Final = re.compile(
    r"(?<![^\W\d_])(?:"
    + "|".join(re.escape(p) for p in sorted(_ANCHOR_OF, key=len, reverse=True))
    + r")(?![^\W\d_])",
    re.IGNORECASE,
)
_LATIN: Final = ("en", "de", "fr", "es", "it", "tr")
_CYRILLIC: Final = ("ru", "uk", "be", "kk")
_SEPARATORS: Final = " \t,;:|•·–—-/：，"
_HAS_TIME: Final = re.compile(
    r"\d{1,2}\s*(?::|h(?=\d)|ч\.?\s*(?=\d))\d{2}|\d{1,2}\s*[ap]\.?\s?m\b\.?|"
    r"\d{1,2}[.:]\d{2}\s*Uhr|\d{1,2}\s*[点時时]",
    re.IGNORECASE,
)
_HAS_YEAR: Final = re.compile(
    r"(?<!\d)(?:19|20)\d{2}(?!\d)|(?<!\d)\d{1,2}[./]\d{1,2}[./]\d{2}(?!\d)"
)
#: A place before a bare date, as agencies' pages write it: "Bogotá, 14 de noviembre de 2024".
_PLACE: Final = re.compile(r"^[^\W\d_][^\W\d_ .'-]*(?:[ .'-]+[^\W\d_]+){0,3},\s*(?=\d)")
#: The source a page names after its date: "来源：中国新闻网", "Source: Xinhua".
_SOURCE_TAIL: Final = re.compile(
    r"\s*(?:来源|來源|source|источник|джерело|крыніца|quelle|source|fuente|fonte|kaynak)"
    r"\s*[:：]\s*[^\d:：]{1,40}$",
    re.IGNORECASE,
)
_DOTTED: Final = re.compile(r"(?<!\d)\d{1,2}\.\d{1,2}\.(?:\d{2}|\d{4})(?!\d)")
_WORDS: Final = re.compile(r"[^\W\d_]+")
#: Zone names dateparser does not know, as it writes them.
_ZONES: Final = ((re.compile(r"(?<![^\W\d_])(?:МСК|мск|Мск)(?![^\W\d_])"), "MSK"),)
#: Words of a date line that are not names of months or days: meridiems and zones.
# fmt: off
_NOT_WORDS: Final = frozenset((
    "am", "pm", "a", "p", "m", "uhr", "h", "utc", "gmt", "msk", "мск", "z",
    "edt", "est", "cdt", "cst", "mdt", "mst", "pdt", "pst", "et", "bst", "cet", "cest", "eet",
    "eest",
))
# fmt: on
_MAX_LINE: Final = 120
_MAX_BARE: Final = 64
_FUTURE_SLACK: Final = timedelta(minutes=15)


@dataclass(frozen=True, slots=True)
class PageDate:
    """One date on one of the page's date lines."""

    moment: datetime
    """As written: aware in the zone written, or naive-read-as-UTC (see `has_zone`)."""
    kind: Kind
    has_time: bool
    has_zone: bool
    has_year: bool
    line: int
    """Index of the line in the lines searched."""
    text: str
    """The line as written."""

    @property
    def day(self) -> date:
        """The day as the page writes it, before any conversion to UTC."""
        return self.moment.date()

    @property
    def utc(self) -> datetime:
        return self.moment.astimezone(UTC)


@dataclass(frozen=True, slots=True)
class When:
    """A time for the item, in UTC, with what it came from."""

    moment: datetime
    has_time: bool
    has_zone: bool
    source: str


class DateWarning(NamedTuple):
    """A warning for the caller to raise as a Problem (this layer knows no validators)."""

    rule: str
    field: str
    message: str


@dataclass
class StoryDates:
    """The item's times and how they were found."""

    first: When | None
    """firstCreated (and contentCreated); None when no date was found."""
    version: When
    """versionCreated: the update time, else `first`, else the capture time."""
    notes: list[tuple[str, str]] = field(default_factory=list)
    """(step name, detail) for the provenance."""
    warnings: list[DateWarning] = field(default_factory=list)


def rfc3339(moment: datetime) -> str:
    """``2024-10-08T18:47:00Z``: the moment in UTC, to the second."""
    return moment.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


# ------------------------------------------------------------------------- date lines


def _trim(segment: str) -> str:
    """A segment without separators around it or a bracket left over from the line."""
    previous = None
    while previous != segment:
        previous = segment
        segment = segment.strip(_SEPARATORS)
        if segment.endswith(")") and segment.count("(") < segment.count(")"):
            segment = segment[:-1]
        if segment.startswith("(") and segment.count("(") > segment.count(")"):
            segment = segment[1:]
        if segment.endswith("(") and segment.count("(") > segment.count(")"):
            segment = segment[:-1]
    return segment


def _segments(line: str) -> list[tuple[Kind, str | None, str]] | None:
    """(kind, anchor language, date text) for each date of a date line; None for other lines."""
    line = _SOURCE_TAIL.sub("", line)  # "2024年11月05日 14:32 来源：中国新闻网"
    if len(line) > _MAX_LINE or not any(ch.isdigit() for ch in line):
        return None
    anchors = list(_ANCHOR.finditer(line))
    segments: list[tuple[Kind, str | None, str]] = []
    lead = _trim(line[: anchors[0].start()] if anchors else line)
    if lead:
        if len(lead) > _MAX_BARE:
            return None
        words = [w for w in _WORDS.findall(lead) if w.casefold() not in _NOT_WORDS]
        if len(words) > 6:
            return None
        segments.append(("date", None, lead))
    for index, anchor in enumerate(anchors):
        end = anchors[index + 1].start() if index + 1 < len(anchors) else len(line)
        kind, language = _ANCHOR_OF[anchor.group().casefold()]
        text = _trim(line[anchor.end() : end])
        if not text:
            return None
        segments.append((kind, language, text))
    return segments


def _languages(text: str, anchor: str | None, hint: str | None) -> list[str]:
    """The languages dateparser is to try on `text`: the anchor's, else the script's."""
    if anchor is not None:
        return [anchor]
    if any("\u4e00" <= ch <= "\u9fff" for ch in text):
        return ["zh"]
    letters = [ch for w in _WORDS.findall(text) if w.casefold() not in _NOT_WORDS for ch in w]
    script = script_language("".join(letters))
    if script in ("kk", "be", "uk"):
        return [script]
    if script == "ru":
        return ["ru", *([hint] if hint in _CYRILLIC and hint != "ru" else [])]
    if letters:
        return [hint] if hint in _LATIN else list(_LATIN)
    return [hint if hint in (*_LATIN, *_CYRILLIC) else "en"]  # numbers only


def _parse(text: str, languages: list[str], retrieved: datetime) -> datetime | None:
    """dateparser's reading of `text` as one date (day and month at least); None otherwise."""
    from dateparser.date import DateDataParser  # slow to load: only when a line needs it

    for pattern, name in _ZONES:
        text = pattern.sub(name, text)
    settings: dict[str, Any] = {
        "PREFER_DATES_FROM": "past",
        "RELATIVE_BASE": retrieved.replace(tzinfo=None),
        "REQUIRE_PARTS": ["day", "month"],
    }
    if _DOTTED.search(text):  # 06.11.2024 is day first in every language here
        settings["DATE_ORDER"] = "DMY"
    try:
        parser = DateDataParser(languages=languages, settings=settings)
        found = parser.get_date_data(text).date_obj
    except (ValueError, TypeError, OverflowError, LookupError):  # pragma: no cover - guard
        return None
    return found if isinstance(found, datetime) else None


def find_page_dates(
    lines: Sequence[str], *, retrieved: datetime, language: str | None = None
) -> tuple[list[PageDate], list[tuple[str, str]]]:
    """The dates on the date lines among `lines`, and notes on those set aside.

    A line counts only when all of it reads as dates (after anchors); `language` is the
    capture's, a hint for bare dates spelled out in Latin letters. A time without a zone
    takes the zone of another date line of the page, else it is read as UTC. A date after
    the capture time is impossible: a time without a zone is then dropped (it was local
    time, not UTC), and a day after the capture is not taken at all.
    """
    retrieved = _utc(retrieved)
    read: list[PageDate] = []
    found: list[PageDate] = []
    notes: list[tuple[str, str]] = []
    for index, line in enumerate(lines):
        segments = _segments(line)
        if not segments:
            continue
        parsed: list[PageDate] = []
        for kind, anchor, text in segments:
            moment = _parse(text, _languages(text, anchor, language), retrieved)
            placed = _PLACE.match(text) if moment is None and kind == "date" else None
            if placed is not None:
                text = text[placed.end() :]
                moment = _parse(text, _languages(text, anchor, language), retrieved)
            if moment is None:
                break
            has_zone = moment.tzinfo is not None and moment.utcoffset() is not None
            has_time = bool(_HAS_TIME.search(text))
            if not has_zone:
                moment = moment.replace(tzinfo=UTC)
            if not has_time:
                moment = datetime.combine(moment.date(), time(0), tzinfo=UTC)
            parsed.append(
                PageDate(
                    moment, kind, has_time, has_zone, bool(_HAS_YEAR.search(text)), index, line
                )
            )
        else:
            read.extend(parsed)
    zoned = next((p for p in read if p.has_zone), None)
    for page_date in read:
        if zoned is not None and page_date.has_time and not page_date.has_zone:
            # A page writes its times in one zone: a time without one takes the zone of
            # the page's other date line ("03 Aralık 2024 10:15" beside "... GMT+3").
            page_date = replace(
                page_date,
                moment=page_date.moment.replace(tzinfo=zoned.moment.tzinfo),
                has_zone=True,
            )
            notes.append(("dates", f"{page_date.text!r}: the zone of {zoned.text!r}"))
        kept = _not_after(page_date, retrieved)
        if kept is None:
            notes.append(("dates", f"{page_date.text!r} is after the capture time; not taken"))
            continue
        if kept is not page_date:
            notes.append(
                (
                    "dates",
                    f"{page_date.text!r}: the time without a zone would be after "
                    "the capture time; only the day is taken",
                )
            )
        found.append(kept)
    return found, notes


def _not_after(page_date: PageDate, retrieved: datetime) -> PageDate | None:
    if page_date.utc <= retrieved + _FUTURE_SLACK:
        return page_date
    if page_date.has_time and not page_date.has_zone:
        day = datetime.combine(page_date.day, time(0), tzinfo=UTC)
        if day <= retrieved:
            return replace(page_date, moment=day, has_time=False)
    return None


# ------------------------------------------------------------------------------ years


def nearest_year(
    month: int, day: int, *, reference: date, latest: date, nearest: bool
) -> date | None:
    """The `day` of `month` in the year that fits `reference`, never after `latest`.

    `nearest`: the one closest to `reference` (a page's date: the dateline is within days
    of it, either side); otherwise the latest one not after `reference` (the capture time).
    None when no year fits (29 February in the wrong years, or only future ones).
    """
    candidates = []
    for year in range(reference.year - 8, reference.year + 2):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if candidate <= latest and (nearest or candidate <= reference):
            candidates.append(candidate)
    if not candidates:
        return None
    if nearest:  # ties go to the earlier day
        return min(candidates, key=lambda c: (abs((c - reference).days), c))
    return max(candidates)


# ---------------------------------------------------------------------------- combine


def _when(page_date: PageDate) -> When:
    return When(page_date.utc, page_date.has_time, page_date.has_zone, repr(page_date.text))


def story_dates(
    found: Sequence[PageDate],
    *,
    dateline: Dateline | None,
    retrieved: datetime,
    photo_day: date | None = None,
) -> StoryDates:
    """firstCreated and versionCreated from the dateline, the page's dates and the photo's."""
    retrieved = _utc(retrieved)
    published = next((p for p in found if p.kind == "published"), None)
    bare = next((p for p in found if p.kind == "date"), None)
    updates = [p for p in found if p.kind == "updated"]
    updated = max(updates, key=lambda p: p.utc) if updates else None
    notes: list[tuple[str, str]] = []
    warnings: list[DateWarning] = []

    day = _dateline_day(dateline, published, updated, bare, photo_day, retrieved, notes, warnings)
    first: When | None = None
    if day is not None:
        assert dateline is not None
        agreeing = next((p for p in (published, bare) if p is not None and p.day == day), None)
        if agreeing is not None:
            first = _when(agreeing)
            notes.append(("firstCreated", f"the dateline's day at the time of {agreeing.text!r}"))
        else:
            first = When(
                datetime.combine(day, time(0), tzinfo=UTC),
                False,
                True,
                f"the dateline {dateline.text!r}",
            )
            notes.append(("firstCreated", f"the dateline {dateline.text!r}"))
    else:
        chosen = published or bare or updated
        if chosen is not None:
            first = _when(chosen)
            notes.append(("firstCreated", f"the page's {chosen.kind} line {chosen.text!r}"))
        elif photo_day is not None:
            first = When(
                datetime.combine(photo_day, time(0), tzinfo=UTC), False, True, "the photo's date"
            )
            notes.append(("firstCreated", "the photo's date"))

    if first is None:
        version = When(retrieved, True, True, "the capture time")
        warnings.append(
            DateWarning(
                "text.date-assumed",
                "versionCreated",
                f"no date in the dateline or on the page's date lines: the capture "
                f"time {rfc3339(retrieved)} stands in",
            )
        )
        notes.append(("fallback", f"versionCreated: the capture time {rfc3339(retrieved)}"))
        return StoryDates(None, version, notes, warnings)
    version = first
    if updated is not None and updated.utc > first.moment:
        version = _when(updated)
        notes.append(("versionCreated", f"the page's updated line {updated.text!r}"))
    for name, when in (("firstCreated", first), ("versionCreated", version)):
        if name == "versionCreated" and when is first:
            break
        if not when.has_time:
            warnings.append(
                DateWarning(
                    "time.date-only",
                    name,
                    f"only the date is known ({when.source}); the time says 00:00 UTC",
                )
            )
        elif not when.has_zone:
            warnings.append(
                DateWarning(
                    "time.zone-assumed",
                    name,
                    f"{when.source} gives a time without a zone; read as UTC",
                )
            )
    return StoryDates(first, version, notes, warnings)


def _dateline_day(
    dateline: Dateline | None,
    published: PageDate | None,
    updated: PageDate | None,
    bare: PageDate | None,
    photo_day: date | None,
    retrieved: datetime,
    notes: list[tuple[str, str]],
    warnings: list[DateWarning],
) -> date | None:
    """The dateline's day, its year from the page's full date or else the capture time."""
    if dateline is None or dateline.month is None or dateline.day is None:
        return None
    if dateline.year is not None:
        try:
            return date(dateline.year, dateline.month, dateline.day)
        except ValueError:
            return None
    full = next((p for p in (published, updated, bare) if p is not None and p.has_year), None)
    reference, nearest = retrieved.date(), False
    why = f"the latest such day not after the capture time {retrieved.date().isoformat()}"
    if full is not None:
        reference, nearest = full.day, True
        why = f"the nearest such day to the page's date {full.text!r}"
    elif photo_day is not None:
        reference, nearest = photo_day, True
        why = f"the nearest such day to the photo's date {photo_day.isoformat()}"
    day = nearest_year(
        dateline.month, dateline.day, reference=reference, latest=retrieved.date(), nearest=nearest
    )
    if day is None:
        return None
    if nearest:
        notes.append(("year", f"{day.year} for {dateline.text!r}: {why}"))
    else:
        warnings.append(
            DateWarning(
                "dateline.year-assumed",
                "firstCreated",
                f"the dateline {dateline.text!r} has no year and the capture no full "
                f"date: {day.year}, {why}",
            )
        )
        notes.append(("year", f"{day.year} for {dateline.text!r}: {why}"))
    return day
