"""Strict JSON text: one meaning per document, or a `Problem` that says why not.

orjson is fast but, like every JSON parser, lenient where RFC 8259 lets it be: it keeps the
last of two equal keys silently, and it nests as deep as 1,024 levels, which our own log
encoder (``orjson.dumps``, 254 levels) and the validators cannot follow. An archive of
provenance must not guess which of two headlines was meant, so `parse` refuses:

- ``json.duplicate-key``: a key twice in one object, whether the values differ or not (the
  message says which); I-JSON (RFC 7493 §2.3) makes unique names a MUST, and an equal
  repeat is still a sign the producer is broken.
- ``json.non-finite``: ``NaN``, ``Infinity``, ``-Infinity`` and numbers too large for a
  double (``1e999``): Python's ``json`` reads them, JSON has no such values.
- ``json.too-deep``: more than `MAX_DEPTH` nested arrays and objects, caught before any
  recursive code (the validators, the log encoder) sees the document.
- ``json.control-character``: U+0000-U+001F, U+007F or U+0080-U+009F in an identifier: the
  ``uri``, ``href`` or ``guid`` of the item and of the objects in its lists and maps
  (subjects, renditions ...), every string under ``altIds`` (``altids`` in ninjs 1.x), and
  the same in each association. Body text is not an identifier and is left alone.

Text may be UTF-8 (a BOM is skipped), or UTF-16 or UTF-32 when it starts with a byte order
mark (RFC 8259 §8.1 lets a parser accept one); it is transcoded to UTF-8 first. UTF-16
without a BOM stays ``input.encoding``.

The common, clean document pays for one orjson parse, one ``orjson.dumps`` and a few byte
counts and searches at C speed; the exact tokenizer and walk that name the JSON path and
line of a problem run only when those say something may be wrong. Measured on generated
2.5 KB wire items: `parse` costs 2 to 3 times a bare ``orjson.loads`` (where
``json.loads(object_pairs_hook=...)`` costs 3 to 4 times), and ``wirearchive validate`` on
3,000 JSON Lines items runs about 9% slower than with a bare ``orjson.loads``.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from typing import Any

import orjson

from .problems import Problem

__all__ = ["MAX_DEPTH", "check_parsed", "decode_text", "parse"]

#: Nesting limit for arrays and objects together; a ninjs item needs about 10 levels, and
#: an archived record adds 3 around the item, well inside orjson.dumps's 254.
MAX_DEPTH = 64

# UTF-32 first: its little-endian BOM starts with UTF-16's.
_WIDE_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)

#: The first byte of every byte order mark above and of UTF-8's.
_BOM_STARTS = frozenset({codecs.BOM_UTF8[:1], *(bom[:1] for bom, _, _ in _WIDE_BOMS)})

#: Members whose string value is an identifier; members under which every string is one.
_ID_KEYS = frozenset({"uri", "href", "guid"})
_ID_CONTAINERS = frozenset({"altIds", "altids"})
_ID_FIELDS = ("uri", "href", "guid", "altIds", "altids")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
# In orjson's compact output a control character is a short escape or \u escape (C0), a
# raw 0x7F, or a raw C1 (0xC2 0x80-0x9F) byte pair; keys are never escaped there.
_SUSPECT_IDENTIFIER = re.compile(rb'"(?:uri|href|guid)":"[^"\\\x7f\xc2]*[\\\x7f\xc2]')
_COMPACT_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_BRACKETS = bytes(sorted(set(range(256)) - set(b"[]{}")))
_FOLD_BRACES = bytes.maketrans(b"{}", b"[]")

_STRING = re.compile(r'"[^"\\\x00-\x1f]*(?:\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})[^"\\\x00-\x1f]*)*"')
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_LITERAL = re.compile(r"true|false|null")
_NON_FINITE = re.compile(r"-?Infinity|NaN")
#: Markup where a JSON document was expected: the first element's name, after any XML
#: declaration, processing instructions, comments and doctype.
_MARKUP = re.compile(
    r"\A\s*(?:<\?.*?\?>\s*|<!--.*?-->\s*|<!DOCTYPE[^>]*>\s*)*<([A-Za-z_][\w:.-]*)", re.DOTALL
)
_OPENER = {"]": "[", "}": "{"}
_EMPTY = {"]": "value-or-end", "}": "key-or-end"}  # the state right after the opener


def _skip(text: str, pos: int) -> int:
    """The position after any JSON whitespace at `pos`."""
    while pos < len(text) and text[pos] in " \t\n\r":
        pos += 1
    return pos


def decode_text(data: bytes) -> tuple[bytes, Problem | None]:
    """The document as UTF-8 bytes: a UTF-8 BOM dropped, UTF-16/32 with a BOM transcoded."""
    if data[:1] not in _BOM_STARTS:  # the common case: JSON text starts with "{" or "["
        return data, None
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :], None
    for bom, codec, name in _WIDE_BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(codec).encode("utf-8"), None
            except UnicodeDecodeError as exc:
                return b"", Problem(
                    rule="input.encoding",
                    message=f"{name} byte order mark, but not {name} text: {exc.reason} at "
                    f"byte {exc.start + len(bom)}",
                )
    return data, None


def _where(text: str, pos: int) -> str:
    line = text.count("\n", 0, pos) + 1
    column = pos - (text.rfind("\n", 0, pos) + 1) + 1
    return f"line {line}, column {column}"


@dataclass(slots=True)
class _Frame:
    """An open array or object while scanning: where we are in it and what it held."""

    kind: str
    step: str | int = 0
    key_at: int = 0
    value_at: int = 0
    keys: dict[str, tuple[int, int, int]] = field(default_factory=dict)


def _member_end(text: str, frame: _Frame, end: int, path: tuple[str | int, ...]) -> Problem | None:
    """Close the current member of an object; a key already seen there is a problem."""
    assert isinstance(frame.step, str)
    value_end = end
    while value_end > frame.value_at and text[value_end - 1] in " \t\n\r":
        value_end -= 1
    earlier = frame.keys.get(frame.step)
    if earlier is None:
        frame.keys[frame.step] = (frame.key_at, frame.value_at, value_end)
        return None
    first_key, first_start, first_end = earlier
    same = orjson.loads(text[first_start:first_end]) == orjson.loads(
        text[frame.value_at : value_end]
    )
    values = "the same value" if same else "different values"
    return Problem(
        rule="json.duplicate-key",
        message=f"key {frame.step!r} appears twice in one object ({_where(text, first_key)} "
        f"and {_where(text, frame.key_at)}), with {values}: the document has no single meaning",
        path=path,
    )


def _scan(text: str, *, duplicates: bool, max_depth: int = MAX_DEPTH) -> Problem | None:
    """Walk the text token by token, without recursion, to the first problem it holds.

    Finds nesting past `max_depth`, non-finite numbers and (when asked) duplicate keys,
    each with its JSON path and line. Returns None at the end of the text or at a syntax
    error: reporting those is orjson's job.
    """
    stack: list[_Frame] = []
    pos, size = 0, len(text)
    state = "value"  # what may come next: value, value-or-end, key, key-or-end, colon, after

    def path() -> tuple[str | int, ...]:
        return tuple(frame.step for frame in stack)

    while True:
        pos = _skip(text, pos)
        if pos >= size:
            return None
        char = text[pos]
        if state == "colon":
            if char != ":":
                return None
            pos = _skip(text, pos + 1)
            stack[-1].value_at = pos
            state = "value"
        elif state in ("key", "key-or-end") and char == '"':
            if not (match := _STRING.match(text, pos)):
                return None
            frame = stack[-1]
            frame.step, frame.key_at = orjson.loads(match.group()), pos
            pos, state = match.end(), "colon"
        elif state == "after" and char == "," and stack:
            frame = stack[-1]
            if frame.kind == "{":
                if duplicates and (problem := _member_end(text, frame, pos, path())):
                    return problem
                state = "key"
            else:
                assert isinstance(frame.step, int)
                frame.step += 1
                state = "value"
            pos += 1
        elif char in "]}" and state in ("after", _EMPTY[char]):
            if not stack or stack[-1].kind != _OPENER[char]:
                return None
            frame = stack[-1]
            closes_member = state == "after" and char == "}" and duplicates
            if closes_member and (problem := _member_end(text, frame, pos, path())):
                return problem
            stack.pop()
            pos, state = pos + 1, "after"
        elif state not in ("value", "value-or-end"):
            return None
        elif char in "[{":
            if len(stack) >= max_depth:
                return Problem(
                    rule="json.too-deep",
                    message=f"nested more than {max_depth} levels deep: level "
                    f"{len(stack) + 1} starts at {_where(text, pos)} (ninjs needs about 10)",
                    path=path(),
                )
            stack.append(_Frame(char))
            pos, state = pos + 1, "value-or-end" if char == "[" else "key-or-end"
        elif char == '"' and (match := _STRING.match(text, pos)):
            pos, state = match.end(), "after"
        elif match := _NON_FINITE.match(text, pos):
            return _non_finite(text, pos, match.group(), path())
        elif match := _NUMBER.match(text, pos):
            if abs(float(match.group())) == float("inf"):
                return _non_finite(text, pos, match.group(), path())
            pos, state = match.end(), "after"
        elif match := _LITERAL.match(text, pos):
            pos, state = match.end(), "after"
        else:
            return None


def _non_finite(text: str, pos: int, token: str, path: tuple[str | int, ...]) -> Problem:
    return Problem(
        rule="json.non-finite",
        message=f"{token} at {_where(text, pos)}: JSON numbers are finite (RFC 8259 §6); "
        "NaN and Infinity have no JSON form",
        path=path,
    )


def _bad_identifier(value: Any, path: tuple[str | int, ...]) -> Problem | None:
    """The first string at or under `value` that holds a control character."""
    if isinstance(value, str) and value.isprintable():  # C-fast; most identifiers end here
        return None
    stack: list[tuple[tuple[str | int, ...], Any]] = [(path, value)]
    while stack:
        here, node = stack.pop()
        if isinstance(node, str):
            if match := _CONTROL.search(node):
                return Problem(
                    rule="json.control-character",
                    message=f"control character U+{ord(match.group()):04X} at character "
                    f"{match.start() + 1} of an identifier: identifiers must be printable",
                    path=here,
                )
        elif isinstance(node, dict):
            stack += reversed([((*here, k), v) for k, v in node.items()])
        elif isinstance(node, list):
            stack += reversed([((*here, i), v) for i, v in enumerate(node)])
    return None


def _identifier_problem(item: Any, path: tuple[str | int, ...] = ()) -> Problem | None:
    """The first identifier of an item, in document order, that holds a control character.

    Identifiers live at known places in every ninjs version: ``uri``, ``href`` and ``guid``
    of the item and of the objects in its lists and maps (subjects, genres, renditions ...),
    every string under ``altIds``/``altids``, and all of that again in each association,
    which is an item itself. Looking only there keeps the walk short.
    """
    if not isinstance(item, dict):
        return None
    for key, child in item.items():
        here = (*path, key)
        if key in _ID_KEYS or key in _ID_CONTAINERS:
            if problem := _bad_identifier(child, here):
                return problem
            continue
        entries = enumerate(child) if isinstance(child, list) else ()
        if isinstance(child, dict):
            entries = child.items()  # type: ignore[assignment]  # 1.x maps: name -> object
        for step, entry in entries:
            if not isinstance(entry, dict):
                continue
            if key == "associations":
                problem = _identifier_problem(entry, (*here, step))
            else:
                problem = next(
                    (
                        found
                        for name in _ID_FIELDS
                        if name in entry
                        if (found := _bad_identifier(entry[name], (*here, step, name)))
                    ),
                    None,
                )
            if problem:
                return problem
    return None


def _deeper_than(compact: bytes, limit: int) -> bool:
    """Whether orjson's compact output nests more than `limit` levels, at C speed.

    No more opening brackets than the limit cannot nest past it (the common case, two
    counts); otherwise strings are cut out and innermost pairs removed one level at a time.
    """
    if compact.count(b"[") + compact.count(b"{") <= limit:
        return False
    # Balanced once strings are gone, so braces may be folded into brackets; one replace
    # pass removes exactly the innermost (empty) pairs, one level.
    brackets = _COMPACT_STRING.sub(b"", compact).translate(_FOLD_BRACES, _NOT_BRACKETS)
    for _ in range(limit):
        brackets = brackets.replace(b"[]", b"")
        if not brackets:
            return False
    return True


def _may_hide_duplicates(text: bytes, compact: bytes) -> bool:
    """Whether the text may hold more keys than orjson kept (it keeps the last of equal keys).

    A colon in JSON text is either a member's separator or a byte inside a string. orjson's
    output holds one separator per kept key and the colons of the kept strings; the text
    holds one separator per key it spells and the colons of all its strings, the dropped
    values' too. So, unless the text spelt a colon as a \\u escape (then the output has one
    the text does not, and the scanner looks closely), the text holds exactly as many colons
    as the output when no key was dropped, and more when one was: two byte counts, without
    copying the text.
    """
    if text == compact:  # machine-written compact JSON: nothing was dropped
        return False
    if b"\\u00" in text and (b"\\u003a" in text or b"\\u003A" in text):
        return True
    return text.count(b":") > compact.count(b":")


def _may_hold_bad_identifier(compact: bytes) -> bool:
    """Whether an identifier in orjson's output may hold a control character.

    There keys are never escaped and a control character is always a short or \\u escape,
    a raw 0x7F or a raw C1 pair (0xC2 0x80-0x9F): an output free of backslashes, 0x7F and
    0xC2 is clean (three byte searches); else an identifier value free of them is, and
    one regex with a literal start finds the others.
    """
    if b"\\" not in compact and b"\x7f" not in compact and b"\xc2" not in compact:
        return False
    if _SUSPECT_IDENTIFIER.search(compact):
        return True
    return b'"altIds":' in compact or b'"altids":' in compact


def check_parsed(text: bytes, value: Any, *, max_depth: int = MAX_DEPTH) -> Problem | None:
    """What makes a parsed document ambiguous or hostile, if anything; `text` is its UTF-8.

    The clean common case costs one ``orjson.dumps`` and a few byte counts; the token
    scanner and the walk that name the path run only when those say there may be a problem.
    """
    try:
        compact = orjson.dumps(value)
    except orjson.JSONEncodeError:  # past orjson's own 254 levels: certainly too deep
        compact = None
    too_deep = compact is None or _deeper_than(compact, max_depth)
    duplicates = compact is not None and _may_hide_duplicates(text, compact)
    if too_deep or duplicates:
        found = _scan(text.decode(), duplicates=duplicates, max_depth=max_depth)
        if found is not None:
            return found
    if compact is None:  # the scanner always finds this; say it plainly if it did not
        return Problem(rule="json.too-deep", message="nested deeper than orjson can write")
    if _may_hold_bad_identifier(compact):
        return _identifier_problem(value)
    return None


def parse(data: bytes) -> tuple[Any, Problem | None]:
    """Parse one JSON document from bytes; never raises for bad content.

    Returns the value and None, or None and the problem; see the module docstring.
    """
    text, problem = decode_text(data)
    if problem is not None:
        return None, problem
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        return None, _failure(text, exc)
    problem = check_parsed(text, value)
    return (None, problem) if problem is not None else (value, None)


def _byte_problem(data: bytes) -> Problem | None:
    """Say why bytes are not UTF-8 JSON text, if that is the reason they fail to parse."""
    nul = data.find(b"\x00")
    if nul != -1:
        head = data[:64]
        if (
            len(head) >= 4
            and (  # ASCII-range text in UTF-16: every other byte is NUL
                (head[1::2].count(0) == len(head[1::2]) and head[0::2].count(0) == 0)
                or (head[0::2].count(0) == len(head[0::2]) and head[1::2].count(0) == 0)
            )
        ):
            return Problem(
                rule="input.encoding",
                message="UTF-16 text without a byte order mark; JSON must be UTF-8, or "
                "UTF-16/UTF-32 starting with a byte order mark",
            )
        return Problem(
            rule="input.binary", message=f"binary data, not JSON text (NUL byte at offset {nul})"
        )
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        if exc.reason == "unexpected end of data":  # a cut inside the last character
            start = data.rfind(b"\n", 0, exc.start) + 1
            return Problem(
                rule="json.truncated",
                message=f"unexpected end of data at line {line}, column "
                f"{len(data[start : exc.start].decode()) + 1}, inside a multi-byte "
                "character: the document is truncated",
            )
        return Problem(
            rule="input.encoding",
            message=f"not UTF-8: byte 0x{data[exc.start]:02X} at line {line}, column {column} "
            "(legacy encodings such as windows-1251 must be converted first)",
        )
    return None


def _markup(text: str) -> Problem | None:
    """XML or HTML handed over as JSON: say what it is and which command reads it, rather
    than an unexpected character at line 1."""
    found = _MARKUP.match(text[:4096])
    if found is None:
        return None
    root = found.group(1)
    kind = "HTML" if root.lower() == "html" else "XML"
    return Problem(
        rule="input.not-json",
        message=f"{kind} (root element <{root}>), not a JSON document: `wirearchive "
        "extract` and `ingest` read NewsML-G2, NewsML 1.2, NITF, RSS/Atom and HTML",
    )


def _failure(text: bytes, exc: orjson.JSONDecodeError) -> Problem:
    """Why orjson refused the text, as precisely as we can say it."""
    decode = _byte_problem(text)
    if decode is not None:
        return decode
    if not text.strip():
        return Problem(rule="json.syntax", message="empty input, not a JSON document")
    decoded = text.decode()
    markup = _markup(decoded)
    if markup is not None:
        return markup
    found = _scan(decoded, duplicates=False)
    if found is not None:
        return found
    if exc.pos >= len(decoded.rstrip()):  # orjson counts characters, not bytes
        return Problem(
            rule="json.truncated",
            message=f"unexpected end of data at line {exc.lineno}, column {exc.colno}: "
            "the document is truncated",
        )
    return Problem(
        rule="json.syntax", message=f"{exc.msg} at line {exc.lineno}, column {exc.colno}"
    )
