"""One BCP 47 parser for source files, readers and rules."""

from __future__ import annotations

import pytest
from wirearchive.text.bcp47 import is_language_tag, normalize


@pytest.mark.parametrize(
    ("value", "tag"),
    [("en", "en"), ("en-us", "en-US"), ("EN_gb", "en-GB"), ("sr-latn-rs", "sr-Latn-RS"),
     ("ru, en;q=0.8", "ru"), ("de-CH-1996", "de-CH-1996"), ("zh-Hant-TW", "zh-Hant-TW"),
     ("en-US-x-Twain", "en-US-x-twain"), ("es-419", "es-419")],
)  # fmt: skip
def test_normalize(value: str, tag: str) -> None:
    assert normalize(value) == tag


@pytest.mark.parametrize("value", [None, "", "x-default", "und", "mul", "zxx", "english",
                                   "e", "en--us", "123"])  # fmt: skip
def test_refused(value: str | None) -> None:
    assert normalize(value) is None


def test_is_language_tag() -> None:
    assert is_language_tag("kk-Cyrl-KZ")
    assert not is_language_tag("kk_KZ")
