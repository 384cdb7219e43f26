"""The article text: trafilatura's body as ``text/html`` and as plain text."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from importlib.metadata import version as package_version
from typing import Any

import trafilatura
from lxml import etree
from lxml.html import HtmlElement
from trafilatura.htmlprocessing import convert_to_html
from trafilatura.settings import Document

from ..base import ReadContext
from .page import Page

_LIBRARIES = ", ".join(
    f"{name} {package_version(name)}" for name in ("trafilatura", "extruct", "htmldate")
)
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\ufeff"))
_BLOCKS = frozenset(
    ("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "tr", "table",
     "ul", "ol", "dl", "dt", "dd")
)  # fmt: skip
_CELLS = frozenset(("td", "th"))


def plain_text(fragment: str) -> str:
    """The text of an HTML body: one block per line, table cells apart, entities decoded."""
    if "<" not in fragment:
        return html.unescape(fragment)
    try:
        root = etree.fromstring(f"<div>{fragment}</div>", etree.HTMLParser())
    except etree.ParserError:
        return html.unescape(re.sub(r"<[^>]+>", " ", fragment))
    if root is None:
        return ""
    out: list[str] = []

    def visit(element: etree._Element) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in _BLOCKS:
            out.append("\n")
        elif tag in _CELLS:
            out.append(" ")
        elif tag == "br":
            out.append("\n")
        if element.text and tag:
            out.append(element.text)
        for child in element:
            visit(child)
        if tag in _BLOCKS:
            out.append("\n")
        if element.tail:
            out.append(element.tail)

    visit(root)
    lines = (" ".join(line.split()) for line in "".join(out).split("\n"))
    return "\n".join(line for line in lines if line)


@dataclass
class _Text:
    html: str
    text: str
    title: str | None
    author: str | None
    sitename: str | None
    date: str | None
    description: str | None
    categories: list[str]
    tags: list[str]


def _bare_extraction(tree: HtmlElement, **settings: Any) -> Document | None:
    found = trafilatura.bare_extraction(tree, **settings)
    return found if isinstance(found, Document) else None


def _extract_text(
    tree: HtmlElement, url: str | None, context: ReadContext, page: Page
) -> _Text | None:
    settings: dict[str, Any] = {
        "url": url,
        "with_metadata": True,
        # htmldate's original publication date, as `_dates` wants it: no later than the
        # capture, the whole page searched.
        "date_extraction_params": {
            "original_date": True,
            "extensive_search": True,
            "max_date": context.retrieved_at.strftime("%Y-%m-%d"),
        },
        "include_comments": False,
        "include_tables": True,
        "include_images": False,
        "include_links": False,
    }
    mode = "precision"
    document = _bare_extraction(tree, favor_precision=True, **settings)
    if document is None or not (document.text or "").strip():
        mode = "balanced (precision kept nothing)"
        document = _bare_extraction(tree, **settings)
    if document is None or not (document.text or "").strip() or document.body is None:
        return None
    body = convert_to_html(document.body).find("body")
    fragment = ""
    if body is not None:
        # The body's own text and its children's tails are text too (a line after a <br>).
        body.tail = None
        whole = etree.tostring(body, method="html", encoding="unicode").strip()
        fragment = whole.removeprefix("<body>").removesuffix("</body>").strip()
    if not fragment:
        lines = (document.text or "").splitlines()
        fragment = "".join(f"<p>{html.escape(line)}</p>" for line in lines if line)
    # Soft hyphens and zero-width spaces are hints for the page's layout; left in, they
    # split words for every search (trafilatura's own text drops them too).
    fragment = fragment.translate(_INVISIBLE)
    page.note("extract", f"{_LIBRARIES}; trafilatura {mode}, comments left out, text/html")
    return _Text(
        html=fragment,
        text=plain_text(fragment),
        title=document.title,
        author=document.author,
        sitename=document.sitename,
        date=document.date,
        description=document.description,
        categories=list(document.categories or []),
        tags=list(document.tags or []),
    )
