"""`parse_dateline`: city, date and agency from the opening of a wire story."""

from __future__ import annotations

from typing import NamedTuple

import pytest
from wirearchive.text.dateline import (
    AGENCIES,
    CONVENTIONS,
    Dateline,
    parse_dateline,
)


class Case(NamedTuple):
    text: str
    city: str
    month: int | None
    day: int | None
    year: int | None
    agency: str | None
    agency_text: str | None
    language: str | None
    body: str
    """Exactly `text[dateline.end:]`: the story's first words."""


CASES: tuple[Case, ...] = (
    # Belarusian months, dpa's regional desks, Lusa's Portuguese months
    Case(
        "МІНСК, 3 снежня (БЕЛТА) – У Мінску адкрылася новая станцыя.",
        "Мінск", 12, 3, None, "BelTA", "(БЕЛТА)", "be",
        "У Мінску адкрылася новая станцыя.",
    ),
    Case(
        "Hamburg (dpa/lno) - Der Hafen meldet mehr Umschlag.",
        "Hamburg", None, None, None, "dpa", "(dpa/lno)", "de",
        "Der Hafen meldet mehr Umschlag.",
    ),
    Case(
        "PORTO, 12 out (Lusa) - A Câmara aprovou o orçamento.",
        "Porto", 10, 12, None, "Lusa", "(Lusa)", "pt",
        "A Câmara aprovou o orçamento.",
    ),
    # Reuters
    Case(
        "LONDON, May 29 (Reuters) - Oil prices rose on Wednesday.",
        "London", 5, 29, None, "Reuters", "(Reuters)", "en",
        "Oil prices rose on Wednesday.",
    ),
    Case(
        "NEW YORK, Sept 3 (Reuters) - Wall Street opened higher.",
        "New York", 9, 3, None, "Reuters", "(Reuters)", "en",
        "Wall Street opened higher.",
    ),
    Case(
        "RIO DE JANEIRO, Jan. 12 (Reuters) -- Brazil's central bank held rates.",
        "Rio de Janeiro", 1, 12, None, "Reuters", "(Reuters)", "en",
        "Brazil's central bank held rates.",
    ),
    Case(
        "NUR-SULTAN, March 20, 2019 (Reuters) - Kazakhstan renamed its capital.",
        "Nur-Sultan", 3, 20, 2019, "Reuters", "(Reuters)", "en",
        "Kazakhstan renamed its capital.",
    ),
    Case(
        "BERLIN, 29. Mai (Reuters) - Die Bundesregierung hat am Mittwoch",
        "Berlin", 5, 29, None, "Reuters", "(Reuters)", "de",
        "Die Bundesregierung hat am Mittwoch",
    ),
    Case(
        "МОСКВА, 29 мая (Рейтер) - Центробанк сохранил ставку",
        "Москва", 5, 29, None, "Reuters", "(Рейтер)", "ru",
        "Центробанк сохранил ставку",
    ),
    Case(
        "  LONDON, May 29 (Reuters) -\nOil prices fell.",
        "London", 5, 29, None, "Reuters", "(Reuters)", "en",
        "Oil prices fell.",
    ),
    # AP
    Case(
        "WASHINGTON (AP) — The Senate voted on Tuesday to",
        "Washington", None, None, None, "AP", "(AP)", "en",
        "The Senate voted on Tuesday to",
    ),
    Case(
        "UNITED NATIONS (AP) — The Security Council met behind closed doors.",
        "United Nations", None, None, None, "AP", "(AP)", "en",
        "The Security Council met behind closed doors.",
    ),
    Case(
        "SAN FRANCISCO, Calif. (AP) — A federal judge ruled",
        "San Francisco", None, None, None, "AP", "(AP)", "en",
        "A federal judge ruled",
    ),
    Case(
        "ST. LOUIS (AP) –  Voters head to the polls",
        "St. Louis", None, None, None, "AP", "(AP)", "en",
        "Voters head to the polls",
    ),
    # AFP
    Case(
        "PARIS, May 29, 2024 (AFP) - France said on Wednesday",
        "Paris", 5, 29, 2024, "AFP", "(AFP)", "en",
        "France said on Wednesday",
    ),
    Case(
        "PARIS (AFP) - Le gouvernement a annoncé mercredi",
        "Paris", None, None, None, "AFP", "(AFP)", None,
        "Le gouvernement a annoncé mercredi",
    ),
    Case(
        "Paris, 29 mai 2024 (AFP) - Le président de la République",
        "Paris", 5, 29, 2024, "AFP", "(AFP)", "fr",
        "Le président de la République",
    ),
    Case(
        "N'DJAMENA, May 29 (AFP) - Chad's army said",
        "N'Djamena", 5, 29, None, "AFP", "(AFP)", "en",
        "Chad's army said",
    ),
    # Xinhua, China News Service
    Case(
        "BEIJING, May 29 (Xinhua) -- China's exports grew faster than expected.",
        "Beijing", 5, 29, None, "Xinhua", "(Xinhua)", "en",
        "China's exports grew faster than expected.",
    ),
    Case(
        "新华社北京5月29日电（记者张三）国家主席习近平29日在人民大会堂",
        "北京", 5, 29, None, "Xinhua", "新华社", "zh",
        "国家主席习近平29日在人民大会堂",
    ),
    Case(
        "新华社莫斯科2024年5月28日电 俄罗斯总统普京28日表示",
        "莫斯科", 5, 28, 2024, "Xinhua", "新华社", "zh",
        "俄罗斯总统普京28日表示",
    ),
    Case(
        "ПЕКИН, 29 мая /Синьхуа/ -- Председатель КНР Си Цзиньпин",
        "Пекин", 5, 29, None, "Xinhua", "/Синьхуа/", "ru",
        "Председатель КНР Си Цзиньпин",
    ),
    Case(
        "中新社北京5月29日电 (记者 李四) 中国外交部发言人29日表示",
        "北京", 5, 29, None, "China News Service", "中新社", "zh",
        "中国外交部发言人29日表示",
    ),
    # Kyodo, Yonhap
    Case(
        "TOKYO, May 29 (Kyodo) -- Japan's government on Wednesday",
        "Tokyo", 5, 29, None, "Kyodo", "(Kyodo)", "en",
        "Japan's government on Wednesday",
    ),
    Case(
        "TOKYO (Kyodo) -- Prime Minister Fumio Kishida said",
        "Tokyo", None, None, None, "Kyodo", "(Kyodo)", "en",
        "Prime Minister Fumio Kishida said",
    ),
    Case(
        "SEOUL, Sept. 3 (Yonhap) -- North Korea fired a ballistic missile",
        "Seoul", 9, 3, None, "Yonhap", "(Yonhap)", "en",
        "North Korea fired a ballistic missile",
    ),
    # dpa
    Case(
        "Berlin (dpa) - Die Bundesregierung will das Heizungsgesetz",
        "Berlin", None, None, None, "dpa", "(dpa)", "de",
        "Die Bundesregierung will das Heizungsgesetz",
    ),
    Case(
        "Berlin, 29. Mai (dpa) - Bundeskanzler Olaf Scholz hat",
        "Berlin", 5, 29, None, "dpa", "(dpa)", "de",
        "Bundeskanzler Olaf Scholz hat",
    ),
    Case(
        "FRANKFURT AM MAIN, 29. Mai 2024 (dpa-AFX) - Der Dax hat am Mittwoch",
        "Frankfurt am Main", 5, 29, 2024, "dpa", "(dpa-AFX)", "de",
        "Der Dax hat am Mittwoch",
    ),
    # EFE, Europa Press
    Case(
        "Madrid, 29 may (EFE).- El Gobierno español aprobó este miércoles",
        "Madrid", 5, 29, None, "EFE", "(EFE)", "es",
        "El Gobierno español aprobó este miércoles",
    ),
    Case(
        "BOGOTÁ, 29 de mayo de 2024 (EFE) - El presidente colombiano",
        "Bogotá", 5, 29, 2024, "EFE", "(EFE)", "es",
        "El presidente colombiano",
    ),
    Case(
        "MADRID, 29 (EUROPA PRESS) - El Congreso de los Diputados",
        "Madrid", None, 29, None, "Europa Press", "(EUROPA PRESS)", "es",
        "El Congreso de los Diputados",
    ),
    # ANSA, AGI
    Case(
        "(ANSA) - ROMA, 29 MAG - Il presidente della Repubblica",
        "Roma", 5, 29, None, "ANSA", "(ANSA)", "it",
        "Il presidente della Repubblica",
    ),
    Case(
        "(ANSA) - MILANO, 3 GIU - La Borsa di Milano apre in rialzo",
        "Milano", 6, 3, None, "ANSA", "(ANSA)", "it",
        "La Borsa di Milano apre in rialzo",
    ),
    Case(
        "(AGI) - Roma, 29 mag. - Il premier ha incontrato",
        "Roma", 5, 29, None, "AGI", "(AGI)", "it",
        "Il premier ha incontrato",
    ),
    # Anadolu
    Case(
        "ANKARA (AA) - Cumhurbaşkanı Erdoğan, Kabine Toplantısı'nın ardından",
        "Ankara", None, None, None, "Anadolu", "(AA)", "tr",
        "Cumhurbaşkanı Erdoğan, Kabine Toplantısı'nın ardından",
    ),
    Case(
        "İSTANBUL, 29 Mayıs 2024 (AA) - Borsa İstanbul güne yükselişle başladı.",
        "İstanbul", 5, 29, 2024, "Anadolu", "(AA)", "tr",
        "Borsa İstanbul güne yükselişle başladı.",
    ),
    Case(
        "DİYARBAKIR (AA) - Kentte etkili olan sağanak",
        "Diyarbakır", None, None, None, "Anadolu", "(AA)", "tr",
        "Kentte etkili olan sağanak",
    ),
    # Bloomberg, UPI, PTI, IANS
    Case(
        "NEW YORK (Bloomberg) -- Stocks rose as traders assessed",
        "New York", None, None, None, "Bloomberg", "(Bloomberg)", "en",
        "Stocks rose as traders assessed",
    ),
    Case(
        "WASHINGTON, May 29 (UPI) -- The Supreme Court on Wednesday",
        "Washington", 5, 29, None, "UPI", "(UPI)", "en",
        "The Supreme Court on Wednesday",
    ),
    Case(
        "NEW DELHI, May 29 (PTI) The government on Wednesday said",
        "New Delhi", 5, 29, None, "PTI", "(PTI)", "en",
        "The government on Wednesday said",
    ),
    Case(
        "MUMBAI, May 29 (IANS) Shares of Adani group companies",
        "Mumbai", 5, 29, None, "IANS", "(IANS)", "en",
        "Shares of Adani group companies",
    ),
    # TASS
    Case(
        "МОСКВА, 29 мая. /ТАСС/. Президент России Владимир Путин",
        "Москва", 5, 29, None, "TASS", "/ТАСС/", "ru",
        "Президент России Владимир Путин",
    ),
    Case(
        "САНКТ-ПЕТЕРБУРГ, 29 мая. /ТАСС/. Петербургский международный форум",
        "Санкт-Петербург", 5, 29, None, "TASS", "/ТАСС/", "ru",
        "Петербургский международный форум",
    ),
    Case(
        "MOSCOW, May 29. /TASS/. Russia's Foreign Ministry said",
        "Moscow", 5, 29, None, "TASS", "/TASS/", "en",
        "Russia's Foreign Ministry said",
    ),
    Case(
        "ВЛАДИВОСТОК, 29 мая. /Корр. ТАСС Иван Иванов/. Во Владивостоке открылся",
        "Владивосток", 5, 29, None, "TASS", "/Корр. ТАСС Иван Иванов/", "ru",
        "Во Владивостоке открылся",
    ),
    # RIA Novosti
    Case(
        "МОСКВА, 29 мая - РИА Новости. Президент России подписал указ",
        "Москва", 5, 29, None, "RIA Novosti", "РИА Новости", "ru",
        "Президент России подписал указ",
    ),
    Case(
        "РОСТОВ-НА-ДОНУ, 29 мая — РИА Новости, Мария Иванова. Жители города",
        "Ростов-на-Дону", 5, 29, None, "RIA Novosti", "РИА Новости", "ru",
        "Жители города",
    ),
    Case(
        "MOSCOW, May 29 (RIA Novosti) - Russia will",
        "Moscow", 5, 29, None, "RIA Novosti", "(RIA Novosti)", "en",
        "Russia will",
    ),
    # Interfax, Interfax-Kazakhstan
    Case(
        "МОСКВА. 29 мая. ИНТЕРФАКС - Госдума приняла в первом чтении",
        "Москва", 5, 29, None, "Interfax", "ИНТЕРФАКС", "ru",
        "Госдума приняла в первом чтении",
    ),
    Case(
        "Москва. 29 мая. INTERFAX.RU - Правительство утвердило",
        "Москва", 5, 29, None, "Interfax", "INTERFAX.RU", "ru",
        "Правительство утвердило",
    ),
    Case(
        "MOSCOW. May 29 (Interfax) - Russia's Central Bank",
        "Moscow", 5, 29, None, "Interfax", "(Interfax)", "en",
        "Russia's Central Bank",
    ),
    Case(
        "АСТАНА. 29 мая. ИНТЕРФАКС-КАЗАХСТАН - Мажилис одобрил",
        "Астана", 5, 29, None, "Interfax-Kazakhstan", "ИНТЕРФАКС-КАЗАХСТАН", "ru",
        "Мажилис одобрил",
    ),
    Case(
        "Алматы. 29 мая. INTERFAX.KZ – Нацбанк Казахстана",
        "Алматы", 5, 29, None, "Interfax-Kazakhstan", "INTERFAX.KZ", "ru",
        "Нацбанк Казахстана",
    ),
    # Sputnik
    Case(
        "АЛМАТЫ, 29 мая - Sputnik. Жители южной столицы",
        "Алматы", 5, 29, None, "Sputnik", "Sputnik", "ru",
        "Жители южной столицы",
    ),
    Case(
        "НУР-СУЛТАН, 29 мая – Sputnik Казахстан. Токаев подписал закон",
        "Нур-Султан", 5, 29, None, "Sputnik", "Sputnik Казахстан", "ru",
        "Токаев подписал закон",
    ),
    # Kazinform (ҚазАқпарат in Kazakh)
    Case(
        "АСТАНА. КАЗИНФОРМ - Глава государства провел совещание",
        "Астана", None, None, None, "Kazinform", "КАЗИНФОРМ", "ru",
        "Глава государства провел совещание",
    ),
    Case(
        "Астана. 29 мая. КАЗИНФОРМ. Президент принял министра",
        "Астана", 5, 29, None, "Kazinform", "КАЗИНФОРМ", "ru",
        "Президент принял министра",
    ),
    Case(
        "АСТАНА. ҚазАқпарат - Мемлекет басшысы Қасым-Жомарт Тоқаев",
        "Астана", None, None, None, "Kazinform", "ҚазАқпарат", "kk",
        "Мемлекет басшысы Қасым-Жомарт Тоқаев",
    ),
    Case(
        "АСТАНА, 2024 жылғы 29 мамыр - ҚазАқпарат. Президент Жарлыққа қол қойды",
        "Астана", 5, 29, 2024, "Kazinform", "ҚазАқпарат", "kk",
        "Президент Жарлыққа қол қойды",
    ),
    Case(
        "АСТАНА, 29 мая. Kazinform – Правительство одобрило",
        "Астана", 5, 29, None, "Kazinform", "Kazinform", "ru",
        "Правительство одобрило",
    ),
    # KazTAG
    Case(
        "Алматы. 29 мая. КазТАГ – Аким города поручил",
        "Алматы", 5, 29, None, "KazTAG", "КазТАГ", "ru",
        "Аким города поручил",
    ),
    # BelTA
    Case(
        "МИНСК, 29 мая (БЕЛТА) - Президент Беларуси провел",
        "Минск", 5, 29, None, "BelTA", "(БЕЛТА)", "ru",
        "Президент Беларуси провел",
    ),
    Case(
        "MINSK, 29 May (BelTA) - Belarus and Russia signed",
        "Minsk", 5, 29, None, "BelTA", "(BelTA)", "en",
        "Belarus and Russia signed",
    ),
    # Ukrinform, UNIAN
    Case(
        "КИЇВ, 29 травня. /Укрінформ/. Президент України провів",
        "Київ", 5, 29, None, "Ukrinform", "/Укрінформ/", "uk",
        "Президент України провів",
    ),
    Case(
        "КАМ'ЯНЕЦЬ-ПОДІЛЬСЬКИЙ, 29 травня 2024 р. /Укрінформ/. У місті відкрили",
        "Кам'янець-Подільський", 5, 29, 2024, "Ukrinform", "/Укрінформ/", "uk",
        "У місті відкрили",
    ),
    Case(
        "КИЇВ (УНІАН) - Верховна Рада ухвалила закон",
        "Київ", None, None, None, "UNIAN", "(УНІАН)", "uk",
        "Верховна Рада ухвалила закон",
    ),
    Case(
        "ХАРКІВ (УНІАН) Вночі місто зазнало атаки",
        "Харків", None, None, None, "UNIAN", "(УНІАН)", "uk",
        "Вночі місто зазнало атаки",
    ),
    # Regnum
    Case(
        "Москва, 29 мая 2024, 10:15 — ИА Регнум. Госдума рассмотрит",
        "Москва", 5, 29, 2024, "Regnum", "ИА Регнум", "ru",
        "Госдума рассмотрит",
    ),
    Case(
        "ЕКАТЕРИНБУРГ, 29 мая — ИА REGNUM. Власти Свердловской области",
        "Екатеринбург", 5, 29, None, "Regnum", "ИА REGNUM", "ru",
        "Власти Свердловской области",
    ),
    # Agencies not in AGENCIES: the name as written
    Case(
        "OSLO, May 29 (NTB) - Norway's government",
        "Oslo", 5, 29, None, "NTB", "(NTB)", "en",
        "Norway's government",
    ),
    Case(
        "БИШКЕК, 29 мая - Кабар. Президент Кыргызстана",
        "Бишкек", 5, 29, None, "Кабар", "Кабар", "ru",
        "Президент Кыргызстана",
    ),
    Case(
        "ТАШКЕНТ, 29 мая. /УзА/. Президент Узбекистана",
        "Ташкент", 5, 29, None, "УзА", "/УзА/", "ru",
        "Президент Узбекистана",
    ),
    Case(
        "ДУШАНБЕ. 29 мая. ХОВАР - Президент Таджикистана",
        "Душанбе", 5, 29, None, "ХОВАР", "ХОВАР", "ru",
        "Президент Таджикистана",
    ),
    # No agency: Kommersant, ANSA without the agency, Kazakh and Ukrainian papers
    Case(
        "МОСКВА, 29 мая — Госдума приняла закон",
        "Москва", 5, 29, None, None, None, "ru",
        "Госдума приняла закон",
    ),
    Case(
        "МОСКВА, 29 мая — В Москве. Текст",
        "Москва", 5, 29, None, None, None, "ru",
        "В Москве. Текст",
    ),
    Case(
        "ROMA, 29 MAG - Il governo ha approvato",
        "Roma", 5, 29, None, None, None, "it",
        "Il governo ha approvato",
    ),
    Case(
        "АСТАНА, 29 мамыр - Мемлекет басшысы",
        "Астана", 5, 29, None, None, None, "kk",
        "Мемлекет басшысы",
    ),
    Case(
        "КИЇВ, 29 травня — Верховна Рада",
        "Київ", 5, 29, None, None, None, "uk",
        "Верховна Рада",
    ),
    Case(
        "ANKARA, 29 Mayıs 2024 - Türkiye ile",
        "Ankara", 5, 29, 2024, None, None, "tr",
        "Türkiye ile",
    ),
    Case(
        "BRUXELLES, 29 mai - La Commission européenne",
        "Bruxelles", 5, 29, None, None, None, "fr",
        "La Commission européenne",
    ),
    Case(
        "МОСКВА, 29.05.2024 — Центробанк",
        "Москва", 5, 29, 2024, None, None, "ru",
        "Центробанк",
    ),
)  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.text[:40])
def test_dateline_table(case: Case) -> None:
    dateline = parse_dateline(case.text)
    assert dateline is not None
    assert (dateline.city, dateline.month, dateline.day, dateline.year) == (
        case.city,
        case.month,
        case.day,
        case.year,
    )
    assert (dateline.agency, dateline.agency_text) == (case.agency, case.agency_text)
    assert dateline.language == case.language
    assert case.text[dateline.end :] == case.body
    # `text` is the dateline as written, up to (not including) its separator.
    assert case.text[: dateline.end].strip().startswith(dateline.text)
    assert dateline.text == dateline.text.strip()


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("LONDON, May 29 (Reuters) - Oil", "LONDON, May 29 (Reuters)"),
        ("МОСКВА, 29 мая. /ТАСС/. Президент", "МОСКВА, 29 мая. /ТАСС/"),
        ("МОСКВА, 29 мая - РИА Новости. Президент", "МОСКВА, 29 мая - РИА Новости"),
        ("Астана. 29 мая. КАЗИНФОРМ. Президент", "Астана. 29 мая. КАЗИНФОРМ"),
        ("Madrid, 29 may (EFE).- El", "Madrid, 29 may (EFE)"),
        ("(ANSA) - ROMA, 29 MAG - Il", "(ANSA) - ROMA, 29 MAG"),
        ("\ufeff  NEW DELHI, May 29 (PTI) The", "NEW DELHI, May 29 (PTI)"),
        ("新华社北京5月29日电（记者张三）国家", "新华社北京5月29日电（记者张三）"),
    ],
)
def test_dateline_text_is_as_written(text: str, written: str) -> None:
    dateline = parse_dateline(text)
    assert dateline is not None
    assert dateline.text == written


