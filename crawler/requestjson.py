"""Requests in the shared frontier as JSON (scrapy-redis's ``SCHEDULER_SERIALIZER``).

scrapy-redis pickles queued requests by default: unreadable to anything but Python, and
unpickling what a shared server holds runs whatever code it names. Here a request is one
JSON object, readable with ``redis-cli``: Scrapy's ``Request.to_dict`` with the headers and
the body as text (Latin-1, so every byte maps to one character and back) and a
``"format"`` marker. Meta values must be JSON themselves; anything else is refused when
the request is queued, naming the request and the value.
"""

from __future__ import annotations

from typing import Any

import orjson

__all__ = ["FORMAT", "dumps", "loads"]

#: The marker of a queued request, checked when one is read back.
FORMAT = "wirearchive-request/1"


def _text(value: bytes | str) -> str:
    return value.decode("latin-1") if isinstance(value, bytes) else value


def dumps(request: dict[str, Any]) -> bytes:
    """A request's dict (``Request.to_dict``) as JSON bytes."""
    found = dict(request)
    found["format"] = FORMAT
    found["headers"] = {
        _text(name): [_text(value) for value in values]
        for name, values in (request.get("headers") or {}).items()
    }
    found["body"] = _text(request.get("body") or b"")
    try:
        return orjson.dumps(found)
    except TypeError as exc:
        raise TypeError(
            f"request {request.get('url')!r} cannot be queued as JSON: {exc} "
            "(its meta, cb_kwargs and cookies must hold JSON values only)"
        ) from None


def loads(data: bytes | str) -> dict[str, Any]:
    """The request dict that `dumps` wrote, for ``request_from_dict``."""
    try:
        found = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise ValueError(f"a queued request is not JSON: {exc}: {data[:80]!r}") from None
    if not isinstance(found, dict) or found.get("format") != FORMAT:
        raise ValueError(
            f"a queued request is not a {FORMAT} object (written by another program?): "
            f"{str(found)[:80]!r}"
        )
    del found["format"]
    found["headers"] = {
        name.encode("latin-1"): [value.encode("latin-1") for value in values]
        for name, values in found.get("headers", {}).items()
    }
    found["body"] = found.get("body", "").encode("latin-1")
    return found
