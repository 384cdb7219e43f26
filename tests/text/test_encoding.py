"""`decode`: BOMs, declared charsets, UTF-8, undeclared Cyrillic, and refused mojibake."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from wirearchive.text.encoding import Decoded, Undecodable, decode

SAMPLE = (Path(__file__).parents[1] / "data" / "sputnik-kz-2024-05-29.txt").read_text("utf-8")
# What the legacy charsets cannot all hold: curly quotes, the copyright sign, the dash.
CYRILLIC = SAMPLE.replace("“", '"').replace("©", "(c)").replace("–", "-")


def _decoded(data: bytes, declared: str | None = None) -> Decoded:
    result = decode(data, declared)
    assert isinstance(result, Decoded), result
    return result


@pytest.mark.parametrize("charset", ["cp1251", "koi8_r", "cp866", "iso8859_5"])
def test_undeclared_cyrillic_is_told_apart(charset: str) -> None:
    result = _decoded(CYRILLIC.encode(charset))
    assert (result.text, result.encoding, result.how) == (CYRILLIC, charset, "detected")


def test_a_short_koi8_line_is_not_read_as_windows_1251() -> None:
    assert _decoded("Привет из Алматы, мир".encode("koi8_r")).encoding == "koi8_r"


@pytest.mark.parametrize(
    ("bom", "codec"),
    [
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ],
)
def test_a_byte_order_mark_decides(bom: bytes, codec: str) -> None:
    result = _decoded(bom + SAMPLE.encode(codec))
    assert result.text.lstrip("\ufeff") == SAMPLE
    assert result.how == "bom"


def test_a_declared_charset_is_used_and_checked() -> None:
    assert _decoded(CYRILLIC.encode("cp1251"), "windows-1251").how == "declared"
    wrong = decode("Привет".encode("cp1251") + b"\x98", "utf-8")
    assert isinstance(wrong, Undecodable)
    assert wrong.rule == "input.encoding"
    assert "byte 0x" in wrong.message


def test_utf8_and_ascii() -> None:
    assert _decoded(SAMPLE.encode()).how == "utf-8"
    assert _decoded(b"plain ascii").how == "ascii"


def test_western_legacy_text_is_not_taken_for_cyrillic() -> None:
    assert _decoded("Müller sagte am Mittwoch in Zürich".encode("cp1252")).encoding == "cp1252"


@pytest.mark.parametrize(
    "garbled",
    [
        SAMPLE.encode("utf-8").decode("cp1251", errors="replace"),  # Р’ РђСЃС‚Р°РЅРµ
        "Der Präsident sagte in Zürich".encode().decode("cp1252"),  # PrÃ¤sident, ZÃ¼rich
    ],
)
def test_mojibake_is_refused_with_its_line(garbled: str) -> None:
    result = decode(garbled.encode("utf-8"))
    assert isinstance(result, Undecodable)
    assert result.rule == "input.mojibake"
    assert result.message.startswith("line 1 holds mojibake")


def test_binary_is_not_text() -> None:
    result = decode(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe")
    assert isinstance(result, Undecodable)
    assert result.rule == "input.binary"


def test_latin_mojibake_is_read_back_as_the_utf8_it_was() -> None:
    from wirearchive.text.encoding import repair_latin_mojibake

    assert repair_latin_mojibake("NPCÂ´s at the cafÃ©, naÃ¯ve") == ("NPC´s at the café, naïve", 3)
    assert repair_latin_mojibake("plain text, café") == ("plain text, café", 0)
    # Cyrillic mojibake is not this kind: left as it is, so the page stays refused.
    assert repair_latin_mojibake("РњРћРЎРљР’Рђ")[1] == 0