def test_table_is_broad_enough() -> None:
    agencies = {case.agency for case in CASES if case.agency is not None}
    languages = {case.language for case in CASES if case.language is not None}
    assert len(CASES) >= 50
    assert len(agencies) >= 16
    assert len(languages) >= 5
    assert len({case.text for case in CASES}) == len(CASES)


def test_every_known_agency_has_a_row() -> None:
    covered = {case.agency for case in CASES}
    assert sorted(set(AGENCIES) - covered) == []


@pytest.mark.parametrize(
    ("canonical", "spelling"),
    [(name, spelling) for name, spellings in AGENCIES.items() for spelling in spellings],
)
def test_every_spelling_maps_to_its_agency(canonical: str, spelling: str) -> None:
    text = f"LONDON, May 29 ({spelling}) - Body"
    dateline = parse_dateline(text)
    assert dateline is not None
    assert dateline.agency == canonical
    assert dateline.agency_text == f"({spelling})"
    assert text[dateline.end :] == "Body"


@pytest.mark.parametrize(
    ("convention", "example"),
    [(convention, example) for convention in CONVENTIONS for example in convention.examples],
    ids=lambda value: value if isinstance(value, str) else value.name,
)
def test_convention_examples_parse(convention: object, example: str) -> None:
    text = example + "Body"
    dateline = parse_dateline(text)
    assert dateline is not None
    assert text[dateline.end :] == "Body"


