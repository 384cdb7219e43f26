"""The archive profile's semantic rules, one valid item and one minimal change at a time."""

from __future__ import annotations

import copy
import functools
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from wirearchive.validators import RULES, Problem, Report, RuleContext, Severity, Validator
from wirearchive.validators.rules import check_rules

DATA = Path(__file__).resolve().parent.parent / "data"
SAMPLE = DATA / "sputnik-kz-2024-05-29.txt"

NOW = datetime(2024, 5, 29, 12, 0, 0, tzinfo=UTC)
CONTEXT = RuleContext(now=NOW)

_STANDARD = {
    "name": "ninjs",
    "version": "3.1",
    "schema": "http://www.iptc.org/std/ninjs/ninjs-schema_3.1.json",
}

# examples/wire-feed.jsonl, lines 1 and 2: both pass the profile and every rule.
EN_ITEM: dict[str, Any] = {
    "uri": "urn:newsml:example.org:20240529:en-grain-1",
    "type": "text",
    "version": "1",
    "firstCreated": "2024-05-29T07:02:11Z",
    "versionCreated": "2024-05-29T07:02:11Z",
    "language": "en",
    "located": "London",
    "headlines": [
        {"role": "main", "value": "Wheat exports from the Black Sea region rise for a third month"}
    ],
    "bodies": [
        {
            "role": "main",
            "contentType": "text/plain",
            "value": "Exports of wheat from Black Sea ports rose for a third straight month in "
            "May, traders said on Wednesday, as harvest forecasts improved and freight "
            "rates eased.",
        }
    ],
    "infoSources": [{"name": "Example Wire", "role": "source"}],
    "standard": _STANDARD,
}
RU_ITEM: dict[str, Any] = {
    "uri": "urn:newsml:example.org:20240529:ru-tenge-1",
    "type": "text",
    "version": "1",
    "firstCreated": "2024-05-29T05:40:00+05:00",
    "versionCreated": "2024-05-29T05:40:00+05:00",
    "language": "ru",
    "located": "Алматы",
    "headlines": [{"role": "main", "value": "Курс тенге укрепился на торгах в среду"}],
    "bodies": [
        {
            "role": "main",
            "contentType": "text/plain",
            "value": "Курс тенге к доллару укрепился на утренних торгах Казахстанской фондовой "
            "биржи в среду, следует из данных биржи. Аналитики связывают это с ростом цен "
            "на нефть.",
        }
    ],
    "infoSources": [{"name": "Example Wire", "role": "source"}],
    "standard": _STANDARD,
}


@functools.cache
def _validator() -> Validator:
    return Validator("profile", context=CONTEXT)


def _en(**changes: Any) -> dict[str, Any]:
    item = copy.deepcopy(EN_ITEM)
    item.update(changes)
    return item


def _ru(**changes: Any) -> dict[str, Any]:
    item = copy.deepcopy(RU_ITEM)
    item.update(changes)
    return item


def _body(text: str) -> list[dict[str, Any]]:
    return [{"role": "main", "contentType": "text/plain", "value": text}]


def _validate(item: dict[str, Any]) -> Report:
    return _validator().validate(item)


def _only(report: Report, rule: str) -> Problem:
    """The single problem the report has, which must come from `rule`."""
    problems = report.errors + report.warnings
    assert [p.rule for p in problems] == [rule], [p.to_dict() for p in problems]
    return problems[0]


def _rules_of(item: dict[str, Any], context: RuleContext = CONTEXT) -> list[str]:
    return [p.rule for p in check_rules(item, context)]


# --- the base items and the rule table --------------------------------------------------


@pytest.mark.parametrize("item", [EN_ITEM, RU_ITEM], ids=["en", "ru"])
def test_base_items_pass_schema_and_every_rule(item: dict[str, Any]) -> None:
    report = _validate(copy.deepcopy(item))
    assert report.valid
    assert report.errors == []
    assert report.warnings == []
    assert check_rules(item, CONTEXT) == []


