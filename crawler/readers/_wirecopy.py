"""What IPTC 7901 and ANPA 1312 wire copy share once the transmission is split into fields.

Both formats are teletype copy: control characters frame the message (SOH starts the
header, STX the text, ETX ends it, EOT the transmission), a header line carries the
sequence, priority, category, keyword and word count, the text is hard-wrapped, and a
trailer after ETX gives the time sent. The two readers parse their own header; this module
turns the parsed `WireStory` into a ninjs 3.1 text item the same way for both, so a
priority, a keyword or a kill notice means the same thing whichever format sent it.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from wirearchive.text.dateline import parse_dateline
from wirearchive.text.encoding import Undecodable, decode
from wirearchive.text.language import detect_language
from wirearchive.validators import Problem, Severity

from ._inline import NINJS_31
from .base import Extracted, ReadContext, step

__all__ = [
    "MEDIA_TYPE",
    "WireStory",
    "header_words",
    "kill_status",
    "paragraphs",
    "read_story",
    "sent_at",
    "story_item",
    "visible",
]

#: Neither format has a registered media type: the bytes are text, the reader names the format.
MEDIA_TYPE = "text/plain"
#: C0 controls and DEL, except tab and newline: the framing, never text.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
#: Kill and withhold notices as agencies write them in a take key, a header line or the
#: first line of text: AP "KILL" / "Kill", AFP "ELIMINATE" / "ELIMINATION", dpa and Reuters
#: "WITHDRAWAL" / "WITHDRAWN", "MANDATORY KILL", and German "STORNO" / "ANNULLIERUNG".
_KILL = re.compile(
    r"\b(?:MANDATORY\s+)?(?:KILL|ELIMINATE|ELIMINATION|WITHDRAW(?:N|AL)?|STORNO|ANNULLIERUNG)\b"
)
_WITHHOLD = re.compile(r"\b(?:WITHHOLD|WITHHELD)\b")
_LEAD = re.compile(r"\b(\d+)\s*(?:st|nd|rd|th)\s*(?:LEAD|Ld)\b", re.IGNORECASE)
_SLUG = re.compile(r"[^a-z0-9]+")
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "jän"), ("feb",), ("mar", "mär", "mrz"), ("apr",), ("may", "mai"),
            ("jun",), ("jul",), ("aug",), ("sep",), ("oct", "okt"), ("nov",),
            ("dec", "dez"),
        ),
        start=1,
    )
    for name in names
}  # fmt: skip
_ZONES = {
    "GMT": 0, "UTC": 0, "UT": 0, "Z": 0, "WEZ": 0, "MEZ": 60, "CET": 60, "MESZ": 120,
    "CEST": 120, "EST": -300, "EDT": -240, "CST": -360, "CDT": -300, "PST": -480, "PDT": -420,
}  # fmt: skip


def visible(text: str) -> str:
    """`text` without control characters (tab and newline kept), CR dropped."""
    return _CONTROLS.sub("", text.replace("\r", ""))


def paragraphs(lines: Iterable[str]) -> list[str]:
    """Hard-wrapped lines joined into paragraphs.

    A blank line ends a paragraph, and a line indented by a tab or spaces starts one: wire
    copy marks paragraphs either way, and a wrapped line never starts indented.
    """
    out: list[str] = []
    current: list[str] = []
    for line in lines:
        if not line.strip():
            if current:
                out.append(" ".join(current))
                current = []
            continue
        if line[:1] in ("\t", " ") and current:
            out.append(" ".join(current))
            current = []
        current.append(" ".join(line.split()))
    if current:
        out.append(" ".join(current))
    return out


def kill_status(fields: Iterable[str], capitals: Iterable[str]) -> tuple[str, str] | None:
    """``("canceled" | "withheld", the words that said so)``, or None for an ordinary story.

    `fields` are short header fields (a take key, a keyword's parts), matched in any case;
    `capitals` are lines of prose (an editor's note, the first line of text; never the
    headline, which some services write in capitals),
    matched only in capitals at the start of the line ("KILL: ...", "ELIMINATION - ..."),
    since a story may well say "killed".
    """
    for text in fields:
        for pattern, status in ((_KILL, "canceled"), (_WITHHOLD, "withheld")):
            found = re.search(pattern.pattern, text, re.IGNORECASE)
            if found:
                return status, found.group(0)
    for text in capitals:
        for pattern, status in ((_KILL, "canceled"), (_WITHHOLD, "withheld")):
            found = pattern.match(text.lstrip(" \t([*-"))
            if found:
                return status, found.group(0)
    return None


def sent_at(
    day: int, hour: int, minute: int, month: str | int | None, year: int | None, zone: str
) -> datetime | None:
    """A trailer's time (``131137 GMT Nov 13``, ``11-13-13 1509GMT``) as an aware datetime."""
    if isinstance(month, str):
        month = _MONTHS.get(month[:3].lower())
    if month is None or year is None:
        return None
    if year < 100:
        year += 2000
    offset = _ZONES.get(zone.upper(), 0)
    try:
        return datetime(year, month, day, hour, minute, tzinfo=timezone(timedelta(minutes=offset)))
    except ValueError:
        return None


@dataclass(slots=True)
class WireStory:
    """One message of wire copy, split into its fields by a format's reader."""

    #: "IPTC 7901" or "ANPA 1312", for steps and messages.
    format: str
    #: The short name used in the uri: "iptc7901" or "anpa1312".
    scheme: str
    service: str = ""
    #: Who sent it, for the uri (ANPA's trailer names it); else the service stands in.
    agency: str = ""
    sequence: str = ""
    priority: str = ""
    urgency: int | None = None
    category: str = ""
    keyword: str = ""
    take: str = ""
    word_count: int | None = None
    headline: str = ""
    by: str = ""
    summary: str = ""
    ed_note: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)
    #: Tabular copy kept line for line (ANPA's preserved format), shown as ``<pre>``.
    preformatted: list[str] = field(default_factory=list)
    sent: datetime | None = None
    #: Short header fields a kill or withhold notice may stand in, in any case.
    status_fields: list[str] = field(default_factory=list)
    #: Lines of prose where only a notice in capitals counts ("KILL", "WITHDRAWAL").
    status_lines: list[str] = field(default_factory=list)
    steps: list[dict[str, str]] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def warn(self, rule: str, message: str, path: str) -> None:
        self.warnings.append(Problem(rule, message, (path,), Severity.WARNING))