def test_conventions_are_distinct_and_documented() -> None:
    names = [convention.name for convention in CONVENTIONS]
    assert len(names) == len(set(names))
    for convention in CONVENTIONS:
        assert convention.examples
        for example in convention.examples:
            assert convention.pattern.match(example + "Body") is not None, example


NEGATIVES = (
    "",
    "   ",
    "В Астане министры обороны стран ОДКБ обсудили",
    "The president said on Monday that he would",
    "Berlin is the capital of Germany.",
    "Berlin (Germany) is the capital",
    "Apple Inc (AAPL) - shares rose",
    "Москва, 29 мая — день, когда",
    "Вчера, 29 мая — в день рождения",
    "МОСКВА — столица России",
    "NATO - the alliance said",
    "Today, May 29 - we celebrate",
    "ПУТИН: мы не допустим",
    "29 мая в Москве прошел парад",
    "(Reuters) - Oil prices rose",
    "LONDON, May 32 (Reuters) - Oil prices",
    "МОСКВА, 31.13.2024 — Центробанк",
    "МОСКВА, 29 мая 2024 года Госдума приняла",
    "Moscow (Russia) is big",
    "Oslo (NTB) - an unknown agency after a city in normal case needs a date",
    "WASHINGTON (The White House) said",
    "Бишкек, 29 мая - Кабар. An unknown agency without brackets needs an upper-case city",
    "Президент, 29 мая — Путин. Текст",
    "Der Bundestag hat am 29. Mai (dpa) beschlossen",
)


