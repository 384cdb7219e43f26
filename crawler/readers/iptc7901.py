"""IPTC 7901 wire copy (as dpa, AFP and other agencies still send it) as ninjs 3.1 text items.

A message, as in dpa's English service::

    SOH eca062 4 i 211 ccccb   dpa 061        service + sequence, priority, category,
                                              word count, optional fields
    Germany-politics/                         keyword (slugline), ended by "/"
    STX 1ST LEAD                              take lines (dpa: "1ST LEAD", "REFILE")
    Germany Social Democrats: ... =           headline, ended by " =" when more follows
    By Manuel Schwarz, dpa =                  byline
       Berlin (dpa) - Negotiations ...        text: hard-wrapped, indented or blank-line
    # dpa NOTEBOOK                            paragraphs; dpa's notebook -> a note
    The following information is not for publication
    ## dpa Contacts ...                       -> edNote, never the body
    ETX 131137 GMT Nov 13                     sent: day 13, 11:37 GMT, November 2013
    EOT

Mapping: the uri is ``urn:wirearchive:iptc7901:<service>:<date sent>:<keyword>`` (takes and
leads of one story share it, so a lead becomes a new version of the same item); without a
keyword, the sequence number takes its place. The priority digit is the ninjs ``urgency``
unchanged (both scales put 1 highest: 1 flash, 2 urgent, 3 priority, 4 routine, 5-9
deferred and lower). The category becomes a subject with ``rel: category``, the keyword the
``slugline``, the take lines an ``altIds`` ``take`` (an "Nth LEAD" also sets ``version``
N+1), the sequence an ``altIds`` ``sequence``. The trailer's time is ``versionCreated``
(and ``firstCreated`` for a first take). The dateline goes through `parse_dateline`; the
charset through `decode` (7901 copy is mostly ASCII with Latin-1/cp1252 accents). A
"KILL", "ELIMINATE" or "WITHDRAWAL" in the take lines or opening the text sets
``pubStatus: canceled``, "WITHHOLD" ``withheld``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from wirearchive import __version__
from wirearchive.validators import Problem

from ._wirecopy import MEDIA_TYPE, WireStory, header_words, paragraphs, read_story, sent_at, visible
from .base import Extracted, ReadContext, WholeReader, step

__all__ = ["READER", "Iptc7901Reader", "parse_7901", "read_bytes"]

NAME = "iptc7901"
_HEADER = re.compile(
    r"(?P<service>[A-Za-z]*)(?P<sequence>\d+) (?P<priority>\S) (?P<category>[A-Za-z]{1,3}) "
    r"(?P<words>\d*)(?P<rest>.*)"
)
_SNIFF = re.compile(rb"\A[\x16\s]*\x01[A-Za-z]*\d+ \S [A-Za-z]{1,3} \d*")
_TRAILER = re.compile(
    r"(?P<day>\d{2})(?P<hour>\d{2})(?P<minute>\d{2})"
    r"(?:\s*(?P<zone>GMT|UTC|UT|Z|WEZ|MEZ|MESZ|CET|CEST|EST|EDT|CST|CDT|PST|PDT))?"
    r"(?:\s+(?P<month>[A-Za-zäÄ]{3})[a-zäé]*\.?(?:\s+(?P<year>\d{2}(?:\d{2})?))?)?"
)
_NOT_FOR_PUBLICATION = re.compile(
    r"^\s*The following information is not (?:intended )?for publication", re.IGNORECASE
)
_NOTEBOOK = re.compile(r"^\s*#\s*(?:dpa\s+)?notebook\b", re.IGNORECASE)
#: dpa's sign-off: the agency and the editors' initials ("dpa wsz jln npr").
_SIGN_OFF = re.compile(r"^\s*dpa(?:\s+[a-z]{2,4})+\s*$")
_SEPARATOR = re.compile(r"^\s*(?:\*\s*){3,}$")
_HEADER_BLOCK = 8  # take lines + headline + byline: dpa never sends more


def _split_header(lines: list[str], story: WireStory) -> list[str]:
    """Take lines, headline and byline off the top of the text; the rest is returned.

    dpa ends the header block with " =" on its last line (the headline or the byline); a
    message without that marker has its headline on the STX line alone.
    """
    end = next(
        (
            index
            for index, line in enumerate(lines[:_HEADER_BLOCK])
            if line.rstrip().endswith("=") and all(s.strip() for s in lines[: index + 1])
        ),
        None,
    )
    block = [line.strip() for line in lines[: (end if end is not None else 0) + 1]]
    block = [re.sub(r"\s*=$", "", line) for line in block]
    if len(block) > 1 and block[-1].startswith("By "):
        story.by = block.pop()
    story.headline = block.pop() if block else ""
    take = [line for line in block if line]
    story.take = " ".join(take)
    story.status_fields.extend(take)
    detail = f"headline from line {len(take) + 1} of the text"
    if take:
        detail += f"; take lines {header_words(take)!r}"
    story.steps.append(step("header", detail + (f"; byline {story.by!r}" if story.by else "")))
    return lines[len(take) + 1 + (1 if story.by else 0) :]


def _split_notes(lines: list[str], story: WireStory) -> list[str]:
    """The story's own lines; dpa's notebook becomes a note, what is not for publication
    the edNote."""
    cut = next((i for i, line in enumerate(lines) if _NOT_FOR_PUBLICATION.match(line)), None)
    if cut is not None:
        story.ed_note = [line.strip() for line in lines[cut + 1 :] if line.strip()]
        story.steps.append(
            step("ednote", f"{len(story.ed_note)} lines after {lines[cut].strip()!r} → edNote")
        )
        lines = lines[:cut]
    while lines and (not lines[-1].strip() or _SIGN_OFF.match(lines[-1])):
        if lines[-1].strip():
            story.ed_note.append(lines[-1].strip())
        lines = lines[:-1]
    notebook = next((i for i, line in enumerate(lines) if _NOTEBOOK.match(line)), None)
    if notebook is not None:
        kept = [line for line in lines[notebook + 1 :] if not _SEPARATOR.match(line)]
        story.notes = [" ".join(paragraphs(kept))] if paragraphs(kept) else []
        story.steps.append(step("notebook", f"{lines[notebook].strip()!r} → a note"))
        lines = lines[:notebook]
    return [line for line in lines if not _SEPARATOR.match(line)]


def parse_7901(text: str) -> WireStory | Problem:
    """Split one IPTC 7901 message (decoded) into its fields."""
    story = WireStory(format="IPTC 7901", scheme=NAME)
    soh = text.find("\x01")
    if soh == -1:
        return Problem(rule="iptc7901.no-header", message="no SOH: not an IPTC 7901 message")
    newline = text.find("\n", soh)
    header = visible(text[soh + 1 : newline if newline != -1 else len(text)]).strip()
    match = _HEADER.match(header)
    if match is None:
        return Problem(
            rule="iptc7901.header",
            message=f"the header line {header[:60]!r} is not 'service+sequence priority "
            "category word-count'",
        )
    story.service, story.sequence = match.group("service"), match.group("sequence")
    story.priority, story.category = match.group("priority"), match.group("category")
    story.word_count = int(match.group("words")) if match.group("words") else None
    if story.priority.isdigit() and story.priority != "0":
        story.urgency = int(story.priority)
    else:
        story.warn(
            "iptc7901.priority",
            f"priority {story.priority!r} is not 1-9; urgency left out",
            "urgency",
        )
    stx = text.find("\x02", soh)
    if stx == -1:
        return Problem(rule="iptc7901.no-text", message="no STX: the message has no text")
    keyword_lines = [visible(line).strip() for line in text[newline + 1 : stx].split("\n")]
    story.keyword = " ".join(line.rstrip("/").strip() for line in keyword_lines if line)
    etx = text.find("\x03", stx)
    if etx == -1:
        return Problem(
            rule="iptc7901.truncated",
            message="no ETX after the text: the message was cut short; not read",
        )
    optional = match.group("rest").strip()
    story.steps.append(
        step(
            "header",
            f"IPTC 7901: service {story.service!r}, sequence {story.sequence!r}, priority "
            f"{story.priority!r}, category {story.category!r}, {story.word_count} words"
            + (f", optional fields {optional!r}" if optional else ""),
        )
    )
    lines = visible(text[stx + 1 : etx]).split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    rest = _split_notes(_split_header(lines, story), story)
    story.paragraphs = paragraphs(rest)
    if story.paragraphs:
        story.status_lines.append(story.paragraphs[0])
    _trailer(visible(text[etx + 1 :]).strip(), story)
    return story


def _trailer(trailer: str, story: WireStory) -> None:
    match = _TRAILER.match(trailer)
    if match is None:
        story.steps.append(step("trailer", f"{trailer[:40]!r}: no date-time group"))
        return
    year = match.group("year")
    sent = sent_at(
        int(match.group("day")),
        int(match.group("hour")),
        int(match.group("minute")),
        match.group("month"),
        int(year) if year else None,
        match.group("zone") or "GMT",
    )
    story.sent = sent
    if sent is not None and not match.group("zone"):
        story.warn(
            "time.zone-assumed",
            f"the trailer {match.group(0).strip()!r} names no zone; read as GMT",
            "versionCreated",
        )
    detail = f"{match.group(0).strip()!r} → {sent.isoformat()}" if sent else "no month or year"
    story.steps.append(step("trailer", detail))


def read_bytes(data: bytes, name: str, context: ReadContext) -> Iterator[Extracted]:
    """Every item of one IPTC 7901 message's bytes (one message, one item)."""
    return read_story(data, name, context, reader=NAME, version=__version__, parse=parse_7901)


class Iptc7901Reader(WholeReader):
    name: str = NAME
    version: str = __version__
    media_type: str = MEDIA_TYPE
    suffixes: tuple[str, ...] = (".txt", ".7901", ".iptc")

    def sniff(self, head: bytes, name: str) -> int:
        return 90 if _SNIFF.match(head) else 0

    def read_bytes(self, data: bytes, name: str, context: ReadContext) -> Iterator[Extracted]:
        return read_bytes(data, name, context)


READER = Iptc7901Reader()
