"""`decide`: what a valid capture is, from the item's state alone."""

from __future__ import annotations

from typing import Any

import pytest
from wirearchive.archive.catalog import ItemState
from wirearchive.archive.versioning import decide, is_notice

LATEST = ItemState(3, "sha256:v3", "2024-05-29T12:00:00Z")
# Compared as instants: 13:30+02:00 is 11:30Z, older than 12:00Z; 15:00+02:00 is newer.
OLDER, NEWER = "2024-05-29T13:30:00+02:00", "2024-05-29T15:00:00+02:00"


def _decide(
    digest: str,
    item: dict[str, Any],
    state: ItemState | None = LATEST,
    earlier: int | None = None,
    legacy: str = "sha256:legacy",
) -> tuple[str, int | None, str | None]:
    found = decide(state, digest, item, earlier=lambda: earlier, legacy=lambda: legacy)
    return found.action, found.version, found.warning["rule"] if found.warning else None


@pytest.mark.parametrize(
    ("digest", "item", "earlier", "expected"),
    [
        ("sha256:v3", {}, None, ("sighting", 3, None)),
        ("sha256:new", {}, None, ("version", 4, None)),
        ("sha256:new", {"versionCreated": NEWER}, None, ("version", 4, None)),
        ("sha256:new", {"versionCreated": OLDER}, None, ("sighting", 3, "version.stale")),
        ("sha256:new", {"versionCreated": "2024-05-29T10:00:00"}, None, ("version", 4, None)),
        ("sha256:new", {"versionCreated": "yesterday"}, None, ("version", 4, None)),
        ("sha256:v1", {}, 1, ("sighting", 1, "version.stale-redelivery")),
        ("sha256:v1", {"versionCreated": OLDER}, 1, ("sighting", 1, "version.stale-redelivery")),
        ("sha256:v1", {"versionCreated": NEWER}, 1, ("version", 4, None)),  # a real revert
    ],
)
def test_content(
    digest: str, item: dict[str, Any], earlier: int | None, expected: tuple[Any, ...]
) -> None:
    assert _decide(digest, item, earlier=earlier) == expected


def test_a_first_capture_is_version_one() -> None:
    assert _decide("sha256:x", {}, state=None) == ("version", 1, None)


def test_the_legacy_digest_of_the_latest_version_is_the_same_version() -> None:
    assert _decide("sha256:new", {}, legacy="sha256:v3") == ("sighting", 3, None)


@pytest.mark.parametrize("status", ["canceled", "withheld"])
def test_notices(status: str) -> None:
    notice = {"pubStatus": status, "versionCreated": NEWER}
    assert is_notice(notice)
    assert _decide("sha256:kill", notice) == ("withdraw", 3, None)
    assert _decide("sha256:kill", notice, state=None) == ("unknown-notice", None, None)
    withdrawn = ItemState(3, "sha256:v3", LATEST.version_created, withdrawn="sha256:kill")
    assert _decide("sha256:kill", notice, state=withdrawn) == ("sighting", 3, None)
    old = {"pubStatus": status, "versionCreated": OLDER}
    assert _decide("sha256:kill", old) == ("sighting", 3, "version.stale")


def test_usable_is_not_a_notice() -> None:
    assert not is_notice({"pubStatus": "usable"})
    assert not is_notice({})
    assert _decide("sha256:new", {"pubStatus": "usable"}) == ("version", 4, None)


def test_a_live_page_is_not_stale_for_its_dates_alone() -> None:
    """Dates read from a fetched page's markup can step back; its content still counts."""
    older = {"versionCreated": OLDER}
    found = decide(
        LATEST, "sha256:new", older, earlier=lambda: None, legacy=lambda: "", dated=False
    )
    assert (found.action, found.version) == ("version", 4)
    again = decide(LATEST, "sha256:v1", older, earlier=lambda: 1, legacy=lambda: "", dated=False)
    assert (again.action, again.version, again.warning is not None) == ("sighting", 1, True)