def _slug(text: str) -> str:
    return _SLUG.sub("-", text.encode("ascii", "ignore").decode().lower()).strip("-")


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _body(story: WireStory) -> str:
    parts = [f"<p>{html.escape(p, quote=False)}</p>" for p in story.paragraphs]
    if story.preformatted:
        parts.append("<pre>" + html.escape("\n".join(story.preformatted), quote=False) + "</pre>")
    return "\n".join(parts)


def story_item(story: WireStory, name: str, context: ReadContext) -> dict[str, Any]:
    """The ninjs 3.1 text item for a story; its steps and warnings go into `story`."""
    sent = story.sent
    if sent is None:
        sent = context.retrieved_at
        story.warn(
            "time.capture-time",
            f"no {story.format} trailer with a date: the capture time {_stamp(sent)} stands in",
            "versionCreated",
        )
    day = sent.astimezone(UTC).strftime("%Y-%m-%d")
    agency = _slug(story.agency or story.service) or "unknown"
    if story.keyword and _slug(story.keyword):
        key, how = _slug(story.keyword), "keyword + date (takes and leads of one story share it)"
    elif story.sequence:
        key, how = f"seq-{_slug(story.sequence)}", "sequence number + date (no keyword)"
    else:
        key, how = _slug(name.rsplit("/", 1)[-1]) or "item", "file name + date (no keyword)"
    item: dict[str, Any] = {
        "uri": f"urn:wirearchive:{story.scheme}:{agency}:{day}:{key}",
        "type": "text",
        "versionCreated": _stamp(sent),
    }
    story.steps.append(step("map", f"uri from the {how}"))
    if story.sent is not None and not story.take:
        item["firstCreated"] = item["versionCreated"]
    lead = _LEAD.search(story.take)
    if lead:
        item["version"] = str(int(lead.group(1)) + 1)
        story.steps.append(step("map", f"version {item['version']} from take {story.take!r}"))
    if story.urgency is not None:
        item["urgency"] = story.urgency
    first = story.paragraphs[0] if story.paragraphs else ""
    status = kill_status(
        [story.take, *story.status_fields],
        [*story.status_lines, *story.ed_note],
    )
    if status is not None:
        item["pubStatus"] = status[0]
        story.steps.append(step("status", f"{status[0]}: {status[1]!r}"))
    if story.headline:
        item["headlines"] = [{"role": "main", "value": story.headline}]
    body = _body(story)
    if body:
        item["bodies"] = [{"role": "main", "contentType": "text/html", "value": body}]
    text = " ".join([story.headline, story.summary, *story.paragraphs, *story.preformatted])
    language = detect_language(text)
    if language:
        item["language"] = language
        story.steps.append(step("language", f"{language} (fastText language model)"))
    if story.keyword:
        item["slugline"] = story.keyword
    if story.by:
        item["by"] = story.by
    if story.summary:
        item["descriptions"] = [{"role": "summary", "value": story.summary}]
    if story.notes:
        item.setdefault("descriptions", []).extend(
            {"role": "note", "value": note} for note in story.notes
        )
    if story.ed_note:
        item["edNote"] = "\n".join(story.ed_note)
    if story.category:
        item["subjects"] = [{"literal": story.category, "rel": "category"}]
    alt = [("sequence", f"{story.service}{story.sequence}"), ("take", story.take)]
    alt_ids = [{"role": role, "value": value} for role, value in alt if value.strip()]
    if alt_ids:
        item["altIds"] = alt_ids
    dateline = parse_dateline(first) if first else None
    if dateline is not None:
        item["located"] = dateline.city
        if dateline.agency:
            item["infoSources"] = [{"name": dateline.agency, "role": "source"}]
        story.steps.append(step("dateline", f"{dateline.text!r}: {dateline.city}"))
    item["standard"] = dict(NINJS_31)
    return item


def header_words(lines: Sequence[str]) -> str:
    """Header lines as one line, for messages."""
    return " / ".join(line for line in lines if line)


def read_story(
    data: bytes,
    name: str,
    context: ReadContext,
    *,
    reader: str,
    version: str,
    parse: Callable[[str], WireStory | Problem],
) -> Iterator[Extracted]:
    """Decode the bytes, let the format's `parse` split them into a story, make the item."""
    decoded = decode(data, context.charset)
    if isinstance(decoded, Undecodable):
        problem = Problem(rule=decoded.rule, message=decoded.message)
        yield Extracted(name, reader, version, data, MEDIA_TYPE, problem=problem)
        return
    media_type = f"{MEDIA_TYPE}; charset={decoded.encoding}"
    story = parse(decoded.text)
    if isinstance(story, Problem):
        yield Extracted(name, reader, version, data, media_type, problem=story)
        return
    item = story_item(story, name, context)
    yield Extracted(
        name,
        reader,
        version,
        data,
        media_type,
        item=item,
        steps=(step("decode", decoded.step), *story.steps),
        warnings=tuple(story.warnings),
    )
