"""The PostgreSQL catalog: the same answers as SQLite's for the same log, a write lock that
serialises writers in several processes (hosts), readers that never wait, and read-only
opens that cannot write.

The store and catalog contract tests in test_store.py and test_catalog.py run against both
catalogs (see `catalog_spec` in conftest.py); these are the ones only a server has.
"""

from __future__ import annotations

import io
import signal
import subprocess
import sys
import textwrap
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import psycopg
import pytest
from wirearchive.archive import (
    Capture,
    CatalogError,
    Filters,
    HttpExchange,
    SQLiteCatalog,
    Store,
    open_catalog,
    verify,
)
from wirearchive.archive.catalog import CATALOG_ENV, CatalogBusy, fts_query
from wirearchive.archive.catalog_pg import PostgresCatalog, ts_query
from wirearchive.crawler.cli import run

from ..conftest import PostgresServer

PROFILE = "wire-item-1.0"
Item = dict[str, Any]
EXAMPLES = Path(__file__).parents[2] / "examples"


@pytest.fixture
def pg_url(postgres_server: PostgresServer, monkeypatch: pytest.MonkeyPatch) -> str:
    """A fresh, empty schema for one catalog; $WIREARCHIVE_CATALOG left unset."""
    monkeypatch.delenv(CATALOG_ENV, raising=False)
    return postgres_server.new_schema()


def _http(body: bytes, url: str, etag: str | None, status: int = 200) -> Capture:
    headers = (("ETag", etag),) if etag else ()
    moment = datetime(2024, 5, 29, 8, 0, tzinfo=UTC)
    return Capture(
        body, url, "text/html", retrieved_at=moment, http=HttpExchange(status, "OK", headers)
    )


def _rich(store: Store, fill: Callable[[Store], None], make_item: Callable[..., Item]) -> None:
    """`fill`'s archive, and what it lacks: languages, agencies, crawled URLs with their
    validators and a 304, a stale re-delivery, a withdrawal and a version after it."""
    fill(store)
    url = "https://news.example/2024/wheat.html"
    writer = store.writer("run-c", source="site")
    for n, (language, words, agency) in enumerate(
        [
            ("ru", "Экспорт пшеницы вырос", "ТАСС"),
            ("en-GB", "Café owners protest Black-Sea tariffs", "Agency One"),
            ("de", "Weizenexporte steigen", None),
        ],
        start=10,
    ):
        sources = [{"name": agency, "role": "originfo"}] if agency else []
        created = f"2024-06-0{n - 9}T10:00:00+03:00"
        item = make_item(n, headline=words, body=f"{words}. Second line {n}.", language=language,
                         infoSources=sources, versionCreated=created)  # fmt: skip
        writer.put(item, Capture(orjson.dumps(item), f"https://news.example/{n}"), profile=PROFILE)
    page = make_item(20, uri=url, headline="Wheat page")
    derived = {"wasDerivedFrom": {"url": url}}
    writer.put(page, _http(b"<p>wheat</p>", url, '"v1"'), provenance=derived, profile=PROFILE)
    writer.commit()
    writer = store.writer("run-d")
    writer.not_modified(url, _http(b"", url, None, status=304), provenance=derived)
    old = make_item(1)  # item-1's first version, delivered again: a stale sighting
    writer.put(old, Capture(orjson.dumps(old), "file:///in/replayed.json"), profile=PROFILE)
    notice = make_item(2, pubStatus="canceled", versionCreated="2024-05-30T09:00:00Z")
    del notice["bodies"]
    writer.put(notice, Capture(orjson.dumps(notice), "file:///in/kill.json"), profile=PROFILE)
    writer.commit()
    back = make_item(11, headline="Café owners end their protest", language="en-GB",
                     versionCreated="2024-06-09T10:00:00Z")  # fmt: skip
    store.put(back, Capture(orjson.dumps(back), "https://news.example/11"), run="run-d",
              profile=PROFILE)  # fmt: skip
    store.finish_run({"run": "run-c", "status": "finished"})


