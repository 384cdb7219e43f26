"""Page chrome: the one lexicon of page furniture, shared by readers and rules.

A careless capture keeps a page's share bar, its "Subscribe" box, its view counters, its
"Related stories" block and the agency's sign-off ("Enditem", "jdm/dpa") beside the story.
The text reader drops such lines, and the rule ``body.chrome-only`` refuses a body made of
nothing else; both ask this module, so they never disagree about what chrome is.

Languages: Russian, Kazakh, English, German, French, Spanish, Italian, Turkish, Ukrainian,
Belarusian and Chinese. Lines are compared case-folded after NFKC (so fullwidth "：" is ":")
and without the combining dot that case-folding gives Turkish "İ".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache
from types import MappingProxyType

__all__ = [
    "CALLS",
    "FEED_HEADINGS",
    "PHRASES",
    "RELATED_HEADINGS",
    "SIGN_OFFS",
    "TAIL_HEADINGS",
    "chrome_reason",
    "is_chrome_line",
    "is_chrome_only",
    "is_headline_like",
    "is_related_heading",
    "is_sentence",
    "is_sign_off",
    "related_block_end",
    "starts_feed",
    "starts_page_tail",
]

#: Whole lines (or runs of them on one line) that are page furniture, by language.
PHRASES = MappingProxyType(
    {
        "ru": (
            "Подписаться", "Поделиться", "Читать далее", "Комментарии", "Реклама",
            "Главное", "Все новости", "Новости", "Мнения", "Видео", "Фото",
            "Выбор редакции", "Популярное", "Читать в Telegram", "Подписывайтесь",
            "Сообщить об ошибке", "Распечатать", "В тренде", "Версия для печати", "Печать",
            "Копировать ссылку", "Рассылка", "Читать полностью",
        ),
        "kk": (
            "Жазылу", "Бөлісу", "Толығырақ", "Барлық жаңалықтар", "Жаңалықтар", "Пікірлер",
            "Жарнама", "Басып шығару",
        ),
        "en": (
            "Subscribe", "Share", "Share this", "Read more", "Comments", "Advertisement",
            "Follow us", "Print", "Newsletter", "Sign up", "Most read", "Top stories",
            "Related articles", "Log in", "Cookie settings", "Accept cookies", "Email",
            "Share this article", "Print this article", "Copy link", "Link copied", "Tweet",
            "Accept all", "Reject all", "Manage cookies", "Report an error", "Reprints",
            "Skip to main content", "Skip to content", "Skip to navigation",
            "Exclusive news, data and analytics for financial market professionals",
        ),
        "pt": (
            "Partilhar", "Partilhe", "Compartilhar", "Imprimir", "Subscrever", "Assinar",
            "Newsletter", "Comentários", "Publicidade", "Ler mais", "Continuar a ler",
            "Siga-nos", "Copiar link", "Aceitar", "Aceitar todos", "Rejeitar",
            "Definições de cookies", "Enviar por email",
        ),
        "de": (
            "Teilen", "Artikel teilen", "Drucken", "Artikel drucken", "Abonnieren",
            "Newsletter", "Kommentare", "Anzeige", "Werbung", "Folgen", "Mehr lesen",
            "Weiterlesen", "Zur Startseite", "Cookie-Einstellungen", "Alle akzeptieren",
            "Link kopieren", "Merken", "Vorlesen", "Jetzt anmelden", "Fehler melden",
        ),
        "fr": (
            "Partager", "Partager cet article", "Imprimer", "S'abonner", "Abonnez-vous",
            "Newsletter", "Commentaires", "Publicité", "Lire la suite", "Suivre",
            "Copier le lien", "Tout accepter", "Tout refuser", "Paramètres des cookies",
            "Envoyer par e-mail", "Signaler une erreur",
        ),
        "es": (
            "Compartir", "Compartir noticia", "Imprimir", "Suscribirse", "Suscríbete",
            "Boletín", "Comentarios", "Publicidad", "Leer más", "Seguir leyendo", "Síguenos",
            "Copiar enlace", "Aceptar cookies", "Aceptar todo", "Enviar por correo",
        ),
        "it": (
            "Condividi", "Stampa", "Iscriviti", "Abbonati", "Newsletter", "Commenti",
            "Pubblicità", "Leggi tutto", "Continua a leggere", "Seguici", "Copia link",
            "Accetta tutti", "Accetta i cookie", "Invia per email",
        ),
        "tr": (
            "Paylaş", "Haberi paylaş", "Yazdır", "Abone ol", "Bülten", "Yorumlar", "Reklam",
            "Devamını oku", "Takip et", "Bizi takip edin", "Bağlantıyı kopyala",
            "Çerezleri kabul et", "Tümünü kabul et", "E-posta ile gönder",
        ),
        "uk": (
            "Підписатися", "Поділитися", "Читати далі", "Коментарі", "Реклама", "Головне",
            "Усі новини", "Всі новини", "Новини", "Друкувати", "Версія для друку",
            "Копіювати посилання", "Розсилка", "Вибір редакції", "Популярне",
        ),
        "be": (
            "Падпісацца", "Падзяліцца", "Чытаць далей", "Каментарыі", "Рэклама", "Галоўнае",
            "Усе навіны", "Навіны", "Друкаваць", "Версія для друку", "Скапіраваць спасылку",
        ),
        "zh": (
            "分享", "分享到", "打印", "打印本页", "订阅", "关注", "评论", "广告", "阅读全文",
            "更多", "收藏", "复制链接", "返回顶部", "关闭窗口", "纠错", "【纠错】", "字号",
            "大", "中", "小",
        ),
        # Social networks, named alone on a line of share buttons.
        "networks": (
            "Telegram", "VK", "ВКонтакте", "WhatsApp", "Facebook", "Twitter", "X",
            "Одноклассники", "LinkedIn", "Instagram", "YouTube", "Threads", "Bluesky",
            "Reddit", "Pinterest", "Viber", "Xing", "Mastodon", "Flipboard", "E-Mail",
            "微信", "微博", "QQ空间", "朋友圈",
        ),
    }
)  # fmt: skip

#: Calls to share, follow, subscribe, print or accept cookies: how a line of furniture
#: begins (regular expressions on the folded line), so that "Abonnieren Sie unseren
#: Newsletter" is chrome whatever follows, as long as the line stays short.
CALLS = MappingProxyType(
    {
        "en": (
            r"share (?:this|on|via|the story|the article)\b", r"follow (?:us|@)",
            r"follow \S+ on (?:x|twitter|facebook|telegram|instagram|whatsapp|linkedin)\b",
            r"subscribe (?:to|now|for|here|today)\b", r"sign up (?:for|to|here|now)\b",
            r"(?:get|receive) (?:our|the) .{0,40}newsletter", r"join (?:us|our) ",
            r"click here to\b", r"download (?:our|the) app\b", r"learn more (?:about|at)\b",
            r"print (?:this|the) (?:article|page|story)\b", r"email (?:this|to a friend)\b",
        ),
        "de": (
            r"teilen (?:sie|auf|per|via|diesen)\b", r"folgen sie (?:uns|\S+ auf)\b",
            r"abonnieren sie\b", r"jetzt (?:abonnieren|anmelden|registrieren)\b",
            r"(?:melden|registrieren) sie sich\b", r"(?:zum|unser\w*) newsletter\b",
            r"newsletter (?:abonnieren|bestellen)\b", r"hier (?:klicken|anmelden)\b",
            r"artikel (?:teilen|drucken|merken|verschenken)\b",
        ),
        "fr": (
            r"partager (?:sur|par|cet|l'article|via)\b", r"suivez[- ]nous\b",
            r"suivez \S+ sur\b", r"abonnez[- ]vous\b", r"inscrivez[- ]vous\b",
            r"recevez (?:notre|la|nos) ", r"imprimer (?:cet|l'article|la page)\b",
        ),
        "es": (
            r"compartir (?:en|por|esta|este|la noticia|vía)\b", r"síguenos\b",
            r"sigue a \S+ en\b", r"suscr[ií]b(?:ete|ase)\b", r"(?:recibe|recibí) (?:nuestro|el) ",
            r"(?:apúntate|regístrate)\b", r"imprimir (?:esta|la) (?:noticia|página)\b",
        ),
        "it": (
            r"condividi (?:su|via|questo|l'articolo)\b", r"seguici\b", r"segui \S+ su\b",
            r"iscriviti\b", r"abbonati\b", r"ricevi (?:la|le|il) ",
            r"stampa (?:l'articolo|questa pagina)\b",
        ),
        "tr": (
            r"(?:haberi )?paylaş\b", r"bizi (?:\S+ (?:üzerinden )?)?takip",
            r"\S+ (?:kanalımızı|hesabımızı|sayfamızı) takip", r"(?:e-)?bültenimize abone",
            r"abone olun\b", r"yazdır\b",
        ),
        "ru": (
            r"поделиться (?:в|во)\b", r"подписывайтесь\b", r"подпишитесь\b",
            r"следите за (?:нами|новостями)\b", r"читайте нас (?:в|во)\b",
            r"присоединяйтесь\b",
        ),
        "uk": (
            r"поділитися (?:в|у)\b", r"підписуйте?с[ья]\b", r"підпишіться\b",
            r"стежте за (?:нами|новинами)\b",
            r"читайте (?:нас|\S+) (?:в|у) (?:telegram|viber|facebook)",
            r"приєднуйтесь\b",
        ),
        "be": (
            r"падзяліцца (?:у|в|ў)\b", r"падпісвайцеся\b", r"падпішыцеся\b",
            r"сачыце за (?:намі|навінамі)\b", r"чытайце нас (?:у|в|ў)\b", r"далучайцеся\b",
        ),
        "kk": (r"жазылыңыз\b", r"бізге жазылыңыз\b"),
        "pt": (
            r"partilh(?:ar|e) (?:no|na|em|por|este|esta|a notícia)\b", r"siga[- ]nos\b",
            r"subscrev(?:a|er)\b", r"receba (?:a|as|o|os|nossa|nossas) ", r"inscreva[- ]se\b",
        ),
        # "Found a mistake? Select it and press Ctrl+Enter": the page's, in any story.
        "errors": (
            r"if you (?:spot|find|see|notice) an? (?:error|mistake|typo)",
            r"если вы (?:нашли|заметили|обнаружили) (?:ошибку|опечатку)",
            r"якщо ви (?:виявили|знайшли|помітили) (?:помилку|одруківку)",
            r"калі вы (?:знайшлі|заўважылі|выявілі) (?:памылку|памылку)",
            r"wenn sie einen fehler (?:gefunden|entdeckt)",
            r"(?:si vous (?:avez )?(?:trouvé|repéré|remarqué) une erreur)",
            r"(?:si (?:encuentras|ha encontrado|detectas) (?:un|algún) error)",
            r"(?:se (?:trovi|hai trovato|noti) un errore)",
            r"(?:bir (?:hata|yazım hatası) (?:bulursanız|görürseniz|fark ederseniz))",
        ),
        "zh": (
            r"分享到", r"关注(?:我们|.{0,12}(?:公众号|微博|客户端|微信))", r"扫码(?:关注|下载)",
            r"订阅", r"下载.{0,8}(?:客户端|app)", r"点击(?:查看|阅读|下载)",
        ),
        # Cookie notices: how the site says it uses them.
        "cookies": (
            r"(?:this (?:web)?site|our (?:web)?site|we) uses? cookies",
            r"wir verwenden cookies", r"diese (?:website|webseite|seite) verwendet cookies",
            r"nous utilisons des cookies", r"ce site utilise des cookies",
            r"(?:utilizamos|usamos) cookies", r"este sitio (?:web )?utiliza cookies",
            r"(?:utilizziamo|usiamo) (?:i )?cookie", r"questo sito utilizza (?:i )?cookie",
            r"(?:(?:web )?sitemizde|bu sitede) çerez", r"çerezler(?:i)? kullan(?:ıyoruz|maktayız)",
            r"(?:мы используем|сайт использует) (?:файлы )?cookie",
            r"(?:ми використовуємо|сайт використовує) (?:файли )?cookie",
            r"(?:мы выкарыстоўваем|сайт выкарыстоўвае) (?:файлы )?cookie",
            r"(?:本网站|本站|我们)使用cookie",
            r"este (?:site|sítio)(?: web)? (?:utiliza|usa) cookies",
        ),
    }
)  # fmt: skip

#: An agency's or an editor's sign-off, or a copyright line: whole lines.
SIGN_OFFS = MappingProxyType(
    {
        "en": (
            r"end ?item\.?",
            r"(?:editor|editors|ed|editing|edited by|writing|compiled)\s*:\s*\S.{0,60}",
            r"\((?:additional )?(?:reporting|writing|editing|compiled|edited) by [^()]{1,200}\)\.?",
            r"our standards: .{0,80}trust principles\.?",
        ),
        "agencies": (
            r"\((?:dpa|afp|ap|reuters|efe|ansa|aa|xinhua|ria|tass|ukrinform|belta|kazinform)\)\.?",
            r"(?:[a-zäöüéè]{1,4}(?:-[a-zäöüéè]{1,4})?/){1,5}(?:dpa(?:-afx)?|afp|ap|rtr|reuters|efe|ansa|aa|[a-zäöü]{2,4})",
            r"/\s*xinhua\s*/?", r"\(?xinhua\)?\.?",
            r"(?:©|\(c\)|copyright)\s*(?:\d{4}\s*)?(?:afp|dpa|reuters|ap|efe|agencia efe|ansa|"
            r"xinhua|anadolu(?: ajansı| agency)?|aa|ukrinform|укрінформ|belta|белта|tass|тасс|"
            r"ria novosti|риа новости|sputnik|kazinform|казинформ|agence france-presse|"
            r"the associated press|thomson reuters)\b.{0,80}",
            r"(?:©|\(c\)|copyright)\s*\d{4}\b.{0,100}",
            # Anadolu's note under each story: "published here in summary, for subscribers".
            r"anadolu ajansı web sitesinde.{0,300}",
            r".{0,100}(?:all rights reserved|alle rechte vorbehalten|tous droits réservés|"
            r"todos los derechos reservados|tutti i diritti riservati|riproduzione riservata|"
            r"tüm hakları saklıdır|усі права захищені|все права защищены|усе правы абаронены|"
            r"барлық құқықтар қорғалған|版权所有).{0,100}",
        ),
        "ru": (r"(?:редактор|редакция|ред\.)\s*[:—-]\s*.{0,60}",),
        "uk": (r"(?:редактор|редакція)\s*[:—-]\s*.{0,60}",),
        "be": (r"(?:рэдактар|рэдакцыя)\s*[:—-]\s*.{0,60}",),
        "kk": (r"(?:редактор|редакция)\s*[:—-]\s*.{0,60}",),
        "de": (
            r"\(redaktion\b.{0,60}\)", r"redaktion\s*:.{0,60}", r"\(red\.?\)",
            r"\((?:bericht|recherche|mitarbeit|geschrieben|redigiert) von .{1,360}\)\.?",
        ),
        "fr": (
            r"\((?:rédaction|édité par|édition)\b.{0,60}\)", r"(?:rédaction|édité par)\s*:.{0,60}",
        ),
        "es": (
            r"\((?:redacción|editado por|edición)\b.{0,60}\)",
            r"(?:redacción|editado por)\s*:.{0,60}",
        ),
        "it": (r"\((?:redazione|a cura di)\b.{0,60}\)", r"(?:redazione|a cura di)\s*:.{0,60}"),
        "tr": (
            r"\((?:yazan|muhabir|editör|çeviri|haber)\s*:.{1,80}\)",
            r"(?:muhabir|editör)\s*:.{1,60}",
        ),
        "zh": (
            r"[【\[]?(?:责任编辑|责编|编辑|校对)\s*:.{1,20}?[】\]]?", r"\(完\)", r"【纠错】.{0,40}",
        ),
    }
)  # fmt: skip

#: Headings of a block of other stories' headlines: the heading and the headlines go, and
#: the story may go on after them.
RELATED_HEADINGS = MappingProxyType(
    {
        "ru": (
            "Читайте также", "Читайте еще", "Похожие новости", "По теме", "Еще по теме",
            "Смотрите также",
        ),
        "kk": ("Сондай-ақ оқыңыз", "Тақырып бойынша", "Ұқсас жаңалықтар"),
        "en": (
            "Related", "Related news", "Related stories", "Related coverage", "Read more",
            "Read also", "See also", "More stories", "More on this story", "You may also like",
            "Recommended",
        ),
        "de": (
            "Mehr zum Thema", "Lesen Sie auch", "Auch interessant", "Weitere Artikel",
            "Verwandte Artikel", "Mehr dazu", "Das könnte Sie auch interessieren",
        ),
        "fr": (
            "Lire aussi", "À lire aussi", "A lire aussi", "Voir aussi", "Sur le même sujet",
            "Articles liés",
        ),
        "es": (
            "Lea también", "Lee también", "Te puede interesar", "Noticias relacionadas",
            "Relacionado", "Ver también",
        ),
        "it": (
            "Leggi anche", "Potrebbe interessarti", "Articoli correlati", "Notizie correlate",
            "Vedi anche",
        ),
        "tr": (
            "İlgili Haberler", "İlgili Haber", "Benzer Haberler", "Bunlar da ilginizi çekebilir",
        ),
        "uk": (
            "Читайте також", "Читайте ще", "Дивіться також", "По темі", "Схожі новини",
        ),
        "be": ("Чытайце таксама", "Глядзіце таксама", "Па тэме", "Падобныя навіны"),
        "zh": ("相关新闻", "相关阅读", "相关报道", "延伸阅读", "推荐阅读", "相关文章"),
        "pt": ("Leia também", "Leia mais", "Veja também", "Notícias relacionadas", "Relacionados"),
    }
)  # fmt: skip

#: Headings of the page's own news feed: after one, the rest of a capture is the page's.
FEED_HEADINGS = MappingProxyType(
    {
        "ru": ("Лента новостей", "Новости партнеров", "Последние новости"),
        "kk": ("Жаңалықтар таспасы",),
        "en": ("News feed", "Newsfeed", "Latest news"),
        "de": ("Newsticker", "Neueste Nachrichten", "Meistgelesen"),
        "fr": ("Fil d'actualités", "Dernières infos", "Dernières actualités", "Les plus lus"),
        "es": ("Últimas noticias", "Lo más leído"),
        "it": ("Ultime notizie", "Le più lette", "I più letti"),
        "tr": ("Son dakika", "Son haberler", "En çok okunanlar"),
        "uk": ("Стрічка новин", "Останні новини", "Найпопулярніше"),
        "be": ("Стужка навін", "Апошнія навіны"),
        "zh": ("滚动新闻", "最新新闻", "热点新闻"),
        "pt": ("Últimas notícias", "Mais lidas", "Mais lidos"),
    }
)  # fmt: skip

#: Every heading that ends the story's run of lines, related or feed, by language.
TAIL_HEADINGS = MappingProxyType(
    {
        tag: RELATED_HEADINGS.get(tag, ()) + FEED_HEADINGS.get(tag, ())
        for tag in dict.fromkeys([*RELATED_HEADINGS, *FEED_HEADINGS])
    }
)

#: Longest line a call to action, a sign-off or a related headline may be.
_SHORT = 200


@lru_cache(maxsize=256)
def _fold(text: str) -> str:
    """Case-folded NFKC text without the dot that folding leaves on Turkish "İ".

    Kept for the last lines asked about: one line is asked about as a feed heading, a
    related heading and chrome in turn (``is_chrome_only`` on a body of one long line
    folded it three times, the most of what the rule ``body.chrome-only`` cost).
    """
    folded = unicodedata.normalize("NFKC", text).casefold().replace("\u0307", "")
    # Every whitespace character but the space is unprintable: printable text with single
    # inner spaces is already what split and join would give (most story lines are).
    if folded.isprintable() and "  " not in folded and folded.strip(" ") == folded:
        return folded
    return " ".join(folded.split())


def _alternatives(groups: Iterable[tuple[str, ...]]) -> str:
    phrases = sorted({_fold(p) for group in groups for p in group}, key=len, reverse=True)
    return "|".join(re.escape(p) for p in phrases)


def _patterns(groups: Iterable[tuple[str, ...]]) -> str:
    return "|".join(f"(?:{p})" for group in groups for p in group)


_PHRASE_RUN = re.compile(rf"(?:(?:{_alternatives(PHRASES.values())})[\s.:!»>|·•/【】\[\]()-]*)+")
_CALL = re.compile(_patterns(CALLS.values()))
_SIGN_OFF = re.compile(_patterns(SIGN_OFFS.values()))
_RELATED = re.compile(rf"(?:{_alternatives(RELATED_HEADINGS.values())})\s*[:.»>]?")
_RELATED_INLINE = re.compile(
    rf"(?:{_alternatives(RELATED_HEADINGS.values())})\s*(?::|»|>|—|–|-)\s*(?P<rest>\S.*)"
)
_FEED = re.compile(rf"(?:{_alternatives(FEED_HEADINGS.values())})\s*:?")
#: Counters, dates and times alone on a line ("1920", "29.05.2024, 14:02", "1.2K"), or
#: "12 views" / "3 комментария" / "阅读 1234".
_COUNTER = re.compile(
    r"[\d\s.,:/|+\-–—]*\d[\d\s.,:/|+\-–—]*[km]?"
    r"|\d+\s*(?:просмотр\w*|комментари\w*|views?|comments?|aufrufe|kommentare?|vues?|"
    r"commentaires?|visualizaciones|comentarios?|visualizzazioni|comment[io]|"
    r"görüntülenme|okunma|yorum\w*|перегляд\w*|коментар\w*|прагляд\w*|каментар\w*|"
    r"次(?:阅读|浏览)|(?:阅读|浏览))"
    r"|(?:阅读|浏览)\s*:?\s*\d+",
)
#: How a sentence ends: its stop, perhaps inside closing quotes or brackets.
_SENTENCE_END = re.compile(r"[.!?…。！？;；][\"'»”’)）」』]*$")


def is_sign_off(line: str) -> bool:
    """Whether the line is an agency's or editor's sign-off or a copyright line."""
    text = _fold(line)
    return 0 < len(text) <= _SHORT and _SIGN_OFF.fullmatch(text) is not None


def is_related_heading(line: str) -> bool:
    """Whether the line heads a block of other stories ("Read more", "Читайте також")."""
    return _RELATED.fullmatch(_fold(line)) is not None


def starts_feed(line: str) -> bool:
    """Whether the line heads the page's news feed ("Лента новостей"): the story is over."""
    return _FEED.fullmatch(_fold(line)) is not None