def test_rule_table_codes_and_severities() -> None:
    # Every rule has a test below; a new rule (or a changed severity) must come with one.
    assert {rule.code: rule.severity for rule in RULES} == {
        "time.future": Severity.ERROR,
        "time.order": Severity.ERROR,
        "time.created-missing": Severity.WARNING,
        "language.script": Severity.ERROR,
        "body.chrome-only": Severity.ERROR,
        "body.equals-headline": Severity.ERROR,
        "name.variant-spelling": Severity.WARNING,
    }
    assert len({rule.code for rule in RULES}) == len(RULES)


def test_check_rules_runs_only_the_rules_given() -> None:
    item = _en(versionCreated="2024-05-30T00:00:00Z", firstCreated="2024-05-30T01:00:00Z")
    assert sorted(_rules_of(item)) == ["time.future", "time.future", "time.order"]
    only_order = [rule for rule in RULES if rule.code == "time.order"]
    assert [p.rule for p in check_rules(item, CONTEXT, only_order)] == ["time.order"]


# --- time.future -------------------------------------------------------------------------


def test_time_future_beyond_tolerance_is_an_error() -> None:
    later = (NOW + timedelta(minutes=16)).strftime("%Y-%m-%dT%H:%M:%SZ")
    report = _validate(_en(versionCreated=later))
    problem = _only(report, "time.future")
    assert not report.valid
    assert problem.severity is Severity.ERROR
    assert problem.json_path == "$.versionCreated"
    assert later in problem.message


