"""TEMPORARY stand-in for wirearchive.downstream.reader until main's lands (merge 13:55)."""

from __future__ import annotations

from typing import Any

from ..archive.store import ArchiveError, Changes, Store

__all__ = ["Archive", "ArchiveError", "open_archive"]


class Archive:
    def __init__(self, store: Store) -> None:
        self.store = store

    def close(self) -> None:
        self.store.close()

    def get(self, item_id: str, version: int | None = None) -> dict[str, Any] | None:
        return self.store.get(item_id, version)

    def history(self, item_id: str) -> list[dict[str, Any]]:
        return self.store.history(item_id)

    def diff(self, item_id: str, a: int, b: int) -> dict[str, Any]:
        return self.store.diff(item_id, a, b)

    def capture(self, item_id: str, version: int | None = None) -> tuple[bytes, dict[str, Any]]:
        record = self.store.get(item_id, version)
        if record is None:
            raise ArchiveError(f"{item_id}: no such item or version")
        facts = dict(record["provenance"]["capture"])
        return self.store.capture_bytes(facts), facts

    def changes(
        self,
        since: Any = None,
        until: Any = None,
        *,
        source: Any = None,
        language: Any = None,
        agency: Any = None,
        limit: int | None = None,
    ) -> Changes:
        return self.store.changes(since, limit)

    def search(self, text: Any = None, **kw: Any) -> list[dict[str, Any]]:
        out = []
        for record in self.store.changes(None, None):
            if record.get("version") is None:
                continue
            out.append(
                {
                    "id": record["id"],
                    "version": record["version"],
                    "headline": record["item"]["headlines"][0]["value"],
                    "language": record["item"].get("language"),
                    "agency": None,
                    "source": None,
                    "url": None,
                    "archivedAt": record["provenance"]["generatedAtTime"],
                    "versionCreated": record["item"].get("versionCreated"),
                    "dated": record["item"].get("versionCreated"),
                    "cursor": 0,
                }
            )
        latest = {h["id"]: h for h in out}
        return [
            h for h in latest.values() if not text or text.lower() in str(h["headline"]).lower()
        ]

    def quarantine(self, qid: str | None = None) -> list[dict[str, Any]]:
        return self.store.quarantined(qid)

    def quarantine_entry(self, qid: str) -> dict[str, Any] | None:
        return self.store.quarantine_entry(qid)

    def runs(self, last: int | None = None, run: str | None = None) -> list[dict[str, Any]]:
        return self.store.runs(last, run)

    def summary(self) -> dict[str, int]:
        return self.store.summary()


def open_archive(location: str | None = None) -> Archive:
    return Archive(Store.open(location, readonly=True))
