"""Acquisition: file readers, extraction, Scrapy spiders and the command line."""

__all__: list[str] = []