@pytest.mark.parametrize("minutes", [0, 14, 15])
def test_time_future_within_tolerance_passes(minutes: int) -> None:
    moment = (NOW + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")
    report = _validate(_en(versionCreated=moment))
    assert report.valid
    assert report.errors == []
    assert report.warnings == []


def test_time_future_reads_the_zone_offset() -> None:
    # 17:20+05:00 is 12:20Z, twenty minutes ahead; 17:10+05:00 is ten minutes ahead.
    ahead = _validate(_ru(versionCreated="2024-05-29T17:20:00+05:00"))
    assert _only(ahead, "time.future").json_path == "$.versionCreated"
    assert _validate(_ru(versionCreated="2024-05-29T17:10:00+05:00")).valid


def test_time_future_checks_every_creation_time() -> None:
    item = _en(contentCreated="2024-06-01T00:00:00Z")
    problem = _only(_validate(item), "time.future")
    assert problem.json_path == "$.contentCreated"


def test_time_future_tolerance_comes_from_the_context() -> None:
    item = _en(versionCreated="2024-05-29T12:05:00Z")
    assert _rules_of(item) == []
    strict = RuleContext(now=NOW, future_tolerance=timedelta(0))
    assert _rules_of(item, strict) == ["time.future"]


# --- time.order --------------------------------------------------------------------------


def test_time_order_first_created_after_version_created() -> None:
    report = _validate(
        _en(firstCreated="2024-05-29T08:00:00Z", versionCreated="2024-05-29T07:00:00Z")
    )
    problem = _only(report, "time.order")
    assert problem.severity is Severity.ERROR
    assert problem.json_path == "$.firstCreated"
    assert not report.valid


def test_time_order_compares_instants_not_strings() -> None:
    # 08:00+02:00 is 06:00Z: before 07:00Z although the string sorts after it.
    item = _en(firstCreated="2024-05-29T08:00:00+02:00", versionCreated="2024-05-29T07:00:00Z")
    assert _validate(item).valid
    # 01:30-03:00 is 04:30Z: after 04:00Z although the string sorts before it.
    late = _en(firstCreated="2024-05-29T01:30:00-03:00", versionCreated="2024-05-29T04:00:00Z")
    assert _only(_validate(late), "time.order").json_path == "$.firstCreated"


def test_time_order_equal_and_earlier_times_pass() -> None:
    assert _validate(_en(firstCreated="2024-05-29T07:02:11Z")).valid
    report = _validate(_en(firstCreated="2024-05-29T06:00:00Z"))
    assert report.errors == []
    assert report.warnings == []


# --- time.created-missing ----------------------------------------------------------------


def test_time_created_missing_is_a_warning_and_the_item_stays_valid() -> None:
    item = _en()
    del item["firstCreated"]
    report = _validate(item)
    assert report.valid
    assert report.errors == []
    problem = _only(report, "time.created-missing")
    assert problem.severity is Severity.WARNING
    assert problem.json_path == "$"
    assert report.warnings == [problem]


def test_time_created_missing_content_created_is_enough() -> None:
    item = _en(contentCreated="2024-05-29T06:00:00Z")
    del item["firstCreated"]
    report = _validate(item)
    assert report.valid
    assert report.warnings == []


# --- language.script ---------------------------------------------------------------------


def test_language_script_cyrillic_body_tagged_en_is_an_error() -> None:
    item = _ru(language="en")
    report = _validate(item)
    problem = _only(report, "language.script")
    assert not report.valid
    assert problem.severity is Severity.ERROR
    assert problem.json_path == "$.language"
    assert "Cyrl" in problem.message
    assert "'en'" in problem.message


def test_language_script_latin_body_tagged_ru_is_an_error() -> None:
    problem = _only(_validate(_en(language="ru")), "language.script")
    assert problem.json_path == "$.language"
    assert "Latn" in problem.message


def test_language_script_region_subtag_still_checks_the_language() -> None:
    assert _only(_validate(_ru(language="en-GB")), "language.script").json_path == "$.language"
    assert _validate(_en(language="en-GB")).valid


def test_language_script_explicit_script_subtag() -> None:
    serbian_latin = _en(
        language="sr-Latn",
        headlines=[{"role": "main", "value": "Izvoz pšenice iz regiona Crnog mora raste"}],
        bodies=_body(
            "Izvoz pšenice iz crnomorskih luka porastao je treći mesec zaredom u maju, "
            "rekli su trgovci u sredu, jer su se prognoze žetve poboljšale."
        ),
    )
    report = _validate(serbian_latin)
    assert report.valid
    assert report.errors == []
    assert report.warnings == []
    # The script subtag narrows sr (Cyrillic or Latin) to Latin only.
    cyrillic = _ru(language="sr-Latn")
    assert _only(_validate(cyrillic), "language.script").json_path == "$.language"
    assert _validate(_ru(language="sr")).valid
    assert _validate(_ru(language="sr-Cyrl")).valid


def test_language_script_headline_alone_is_checked() -> None:
    item = _en(
        headlines=[{"role": "main", "value": "Курс тенге укрепился на торгах в среду"}],
        bodies=_body("12:00"),  # no letters: nothing to tell from the body
    )
    assert "language.script" in _rules_of(item)


def test_language_not_in_the_table_is_not_checked() -> None:
    # Tagalog is not in the table, so even Cyrillic text is not held against it.
    report = _validate(_ru(language="tl"))
    assert report.valid
    assert "language.script" not in _rules_of(_ru(language="tl"))
    assert "language.script" not in _rules_of(_ru(language="tl-PH"))


def test_language_script_too_little_text_is_not_checked() -> None:
    item = _en(headlines=[{"role": "main", "value": "Да"}], bodies=_body("Нет, 2024."))
    assert "language.script" not in _rules_of(item)


def test_language_script_needs_a_majority_script() -> None:
    # A bilingual text with as many Cyrillic as Latin letters has no dominant script.
    text = "Алма " * 10 + "Alma " * 10
    item = _en(headlines=[{"role": "main", "value": text}], bodies=_body(text))
    assert "language.script" not in _rules_of(item)
    assert "language.script" in _rules_of(_en(bodies=_body("Алма " * 11 + "Alma " * 10)))


def test_language_script_undetectable_script_subtag_falls_back_to_the_language() -> None:
    # zh-Hant names a script the rule cannot tell from Hani; the language (zh) decides.
    chinese = _en(
        language="zh-Hant",
        headlines=[{"role": "main", "value": "台灣股市週三上漲"}],
        bodies=_body(
            "台灣證券交易所週三收盤上漲，科技股領漲大盤，外資持續買超半導體類股，成交量明顯放大。"
        ),
    )
    assert check_rules(chinese, CONTEXT) == []
    assert _validate(chinese).valid
    latin = _en(language="zh-Hant")
    assert _rules_of(latin) == ["language.script"]


# --- body.chrome-only --------------------------------------------------------------------


def test_body_chrome_only_the_sample_capture_chrome() -> None:
    tail = SAMPLE.read_text(encoding="utf-8").splitlines()[-2:]
    assert tail == ["Лента новостей", "0"]  # the last lines of the sample capture
    chrome = "\n".join(["Подписаться", *tail])
    report = _validate(_ru(bodies=_body(chrome)))
    problem = _only(report, "body.chrome-only")
    assert not report.valid
    assert problem.severity is Severity.ERROR
    assert problem.json_path == "$.bodies[0].value"


@pytest.mark.parametrize(
    "text",
    [
        "Подписаться",
        "Лента новостей",
        "0",
        "Подписаться\n\nЛента новостей\n0\n",
        "<p>Подписаться</p><p>Лента новостей</p>",
    ],
)
def test_body_chrome_only_each_russian_line(text: str) -> None:
    problem = _only(_validate(_ru(bodies=_body(text))), "body.chrome-only")
    assert problem.json_path == "$.bodies[0].value"


@pytest.mark.parametrize(
    "text",
    [
        "Share",
        "Share this\nRead more »\nFollow us",
        "Subscribe | Newsletter",
        "<p>Subscribe</p><p>Newsletter</p>\n<p>Advertisement</p>",
        "Share\n1.2K\n29.05.2024 12:00",
    ],
)
def test_body_chrome_only_english(text: str) -> None:
    problem = _only(_validate(_en(bodies=_body(text))), "body.chrome-only")
    assert problem.severity is Severity.ERROR
    assert problem.json_path == "$.bodies[0].value"


def test_body_chrome_only_points_at_the_chrome_body() -> None:
    bodies = [*_body(EN_ITEM["bodies"][0]["value"]), {"role": "alt", "value": "Share"}]
    problem = _only(_validate(_en(bodies=bodies)), "body.chrome-only")
    assert problem.json_path == "$.bodies[1].value"


@pytest.mark.parametrize(
    "text",
    [
        "Share prices in London fell on Wednesday as investors sold mining stocks.",
        "Shareholders of the grain trader approved the merger on Wednesday, the company "
        "said.\nShare",
        "The ministry said it would share the harvest data with traders on Wednesday.",
    ],
)
def test_body_with_the_word_share_is_not_chrome(text: str) -> None:
    report = _validate(_en(bodies=_body(text)))
    assert report.valid
    assert "body.chrome-only" not in _rules_of(_en(bodies=_body(text)))


#: A headline, a body of share bar and newsletter box, and a story body, per language.
CHROME_PAGES = {
    "ru": ("Курс тенге укрепился на торгах в среду",
           "Поделиться\nПодписывайтесь на нас в Telegram\nЧитайте также\n"
           "Нефть подорожала на 2%\nРедакция:",
           "Курс тенге укрепился, сообщили на бирже. Подписаться на рассылку можно на сайте."),
    "kk": ("Қазақстан астық экспортын арттырды", "Бөлісу\nЖазылу\nЖаңалықтар таспасы",
           "Биыл Қазақстаннан 5 миллион тонна астық экспортталды, деп хабарлады министрлік."),
    "en": ("Wheat exports rise for a third month",
           "Share on Facebook\nFollow us on X\nSign up for our Morning Bid newsletter\n"
           "Enditem\nRelated Stories\nEgypt buys wheat in direct deal",
           "Exports rose for a third month, traders said. Shares in grain firms rose."),
    "de": ("Bahn kündigt neue Sprinter an",
           "Artikel teilen\nFolgen Sie uns auf Instagram\nAbonnieren Sie unseren Newsletter\n"
           "jdm/dpa\nMehr zum Thema\nBahn-Chef verteidigt Preiserhöhung",
           "Die Bahn will die Kosten mit dem Bund teilen, sagte ein Sprecher am Mittwoch."),
    "fr": ("Le gel frappe les vignes de Bourgogne",
           "Partager sur Facebook\nAbonnez-vous à notre newsletter\n© AFP\nLire aussi\n"
           "Sécheresse : les nappes au plus bas",
           "Les viticulteurs vont partager les pertes, a indiqué la chambre d'agriculture."),
    "es": ("Cataluña levanta las restricciones de agua",
           "Compartir en WhatsApp\nSíguenos en Telegram\nSuscríbete a nuestro boletín\n"
           "(c) Agencia EFE\nLea también\nEl Ebro recupera caudal",
           "El Govern decidió compartir los datos de los embalses con los municipios."),
    "it": ("Sciopero dei treni venerdì",
           "Condividi su Facebook\nSeguici su Telegram\nIscriviti alla newsletter\n"
           "RIPRODUZIONE RISERVATA © Copyright ANSA\nLeggi anche\nMeteo, arriva il caldo",
           "I sindacati condividono la protesta e chiedono nuove assunzioni."),
    "tr": ("Mersin Limanı'nda konteyner trafiği arttı",
           "Haberi paylaş\nBizi Twitter'dan takip edin\nE-bültenimize abone olun\n"
           "(Yazan: Ahmet Yılmaz)\nİlgili Haberler\nİhracatta mayıs rekoru bekleniyor",
           "Liman yönetimi, verileri kamuoyuyla paylaşacaklarını söyledi."),
    "uk": ("Уряд виділив кошти на відновлення ТЕЦ",
           "Поділитися\nПідписуйтесь на наш Telegram-канал\nРедактор: Олена Коваль\n"
           "Читайте також\nУкренерго попередило про графіки відключень",
           "Уряд ухвалив рішення виділити кошти, повідомив прем'єр-міністр у середу."),
    "be": ("На Гомельшчыне пачалася нарыхтоўка кармоў",
           "Падзяліцца\nПадпісвайцеся на наш канал у Telegram\nРэдактар: Ганна Мароз\n"
           "Чытайце таксама\nСяўба яравых у краіне завершана",
           "Аграрыі вобласці пачалі першы ўкос траў, паведамілі ў камітэце."),
    "zh": ("中哈两国同意扩大铁路货运合作",
           "分享到：微信 微博 QQ空间\n关注我们的微信公众号\n（完）\n【责任编辑：王磊】\n"
           "相关新闻\n中欧班列今年开行突破一万列",
           "中国和哈萨克斯坦同意进一步扩大两国间的铁路货运合作，双方将分享通关数据。"),
}  # fmt: skip


def _in(language: str, headline: str, body: str) -> dict[str, Any]:
    return _en(language=language, headlines=[{"role": "main", "value": headline}],
               bodies=_body(body))  # fmt: skip


@pytest.mark.parametrize("language", sorted(CHROME_PAGES))
def test_body_chrome_only_in_each_language(language: str) -> None:
    headline, chrome, _story = CHROME_PAGES[language]
    problem = _only(_validate(_in(language, headline, chrome)), "body.chrome-only")
    assert problem.severity is Severity.ERROR
    assert problem.json_path == "$.bodies[0].value"
    html_body = "".join(f"<p>{line}</p>" for line in chrome.splitlines())
    assert "body.chrome-only" in _rules_of(_in(language, headline, html_body))


@pytest.mark.parametrize("language", sorted(CHROME_PAGES))
def test_a_story_in_each_language_with_chrome_words_is_not_chrome(language: str) -> None:
    headline, chrome, story = CHROME_PAGES[language]
    assert "body.chrome-only" not in _rules_of(_in(language, headline, story))
    # A story with the share bar left in is not chrome-only either.
    assert "body.chrome-only" not in _rules_of(_in(language, headline, f"{chrome}\n{story}"))


def test_body_the_whole_sample_capture_is_not_chrome() -> None:
    item = _ru(bodies=_body(SAMPLE.read_text(encoding="utf-8")))
    assert "body.chrome-only" not in _rules_of(item)


# --- body.equals-headline ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Wheat exports from the Black Sea region rise for a third month",
        "<p>WHEAT exports from the Black Sea region rise for a <b>third</b> month.</p>",
        "  wheat exports from the\n Black Sea region rise for a third month. ",
        "«Wheat exports from the Black Sea region rise for a third month»",
    ],
)
def test_body_equals_headline(text: str) -> None:
    report = _validate(_en(bodies=_body(text)))
    problem = _only(report, "body.equals-headline")
    assert not report.valid
    assert problem.severity is Severity.ERROR
    assert problem.json_path == "$.bodies[0].value"


