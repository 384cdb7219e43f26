"""Downloader middlewares: the source's domain rule, conditional requests, retry backoff."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from scrapy import Request
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware as _ScrapyRobots
from scrapy.exceptions import IgnoreRequest
from scrapy.extensions.throttle import AutoThrottle as _ScrapyAutoThrottle
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred
from twisted.internet.task import deferLater

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

__all__ = [
    "AutoThrottle",
    "BackoffRetryMiddleware",
    "ConditionalRequestMiddleware",
    "OffsiteRefused",
    "RobotsTxtMiddleware",
    "SourceDomainsMiddleware",
]


class OffsiteRefused(IgnoreRequest):
    """A request (often a redirect) to a host the source does not allow."""


class SourceDomainsMiddleware:
    """Refuse every request, redirects included, whose URL the source does not allow.

    Scrapy's own offsite middleware matches host names against ``allowed_domains``; the
    source's rule is stricter (http(s) only, no user info, IPs match only themselves), so
    it is applied too. The refusal reaches the request's errback, which records it as the
    URL's error in the run manifest.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SourceDomainsMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        source = getattr(self.crawler.spider, "source", None)
        if source is None or request.meta.get("wirearchive_robots"):
            return
        if request.url.endswith("/robots.txt"):
            return
        if not source.allows(request.url):
            if self.crawler.stats is not None:
                self.crawler.stats.inc_value("wirearchive/offsite")
            raise OffsiteRefused(f"offsite: {request.url} is not on an allowed domain")


class ConditionalRequestMiddleware:
    """Ask for an article only if it changed: If-None-Match and If-Modified-Since.

    Applied to every article request, redirected ones included, from the archive's state
    for that exact URL; the state found rides along in ``meta["wirearchive_state"]`` so
    that a 304 can be recorded as a sighting of the item that URL gave.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ConditionalRequestMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        if not request.meta.get("wirearchive_article"):
            return
        spider: Any = self.crawler.spider
        store = getattr(spider, "store", None)
        if store is None:
            return
        if request.meta.get("wirearchive_state_url") == request.url:
            return
        state = store.url_state(request.url)
        request.meta["wirearchive_state_url"] = request.url
        request.meta["wirearchive_state"] = state
        for header in (b"If-None-Match", b"If-Modified-Since"):
            request.headers.pop(header, None)
        if state is None:
            return
        if state.get("etag"):
            request.headers[b"If-None-Match"] = state["etag"]
        if state.get("lastModified"):
            request.headers[b"If-Modified-Since"] = state["lastModified"]


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retry on 5xx and timeouts, waiting longer before each further attempt.

    The wait is ``WIREARCHIVE_RETRY_BACKOFF * 2**(attempt - 1)`` seconds, at most
    ``WIREARCHIVE_RETRY_BACKOFF_MAX``; it delays only the retried request, never the
    rest of the crawl.
    """

    backoff: float = 0.5
    backoff_max: float = 30.0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BackoffRetryMiddleware:
        made = super().from_crawler(crawler)
        made.backoff = crawler.settings.getfloat("WIREARCHIVE_RETRY_BACKOFF", 0.5)
        made.backoff_max = crawler.settings.getfloat("WIREARCHIVE_RETRY_BACKOFF_MAX", 30.0)
        return made

    async def _wait(self, retried: Request | Response | None) -> Any:
        if isinstance(retried, Request):
            attempt = int(retried.meta.get("retry_times", 1))
            delay = min(self.backoff * 2 ** (attempt - 1), self.backoff_max)
            if delay > 0:
                from twisted.internet import reactor  # the one Scrapy installed

                await maybe_deferred_to_future(deferLater(reactor, delay, lambda: None))
        return retried

    async def process_response(  # type: ignore[override]
        self, request: Request, response: Response
    ) -> Request | Response:
        retried = super().process_response(request, response)
        result: Request | Response = await self._wait(retried)
        return result

    async def process_exception(  # type: ignore[override]
        self, request: Request, exception: Exception
    ) -> Request | Response | None:
        retried = super().process_exception(request, exception)
        result: Request | Response | None = await self._wait(retried)
        return result


class RobotsTxtMiddleware(_ScrapyRobots):
    """Scrapy's robots.txt middleware, safe for requests that wait on the same robots.txt.

    Scrapy keeps one Deferred per host while robots.txt downloads; every request awaiting
    it turns it into a future, which consumes the result, so only the first waiter sees the
    parser and the rest would be let through unchecked. Each waiter gets its own relay.
    """

    async def robot_parser(self, request: Request) -> Any:
        netloc = urlparse_cached(request).netloc
        pending = self._parsers.get(netloc)
        if isinstance(pending, Deferred):
            waiter: Deferred[Any] = Deferred()

            def relay(result: Any) -> Any:
                waiter.callback(result)
                return result

            pending.addBoth(relay)
            return await maybe_deferred_to_future(waiter)
        return await super().robot_parser(request)


class AutoThrottle(_ScrapyAutoThrottle):
    """Scrapy's AutoThrottle, except that a 304 may shorten the delay as a 200 does.

    Scrapy lets only a 200 bring the delay down, so that small error pages do not speed a
    crawl up against a struggling site. On a recrawl most answers are 304s: cheap for the
    server, and under Scrapy's rule they held the delay at its start value (a recrawl of
    61 unchanged pages took 21 s instead of 2 s).
    """

    def _adjust_delay(self, slot: Any, latency: float, response: Response) -> None:
        if response.status == 304:
            response = response.replace(status=200)
        super()._adjust_delay(slot, latency, response)