def _answers(store: Store) -> dict[str, Any]:
    """Every catalog call's answer over the whole archive: what must not depend on which
    catalog gave it."""
    catalog = store.catalog
    _, last = catalog.head()
    ids = [*sorted({row["id"] for row in catalog.search(limit=1000)}), "urn:x:absent"]
    digests = [r["digest"] for i in ids for r in catalog.version_rows(i)]
    captures = [
        (entry.body.get("provenance") or entry.body).get("capture", {}).get("sha256")
        for kind in ("version", "event", "quarantine")
        for entry in store.entries(kind)
    ]
    texts = ["wheat", "WHEAT exp", "экспорт", "cafe", "black-sea", "black sea tar", "sea-black",
             "second line 1", "—", "protest café", "nothing-like-this", "weizen"]  # fmt: skip
    filters = [Filters(), Filters(language="en"), Filters(language="EN-gb"), Filters(source="site"),
               Filters(agency="ТАСС"), Filters(source="test-feed", language="en")]  # fmt: skip
    moments = ["2000-01-01T00:00:00.000000Z", "2100-01-01T00:00:00.000000Z"]
    moments += [h["archivedAt"] for i in ids for h in catalog.version_rows(i)]
    return {
        "head": catalog.head(),
        "segments": catalog.segments(),
        "warcs": catalog.warcs(),
        "latest": catalog.latest(ids),
        "states": catalog.states(ids),
        "version_of": [catalog.version_of(i, d) for i in ids for d in digests],
        "withdrawal": [catalog.withdrawal(i) for i in ids],
        "capture": [catalog.capture(d) for d in captures if d],
        "captures": catalog.captures(d for d in captures if d),
        "locations": [catalog.version_location(i, v) for i in ids for v in (None, 1, 2, 3)],
        "history": [catalog.version_rows(i) for i in ids],
        "events": [catalog.event_location(seq) for seq in range(last + 2)],
        "version_count": catalog.version_count(),
        "changes": [
            list(catalog.changes(since, until, limit, f))
            for f in filters
            for since, until, limit in ((0, last, None), (3, last - 2, 4), (0, last, 0))
        ],
        "seq_at": [catalog.seq_at(m, inclusive=i) for m in moments for i in (False, True)],
        "search": [
            catalog.search(t, f, limit=limit, offset=offset)
            for t in (None, *texts)
            for f in filters
            for limit, offset in ((50, 0), (2, 1))
        ],
        "dated": [
            catalog.search(None, dated_from=a, dated_to=b)
            for a, b in (
                (None, "2024-06-01T12:00:00.000000Z"),
                ("2024-06-02T07:00:00.000000Z", None),
            )
        ],
        "facets": [catalog.facet_values(c) for c in ("source", "agency", "lang")],
        "kinds": [list(catalog.locations(k, 0, last)) for k in ("version", "event", "quarantine")],
        "quarantine": catalog.quarantine_rows(None),
        "quarantine_one": [
            catalog.quarantine_rows(r["qid"]) for r in catalog.quarantine_rows(None)
        ],
        "quarantine_at": [
            catalog.quarantine_location(r["qid"]) for r in catalog.quarantine_rows(None)
        ],
        "runs": [catalog.runs(), catalog.runs(last=2), catalog.runs(run="run-b")],
        "urls": list(catalog.url_states()),
        "url": [catalog.url_state(u) for u, _, _ in catalog.url_states()],
        "counts": catalog.counts(),
    }


def test_every_query_answers_as_sqlite_does_for_the_same_files(
    archive_dir: Path,
    pg_url: str,
    fill: Callable[[Store], None],
    make_item: Callable[..., Item],
) -> None:
    with Store.open(str(archive_dir)) as sqlite_store:
        assert isinstance(sqlite_store.catalog, SQLiteCatalog)
        _rich(sqlite_store, fill, make_item)
        expected = _answers(sqlite_store)
    assert expected["counts"]["events"] == 1
    assert expected["urls"]
    assert expected["dated"][0]
    assert expected["dated"][1]
    assert sum(map(len, expected["search"])) > 50
    # A new PostgreSQL catalog for the same files: opening indexes every segment.
    with Store.open(str(archive_dir), catalog=pg_url) as pg_store:
        assert isinstance(pg_store.catalog, PostgresCatalog)
        assert _answers(pg_store) == expected
        pg_store.reindex()
        assert _answers(pg_store) == expected
        result = verify(pg_store)
        assert result.ok, [str(f) for f in result.findings]


def test_the_words_of_a_search_mean_what_they_mean_to_fts5() -> None:
    assert ts_query("Wheat  exports") == "('wheat') & ('exports':*)"
    assert ts_query("Black-Sea café") == "('black' <-> 'sea') & ('cafe':*)"
    assert ts_query("it's") == "('it' <-> 's':*)"  # no quote of theirs reaches the query
    assert ts_query("— ?") == ""  # words without letters or digits: nothing matches
    assert ts_query("  ") is None  # no words at all: no text condition
    assert fts_query("  ") is None


