"""The crawl spiders: `feed`, `sitemap`, `urls`, and `source` (all three of a source's lists).

Run one with ``scrapy crawl feed -a source=NAME`` from the project root, or
``wirearchive crawl NAME`` (the `source` spider).
"""

from .base import ArticleSpider, SourceSpider
from .feed import FeedSpider
from .sitemap import SitemapSpider
from .urls import UrlsSpider

__all__ = [
    "ArticleSpider",
    "FeedSpider",
    "SitemapSpider",
    "SourceSpider",
    "UrlsSpider",
]
