"""The dateline opening a story: ``located`` and the agency as an info source."""

from __future__ import annotations

from typing import Any

from wirearchive.text.dateline import Dateline, parse_dateline

from .address import _ABSOLUTE
from .page import Page

_DATELINE_PARAGRAPHS = 3


def find_dateline(paragraphs: list[str]) -> Dateline | None:
    """The dateline that opens one of the first paragraphs of a story, if any."""
    for paragraph in paragraphs[:_DATELINE_PARAGRAPHS]:
        found = parse_dateline(paragraph)
        if found is not None:
            return found
    return None


def apply_dateline(item: dict[str, Any], text: str, page: Page) -> list[dict[str, Any]]:
    """`located` from the dateline opening the story's plain `text`; its agency as the
    info source with role ``source``. The dateline stays in the body: it is part of the
    published text, and the step records it and where the story proper begins."""
    sources: list[dict[str, Any]] = []
    dateline = find_dateline(text.split("\n"))
    if dateline is None:
        return sources
    item["located"] = dateline.city
    if dateline.agency:
        written = (dateline.agency_text or dateline.agency).casefold().strip(" ()/")
        sources.append({"name": dateline.agency, "role": "source", "_written": written})
    page.note(
        "dateline",
        f"{dateline.text!r}: {dateline.city}"
        + (f", {dateline.agency}" if dateline.agency else "")
        + f"; kept in the body, the story begins at character {dateline.end}",
    )
    return sources


def add_source(sources: list[dict[str, Any]], name: str, role: str, uri: str | None) -> None:
    """Add an info source unless it is there already under this name or as written in the
    dateline ("RIA Novosti" is the publisher "РИА Новости")."""
    folded = name.casefold().strip(" ()/")
    if any(folded in (s["name"].casefold(), s.get("_written", "")) for s in sources):
        return
    entry: dict[str, Any] = {"name": name, "role": role}
    if uri and _ABSOLUTE.match(uri) and "://" in uri:
        entry["uri"] = uri
    sources.append(entry)
