"""The article text: trafilatura's body as ``text/html`` and as plain text.

trafilatura reads the page in precision mode, first without its external fallbacks
(readability, jusText), which on most pages change nothing and cost half its time. Only a
short precision text is doubted: then the balanced mode gives a second opinion (the body
when precision kept less than half of its text) and, when precision kept little, the full
precision cascade reads the page again. The lead that precision dropped is put back when
the page's description confirms it, from the balanced text or else from the page itself.
"""

from __future__ import annotations

import copy
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


def _has_text(document: Document | None) -> bool:
    return document is not None and bool((document.text or "").strip())


def _blocks(document: Document) -> etree._Element | None:
    """trafilatura's body as HTML: a ``<body>`` of paragraphs, headings, lists, tables."""
    if document.body is None:
        return None
    return convert_to_html(document.body).find("body")


def _fold(text: str) -> str:
    return " ".join(html.unescape(text).split()).casefold().rstrip(" .…")


def _block_text(element: etree._Element) -> str:
    return _fold("".join(str(t) for t in element.itertext()))


#: How much of the description and a paragraph must agree for one to confirm the other
#: (descriptions are often the lead cut short with "…").
_LEAD_PREFIX = 60
_LEAD_MIN = 40


def _restore_lead(kept: etree._Element, wider: etree._Element, description: str | None) -> bool:
    """Put back the lead (standfirst) that precision mode dropped, when the page's own
    description confirms it: a paragraph of the balanced extraction that comes before the
    first paragraph precision kept and that the description starts, or starts with."""
    wanted = _fold(description or "")
    first = next((_block_text(e) for e in kept if _block_text(e)), None)
    if len(wanted) < _LEAD_MIN or first is None:
        return False
    for element in wider:
        text = _block_text(element)
        if text == first:
            return False
        if len(text) >= _LEAD_MIN and (
            text.startswith(wanted[:_LEAD_PREFIX]) or wanted.startswith(text[:_LEAD_PREFIX])
        ):
            lead = copy.deepcopy(element)
            lead.tail = None
            kept.insert(0, lead)
            return True
    return False


#: Text nodes of the page holding a word of the description: where a lead may start.
_HOLDING = etree.XPath("//body//text()[contains(., $word)]")
#: How far above such a text node its lead paragraph may be (``<p><b>text``), and how
#: many such nodes are looked at: a common word must not make the search quadratic.
_LEAD_DEPTH = 4
_LEAD_NODES = 50


def _confirms(text: str, wanted: str) -> bool:
    return len(text) >= _LEAD_MIN and (
        text.startswith(wanted[:_LEAD_PREFIX]) or wanted.startswith(text[:_LEAD_PREFIX])
    )


def _restore_lead_from_page(
    kept: etree._Element, tree: HtmlElement, description: str | None
) -> bool:
    """`_restore_lead` without a balanced text: the first, innermost element of the page
    whose text the description confirms and that holds no paragraph precision kept;
    unless the kept text already holds the description."""
    wanted = _fold(description or "")
    blocks = [text for text in map(_block_text, kept) if text]
    if len(wanted) < _LEAD_MIN or not blocks or wanted[:_LEAD_PREFIX] in " ".join(blocks):
        return False
    words = html.unescape(description or "").split()[:6]
    found = _HOLDING(tree, word=max(words, key=len))
    for node in found[:_LEAD_NODES] if isinstance(found, list) else []:
        if not isinstance(node, etree._ElementUnicodeResult):
            continue
        parent = node.getparent()
        if parent is not None and node.is_tail:
            parent = parent.getparent()
        for _ in range(_LEAD_DEPTH):
            if parent is None or parent.tag in ("script", "style", "noscript", "template"):
                break
            text = _block_text(parent)
            if len(text) > 4 * len(wanted) + 1000 or any(block in text for block in blocks):
                break  # a container of the article, or of much more than a lead
            if _confirms(text, wanted):
                lead = etree.Element("p")
                lead.text = " ".join("".join(str(t) for t in parent.itertext()).split())
                kept.insert(0, lead)
                return True
            parent = parent.getparent()
    return False