def test_a_reader_neither_waits_for_a_writer_nor_sees_its_uncommitted_group(
    archive_dir: Path, pg_url: str, make_item: Callable[..., Item]
) -> None:
    item = make_item(1)
    with Store.open(str(archive_dir), catalog=pg_url) as store:
        store.put(item, Capture(orjson.dumps(item), "file:///in/1.json"), run="r", profile=PROFILE)
        with store.catalog.writing():
            changed = make_item(1, headline="Changed while a reader reads")
            store.put(changed, Capture(orjson.dumps(changed), "file:///in/2.json"), run="r",
                      profile=PROFILE)  # fmt: skip
            # A whole read-only open, catalog included, while the write lock is held.
            with Store.open(str(archive_dir), catalog=pg_url, readonly=True) as reader:
                assert reader.catalog.latest([item["uri"]])[item["uri"]][0] == 1
                assert [h["version"] for h in reader.history(item["uri"])] == [1]
        with Store.open(str(archive_dir), catalog=pg_url, readonly=True) as reader:
            assert [h["version"] for h in reader.history(item["uri"])] == [1, 2]


def test_a_second_writer_waits_for_the_lock_and_gives_up_after_its_timeout(pg_url: str) -> None:
    first = PostgresCatalog(pg_url)
    waiting = PostgresCatalog(pg_url, busy_timeout=0.3)
    trying = PostgresCatalog(pg_url, busy_timeout=0)
    try:
        with first.writing():
            with pytest.raises(CatalogBusy, match="locked by a writer"), waiting.writing():
                pass
            with pytest.raises(CatalogBusy, match="locked by a writer"), trying.writing():
                pass
        with waiting.writing():  # free again once the first writer commits
            assert waiting.head() == (0, 0)
    finally:
        for catalog in (first, waiting, trying):
            catalog.close()


def test_the_lock_goes_with_a_killed_writers_connection(pg_url: str) -> None:
    # A writer on another host that dies holding the lock must not stop the archive:
    # the server ends its session, and the transaction with the lock.
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                """
                import sys, time
                from wirearchive.archive.catalog_pg import PostgresCatalog
                catalog = PostgresCatalog(sys.argv[1])
                with catalog.writing():
                    print("locked", flush=True)
                    time.sleep(600)
                """
            ),
            pg_url,
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline() == "locked\n"
        other = PostgresCatalog(pg_url, busy_timeout=0)
        with pytest.raises(CatalogBusy), other.writing():
            pass
        holder.send_signal(signal.SIGKILL)
        holder.wait()
        other = PostgresCatalog(pg_url, busy_timeout=60)
        with other.writing():
            assert other.head() == (0, 0)
        other.close()
    finally:
        holder.kill()
        holder.wait()


#: One writer process: edits of one shared item and items of its own, in groups of two;
#: prints (version of the shared item, its cursor) for each edit, as JSON.
_WRITER = """
import json, sys
import orjson
from wirearchive.archive import Capture, Store
archive, catalog, writer, edits = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
found = []
with Store.open(archive, catalog=catalog) as store:
    for edit in range(edits):
        batch = store.writer(f"run-{writer}")
        shared = {"uri": "urn:x:shared", "type": "text",
                  "headlines": [{"role": "main", "value": f"Writer {writer}, edit {edit}"}]}
        own = {"uri": f"urn:x:{writer}-{edit}", "type": "text"}
        for item in (shared, own):
            batch.put(item, Capture(orjson.dumps(item), f"file:///{writer}/{edit}"), profile="p")
        outcome = batch.commit()[0]
        found.append((outcome.version, int(outcome.cursor)))
print(json.dumps(found))
"""


def test_writer_processes_on_one_archive_number_versions_without_gaps(
    archive_dir: Path, pg_url: str
) -> None:
    Store.open(str(archive_dir), catalog=pg_url).close()
    writers, edits = 4, 12
    # Separate processes with their own connections, as writers on separate hosts are.
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(archive_dir), pg_url, str(n), str(edits)],
            stdout=subprocess.PIPE,
            text=True,
        )
        for n in range(writers)
    ]
    done = []
    for process in processes:
        out, _ = process.communicate(timeout=300)
        assert process.returncode == 0
        done.append(orjson.loads(out))
    versions = sorted(v for results in done for v, _ in results)
    assert versions == list(range(1, writers * edits + 1))
    for results in done:  # each writer's own edits come in the order it made them
        assert [v for v, _ in results] == sorted(v for v, _ in results)
    with Store.open(str(archive_dir), catalog=pg_url) as store:
        history = store.history("urn:x:shared")
        assert [h["version"] for h in history] == versions
        assert [h["previous"] for h in history[1:]] == [h["digest"] for h in history[:-1]]
        numbers = [info.number for info in store.catalog.segments()]
        assert numbers == list(range(1, writers * edits + 1))
        summary = store.summary()
        assert summary["items"] == 1 + writers * edits
        assert summary["versions"] == 2 * writers * edits
        result = verify(store)
        assert result.ok, [str(f) for f in result.findings]
        assert store.reindex()["counts"] == summary


