"""Sitemaps, sitemap indexes and Google News sitemaps: the URLs a site lists, with dates.

A sitemap is hostile input like any feed: it is parsed with `parse_xml` only (no entity
expansion, no DTD, no network), so a sitemap that declares entities is refused with
``xml.entities`` and one cut short with ``xml.truncated``. A gzip sitemap (``.xml.gz``,
served as is) is unpacked first, to at most `MAX_UNPACKED` bytes (the protocol allows
50 MB). `read_sitemap` gives the entries or the one `Problem` that keeps the whole
sitemap from being trusted; the crawler records that problem as the sitemap URL's
failure, so a broken sitemap is never taken for an empty one.

Per entry: ``loc`` (a direct child of ``<url>`` or ``<sitemap>``, so an image sitemap's
``image:loc`` is never taken for the page), and its date: Google News
``news:publication_date``, else ``lastmod``, when either is a readable W3C datetime.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime

from lxml import etree
from wirearchive.validators import Problem

from ._xml import local_name, parse_xml

__all__ = ["MAX_UNPACKED", "SitemapEntry", "parse_when", "read_sitemap"]

#: Largest unpacked gzip sitemap, in bytes (the sitemap protocol's limit is 50 MB).
MAX_UNPACKED = 64 * 1024 * 1024

_GZIP_MAGIC = b"\x1f\x8b"
_ROOTS = ("urlset", "sitemapindex")
_OPENING = re.compile(rb"<(?:[\w.-]+:)?(urlset|sitemapindex)[\s>/]")
_LEADING_SPACE = re.compile(rb"^(?:\xef\xbb\xbf)?[ \t\r\n]+(?=<\?xml)")


@dataclass(frozen=True, slots=True)
class SitemapEntry:
    """One ``<url>`` of a sitemap or one ``<sitemap>`` of a sitemap index."""

    url: str
    #: True for a sitemap index's child sitemap, False for a page.
    is_sitemap: bool
    #: news:publication_date, else lastmod, when given and readable.
    when: datetime | None


def parse_when(text: str | None) -> datetime | None:
    """A W3C datetime (``2024-05-29``, ``2024-05-29T07:30:00+02:00``); UTC when zoneless."""
    if not text:
        return None
    value = text.strip()
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _gunzip(data: bytes, limit: int) -> bytes | Problem:
    unpacker = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        unpacked = unpacker.decompress(data, limit + 1)
    except zlib.error as exc:
        return Problem(rule="sitemap.gzip", message=f"the gzip data cannot be unpacked: {exc}")
    if len(unpacked) > limit:
        return Problem(
            rule="sitemap.too-large",
            message=f"the gzip sitemap unpacks to more than {limit:,} bytes; not parsed",
        )
    if not unpacker.eof:
        return Problem(
            rule="sitemap.gzip",
            message="the gzip data ends before its end of stream: the download is truncated",
        )
    return unpacked


def _root(data: bytes) -> etree._Element | Problem:
    # A PHP sitemap often starts with a newline before "<?xml": libxml2 refuses that, and
    # it is no reason to miss the whole site.
    root = parse_xml(_LEADING_SPACE.sub(b"", data, count=1))
    if isinstance(root, Problem) and root.rule == "xml.syntax":
        opening = _OPENING.search(data[:4096])
        if opening is not None:
            name = opening.group(1)
            if not re.search(rb"</(?:[\w.-]+:)?" + name + rb"\s*>", data[-1024:]):
                return Problem(
                    rule="xml.truncated",
                    message=f"the sitemap ends before its closing </{name.decode()}>: the "
                    f"document is truncated ({root.message})",
                )
    return root


def _entry(element: etree._Element, namespace: str | None, is_index: bool) -> SitemapEntry | None:
    loc: str | None = None
    published = modified = None
    for child in element:
        if not isinstance(child.tag, str):
            continue
        name, space = local_name(child), etree.QName(child).namespace
        if name == "loc" and space == namespace and child.text and child.text.strip():
            loc = child.text.strip()
        elif name == "lastmod" and space == namespace:
            modified = parse_when(child.text)
        elif name == "news":
            for part in child:
                if isinstance(part.tag, str) and local_name(part) == "publication_date":
                    published = parse_when(part.text) or published
    if loc is None:
        return None
    return SitemapEntry(loc, is_index, published or modified)


def read_sitemap(data: bytes, *, max_unpacked: int = MAX_UNPACKED) -> list[SitemapEntry] | Problem:
    """The entries of a sitemap's bytes (gzip or not), in order, or why it cannot be read."""
    if data[:2] == _GZIP_MAGIC:
        unpacked = _gunzip(data, max_unpacked)
        if isinstance(unpacked, Problem):
            return unpacked
        data = unpacked
    if not data.strip():
        return Problem(rule="input.empty", message="empty document, no sitemap")
    root = _root(data)
    if isinstance(root, Problem):
        return root
    name = local_name(root)
    if name not in _ROOTS:
        space = etree.QName(root).namespace
        return Problem(
            rule="sitemap.not-a-sitemap",
            message=f"the root element is <{name}>"
            + (f" in {space}" if space else "")
            + ", not a sitemap <urlset> or a sitemap index <sitemapindex>",
        )
    namespace = etree.QName(root).namespace
    is_index = name == "sitemapindex"
    child = "sitemap" if is_index else "url"
    found = []
    for element in root:
        if isinstance(element.tag, str) and local_name(element) == child:
            entry = _entry(element, namespace, is_index)
            if entry is not None:
                found.append(entry)
    return found
