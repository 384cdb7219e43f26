"""The reader: sniffing, the reader's boundary and the order of its steps."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from lxml import etree
from trafilatura.utils import load_html
from wirearchive import __version__
from wirearchive.validators import Problem

from ..base import Extracted, ReadContext, Source, too_large
from .address import _choose_url
from .body import _extract_text
from .decode import _decode_page, _repair_article, _unclean_article
from .item import _build_item
from .metadata import read_structured
from .page import _HEAD_LIMIT, Page

MEDIA_TYPE = "text/html"
_MARKUP = re.compile(r"<(?:!doctype|html|head|body|meta|title|div|p|article|script)\b", re.I)


class HtmlReader:
    name = "html"
    version = __version__
    suffixes = (".html", ".htm", ".xhtml", ".shtml")

    def sniff(self, head: bytes, name: str) -> int:
        return sniff_html(head)

    def read(self, source: Source, context: ReadContext) -> Iterator[Extracted]:
        data = source.read(context.max_bytes)
        if data is None:
            problem = too_large(context.max_bytes)
            yield Extracted(source.name, self.name, self.version, None, MEDIA_TYPE, problem=problem)
            return
        fetched = source.uri if source.uri.startswith(("http://", "https://")) else None
        yield extract_page(data, path=source.name, context=context, url=fetched)


def sniff_html(head: bytes) -> int:
    """How sure we are that `head` starts an HTML page (0-100)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = head.decode("utf-16", "ignore")
    else:
        text = head.decode("latin-1")
    text = text.lstrip("\ufeff\xef\xbb\xbf \t\r\n").lower()
    # Skip an XML declaration, comments and processing instructions.
    while text.startswith(("<?", "<!--")):
        end = text.find("?>" if text.startswith("<?") else "-->")
        if end == -1:
            return 0
        text = text[end + (2 if text.startswith("<?") else 3) :].lstrip()
    if text.startswith("<!doctype"):
        return 95 if re.match(r"<!doctype\s+html", text) else 0
    tag = re.match(r"<([a-z][a-z0-9:._-]*)", text)
    if tag is not None:
        name = tag.group(1)
        if name == "html":
            return 95
        if name in ("head", "meta", "title", "body", "link", "base", "style", "script"):
            return 70
        if name in ("div", "p", "article", "main", "section", "header", "table", "span"):
            return 40
        return 0  # some XML: a feed, NITF, NewsML
    # Text before the markup (saved HTTP headers, a note): HTML only if clearly so.
    if re.search(r"<!doctype\s+html|<html[\s>]", text[:4096]):
        return 50
    return 0


def extract_page(
    data: bytes, *, path: str, context: ReadContext | None = None, url: str | None = None
) -> Extracted:
    """One saved page's bytes as an item, or the problem that keeps it from being one.

    `url` is the address the page was fetched from, when the caller knows it (a crawler,
    a WARC record): the item's uri when the page names none of its own, and the base for
    relative links.
    """
    try:
        return _extract_page(data, path, context or ReadContext(), url)
    except Exception as exc:  # noqa: BLE001 - the reader's boundary
        # trafilatura, htmldate and extruct on hostile markup may raise anything: the page
        # is quarantined with the reason and the batch goes on.
        return Extracted(
            path, READER.name, READER.version, data, MEDIA_TYPE,
            problem=Problem(
                rule="html.extraction-failed", message=f"{type(exc).__name__}: {exc}"[:500]
            ),
        )  # fmt: skip


def _extract_page(data: bytes, path: str, context: ReadContext, fetched: str | None) -> Extracted:

    def refused(problem: Problem, steps: Iterable[dict[str, str]] = ()) -> Extracted:
        return Extracted(
            path, READER.name, READER.version, data, MEDIA_TYPE, problem=problem,
            steps=tuple(steps),
        )  # fmt: skip

    if not data.strip():
        return refused(Problem(rule="input.empty", message="empty file, no page"))
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return refused(Problem(rule="input.binary", message="binary data, not a page (NUL bytes)"))
    page = Page()
    decoded = _decode_page(data, page, context.charset)
    if isinstance(decoded, Problem):
        return refused(decoded, page.steps)
    text = decoded.text
    if not _MARKUP.search(text[:_HEAD_LIMIT]):
        return refused(
            Problem(rule="html.not-html", message="no HTML markup in the first 64 KiB"), page.steps
        )
    try:
        tree = load_html(text)
    except (ValueError, TypeError, etree.LxmlError):
        tree = None
    if tree is None:
        return refused(
            Problem(rule="html.syntax", message="the page could not be parsed as HTML"),
            page.steps,
        )
    structured = read_structured(tree, text)
    url = _choose_url(structured, fetched, page)  # None: minted once the story is read
    document = _extract_text(tree, url, context, page)
    if document is None:
        return refused(
            Problem(
                rule="html.no-text",
                message="no article text found on the page (trafilatura kept nothing): "
                "an index page, a paywall or a page of scripts",
            ),
            page.steps,
        )
    _build_item(page, structured, document, url, tree, context)
    unclean = _unclean_article(decoded, page.item, document)
    if unclean is not None and unclean.rule == "input.mojibake":
        unclean = None if _repair_article(page.item, page) else unclean
    if unclean is not None:
        return refused(unclean, page.steps)
    return Extracted(
        path,
        READER.name,
        READER.version,
        data,
        f"{MEDIA_TYPE}; charset={decoded.encoding}",
        item=page.item,
        steps=tuple(page.steps),
        warnings=tuple(page.warnings),
    )


READER = HtmlReader()
