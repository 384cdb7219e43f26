"""The page's address: the best of the addresses it names, never an invented one."""

from __future__ import annotations

import re
from urllib.parse import quote, urljoin, urlsplit

from .metadata import Structured, _first
from .page import Page

_ABSOLUTE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s]+$")


def absolute_url(url: str | None, base: str | None) -> str | None:
    if not url:
        return None
    url = url.strip()
    if base and not _ABSOLUTE.match(url):
        url = urljoin(base, url)
    url = quote(url, safe=":/?#[]@!$&'()*+,;=%~")
    if not _ABSOLUTE.match(url) or (not urlsplit(url).netloc and not url.startswith("urn:")):
        return None
    return url


def _is_front_page(url: str) -> bool:
    parts = urlsplit(url)
    return parts.path in ("", "/") and not parts.query


def _choose_url(found: Structured, fetched: str | None, page: Page) -> str | None:
    article = found.article or {}
    main_entity = found.resolve(article.get("mainEntityOfPage"))
    entity_url = (
        main_entity.get("@id") or main_entity.get("url")
        if isinstance(main_entity, dict)
        else main_entity
    )
    base_href = found.base if found.base and not _is_front_page(found.base) else None
    candidates = [
        ("canonical link", found.canonical),
        ("og:url", found.og_first("og:url")),
        ("schema.org url", _first(article.get("url"))),
        ("schema.org mainEntityOfPage", entity_url if isinstance(entity_url, str) else None),
        ("address it was fetched from", fetched),
        ("twitter:url", found.meta.get("twitter:url")),
        ("oEmbed discovery link", found.oembed),
        ("saved-from comment", found.saved_from),
        ("<base href>", base_href),
    ]
    base = next((u for _, u in candidates if u and _ABSOLUTE.match(u.strip())), None)
    resolved = [(source, absolute_url(url, base)) for source, url in candidates]
    usable = [(source, url) for source, url in resolved if url and url.startswith("http")]
    if not usable:
        return None
    source, url = usable[0]
    if _is_front_page(url):
        deeper = next(((s, u) for s, u in usable if not _is_front_page(u)), None)
        if deeper is not None:
            page.note("uri", f"{deeper[0]}; the {source} names the front page {url}")
            return deeper[1]
    page.note("uri", source)
    return url