def test_body_equals_headline_uses_the_main_headline() -> None:
    headlines = [
        {"role": "sub", "value": "Exports rise"},
        {"role": "main", "value": "Wheat exports from the Black Sea region rise for a third month"},
    ]
    repeats_sub = _en(headlines=headlines, bodies=_body("Exports rise."))
    assert "body.equals-headline" not in _rules_of(repeats_sub)
    repeats_main = _en(headlines=headlines, bodies=_body(headlines[1]["value"]))
    assert _rules_of(repeats_main) == ["body.equals-headline"]


def test_body_equals_headline_without_a_main_role_uses_the_first() -> None:
    # Schema-invalid (no main headline), but the rule still has a headline to compare.
    item = _en(headlines=[{"value": "Grain exports rise"}], bodies=_body("Grain exports rise."))
    assert _rules_of(item) == ["body.equals-headline"]


def test_body_that_starts_with_the_headline_is_not_flagged() -> None:
    text = "Wheat exports from the Black Sea region rise for a third month. Traders said so."
    report = _validate(_en(bodies=_body(text)))
    assert report.valid
    assert report.errors == []


# --- name.variant-spelling ---------------------------------------------------------------


def test_name_variant_spelling_in_the_sample_capture() -> None:
    item = _ru(bodies=_body(SAMPLE.read_text(encoding="utf-8")))
    report = _validate(item)
    assert report.valid
    assert report.errors == []
    assert len(report.warnings) == 1
    problem = report.warnings[0]
    assert problem.rule == "name.variant-spelling"
    assert problem.severity is Severity.WARNING
    assert problem.json_path == "$.bodies[0].value"
    assert "Жаксалыков" in problem.message
    assert "Жаксылыков" in problem.message
    # The sample is full of inflected names; none of them may be taken for a variant.
    for stem in ("Казахстан", "Беларус", "Республик", "Виктор", "Хренин"):
        assert stem not in problem.message


