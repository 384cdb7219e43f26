"""Points in the change feed: cursors, times and the words people type for them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from wirearchive.downstream.when import parse_point

NOW = datetime(2026, 12, 3, 15, 30, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1234", "1234"),
        ("0", "0"),
        ("2026-12-01T06:00:00Z", datetime(2026, 12, 1, 6, tzinfo=UTC)),
        ("2026-12-01T09:00:00+03:00", datetime(2026, 12, 1, 6, tzinfo=UTC)),
        ("2026-12-01", datetime(2026, 12, 1, tzinfo=UTC)),
        ("today", datetime(2026, 12, 3, tzinfo=UTC)),
        ("yesterday", datetime(2026, 12, 2, tzinfo=UTC)),
        ("Yesterday", datetime(2026, 12, 2, tzinfo=UTC)),
        ("now", NOW),
        ("-24h", NOW - timedelta(hours=24)),
        ("24h", NOW - timedelta(hours=24)),
        ("-30m", NOW - timedelta(minutes=30)),
        ("-7d", NOW - timedelta(days=7)),
        ("-2w", NOW - timedelta(weeks=2)),
        ("-45s", NOW - timedelta(seconds=45)),
    ],
)
def test_points(text: str, expected: object) -> None:
    assert parse_point(text, now=NOW) == expected


def test_a_naive_datetime_is_taken_as_utc() -> None:
    assert parse_point(datetime(2026, 1, 2, 3)) == datetime(2026, 1, 2, 3, tzinfo=UTC)


@pytest.mark.parametrize("text", ["lastweek", "-24x", "", "12a", "2026-13-01", "-1.5h"])
def test_anything_else_is_refused_with_what_would_do(text: str) -> None:
    with pytest.raises(ValueError, match="not a cursor or a time") as caught:
        parse_point(text, now=NOW)
    assert "yesterday" in str(caught.value)
    assert repr(text) in str(caught.value)
