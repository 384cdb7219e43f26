"""Bytes to text: the charset a page declares, detects or contradicts, and whether
undecodable bytes or mojibake reach the article text."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from typing import Any

from wirearchive.text.encoding import Decoded, Undecodable, decode, repair_latin_mojibake
from wirearchive.validators import Problem

from .body import _Text
from .page import _HEAD_LIMIT, Page, warning

_META_CHARSET = re.compile(rb"""<meta\s[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.I)
#: WHATWG Encoding Standard labels that browsers decode as another charset.
_CHARSET_ALIASES = {
    "iso-8859-1": "cp1252", "iso8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252",
    "l1": "cp1252", "ascii": "cp1252", "us-ascii": "cp1252", "iso-8859-9": "cp1254",
    "latin5": "cp1254", "tis-620": "cp874", "iso-8859-11": "cp874", "x-cp1251": "cp1251",
    "utf-16": "utf-8", "utf-16le": "utf-8", "utf-16be": "utf-8", "unicode": "utf-8",
    "x-sjis": "shift_jis", "gb2312": "gb18030", "gbk": "gb18030",
}  # fmt: skip


def _known_charset(label: str | None) -> str | None:
    if not label:
        return None
    try:
        return codecs.lookup(label.strip().strip("\"'")).name
    except LookupError:
        return None


def declared_charset(data: bytes) -> str | None:
    """The charset the page declares in a ``<meta>`` or its XML declaration, if any."""
    head = data[:_HEAD_LIMIT]
    found = _XML_ENCODING.search(head) or _META_CHARSET.search(head)
    if found is None:
        return None
    label = found.group(1).decode("ascii", "replace").strip().lower()
    return _CHARSET_ALIASES.get(label, label)


