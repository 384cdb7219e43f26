"""`sitemap`: sitemap indexes, sitemaps and Google News sitemaps, filtered by date."""

from __future__ import annotations

from .base import ArticleSpider


class SitemapSpider(ArticleSpider):
    name = "sitemap"
    kinds = ("sitemaps",)
