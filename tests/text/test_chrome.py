"""The chrome lexicon: what readers drop and what `body.chrome-only` refuses agree."""

from __future__ import annotations

import pytest
from wirearchive.text.chrome import (
    CALLS,
    FEED_HEADINGS,
    PHRASES,
    RELATED_HEADINGS,
    TAIL_HEADINGS,
    chrome_reason,
    is_chrome_line,
    is_chrome_only,
    is_headline_like,
    is_related_heading,
    is_sentence,
    is_sign_off,
    related_block_end,
    starts_feed,
    starts_page_tail,
)
from wirearchive.validators import Validator


@pytest.mark.parametrize(
    "line",
    ["Подписаться", "  Share  ", "Share | Subscribe", "Жазылу", "1920", "29.05.2024, 14:02",
     "1.2K", "12 views", "3 комментария", "Telegram", "ВКонтакте · Одноклассники"],
)  # fmt: skip
def test_chrome_lines(line: str) -> None:
    assert is_chrome_line(line)


@pytest.mark.parametrize(
    "line",
    ["", "   ", "Share prices fell sharply on Monday.", "Подписан договор о поставках",
     "В Астане министры обороны встретились", "Print media are in decline"],
)  # fmt: skip
def test_story_lines_are_not_chrome(line: str) -> None:
    assert not is_chrome_line(line)


def test_page_tail_headings() -> None:
    assert starts_page_tail("Читайте также:")
    assert starts_page_tail("Related")
    assert not starts_page_tail("Related talks ended on Friday.")


def test_chrome_only_needs_some_text_and_nothing_else() -> None:
    assert is_chrome_only(["Share", "", "Subscribe", "Читайте также"])
    assert not is_chrome_only(["", "  "])
    assert not is_chrome_only(["Share", "The minister said talks would go on."])


def test_the_rule_uses_the_same_lexicon() -> None:
    item = {
        "uri": "urn:x:1",
        "bodies": [{"role": "main", "contentType": "text/plain", "value": "Share\nЖазылу\n1920"}],
    }
    rules = {p.rule for p in Validator("profile").validate(item).errors}
    assert "body.chrome-only" in rules


# --- every language of the lexicon -------------------------------------------------------

LANGUAGES = ("ru", "kk", "en", "de", "fr", "es", "it", "tr", "uk", "be", "zh", "pt")

#: Share, follow, subscribe, print, newsletter and cookie lines, as pages write them.
FURNITURE = {
    "ru": ["Поделиться", "Подписывайтесь на нас в Telegram", "Версия для печати",
           "Мы используем файлы cookie для улучшения работы сайта"],
    "kk": ["Бөлісу", "Жазылу", "Басып шығару", "Бізге жазылыңыз"],
    "en": ["Share on Facebook", "Follow us on X", "Subscribe to our newsletter",
           "Print this article", "Sign up for the Morning Briefing newsletter",
           "This website uses cookies to improve your experience."],
    "de": ["Artikel teilen", "Folgen Sie uns auf Instagram", "Jetzt abonnieren", "Drucken",
           "Melden Sie sich für unseren Newsletter an", "Wir verwenden Cookies."],
    "fr": ["Partager sur X", "Suivez-nous sur Facebook", "Abonnez-vous", "Imprimer",
           "Inscrivez-vous à notre newsletter", "Nous utilisons des cookies."],
    "es": ["Compartir en WhatsApp", "Síguenos en Instagram", "Suscríbete", "Imprimir",
           "Recibe nuestro boletín cada mañana", "Utilizamos cookies propias y de terceros."],
    "it": ["Condividi su Facebook", "Seguici su Telegram", "Abbonati", "Stampa",
           "Iscriviti alla newsletter", "Questo sito utilizza cookie tecnici."],
    "tr": ["Haberi paylaş", "Bizi Twitter'dan takip edin", "Abone ol", "Yazdır",
           "E-bültenimize abone olun", "Sitemizde çerezler kullanılmaktadır."],
    "uk": ["Поділитися", "Підписуйтесь на наш Telegram-канал", "Друкувати",
           "Стежте за нами у Facebook", "Ми використовуємо файли cookie."],
    "be": ["Падзяліцца", "Падпісвайцеся на наш канал у Telegram", "Друкаваць",
           "Сачыце за намі ў Instagram", "Мы выкарыстоўваем файлы cookie."],
    "zh": ["分享到：微信 微博 QQ空间", "关注我们的微信公众号", "打印本页", "订阅新华社客户端",
           "扫码下载客户端", "本网站使用Cookie"],
    "pt": ["Partilhar no Facebook", "Siga-nos no Instagram", "Subscrever", "Imprimir",
           "Receba a nossa newsletter", "Este site utiliza cookies para melhorar a navegação."],
    # A page's request to report a mistake, under every story.
    "errors": ["Якщо ви виявили помилку, виділіть необхідний текст і натисніть Ctrl+Enter.",
               "Если вы нашли ошибку, выделите текст и нажмите Ctrl+Enter",
               "If you spot an error, please let us know."],
    # Mastheads and notes of agencies' pages.
    "sites": ["Skip to main content",
              "Exclusive news, data and analytics for financial market professionals",
              "Learn more about Refinitiv",
              "Anadolu Ajansı web sitesinde, AA Haber Akış Sistemi (HAS) üzerinden abonelere "
              "sunulan haberler, özetlenerek yayımlanmaktadır. Abonelik için lütfen iletişime "
              "geçiniz.",
              "(Bericht von Klaus Brenner, redigiert von Sabine Wolff. Bei Rückfragen wenden "
              "Sie sich bitte an unsere Redaktion unter berlin.newsroom@thomsonreuters.com.)"],
}  # fmt: skip