#: Precision mode keeping less than this share of the balanced mode's text has most likely
#: thrown the article away with its boilerplate (a page of short paragraphs, a list, a
#: blog engine's markup): the balanced text is then the better guess.
_PRECISION_SHARE = 0.5


def _too_little(precise: Document | None, balanced: Document | None) -> bool:
    if precise is None or balanced is None or not _has_text(balanced):
        return False
    return len(precise.text or "") < _PRECISION_SHARE * len(balanced.text or "")


#: A precision text is doubted, and the balanced mode asked too, when it is shorter than
#: `_SHORT` characters, or shorter than `_DOUBTFUL` and than `_PAGE_SHARE` of all the text
#: on the page (scripts included). On the 497 pages of the development set, every page
#: whose balanced text was twice as long as the precision text is doubted so (the longest
#: such precision text held 2,289 characters, 6.1% of its page; the largest share was 6.9%)
#: and three pages in four are not.
_SHORT = 500
_DOUBTFUL = 2500
_PAGE_SHARE = 0.1
#: A fast precision text shorter than this share of the balanced one is read again with
#: trafilatura's whole cascade (readability, jusText) before it is judged.
_RECHECK_SHARE = 0.9


def _text_length(document: Document | None) -> int:
    return len(document.text or "") if document is not None else 0


def _doubtful(precise: Document | None, tree: HtmlElement) -> bool:
    """Whether precision mode may have thrown the article away (see `_SHORT`)."""
    length = _text_length(precise)
    if length < _SHORT:
        return True
    if length >= _DOUBTFUL:
        return False
    return length < _PAGE_SHARE * len(" ".join(tree.text_content().split()))


def _extract_text(
    tree: HtmlElement,
    url: str | None,
    context: ReadContext,
    page: Page,
) -> _Text | None:
    settings: dict[str, Any] = {
        "url": url,
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
    precise = _bare_extraction(
        tree, favor_precision=True, fast=True, with_metadata=True, **settings
    )
    # trafilatura's metadata is read once, by the first run that returns a document (in
    # fast mode it returns none when it keeps no text); the text chosen gets it.
    meta = precise
    balanced: Document | None = None
    runs = "fast mode"
    if _doubtful(precise, tree):
        # The balanced text is a second opinion on how much is article.
        balanced = _bare_extraction(tree, with_metadata=meta is None, **settings)
        if meta is None:
            meta = balanced
        if precise is None or _text_length(precise) < _RECHECK_SHARE * _text_length(balanced):
            cascade = _bare_extraction(
                tree, favor_precision=True, with_metadata=meta is None, **settings
            )
            if meta is None:
                meta = cascade
            if cascade is not None:
                precise = cascade
                runs = "fast mode kept little, read again with readability and jusText"
    document, mode = precise, "precision"
    if not _has_text(precise):
        document, mode = balanced, "balanced (precision kept nothing)"
    elif _too_little(precise, balanced):
        document, mode = balanced, "balanced (precision kept less than half of its text)"
    if document is not None and meta is not None and document is not meta:
        _copy_metadata(meta, document)  # the same page, the same reading
    if document is None or not _has_text(document):
        return None
    body = _blocks(document)
    if body is None:
        return None
    if document is precise and precise is not None:
        wider = _blocks(balanced) if balanced is not None else None
        if wider is not None:
            if _restore_lead(body, wider, precise.description):
                mode += ", the lead the description confirms put back from the balanced text"
        elif _restore_lead_from_page(body, tree, precise.description):
            mode += ", the lead the description confirms put back from the page"
    fragment = ""
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
    page.note("extract", f"{_LIBRARIES}; trafilatura {mode}, comments left out, text/html; {runs}")
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


_METADATA = ("title", "author", "sitename", "date", "description", "categories", "tags")


def _copy_metadata(source: Document, target: Document) -> None:
    for name in _METADATA:
        setattr(target, name, getattr(source, name))
