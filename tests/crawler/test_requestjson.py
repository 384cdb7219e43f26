"""Queued requests as JSON: what scrapy-redis stores for the shared frontier."""

from __future__ import annotations

import json

import pytest
import scrapy
from scrapy.utils.request import request_from_dict
from wirearchive.crawler import requestjson


class _Spider(scrapy.Spider):
    name = "json-test"

    def parse_article(self, response: object) -> None:
        """A callback named in the queued request."""

    def failed(self, failure: object) -> None:
        """An errback named in the queued request."""


def test_a_request_round_trips_through_readable_json() -> None:
    spider = _Spider()
    body = "é ü ✓".encode() + b"\xff\x00"  # not UTF-8 at the end: bytes kept exactly
    request = scrapy.Request(
        "http://127.0.0.1/news/a.html",
        method="POST",
        body=body,
        headers={"If-None-Match": '"abc"', "X-Bytes": b"\xe9"},
        callback=spider.parse_article,
        errback=spider.failed,
        priority=-3,
        meta={"wirearchive_article": True, "wirearchive_via": None, "retry_times": 1},
    )
    data = requestjson.dumps(request.to_dict(spider=spider))
    raw = json.loads(data)  # what redis-cli shows: one JSON object
    assert raw["format"] == requestjson.FORMAT
    assert raw["url"] == "http://127.0.0.1/news/a.html"
    assert raw["callback"] == "parse_article"
    assert raw["headers"]["If-None-Match"] == ['"abc"']
    back = request_from_dict(requestjson.loads(data), spider=spider)
    assert back.body == body
    assert back.headers.get("X-Bytes") == b"\xe9"
    assert back.callback == spider.parse_article
    assert back.errback == spider.failed
    assert (back.method, back.priority, back.meta) == ("POST", -3, request.meta)


def test_a_meta_value_that_is_not_json_is_refused_naming_the_request() -> None:
    request = scrapy.Request("http://127.0.0.1/x", meta={"when": object()})
    with pytest.raises(TypeError, match=r"'http://127.0.0.1/x' cannot be queued as JSON"):
        requestjson.dumps(request.to_dict())


@pytest.mark.parametrize(
    ("data", "message"),
    [(b"\x80\x04pickle", "not JSON"), (b'{"url": "http://x/"}', "not a wirearchive-request/1")],
)
def test_what_another_program_queued_is_refused(data: bytes, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        requestjson.loads(data)
