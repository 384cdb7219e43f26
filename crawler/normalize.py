"""The one normalisation every item gets before validation: presentation stripped.

Readers build HTML bodies from pages, feeds and inline XHTML, each with its own habits;
what the archive stores keeps only the semantic markup (paragraphs, headings, lists,
quotes, links, emphasis, figures, tables), so a body reads the same whoever styled it.
The same transformation (`wirearchive.archive.markup`) gives the digest its canonical
form, so a stored body and a fresh capture of a restyled page agree.
"""

from __future__ import annotations

from typing import Any

import orjson
from wirearchive.archive.markup import is_html, semantic_html

from .readers import step

__all__ = ["normalize"]


def _walk(value: Any, path: str, notes: list[str]) -> Any:
    if isinstance(value, list):
        return [_walk(item, f"{path}[{index}]", notes) for index, item in enumerate(value)]
    if not isinstance(value, dict):
        return value
    found = {key: _walk(item, f"{path}.{key}", notes) for key, item in value.items()}
    text = found.get("value")
    if isinstance(text, str) and is_html(found.get("contentType")):
        cleaned = semantic_html(text)
        if cleaned.changed:
            found["value"] = cleaned.html
            notes.append(f"{path}: {cleaned.summary()}")
    return found


def normalize(item: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """The item with presentation stripped from every HTML value, and the provenance
    step saying what was stripped where (no step when there was nothing to strip)."""
    try:
        # Every HTML content type has "html" in it and orjson escapes no letter: without
        # those bytes there is nothing to strip, and the walk is not worth making.
        if b"html" not in orjson.dumps(item):
            return item, []
    except TypeError:  # too deep, or a lone surrogate: the walk says what it finds
        pass
    notes: list[str] = []
    normalized = _walk(item, "$", notes)
    if not notes:
        return item, []
    return normalized, [step("normalize", "presentation stripped: " + " | ".join(notes))]
