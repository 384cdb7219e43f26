"""ANPA 1312 wire copy (AP's teletype format) as ninjs 3.1 text items.

A message, as AP sends it::

    SYN SYN SOH W2870 US asian                        service letter, sequence, selectors
    f l DC3 DC1 BC-LT--Argentina-CancerB 11-13 1049   priority, category, format (DC2 in
                                                      the second place: tabular copy),
                                                      slug (24 characters), take key,
                                                      month-day, word count
    STX ^BC-LT--Argentina-Cancer Beauty,466<          keyword line: cycle and desk prefix,
                                                      keyword, take, word count
    ^For Argentine chemo patients, mirrors can hurt < headline
    ^AP Photo XNP101 ...<   ^Eds: With AP Photos.<    notes and editor's notes
    ^By PAUL BYRNE and ALMUDENA CALATRAVA=            byline and its title line
    ^Associated Press=
    TAB BUENOS AIRES, Argentina (AP) _ For cancer ... paragraphs, one per tab-led line
    ETX AP-WF-11-13-13 1509GMT<                       trailer: agency, desk, date, time
    EOT

Mapping: the uri is ``urn:wirearchive:anpa1312:<agency>:<date sent>:<keyword>`` (write-thrus
of one story share it, so they become versions of one item). Priority letters become
``urgency`` by AP's order of precedence: f (flash) 1, b (bulletin) 2, u (urgent) 3,
r (regular) 5, s (ship/sports regular) 5, d (deferred) 7, a (advance) 8; others are left
out with a warning. The category letter becomes a subject with ``rel: category``, the
keyword the ``slugline``, the take key an ``altIds`` ``take`` (a "2ndLd" also sets
``version`` 3), the "Eds:" and "EDITOR'S NOTE" lines ``edNote``, a header line after the
headline a summary (or, in a message with no tab-led text, the body). AP typography is
undone: ``\\`\\``/``''`` become quotation marks and a spaced ``_`` a dash. A message without a
headline (an AP news alert) takes it from its text, with a warning. "KILL", "ELIMINATE" or
"WITHDRAWAL" in the take key, or opening an editor's note or the text, sets
``pubStatus: canceled``; "WITHHOLD" ``withheld``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from wirearchive import __version__
from wirearchive.text.dateline import parse_dateline
from wirearchive.validators import Problem

from ._wirecopy import MEDIA_TYPE, WireStory, paragraphs, read_story, sent_at, visible
from .base import Extracted, ReadContext, WholeReader, step

__all__ = ["READER", "Anpa1312Reader", "parse_anpa", "read_bytes"]

NAME = "anpa1312"
URGENCY = {"f": 1, "b": 2, "u": 3, "r": 5, "s": 5, "d": 7, "a": 8}
_SNIFF = re.compile(rb"\A\x16*\x01[A-Za-z]\d{4}\x1f")
_FIRST = re.compile(r"\x16*\x01(?P<service>[A-Za-z])(?P<sequence>\d{4})\x1f(?P<selectors>.*)")
_SECOND = re.compile(
    r"(?P<priority>[A-Za-z]) (?P<category>[A-Za-z]{1,2})(?P<format>[\x13\x14])"
    r"(?P<kind>[\x11\x12]) (?P<slug>\S+)(?P<take>.*?)\s+(?P<month>\d{1,2})-(?P<day>\d{1,2})"
    r"(?:\s+(?P<words>\d{1,5}))?\s*"
)
_TRAILER = re.compile(
    r"(?P<agency>[A-Z]+)-(?P<desk>[A-Z]+)-(?P<month>\d{2})-(?P<day>\d{2})-(?P<year>\d{2})\s+"
    r"(?P<hour>\d{2})(?P<minute>\d{2})\s*(?P<zone>[A-Z]{1,4})"
)
_PREFIX = re.compile(r"^(?:(?:AM|PM|BC)-)?(?:[A-Z]{2,4}--)?")
_ED_NOTE = re.compile(r"^(\(?)\s*(?:Eds?:|EDITOR'S NOTE\s*[_:-]?)\s*", re.IGNORECASE)
_BYLINE_TITLE = re.compile(r"^(?:Associated Press|AP\b.*\b(?:Writer|Correspondent|Editor))$")
_MEDIA_NOTE = re.compile(r"^AP (?:Photos?|Video|Audio|Graphics?|Interactive)\b")


def _split_text(lines: list[str]) -> tuple[list[str], list[str]]:
    """The ``^`` header lines at the top, and the text after them.

    A ``^`` line further down is a heading inside the text (a table's "East Division"),
    kept in its place without its marker; AP's "END" line is dropped.
    """
    header: list[str] = []
    text: list[str] = []
    for line in lines:
        if not text and line.startswith("^"):
            header.append(line)
        elif not text and not visible(line).strip():
            continue
        elif line.startswith("^"):
            heading = visible(line).lstrip("^").strip().rstrip("<=").strip()
            if heading != "END":
                text.append("\t" + heading)
        else:
            text.append(line)
    return header, text


def _typography(text: str) -> str:
    """AP's teletype typography as print: ``\\`\\`...''`` quotes and " _ " dashes."""
    text = text.replace("``", "\u201c").replace("''", "\u201d")
    return re.sub(r"(?<=\S) _ (?=\S)", " \u2014 ", text)


def _keyword_line(line: str, story: WireStory) -> None:
    """``BC-US--Ethanol-Losing Grassland, 1st Ld-Writethru,1140`` → keyword and take."""
    line = line.rsplit("^", 1)[-1].strip(" <=")
    parts = [part.strip() for part in line.split(",")]
    if len(parts) > 1 and parts[-1].isdigit():
        parts.pop()
    story.keyword = _PREFIX.sub("", parts[0]) or parts[0]
    if len(parts) > 1 and not story.take:
        story.take = ", ".join(parts[1:])


def _header(lines: list[str], story: WireStory, has_text: bool) -> list[str]:
    """Sort the ``^`` lines after the keyword line; the lines that are body, if any."""
    extra: list[str] = []
    after_by = False
    for raw in lines:
        line = _typography(visible(raw).lstrip("^").strip().rstrip("<=").strip())
        if not line:
            continue
        note = _ED_NOTE.match(line)
        if note:
            story.ed_note.append(note.group(1) + line[note.end() :])
            after_by = False
        elif _MEDIA_NOTE.match(line):
            story.notes.append(line)
            after_by = False
        elif line.startswith("By "):
            story.by = line
            after_by = True
        elif after_by and _BYLINE_TITLE.search(line):
            story.by += ", " + line  # the byline's title: "Associated Press"
            after_by = False
        elif not story.headline:
            story.headline = line
        else:
            extra.append(line)
    if has_text and extra and not story.preformatted:
        story.summary = extra.pop(0)
    return extra


def _table_row(line: str) -> str:
    """A row of tabular copy: the TLI (BS) dropped, space bands (DLE) and field marks as
    spaces, the quad at the end dropped."""
    row = line.replace("\x08", "").replace("\x10", "").lstrip("^")
    return " ".join(_typography(visible(re.sub(r"[\x1c-\x1f]", " ", row))).split()).rstrip("<=")


def parse_anpa(text: str) -> WireStory | Problem:
    """Split one ANPA 1312 message (decoded) into its fields."""
    story = WireStory(format="ANPA 1312", scheme=NAME)
    lines = text.replace("\r", "").split("\n")
    first = _FIRST.match(lines[0]) if lines else None
    if first is None or len(lines) < 3:
        return Problem(rule="anpa1312.header", message="no SYN SYN SOH service+sequence line")
    story.service, story.sequence = "", first.group("service") + first.group("sequence")
    second = _SECOND.match(lines[1])
    if second is None:
        return Problem(
            rule="anpa1312.header",
            message=f"the second line {visible(lines[1])[:60]!r} is not 'priority category "
            "format slug take month-day words'",
        )
    tabular = second.group("kind") == "\x12"
    story.priority, story.category = second.group("priority"), second.group("category")
    story.take = second.group("take").strip()
    story.word_count = int(second.group("words")) if second.group("words") else None
    urgency = URGENCY.get(story.priority.lower())
    if urgency is None:
        story.warn(
            "anpa1312.priority",
            f"priority {story.priority!r} is none of f b u r s d a; urgency left out",
            "urgency",
        )
    story.urgency = urgency
    body = "\n".join(lines[2:])
    stx, etx = body.find("\x02"), body.find("\x03")
    if stx == -1:
        return Problem(rule="anpa1312.no-text", message="no STX: the message has no text")
    if etx == -1 or etx < stx:
        return Problem(
            rule="anpa1312.truncated",
            message="no ETX after the text: the message was cut short; not read",
        )
    story.steps.append(
        step(
            "header",
            f"ANPA 1312: sequence {story.sequence!r}, selectors "
            f"{visible(first.group('selectors')).strip()!r}, priority {story.priority!r}, "
            f"category {story.category!r}, slug {second.group('slug')!r}, take "
            f"{story.take!r}, {story.word_count} words" + (", tabular" if tabular else ""),
        )
    )
    header, text_lines = _split_text(body[stx + 1 : etx].split("\n"))
    if header:
        _keyword_line(header.pop(0), story)
    if tabular:
        prose = True
        for line in text_lines:
            clean = visible(line).strip()
            if prose and line.startswith("\t") and ";" not in clean:
                story.paragraphs.append(_typography(" ".join(clean.rstrip("<=").split())))
            elif clean or line.startswith("\x08"):
                prose = False
                story.preformatted.append(_table_row(line))
    else:
        cleaned = [visible(line).rstrip().rstrip("<=") for line in text_lines]
        story.paragraphs = [_typography(p) for p in paragraphs(cleaned)]
    extra = _header(header, story, bool(story.paragraphs or story.preformatted))
    if tabular:
        story.preformatted = extra + story.preformatted
    elif not story.paragraphs:
        story.paragraphs = extra
        if extra:
            story.steps.append(step("body", "no tab-led text: the header lines are the body"))
    if not story.headline and tabular and story.keyword:
        story.headline = story.keyword
        story.warn(
            "anpa1312.headline-from-keyword",
            f"no headline line: the keyword {story.keyword!r} of the tabular copy stands in",
            "headlines",
        )
    if not story.headline and story.paragraphs:
        first_text = story.paragraphs[0]
        dateline = parse_dateline(first_text)
        rest = first_text[dateline.end :] if dateline is not None else first_text
        story.headline = rest.lstrip(" _-\u2013\u2014").strip()
        story.warn(
            "anpa1312.headline-from-text",
            "no headline line (a news alert?): the first paragraph stands in",
            "headlines",
        )
    if story.paragraphs:
        story.status_lines.append(story.paragraphs[0])
    _trailer(visible(body[etx + 1 :]).strip().split("\n")[0], story)
    return story


def _trailer(trailer: str, story: WireStory) -> None:
    match = _TRAILER.search(trailer)
    if match is None:
        story.steps.append(step("trailer", f"{trailer[:40]!r}: no date-time"))
        return
    story.agency = match.group("agency")
    sent = sent_at(
        int(match.group("day")),
        int(match.group("hour")),
        int(match.group("minute")),
        int(match.group("month")),
        int(match.group("year")),
        match.group("zone"),
    )
    story.sent = sent
    detail = f"{match.group(0)!r} → {sent.isoformat()}" if sent else "not a date"
    story.steps.append(step("trailer", detail))


def read_bytes(data: bytes, name: str, context: ReadContext) -> Iterator[Extracted]:
    """Every item of one ANPA 1312 message's bytes (one message, one item)."""
    return read_story(data, name, context, reader=NAME, version=__version__, parse=parse_anpa)


class Anpa1312Reader(WholeReader):
    name: str = NAME
    version: str = __version__
    media_type: str = MEDIA_TYPE
    suffixes: tuple[str, ...] = (".tst", ".anpa", ".txt")

    def sniff(self, head: bytes, name: str) -> int:
        return 95 if _SNIFF.match(head) else 0

    def read_bytes(self, data: bytes, name: str, context: ReadContext) -> Iterator[Extracted]:
        return read_bytes(data, name, context)


READER = Anpa1312Reader()
