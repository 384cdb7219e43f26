"""What a valid capture of an item is: a new version, a sighting, stale, or a withdrawal.

The archive only moves an item forward. A capture whose content equals an earlier
version's (unless its ``versionCreated`` is newer than the latest version's: then it is a
correction back to earlier text), or whose ``versionCreated`` is older than the latest
version's, is an old copy delivered again (a feed replaying its backlog, a mirror
lagging behind): it is recorded as a sighting with a warning, never as a new latest
version. A kill or withdrawal notice (ninjs ``pubStatus`` ``withheld`` or ``canceled``,
which the NewsML-G2, NITF and IPTC 7901 readers set) is an event on the item: the item
reads as withdrawn from then on, until a newer version makes it usable again, and
nothing is deleted.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from .catalog import ItemState

__all__ = ["WITHDRAWN", "Decision", "decide", "is_notice", "pub_status"]

#: ninjs 3.1 ``pubStatus`` values that take an item out of use.
WITHDRAWN = frozenset({"withheld", "canceled"})

Action = Literal["version", "sighting", "withdraw", "unknown-notice"]


@dataclass(frozen=True, slots=True)
class Decision:
    """`action` for one capture; `version` is the version it makes or was a sighting of."""

    action: Action
    version: int | None = None
    #: Why a sighting is not a plain one: a problem dict (path, rule, message).
    warning: dict[str, str] | None = None


def pub_status(item: Mapping[str, Any]) -> str | None:
    status = item.get("pubStatus")
    return status if isinstance(status, str) else None


def is_notice(item: Mapping[str, Any]) -> bool:
    """Whether an item is a withdrawal (kill) notice rather than content."""
    return pub_status(item) in WITHDRAWN


def _moment(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None  # unzoned times do not compare


def _older(item: Mapping[str, Any], state: ItemState) -> bool:
    mine, latest = _moment(item.get("versionCreated")), _moment(state.version_created)
    return mine is not None and latest is not None and mine < latest


def _newer(item: Mapping[str, Any], state: ItemState) -> bool:
    """A newer versionCreated than the latest's: the agency meant this copy to replace it
    (a correction back to earlier text), so it is a new version, not an old copy."""
    mine, latest = _moment(item.get("versionCreated")), _moment(state.version_created)
    return mine is not None and latest is not None and mine > latest


def _stale(item: Mapping[str, Any], state: ItemState) -> dict[str, str]:
    return {
        "path": "$.versionCreated",
        "rule": "version.stale",
        "message": f"versionCreated {item.get('versionCreated')} is older than "
        f"v{state.version}'s {state.version_created}: an old copy, recorded as a sighting "
        f"of v{state.version} (its bytes are kept), not as a new version",
    }


def decide(
    state: ItemState | None,
    digest: str,
    item: Mapping[str, Any],
    *,
    earlier: Callable[[], int | None],
    legacy: Callable[[], str],
    dated: bool = True,
) -> Decision:
    """What a valid capture with this digest is, given the item's state in the archive.

    `earlier` finds an earlier version with the same digest and `legacy` computes the
    capture's digest in the form versions archived before HTML canonicalisation carry;
    both are called only when the answer matters. `dated` says the capture's
    ``versionCreated`` is the source's word (wire copy, a feed): a page fetched live is
    what its publisher serves now, and its dates are read from markup by heuristics that
    can step back, so there an older ``versionCreated`` alone does not make it stale.
    """
    if is_notice(item):
        if state is None:
            return Decision("unknown-notice")
        if state.withdrawn == digest:
            return Decision("sighting", state.version)  # the same notice sent again
        if dated and _older(item, state):
            return Decision("sighting", state.version, _stale(item, state))
        return Decision("withdraw", state.version)
    if state is None:
        return Decision("version", 1)
    if digest == state.digest or legacy() == state.digest:
        return Decision("sighting", state.version)
    found = earlier()
    if found is not None and not _newer(item, state):
        return Decision(
            "sighting",
            found,
            {
                "path": "$",
                "rule": "version.stale-redelivery",
                "message": f"the same content as v{found}, which v{state.version} has "
                f"replaced: an old copy delivered again, recorded as a sighting of v{found}",
            },
        )
    if dated and _older(item, state):
        return Decision("sighting", state.version, _stale(item, state))
    return Decision("version", state.version + 1)
