"""A read-only HTTP API over an archive, with Memento (RFC 7089) and the archive browser.

``create_app("archive-data")`` returns a FastAPI application; ``wirearchive serve`` runs it
with uvicorn. Every route is GET (HEAD too); any other method is 405, so nothing served
here can change the archive. Errors are JSON, ``{"error": {"rule": ..., "message": ...}}``,
with the rule codes listed in `RULES`.

Item ids are URIs with ``:`` and ``/`` in them: a route takes the id either percent-encoded
as one segment (``/api/items/https%3A%2F%2Fhost%2Fa``) or as it is (``/api/items/https://
host/a``). The bytes a version was made from never change: they carry their digest as
ETag and ``Cache-Control: immutable``. A version's record does change once, when the item
is withdrawn (a kill notice must reach every reader, caches included): it carries its
digest, and the withdrawal, as ETag with ``Cache-Control: no-cache``, so a cache asks
again each time and a conditional GET with that ETag is a 304 until the record changes.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from wirearchive import __version__

from ..archive.catalog import is_server_catalog, resolve_catalog
from ..archive.store import ArchiveError
from . import browser, memento
from ._web import Access, Problem, error_body, id_path, json_response
from .reader import Archive, open_archive

__all__ = ["READERS", "RULES", "create_app", "default_readers"]

#: The rule codes of error responses and their statuses.
RULES = {
    "archive.not-found": (404, "no such item, version, quarantined input or run"),
    "archive.no-capture": (404, "the raw bytes of this input were not kept"),
    "archive.unreadable": (500, "the archive's files do not hold what its catalog says"),
    "request.no-route": (404, "no such address in this API"),
    "request.method-not-allowed": (405, "the API only reads: GET and HEAD"),
    "request.invalid-parameter": (400, "a parameter of the wrong type or out of range"),
    "request.bad-cursor": (400, "since/until is neither a cursor nor a time, or is ahead"),
    "request.bad-time": (400, "a search's since/until is not a time or a day"),
    "request.bad-datetime": (400, "Accept-Datetime is not an RFC 1123 date"),
}

_IMMUTABLE = "public, max-age=31536000, immutable"
#: A version's record: stored, but revalidated each time (a withdrawal changes it).
_REVALIDATE = "public, no-cache"
_Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
_Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
_ASGIApp = Callable[[MutableMapping[str, Any], _Receive, _Send], Awaitable[None]]


class _ReadOnly:
    """ASGI middleware: 405 for every method but GET and HEAD, on every path; HEAD is
    answered as GET without the body (FastAPI routes do not take HEAD by themselves)."""

    def __init__(self, app: _ASGIApp) -> None:
        self.app = app

    async def __call__(
        self, scope: MutableMapping[str, Any], receive: _Receive, send: _Send
    ) -> None:
        if scope["type"] != "http" or scope["method"] == "GET":
            await self.app(scope, receive, send)
            return
        if scope["method"] != "HEAD":
            body = error_body(
                "request.method-not-allowed",
                f"{scope['method']} is not allowed: this API only reads (GET, HEAD)",
            )
            await send(
                {
                    "type": "http.response.start",
                    "status": 405,
                    "headers": [
                        (b"content-type", b"application/json"),
                        (b"allow", b"GET, HEAD"),
                        (b"content-length", str(len(body)).encode()),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": body})
            return

        async def without_body(message: MutableMapping[str, Any]) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, without_body)


def _etag(record: dict[str, Any]) -> str:
    """The version's digest; a withdrawal of the item (which its record then reports)
    makes a different representation, so it changes the tag too."""
    withdrawn = record.get("withdrawn")
    suffix = f"-withdrawn-{withdrawn.get('cursor')}" if isinstance(withdrawn, dict) else ""
    return f'"{record["digest"]}{suffix}"'


def _not_modified(request: Request, etag: str) -> bool:
    """Whether ``If-None-Match`` names this ETag (or ``*``); weak tags compare too."""
    header = request.headers.get("if-none-match")
    if header is None:
        return False
    tags = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    return "*" in tags or etag in tags


def _missing(what: str) -> Problem:
    return Problem(404, "archive.not-found", what)


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def _links(request: Request, item_id: str) -> dict[str, str]:
    base, path = _base(request), id_path(item_id)
    return {
        "original": item_id,
        "timegate": f"{base}/timegate/{path}",
        "timemap": f"{base}/timemap/link/{path}",
    }


def _memento_uri(request: Request, item_id: str, version: int) -> str:
    return f"{_base(request)}/api/items/{id_path(item_id)}/versions/{version}"


def _history(archive: Archive, item_id: str) -> list[dict[str, Any]]:
    rows = archive.history(item_id)
    if not rows:
        raise _missing(f"{item_id}: not in the archive")
    return rows


def _record(archive: Archive, item_id: str, version: int | None) -> dict[str, Any]:
    record = archive.get(item_id, version)
    if record is None:
        which = f"no version {version}" if version is not None else "not in the archive"
        raise _missing(f"{item_id}: {which}")
    return record


def _api(app: FastAPI, use: Access) -> None:
    """The JSON routes, most specific first: an id may itself contain ``/``."""

    @app.get("/api/items/{item_id:path}/versions/{n}/capture", tags=["items"])
    def capture(request: Request, item_id: str, n: int) -> Response:
        """The exact bytes version `n` was made from, with their media type."""
        with use() as archive:
            facts = dict(_record(archive, item_id, n)["provenance"]["capture"])
            etag = f'"{facts["sha256"]}"'
            headers = {
                "ETag": etag,
                "Cache-Control": _IMMUTABLE,
                # The bytes are hostile input: never run them in the browser's origin.
                "Content-Security-Policy": "sandbox; default-src 'none'",
                "X-Content-Type-Options": "nosniff",
            }
            if _not_modified(request, etag):  # known from the record: no WARC read
                return Response(status_code=304, headers=headers)
            try:
                raw = archive.capture_of(facts)
            except ArchiveError as exc:
                raise Problem(500, "archive.unreadable", str(exc)) from exc
        media = str(facts.get("mediaType") or "application/octet-stream")
        return Response(raw, media_type=media, headers=headers)

    @app.get("/api/items/{item_id:path}/versions/{n}", tags=["items", "memento"])
    def version(request: Request, item_id: str, n: int) -> Response:
        """Version `n` of an item: a memento, with Memento-Datetime and Link headers."""
        with use() as archive:
            record = _record(archive, item_id, n)
        links = _links(request, item_id)
        at = memento.archive_time(str(record["provenance"]["generatedAtTime"]))
        etag = _etag(record)
        headers = {
            "ETag": etag,
            "Cache-Control": _REVALIDATE,
            "Memento-Datetime": memento.http_date(at),
            "Link": ", ".join(
                [
                    memento.link(links["original"], "original"),
                    memento.link(links["timegate"], "timegate"),
                    memento.link(links["timemap"], "timemap", type=memento.LINK_FORMAT),
                ]
            ),
        }
        if _not_modified(request, etag):
            return Response(status_code=304, headers=headers)
        return json_response(record, headers=headers)

    @app.get("/api/items/{item_id:path}/history", tags=["items"])
    def history(item_id: str) -> Response:
        """Every version of an item, oldest first, with its sightings and events."""
        with use() as archive:
            rows = _history(archive, item_id)
        return json_response({"id": item_id, "versions": rows})

    @app.get("/api/items/{item_id:path}/diff", tags=["items"])
    def diff(
        item_id: str,
        a: int = Query(description="the older version"),
        b: int = Query(description="the newer version"),
    ) -> Response:
        """What changed from version `a` to `b`: fields, and the body as a unified diff."""
        with use() as archive:
            for number in (a, b):
                _record(archive, item_id, number)
            return json_response(archive.diff(item_id, a, b))

    @app.get("/api/items/{item_id:path}", tags=["items"])
    def item(
        request: Request,
        item_id: str,
        version: int | None = Query(None, description="this version, not the latest"),
    ) -> Response:
        """The record of an item's latest version (or of `version`)."""
        with use() as archive:
            record = _record(archive, item_id, version)
        etag = _etag(record)
        # The latest changes with the next version, any version's record with a
        # withdrawal: revalidate, then 304 until it does.
        headers = {"ETag": etag, "Cache-Control": _REVALIDATE}
        if _not_modified(request, etag):
            return Response(status_code=304, headers=headers)
        return json_response(record, headers=headers)

    @app.get("/api/changes", tags=["feed"])
    def changes(
        since: str | None = Query(
            None,
            description="a cursor (the `next` of an earlier call), an RFC 3339 time, "
            "`yesterday`, or `-24h`/`-7d`",
        ),
        until: str | None = Query(None, description="as since: the end of the range"),
        source: str | None = None,
        language: str | None = Query(None, description="`en` matches `en-GB` too"),
        agency: str | None = None,
        limit: int = Query(100, ge=1, le=1000),
    ) -> Response:
        """Records archived after `since`, oldest first, and the cursor to read on from."""
        with use() as archive:
            try:
                feed = archive.changes(
                    since, until, source=source, language=language, agency=agency, limit=limit
                )
                records = list(feed)
            except (ArchiveError, ValueError) as exc:
                raise Problem(400, "request.bad-cursor", str(exc)) from exc
        return json_response({"records": records, "next": feed.cursor})

    @app.get("/api/search", tags=["feed"])
    def search(
        q: str | None = Query(None, description="words of the headline or body, all of them"),
        source: str | None = None,
        agency: str | None = None,
        language: str | None = None,
        since: str | None = Query(None, description="news time from (RFC 3339 or a day)"),
        until: str | None = Query(None, description="news time up to, included"),
        limit: int = Query(50, ge=1, le=500),
        offset: int = Query(0, ge=0),
    ) -> Response:
        """Items whose latest version matches, newest news time first."""
        with use() as archive:
            try:
                hits = archive.search(
                    q or None,
                    source=source or None,
                    agency=agency or None,
                    language=language or None,
                    since=since or None,
                    until=until or None,
                    limit=limit,
                    offset=offset,
                )
            except ValueError as exc:
                raise Problem(400, "request.bad-time", str(exc)) from exc
        return json_response({"hits": hits, "limit": limit, "offset": offset})

    @app.get("/api/quarantine", tags=["quarantine"])
    def quarantine() -> Response:
        """Quarantined inputs, one row per distinct input, most recent last."""
        with use() as archive:
            return json_response({"entries": archive.quarantine()})

    @app.get("/api/quarantine/{qid}/capture", tags=["quarantine"])
    def quarantine_capture(qid: str) -> Response:
        """The bytes of a quarantined input, when they were kept."""
        with use() as archive:
            entry = archive.quarantine_entry(qid)
            if entry is None:
                raise _missing(f"{qid}: not in quarantine")
            facts = (entry.get("provenance") or {}).get("capture") or {}
            if "warcFile" not in facts:
                raise Problem(404, "archive.no-capture", f"{qid}: the raw bytes were not kept")
            try:
                raw = archive.store.capture_bytes(facts)
            except ArchiveError as exc:
                raise Problem(500, "archive.unreadable", str(exc)) from exc
        return Response(
            raw,
            media_type=str(facts.get("mediaType") or "application/octet-stream"),
            headers={
                "Content-Security-Policy": "sandbox; default-src 'none'",
                "X-Content-Type-Options": "nosniff",
            },
        )

    @app.get("/api/quarantine/{qid}", tags=["quarantine"])
    def quarantine_entry(qid: str) -> Response:
        """The full latest entry of a quarantined input: report, item, provenance."""
        with use() as archive:
            entry = archive.quarantine_entry(qid)
        if entry is None:
            raise _missing(f"{qid}: not in quarantine")
        return json_response(entry)

    @app.get("/api/runs", tags=["runs"])
    def runs(last: int | None = Query(None, ge=1, description="only the last N")) -> Response:
        """Run manifests, oldest first."""
        with use() as archive:
            return json_response({"runs": archive.runs(last=last)})

    @app.get("/api/runs/{run}", tags=["runs"])
    def run(run: str) -> Response:
        """One run's manifest: command, inputs, counts, validation, failures."""
        with use() as archive:
            found = archive.runs(run=run)
        if not found:
            raise _missing(f"{run}: no such run")
        return json_response(found[-1])

    @app.get("/api/summary", tags=["runs"])
    def summary() -> Response:
        """Counts of the archive and its last five runs."""
        with use() as archive:
            return json_response({"counts": archive.summary(), "runs": archive.runs(last=5)})