def test_a_read_only_open_cannot_write(archive_dir: Path, pg_url: str) -> None:
    Store.open(str(archive_dir), catalog=pg_url).close()
    catalog = open_catalog(pg_url, readonly=True)
    try:
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction), catalog.writing():
            catalog.clear()
        assert catalog.is_current()
    finally:
        catalog.close()


def test_a_new_archive_read_only_is_refused_and_nothing_is_made(
    tmp_path: Path, pg_url: str
) -> None:
    from wirearchive.archive import ArchiveError

    with pytest.raises(ArchiveError, match="no archive at"):
        Store.open(str(tmp_path / "none"), catalog=pg_url, readonly=True)
    with psycopg.connect(pg_url) as db:
        tables = db.execute("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()")
        assert tables.fetchone() == (0,)
    assert not (tmp_path / "none").exists()


def test_a_catalog_of_an_older_schema_is_rebuilt_on_open(
    archive_dir: Path, pg_url: str, make_item: Callable[..., Item]
) -> None:
    item = make_item(1)
    with Store.open(str(archive_dir), catalog=pg_url) as store:
        store.put(item, Capture(orjson.dumps(item), "file:///in/1.json"), run="r", profile=PROFILE)
    with psycopg.connect(pg_url) as db:
        db.execute("UPDATE meta SET value = '2' WHERE key = 'schema'")
        db.execute("DELETE FROM versions")
    with Store.open(str(archive_dir), catalog=pg_url) as reopened:
        assert reopened.catalog.version_count() == 1
        assert verify(reopened).ok


def test_open_catalog_picks_the_catalog_by_its_spec(tmp_path: Path, pg_url: str) -> None:
    for url in (pg_url, pg_url.replace("postgresql://", "postgres://", 1)):
        found = open_catalog(url)
        assert isinstance(found, PostgresCatalog)
        found.close()
    elsewhere = open_catalog(str(tmp_path / "elsewhere.sqlite"))
    assert isinstance(elsewhere, SQLiteCatalog)
    assert elsewhere.path == tmp_path / "elsewhere.sqlite"
    elsewhere.close()
    with pytest.raises(ValueError, match="no catalog for scheme 'mysql'"):
        open_catalog("mysql://127.0.0.1/db")


def test_a_server_that_refuses_is_a_clear_error_without_the_password(tmp_path: Path) -> None:
    url = "postgresql://someone:s3cret@127.0.0.1:1/db?connect_timeout=5"
    with pytest.raises(CatalogError, match="cannot connect to the catalog") as caught:
        Store.open(str(tmp_path / "a"), catalog=url)
    assert "s3cret" not in str(caught.value)
    assert "someone:***@127.0.0.1:1" in str(caught.value)
    err = io.StringIO()
    argv = ["ingest", "--archive", str(tmp_path / "b"), "--catalog", url, str(EXAMPLES)]
    assert run(argv, io.StringIO(), err) == 2
    assert "cannot connect to the catalog" in err.getvalue()
    assert "s3cret" not in err.getvalue()


def _cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = run(list(argv), out, err)
    return status, out.getvalue(), err.getvalue()


def test_the_commands_take_the_catalog_from_the_option_or_the_environment(
    tmp_path: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive = str(tmp_path / "archive")
    status, _, err = _cli("ingest", "--archive", archive, "--catalog", pg_url, "--workers", "1",
                          "--json", str(EXAMPLES))  # fmt: skip
    assert status in (0, 1), err
    assert not (tmp_path / "archive" / "catalog.sqlite").exists()
    status, out, err = _cli("summary", "--archive", archive, "--catalog", pg_url, "--json")
    assert status == 0, err
    summary = orjson.loads(out)["counts"]
    assert summary["versions"] > 5
    status, out, err = _cli("verify", "--archive", archive, "--catalog", pg_url, "--json")
    assert status == 0, (out, err)
    monkeypatch.setenv(CATALOG_ENV, pg_url)
    status, out, err = _cli("reindex", "--archive", archive, "--json")
    assert status == 0, err
    assert orjson.loads(out)["counts"] == summary
    status, out, err = _cli("export", "--archive", archive, "--json", "--limit", "3")
    assert status == 0, err
    assert len(orjson.loads(out)["records"]) == 3
    assert not (tmp_path / "archive" / "catalog.sqlite").exists()
