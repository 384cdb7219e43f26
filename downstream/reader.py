"""The Python API for reading an archive: records, history, diffs, the change feed, search.

It only reads: the archive is opened read-only (no lock, no file changed) and a path that
holds no archive is an error, never a new empty archive.

>>> import wirearchive
>>> with wirearchive.open(demo) as archive:
...     feed = archive.changes(since="-24h", language="ru")
...     ids = [record["id"] for record in feed]
...     again = list(archive.changes(since=feed.cursor))  # only what came since
...     hits = archive.search("министры обороны", language="ru")
>>> len(ids), again
(5, [])
>>> hits[0]["headline"]
'В Астане министры обороны Казахстана и Беларуси подписали несколько соглашений'
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from types import TracebackType
from typing import Any, TypedDict

from ..archive.catalog import TIME_FORMAT, Filters
from ..archive.store import ArchiveError, Changes, Store
from .when import Point, parse_point, to_cursor

__all__ = ["Archive", "ArchiveError", "Feed", "Hit", "open_archive"]


class Hit(TypedDict):
    """One item found by `Archive.search`: its latest version and its facets."""

    id: str
    version: int
    headline: str | None
    language: str | None
    agency: str | None
    source: str | None
    url: str | None
    archivedAt: str
    versionCreated: str | None
    #: Its news time in UTC: versionCreated, else firstCreated, else when archived.
    dated: str
    #: The feed cursor of this version.
    cursor: int


class Feed:
    """Records archived in a range of the change feed, oldest first.

    Iterate it once; `cursor` is then where the next read should start (pass it as
    ``since``) so that every version is read exactly once.
    """

    def __init__(self, changes: Changes) -> None:
        self._changes = changes

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self._changes)

    @property
    def cursor(self) -> str:
        return self._changes.cursor


class Archive:
    """An archive opened for reading; see the module docstring. Use it as a context manager."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def __enter__(self) -> Archive:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self.store.close()

    # -- one item ----------------------------------------------------------------------

    def get(self, item_id: str, version: int | None = None) -> dict[str, Any] | None:
        """The record of one version (the latest by default), or None when absent."""
        return self.store.get(item_id, version)

    def history(self, item_id: str) -> list[dict[str, Any]]:
        """Every version of an item, oldest first, with its sightings and events."""
        return self.store.history(item_id)

    def diff(self, item_id: str, a: int, b: int) -> dict[str, Any]:
        """What changed from version `a` to `b`: fields, and the body as a unified diff."""
        return self.store.diff(item_id, a, b)

    def raw(self, item_id: str, version: int | None = None) -> bytes:
        """The exact bytes a version was made from, checked against their digest."""
        return self.store.raw(item_id, version)

    def capture(self, item_id: str, version: int | None = None) -> tuple[bytes, dict[str, Any]]:
        """The bytes a version was made from and what is known of them (media type,
        digest, WARC file and record, retrieval time, HTTP facts)."""
        record = self.store.get(item_id, version)
        if record is None:
            raise ArchiveError(f"{item_id}: no such item or version")
        facts = dict(record["provenance"]["capture"])
        return self.capture_of(facts), facts

    def capture_of(self, facts: dict[str, Any]) -> bytes:
        """The bytes a record's capture facts (``provenance.capture``) name, checked
        against their digest: for a caller that holds the record already."""
        return self.store.capture_bytes(facts)

    # -- many items --------------------------------------------------------------------

    def changes(
        self,
        since: Point | None = None,
        until: Point | None = None,
        *,
        source: str | None = None,
        language: str | None = None,
        agency: str | None = None,
        limit: int | None = None,
    ) -> Feed:
        """Versions and withdrawals archived after `since` and before `until`, oldest first.

        Each point is a cursor or a time (see `wirearchive.downstream.when`); filters
        narrow the feed by source, agency or language (``en`` matches ``en-GB``).
        """
        catalog = self.store.catalog
        start = None if since is None else to_cursor(parse_point(since), catalog)
        end = None if until is None else to_cursor(parse_point(until), catalog)
        filters = Filters(source=source, language=language, agency=agency)
        return Feed(self.store.changes(start, limit, until=end, filters=filters or None))

    def search(
        self,
        text: str | None = None,
        *,
        source: str | None = None,
        agency: str | None = None,
        language: str | None = None,
        since: str | datetime | None = None,
        until: str | datetime | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> list[Hit]:
        """Items whose latest version matches, newest news time first.

        `text`: words that must all occur in the headline or the body (the last may be
        the start of a word); `since`/`until`: bounds of the news time, included, as a
        time or a day (see `wirearchive.downstream.when`; cursors mean nothing here).
        """
        bounds = []
        for point in (since, until):
            moment = None if point is None else parse_point(point)
            if isinstance(moment, str):
                raise ValueError(f"a search takes times, not a cursor: {point!r}")
            bounds.append(None if moment is None else moment.strftime(TIME_FORMAT))
        rows = self.store.catalog.search(
            text,
            Filters(source=source, language=language, agency=agency),
            dated_from=bounds[0],
            dated_to=bounds[1],
            limit=limit,
            offset=offset,
        )
        return [Hit(**row) for row in rows]  # type: ignore[typeddict-item]

    def facet_values(self, facet: str) -> list[tuple[str, int]]:
        """The sources, agencies or languages (``language``) of the latest versions, with
        how many items have each, most first."""
        return self.store.catalog.facet_values("lang" if facet == "language" else facet)

    def quarantine(self, qid: str | None = None) -> list[dict[str, Any]]:
        """Quarantined inputs, one row per distinct input, most recent last."""
        return self.store.quarantined(qid)

    def quarantine_entry(self, qid: str) -> dict[str, Any] | None:
        """The latest full quarantine entry of an input: report, item, provenance."""
        return self.store.quarantine_entry(qid)

    def runs(self, last: int | None = None, run: str | None = None) -> list[dict[str, Any]]:
        """Run manifests, oldest first."""
        return self.store.runs(last, run)

    def summary(self) -> dict[str, int]:
        """How many items, versions, sightings, events, quarantined inputs, runs."""
        return self.store.summary()


def open_archive(location: str | None = None, *, catalog: str | None = None) -> Archive:
    """Open the archive at `location` (a directory; else ``$WIREARCHIVE_ARCHIVE``, else
    ``./archive-data``) for reading, with the catalog `Store.open` takes; `ArchiveError`
    when no archive is there."""
    return Archive(Store.open(location, readonly=True, catalog=catalog))