@pytest.mark.parametrize("text", NEGATIVES)
def test_not_a_dateline(text: str) -> None:
    assert parse_dateline(text) is None


DASHES = (" - ", " -- ", " – ", " — ", "-", "—", "–", "  —   ", "\u00a0— ", " ‒ ", " -\n", "—\n\n")
HEADS = (
    "LONDON, May 29 (Reuters)",
    "WASHINGTON (AP)",
    "ROMA, 29 MAG",
    "МОСКВА, 29 мая",
    "МОСКВА. 29 мая. ИНТЕРФАКС",
    "ПЕКИН, 29 мая /Синьхуа/",
    "(ANSA) - ROMA, 29 MAG",
)


@pytest.mark.parametrize("dash", DASHES)
@pytest.mark.parametrize("head", HEADS)
def test_end_offset_for_each_dash(head: str, dash: str) -> None:
    text = f"{head}{dash}Story starts here"
    dateline = parse_dateline(text)
    assert dateline is not None
    assert dateline.end == len(head) + len(dash)
    assert dateline.text == head


@pytest.mark.parametrize("separator", [".-", ".– ", ". - ", ".—  "])
def test_efe_dot_dash_separator(separator: str) -> None:
    head = "Madrid, 29 may (EFE)"
    dateline = parse_dateline(f"{head}{separator}El Gobierno")
    assert dateline is not None
    assert dateline.end == len(head) + len(separator)
    assert dateline.text == head


