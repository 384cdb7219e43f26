"""Points in the change feed, given as a cursor or as a time a person would type.

``export --since`` and the read API take a cursor an earlier read printed ("1234"), an
RFC 3339 time or date ("2026-12-01T06:00:00Z", "2026-12-01"), a day ("today",
"yesterday", both UTC), or a time back from now ("-24h", "-30m", "-7d", "-2w"; the minus
may be left out). A time is turned into the cursor just before the first version
archived at or after it, so a time range is half-open: ``since=yesterday until=today``
is exactly yesterday.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from ..archive.catalog import TIME_FORMAT, Catalog

__all__ = ["Point", "parse_point", "to_cursor"]

#: A cursor, or a time (UTC).
Point = str | datetime

#: "-24h", or "24h" (a shell option parser takes "--since -24h" for an option: write
#: "--since=-24h" or "--since 24h").
_BACK = re.compile(r"-?(\d{1,6})([smhdw])")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
_HELP = "a cursor an earlier export printed, an RFC 3339 time, 'yesterday' or '-24h'"


def parse_point(text: str | datetime, *, now: datetime | None = None) -> Point:
    """A cursor (its digits, as given) or the UTC time `text` names; ValueError otherwise."""
    if isinstance(text, datetime):
        return text.astimezone(UTC) if text.tzinfo else text.replace(tzinfo=UTC)
    spec = text.strip()
    if spec.isascii() and spec.isdigit():
        return spec
    now = (now or datetime.now(UTC)).astimezone(UTC)
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    lowered = spec.lower()
    if lowered == "now":
        return now
    if lowered == "today":
        return midnight
    if lowered == "yesterday":
        return midnight - timedelta(days=1)
    back = _BACK.fullmatch(lowered)
    if back is not None:
        return now - timedelta(**{_UNITS[back[2]]: int(back[1])})
    try:
        moment = datetime.fromisoformat(spec.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise ValueError(f"not a cursor or a time: {text!r} (use {_HELP})") from None
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def to_cursor(point: Point, catalog: Catalog) -> str:
    """The feed cursor of a point: a cursor as it is; a time, the cursor just before the
    first version or event archived at or after it."""
    if isinstance(point, str):
        return point
    return str(catalog.seq_at(point.strftime(TIME_FORMAT)))