@pytest.mark.parametrize(
    "text",
    [
        "Казахстан и Казахстана, в Казахстане, с Казахстаном.",
        "Беларусь и Беларуси, с Беларусью.",
        "Республика и Республики, с Республикой.",
    ],
)
def test_name_variant_spelling_ignores_inflections(text: str) -> None:
    assert "name.variant-spelling" not in _rules_of(_ru(bodies=_body(text)))


def test_name_variant_spelling_english_pair() -> None:
    text = (
        "Mohammed Salah, the chief executive, said exports would rise. Muhammed added that "
        "freight rates had eased."
    )
    problem = _only(_validate(_en(bodies=_body(text))), "name.variant-spelling")
    assert problem.severity is Severity.WARNING
    assert problem.json_path == "$.bodies[0].value"
    assert "'Mohammed'" in problem.message
    assert "'Muhammed'" in problem.message


@pytest.mark.parametrize(
    "text",
    [
        # German capitalises every noun: a consonant apart is another word, an umlaut is
        # grammar, and short words differ by a vowel all the time.
        "Die Bildung der Kinder und die Bindung an die Eltern sind eng verknüpft.",
        "Der Schaden war groß, die Schäden an den Häusern sind noch nicht beziffert.",
        "Die Sache ist klar, die Suche geht weiter, sagte der Sprecher am Mittwoch.",
        "Darum steht das Datum nicht fest; die Aufgaben und Ausgaben wachsen.",
        "Smith said exports would rise. Smyth added that freight rates had eased.",
    ],
)
def test_name_variant_spelling_leaves_ordinary_words_alone(text: str) -> None:
    assert "name.variant-spelling" not in _rules_of(_en(bodies=_body(text)))