@pytest.mark.parametrize(
    ("text", "city"),
    [
        ("Rio de Janeiro, May 29 (Reuters) - x", "Rio de Janeiro"),
        ("McAllen, Texas (AP) — x", "McAllen"),
        ("Ростов-на-Дону, 29 мая - РИА Новости. x", "Ростов-на-Дону"),
        ("DAR ES SALAAM, May 29 (Reuters) - x", "Dar es Salaam"),
        ("PORT OF SPAIN, May 29 (Reuters) - x", "Port of Spain"),
        ("LA PAZ, May 29 (Reuters) - x", "La Paz"),
        ("ДАР-ЭС-САЛАМ, 29 мая. /ТАСС/. x", "Дар-эс-Салам"),
        ("ФРАНКФУРТ-НА-МАЙНЕ, 29 мая - РИА Новости. x", "Франкфурт-на-Майне"),
        ("KAHRAMANMARAŞ (AA) - x", "Kahramanmaraş"),
        ("ІВАНО-ФРАНКІВСЬК, 29 травня. /Укрінформ/. x", "Івано-Франківськ"),
        ("ӨСКЕМЕН, 29 мамыр - x", "Өскемен"),
    ],
)
def test_city_normal_case(text: str, city: str) -> None:
    dateline = parse_dateline(text)
    assert dateline is not None
    assert dateline.city == city


