"""The headline: the visible ``<h1>`` the metadata confirms, site names cut."""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

from lxml.html import HtmlElement

from .body import _Text, plain_text
from .metadata import Structured, _first
from .page import Page

_TITLE_SEPARATORS = re.compile(r"\s+(?:[|•·»«–—:]|-{1,2}|::)\s+")
_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "„": '"', "«": '"', "»": '"'})
_PAREN_SUFFIX = re.compile(r"\s*\(([^()]{2,60})\)$")
_TRAILING_SEPARATOR = re.compile(r"\s+[-|–—·•:]+$")
_MIN_HEADLINE_WORDS = 3
_FIRST_BLOCK = re.compile(r"^\s*<(h[1-6]|p)>(.*?)</\1>", re.DOTALL)


def _site_names(found: Structured, text: _Text, url: str | None) -> list[str]:
    names = [found.og_first("og:site_name"), text.sitename, found.meta.get("application-name")]
    publisher = found.resolve((found.article or {}).get("publisher"))
    names.append(_first(publisher))
    host = (urlsplit(url).hostname or "") if url else ""
    names += [host, host.removeprefix("www."), host.removeprefix("www.").split(".")[0]]
    return [n for n in names if n]


def _fold(text: str) -> str:
    """Text compared loosely: entities, spacing, case and typographic quotes aside."""
    text = " ".join(html.unescape(text).split()).casefold()
    return text.translate(_QUOTES)


def _strip_site(title: str, sites: list[str]) -> str:
    """ "Headline | Site" → "Headline", "Site - Headline" → "Headline", when Site names
    the site (og:site_name, the publisher, the host); "Headline -" → "Headline"."""
    folded = [_fold(s).strip(" .") for s in sites if s.strip()]

    def is_site(part: str) -> bool:
        part = _fold(part).strip(" .()")
        return not part or any(
            part == s
            or (len(s) >= 4 and s in part and len(part) <= len(s) + 20)
            or (len(part) >= 4 and part in s)
            for s in folded
        )

    spans, start = [], 0
    for separator in _TITLE_SEPARATORS.finditer(title):
        spans.append((start, separator.start()))
        start = separator.end()
    spans.append((start, len(title)))
    first, last = 0, len(spans) - 1
    while last > first and is_site(title[spans[last][0] : spans[last][1]]):
        last -= 1
    while first < last and is_site(title[spans[first][0] : spans[first][1]]):
        first += 1
    kept = title[spans[first][0] : spans[last][1]]
    suffix = _PAREN_SUFFIX.search(kept)
    if suffix is not None and suffix.start() > 0 and is_site(suffix.group(1)):
        kept = kept[: suffix.start()]
    return _TRAILING_SEPARATOR.sub("", kept).strip()


def _h1s(tree: HtmlElement) -> list[str]:
    found = []
    for heading in tree.iter("h1"):
        text = " ".join("".join(heading.itertext()).split())
        if text:
            found.append(text)
        if len(found) == 8:
            break
    return found


def _headline(
    found: Structured, text: _Text, url: str | None, h1s: list[str], page: Page
) -> str | None:
    """The visible headline (an ``<h1>``) that the page's metadata confirms, else the
    metadata's headline: schema.org, og:title, trafilatura's title, ``<title>``."""
    article = found.article or {}
    headline = _first(article.get("headline"))
    confirming = [
        (f"schema.org headline ({found.article_source})", headline),
        ("og:title", found.og_first("og:title")),
        ("<title>", found.title),
    ]
    confirmers = [(source, _fold(value)) for source, value in confirming if value]
    for h1 in h1s:
        source = next((s for s, v in confirmers if v == _fold(h1)), None)
        if source is not None:
            page.note("headline", f"<h1>, as in the {source}")
            return h1
    for h1 in h1s:
        if len(h1.split()) >= _MIN_HEADLINE_WORDS:
            source = next((s for s, v in confirmers if _fold(h1) in v), None)
            if source is not None:
                page.note("headline", f"<h1>, part of the {source}")
                return h1
    sites = _site_names(found, text, url)
    candidates = [*confirming[:2], ("trafilatura title", text.title), confirming[2]]
    for source, value in candidates:
        if not value:
            continue
        value = " ".join(html.unescape(value).split())
        cleaned = _strip_site(value, sites)
        if cleaned and cleaned != value:
            page.note("headline", f"{source}, site name cut")
            return cleaned
        if value:
            page.note("headline", source)
            return value
    return None


def _drop_repeated_headline(text: _Text, headline: str, page: Page) -> None:
    """Leave out a first heading that only repeats the headline (trafilatura keeps the
    article's ``<h1>`` when it sits inside the article's markup)."""
    first = _FIRST_BLOCK.match(text.html)
    if first is None or _fold(plain_text(first.group(2))) != _fold(headline):
        return
    rest = text.html[first.end() :].strip()
    if not plain_text(rest).strip():
        return
    text.html, text.text = rest, plain_text(rest)
    page.note("body", "its first heading repeated the headline and was left out")