def test_name_variant_spelling_a_long_transliterated_pair() -> None:
    text = "Abdrakhmanov spoke first; Abdrakhmonov then answered the reporters."
    problem = _only(_validate(_en(bodies=_body(text))), "name.variant-spelling")
    assert "'Abdrakhmanov'" in problem.message
    assert "'Abdrakhmonov'" in problem.message


def test_name_variant_spelling_kazakh_capitals() -> None:
    # Қ, Ә, Ө, Ұ ... lie outside А-Я; names that start with them are names all the same.
    text = "Қасымбеков мәлімдеме жасады. Кейін Қасымбаков сұрақтарға жауап берді."
    problem = _only(_validate(_ru(language="kk", bodies=_body(text))), "name.variant-spelling")
    assert "'Қасымбаков'" in problem.message
    assert "'Қасымбеков'" in problem.message


def test_name_variant_spelling_different_names_pass() -> None:
    text = "Smith met Jones and Brown in London; Smith and Jones later left for Berlin."
    assert "name.variant-spelling" not in _rules_of(_en(bodies=_body(text)))


def test_name_variant_spelling_is_per_body() -> None:
    bodies = [*_body("John Smith said so."), {"role": "alt", "value": "John Smyth said so."}]
    assert "name.variant-spelling" not in _rules_of(_en(bodies=bodies))


