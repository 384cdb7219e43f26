"""HTML bodies reduced to what a reader sees: semantic tags, meaningful attributes, text.

One tree transformation serves two ends. `canonical_html` is the form a digest is taken
over, so a site that renames its CSS classes, re-indents its markup or spells ``&nbsp;``
as ``&#160;`` does not make a new version of every story. `semantic_html` is the form an
archived body is stored in: the same tags and attributes, laid out one block per line.
Both come from `_clean`, so ``canonical_html(semantic_html(x)) == canonical_html(x)``.

The parser is lxml's HTML parser with network access off; HTML has no entity
declarations or DTD loading to turn off beyond that.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from lxml import etree

__all__ = ["HTML_TYPES", "Cleaned", "canonical_html", "is_html", "semantic_html"]

#: ``contentType`` values whose ``value`` is HTML.
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})

#: Tags kept as they are: they say what the text is (a paragraph, a quote, a link ...).
_SEMANTIC = frozenset(
    ("p", "br", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd",
     "blockquote", "pre", "code", "em", "strong", "b", "i", "u", "s", "sub", "sup", "q",
     "cite", "abbr", "a", "table", "thead", "tbody", "tfoot", "tr", "td", "th", "caption",
     "figure", "figcaption", "img", "hr", "aside", "small", "mark", "del", "ins", "span")
)  # fmt: skip
#: Elements dropped with everything inside them: never text for a reader.
_DROPPED = frozenset(
    ("script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "form",
     "input", "button", "select", "textarea", "noscript", "template", "svg", "math", "link",
     "meta", "base", "canvas", "head", "title")
)  # fmt: skip
#: Layout containers: unwrapped, or made a paragraph when they hold only inline text.
_LAYOUT = frozenset(
    ("div", "section", "article", "header", "footer", "main", "center", "address", "nav",
     "html", "body")
)  # fmt: skip
#: Elements that start a new block, so white space next to them is not seen.
_BLOCKS = frozenset(
    ("p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd",
     "blockquote", "pre", "table", "thead", "tbody", "tfoot", "tr", "td", "th", "caption",
     "figure", "figcaption", "hr", "br", "aside", *_LAYOUT)
)  # fmt: skip
_UNWRAP = "wirearchive-unwrap"  # marks spans that carry nothing, for one strip_tags
#: Attributes that change what the text means or where a link goes; all others
#: (class, id, style, data-*, event handlers, widths ...) are presentation.
_ANY_TAG = frozenset(("lang", "dir"))
_ATTRIBUTES = {
    "a": frozenset(("href",)),
    "img": frozenset(("src", "alt")),
    "td": frozenset(("colspan", "rowspan")),
    "th": frozenset(("colspan", "rowspan")),
    "ol": frozenset(("start", "reversed")),
    "q": frozenset(("cite",)),
    "blockquote": frozenset(("cite",)),
    "abbr": frozenset(("title",)),
}
_NO_ATTRIBUTES: frozenset[str] = frozenset()

# Not \s: U+00A0 is a visible, non-breaking space.
_SPACE = re.compile(r"[ \t\n\r\f]+")
_EDGE = " \t\n\r\f"
_TOKENS = re.compile(r"(<[^>]*>)")
_VOID_END = re.compile(r"<((?:br|hr|img)\b[^>]*?)/>")
_LINE_END = re.compile(r"(</(?:p|h[1-6]|ul|ol|dl|li|blockquote|pre|figure|table|aside)>|<hr>)(?=<)")
_UNSAFE_URL = re.compile(r"^[\s\x00-\x1f]*(?:javascript|vbscript|data):", re.IGNORECASE)

_PARSER = etree.HTMLParser(no_network=True, remove_comments=True, remove_pis=True, recover=True)


@dataclass(slots=True)
class Cleaned:
    """A fragment's semantic form, and what was taken away to get there."""

    html: str
    attributes: Counter[str] = field(default_factory=Counter)
    unwrapped: Counter[str] = field(default_factory=Counter)
    dropped: Counter[str] = field(default_factory=Counter)

    @property
    def changed(self) -> bool:
        return bool(self.attributes or self.unwrapped or self.dropped)

    def summary(self) -> str:
        """What was stripped, for a provenance step: ``class ×3, style ×1; div ×2``."""
        parts = []
        for label, counts in (
            ("attributes", self.attributes),
            ("unwrapped", self.unwrapped),
            ("dropped", self.dropped),
        ):
            if counts:
                named = ", ".join(f"{name} ×{n}" for name, n in sorted(counts.items()))
                parts.append(f"{label} {named}")
        return "; ".join(parts)


def is_html(content_type: object) -> bool:
    """Whether a ``contentType`` names HTML (parameters such as charset ignored)."""
    return isinstance(content_type, str) and content_type.split(";")[0].strip() in HTML_TYPES