def _memento_routes(app: FastAPI, use: Access) -> None:
    @app.get(
        "/timemap/link/{item_id:path}",
        tags=["memento"],
        response_class=Response,
        responses={200: {"content": {memento.LINK_FORMAT: {}}}},
    )
    def timemap(request: Request, item_id: str) -> Response:
        """The item's TimeMap (RFC 7089 §5): every version as a memento, dated."""
        with use() as archive:
            found = memento.mementos(_history(archive, item_id))
        links = _links(request, item_id)
        body = memento.timemap(
            links["original"],
            links["timegate"],
            links["timemap"],
            found,
            lambda n: _memento_uri(request, item_id, n),
        )
        return Response(body, media_type=memento.LINK_FORMAT)

    @app.get("/timegate/{item_id:path}", tags=["memento"], status_code=302)
    def timegate(request: Request, item_id: str) -> Response:
        """302 to the version archived last at or before ``Accept-Datetime`` (the latest
        without one; the first when all are later)."""
        wanted = request.headers.get("accept-datetime")
        try:
            moment = None if wanted is None else memento.parse_http_date(wanted)
        except ValueError as exc:
            raise Problem(400, "request.bad-datetime", str(exc)) from exc
        with use() as archive:
            found = memento.mementos(_history(archive, item_id))
        chosen = memento.choose(found, moment)
        links = _links(request, item_id)
        target = _memento_uri(request, item_id, chosen.version)
        link = ", ".join(
            [
                memento.link(links["original"], "original"),
                memento.link(links["timemap"], "timemap", type=memento.LINK_FORMAT),
                memento.link(
                    target,
                    memento.memento_rel(found, chosen),
                    datetime=memento.http_date(chosen.at),
                ),
            ]
        )
        return RedirectResponse(
            target, status_code=302, headers={"Vary": "accept-datetime", "Link": link}
        )