def starts_page_tail(line: str) -> bool:
    """Whether the line is a heading ("Читайте также", "Related") that ends the story."""
    return is_related_heading(line) or starts_feed(line)


def is_sentence(line: str) -> bool:
    """Whether the line ends as a sentence does; headlines and buttons do not."""
    return _SENTENCE_END.search(line.strip()) is not None


def is_headline_like(line: str) -> bool:
    """Whether the line could be another story's headline in a related block."""
    text = line.strip()
    return 0 < len(text) <= _SHORT and not is_sentence(text)


def chrome_reason(line: str) -> str | None:
    """Which kind of chrome the line is ("phrase", "counter", "call", "sign-off",
    "related", "related-inline", "feed"), or None for a line of a story."""
    text = _fold(line)
    if not text:
        return None
    if _FEED.fullmatch(text):
        return "feed"
    if _RELATED.fullmatch(text):
        return "related"
    if _PHRASE_RUN.fullmatch(text):
        return "phrase"
    if _COUNTER.fullmatch(text):
        return "counter"
    if len(text) <= 2 * _SHORT and _SIGN_OFF.fullmatch(text):
        return "sign-off"  # an editors' note may run to a few lines' length
    if len(text) <= _SHORT:
        if _CALL.match(text):
            return "call"
        inline = _RELATED_INLINE.fullmatch(text)
        if inline is not None and is_headline_like(inline.group("rest")):
            return "related-inline"
    return None


def is_chrome_line(line: str) -> bool:
    """Whether one line of text is page furniture (a blank line is not: it separates).

    Headings of related blocks and feeds are not lines of furniture on their own: ask
    `starts_page_tail`; what follows them decides.
    """
    return chrome_reason(line) not in (None, "related", "feed")


def related_block_end(lines: Sequence[str], start: int) -> int:
    """The index after the related block whose heading is ``lines[start]``.

    The block is the heading and the headline-like lines after it (blank lines, counters
    and other chrome lines included); it ends at the first line that reads as a sentence.
    """
    end = start + 1
    while end < len(lines):
        line = lines[end]
        if line.strip() and not (is_chrome_line(line) or is_headline_like(line)):
            break
        if starts_page_tail(line):
            break
        end += 1
    return end


def is_chrome_only(lines: Iterable[str]) -> bool:
    """Whether the lines hold some text and all of it is chrome, a page-tail heading or
    the headlines of a related block."""
    text = [line for line in lines if line.strip()]
    if not text:
        return False
    index = 0
    while index < len(text):
        line = text[index]
        if starts_page_tail(line):
            index = related_block_end(text, index)
            continue
        if not is_chrome_line(line):
            return False
        index += 1
    return True