#: Story lines in each language that use the same words.
STORY = {
    "pt": "O Governo vai partilhar os dados com as autarquias e subscrever o acordo europeu.",
    "ru": "Стороны договорились поделиться данными о поставках зерна.",
    "kk": "Министр жазылу науқаны туралы айтты.",
    "en": "Google uses cookies to track users, regulators said on Wednesday.",
    "de": "Die Länder wollen die Kosten teilen, sagte der Minister.",
    "fr": "Les deux pays vont partager les données sur les récoltes.",
    "es": "Los socios acordaron compartir los datos del censo.",
    "it": "I due governi condividono la stessa posizione sul gas.",
    "tr": "Bakan, verileri kamuoyuyla paylaşacaklarını söyledi.",
    "uk": "Сторони домовилися поділитися даними про врожай.",
    "be": "Бакі дамовіліся падзяліцца звесткамі пра ўраджай.",
    "zh": "双方同意分享铁路货运数据。",
}

#: Sign-offs and end marks.
SIGN_OFFS = [
    "Editor: Liu Wenjing", "Enditem", "(Reporting by Jane Doe; Editing by John Roe)",
    "(Additional reporting by Ana Ruiz in Madrid)", "(dpa)", "jdm/dpa", "bur-abc/def/cls",
    "© AFP", "© 2024 AFP", "(c) Agencia EFE", "RIPRODUZIONE RISERVATA © Copyright ANSA",
    "Редактор: Иван Петров", "Редакция:", "Редактор: Олена Коваль", "Рэдактар: Ганна Мароз",
    "Ed: Yang Lina", "/ Xinhua", "责任编辑：王磊", "【责任编辑：王磊】", "（完）",
    "(Yazan: Ahmet Yılmaz)", "© 2024 Anadolu Ajansı. Tüm hakları saklıdır.",
    "Our Standards: The Thomson Reuters Trust Principles.",
]  # fmt: skip

#: A related-stories heading in each language.
RELATED = {
    "ru": "Читайте также", "kk": "Сондай-ақ оқыңыз", "en": "Related", "de": "Mehr zum Thema",
    "fr": "Lire aussi", "es": "Lea también", "it": "Leggi anche", "tr": "İlgili Haberler",
    "uk": "Читайте також", "be": "Чытайце таксама", "zh": "相关新闻",
}  # fmt: skip

#: The page's feed heading in each language.
FEEDS = {
    "ru": "Лента новостей", "kk": "Жаңалықтар таспасы", "en": "Latest news",
    "de": "Newsticker", "fr": "Fil d'actualités", "es": "Últimas noticias",
    "it": "Ultime notizie", "tr": "Son dakika", "uk": "Стрічка новин", "be": "Стужка навін",
    "zh": "滚动新闻",
}  # fmt: skip


def test_every_language_has_phrases_calls_related_and_feed_headings() -> None:
    for table in (PHRASES, RELATED_HEADINGS, FEED_HEADINGS, TAIL_HEADINGS):
        assert set(LANGUAGES) <= set(table)
    assert set(LANGUAGES) - {"kk"} <= set(CALLS)
    assert set(TAIL_HEADINGS["de"]) == set(RELATED_HEADINGS["de"]) | set(FEED_HEADINGS["de"])