def _errors(app: FastAPI) -> None:
    @app.exception_handler(Problem)
    async def problem(request: Request, exc: Problem) -> Response:
        if browser.wants_page(request):
            return browser.error_page(exc)
        return Response(
            error_body(exc.rule, exc.message), status_code=exc.status, media_type="application/json"
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404:
            rule, message = "request.no-route", f"{request.url.path}: no such address"
        elif exc.status_code == 405:
            rule, message = "request.method-not-allowed", "this API only reads (GET, HEAD)"
        else:
            rule, message = f"request.http-{exc.status_code}", str(exc.detail)
        return await problem(request, Problem(exc.status_code, rule, message))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        parts = []
        for error in exc.errors():
            where = ".".join(str(p) for p in error.get("loc", ()))
            parts.append(f"{where}: {error.get('msg', 'invalid')}")
        message = "; ".join(parts) or "invalid request"
        return await problem(request, Problem(400, "request.invalid-parameter", message))


#: Requests served at once from an archive on object storage or with a server's catalog,
#: each with the archive opened for it alone: a request waiting on the network lets the
#: others run (bench/serve.py: 3.9x the requests/s with 4, the store 20 ms away). A local
#: archive is served one request at a time: there, threads only contend (0.87x with 4).
READERS = 4


def default_readers(archive: Archive, catalog: str | None) -> int:
    """`READERS` for an archive on object storage or with a server's catalog, else 1."""
    root = archive.store.backend.local_root
    remote = root is None or is_server_catalog(resolve_catalog(catalog, "", root))
    return READERS if remote else 1


def create_app(
    archive_path: str | None, *, catalog: str | None = None, readers: int | None = None
) -> FastAPI:
    """The API and browser over the archive at `archive_path` (else $WIREARCHIVE_ARCHIVE,
    else ./archive-data), opened read-only now; `ArchiveError` if no archive is there.

    Up to `readers` requests run at once, each on an open archive of its own (by default
    `default_readers`).
    """
    first = open_archive(archive_path, catalog=catalog)
    use = Access(
        first,
        lambda: open_archive(archive_path, catalog=catalog),
        size=readers or default_readers(first, catalog),
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        use.close()

    app = FastAPI(
        title="wirearchive",
        version=__version__,
        summary="Read-only access to a wirearchive archive of news wire items.",
        description=__doc__,
        lifespan=lifespan,
    )
    _errors(app)
    _api(app, use)
    _memento_routes(app, use)
    browser.add_pages(app, use)
    app.add_middleware(_ReadOnly)
    return app
