"""Fixtures for the archive tests: valid ninjs items, and archives to put them in."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from wirearchive.archive import Capture, Store
from wirearchive.archive.catalog import CATALOG_ENV

PROFILE = "wire-item-1.0"
STANDARD = {
    "name": "ninjs",
    "version": "3.1",
    "schema": "http://www.iptc.org/std/ninjs/ninjs-schema_3.1.json",
}


def _item(
    n: int = 1,
    headline: str = "Wheat exports from the Black Sea region rise for a third month",
    body: str = "Exports of wheat rose for a third straight month in May.\nTraders said so.",
    **fields: Any,
) -> dict[str, Any]:
    """A valid profile item; `n` picks its uri, keyword arguments add or replace fields."""
    item: dict[str, Any] = {
        "uri": f"urn:newsml:example.org:20240529:item-{n}",
        "type": "text",
        "version": "1",
        "firstCreated": "2024-05-29T07:02:11Z",
        "versionCreated": "2024-05-29T07:02:11Z",
        "language": "en",
        "located": "London",
        "headlines": [{"role": "main", "value": headline}],
        "bodies": [{"role": "main", "contentType": "text/plain", "value": body}],
        "infoSources": [{"name": "Example Wire", "role": "source"}],
        "standard": dict(STANDARD),
    }
    item.update(fields)
    return item


def _capture(item: dict[str, Any], extra: bytes = b"") -> Capture:
    """The item's JSON as raw input bytes, from a file URI named after the item."""
    name = item["uri"].rsplit(":", 1)[-1]
    return Capture(
        orjson.dumps(item) + extra, f"file:///in/{name}.json", media_type="application/json"
    )


BAD_BYTES = b'{"uri": "urn:newsml:example.org:bad", "headlines": [\n'
BAD_REPORT: dict[str, Any] = {
    "valid": False,
    "errors": [{"path": "$", "rule": "json.truncated", "message": "the document ends early"}],
}


def _fill(store: Store) -> None:
    """A small archive with every kind of log entry, over six segments and three WARC files.

    1: item-1 v1, item-2 v1 (run-a)    2: item-1 v2 (run-a)
    3: item-2 seen again, a quarantined input (run-a)
    4: item-1 v2 seen again with a new versionCreated, the same bad input again (run-b)
    5, 6: the manifests of run-a and run-b
    """
    first, second = _item(1), _item(2)
    changed = _item(1, headline="Wheat exports from the Black Sea region rise again")
    writer = store.writer("run-a", source="test-feed")
    writer.put(first, _capture(first), profile=PROFILE)
    writer.put(second, _capture(second), profile=PROFILE)
    writer.commit()
    store.put(changed, _capture(changed), run="run-a", profile=PROFILE)
    writer = store.writer("run-a")
    writer.put(second, _capture(second, b"\n"), profile=PROFILE)
    writer.quarantine(
        capture=Capture(BAD_BYTES, "file:///in/bad.json"), report=BAD_REPORT, path="bad.json"
    )
    writer.commit()
    again = dict(changed, versionCreated="2024-05-30T08:00:00Z")
    writer = store.writer("run-b")
    writer.put(again, _capture(again), profile=PROFILE)
    writer.quarantine(
        capture=Capture(BAD_BYTES, "file:///in/bad.json"), report=BAD_REPORT, path="bad.json"
    )
    writer.commit()
    store.finish_run({"run": "run-a", "status": "finished", "items": 4})
    store.finish_run({"run": "run-b", "status": "finished", "items": 2})


@pytest.fixture(scope="session")
def make_item() -> Callable[..., dict[str, Any]]:
    return _item


@pytest.fixture(scope="session")
def make_capture() -> Callable[..., Capture]:
    return _capture


@pytest.fixture(scope="session")
def fill() -> Callable[[Store], None]:
    return _fill


@pytest.fixture
def archive_dir(tmp_path: Path) -> Path:
    return tmp_path / "archive"


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run each test that asks for `catalog_spec` (every one using `store`) against both
    catalogs, but for tests of the SQLite catalog itself (marked ``sqlite_catalog``)."""
    if "catalog_spec" in metafunc.fixturenames:
        only_sqlite = metafunc.definition.get_closest_marker("sqlite_catalog") is not None
        kinds = ["sqlite"] if only_sqlite else ["sqlite", "postgresql"]
        metafunc.parametrize("catalog_spec", kinds, indirect=True)


@pytest.fixture
def catalog_spec(request: pytest.FixtureRequest) -> Iterator[str | None]:
    """The catalog the test's archives use: None (SQLite, in the archive) or the URL of a
    fresh PostgreSQL schema, set as $WIREARCHIVE_CATALOG so that every `Store.open` of
    the test, and every command it runs, uses it. (Its own MonkeyPatch: a test's
    ``monkeypatch.undo()`` must not switch catalogs half-way.)"""
    with pytest.MonkeyPatch.context() as patch:
        if getattr(request, "param", "sqlite") == "sqlite":
            patch.delenv(CATALOG_ENV, raising=False)
            yield None
            return
        url: str = request.getfixturevalue("postgres_server").new_schema()
        patch.setenv(CATALOG_ENV, url)
        yield url


@pytest.fixture
def store(archive_dir: Path, catalog_spec: str | None) -> Iterator[Store]:
    opened = Store.open(str(archive_dir))
    yield opened
    opened.close()
