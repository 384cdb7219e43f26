"""Bytes to text for readers of text formats: BOMs, declared charsets, UTF-8, and
undeclared windows-1251 / KOI8-R Cyrillic told apart by their letters. Mojibake (text that
was decoded with the wrong charset once already) is refused, never archived silently.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

__all__ = ["Decoded", "Undecodable", "decode", "repair_latin_mojibake"]

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
#: Legacy single-byte charsets met in Cyrillic wire copy, most common first. Mac Cyrillic
#: is left out: it shares windows-1251's lower case, so on text heavy with capitals and
#: markup it would win by accident, and no wire service sends it.
_CYRILLIC = ("cp1251", "koi8_r", "koi8_u", "cp866", "iso8859_5")
_RUSSIAN_COMMON = frozenset("оеаинтсрвлкмдпуяыьгзбчй")
#: UTF-8 read as windows-1251 ("Р’ РђСЃС‚") or as Latin-1/cp1252 ("Ð’ Ð°", "Ã©").
_MOJIBAKE = re.compile(r"(?:[РС][\u0400-\u045f\u0490\u0491\u2018-\u203a\u00a0-\u00bf]){3,}")
_LATIN_MOJIBAKE = re.compile(r"[ÃÂÐÑ][\u0080-\u00bf\u2018-\u203a\u0152-\u0192]")
#: A run of Latin mojibake: UTF-8 bytes of accented letters read as windows-1252.
_LATIN_RUN = re.compile(r"(?:[ÃÂÐÑ][\u0080-\u00bf\u2018-\u203a\u0152-\u0192])+")


@dataclass(frozen=True, slots=True)
class Undecodable:
    """Why bytes cannot be trusted as text: a rule (``input.encoding``, ``input.mojibake``,
    ``input.binary``) and a message. Readers turn it into their `Problem`."""

    rule: str
    message: str


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    encoding: str
    #: How the encoding was chosen: "bom", "declared", "utf-8", "detected" or "ascii".
    how: str

    @property
    def step(self) -> str:
        return f"{self.encoding} ({self.how})"


def _cyrillic_score(text: str) -> float:
    """How much a decoding looks like Cyrillic prose: lower-case, common letters."""
    letters = [c for c in text if "\u0400" <= c <= "\u04ff"]
    alphabetic = sum(c.isalpha() for c in text)
    if not letters or len(letters) < 0.3 * alphabetic:  # Latin text with a few odd bytes
        return 0.0
    lower = sum(c.islower() for c in letters) / len(letters)
    common = sum(c.lower() in _RUSSIAN_COMMON for c in letters) / len(letters)
    return lower + common + len(letters) / max(len(text), 1)


def _mojibake(text: str, encoding: str) -> Undecodable | None:
    # The pattern's scan of a whole page costs more than its decoding; a page without
    # either lead letter cannot match it.
    match = _MOJIBAKE.search(text) if "Р" in text or "С" in text else None
    if match is None:
        latin = list(_LATIN_MOJIBAKE.finditer(text))
        if len(latin) < 2:  # one "Ã©" can be a typo; two are a pattern
            return None
        match = latin[0]
    line = text.count("\n", 0, match.start()) + 1
    return Undecodable(
        rule="input.mojibake",
        message=f"line {line} holds mojibake {match.group(0)[:24]!r}: text that was decoded "
        f"with the wrong charset before it was saved as {encoding}; fix it at the source",
    )


def repair_latin_mojibake(text: str) -> tuple[str, int]:
    """`text` with each run of Latin mojibake ("NPCÂ´s", "cafÃ©") read back as the UTF-8
    it was, and how many runs were repaired. A run that does not read back is left.

    Only the Latin kind is repaired: its bytes go back exactly (windows-1252 is one byte
    per character), so the repair is the text the author wrote, never a guess.
    """
    repaired = 0

    def back(match: re.Match[str]) -> str:
        nonlocal repaired
        try:
            original = match.group(0).encode("cp1252").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            return match.group(0)
        repaired += 1
        return original

    return _LATIN_RUN.sub(back, text), repaired


def decode(data: bytes, declared: str | None = None) -> Decoded | Undecodable:
    """The text of `data`, or the problem that keeps it from being trusted as text."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return _checked(data, name, "bom")
    if declared:
        try:
            codecs.lookup(declared)
        except LookupError:
            declared = None
        else:
            return _checked(data, declared, "declared")
    if data.isascii():
        return _checked(data, "ascii", "ascii")
    try:
        return _checked(data, "utf-8", "utf-8", strict=True)
    except UnicodeDecodeError:
        pass
    if b"\x00" in data:
        return Undecodable(rule="input.binary", message="binary data, not text (NUL bytes)")
    candidates = []
    for name in _CYRILLIC:
        text = data.decode(name, errors="replace")
        candidates.append((_cyrillic_score(text), name))
    score, best = max(candidates, key=lambda pair: pair[0])  # ties: the commoner charset
    if score >= 1.2:
        return _checked(data, best, "detected")
    return _checked(data, "cp1252", "detected")


def _checked(
    data: bytes, encoding: str, how: str, *, strict: bool = False
) -> Decoded | Undecodable:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        if strict:
            raise
        line = data.count(b"\n", 0, exc.start) + 1
        return Undecodable(
            rule="input.encoding",
            message=f"not {encoding} as {'its byte order mark' if how == 'bom' else 'declared'}: "
            f"byte 0x{data[exc.start]:02X} at line {line}",
        )
    if encoding == "utf-8-sig":
        encoding = "utf-8"
    problem = _mojibake(text, encoding)
    return problem if problem is not None else Decoded(text, encoding, how)
