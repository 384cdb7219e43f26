"""The S3 backend against moto's server on 127.0.0.1: the backend's promises, the race
for a name (one winner, nothing lost), and a whole archive on object storage."""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import bagit
import orjson
import pytest
from wirearchive.archive import (
    BACKENDS,
    ArchiveError,
    Backend,
    Capture,
    Store,
    open_backend,
    verify,
)
from wirearchive.archive.bag import bag_archive
from wirearchive.archive.catalog import resolve_catalog
from wirearchive.archive.objectstore import (
    ObjectExistsError,
    ObjectStoreBackend,
    ObjectStoreError,
    s3_settings,
)
from wirearchive.crawler.cli import run

from tests._servers import S3_ELSEWHERE, S3Proxy, new_bucket, s3_environment

PROFILE = "wire-item-1.0"
EXAMPLES = Path(__file__).parents[2] / "examples"


@pytest.fixture
def bucket(s3_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """A new empty bucket, and the environment that points the backend at it."""
    for variable in S3_ELSEWHERE:
        monkeypatch.delenv(variable, raising=False)
    for variable, value in s3_environment(s3_endpoint).items():
        monkeypatch.setenv(variable, value)
    monkeypatch.delenv("WIREARCHIVE_CATALOG", raising=False)
    return new_bucket(s3_endpoint)


@pytest.fixture
def backend(bucket: str) -> ObjectStoreBackend:
    found = open_backend(f"s3://{bucket}/archive")
    assert isinstance(found, ObjectStoreBackend)
    return found


def _everything(bucket: str) -> list[str]:
    """Every key in the bucket, prefix and all: what a stray write would show up in."""
    return list(ObjectStoreBackend(bucket).names(""))


# -- the backend's promises -----------------------------------------------------------


def test_open_backend_gives_an_s3_backend(backend: ObjectStoreBackend) -> None:
    assert "s3" in BACKENDS
    assert isinstance(backend, Backend)
    assert backend.local_root is None
    assert backend.uri("log/a") == f"s3://{backend.bucket}/archive/log/a"


def test_create_stores_the_chunks_under_the_prefix(
    backend: ObjectStoreBackend, bucket: str
) -> None:
    assert backend.create("log/000000000001.jsonl", [b"ab", b"", b"cde"]) == 5
    assert backend.read("log/000000000001.jsonl") == b"abcde"
    assert backend.exists("log/000000000001.jsonl")
    assert backend.size("log/000000000001.jsonl") == 5
    assert _everything(bucket) == ["archive/log/000000000001.jsonl"]


def test_create_refuses_to_overwrite_and_names_the_object(
    backend: ObjectStoreBackend, bucket: str
) -> None:
    backend.create("a", [b"first"])
    with pytest.raises(ObjectExistsError, match=f"s3://{bucket}/archive/a: the object exists"):
        backend.create("a", [b"second"])
    with pytest.raises(FileExistsError):  # what the store relies on, as with files
        backend.create("a", [b"third"])
    assert backend.read("a") == b"first"


def test_a_put_retried_after_its_answer_was_lost_is_the_same_create(
    s3_endpoint: str, bucket: str
) -> None:
    with S3Proxy(s3_endpoint, lose="/archive/log/000000000001.jsonl") as proxy:
        backend = ObjectStoreBackend(bucket, "archive", environ=s3_environment(proxy.endpoint))
        # The client retries the 503; its retry finds the object its first try made, with
        # these very bytes: this create, done (not a race lost, and no second segment).
        assert backend.create("log/000000000001.jsonl", [b"segment"]) == 7
        assert proxy.lost == [f"/{bucket}/archive/log/000000000001.jsonl"]
        assert backend.read("log/000000000001.jsonl") == b"segment"
        # Other bytes under the name are another writer's: still refused.
        with pytest.raises(ObjectExistsError):
            backend.create("log/000000000001.jsonl", [b"another"])
        with pytest.raises(ObjectExistsError):
            backend.create("log/000000000001.jsonl", [b"segmenT"])  # same size, other bytes


def test_a_segment_whose_answer_was_lost_is_archived_once(
    s3_endpoint: str,
    bucket: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    make_item: Callable[..., dict[str, Any]],
    make_capture: Callable[..., Capture],
) -> None:
    with S3Proxy(s3_endpoint, lose="/lossy/log/000000000001.jsonl") as proxy:
        monkeypatch.setenv("WIREARCHIVE_S3_ENDPOINT", proxy.endpoint)
        with Store.open(f"s3://{bucket}/lossy", catalog=str(tmp_path / "c.sqlite")) as store:
            item = make_item(1)
            outcome = store.put(item, make_capture(item), run="run-a", profile=PROFILE)
            assert (outcome.status, outcome.version) == ("new", 1)
            assert proxy.lost  # the segment's 200 never reached the client
            assert store.summary()["segments"] == 1
            assert [record["id"] for record in store.changes()] == [item["uri"]]
            assert verify(store).ok


def test_a_record_or_its_capture_costs_one_round_trip_each(
    s3_endpoint: str,
    bucket: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    make_item: Callable[..., dict[str, Any]],
    make_capture: Callable[..., Capture],
) -> None:
    """A read of a known range is one GET, not a HEAD for the size first: on a store
    20 ms away, a served capture is two round trips (record, WARC record), not six."""
    with S3Proxy(s3_endpoint) as proxy:
        monkeypatch.setenv("WIREARCHIVE_S3_ENDPOINT", proxy.endpoint)
        with Store.open(f"s3://{bucket}/trips", catalog=str(tmp_path / "c.sqlite")) as store:
            item = make_item(1)
            store.put(item, make_capture(item), run="run-a", profile=PROFILE)
            proxy.seen.clear()
            assert store.get(item["uri"]) is not None
            assert [method for method, _ in proxy.seen] == ["GET"]
            proxy.seen.clear()
            assert store.raw(item["uri"]) == make_capture(item).data
            methods = [(method, path.rsplit("/", 2)[-2]) for method, path in proxy.seen]
            assert methods == [("GET", "log"), ("GET", "warc")]


def test_create_is_all_or_nothing_when_the_chunks_fail(
    backend: ObjectStoreBackend, bucket: str
) -> None:
    def chunks() -> Iterator[bytes]:
        yield b"half of it"
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        backend.create("warc/1.warc.gz", chunks())
    with pytest.raises(OSError, match="disk full"):
        backend.replace("warc/1.warc.gz", chunks())
    assert not backend.exists("warc/1.warc.gz")
    assert _everything(bucket) == []
    assert backend.discard_incomplete() == []


def test_replace_overwrites_whole(backend: ObjectStoreBackend) -> None:
    assert backend.replace("runs/r.json", [b"a much longer first version"]) == 27
    assert backend.replace("runs/r.json", [b"short"]) == 5
    assert backend.read("runs/r.json") == b"short"
    assert list(backend.names("runs/")) == ["runs/r.json"]


def test_ranged_read_and_open(backend: ObjectStoreBackend) -> None:
    backend.create("data", [b"0123456789"])
    assert backend.read("data") == b"0123456789"
    assert backend.read("data", 3) == b"3456789"
    assert backend.read("data", 3, 4) == b"3456"
    assert backend.read("data", 0, 2) == b"01"
    assert backend.read("data", 8, 100) == b"89"
    assert backend.read("data", 10) == b""
    assert backend.read("data", 4, 0) == b""
    with backend.open("data") as stream:
        stream.seek(5)
        assert stream.read(2) == b"56"
        assert stream.tell() == 7
        stream.seek(-1, io.SEEK_END)
        assert stream.read() == b"9"
        assert stream.read() == b""
        stream.seek(1)
        assert stream.readline() == b"123456789"


def test_open_streams_a_large_object_by_ranges(backend: ObjectStoreBackend) -> None:
    """Reads far into a 3 MiB object come back right without reading it from the start."""
    blob = bytes(range(256)) * (3 * 4096)
    backend.create("warc/big.warc", [blob])
    with backend.open("warc/big.warc") as stream:
        stream.seek(2_500_000)
        assert stream.read(1000) == blob[2_500_000:2_501_000]
        stream.seek(10)
        assert stream.read(5) == blob[10:15]
        stream.seek(0)
        assert stream.read() == blob


def test_missing_objects(backend: ObjectStoreBackend) -> None:
    assert not backend.exists("nope")
    with pytest.raises(FileNotFoundError, match="no such object") as caught:
        backend.read("nope")
    assert caught.value.filename == f"s3://{backend.bucket}/archive/nope"
    with pytest.raises(FileNotFoundError, match="no such object"):
        backend.read("nope", 3, 4)
    with pytest.raises(FileNotFoundError, match="no such object"):
        backend.size("nope")
    with pytest.raises(FileNotFoundError, match="no such object"), backend.open("nope") as stream:
        stream.read(1)  # at the first read: opening asks nothing of the store


def test_names_are_sorted_recursive_and_stay_in_the_prefix(
    backend: ObjectStoreBackend, bucket: str
) -> None:
    for name in ["log/000000000002.jsonl", "warc/b", "log/000000000001.jsonl", "warc/a", "z"]:
        backend.create(name, [b"x"])
    backend.create("log/sub/c", [b"x"])
    ObjectStoreBackend(bucket, "archive-other").create("log/elsewhere", [b"x"])
    ObjectStoreBackend(bucket, "").create("logbook", [b"x"])
    assert list(backend.names("log/")) == [
        "log/000000000001.jsonl",
        "log/000000000002.jsonl",
        "log/sub/c",
    ]
    assert list(backend.names("warc/")) == ["warc/a", "warc/b"]
    assert list(backend.names("")) == [
        "log/000000000001.jsonl",
        "log/000000000002.jsonl",
        "log/sub/c",
        "warc/a",
        "warc/b",
        "z",
    ]
    assert list(backend.names("runs/")) == []


def test_delete_is_idempotent(backend: ObjectStoreBackend, bucket: str) -> None:
    backend.create("a/b", [b"x"])
    backend.delete("a/b")
    assert not backend.exists("a/b")
    backend.delete("a/b")
    assert _everything(bucket) == []


@pytest.mark.parametrize("name", ["", "../x", "a/../../x", "..", ".", "a//b", "/abs", "a/", "./a"])
def test_bad_names_are_rejected(backend: ObjectStoreBackend, bucket: str, name: str) -> None:
    for call in (
        lambda: backend.create(name, [b"x"]),
        lambda: backend.replace(name, [b"x"]),
        lambda: backend.read(name),
        lambda: backend.exists(name),
        lambda: backend.delete(name),
        lambda: backend.open(name),
    ):
        with pytest.raises(ValueError, match="bad object name"):
            call()
    assert _everything(bucket) == []


def test_store_failures_name_the_object(bucket: str, tmp_path: Path) -> None:
    missing = ObjectStoreBackend(f"{bucket}-gone", "archive")
    with pytest.raises(ObjectStoreError, match="no such bucket") as caught:
        missing.create("a", [b"x"])
    assert caught.value.filename == f"s3://{bucket}-gone/archive/a"
    with pytest.raises(ObjectStoreError) as listing:
        list(missing.names("log/"))
    assert str(listing.value).startswith(f"s3://{bucket}-gone/archive/log: ")
    status, _, err = _cli(
        "ingest",
        "--archive",
        f"s3://{bucket}-gone/archive",
        "--catalog",
        str(tmp_path / "c.sqlite"),
        str(EXAMPLES / "wire-feed.jsonl"),
    )
    assert status == 2
    assert "wirearchive: s3://" in err
    assert "no such bucket" in err
    assert len(err.splitlines()) == 1  # one line, not obstore's dump of the request


# -- settings ---------------------------------------------------------------------------


def test_settings_come_from_the_environment() -> None:
    config, allow_http = s3_settings(
        {
            "AWS_ENDPOINT_URL": "http://127.0.0.1:9000",
            "AWS_DEFAULT_REGION": "eu-north-1",
            "AWS_ACCESS_KEY_ID": "key",
            "AWS_SECRET_ACCESS_KEY": "secret",
        }
    )
    assert config == {
        "endpoint": "http://127.0.0.1:9000",
        "region": "eu-north-1",
        "access_key_id": "key",
        "secret_access_key": "secret",
    }
    assert allow_http
    config, allow_http = s3_settings(
        {"WIREARCHIVE_S3_ENDPOINT": "http://minio.internal:9000", "AWS_ENDPOINT_URL": "x"}
    )
    assert config == {"endpoint": "http://minio.internal:9000"}
    assert not allow_http  # plain HTTP to another host only when asked for
    assert s3_settings({"AWS_ENDPOINT_URL": "http://s3.lan", "WIREARCHIVE_S3_ALLOW_HTTP": "1"})[1]


@pytest.mark.parametrize(
    ("uri", "message"),
    [
        ("s3:///prefix", "s3://bucket/prefix"),
        ("s3://bucket/p?region=x", "from the environment"),
    ],
)
def test_bad_s3_uris_are_named(uri: str, message: str) -> None:
    with pytest.raises(ValueError, match=message) as caught:
        open_backend(uri)
    assert uri in str(caught.value)


# -- the race ---------------------------------------------------------------------------


def test_racing_writers_one_winner_per_object_nothing_lost(
    backend: ObjectStoreBackend, bucket: str
) -> None:
    """Eight writers, each with its own client, create the same 25 names at once."""
    writers, names = 8, [f"log/{n:012d}.jsonl" for n in range(1, 26)]
    start = threading.Barrier(writers)

    def body(w: int, name: str) -> bytes:
        return f"writer {w} wrote {name}\n".encode() * 200

    def write(w: int) -> tuple[list[str], list[str]]:
        own = open_backend(f"s3://{bucket}/archive")
        won, refused = [], []
        start.wait()
        for name in names:
            try:
                own.create(name, [body(w, name)])
            except ObjectExistsError as exc:
                refused.append(exc.uri)
            else:
                won.append(name)
        return won, refused

    with ThreadPoolExecutor(writers) as pool:
        results = list(pool.map(write, range(writers)))  # a writer's error is raised here
    winners = {name: [w for w, (won, _) in enumerate(results) if name in won] for name in names}
    assert all(len(found) == 1 for found in winners.values()), winners
    for won, refused in results:  # every attempt won, or was refused naming its object
        assert (
            sorted(won + [uri.removeprefix(f"s3://{bucket}/archive/") for uri in refused]) == names
        )
    assert list(backend.names("log/")) == names  # nothing lost, nothing extra
    for name, (w,) in winners.items():
        assert backend.read(name) == body(w, name)


# -- a whole archive on object storage ----------------------------------------------------


def _cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = run(list(argv), out, err)
    return status, out.getvalue(), err.getvalue()


def test_ingest_verify_and_reindex_an_s3_archive(bucket: str, tmp_path: Path) -> None:
    archive, catalog = f"s3://{bucket}/wire", str(tmp_path / "catalog.sqlite")
    status, out, err = _cli(
        "ingest", "--archive", archive, "--catalog", catalog, "--json", str(EXAMPLES)
    )
    assert status == 0, err
    assert orjson.loads(out)["new"] > 0
    names = list(ObjectStoreBackend(bucket, "wire").names(""))
    assert any(name.startswith("log/") for name in names)
    assert any(name.startswith("warc/") for name in names)
    assert not (tmp_path / "log").exists()  # only the catalog is local

    status, out, err = _cli("verify", "--archive", archive, "--catalog", catalog, "--json")
    assert status == 0, out + err
    status, out, err = _cli("summary", "--archive", archive, "--catalog", catalog, "--json")
    assert status == 0, err
    summary = orjson.loads(out)["counts"]
    assert summary["versions"] > 0
    # The same inputs in a directory archive give the same counts.
    local = str(tmp_path / "local")
    assert _cli("ingest", "--archive", local, "--json", str(EXAMPLES))[0] == 0
    assert orjson.loads(_cli("summary", "--archive", local, "--json")[1])["counts"] == summary

    # The objects alone rebuild the same catalog, in a new place and in the old one.
    fresh = str(tmp_path / "fresh" / "catalog.sqlite")
    status, out, err = _cli("reindex", "--archive", archive, "--catalog", fresh, "--json")
    assert status == 0, out + err
    assert orjson.loads(out)["counts"] == summary
    status, out, err = _cli("reindex", "--archive", archive, "--catalog", catalog, "--json")
    assert orjson.loads(out)["counts"] == summary

    # `show` reads a record back through ranged GETs; `export` streams every version.
    with Store.open(archive, readonly=True, catalog=fresh) as store:
        first = next(iter(store.changes()))
    status, out, err = _cli("show", first["id"], "--archive", archive, "--catalog", fresh)
    assert status == 0, err
    assert first["id"] in out
    status, out, err = _cli("export", "--archive", archive, "--catalog", fresh)
    assert status == 0, err
    assert len(out.splitlines()) == summary["versions"]


def test_the_default_catalog_is_a_cache_folder_per_archive(
    bucket: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    archive = f"s3://{bucket}/wire"
    where = Path(resolve_catalog(None, archive, None))
    assert where.parent.parent == tmp_path / "cache" / "wirearchive"
    assert where.name == "catalog.sqlite"
    assert Path(resolve_catalog(None, f"s3://{bucket}/other", None)) != where
    status, _, err = _cli("ingest", "--archive", archive, str(EXAMPLES / "wire-feed.jsonl"))
    assert status == 0, err
    assert where.is_file()
    # Another host, with no catalog yet, reads the archive: its catalog is built from the
    # objects before anything is read.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "other-host"))
    status, out, err = _cli("summary", "--archive", archive, "--json")
    assert status == 0, err
    assert orjson.loads(out)["counts"]["versions"] > 0
    monkeypatch.setenv("WIREARCHIVE_CATALOG", str(tmp_path / "env.sqlite"))
    assert resolve_catalog(None, archive, None) == str(tmp_path / "env.sqlite")
    assert resolve_catalog("given.sqlite", archive, None) == "given.sqlite"


def test_an_empty_prefix_is_no_archive(bucket: str, tmp_path: Path) -> None:
    with pytest.raises(ArchiveError, match=f"no archive at s3://{bucket}/nothing"):
        Store.open(f"s3://{bucket}/nothing", readonly=True, catalog=str(tmp_path / "c.sqlite"))
    assert not (tmp_path / "c.sqlite").exists()


def test_hosts_take_turns_writing_each_with_its_own_catalog(
    bucket: str,
    tmp_path: Path,
    fill: Callable[[Store], None],
    make_item: Callable[..., dict[str, Any]],
    make_capture: Callable[..., Capture],
) -> None:
    """A second host's catalog catches up from the objects before it writes its own group,
    and the first host's catches up with that one: neither overwrites the other."""
    archive = f"s3://{bucket}/shared"
    with Store.open(archive, catalog=str(tmp_path / "a.sqlite")) as first:
        fill(first)
        before = first.summary()
    with Store.open(archive, catalog=str(tmp_path / "b.sqlite")) as second:
        assert second.summary() == before
        item = make_item(7)
        outcome = second.put(item, make_capture(item), run="run-c", profile=PROFILE)
        assert (outcome.status, outcome.version) == ("new", 1)
        after = second.summary()
        assert second.raw(item["uri"]) == make_capture(item).data
    with Store.open(archive, readonly=True, catalog=str(tmp_path / "a.sqlite")) as first:
        assert first.summary() == after  # caught up with the other host's segment
        assert verify(first).ok
    assert after["segments"] == before["segments"] + 1


@pytest.fixture
def filled(bucket: str, tmp_path: Path, fill: Callable[[Store], None]) -> tuple[str, str]:
    """A filled archive on the bucket (six segments, three WARC files, two run manifests):
    its location and its catalog."""
    archive, catalog = f"s3://{bucket}/filled", str(tmp_path / "a.sqlite")
    with Store.open(archive, catalog=catalog) as store:
        fill(store)
    return archive, catalog


def test_an_archive_on_object_storage_is_bagged_like_a_folder(
    bucket: str, tmp_path: Path, filled: tuple[str, str]
) -> None:
    archive, catalog = filled
    with Store.open(archive, readonly=True, catalog=catalog) as store:
        before = store.summary()
        result = bag_archive(store, tmp_path / "bag", location=archive)
    bag = bagit.Bag(str(tmp_path / "bag"))
    bag.validate()
    assert bag.info["External-Identifier"] == archive
    assert (result.segments, result.warcs, result.runs) == (6, 3, 2)
    backend = ObjectStoreBackend(bucket, "filled")
    names = list(backend.names(""))
    assert len(names) == 6 + 3 + 2
    for name in names:  # every object, byte for byte, under data/
        assert (tmp_path / "bag" / "data" / name).read_bytes() == backend.read(name)
    with Store.open(
        str(tmp_path / "bag" / "data"), readonly=True, catalog=str(tmp_path / "b.sqlite")
    ) as copy:
        assert copy.summary() == before


def test_an_archive_on_object_storage_is_served_by_a_pool_of_readers(
    filled: tuple[str, str],
) -> None:
    from wirearchive.downstream.http import READERS, default_readers
    from wirearchive.downstream.reader import open_archive

    archive, catalog = filled
    opened = open_archive(archive, catalog=catalog)
    try:
        assert default_readers(opened, catalog) == READERS
    finally:
        opened.close()
