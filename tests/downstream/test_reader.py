"""The Python read API: what a downstream program sees of an archive."""

from __future__ import annotations

import doctest
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import wirearchive
from wirearchive.archive import ArchiveError
from wirearchive.downstream import reader

from ._archives import EXAMPLES, SAMPLE_ID, demo, edited, ingest

__all__ = ["demo"]  # the fixture, imported for the tests below


def test_the_module_example_runs(tmp_path: Path) -> None:
    location = tmp_path / "archive"
    ingest(location, EXAMPLES)
    finder = doctest.DocTestFinder()
    [test] = [t for t in finder.find(reader, globs={"demo": str(location)}) if t.examples]
    result = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS).run(test)
    assert (result.failed, result.attempted) == (0, 4)


def test_a_path_without_an_archive_is_an_error_and_stays_empty(tmp_path: Path) -> None:
    missing = tmp_path / "typo"
    with pytest.raises(ArchiveError, match="no archive at"):
        wirearchive.open(str(missing))
    assert not missing.exists()


def test_it_never_writes(demo: Path) -> None:
    before = {p: p.stat().st_mtime_ns for p in demo.rglob("*") if p.is_file()}
    with wirearchive.open(str(demo)) as archive:
        assert archive.store.readonly
        list(archive.changes())
        archive.search("Астане")
    after = {p: p.stat().st_mtime_ns for p in demo.rglob("*") if p.is_file()}
    # SQLite may add its -wal/-shm companions to a reader; nothing else changes.
    assert {p: t for p, t in after.items() if not p.name.endswith(("-wal", "-shm"))} == {
        p: t for p, t in before.items() if not p.name.endswith(("-wal", "-shm"))
    }


def test_one_item_get_history_diff_and_capture(demo: Path) -> None:
    with wirearchive.open(str(demo)) as archive:
        latest = archive.get(SAMPLE_ID)
        assert latest is not None
        assert latest["version"] == 2
        first = archive.get(SAMPLE_ID, 1)
        assert first is not None
        assert latest["previous"] == first["digest"]
        assert [row["version"] for row in archive.history(SAMPLE_ID)] == [1, 2]
        change = archive.diff(SAMPLE_ID, 1, 2)
        assert any(c["path"].startswith("$.headlines") for c in change["changed"])
        data, facts = archive.capture(SAMPLE_ID, 2)
        assert json.loads(data)["uri"] == SAMPLE_ID
        assert facts["sha256"] == latest["provenance"]["capture"]["sha256"]
        assert facts["mediaType"] == "application/json"
        assert archive.raw(SAMPLE_ID, 1) != data  # each version's own bytes
        assert archive.get("urn:nothing") is None
        with pytest.raises(ArchiveError, match="no such item"):
            archive.capture("urn:nothing")


def test_the_feed_by_cursor_gives_each_version_once(demo: Path) -> None:
    with wirearchive.open(str(demo)) as archive:
        feed = archive.changes(limit=4)
        first = [(r["id"], r["version"]) for r in feed]
        rest = archive.changes(since=feed.cursor)
        second = [(r["id"], r["version"]) for r in rest]
        everything = [(r["id"], r["version"]) for r in archive.changes()]
        assert len(first) == 4
        assert first + second == everything
        assert len(everything) == archive.summary()["versions"]
        assert list(archive.changes(since=rest.cursor)) == []


def test_the_feed_by_time(demo: Path) -> None:
    with wirearchive.open(str(demo)) as archive:
        records = list(archive.changes())
        times = [r["provenance"]["generatedAtTime"] for r in records]
        second_run = next(t for t in times if t != times[0])  # the edit's commit
        later = [r["version"] for r in archive.changes(since=second_run)]
        assert later == [2]  # the edit only: the quarantined input is no version
        before = archive.changes(until=second_run)
        assert len(list(before)) == len(records) - 1
        assert list(archive.changes(since=datetime.now(UTC) + timedelta(hours=1))) == []
        assert len(list(archive.changes(since="-1h"))) == len(records)
        assert len(list(archive.changes(since="yesterday", until="-1h"))) == 0
        with pytest.raises(ValueError, match="not a cursor or a time"):
            archive.changes(since="last tuesday")


