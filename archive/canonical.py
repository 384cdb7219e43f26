"""The canonical form of an item, which decides whether a capture is a new version.

Two captures are the same version when their canonical forms hash the same: keys sorted,
every string (keys too) in Unicode NFC, and the volatile fields left out. Volatile fields
change on every re-publication without the story changing (`versionCreated`), or are set
by the archive itself (`version`).
"""

from __future__ import annotations

import hashlib
import unicodedata
from typing import Any

import orjson

__all__ = ["VOLATILE", "canonical_bytes", "digest", "nfc", "sha256"]

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


def canonical_bytes(item: dict[str, Any], *, is_nfc: bool = False) -> bytes:
    """Compact JSON of the item's NFC form, keys sorted, volatile fields left out.

    `is_nfc` skips the normalisation walk for an item that `nfc` has just returned.
    """
    kept = {key: value for key, value in item.items() if key not in VOLATILE}
    return orjson.dumps(kept if is_nfc else nfc(kept), option=orjson.OPT_SORT_KEYS)


def sha256(data: bytes) -> str:
    """``sha256:<hex>``, the way every hash in the archive is written."""
    return "sha256:" + hashlib.sha256(data).hexdigest()


def digest(item: dict[str, Any]) -> str:
    """The version digest of an item: sha256 of its canonical bytes."""
    return sha256(canonical_bytes(item))
