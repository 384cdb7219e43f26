"""The read-only HTTP API: every route, its errors and rule codes, caching, Memento."""

from __future__ import annotations

import json
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from fastapi.testclient import TestClient
from wirearchive.archive import ArchiveError, Store
from wirearchive.downstream import memento
from wirearchive.downstream._web import Access
from wirearchive.downstream.http import READERS, RULES, create_app, default_readers
from wirearchive.downstream.reader import Archive, open_archive

from ._archives import ingest
from ._served import CORRECTED, FIRST, PAGE, SECOND, UPDATED, build, serving


@pytest.fixture(scope="module")
def location(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("web"))


@pytest.fixture(scope="module")
def client(location: Path) -> TestClient:
    return TestClient(create_app(str(location)))


def _enc(item_id: str) -> str:
    return quote(item_id, safe="")


def _error(response: httpx.Response, status: int, rule: str) -> str:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["rule"] == rule
    assert rule in RULES
    assert RULES[rule][0] == status
    message: str = body["error"]["message"]
    assert message
    return message


# -- items ------------------------------------------------------------------------------


@pytest.mark.parametrize("item_id", [UPDATED, PAGE])
@pytest.mark.parametrize("encoded", [False, True], ids=["as-is", "percent-encoded"])
def test_an_item_is_found_by_its_id_either_way(
    client: TestClient, item_id: str, encoded: bool
) -> None:
    path = _enc(item_id) if encoded else item_id
    record = client.get(f"/api/items/{path}").json()
    assert record["id"] == item_id
    versions = client.get(f"/api/items/{path}/history").json()["versions"]
    assert record["version"] == versions[-1]["version"]
    assert record["digest"] == versions[-1]["digest"]
    one = client.get(f"/api/items/{path}/versions/1")
    assert one.status_code == 200
    assert one.json()["version"] == 1


def test_latest_version_and_version_query(client: TestClient) -> None:
    latest = client.get(f"/api/items/{UPDATED}").json()
    assert latest["version"] == 2
    assert latest["item"]["headlines"][0]["value"].endswith(CORRECTED)
    first = client.get(f"/api/items/{UPDATED}", params={"version": 1}).json()
    assert first["version"] == 1
    assert latest["previous"] == first["digest"]
    assert first == client.get(f"/api/items/{UPDATED}/versions/1").json()


def test_history_lists_both_versions_oldest_first(client: TestClient) -> None:
    body = client.get(f"/api/items/{_enc(UPDATED)}/history").json()
    assert body["id"] == UPDATED
    assert [v["version"] for v in body["versions"]] == [1, 2]
    assert [v["archivedAt"] for v in body["versions"]] == [FIRST, SECOND]


def test_diff_names_the_changed_headline(client: TestClient) -> None:
    changes = client.get(f"/api/items/{UPDATED}/diff", params={"a": 1, "b": 2}).json()
    assert (changes["from"], changes["to"]) == (1, 2)
    paths = {c["path"]: c for c in changes["changed"]}
    assert paths["$.headlines[0].value"]["to"].endswith(CORRECTED)
    assert "+Adds a <script>" in changes["body"]


def test_capture_is_the_raw_bytes_with_their_media_type(client: TestClient, location: Path) -> None:
    response = client.get(f"/api/items/{_enc(PAGE)}/versions/1/capture")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    with Store.open(str(location), readonly=True) as store:
        assert response.content == store.raw(PAGE, 1)
    # Hostile bytes never run in the browser's origin.
    assert "sandbox" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"


def test_unknown_items_and_versions_are_404_archive_not_found(client: TestClient) -> None:
    for path in (
        "/api/items/urn:x:nothing",
        f"/api/items/{_enc('https://nowhere.example/a/b')}",
        f"/api/items/{UPDATED}/versions/3",
        f"/api/items/{UPDATED}?version=9",
        f"/api/items/{UPDATED}/versions/9/capture",
        "/api/items/urn:x:nothing/history",
        f"/api/items/{UPDATED}/diff?a=1&b=7",
        "/timemap/link/urn:x:nothing",
        "/timegate/urn:x:nothing",
    ):
        message = _error(client.get(path), 404, "archive.not-found")
        assert "urn:x:nothing" in message or "nowhere" in message or UPDATED in message


