"""Memento (RFC 7089) for archived items: TimeMaps, TimeGate choice, Link headers.

Each item is an original resource (its URI, the ninjs ``uri``) whose versions are its
mementos, dated by when the archive wrote them (``provenance.generatedAtTime``, the
history's ``archivedAt``): that, not the agency's ``versionCreated``, is the time at which
the archive can vouch for a state. Kept free of the web framework so the choice of a
memento and the link format are plain functions a test can call.
"""

from __future__ import annotations

import email.utils
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

__all__ = [
    "LINK_FORMAT",
    "Memento",
    "archive_time",
    "choose",
    "http_date",
    "link",
    "memento_rel",
    "mementos",
    "parse_http_date",
    "timemap",
]

#: The media type of a TimeMap (RFC 6690).
LINK_FORMAT = "application/link-format"


@dataclass(frozen=True, slots=True)
class Memento:
    """One version of an item as a memento: its number and archive time (UTC)."""

    version: int
    at: datetime


def archive_time(text: str) -> datetime:
    """An archive time (``archivedAt``, ``generatedAtTime``: RFC 3339) as a UTC datetime."""
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def mementos(history: Sequence[Mapping[str, Any]]) -> list[Memento]:
    """The mementos of an item from its history rows (`Archive.history`), oldest first."""
    found = [Memento(int(row["version"]), archive_time(str(row["archivedAt"]))) for row in history]
    return sorted(found, key=lambda m: (m.at, m.version))


def http_date(moment: datetime) -> str:
    """An RFC 7231 IMF-fixdate, as Memento-Datetime and the TimeMap's datetime use."""
    return email.utils.format_datetime(moment.astimezone(UTC), usegmt=True)


def parse_http_date(text: str) -> datetime:
    """An ``Accept-Datetime`` value (RFC 1123 date, GMT) as a UTC datetime.

    Raises ValueError naming the value when it is not such a date.
    """
    try:
        moment = email.utils.parsedate_to_datetime(text.strip())
    except (TypeError, ValueError, IndexError):
        moment = None
    if moment is None:
        raise ValueError(
            f"not an RFC 1123 date: {text!r} (write it as 'Wed, 29 May 2024 10:00:00 GMT')"
        )
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def choose(found: Sequence[Memento], wanted: datetime | None) -> Memento:
    """The memento a TimeGate redirects to: the latest archived at or before `wanted`;
    the first when all are later (the closest there is, RFC 7089 §4.1.1); the latest
    when no time is asked for. `found` is oldest first and not empty."""
    if not found:
        raise ValueError("an item without versions has no mementos")
    if wanted is None:
        return found[-1]
    earlier = [m for m in found if m.at <= wanted]
    return earlier[-1] if earlier else found[0]


def _quote(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"')


def link(target: str, rel: str, **params: str) -> str:
    """One link-value of a Link header or TimeMap: ``<target>; rel="rel"; k="v"``.

    ``>`` cannot occur inside the angle brackets: callers pass percent-encoded URIs.
    """
    parts = [f"<{target}>", f'rel="{rel}"']
    parts.extend(f'{key}="{_quote(value)}"' for key, value in params.items())
    return "; ".join(parts)


def memento_rel(found: Sequence[Memento], memento: Memento) -> str:
    """``memento``, with ``first``/``last`` for the ends of the list."""
    rel = ["memento"]
    if memento == found[0]:
        rel.insert(0, "first")
    if memento == found[-1]:
        rel.insert(0 if len(rel) == 1 else 1, "last")
    return " ".join(rel)


def timemap(
    original: str,
    timegate: str,
    self_uri: str,
    found: Sequence[Memento],
    memento_uri: Callable[[int], str],
) -> str:
    """The TimeMap of one item in link format (RFC 7089 §5.1.1): the original resource,
    its TimeGate, the TimeMap itself (``rel="self"``, with from/until) and every memento."""
    lines = [
        link(original, "original"),
        link(timegate, "timegate"),
        link(
            self_uri,
            "self",
            type=LINK_FORMAT,
            **{"from": http_date(found[0].at), "until": http_date(found[-1].at)},
        ),
    ]
    lines.extend(
        link(memento_uri(m.version), memento_rel(found, m), datetime=http_date(m.at)) for m in found
    )
    return ",\n".join(lines) + "\n"
