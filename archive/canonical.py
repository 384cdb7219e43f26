"""The canonical form of an item, which decides whether a capture is a new version.

Two captures are the same version when their canonical forms hash the same: keys sorted,
every string (keys too) in Unicode NFC, the volatile fields left out, and every HTML value
(a ``bodies``/``descriptions``/``headlines`` entry whose ``contentType`` is HTML, in the
item or its associations) reduced to what a reader sees (`markup.canonical_html`), so a
restyled page is not a new version. Volatile fields change on every re-publication
without the story changing (`versionCreated`), or are set by the archive itself
(`version`).

Versions archived before HTML was canonicalised carry the digest of the earlier form,
`legacy_digest`; `verify` and the store's version matching accept it.
"""

from __future__ import annotations

import hashlib
import unicodedata
from typing import Any

import orjson

from .markup import canonical_html, is_html

__all__ = [
    "VOLATILE",
    "canonical_bytes",
    "digest",
    "legacy_digest",
    "nfc",
    "nfc_item",
    "sha256",
]

#: Top-level item fields left out of the digest.
VOLATILE = frozenset({"version", "versionCreated"})


def nfc(value: Any) -> Any:
    """The value with every string, keys included, in NFC; other values as they are."""
    if isinstance(value, str):
        # is_normalized is a fast C check; most text already is NFC.
        return (
            value
            if unicodedata.is_normalized("NFC", value)
            else unicodedata.normalize("NFC", value)
        )
    if isinstance(value, dict):
        return {nfc(key): nfc(item) for key, item in value.items()}
    if isinstance(value, list):
        return [nfc(item) for item in value]
    return value


def nfc_item(item: dict[str, Any]) -> dict[str, Any]:
    """`nfc` of an item (a new top-level dict), skipping the walk when the item's JSON
    text is NFC already.

    Every string of the item appears in that text between quotes, and a quote composes
    with nothing and is never reordered, so the text is NFC exactly when each string is.
    """
    try:
        text = orjson.dumps(item)
    except TypeError:  # too deep, a lone surrogate, a key that is not text: walk
        text = None
    if text is not None and (text.isascii() or unicodedata.is_normalized("NFC", text.decode())):
        return dict(item)
    walked: dict[str, Any] = nfc(dict(item))
    return walked


def _presentation_free(value: Any) -> Any:
    """The value with each HTML ``value`` in its canonical form; the rest as it is."""
    if isinstance(value, dict):
        found = {
            key: _presentation_free(item) if isinstance(item, dict | list) else item
            for key, item in value.items()
        }
        text = found.get("value")
        if isinstance(text, str) and is_html(found.get("contentType")):
            found["value"] = nfc(canonical_html(text))  # entities may decode to non-NFC
        return found
    if isinstance(value, list):
        return [
            _presentation_free(item) if isinstance(item, dict | list) else item for item in value
        ]
    return value


def canonical_bytes(item: dict[str, Any], *, is_nfc: bool = False) -> bytes:
    """Compact JSON of the item's NFC, presentation-free form, keys sorted, volatile
    fields left out.

    `is_nfc` skips the normalisation walk for an item that `nfc` has just returned.
    """
    kept = {key: value for key, value in item.items() if key not in VOLATILE}
    form = kept if is_nfc else nfc(kept)
    data = orjson.dumps(form, option=orjson.OPT_SORT_KEYS)
    # Every HTML content type has "html" in it, and orjson escapes no letter: without
    # those bytes there is no HTML value to canonicalise, and no walk to make.
    if b"html" in data:
        data = orjson.dumps(_presentation_free(form), option=orjson.OPT_SORT_KEYS)
    return data


def legacy_bytes(item: dict[str, Any]) -> bytes:
    """The canonical form before HTML was canonicalised: NFC and sorted keys only."""
    kept = {key: value for key, value in item.items() if key not in VOLATILE}
    return orjson.dumps(nfc(kept), option=orjson.OPT_SORT_KEYS)


def sha256(data: bytes) -> str:
    """``sha256:<hex>``, the way every hash in the archive is written."""
    return "sha256:" + hashlib.sha256(data).hexdigest()


def digest(item: dict[str, Any]) -> str:
    """The version digest of an item: sha256 of its canonical bytes."""
    return sha256(canonical_bytes(item))


def legacy_digest(item: dict[str, Any]) -> str:
    """The digest versions archived before HTML canonicalisation carry."""
    return sha256(legacy_bytes(item))
