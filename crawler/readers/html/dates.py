"""Times: the publisher's timestamps confirmed by htmldate's days, written as RFC 3339."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from email.utils import parsedate_to_datetime
from typing import Any

import htmldate
from lxml.html import HtmlElement
from wirearchive.text.dates import When

from ..base import ReadContext
from .body import _Text
from .metadata import Structured
from .page import Page, warning

_HAS_TIME = re.compile(r"\d{1,2}(?::|h)\d{2}")


def parse_when(value: Any, source: str) -> When | None:
    """A date or time written by a publisher, in ISO 8601, RFC 822 or words."""
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str) and v.strip()), None)
    if not isinstance(value, str):
        return None
    text = " ".join(value.split())
    if not text or len(text) > 64:
        return None
    has_time = bool(_HAS_TIME.search(text))
    moment: datetime | None = None
    try:
        moment = datetime.fromisoformat(text.replace(" ", "T", 1) if has_time else text[:10])
    except ValueError:
        try:
            moment = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            moment = _dateparser(text)
    if moment is None or not 1970 <= moment.year <= 2100:
        return None
    has_zone = moment.tzinfo is not None and moment.utcoffset() is not None
    if not has_zone:
        moment = moment.replace(tzinfo=UTC)  # compared as UTC; `stamp` warns
    return When(moment, has_time, has_zone, source)


def _dateparser(text: str) -> datetime | None:
    import dateparser

    try:
        found = dateparser.parse(text, settings={"PREFER_DAY_OF_MONTH": "first"})
    except (ValueError, TypeError, OverflowError):
        return None
    return found if isinstance(found, datetime) else None


def rfc3339(moment: datetime) -> str:
    text = moment.replace(microsecond=0).isoformat(timespec="seconds")
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _dates(
    found: Structured,
    text: _Text,
    url: str | None,
    tree: HtmlElement,
    context: ReadContext,
    page: Page,
) -> None:
    article = found.article or {}
    pg = found.page or {}
    max_date = context.retrieved_at.strftime("%Y-%m-%d")
    published_day = _day(text.date)  # htmldate's, run by trafilatura with our settings
    updated_day = _htmldate(tree, url, max_date=max_date)
    published = _pick(
        [
            parse_when(article.get("datePublished"), "schema.org datePublished"),
            parse_when(found.og_first("article:published_time"), "article:published_time"),
            parse_when(article.get("dateCreated"), "schema.org dateCreated"),
            parse_when(pg.get("datePublished"), "schema.org WebPage datePublished"),
        ],
        published_day,
        "htmldate (original date)",
    )
    modified = _pick(
        [
            parse_when(article.get("dateModified"), "schema.org dateModified"),
            parse_when(found.og_first("article:modified_time"), "article:modified_time"),
            parse_when(found.og_first("og:updated_time"), "og:updated_time"),
            parse_when(pg.get("dateModified"), "schema.org WebPage dateModified"),
        ],
        updated_day,
        "htmldate (last update)",
        strict=True,
    )
    if published is None and modified is None:
        page.note("dates", "none found")
        return
    if published is None:
        assert modified is not None
        published, modified = modified, None
        page.note("firstCreated", f"no publication date; the update time from {published.source}")
    if modified is not None and modified.moment < published.moment:
        modified = None
    if modified is not None and modified.moment == published.moment:
        modified = None
    first = stamp(published, "firstCreated", page)
    page.item["firstCreated"] = first
    if modified is not None:
        page.item["versionCreated"] = stamp(modified, "versionCreated", page)
    else:
        page.item["versionCreated"] = first


def _htmldate(tree: HtmlElement, url: str | None, *, max_date: str) -> date | None:
    """htmldate's last-update date, from the page's explicit dates only (no text search)."""
    try:
        found = htmldate.find_date(
            tree, url=url, original_date=False, extensive_search=False, max_date=max_date
        )
    except (ValueError, TypeError, OverflowError):
        return None
    return _day(found)


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if isinstance(value, str) else None
    except ValueError:
        return None


def _pick(
    candidates: list[When | None], day: date | None, day_source: str, *, strict: bool = False
) -> When | None:
    """The publisher's timestamp that falls on htmldate's day, else that day at midnight.

    `strict` (the update time): htmldate's day alone is never used, only to confirm a
    publisher's timestamp; its "last update" guess may be any late date on the page.
    """
    present = [c for c in candidates if c is not None]
    if day is None:
        return present[0] if present else None
    for candidate in present:
        if candidate.moment.date() == day:
            return candidate
    if strict:
        return None
    moment = datetime.combine(day, time(0), tzinfo=UTC)
    return When(moment, has_time=False, has_zone=True, source=day_source)


def stamp(when: When, name: str, page: Page) -> str:
    """`when` as RFC 3339 for the item's `name` field, with a warning for what was assumed."""
    moment = when.moment
    if not when.has_time:
        moment = datetime.combine(moment.date(), time(0), tzinfo=UTC)
        page.warnings.append(
            warning(
                "time.date-only",
                f"only the date is known ({when.source}); the time says 00:00 UTC",
                name,
            )
        )
    elif not when.has_zone:
        page.warnings.append(
            warning(
                "time.zone-assumed",
                f"{when.source} gives a time without a zone; read as UTC",
                name,
            )
        )
    page.note(name, when.source)
    return rfc3339(moment)
