"""Fixtures for crawl tests: the fixture news site of `tests.crawler.site`, on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime

import pytest

from tests.crawler._redis_server import redis_server
from tests.crawler.site import DEFAULT_NOW, NewsSite

NewsSiteFactory = Callable[..., NewsSite]
"""Takes `NewsSite`'s arguments (seed, size, now, flaky_failures, heavy) and returns it started."""


@pytest.fixture
def news_site() -> Iterator[NewsSite]:
    """The default site (seed 1, 60 stories) on a free port, stopped after the test."""
    with NewsSite() as site:
        yield site


@pytest.fixture
def make_news_site() -> Iterator[NewsSiteFactory]:
    """Start sites with other settings; every one is stopped after the test."""
    sites: list[NewsSite] = []

    def make(
        seed: int = 1,
        size: int = 60,
        *,
        now: datetime = DEFAULT_NOW,
        flaky_failures: int = 1,
        heavy: bool = False,
    ) -> NewsSite:
        site = NewsSite(seed, size, now=now, flaky_failures=flaky_failures, heavy=heavy)
        sites.append(site)
        return site.start()

    yield make
    for site in sites:
        site.stop()


@pytest.fixture
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fresh redis-server on a free port of 127.0.0.1 (skipped off CI without one)."""
    with redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url
