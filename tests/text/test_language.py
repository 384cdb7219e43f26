"""`detect_language`: tags from script and common words, or none on thin evidence."""

from __future__ import annotations

import pytest
from wirearchive.text.language import detect_language


@pytest.mark.parametrize(
    ("text", "tag"),
    [
        (
            "Министры обороны Казахстана и Беларуси подписали несколько соглашений, которые "
            "касаются организации приема и охраны военных воздушных судов на аэродромах",
            "ru",
        ),
        (
            "Міністр оборони України заявив, що ситуація на фронті залишається складною, але "
            "контрольованою, і що підготовка резервів триває",
            "uk",
        ),
        (
            "Қазақстан мен Беларусь қорғаныс министрлері бірнеше келісімге қол қойды, бұл "
            "туралы ведомство хабарлады және ынтымақтастық жалғасады",
            "kk",
        ),
        (
            "Exports of wheat from Black Sea ports rose for a third straight month in May, "
            "traders said on Wednesday, as harvest forecasts improved",
            "en",
        ),
        (
            "Die Deutsche Bahn hat am Mittwoch mitgeteilt, dass die Strecke zwischen Berlin und "
            "Hamburg wegen Bauarbeiten für zwei Wochen gesperrt wird",
            "de",
        ),
        (
            "Le gouvernement a annoncé mercredi une série de mesures pour soutenir les "
            "agriculteurs touchés par la sécheresse dans le sud du pays",
            "fr",
        ),
    ],
)
def test_language_of_wire_text(text: str, tag: str) -> None:
    assert detect_language(text) == tag


def test_too_little_text_gets_no_tag() -> None:
    assert detect_language("Москва, Минск") is None
    assert detect_language("1 2 3 4 5 6 7 8 9") is None
