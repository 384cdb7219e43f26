"""The byline: authors' names from schema.org, trafilatura or OpenGraph, cleaned."""

from __future__ import annotations

import html
import re
from typing import Any

from .address import _ABSOLUTE
from .body import _Text
from .metadata import Structured, _first, _short_type
from .page import Page

_BYLINE_PREFIX = re.compile(
    r"^(?:(?:view all posts|posted|written|published|beitrag|ein beitrag|artikel) (?:by|von)"
    r"|zum profil von|by|von|par|por|di|door|от|автор:?|author:|autor:|责任编辑[:：])\s*",
    re.I,
)
_PLACEHOLDER_AUTHORS = frozenset(
    ("name", "no author", "author", "autor", "admin", "administrator", "wordpressadmin",
     "posted", "follow", "human", "null", "none", "unknown", "anonymous", "guest")
)  # fmt: skip
_ORGANISATION_TYPES = frozenset(("corporation", "ngo", "governmentorganization"))


def clean_name(value: str) -> str | None:
    """A byline name without "By"/"Von"/"View all posts by", or None for non-names."""
    name = " ".join(html.unescape(value).split())
    for _ in range(2):
        name = _BYLINE_PREFIX.sub("", name).strip(" ,;:|-")
    folded = name.casefold()
    if (
        not name
        or len(name) > 80
        or not any(c.isalpha() for c in name)
        or folded in _PLACEHOLDER_AUTHORS
        or folded.endswith((" says", " said", " sagt"))
        or "://" in name
        or name.startswith(("/", "www."))
        or re.search(r"\S@\S+\.\w", name)
    ):
        return None
    return name


def _authors(value: Any, found: Structured) -> tuple[list[tuple[str, str | None]], list[str]]:
    """The people (name, uri) and the organisations in a schema.org author value."""
    people: list[tuple[str, str | None]] = []
    organisations: list[str] = []
    for entry in value if isinstance(value, list) else [value]:
        entry = found.resolve(entry)
        uri = None
        organisation = False
        if isinstance(entry, dict):
            name = _first(entry.get("name"))
            if not name:
                given, family = _first(entry.get("givenName")), _first(entry.get("familyName"))
                name = " ".join(p for p in (given, family) if p) or None
            uri = _first(entry.get("url")) or _first(entry.get("sameAs"))
            organisation = any(
                "organization" in kind or kind in _ORGANISATION_TYPES
                for kind in _short_type(entry.get("@type"))
            )
        elif isinstance(entry, str):
            name = entry
        else:
            continue
        cleaned = clean_name(name) if name else None
        if cleaned is None:
            continue
        if organisation:
            organisations.append(cleaned)
        else:
            people.append((cleaned, uri if uri and _ABSOLUTE.match(uri) else None))
    return people, organisations


def _people(found: Structured, text: _Text, page: Page) -> tuple[list[tuple[str, str | None]], str]:
    """The authors who are people, and the byline (people, else organisations)."""
    article = found.article or {}
    people, organisations = _authors(article.get("author"), found)
    source = f"schema.org author ({found.article_source})"
    if not people and text.author:
        names = (clean_name(n) for n in text.author.split(";"))
        people = [(n, None) for n in names if n]
        source = "trafilatura author"
    if not people and found.og_first("article:author"):
        name = clean_name(found.og_first("article:author") or "")
        if name:
            people, source = [(name, None)], "article:author"
    seen: set[str] = set()
    unique = []
    for name, uri in people:
        if name.casefold() not in seen:
            seen.add(name.casefold())
            unique.append((name, uri))
    if unique:
        page.note("by", source)
        return unique, ", ".join(name for name, _ in unique)
    if organisations:
        page.note("by", f"schema.org author, an organisation ({found.article_source})")
        return [], ", ".join(dict.fromkeys(organisations))
    return [], ""