# --- robustness and ranking ----------------------------------------------------------------


@pytest.mark.parametrize(
    "item",
    [
        {},
        {"headlines": 5, "bodies": "text", "language": 7, "firstCreated": 1},
        {"headlines": [None, {"value": 3}], "bodies": [{"value": None}, "x"]},
        {"firstCreated": "not a date", "versionCreated": "2024-05-29"},
        {"headlines": [{"role": "main", "value": ""}], "bodies": [{"value": ""}]},
    ],
)
def test_rules_never_raise_on_odd_input(item: dict[str, Any]) -> None:
    problems = check_rules(item, CONTEXT)
    assert {p.rule for p in problems} <= {"time.created-missing"}
    assert _validator().validate(item).valid is False  # the schema still rejects it


def test_ranking_shallowest_first_and_schema_before_rules() -> None:
    item = _en(
        contentCreated="2024-06-01T00:00:00Z",  # rule error at depth 1: time.future
        located=5,  # schema error at depth 1
    )
    del item["uri"]  # schema error at depth 0
    item["headlines"][0]["role"] = 5  # schema error at depth 3
    item["bodies"] = _body("Share")  # rule error at depth 3: body.chrome-only
    report = _validate(item)
    errors = report.errors
    assert not report.valid
    assert report.best_error is errors[0]
    assert errors[0].path == ()
    assert errors[0].rule == "schema.required"
    depths = [len(p.path) for p in errors]
    assert depths == sorted(depths)
    for depth in set(depths):
        same = [p for p in errors if len(p.path) == depth]
        kinds = [p.keyword is None for p in same]  # False: schema finding, True: rule
        assert kinds == sorted(kinds), [p.to_dict() for p in same]
    rules = {p.rule: p.json_path for p in errors if p.keyword is None}
    assert rules == {"time.future": "$.contentCreated", "body.chrome-only": "$.bodies[0].value"}
    located = next(i for i, p in enumerate(errors) if p.json_path == "$.located")
    future = next(i for i, p in enumerate(errors) if p.rule == "time.future")
    role = next(i for i, p in enumerate(errors) if p.json_path == "$.headlines[0].role")
    chrome = next(i for i, p in enumerate(errors) if p.rule == "body.chrome-only")
    assert located < future < role < chrome


def test_ranking_to_dict_keeps_the_order() -> None:
    item = _en(located=5, contentCreated="2024-06-01T00:00:00Z")
    out = _validate(item).to_dict()
    assert out["valid"] is False
    assert [(e["path"], e["rule"]) for e in out["errors"]] == [
        ("$.located", "schema.type"),
        ("$.contentCreated", "time.future"),
    ]