@pytest.mark.parametrize(
    ("language", "line"), [(lang, line) for lang, lines in FURNITURE.items() for line in lines]
)
def test_furniture_in_each_language_is_chrome(language: str, line: str) -> None:
    assert is_chrome_line(line), (language, line, chrome_reason(line))
    assert is_chrome_only([line])


@pytest.mark.parametrize(("language", "line"), sorted(STORY.items()))
def test_a_story_line_with_the_same_words_is_not(language: str, line: str) -> None:
    assert chrome_reason(line) is None
    assert not is_chrome_only([line, FURNITURE[language][0]])


@pytest.mark.parametrize(
    "phrase", sorted({p for group in PHRASES.values() for p in group}), ids=str
)
def test_every_phrase_of_the_lexicon_is_chrome_or_a_heading(phrase: str) -> None:
    assert is_chrome_line(phrase) or starts_page_tail(phrase)


@pytest.mark.parametrize("line", SIGN_OFFS)
def test_sign_offs_are_chrome(line: str) -> None:
    assert is_sign_off(line)
    assert chrome_reason(line) == "sign-off"
    assert is_chrome_only(["Share", line])


@pytest.mark.parametrize(
    "line",
    ["Editorial boards met in Beijing on Wednesday to discuss the new rules.",
     "Редакция газеты сообщила о смене главного редактора в среду вечером.",
     "© Photo : Пресс-служба президента Казахстана", "The ratio was 3/4 of the vote."],
)  # fmt: skip
def test_lines_like_sign_offs_that_are_not(line: str) -> None:
    assert not is_sign_off(line)
    assert not is_chrome_line(line)


@pytest.mark.parametrize(("language", "heading"), sorted(RELATED.items()))
def test_related_headings_end_the_block_not_the_story(language: str, heading: str) -> None:
    assert is_related_heading(heading)
    assert is_related_heading(heading + ":")
    assert starts_page_tail(heading)
    assert not starts_feed(heading)
    assert not is_chrome_line(heading)  # the heading alone: what follows decides
    lines = [heading, "Other story one", "Other story two", STORY[language], "Share"]
    assert related_block_end(lines, 0) == 3
    assert is_chrome_only(lines[:3])
    assert not is_chrome_only(lines)


@pytest.mark.parametrize(("language", "heading"), sorted(FEEDS.items()))
def test_feed_headings(language: str, heading: str) -> None:
    assert starts_feed(heading)
    assert starts_page_tail(heading)
    assert chrome_reason(heading) == "feed"
    assert not is_related_heading(heading)


@pytest.mark.parametrize(
    "line",
    ["Читайте також: Енергетики відновили живлення для 40 тисяч споживачів",
     "Lire aussi : Les vendanges 2023 ont été les plus précoces depuis vingt ans",
     "Leggi anche: Treni, a giugno lavori sulla linea Roma-Firenze",
     "Read more: Egypt buys 240,000 tons of wheat", "相关新闻：中欧班列今年开行突破一万列"],
)  # fmt: skip
def test_a_related_heading_with_its_headline_on_one_line_is_chrome(line: str) -> None:
    assert chrome_reason(line) == "related-inline"
    assert is_chrome_line(line)


def test_a_related_heading_before_a_sentence_is_a_story_line() -> None:
    line = "Read more: the ministry's statement of Monday says talks will resume in June."
    assert chrome_reason(line) is None


def test_turkish_dotted_capitals_and_fullwidth_colons_fold() -> None:
    for heading in ("İLGİLİ HABERLER", "ilgili haberler", "İlgili Haberler:"):
        assert is_related_heading(heading)
    assert is_sign_off("责任编辑:王磊")
    assert is_sign_off("责任编辑：王磊")


def test_sentences_and_headlines() -> None:
    assert is_sentence("He said talks would go on.")
    assert is_sentence('"Rain came just in time," he said.')
    assert is_sentence("«Мы готовы к переговорам».")
    assert is_sentence("去年两国贸易额达到410亿美元。")
    assert not is_sentence("Egypt buys 240,000 tons of wheat")
    assert is_headline_like("Egypt buys 240,000 tons of wheat")
    assert not is_headline_like("x" * 201)
    assert not is_headline_like("")
