"""The page's address: the best of the addresses it names; for a page that names none, an
id minted from its site, day and headline (never from the file's name or the time read)."""

from __future__ import annotations

import hashlib
import html
import re
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

from anyascii import anyascii

from .metadata import Structured, _first
from .page import Page, warning

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


# --- a minted id for a page that names no address ----------------------------------------

_SLUG = re.compile(r"[^a-z0-9]+")
#: Han ideographs, kana and CJK punctuation: a transliteration of these guesses a reading
#: (Japanese kanji come out in Mandarin), so a headline in them is hashed instead.
_IDEOGRAPHIC = re.compile(r"[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_SLUG_LIMIT = 80


def _slug(text: str) -> str:
    """Lower-case ASCII words joined by hyphens, Cyrillic, Greek and accents transliterated
    (anyascii); ideographs left out; "" when nothing is left."""
    text = _IDEOGRAPHIC.sub(" ", html.unescape(text)).replace("'", "").replace("\u2019", "")
    slug = _SLUG.sub("-", anyascii(text).lower().replace("'", "")).strip("-")
    if len(slug) > _SLUG_LIMIT:
        slug = slug[:_SLUG_LIMIT].rsplit("-", 1)[0]
    return slug


def _digest(text: str) -> str:
    """The first 12 hex digits of the SHA-256 of the text, spacing and case aside."""
    folded = " ".join(html.unescape(text).split()).casefold()
    return "sha256-" + hashlib.sha256(folded.encode("utf-8")).hexdigest()[:12]


def _site_host(found: Structured) -> str | None:
    """The host the page's own links name (a feed, AMP page, shortlink), "www." aside."""
    for href in [found.canonical or "", *found.site_links]:
        host = urlsplit(href.strip()).hostname if href.strip().startswith("http") else None
        if host:
            return host.removeprefix("www.")
    return None


def _mint_uri(found: Structured, item: dict[str, Any], text: str, page: Page) -> str:
    """A stable id for a page that names no address: publisher, day and headline.

    The same story saved twice gets the same id, and an edited copy (same headline and
    day, other text) a new version of the same item, as the text reader's
    ``urn:wirearchive:text:...`` ids do for captures.
    """
    publisher = found.resolve((found.article or {}).get("publisher"))
    names = [
        ("og:site_name", found.og_first("og:site_name")),
        ("schema.org publisher", _first(publisher)),
    ]
    site, site_source = "unknown", "no site named"
    for source, name in names:
        if name and _slug(name):
            site, site_source = _slug(name), source
            break
    else:
        host = _site_host(found)
        if host:
            site, site_source = _slug(host), "the host of the page's links"
    created = item.get("firstCreated")
    day = created[:10] if isinstance(created, str) else "undated"
    headline = next(
        (h["value"] for h in item.get("headlines", []) if h.get("role") == "main"), None
    )
    if headline and not _IDEOGRAPHIC.search(headline) and _slug(headline):
        story, story_source = _slug(headline), "the headline's slug"
    elif headline:
        story, story_source = _digest(headline), "a hash of the headline"
    else:
        story, story_source = _digest(text), "a hash of the text (no headline)"
    uri = f"urn:wirearchive:html:{site}:{day}:{story}"
    how = f"site from {site_source}, day {'of firstCreated' if created else 'unknown'}, "
    how += story_source
    page.note("uri", f"minted {uri}: {how}")
    page.warnings.append(
        warning(
            "html.uri-minted",
            "the page names no address of its own (no canonical link, og:url, schema.org url, "
            f"oEmbed link or saved-from comment) and none was given: its id {uri} is made "
            f"from what identifies the story ({how})",
            "uri",
        )
    )
    return uri
