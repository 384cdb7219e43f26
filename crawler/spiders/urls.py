"""`urls`: the source's start URLs, fetched as article pages."""

from __future__ import annotations

from .base import ArticleSpider


class UrlsSpider(ArticleSpider):
    name = "urls"
    kinds = ("start_urls",)