def _parse(fragment: str) -> etree._Element | None:
    # The div keeps libxml2 from wrapping leading text in an implied <p>.
    try:
        document = etree.fromstring(f"<html><body><div>{fragment}</div></body></html>", _PARSER)
    except (etree.ParserError, ValueError):  # NUL bytes, or nothing at all
        return None
    body = None if document is None else document.find("body")
    if body is None:
        return None
    if len(body) and body[0].tag == "div" and not body[0].attrib:
        _unwrap(body[0])  # our own wrapper
    return body


def _drop(element: etree._Element) -> None:
    """Remove an element with what it holds, keeping the text after it."""
    parent = element.getparent()
    assert parent is not None
    tail = element.tail
    previous = element.getprevious()
    if tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)


def _holds_blocks(element: etree._Element) -> bool:
    return any(isinstance(child.tag, str) and child.tag in _BLOCKS for child in element)


def _has_own_text(element: etree._Element) -> bool:
    if element.text and element.text.strip():
        return True
    return any(child.tail and child.tail.strip() for child in element)


def _clean(root: etree._Element, found: Cleaned) -> None:
    """Strip presentation from the tree under `root`, in place, counting what went.

    The walks are lxml's own where they can be (filtered `iter`, `strip_tags`): this
    runs for every HTML value of every item put into the archive.
    """
    tags = {element.tag for element in root.iterdescendants()}
    if not tags.isdisjoint(_DROPPED):
        for element in list(root.iter(*_DROPPED)):
            found.dropped[str(element.tag)] += 1
            if element.getparent() is not None:
                _drop(element)
    if not tags.isdisjoint(_LAYOUT):
        for element in root.iter(*_LAYOUT):
            if element is not root and _has_own_text(element) and not _holds_blocks(element):
                found.unwrapped[str(element.tag)] += 1
                element.tag = "p"
    for element in root.iterdescendants():
        if not element.attrib:
            continue
        allowed = _ATTRIBUTES.get(str(element.tag), _NO_ATTRIBUTES)
        for name in list(element.attrib):
            key = str(name).lower()
            if key == "xml:lang":
                element.set("lang", str(element.attrib.pop(name)))
            elif key in _ANY_TAG or key in allowed:
                if key in ("href", "src", "cite") and _UNSAFE_URL.match(str(element.attrib[name])):
                    found.attributes[key] += 1
                    del element.attrib[name]
            else:
                found.attributes["data-*" if key.startswith("data-") else key] += 1
                del element.attrib[name]
        if len(element.attrib) > 1:  # one order, whatever the page's
            ordered = sorted(element.attrib.items())
            element.attrib.clear()
            for name, value in ordered:
                element.set(name, value)
    unwrap = {str(tag) for tag in tags if isinstance(tag, str)} - _SEMANTIC - _DROPPED
    for tag in unwrap:
        found.unwrapped[tag] += sum(1 for _ in root.iter(tag))
    if "span" in tags:
        for element in root.iter("span"):
            if not element.attrib:
                element.tag = _UNWRAP
        unwrap.add(_UNWRAP)
    if unwrap:
        etree.strip_tags(root, *unwrap)


def _unwrap(element: etree._Element) -> None:
    """Replace an element by its content (lxml.etree elements have no drop_tag)."""
    parent = element.getparent()
    assert parent is not None
    index = parent.index(element)
    previous = element.getprevious()
    if element.text:
        if previous is not None:
            previous.tail = (previous.tail or "") + element.text
        else:
            parent.text = (parent.text or "") + element.text
    children = list(element)
    for offset, child in enumerate(children):
        parent.insert(index + offset, child)
    if element.tail:
        if children:
            last = children[-1]
            last.tail = (last.tail or "") + element.tail
        else:
            before = parent[index - 1] if index > 0 else None
            if before is not None:
                before.tail = (before.tail or "") + element.tail
            else:
                parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _collapse(text: str) -> str:
    # Most text has nothing to collapse; five substring scans cost far less than a
    # regular expression that replaces each space by itself.
    if "  " in text or "\n" in text or "\t" in text or "\r" in text or "\f" in text:
        return _SPACE.sub(" ", text)
    return text


def _tag_name(tag: str) -> str:
    """The name in a tag lxml wrote: ``<p>``, ``</p>``, ``<a href="...">``, ``<br/>``."""
    name = tag[2:] if tag[1] == "/" else tag[1:]
    return name.partition(" ")[0].rstrip("/>")