def test_the_feed_filtered_by_language_source_and_agency(demo: Path) -> None:
    with wirearchive.open(str(demo)) as archive:
        records = list(archive.changes())
        english = [r["item"]["language"] for r in archive.changes(language="en")]
        assert english
        assert all(tag.lower().split("-")[0] == "en" for tag in english)
        assert len(english) == sum(
            r["item"].get("language", "").lower().split("-")[0] == "en" for r in records
        )
        assert [r["item"]["language"] for r in archive.changes(language="EN-us")] == [
            t for t in english if t.lower() == "en-us"
        ]
        assert list(archive.changes(language="e")) == []  # a prefix of a tag, not of a word
        assert len(list(archive.changes(source="file"))) == len(records)
        assert list(archive.changes(source="example.com")) == []
        sputnik = [r["id"] for r in archive.changes(agency="Sputnik Казахстан")]
        assert SAMPLE_ID in sputnik
        assert len(sputnik) < len(records)


def test_search_finds_the_latest_version_by_words_and_facets(demo: Path) -> None:
    with wirearchive.open(str(demo)) as archive:
        hits = archive.search("министры подписали")
        assert SAMPLE_ID in [h["id"] for h in hits]
        hit = next(h for h in hits if h["id"] == SAMPLE_ID)
        assert hit["version"] == 2  # the latest, with the edited headline
        assert hit["headline"] == "В Астане министры подписали соглашения"
        assert hit["language"] == "ru"
        assert hit["source"] == "file"
        assert archive.search("министр")  # the last word may be the start of one
        assert archive.search('"; DROP TABLE versions; --') == []  # words, never syntax
        assert archive.search("министры", language="en") == []
        every = archive.search(limit=1000)
        assert len(every) == archive.summary()["items"]
        assert [h["dated"] for h in every] == sorted((h["dated"] for h in every), reverse=True)
        page = archive.search(limit=3, offset=3)
        assert page == every[3:6]
        in_2024 = archive.search(since="2024-01-01", until="2024-12-31T23:59:59Z")
        assert in_2024
        assert all(h["dated"].startswith("2024") for h in in_2024)
        with pytest.raises(ValueError, match="not a cursor"):
            archive.search(since="12")
        languages = dict(archive.facet_values("language"))
        assert languages["ru"] == sum(1 for h in every if h["language"] == "ru")
        assert dict(archive.facet_values("source")) == {"file": len(every)}


def test_quarantine_runs_and_summary(demo: Path) -> None:
    with wirearchive.open(str(demo)) as archive:
        [row] = archive.quarantine()
        entry = archive.quarantine_entry(row["qid"])
        assert entry is not None
        errors = {(e["path"], e["rule"]) for e in entry["report"]["errors"]}
        assert ("$.headlines", "schema.type") in errors
        assert row["rule"] == "schema.required"
        assert len(archive.runs()) == 2 == archive.summary()["runs"]


def test_a_second_version_after_a_reader_opened_is_seen_by_the_next_open(
    tmp_path: Path,
) -> None:
    location = tmp_path / "archive"
    ingest(location, EXAMPLES)
    with wirearchive.open(str(location)) as archive:
        feed = archive.changes()
        assert len(list(feed)) > 1
        cursor = feed.cursor
    ingest(location, edited(tmp_path, "Другой заголовок"))
    with wirearchive.open(str(location)) as archive:
        [record] = archive.changes(since=cursor)
        assert record["item"]["headlines"][0]["value"] == "Другой заголовок"


def test_the_readme_example_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    start = readme.index("```python\nimport wirearchive\n") + len("```python\n")
    code = readme[start : readme.index("```", start)]
    location = tmp_path / "archive-data"
    ingest(location, EXAMPLES)
    exec(compile(code.replace('"archive-data"', repr(str(location))), "README.md", "exec"), {})
    out = capsys.readouterr().out
    assert "В Астане министры обороны Казахстана" in out
    assert "'items': " in out
