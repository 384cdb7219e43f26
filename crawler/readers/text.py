"""Plain-text captures of wire stories: a web page saved as text, page chrome and all.

The shape, as in Sputnik's, TASS's or Kazinform's pages saved from a browser::

    <headline>
    © Photo : <credit><caption>              the photo block: credit glued to the caption,
    <caption> - <agency>, <width>, <date>    then the caption with agency, size and date
    Подписаться                              chrome
    <lead>                                   a one-paragraph summary
    <CITY>, <day> <month> - <Agency>. <first paragraph>
    <paragraphs>
    Лента новостей                           chrome: everything after it is the page's
    0                                        a counter

The reader removes the chrome (`wirearchive.text.boilerplate`: the chrome lexicon in eleven
languages, the layout and jusText), refuses a capture that is nothing else
(``body.chrome-only``), turns the photo block into
a picture association, the lead into a description, the dateline into `located`, a date
and an info source, and the paragraphs into the body. Each decision is a provenance step.

The times come from the dateline's date, else from the page's own date lines above it
("Updated 2:47 PM EDT, October 8, 2024", "Publié le 12/09/2024 à 14h12"), read by
`wirearchive.text.dates` and removed from the text; with neither, the capture time stands
in for versionCreated with a ``text.date-assumed`` warning.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from wirearchive import __version__
from wirearchive.text.boilerplate import Verdict, classify
from wirearchive.text.chrome import chrome_reason, is_chrome_line
from wirearchive.text.dateline import Dateline, parse_dateline
from wirearchive.text.dates import (
    PageDate,
    StoryDates,
    find_page_dates,
    rfc3339,
    story_dates,
)
from wirearchive.text.encoding import Decoded, decode
from wirearchive.text.language import detect_language
from wirearchive.validators import Problem, Severity

from ._inline import root_of
from .base import Extracted, ReadContext, Source, step, too_large

__all__ = ["READER", "TextCaptureReader", "parse_capture"]

STANDARD = {
    "name": "ninjs",
    "version": "3.1",
    "schema": "http://www.iptc.org/std/ninjs/ninjs-schema_3.1.json",
}

_PHOTO_CREDIT = re.compile(
    r"^©\s*(?:Photo|Фото|Сурет|Foto)\s*:?\s*(?P<rest>.+)$|^(?:Photo|Фото|Сурет|Foto)\s*:\s*"
    r"(?P<rest2>.+)$",
    re.IGNORECASE,
)
#: "<caption> - Sputnik Казахстан, 1920, 29.05.2024": caption, agency, width, date.
_PHOTO_LINE = re.compile(
    r"^(?P<caption>.+?)\s+[-–—]\s+(?P<agency>[^,]+),\s*(?P<width>\d{3,5}),\s*"
    r"(?P<day>\d{1,2})\.(?P<month>\d{1,2})\.(?P<year>\d{4})$"
)
#: Lines searched for the page's dates when the capture has no dateline.
_DATE_WINDOW = 12
#: A byline: "By JANE DOE", "Von Anna Keller", "Par", "Por", "Di", "От", "Від", "Ад".
_BYLINE = re.compile(
    r"^(?:by|von|par|por|di|da|от|від|ад|автор|авторы|yazan|muhabir)\b\s*:?\s*\S"
    r"|^(?:记者|作者|文)\s*[:：]?\s*\S",
    re.IGNORECASE,
)
#: A photo caption's credit: "(AP Photo/…)", "Foto: …/dpa", "REUTERS/…", "EFE/ …", "© …".
_CAPTION = re.compile(
    r"\((?:AP|AFP|Reuters|EFE|dpa|ANSA|AA)?\s*(?:Photo|Foto)\b|\b(?:Foto|Photo|Фото|Фота|Сурет)"
    r"\s*:|©|\b(?:EFE|REUTERS|AFP|ANSA|AA|Lusa|BelTA|БелТА)\s*/|/\s*(?:dpa|AFP|Reuters)\b"
    r"|^Item \d+ of \d+\b|^Fotografía\b|\bFile Photo\b|\bGetty Images\b",
    re.IGNORECASE,
)
_HAN = re.compile(r"[\u3400-\u9fff]")
_WORD = re.compile(r"[^\W\d_\u3400-\u9fff]{2,}")
_SLUG = re.compile(r"[^a-z0-9]+")
_URL = re.compile(r"^https?://\S+$")


@dataclass
class Capture:
    """What the reader made of a capture: the item, the steps and the warnings."""

    item: dict[str, Any]
    steps: list[dict[str, str]] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


def _slug(text: str) -> str:
    ascii_text = text.encode("ascii", "ignore").decode().lower()
    return _SLUG.sub("-", ascii_text).strip("-") or "item"


def _layout(lines: list[str]) -> tuple[int | None, set[int], int | None]:
    """The headline's line, the photo block's and the dateline's, found before the chrome
    goes, so that the boilerplate judge leaves them to the reader."""
    if all(chrome_reason(line) is not None for line in lines):
        return None, set(), None
    headline = _headline_index(lines)
    photo: set[int] = set()
    for index in range(headline + 1, min(headline + 6, len(lines))):
        if _PHOTO_CREDIT.match(lines[index]):
            photo.add(index)
            if index + 1 < len(lines) and _PHOTO_LINE.match(lines[index + 1]):
                photo.add(index + 1)
            break
    dateline = next(
        (
            i
            for i in range(headline + 1, len(lines))
            if i not in photo and not is_chrome_line(lines[i]) and parse_dateline(lines[i])
        ),
        None,
    )
    return headline, photo, dateline


def _strip_chrome(lines: list[str]) -> tuple[list[str], list[Verdict], str]:
    """The story's lines, the chrome's (each with why) and how jusText was run."""
    headline, photo, dateline = _layout(lines)
    judged = classify(lines, keep=photo, body_start=dateline, headline=headline)
    removed = [verdict for verdict in judged.verdicts if not verdict.story]
    return judged.story, removed, judged.method


def parse_capture(text: str, *, stem: str, retrieved: date | datetime) -> Capture | Problem:
    """Read one capture's text; `stem` (the file name) makes a stable uri with the date.

    `retrieved` is the capture time (a date alone means its end of day, UTC): the year of a
    yearless dateline and the time that stands in when the capture has no date at all.
    """
    lines = [" ".join(line.split()) for line in text.splitlines()]
    lines = [line for line in lines if line]
    if not lines:
        return Problem(rule="text.empty", message="no text in the capture")
    url = next((line for line in lines if _URL.match(line)), None)
    lines = [line for line in lines if line != url]
    captured = _capture_time(retrieved)
    page_dates, date_notes = _page_dates(lines, captured)
    date_lines = list(dict.fromkeys(lines[p.line] for p in page_dates))
    lines, removed, method = _strip_chrome(lines)
    capture = Capture(item={})
    if removed:
        shown = ", ".join(f"{r.text[:30]!r} ({r.reason})" for r in removed[:6])
        more = f" and {len(removed) - 6} more" if len(removed) > 6 else ""
        capture.steps.append(
            step("chrome", f"removed {len(removed)} lines: {shown}{more}; {method}")
        )
    if date_lines:  # the page's date lines are read into the times, not kept as text
        lines = [line for line in lines if line not in date_lines]
        shown = ", ".join(repr(line) for line in date_lines)
        capture.steps.append(step("dates", f"date lines read: {shown}"))
    if len(lines) < 2 and removed:
        shown = ", ".join(repr(r.text[:30]) for r in removed[:4])
        return Problem(
            rule="body.chrome-only",
            message=f"the capture holds only page chrome{' and a headline' if lines else ''}: "
            f"{len(removed)} lines ({shown})",
        )
    if len(lines) < 2:
        return Problem(rule="text.no-story", message="only one line: no headline and body")
    headline, rest = lines[0], lines[1:]
    picture, rest = _photo_block(rest, capture)
    index, dateline = next(
        ((i, d) for i, line in enumerate(rest) if (d := parse_dateline(line)) is not None),
        (None, None),
    )
    lead: list[str] = []
    if index is not None and dateline is not None:
        lead, body_lines = _lead(rest[:index], capture), rest[index:]
        first = body_lines[0][dateline.end :].strip()
        body_lines = [first, *body_lines[1:]] if first else body_lines[1:]
        capture.steps.append(
            step(
                "dateline",
                f"{dateline.text!r}: {dateline.city}"
                + (f", {dateline.agency}" if dateline.agency else ""),
            )
        )
    else:
        body_lines = rest
        capture.steps.append(step("dateline", "none found"))
    photo_day = (
        date.fromisoformat(picture["contentCreated"][:10])
        if picture is not None and "contentCreated" in picture
        else None
    )
    dates = story_dates(page_dates, dateline=dateline, retrieved=captured, photo_day=photo_day)
    _record_dates(dates, date_notes, capture)
    created = dates.first.moment.date() if dates.first is not None else None
    item: dict[str, Any] = {
        "uri": url or _uri(dateline, created, stem),
        "type": "text",
        "headlines": [{"role": "main", "value": headline}],
        "bodies": [
            {
                "role": "main",
                "contentType": "text/html",
                "value": "".join(f"<p>{html.escape(p, quote=False)}</p>" for p in body_lines),
            }
        ],
        "standard": dict(STANDARD),
    }
    if dates.first is not None:
        stamp = rfc3339(dates.first.moment)
        item |= {"firstCreated": stamp, "contentCreated": stamp}
    item["versionCreated"] = rfc3339(dates.version.moment)
    language = detect_language(" ".join([headline, *body_lines]))
    if language:
        item["language"] = language
        capture.steps.append(step("language", f"{language} (fastText language model)"))
    if lead:
        item["descriptions"] = [{"role": "summary", "value": " ".join(lead)}]
    if dateline is not None:
        item["located"] = dateline.city
        if dateline.agency:
            item["infoSources"] = [{"name": dateline.agency, "role": "source"}]
    if picture is not None:
        publisher = picture.pop("_publisher", None)
        picture["uri"] = f"{item['uri']}#picture-1"
        item["associations"] = [picture]
        if publisher and publisher != (dateline.agency if dateline else None):
            item.setdefault("infoSources", []).append({"name": publisher, "role": "publisher"})
    capture.item = item
    return capture


def _words(line: str) -> int:
    """How many words a line has; Chinese counts two characters a word."""
    return len(_WORD.findall(line)) + len(_HAN.findall(line)) // 2


def _furniture(line: str) -> bool:
    """A byline, a photo caption or a line of chrome: not a headline, not a lead."""
    return bool(_BYLINE.match(line) or _CAPTION.search(line) or chrome_reason(line))


def _headline_index(lines: list[str]) -> int:
    """The headline: the first line of four words or more above the dateline that is no
    furniture, else the first line above it that is no furniture.

    A capture starts with what the page showed above the story (the site's name, its
    menu, a cookie notice's buttons); none of it reads as a headline, which is a phrase
    of several words. A capture with no such line keeps its first line.
    """
    window = lines[:40]
    dateline = next((i for i, line in enumerate(window) if parse_dateline(line)), len(window))
    above = [i for i in range(dateline) if not _furniture(lines[i])]
    return next((i for i in above if _words(lines[i]) >= 4), above[0] if above else 0)


def _lead(lines: list[str], capture: Capture) -> list[str]:
    """The summary between headline and dateline, without bylines, captions and labels."""
    kept = [line for line in lines if _words(line) >= 5 and not _furniture(line)]
    dropped = [line for line in lines if line not in kept]
    if dropped:
        shown = ", ".join(repr(line[:30]) for line in dropped)
        capture.steps.append(step("chrome", f"above the dateline, {len(dropped)} lines: {shown}"))
    return kept


def _photo_block(lines: list[str], capture: Capture) -> tuple[dict[str, Any] | None, list[str]]:
    """Find "© Photo : <credit><caption>" and "<caption> - <agency>, <width>, <date>"."""
    for index, line in enumerate(lines[:4]):
        credit_match = _PHOTO_CREDIT.match(line)
        if credit_match is None:
            continue
        credited = (credit_match.group("rest") or credit_match.group("rest2") or "").strip()
        used = [index]
        caption = None
        picture: dict[str, Any] = {"name": "picture", "type": "picture"}
        following = lines[index + 1] if index + 1 < len(lines) else ""
        photo_line = _PHOTO_LINE.match(following)
        if photo_line is not None:
            caption = photo_line.group("caption")
            used.append(index + 1)
            picture["_publisher"] = photo_line.group("agency").strip()
            day, month, year = (int(photo_line.group(k)) for k in ("day", "month", "year"))
            picture["contentCreated"] = f"{year:04d}-{month:02d}-{day:02d}T00:00:00Z"
            width = photo_line.group("width")
        else:
            width = None
        credit = credited
        if caption and credited.endswith(caption):  # the page glued credit and caption
            credit = credited[: -len(caption)].strip(" :-–—")
        if credit:
            picture["copyrightHolder"] = credit
            picture["by"] = credit
        if caption:
            picture["headlines"] = [{"role": "main", "value": caption}]
            picture["descriptions"] = [{"role": "caption", "value": caption}]
        capture.steps.append(
            step(
                "photo",
                f"credit {credit!r}, caption {caption!r}" + (f", {width} px wide" if width else ""),
            )
        )
        return picture, [line for i, line in enumerate(lines) if i not in used]
    return None, lines


def _capture_time(retrieved: date | datetime) -> datetime:
    if isinstance(retrieved, datetime):
        return retrieved.replace(tzinfo=UTC) if retrieved.tzinfo is None else retrieved
    return datetime.combine(retrieved, datetime.max.time(), tzinfo=UTC).replace(microsecond=0)


def _page_dates(
    lines: list[str], captured: datetime
) -> tuple[list[PageDate], list[tuple[str, str]]]:
    """The page's date lines above the dateline (or among the first lines, without one).

    Searched before the chrome is removed, so a date line the chrome lexicon might take
    for furniture is still read; lines past the dateline are the story's and not searched.
    """
    stop = next(
        (i for i, line in enumerate(lines) if parse_dateline(line) is not None),
        min(len(lines), _DATE_WINDOW),
    )
    head = lines[:stop]
    language = detect_language(" ".join(head)) if head else None
    return find_page_dates(head, retrieved=captured, language=language)


def _record_dates(dates: StoryDates, notes: list[tuple[str, str]], capture: Capture) -> None:
    for name, detail in [*notes, *dates.notes]:
        capture.steps.append(step(name, detail))
    for warning in dates.warnings:
        capture.warnings.append(
            Problem(
                rule=warning.rule,
                message=warning.message,
                path=(warning.field,),
                severity=Severity.WARNING,
            )
        )


def _uri(dateline: Dateline | None, created: date | None, stem: str) -> str:
    """A stable id for a capture without a URL: agency, date and the file's name.

    Saving an updated capture under the same name makes a new version of the same item.
    """
    agency = _slug(dateline.agency) if dateline and dateline.agency else "unknown"
    day = created.isoformat() if created else "undated"
    return f"urn:wirearchive:text:{agency}:{day}:{_slug(stem)}"


class TextCaptureReader:
    name = "text"
    version = __version__
    suffixes = (".txt", ".text")

    def sniff(self, head: bytes, name: str) -> int:
        # The fallback: anything that decodes as text and is not markup, JSON or an
        # archive. XML and zip files no reader takes are refused, never read as text.
        stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
        if head.startswith(b"PK\x03\x04") or root_of(head) is not None:
            return 0
        if stripped[:1] in (b"<", b"{", b"["):
            return 1
        return 20 if b"\x00" not in head[:1024] else 1

    def read(self, source: Source, context: ReadContext) -> Iterator[Extracted]:
        data = source.read(context.max_bytes)
        if data is None:
            problem = too_large(context.max_bytes)
            yield Extracted(
                source.name, self.name, self.version, None, "text/plain", problem=problem
            )
            return
        decoded = decode(data)
        if not isinstance(decoded, Decoded):
            problem = Problem(rule=decoded.rule, message=decoded.message)
            yield Extracted(
                source.name, self.name, self.version, data, "text/plain", problem=problem
            )
            return
        media_type = f"text/plain; charset={decoded.encoding}"
        result = parse_capture(decoded.text, stem=source.stem, retrieved=context.retrieved_at)
        if isinstance(result, Problem):
            yield Extracted(source.name, self.name, self.version, data, media_type, problem=result)
            return
        yield Extracted(
            source.name,
            self.name,
            self.version,
            data,
            media_type,
            item=result.item,
            steps=(step("decode", decoded.step), *result.steps),
            warnings=tuple(result.warnings),
        )


READER = TextCaptureReader()