@pytest.mark.parametrize(
    ("names", "template"),
    [
        (
            "января февраля марта апреля мая июня июля августа сентября октября ноября декабря",
            "МОСКВА, 5 {} - x",
        ),
        ("янв. февр. мар. апр. мая июн. июл. авг. сент. окт. нояб. дек.", "МОСКВА, 5 {} - x"),
        (
            "січня лютого березня квітня травня червня липня серпня вересня жовтня листопада "
            "грудня",
            "КИЇВ, 5 {} - x",
        ),
        (
            "қаңтар ақпан наурыз сәуір мамыр маусым шілде тамыз қыркүйек қазан қараша желтоқсан",
            "АСТАНА, 5 {} - x",
        ),
        (
            "January February March April May June July August September October November December",
            "LONDON, {} 5 (Reuters) - x",
        ),
        ("Jan. Feb. March April May June July Aug. Sept. Oct. Nov. Dec.", "LONDON, {} 5 (AP) - x"),
        (
            "Januar Februar März April Mai Juni Juli August September Oktober November Dezember",
            "BERLIN, 5. {} (dpa) - x",
        ),
        (
            "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre "
            "diciembre",
            "Madrid, 5 {} (EFE).- x",
        ),
        ("ene feb mar abr may jun jul ago sep oct nov dic", "Madrid, 5 {} (EFE).- x"),
        (
            "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre "
            "novembre dicembre",
            "(ANSA) - ROMA, 5 {} - x",
        ),
        ("GEN FEB MAR APR MAG GIU LUG AGO SET OTT NOV DIC", "ROMA, 5 {} - x"),
        (
            "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
            "Paris, 5 {} (AFP) - x",
        ),
        (
            "Ocak Şubat Mart Nisan Mayıs Haziran Temmuz Ağustos Eylül Ekim Kasım Aralık",
            "ANKARA, 5 {} 2024 (AA) - x",
        ),
        (
            "OCAK ŞUBAT MART NİSAN MAYIS HAZİRAN TEMMUZ AĞUSTOS EYLÜL EKİM KASIM ARALIK",
            "ANKARA, 5 {} 2024 (AA) - x",
        ),
    ],
)
def test_month_names(names: str, template: str) -> None:
    for number, name in enumerate(names.split(), start=1):
        dateline = parse_dateline(template.format(name))
        assert dateline is not None, name
        assert (dateline.month, dateline.day) == (number, 5), name


def test_numeric_and_iso_dates() -> None:
    numeric = parse_dateline("АСТАНА. 29.05.24. КАЗИНФОРМ - x")
    iso = parse_dateline("WASHINGTON, 2024-05-29 (AP) — x")
    assert numeric is not None
    assert iso is not None
    assert (numeric.day, numeric.month, numeric.year) == (29, 5, 2024)
    assert (iso.day, iso.month, iso.year) == (29, 5, 2024)


def test_dateline_is_frozen() -> None:
    dateline = parse_dateline("LONDON, May 29 (Reuters) - x")
    assert isinstance(dateline, Dateline)
    with pytest.raises(AttributeError):
        dateline.city = "Paris"  # type: ignore[misc]
