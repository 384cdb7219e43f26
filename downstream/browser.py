"""The archive browser: server-rendered HTML pages for people, beside the JSON API.

Search, an item with its history, provenance, warnings and a side-by-side diff of any
two versions, the quarantine and the runs. Jinja2 templates (package data) with
autoescaping on: every headline, body and URL is hostile input and is shown as text;
a link is made only of an http(s) address. No JavaScript: choosing two versions is a
GET form. Pages send a Content-Security-Policy that allows nothing but this origin's CSS.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

import jinja2
import orjson
from fastapi import FastAPI, Query, Request, Response
from fastapi.responses import HTMLResponse

from ..archive.facets import facets
from ._web import Access, Problem, id_path
from .reader import Archive

__all__ = ["DiffRow", "add_pages", "body_paragraphs", "error_page", "side_by_side", "wants_page"]

#: Paths of the machine side; everything else is a page for people.
_MACHINE = ("/api/", "/timemap/", "/timegate/", "/openapi.json", "/docs", "/redoc")
_CSP = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'"
_BLOCK_END = re.compile(r"(</(?:p|h[1-6]|li|div|blockquote|pre|table|tr)>|<br\s*/?>)", re.I)
_TAG = re.compile(r"<[^>]*>")


def wants_page(request: Request) -> bool:
    """Whether an error on this request is shown as a page rather than JSON."""
    return not request.url.path.startswith(_MACHINE)


@cache
def _templates() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("wirearchive.downstream", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["idpath"] = id_path
    env.filters["pretty"] = lambda value: orjson.dumps(value, option=orjson.OPT_INDENT_2).decode()
    env.filters["weblink"] = _web_link
    # Not Jinja's tojson, which escapes < as \u003c for scripts: this is shown as text.
    env.filters["json"] = lambda value: orjson.dumps(value).decode()
    return env


def _web_link(url: Any) -> str | None:
    """The address if a browser may follow it (http or https), else None."""
    if not isinstance(url, str):
        return None
    return url if urlsplit(url).scheme in ("http", "https") else None


def _page(name: str, status: int = 200, **context: Any) -> HTMLResponse:
    html = _templates().get_template(name).render(**context)
    return HTMLResponse(html, status_code=status, headers={"Content-Security-Policy": _CSP})


def error_page(problem: Problem) -> HTMLResponse:
    return _page("error.html", problem.status, title="Error", problem=problem)


def body_paragraphs(item: Mapping[str, Any]) -> list[str]:
    """The main body as plain-text paragraphs: HTML broken at its blocks, tags dropped."""
    bodies = [b for b in item.get("bodies") or () if isinstance(b, dict)]
    main = [b for b in bodies if b.get("role") == "main"] or bodies
    text = str(main[0].get("value", "")) if main else ""
    if main and "html" in str(main[0].get("contentType", "")):
        text = _TAG.sub("", _BLOCK_END.sub("\\1\n", text))
    return [line.strip() for line in text.splitlines() if line.strip()]


@dataclass(frozen=True, slots=True)
class DiffRow:
    """One row of a side-by-side diff: ``same``, ``changed``, ``removed``, ``added`` or
    ``hunk`` (a ``@@`` line), with the old and the new line (None: nothing there)."""

    kind: str
    old: str | None
    new: str | None


def side_by_side(unified: str) -> list[DiffRow]:
    """The rows of a unified diff (`Archive.diff`'s body) side by side: a run of removed
    lines is paired with the run of added lines that follows it."""
    rows: list[DiffRow] = []
    removed: list[str] = []
    added: list[str] = []

    def flush() -> Iterator[DiffRow]:
        for n in range(max(len(removed), len(added))):
            old = removed[n] if n < len(removed) else None
            new = added[n] if n < len(added) else None
            kind = (
                "changed"
                if old is not None and new is not None
                else ("removed" if new is None else "added")
            )
            yield DiffRow(kind, old, new)
        removed.clear()
        added.clear()

    for line in unified.splitlines():
        if line.startswith(("---", "+++")) and not rows and not removed and not added:
            continue  # the file header
        if line.startswith("@@"):
            rows.extend(flush())
            rows.append(DiffRow("hunk", line, line))
        elif line.startswith("-"):
            if added:
                rows.extend(flush())
            removed.append(line[1:])
        elif line.startswith("+"):
            added.append(line[1:])
        else:
            rows.extend(flush())
            text = line[1:] if line.startswith(" ") else line
            rows.append(DiffRow("same", text, text))
    rows.extend(flush())
    return rows


def _versions(archive: Archive, item_id: str) -> list[dict[str, Any]]:
    rows = archive.history(item_id)
    if not rows:
        raise Problem(404, "archive.not-found", f"{item_id}: not in the archive")
    return rows


def add_pages(app: FastAPI, use: Access) -> None:
    """The browser's routes (left out of the OpenAPI document, which is the API's)."""

    @app.get("/static/style.css", include_in_schema=False)
    def style() -> Response:
        css = resources.files("wirearchive.downstream").joinpath("static/style.css").read_bytes()
        return Response(css, media_type="text/css", headers={"Cache-Control": "max-age=3600"})

    @app.get("/", include_in_schema=False)
    def index(
        q: str = "",
        source: str = "",
        language: str = "",
        since: str = "",
        until: str = "",
        offset: int = Query(0, ge=0),
    ) -> Response:
        form = {"q": q, "source": source, "language": language, "since": since, "until": until}
        error = None
        with use() as archive:
            counts = archive.summary()
            choices = {facet: archive.facet_values(facet) for facet in ("source", "language")}
            try:
                hits = archive.search(
                    q.strip() or None,
                    source=source.strip() or None,
                    language=language.strip() or None,
                    since=since.strip() or None,
                    until=until.strip() or None,
                    limit=51,
                    offset=offset,
                )
            except ValueError as exc:
                hits, error = [], str(exc)
        more = len(hits) > 50
        return _page(
            "index.html",
            400 if error else 200,
            title="Search",
            form=form,
            hits=hits[:50],
            counts=counts,
            choices=choices,
            error=error,
            offset=offset,
            more=more,
            searched=any(form.values()),
        )

    @app.get("/items/{item_id:path}", include_in_schema=False)
    def item(
        item_id: str,
        version: int | None = None,
        a: int | None = None,
        b: int | None = None,
    ) -> Response:
        with use() as archive:
            history = _versions(archive, item_id)
            numbers = [int(row["version"]) for row in history]
            shown = version if version is not None else numbers[-1]
            record = archive.get(item_id, shown)
            if record is None:
                raise Problem(404, "archive.not-found", f"{item_id}: no version {shown}")
            changes = None
            if a is not None and b is not None:
                for number in (a, b):
                    if number not in numbers:
                        raise Problem(404, "archive.not-found", f"{item_id}: no version {number}")
                changes = archive.diff(item_id, a, b)
        if a is None or b is None:
            a, b = (numbers[-2], numbers[-1]) if len(numbers) > 1 else (numbers[0], numbers[0])
        return _page(
            "item.html",
            title=facets(record).headline or item_id,
            record=record,
            facets=facets(record),
            paragraphs=body_paragraphs(record["item"]),
            history=history,
            a=a,
            b=b,
            changes=changes,
            rows=side_by_side(changes["body"]) if changes else [],
        )

    @app.get("/quarantine", include_in_schema=False)
    def quarantine() -> Response:
        with use() as archive:
            rows = archive.quarantine()
        return _page("quarantine.html", title="Quarantine", rows=list(reversed(rows)))

    @app.get("/quarantine/{qid}", include_in_schema=False)
    def quarantine_entry(qid: str) -> Response:
        with use() as archive:
            entry = archive.quarantine_entry(qid)
        if entry is None:
            raise Problem(404, "archive.not-found", f"{qid}: not in quarantine")
        kept = "warcFile" in ((entry.get("provenance") or {}).get("capture") or {})
        return _page("quarantine_entry.html", title=f"Quarantined {qid}", entry=entry, kept=kept)

    @app.get("/runs", include_in_schema=False)
    def runs() -> Response:
        with use() as archive:
            found = archive.runs()
        return _page("runs.html", title="Runs", runs=list(reversed(found)))

    @app.get("/runs/{run}", include_in_schema=False)
    def run(run: str) -> Response:
        with use() as archive:
            found = archive.runs(run=run)
        if not found:
            raise Problem(404, "archive.not-found", f"{run}: no such run")
        return _page("run.html", title=run, run=found[-1])
