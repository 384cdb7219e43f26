"""`feed`: RSS and Atom feeds to article pages."""

from __future__ import annotations

from .base import ArticleSpider


class FeedSpider(ArticleSpider):
    name = "feed"
    kinds = ("feeds",)