def _serialise(root: etree._Element) -> str:
    """lxml's serialisation (one spelling per character), then white space as a browser
    shows it: runs collapsed, none at a block's edges, ``pre`` kept as it is.

    One C-level split into text and tags and a pass over the pieces: per-node Python
    work or regular expressions over the whole text cost several times more.
    """
    markup = etree.tostring(root, encoding="unicode", with_tail=False)
    if markup.endswith("/>"):  # <body/>: nothing in it
        return ""
    parts = _TOKENS.split(markup[len("<body>") : -len("</body>")])
    names = [_tag_name(part) if index % 2 else "" for index, part in enumerate(parts)]
    blocks = [name in _BLOCKS for name in names]
    out: list[str] = []
    pre = 0
    last = len(parts) - 1
    for index, part in enumerate(parts):
        if index % 2:  # a tag
            if names[index] == "pre" and not part.endswith("/>"):
                pre += -1 if part[1] == "/" else 1
            out.append(part)
        elif part and pre:
            out.append(part)
        elif part:
            text = _collapse(part)
            if index == 0 or blocks[index - 1]:
                text = text.lstrip(_EDGE)
            if index == last or blocks[index + 1]:
                text = text.rstrip(_EDGE)
            out.append(text)
    return "".join(out)


def _cleaned(fragment: str) -> Cleaned:
    root = _parse(fragment)
    if root is None:
        return Cleaned(_escape(fragment))
    found = Cleaned("")
    _clean(root, found)
    found.html = _serialise(root)
    return found


#: Blocks and inline tags the fast path takes as they are: what `semantic_html` stores for
#: most article bodies (paragraphs and headings with emphasis and links).
_FAST_BLOCKS = frozenset(("p", "h1", "h2", "h3", "h4", "h5", "h6"))
_FAST_INLINE = frozenset(
    ("em", "strong", "b", "i", "u", "s", "sub", "sup", "q", "cite", "abbr", "code", "small",
     "mark", "del", "ins")
)  # fmt: skip
_FAST_TAGS = {f"<{name}>": name for name in _FAST_BLOCKS | _FAST_INLINE}
_FAST_CLOSE = {f"</{name}>": name for name in _FAST_BLOCKS | _FAST_INLINE | {"a"}}
_HREF = re.compile(r'<a href="([^"&<>\s]+)">')
_CONTROL = re.compile(r"[\x00-\x1f]")
_ENTITY = re.compile(r"&(?!(?:amp|lt|gt);)")


def _fast_text(text: str) -> str | None:
    """A text piece as the parse and serialisation would leave it, None if unsure."""
    if ">" in text or ("&" in text and _ENTITY.search(text)):
        return None
    text = _collapse(text)
    if not text.isprintable() and _CONTROL.search(text):  # libxml2 replaces these
        return None
    return text


def _fast_canonical(fragment: str) -> str | None:
    """`canonical_html` without parsing, for a fragment already in the stored form:
    blocks of text with unattributed inline tags and plain links, well nested, with only
    ``&amp;``, ``&lt;`` and ``&gt;`` for entities. None for anything else, which takes the
    full path; `test_markup` checks the two agree.
    """
    parts = _TOKENS.split(fragment)
    out: list[str] = []
    stack: list[str] = []
    last = len(parts) - 1
    for index, part in enumerate(parts):
        if index % 2:  # a tag
            name = _FAST_TAGS.get(part)
            if name is None:
                closing = _FAST_CLOSE.get(part)
                if closing is not None:
                    if not stack or stack.pop() != closing or not parts[index - 1]:
                        return None  # mismatched, or empty (lxml writes <p/> for those)
                    out.append(part)
                    continue
                link = _HREF.fullmatch(part)
                if link is None or _UNSAFE_URL.match(link.group(1)) or not stack:
                    return None
                name = "a"
            if (name in _FAST_BLOCKS) != (not stack) or name in stack:
                return None  # blocks only at the top, inline tags only inside, no nesting
            stack.append(name)
            out.append(part)
        elif not stack:  # between blocks: only white space, which is dropped
            if part.strip(_EDGE):
                return None
        elif part:
            text = _fast_text(part)
            if text is None:
                return None
            if parts[index - 1] in _BLOCK_OPEN:
                text = text.lstrip(_EDGE)
            if index < last and parts[index + 1] in _BLOCK_CLOSE:
                text = text.rstrip(_EDGE)
            out.append(text)
    return None if stack else "".join(out)


_BLOCK_OPEN = frozenset(f"<{name}>" for name in _FAST_BLOCKS)
_BLOCK_CLOSE = frozenset(f"</{name}>" for name in _FAST_BLOCKS)


def canonical_html(fragment: str) -> str:
    """The fragment as a reader sees it: semantic markup, one spelling per character,
    no white space a browser would not show. Deterministic: equal input, equal output."""
    if "<" not in fragment and "&" not in fragment:  # plain text: only spacing to settle
        return _collapse(fragment).strip(" \t\n\r\f")
    fast = _fast_canonical(fragment)
    return fast if fast is not None else _cleaned(fragment).html


def semantic_html(fragment: str) -> Cleaned:
    """The fragment with presentation stripped, one block per line, for storing."""
    found = _cleaned(fragment)
    found.html = _LINE_END.sub("\\1\n", _VOID_END.sub(r"<\1>", found.html))
    return found