def test_bad_parameters_are_400_with_the_parameter_named(client: TestClient) -> None:
    message = _error(
        client.get(f"/api/items/{UPDATED}/versions/two"), 400, "request.invalid-parameter"
    )
    assert "n" in message
    message = _error(client.get(f"/api/items/{UPDATED}/diff?a=1"), 400, "request.invalid-parameter")
    assert "b" in message
    message = _error(client.get("/api/changes?limit=0"), 400, "request.invalid-parameter")
    assert "limit" in message


def test_unknown_address_is_404_no_route(client: TestClient) -> None:
    _error(client.get("/api/nothing-here"), 404, "request.no-route")


# -- caching ------------------------------------------------------------------------------


def test_a_version_has_its_digest_as_etag_and_a_conditional_get_is_304(
    client: TestClient,
) -> None:
    response = client.get(f"/api/items/{UPDATED}/versions/1")
    etag = response.headers["etag"]
    assert etag == f'"{response.json()["digest"]}"'
    assert response.headers["cache-control"] == "public, no-cache"  # see the withdrawal test
    again = client.get(f"/api/items/{UPDATED}/versions/1", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    other = client.get(f"/api/items/{UPDATED}/versions/2", headers={"If-None-Match": etag})
    assert other.status_code == 200
    # The latest is revalidated, not cached for good: it changes with the next version.
    latest = client.get(f"/api/items/{UPDATED}")
    assert "immutable" not in latest.headers["cache-control"]
    assert latest.headers["etag"] == f'"{latest.json()["digest"]}"'
    assert (
        client.get(
            f"/api/items/{UPDATED}", headers={"If-None-Match": f'W/"x", {latest.headers["etag"]}'}
        ).status_code
        == 304
    )


def test_a_withdrawal_reaches_a_cached_version_at_its_next_revalidation(
    tmp_path: Path,
) -> None:
    location = build(tmp_path)
    versions = f"/api/items/{UPDATED}/versions"
    with TestClient(create_app(str(location))) as before:
        cached = before.get(f"{versions}/1")
        latest = before.get(f"/api/items/{UPDATED}").json()
        capture = before.get(f"{versions}/1/capture").content
    # What a cache may keep, but never serve again without asking.
    assert "immutable" not in cached.headers["cache-control"]
    assert "no-cache" in cached.headers["cache-control"]
    notice = {
        "uri": UPDATED,
        "type": "text",
        "version": "9",
        "pubStatus": "canceled",
        "versionCreated": "2024-05-30T00:00:00Z",  # after both versions
        "language": latest["item"]["language"],
        "headlines": [{"role": "main", "value": "KILL: story withdrawn"}],
        "standard": latest["item"]["standard"],
    }
    (tmp_path / "kill.json").write_text(json.dumps(notice))
    assert ingest(location, tmp_path / "kill.json")["counts"] == {
        "new": 0, "updated": 1, "unchanged": 0, "quarantined": 0, "failed": 0, "skipped": 0,
    }  # fmt: skip
    with TestClient(create_app(str(location))) as after:
        etag = cached.headers["etag"]
        again = after.get(f"{versions}/1", headers={"If-None-Match": etag})
        assert again.status_code == 200  # not a 304: the cached copy lacks the withdrawal
        assert again.json()["withdrawn"]["pubStatus"] == "canceled"
        assert again.headers["etag"] != etag
        assert after.get(f"{versions}/1/capture").content == capture
        fresh = after.get(f"{versions}/1", headers={"If-None-Match": again.headers["etag"]})
        assert fresh.status_code == 304


def test_a_conditional_get_of_a_capture_reads_no_warc(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"/api/items/{PAGE}/versions/1/capture"
    etag = client.get(url).headers["etag"]

    def unread(self: Archive, facts: dict[str, Any]) -> bytes:
        raise AssertionError("the WARC record was read for a 304")

    monkeypatch.setattr(Archive, "capture_of", unread)
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304


def test_capture_etag_is_its_sha256(client: TestClient) -> None:
    record = client.get(f"/api/items/{PAGE}/versions/1").json()
    url = f"/api/items/{PAGE}/versions/1/capture"
    response = client.get(url)
    assert response.headers["etag"] == f'"{record["provenance"]["capture"]["sha256"]}"'
    assert "immutable" in response.headers["cache-control"]  # the bytes never change
    assert client.get(url, headers={"If-None-Match": response.headers["etag"]}).status_code == 304


# -- the feed and search ------------------------------------------------------------------


def test_changes_pages_through_every_version_with_its_cursor(client: TestClient) -> None:
    seen: list[tuple[str, int]] = []
    cursor = None
    while True:
        params: dict[str, str | int] = {"limit": 4}
        if cursor is not None:
            params["since"] = cursor
        body = client.get("/api/changes", params=params).json()
        seen.extend((r["id"], r["version"]) for r in body["records"])
        if not body["records"]:
            break
        assert body["next"] != cursor
        cursor = body["next"]
    assert (UPDATED, 1) in seen
    assert seen[-1] == (UPDATED, 2)
    assert len(seen) == len(set(seen))
    assert client.get("/api/changes", params={"since": cursor}).json()["records"] == []


def test_changes_since_a_time_and_by_language(client: TestClient) -> None:
    later = client.get("/api/changes", params={"since": "2026-01-11T00:00:00Z"}).json()
    assert [(r["id"], r["version"]) for r in later["records"]] == [(UPDATED, 2)]
    russian = client.get("/api/changes", params={"language": "ru"}).json()["records"]
    assert russian
    assert {r["item"]["language"].split("-")[0] for r in russian} == {"ru"}


def test_bad_cursors_are_400_bad_cursor(client: TestClient) -> None:
    _error(client.get("/api/changes", params={"since": "soon"}), 400, "request.bad-cursor")
    _error(client.get("/api/changes", params={"since": "999999"}), 400, "request.bad-cursor")


def test_search_finds_by_headline_and_filters(client: TestClient) -> None:
    hits = client.get("/api/search", params={"q": "corrected"}).json()["hits"]
    assert [(h["id"], h["version"]) for h in hits] == [(UPDATED, 2)]
    russian = client.get("/api/search", params={"language": "ru"}).json()["hits"]
    assert PAGE in {h["id"] for h in russian}
    assert all(h["language"].startswith("ru") for h in russian)
    none = client.get("/api/search", params={"q": "wheat", "language": "de"}).json()["hits"]
    assert none == []
    dated = client.get(
        "/api/search", params={"since": "2024-05-29", "until": "2024-05-29T23:59:59Z"}
    ).json()["hits"]
    assert UPDATED in {h["id"] for h in dated}
    assert all(h["dated"].startswith("2024-05-29") for h in dated)


def test_search_with_a_bad_date_is_400(client: TestClient) -> None:
    _error(client.get("/api/search", params={"since": "last spring"}), 400, "request.bad-time")


# -- quarantine, runs, summary ------------------------------------------------------------


def test_quarantine_lists_the_bad_input_and_shows_its_reasons(client: TestClient) -> None:
    [entry] = client.get("/api/quarantine").json()["entries"]
    assert entry["path"].endswith("bad.json")
    assert entry["rule"] == "schema.required"
    full = client.get(f"/api/quarantine/{entry['qid']}").json()
    assert full["qid"] == entry["qid"]
    assert {e["rule"] for e in full["report"]["errors"]} == {"schema.required"}
    raw = client.get(f"/api/quarantine/{entry['qid']}/capture")
    assert raw.content.startswith(b'{"uri": "urn:x:bad"')
    _error(client.get("/api/quarantine/q-nothing"), 404, "archive.not-found")


def test_runs_and_summary(client: TestClient) -> None:
    runs = client.get("/api/runs").json()["runs"]
    assert len(runs) == 2
    # Both runs may start in the same second: tell them apart by what they did.
    [first] = [r for r in runs if r["counts"]["new"] >= 10]
    [second] = [r for r in runs if r["counts"]["updated"] == 1]
    assert second["counts"]["quarantined"] == 1
    assert client.get(f"/api/runs/{second['run']}").json() == second
    assert client.get(f"/api/runs/{first['run']}").json() == first
    assert client.get("/api/runs", params={"last": 1}).json()["runs"] == [runs[-1]]
    _error(client.get("/api/runs/run-nothing"), 404, "archive.not-found")
    summary = client.get("/api/summary").json()
    assert summary["counts"]["quarantined"] == 1
    assert summary["counts"]["versions"] == summary["counts"]["items"] + 1
    assert [r["run"] for r in summary["runs"]] == [r["run"] for r in runs]


# -- read only ----------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
@pytest.mark.parametrize(
    "path", [f"/api/items/{UPDATED}", "/api/changes", "/api/quarantine", "/", "/nowhere"]
)
def test_no_method_but_get_and_head(client: TestClient, method: str, path: str) -> None:
    response = client.request(method, path, content=b"{}")
    _error(response, 405, "request.method-not-allowed")
    assert response.headers["allow"] == "GET, HEAD"


def test_head_is_get_without_a_body(client: TestClient) -> None:
    got = client.get(f"/api/items/{UPDATED}/versions/2")
    head = client.head(f"/api/items/{UPDATED}/versions/2")
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["etag"] == got.headers["etag"]
    assert head.headers["content-length"] == str(len(got.content))


def test_openapi_is_3_1_and_lists_only_reads(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    assert re.fullmatch(r"3\.1\.\d+", document["openapi"])
    paths = document["paths"]
    assert "/api/items/{item_id}/versions/{n}" in paths
    assert "/timemap/link/{item_id}" in paths
    assert not any(p.startswith("/items") for p in paths)  # the browser's pages
    methods = {method for operations in paths.values() for method in operations}
    assert methods == {"get"}


# -- Memento --------------------------------------------------------------------------------


def _parse_links(text: str) -> list[tuple[str, dict[str, str]]]:
    """A link-format document (RFC 6690) or Link header as (target, params) pairs."""
    found = []
    for match in re.finditer(r'<([^>]*)>((?:\s*;\s*[\w-]+="[^"]*")*)', text):
        params = dict(re.findall(r'([\w-]+)="([^"]*)"', match.group(2)))
        found.append((match.group(1), params))
    return found


def test_timemap_lists_original_timegate_self_and_each_memento(client: TestClient) -> None:
    response = client.get(f"/timemap/link/{_enc(UPDATED)}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/link-format")
    links = _parse_links(response.text)
    by_rel = {params["rel"]: (target, params) for target, params in links}
    assert by_rel["original"][0] == UPDATED
    assert by_rel["timegate"][0].endswith(f"/timegate/{quote(UPDATED, safe=':@,;=+!*()$~')}")
    assert by_rel["self"][1]["type"] == "application/link-format"
    mementos = [(t, p) for t, p in links if "memento" in p["rel"].split()]
    assert [p["rel"] for _, p in mementos] == ["first memento", "last memento"]
    times = [parsedate_to_datetime(p["datetime"]) for _, p in mementos]
    assert [t.isoformat() for t in times] == [
        "2026-01-10T08:00:00+00:00",
        "2026-01-11T09:30:00+00:00",
    ]
    # Each memento URI is the version it names, dated as the TimeMap says.
    for number, (target, params) in enumerate(mementos, start=1):
        version = client.get(httpx.URL(target).raw_path.decode())
        assert version.json()["version"] == number
        assert version.headers["memento-datetime"] == params["datetime"]
        rels = {p["rel"] for _, p in _parse_links(version.headers["link"])}
        assert rels == {"original", "timegate", "timemap"}


def test_timemap_of_an_id_with_slashes(client: TestClient) -> None:
    links = _parse_links(client.get(f"/timemap/link/{PAGE}").text)
    [(target, _)] = [(t, p) for t, p in links if "memento" in p["rel"]]
    assert "/" not in target.split("/api/items/")[1].removesuffix("/versions/1")
    assert client.get(httpx.URL(target).raw_path.decode()).json()["id"] == PAGE


@pytest.mark.parametrize(
    ("accept", "version"),
    [
        ("Sun, 11 Jan 2026 09:29:59 GMT", 1),  # a second before version 2
        ("Sun, 11 Jan 2026 09:30:00 GMT", 2),  # the instant version 2 was archived
        ("Sat, 01 Jan 2000 00:00:00 GMT", 1),  # before all: the first
        (None, 2),  # none asked for: the latest
    ],
)
def test_timegate_redirects_by_accept_datetime(
    client: TestClient, accept: str | None, version: int
) -> None:
    headers = {} if accept is None else {"Accept-Datetime": accept}
    response = client.get(f"/timegate/{UPDATED}", headers=headers, follow_redirects=False)
    assert response.status_code == 302
    assert response.headers["vary"].lower() == "accept-datetime"
    assert response.headers["location"].endswith(f"/versions/{version}")
    rels = {p["rel"]: t for t, p in _parse_links(response.headers["link"])}
    assert rels["original"] == UPDATED
    assert "timemap" in rels
    followed = client.get(response.headers["location"])
    assert followed.json()["version"] == version


def test_timegate_refuses_a_bad_datetime(client: TestClient) -> None:
    response = client.get(f"/timegate/{UPDATED}", headers={"Accept-Datetime": "yesterday"})
    assert "RFC 1123" in _error(response, 400, "request.bad-datetime")


def test_choose_picks_the_latest_at_or_before() -> None:
    found = memento.mementos(
        [{"version": 1, "archivedAt": FIRST}, {"version": 2, "archivedAt": SECOND}]
    )
    assert memento.choose(found, found[1].at).version == 2
    assert memento.choose(found, found[0].at).version == 1
    with pytest.raises(ValueError, match="without versions"):
        memento.choose([], None)
    with pytest.raises(ValueError, match="not an RFC 1123 date"):
        memento.parse_http_date("2026-01-10")


# -- the app and the real server ----------------------------------------------------------


def test_create_app_refuses_a_path_without_an_archive(tmp_path: Path) -> None:
    with pytest.raises(ArchiveError, match="no archive at"):
        create_app(str(tmp_path / "missing"))
    assert not (tmp_path / "missing").exists()


def test_the_real_server_answers_over_http(location: Path) -> None:
    with serving(location) as base, httpx.Client(base_url=base) as http:
        record = http.get(f"/api/items/{_enc(PAGE)}")
        assert record.status_code == 200
        assert record.json()["id"] == PAGE
        head = http.head(f"/api/items/{PAGE}/versions/1")
        assert head.status_code == 200
        assert head.content == b""
        gate = http.get(
            f"/timegate/{UPDATED}", headers={"Accept-Datetime": "Sat, 10 Jan 2026 12:00:00 GMT"}
        )
        assert gate.status_code == 302
        assert gate.headers["location"].startswith(base)
        assert http.get(gate.headers["location"]).json()["version"] == 1
        assert http.post("/api/summary").status_code == 405
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{base}/api/summary")


# -- requests at once ---------------------------------------------------------------------


@pytest.mark.parametrize("readers", [1, 2])
def test_a_slow_request_holds_up_the_others_only_without_a_second_reader(
    location: Path, monkeypatch: pytest.MonkeyPatch, readers: int
) -> None:
    """A capture read that hangs (object storage, say) keeps its archive; with a second
    reader the next request is answered meanwhile, with one it waits its turn."""
    entered, release = threading.Event(), threading.Event()
    capture_of = Archive.capture_of

    def slow_capture(self: Archive, facts: dict[str, Any]) -> bytes:
        entered.set()
        release.wait(30)
        return capture_of(self, facts)

    monkeypatch.setattr(Archive, "capture_of", slow_capture)
    with serving(location, readers=readers) as base, httpx.Client(base_url=base) as client:
        slow = ThreadPoolExecutor(1).submit(
            client.get, f"/api/items/{UPDATED}/versions/1/capture", timeout=30
        )
        assert entered.wait(10)
        try:
            answered = client.get("/api/summary", timeout=1.5).status_code == 200
        except httpx.TimeoutException:
            answered = False
        release.set()
        assert slow.result().status_code == 200
    assert answered == (readers > 1)


def test_the_pool_opens_an_archive_only_when_every_open_one_is_busy(location: Path) -> None:
    made: list[Archive] = []

    def opener() -> Archive:
        made.append(open_archive(str(location)))
        return made[-1]

    use = Access(open_archive(str(location)), opener, size=3)
    for _ in range(5):  # one at a time: the first archive, again and again
        with use() as archive:
            assert archive.summary()["items"] > 0
    assert use.opened == 1
    with use() as one, use() as two:  # two at once: a second is opened for the second
        assert one is not two
    with use() as again:
        assert again in (one, two)
    assert (use.opened, len(made)) == (2, 1)
    use.close()
    with pytest.raises(ValueError, match="needs a size"):
        Access(made[0], size=2)


def test_a_local_archive_is_served_one_request_at_a_time_a_remote_one_four(
    location: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("WIREARCHIVE_CATALOG", raising=False)
    archive = open_archive(str(location))
    try:
        assert default_readers(archive, None) == 1  # threads would only contend
        assert default_readers(archive, "postgresql://db.example/archive") == READERS
        monkeypatch.setenv("WIREARCHIVE_CATALOG", "postgresql://db.example/archive")
        assert default_readers(archive, None) == READERS
    finally:
        archive.close()