def _truncated_utf8(data: bytes) -> bytes | None:
    """`data` without an incomplete UTF-8 character at its very end, if that is all."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start >= len(data) - 3 and "unexpected end" in exc.reason:
            try:
                data[: exc.start].decode("utf-8")
            except UnicodeDecodeError:
                return None
            return data[: exc.start]
    return None


@dataclass(frozen=True, slots=True)
class _PageText:
    text: str
    encoding: str
    #: Undecodable bytes or mojibake somewhere in the page: a problem only if they reach
    #: the article text (a garbled ``alt`` in the sidebar or a script is page furniture).
    deferred: Problem | None = None


_BOM_PREFIXES = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
#: At most this many undecodable bytes are tolerated outside the article text.
_MAX_BAD_BYTES = 32
_MARKUP_BYTES = re.compile(
    rb"<script.*?</script>|<style.*?</style>|<!--.*?-->|<[^>]*>", re.DOTALL | re.IGNORECASE
)


def _detected_charset(data: bytes) -> str | None:
    """For an undeclared legacy page: the charset its text (markup aside) reads as.

    Markup is ASCII and dilutes the letters the detection weighs, so that e.g.
    windows-1251 and mac-cyrillic, which share their lower-case letters, are told apart
    on the text alone."""
    if data.isascii() or data.startswith(_BOM_PREFIXES):
        return None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return None
    found = decode(_MARKUP_BYTES.sub(b" ", data))
    return found.encoding if isinstance(found, Decoded) and found.how == "detected" else None


def _mostly_not_utf8(data: bytes, declared: str) -> bool:
    """Whether a page declared as UTF-8 is in fact in another charset: most of its
    non-ASCII bytes are no UTF-8, rather than a few stray bytes in a UTF-8 page."""
    if declared.replace("-", "").replace("_", "").lower() != "utf8":
        return True
    high = sum(1 for byte in data if byte >= 0x80)
    bad = data.decode("utf-8", errors="replace").count("\ufffd")
    return bad * 2 > high


def _refusal(undecodable: Undecodable) -> Problem:
    return Problem(rule=undecodable.rule, message=undecodable.message)


def _decode_page(data: bytes, page: Page, transport: str | None = None) -> _PageText | Problem:
    # As in browsers, the charset the transport (HTTP Content-Type) names comes first.
    declared = _known_charset(transport) or declared_charset(data)
    detected = None if declared else _detected_charset(data)
    if detected is not None:
        guessed = decode(data, detected)
        if isinstance(guessed, Decoded):
            page.note("decode", f"{detected} (detected from the text, markup aside)")
            return _PageText(guessed.text, guessed.encoding)
    decoded = decode(data, declared)
    if isinstance(decoded, Decoded):
        page.note("decode", decoded.step)
        return _PageText(decoded.text, decoded.encoding)
    if decoded.rule == "input.encoding" and declared in (None, "utf-8", "utf8"):
        trimmed = _truncated_utf8(data)
        if trimmed is not None:
            retry = decode(trimmed, "utf-8")
            if isinstance(retry, Decoded):
                page.note("decode", f"{retry.step}; an incomplete character at the end dropped")
                page.warnings.append(
                    warning("input.truncated", "the file ends inside a UTF-8 character")
                )
                return _PageText(retry.text, retry.encoding)
    if declared is not None:
        # A wrong declaration: browsers show such pages garbled; UTF-8 bytes or clearly
        # Cyrillic text are still read right, and a person is told.
        detected = _detected_charset(data)
        retry = decode(data, detected) if detected else decode(data)
        if detected and isinstance(retry, Decoded):
            retry = Decoded(retry.text, retry.encoding, "detected")
        if isinstance(retry, Decoded) and (
            retry.how == "utf-8" or (retry.how == "detected" and _mostly_not_utf8(data, declared))
        ):
            page.note("decode", f"{retry.step}; the page declares {declared}")
            page.warnings.append(
                warning(
                    "html.charset-mismatch",
                    f"the page declares {declared} but its bytes are {retry.encoding}",
                )
            )
            return _PageText(retry.text, retry.encoding)
    if decoded.rule not in ("input.encoding", "input.mojibake") or data.startswith(_BOM_PREFIXES):
        return _refusal(decoded)
    encoding = declared or "utf-8"
    try:
        text = data.decode(encoding, errors="replace")
    except LookupError:
        return _refusal(decoded)
    bad = text.count("\ufffd")
    if bad > _MAX_BAD_BYTES:
        return _refusal(decoded)
    what = f"{bad} undecodable bytes replaced" if bad else "mojibake in the page"
    page.note(
        "decode",
        f"{encoding} ({'declared' if declared else 'utf-8'}); {what}, judged on the article text",
    )
    return _PageText(text, encoding, deferred=_refusal(decoded))


def _unclean_article(decoded: _PageText, item: dict[str, Any], text: _Text) -> Problem | None:
    """The deferred decoding problem, if the bad bytes or mojibake reach the article."""
    if decoded.deferred is None:
        return None
    headlines = " ".join(h.get("value", "") for h in item.get("headlines", []))
    article = f"{headlines}\n{text.text}"
    if decoded.deferred.rule == "input.encoding":
        if "\ufffd" in article:
            return Problem(
                rule="input.encoding",
                message=f"{decoded.deferred.message}; undecodable bytes in the article text",
            )
        return None
    check = decode(article.encode("utf-8"), "utf-8")
    if isinstance(check, Undecodable):
        return Problem(rule=check.rule, message=f"the article text: {check.message}")
    return None


def _repair_article(item: dict[str, Any], page: Page) -> bool:
    """Repair Latin mojibake in the item's headlines, descriptions and bodies, in place,
    when that leaves none; with an ``input.mojibake-repaired`` warning. False: untouched.

    A page whose source mangled a few accents ("NPCÂ´s") still has an article; the raw
    bytes are kept as they came, and the item says what was read back.
    """
    fields = [
        entry
        for key in ("headlines", "descriptions", "bodies")
        for entry in item.get(key, [])
        if isinstance(entry, dict) and isinstance(entry.get("value"), str)
    ]
    repaired = [repair_latin_mojibake(entry["value"]) for entry in fields]
    runs = sum(count for _, count in repaired)
    article = "\n".join(text for text, _ in repaired)
    if runs == 0 or isinstance(decode(article.encode("utf-8"), "utf-8"), Undecodable):
        return False
    for entry, (text, _) in zip(fields, repaired, strict=True):
        entry["value"] = text
    page.warnings.append(
        warning(
            "input.mojibake-repaired",
            f"{runs} runs of UTF-8 read as windows-1252 in the article text (such as 'Ã©' "
            "for 'é') were read back; the capture keeps the bytes as they came",
        )
    )
    page.note("decode", f"mojibake repaired: {runs} runs read back as UTF-8")
    return True
