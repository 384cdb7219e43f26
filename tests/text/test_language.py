"""`detect_language`: fastText's verdict, Cyrillic letters settling it, none on thin evidence."""

from __future__ import annotations

import pytest
from wirearchive.text.language import TESTED, detect_language

WIRE_TEXT = {
    "ru": "Министры обороны Казахстана и Беларуси подписали несколько соглашений, которые "
    "касаются организации приема и охраны военных воздушных судов на аэродромах",
    "uk": "Міністр оборони України заявив, що ситуація на фронті залишається складною, але "
    "контрольованою, і що підготовка резервів триває",
    "kk": "Қазақстан мен Беларусь қорғаныс министрлері бірнеше келісімге қол қойды, бұл "
    "туралы ведомство хабарлады және ынтымақтастық жалғасады",
    "be": "Прэзідэнт Беларусі сустрэўся з дэлегацыяй суседняй краіны і абмеркаваў "
    "супрацоўніцтва ў эканоміцы, адукацыі і ахове здароўя",
    "en": "Exports of wheat from Black Sea ports rose for a third straight month in May, "
    "traders said on Wednesday, as harvest forecasts improved",
    "de": "Die Deutsche Bahn hat am Mittwoch mitgeteilt, dass die Strecke zwischen Berlin und "
    "Hamburg wegen Bauarbeiten für zwei Wochen gesperrt wird",
    "fr": "Le gouvernement a annoncé mercredi une série de mesures pour soutenir les "
    "agriculteurs touchés par la sécheresse dans le sud du pays",
    "es": "El Gobierno aprobó este martes un plan de ayudas para los agricultores afectados "
    "por la sequía en el sur del país, según informó el ministerio",
    "pt": "O Governo aprovou esta terça-feira um plano de apoio aos agricultores afetados "
    "pela seca no sul do país, segundo informou o ministério",
    "it": "Il governo ha approvato martedì un piano di aiuti per gli agricoltori colpiti "
    "dalla siccità nel sud del paese, ha comunicato il ministero",
    "tr": "Hükümet salı günü ülkenin güneyinde kuraklıktan etkilenen çiftçilere yönelik bir "
    "destek paketini onayladı, bakanlık açıklamasında bildirdi",
    "pl": "Rząd przyjął we wtorek program pomocy dla rolników dotkniętych suszą na południu "
    "kraju, poinformowało ministerstwo rolnictwa",
    "nl": "De regering heeft dinsdag een steunpakket goedgekeurd voor boeren die in het "
    "zuiden van het land door de droogte zijn getroffen",
    "zh": "新华社北京12月3日电 国务院总理今天主持召开国务院常务会议，"
    "部署进一步支持受旱灾影响的农业生产。",
}


@pytest.mark.parametrize("tag", sorted(WIRE_TEXT))
def test_language_of_wire_text(tag: str) -> None:
    assert detect_language(WIRE_TEXT[tag]) == tag


def test_every_tested_language_has_a_sample() -> None:
    assert set(WIRE_TEXT) == TESTED


def test_portuguese_is_not_spanish_even_in_a_headline() -> None:
    assert (
        detect_language("Governo aprova plano de apoio aos agricultores afetados pela seca") == "pt"
    )
    assert detect_language("El Gobierno aprueba un plan de ayudas para los agricultores") == "es"


def test_cyrillic_letters_decide_what_the_model_only_leans_to() -> None:
    # Mostly Russian words, but the Kazakh letters make it Kazakh copy.
    assert (
        detect_language("Астана қаласында жаңа мектеп ашылды, оған мыңнан астам оқушы барады")
        == "kk"
    )
    assert (
        detect_language("Мінськ. Сустрэча адбылася ў рэзідэнцыі, удзельнікі абмяркоўвалі ўраджай")
        == "be"
    )


def test_too_little_text_gets_no_tag() -> None:
    assert detect_language("Москва, Минск") is None
    assert detect_language("1 2 3 4 5 6 7 8 9") is None
    assert detect_language("") is None


def test_a_verdict_in_another_script_than_the_text_is_set_aside() -> None:
    # dpa's service message: filler letters pull the model toward Chinese, on Latin text.
    notice = (
        "Impressum ryryryry copyright by dpa ryryryry copyright by dpa ryryryry dpa Deutsche "
        "Presse-Agentur dpa the deutsche presse-agentur hamburg federal republic of germany "
        "dpa dpa international service in english dpa dpa"
    )
    assert detect_language(notice) == "en"


def test_a_table_in_one_language_gets_its_tag_from_a_clear_lead() -> None:
    standings = (
        "Baseball Expanded Standings All Times EDT By The Associated Press AMERICAN LEAGUE "
        "East Division W L Pct GB Baltimore 23 13 .639 Boston 24 14 .632 Tampa Bay 20 17 .541 "
        "Toronto 19 18 .514 New York 17 20 .459 Central Division Cleveland 22 14 .611"
    )
    assert detect_language(standings) == "en"
