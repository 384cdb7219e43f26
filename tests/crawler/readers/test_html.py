"""The HTML reader: saved article pages become ninjs 3.1 items, broken pages clear problems."""

from __future__ import annotations

import ast
import graphlib
import gzip
import json
import re
from pathlib import Path
from typing import Any

import pytest
import trafilatura
import wirearchive.crawler.readers.html as html_package
from wirearchive.archive import Store
from wirearchive.crawler.intake import Intake
from wirearchive.crawler.readers.base import Extracted, ReadContext, Source
from wirearchive.crawler.readers.feed import READER as FEED
from wirearchive.crawler.readers.html import (
    READER,
    declared_charset,
    extract_page,
    plain_text,
    sniff_html,
)
from wirearchive.crawler.readers.text import READER as TEXT
from wirearchive.validators import Severity, Validator

PAGES = Path(__file__).parents[2] / "data" / "pages"
TRUTH: dict[str, dict[str, Any]] = json.loads((PAGES / "truth.json").read_text(encoding="utf-8"))
RIA = (PAGES / "ria-moscow-wheat.html").read_bytes()
RIA_URL = "https://ria.example/20240529/pshenitsa-1948712.html"
NO_LANGUAGE = "banyuetan.org-jmcs.html.gz"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + bytes(range(256))
#: Pages checked for their text alone: the page's own metadata names another author.
TEXT_ONLY = {"standard.co.uk-quarantine-list.html.gz"}
REAL = sorted(
    (e["gz"], url, e) for url, e in TRUTH.items() if e["gz"] not in {NO_LANGUAGE, *TEXT_ONLY}
)


@pytest.fixture(scope="module")
def validator() -> Validator:
    return Validator("profile")


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _names(value: str | list[str]) -> list[str]:
    joined = "; ".join(value) if isinstance(value, list) else value
    return sorted(_collapse(n).casefold() for n in joined.split(";") if n.strip())


def _read(path: Path, context: ReadContext | None = None) -> Extracted:
    (extracted,) = READER.read(Source.from_path(path), context or ReadContext())
    return extracted


def _item(extracted: Extracted) -> dict[str, Any]:
    assert extracted.problem is None, extracted.problem
    assert extracted.item is not None
    return extracted.item


def _body(item: dict[str, Any]) -> str:
    body = item["bodies"][0]
    assert body["role"] == "main"
    assert body["contentType"] == "text/html"
    return _collapse(plain_text(body["value"]))


# --- real pages from the development set ------------------------------------------------


@pytest.mark.parametrize(("name", "url", "truth"), REAL, ids=[name for name, _, _ in REAL])
def test_a_real_page_gives_a_valid_item_with_the_true_metadata_and_text(
    name: str, url: str, truth: dict[str, Any], tmp_path: Path, validator: Validator
) -> None:
    data = gzip.decompress((PAGES / name).read_bytes())
    page = tmp_path / name.removesuffix(".gz")
    page.write_bytes(data)
    extracted = _read(page)
    item = _item(extracted)
    report = validator.validate(item)
    assert report.valid, report.errors
    assert extracted.raw == data
    assert extracted.reader == "html"
    assert extracted.media_type.startswith("text/html; charset=")
    assert item["uri"].rstrip("/") == url.rstrip("/")
    assert item["headlines"][0] == {"role": "main", "value": truth["title"]}
    assert item["firstCreated"][:10] == truth["date"]
    assert sorted(_collapse(p["name"]).casefold() for p in item["people"]) == _names(
        truth["author"]
    )
    body = _body(item)
    for snippet in truth["with"]:
        assert _collapse(snippet) in body
    for snippet in truth["without"]:
        assert _collapse(snippet) not in body
    assert item["standard"]["version"] == "3.1"
    assert [s["name"] for s in extracted.steps][:3] == ["decode", "uri", "extract"]


@pytest.mark.parametrize(
    ("name", "mode"),
    [
        ("caymancompass-northward-prison.html.gz", "balanced (precision kept less than half"),
        ("standard.co.uk-quarantine-list.html.gz", "precision, the lead the description confirms"),
    ],
    ids=["balanced-when-precision-keeps-little", "lead-put-back"],
)
def test_what_precision_mode_drops_of_the_article_is_put_back(name: str, mode: str) -> None:
    url, truth = next((u, e) for u, e in TRUTH.items() if e["gz"] == name)
    data = gzip.decompress((PAGES / name).read_bytes())
    extracted = extract_page(data, path=name)
    body = _body(_item(extracted))
    extract = next(s for s in extracted.steps if s["name"] == "extract")
    assert f"trafilatura {mode}" in extract["detail"]
    for snippet in truth["with"]:
        assert _collapse(snippet) in body
    for snippet in truth["without"]:
        assert _collapse(snippet) not in body
    # Precision mode alone misses a part of the article on these pages.
    precise = trafilatura.extract(data, favor_precision=True, include_comments=False)
    assert precise is not None
    assert not all(_collapse(s) in _collapse(precise) for s in truth["with"])
    assert _item(extracted)["uri"] == url


def test_mojibake_outside_the_article_does_not_refuse_the_page() -> None:
    # kulturnews.de has "Ã©coute chÃ©rie" in an image's alt text, nowhere in the story.
    data = gzip.decompress((PAGES / "kulturnews.de-ratboys.html.gz").read_bytes())
    assert "Ã©" in data.decode("utf-8")
    extracted = extract_page(data, path="kulturnews.html")
    item = _item(extracted)
    assert "Ã" not in _body(item)
    assert "mojibake in the page, judged on the article text" in extracted.steps[0]["detail"]


def test_a_page_with_no_language_anywhere_gets_the_detected_one_with_a_warning(
    validator: Validator,
) -> None:
    """A Chinese page that declares nothing: the language model tells it (it used not to)."""
    data = gzip.decompress((PAGES / NO_LANGUAGE).read_bytes())
    extracted = extract_page(data, path="banyuetan.html")
    item = _item(extracted)
    assert item["language"] == "zh"
    assert "language.detected" in [w.rule for w in extracted.warnings]
    assert validator.validate(item).valid


# --- a wire story page in Russian ------------------------------------------------------


def test_a_wire_page_gives_its_dateline_agency_and_metadata(
    tmp_path: Path, validator: Validator
) -> None:
    page = tmp_path / "ria.html"
    page.write_bytes(RIA)
    extracted = _read(page)
    item = _item(extracted)
    assert validator.validate(item).valid
    assert item["uri"] == RIA_URL
    assert item["located"] == "Москва"
    assert {"name": "RIA Novosti", "role": "source"} in item["infoSources"]
    # The publisher is the same agency, written in Russian: not listed twice.
    assert [s["name"] for s in item["infoSources"]] == ["RIA Novosti"]
    assert item["language"] == "ru"
    assert item["headlines"] == [
        {"role": "main", "value": "Экспорт пшеницы из России вырос третий месяц подряд"}
    ]
    assert item["firstCreated"] == "2024-05-29T10:15:00+03:00"
    assert item["versionCreated"] == "2024-05-29T12:40:00+03:00"
    assert item["by"] == "Иван Петров"
    assert item["people"] == [{"name": "Иван Петров", "rel": "author"}]
    assert [s["name"] for s in item["subjects"]] == ["экспорт", "пшеница", "зерно"]
    picture = item["associations"][0]
    assert picture["type"] == "picture"
    assert picture["uri"] == "https://ria.example/images/pshenitsa.jpg"
    assert picture["renditions"][0]["width"] == 1920
    body = _body(item)
    # The dateline stays in the published text; the step says where the story begins.
    assert body.startswith("МОСКВА, 29 мая - РИА Новости. Экспорт пшеницы")
    assert "первые данные об урожае озимых" in body
    for chrome in ("Читайте также", "Подписаться", "Главная", "Экспорт пшеницы из России вырос"):
        assert chrome not in body
    dateline = next(s for s in extracted.steps if s["name"] == "dateline")
    assert "story begins at character 30" in dateline["detail"]
    assert extracted.warnings == ()


def test_an_undeclared_windows_1251_page_is_decoded_right() -> None:
    data = RIA.decode("utf-8").replace('<meta charset="utf-8">', "").encode("cp1251")
    assert declared_charset(data) is None
    extracted = extract_page(data, path="ria-cp1251.html")
    item = _item(extracted)
    assert extracted.media_type == "text/html; charset=cp1251"
    assert item["located"] == "Москва"
    assert item["headlines"][0]["value"] == "Экспорт пшеницы из России вырос третий месяц подряд"
    assert "зерновой союз" in _body(item)


def test_a_page_whose_story_is_mojibake_is_quarantined() -> None:
    text = RIA.decode("utf-8")
    # UTF-8 read as windows-1251 once and saved again as UTF-8: "РњРћРЎРљР’Рђ".
    garbled = text.encode("utf-8").decode("cp1251", errors="replace").encode("utf-8")
    extracted = extract_page(garbled, path="ria-mojibake.html")
    assert extracted.item is None
    assert extracted.problem is not None
    assert extracted.problem.rule == "input.mojibake"
    assert extracted.raw == garbled


def test_undecodable_bytes_in_the_story_are_a_problem_but_not_in_the_chrome() -> None:
    in_chrome = RIA.replace("Главная".encode(), b"\xff\xfe Main")
    item = _item(extract_page(in_chrome, path="chrome.html"))
    assert "\ufffd" not in _body(item)
    in_story = RIA.replace("Новороссийске".encode(), b"Novo\xffrossiysk")
    extracted = extract_page(in_story, path="story.html")
    assert extracted.problem is not None
    assert extracted.problem.rule == "input.encoding"
    assert "article text" in extracted.problem.message


def test_a_truncated_page_still_gives_what_it_holds() -> None:
    cut = RIA.index("Трейдеры".encode()) + 5  # inside the two-byte "е"
    assert RIA[cut - 1] >= 0x80
    extracted = extract_page(RIA[:cut], path="ria-truncated.html")
    item = _item(extracted)
    assert [w.rule for w in extracted.warnings] == ["input.truncated"]
    body = _body(item)
    assert "Экспорт пшеницы из России в мае вырос" in body
    assert "урожае озимых" not in body
    assert item["located"] == "Москва"


def test_a_page_cut_before_its_story_is_refused_clearly() -> None:
    extracted = extract_page(RIA[: RIA.index(b"<body>")], path="head-only.html")
    assert extracted.problem is not None
    assert extracted.problem.rule == "html.no-text"


@pytest.mark.parametrize(
    ("data", "rule"),
    [
        (b"", "input.empty"),
        (b"  \n\t ", "input.empty"),
        (
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + bytes(range(256)),
            "input.binary",
        ),
        (b"Just some words, no markup at all.\n" * 5, "html.not-html"),
    ],
    ids=["empty", "blank", "binary", "not-html"],
)
def test_broken_inputs_are_problems_with_their_bytes(data: bytes, rule: str) -> None:
    extracted = extract_page(data, path="broken.html")
    assert extracted.item is None
    assert extracted.problem is not None
    assert extracted.problem.rule == rule
    assert extracted.raw == data


def test_an_over_limit_page_is_not_read(tmp_path: Path) -> None:
    page = tmp_path / "big.html"
    page.write_bytes(RIA)
    extracted = _read(page, ReadContext(max_bytes=len(RIA) - 1))
    assert extracted.problem is not None
    assert extracted.problem.rule == "input.too-large"
    assert extracted.raw is None
    assert _read(page, ReadContext(max_bytes=len(RIA))).item is not None


def test_the_address_a_page_was_fetched_from_outranks_a_minted_id() -> None:
    fetched = "https://ria.example/economy/20240529/pshenitsa.html"
    crawled = extract_page(ANONYMOUS, path="anonymous.html", url=fetched)
    assert _item(crawled)["uri"] == fetched
    assert {"name": "uri", "detail": "address it was fetched from"} in crawled.steps
    assert "html.uri-minted" not in [w.rule for w in crawled.warnings]


def test_a_canonical_link_to_the_front_page_is_not_the_identity() -> None:
    data = RIA.replace(
        b'<link rel="canonical" href="https://ria.example/20240529/pshenitsa-1948712.html">',
        b'<link rel="canonical" href="https://ria.example/">',
    )
    extracted = extract_page(data, path="front.html")
    assert _item(extracted)["uri"] == RIA_URL
    assert "og:url; the canonical link names the front page" in extracted.steps[1]["detail"]


def test_a_date_without_a_time_becomes_midnight_utc_with_a_warning() -> None:
    data = (
        RIA.replace(b'"2024-05-29T10:15:00+03:00"', b'"2024-05-29"')
        .replace(b', "dateModified": "2024-05-29T12:40:00+03:00"', b"")
        .replace(" (обновлено: 12:40)".encode(), b"")
    )
    extracted = extract_page(data, path="date-only.html")
    item = _item(extracted)
    assert item["firstCreated"] == item["versionCreated"] == "2024-05-29T00:00:00Z"
    assert [(w.rule, w.path) for w in extracted.warnings] == [("time.date-only", ("firstCreated",))]


def test_a_page_without_a_declared_language_gets_a_detected_one_with_a_warning() -> None:
    data = RIA.replace(b'<html lang="ru">', b"<html>").replace(b', "inLanguage": "ru"', b"")
    extracted = extract_page(data, path="no-lang.html")
    assert _item(extracted)["language"] == "ru"
    assert [w.rule for w in extracted.warnings] == ["language.detected"]


# --- pages without an address: a minted id ------------------------------------------

#: The RIA page with neither its canonical link nor og:url: nothing names its address.
ANONYMOUS = re.sub(rb'<link rel="canonical"[^>]*>|<meta property="og:url"[^>]*>', b"", RIA)
MINTED = (
    "urn:wirearchive:html:ria-novosti:2024-05-29:"
    "eksport-pshenitsy-iz-rossii-vyros-tretiy-mesyats-podryad"
)
HEADLINE = "Экспорт пшеницы из России вырос третий месяц подряд".encode()


def _comments(*lines: str) -> bytes:
    """A readers' comment block, as a page saved on another day has other comments."""
    entries = "".join(f'<li class="comment"><p>{line}</p></li>' for line in lines)
    return f'<section id="comments" class="comments"><ol>{entries}</ol></section>'.encode()


def _saved(page: bytes, comments: bytes = b"") -> bytes:
    return page.replace(b"</main>", b"</main>" + comments)


def _retitled(page: bytes, headline: str) -> bytes:
    return page.replace(HEADLINE, headline.encode())


def _minted(data: bytes) -> str:
    extracted = extract_page(data, path="saved.html")
    uri = _item(extracted)["uri"]
    assert isinstance(uri, str)
    return uri


def test_a_page_without_an_address_gets_a_minted_id_with_a_warning(
    validator: Validator,
) -> None:
    extracted = extract_page(ANONYMOUS, path="anonymous.html")
    item = _item(extracted)
    assert item["uri"] == MINTED
    assert validator.validate(item).valid
    (minted,) = [w for w in extracted.warnings if w.rule == "html.uri-minted"]
    assert minted.severity is Severity.WARNING
    assert minted.path == ("uri",)
    assert MINTED in minted.message
    assert "og:site_name" in minted.message
    assert "headline" in minted.message
    step = next(s for s in extracted.steps if s["name"] == "uri")
    assert step["detail"].startswith(f"minted {MINTED}: site from og:site_name")
    # Everything else is read as from the page with its address.
    addressed = _item(extract_page(RIA, path="ria.html"))
    assert {k: v for k, v in item.items() if k != "uri"} == {
        k: v for k, v in addressed.items() if k != "uri"
    }


def test_the_same_page_saved_twice_gets_the_same_id() -> None:
    first = _saved(ANONYMOUS, _comments("Отличная новость!", "А что с ценами на хлеб?"))
    # Saved again: re-indented, lines joined, other comments and an HTML comment added.
    second = _saved(
        re.sub(rb">\s*<", b">\n    <", ANONYMOUS).replace(b"<body>", b"<body><!-- cache 7f3a -->"),
        _comments("Первый!"),
    )
    assert first != second
    assert _minted(first) == _minted(second) == MINTED


def test_an_edited_body_keeps_the_id_and_another_story_gets_its_own() -> None:
    edited = ANONYMOUS.replace("4,2 миллиона".encode(), "4,3 миллиона".encode())
    extracted = extract_page(edited, path="edited.html")
    assert _item(extracted)["uri"] == MINTED
    assert "4,3 миллиона" in _body(_item(extracted))
    other = _retitled(ANONYMOUS, "Урожай озимых в южных регионах оказался выше прогноза")
    assert _minted(other) == (
        "urn:wirearchive:html:ria-novosti:2024-05-29:"
        "urozhay-ozimykh-v-yuzhnykh-regionakh-okazalsya-vyshe-prognoza"
    )
    assert _minted(other) != MINTED


@pytest.mark.parametrize(
    ("headline", "slug"),
    [
        ("Έκρηξη σε εργοστάσιο στη Θεσσαλονίκη", "ekrixi-se-ergostasio-sti-thessaloniki"),
        ("Експорт пшениці з України зріс у травні", "eksport-pshenitsi-z-ukraini-zris-u-travni"),
        ("Weizenexporte: Rückgang über 5 % im Mai", "weizenexporte-ruckgang-uber-5-im-mai"),
        ("Don't panic – it's “only” a test", "dont-panic-its-only-a-test"),
    ],
    ids=["greek", "ukrainian", "german", "punctuation"],
)
def test_headlines_in_other_scripts_are_transliterated(headline: str, slug: str) -> None:
    assert _minted(_retitled(ANONYMOUS, headline)).rsplit(":", 1)[1] == slug


def test_a_long_headline_is_cut_to_whole_words_within_80_characters() -> None:
    words = "Regional government asks for emergency funds to repair quay walls after storm"
    slug = _minted(_retitled(ANONYMOUS, f"{words} {words}")).rsplit(":", 1)[1]
    assert len(slug) <= 80
    assert slug == "-".join(f"{words} {words}".lower().split()[: len(slug.split("-"))])


def test_a_headline_in_ideographs_or_without_letters_is_hashed_never_empty() -> None:
    chinese = _minted(_retitled(ANONYMOUS, "俄罗斯小麦出口连续第三个月增长"))
    assert re.fullmatch(r"urn:wirearchive:html:ria-novosti:2024-05-29:sha256-[0-9a-f]{12}", chinese)
    other = _minted(_retitled(ANONYMOUS, "中国小麦进口下降"))
    assert other != chinese
    symbols = _minted(_retitled(ANONYMOUS, "★ ★ ★ — ‼"))
    assert re.fullmatch(r".*:2024-05-29:sha256-[0-9a-f]{12}", symbols)


def test_without_a_site_name_the_host_of_the_pages_links_names_the_site() -> None:
    nameless = ANONYMOUS.replace(b'<meta property="og:site_name" content="\xd0', b'<meta x="')
    nameless = re.sub(rb'"publisher": \{[^}]*\},', b"", nameless)
    assert b"og:site_name" not in nameless
    assert b"publisher" not in nameless
    assert _minted(nameless).startswith("urn:wirearchive:html:unknown:2024-05-29:eksport-")
    feed = b'<link rel="alternate" type="application/rss+xml" href="https://www.ria.example/rss">'
    with_feed = nameless.replace(b"</head>", feed + b"</head>")
    assert _minted(with_feed).startswith("urn:wirearchive:html:ria-example:2024-05-29:eksport-")


def test_a_page_with_neither_headline_nor_date_is_named_by_its_text() -> None:
    bare = (
        "<html lang=ru><head><meta charset=utf-8></head><body><article>"
        + "".join(f"<p>{p}</p>" for p in re.findall(r"<p>(.*?)</p>", RIA.decode())[:5])
        + "</article></body></html>"
    )
    uri = _minted(bare.encode())
    assert re.fullmatch(r"urn:wirearchive:html:unknown:undated:sha256-[0-9a-f]{12}", uri)
    assert _minted(bare.replace("<p>", "\n  <p>").encode()) == uri
    assert _minted(bare.replace("4,2", "4,3").encode()) != uri


def test_a_page_without_an_address_or_an_article_is_still_refused() -> None:
    front = (
        b'<html lang="ru"><head><meta charset="utf-8"><title>RIA</title></head><body></body></html>'
    )
    extracted = extract_page(front, path="empty.html")
    assert extracted.item is None
    assert extracted.problem is not None
    assert extracted.problem.rule == "html.no-text"


def test_an_edited_copy_ingested_becomes_version_two_of_the_minted_id(tmp_path: Path) -> None:
    store = Store.open(str(tmp_path / "archive"))
    saved = tmp_path / "saved"
    saved.mkdir()
    (saved / "wheat.html").write_bytes(_saved(ANONYMOUS, _comments("Отличная новость!")))
    (saved / "wheat-again.html").write_bytes(re.sub(rb">\s*<", b">\n<", ANONYMOUS))
    intake = Intake(store)
    intake.walk([str(saved)])
    first = intake.close()
    assert (first["counts"]["new"], first["counts"]["unchanged"]) == (1, 1)
    edited = tmp_path / "wheat-edited.html"
    edited.write_bytes(ANONYMOUS.replace("4,2 миллиона".encode(), "4,3 миллиона".encode()))
    intake = Intake(store)
    intake.walk([str(edited)])
    assert intake.close()["counts"]["updated"] == 1
    assert [v["version"] for v in store.history(MINTED)] == [1, 2]
    latest = store.get(MINTED)
    assert latest is not None
    assert "4,3 миллиона" in latest["item"]["bodies"][0]["value"]
    assert latest["item"]["version"] == "2"


# --- sniffing ---------------------------------------------------------------------------


def test_an_html_page_named_txt_is_html() -> None:
    head = RIA[:4096]
    path = Path("saved-page.txt")
    assert READER.sniff(head, path.name) == 95
    assert READER.sniff(head, path.name) > TEXT.sniff(head, path.name)
    assert FEED.sniff(head, path.name) == 0


@pytest.mark.parametrize(
    ("head", "score"),
    [
        (b"<html><head><title>x</title></head>", 95),
        (
            b'\xef\xbb\xbf<?xml version="1.0"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML//EN">',
            95,
        ),
        (b"<!-- saved from url=(0022)https://example.com/ -->\n<html>", 95),
        (b'<meta charset="utf-8"><title>x</title><p>text', 70),
        (b'<?xml version="1.0"?><rss version="2.0"><channel>', 0),
        (b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom">', 0),
        (b'<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="urn:x">', 0),
        (b'<?xml version="1.0"?><nitf><head><title>x</title></head><body>', 0),
        (b'{"uri": "urn:x", "type": "text"}', 0),
        ("МОСКВА, 29 мая - РИА Новости. Текст".encode(), 0),
    ],
    ids=[
        "html",
        "xhtml",
        "saved-from",
        "fragment",
        "rss",
        "atom",
        "newsml",
        "nitf",
        "json",
        "text",
    ],
)
def test_sniff(head: bytes, score: int) -> None:
    assert sniff_html(head) == score


@pytest.mark.parametrize(
    ("data", "encoding", "declared"),
    [
        (
            RIA.replace(b'<meta charset="utf-8">', b'<meta charset="windows-1251">'),
            "utf-8",
            "windows-1251",
        ),
        (RIA.decode("utf-8").encode("cp1251"), "cp1251", "utf-8"),
    ],
    ids=["utf-8-declared-1251", "1251-declared-utf-8"],
)
def test_a_wrong_charset_declaration_is_overruled_with_a_warning(
    data: bytes, encoding: str, declared: str
) -> None:
    extracted = extract_page(data, path="wrong-charset.html")
    item = _item(extracted)
    assert extracted.media_type == f"text/html; charset={encoding}"
    assert item["located"] == "Москва"
    (warning,) = extracted.warnings
    assert warning.rule == "html.charset-mismatch"
    assert f"declares {declared}" in warning.message


def test_the_http_charset_outranks_the_pages_own_declaration() -> None:
    # A KOI8-R page whose stale <meta> says UTF-8; the server's Content-Type is right.
    data = RIA.decode("utf-8").encode("koi8_r", errors="replace")
    without = extract_page(data, path="ria-koi8.html")
    context = ReadContext(charset="koi8-r")
    extracted = extract_page(data, path="ria-koi8.html", context=context)
    item = _item(extracted)
    assert extracted.media_type == "text/html; charset=koi8-r"
    assert item["located"] == "Москва"
    assert without.media_type != extracted.media_type


#: What feed.py, the spider, bench/extract.py and these tests import from the package.
PUBLIC = {
    "DETECTABLE", "READER", "HtmlReader", "Page", "When", "absolute_url", "add_source",
    "apply_dateline", "clean_name", "declared_charset", "extract_page", "find_dateline",
    "language_tag", "parse_when", "plain_text", "read_structured", "rfc3339", "sniff_html",
    "stamp", "warning",
}  # fmt: skip


def test_the_package_exports_every_public_name_of_the_reader() -> None:
    assert set(html_package.__all__) == PUBLIC
    missing = [name for name in sorted(PUBLIC) if not hasattr(html_package, name)]
    assert missing == []
    assert html_package.READER is READER
    assert html_package.extract_page is extract_page


def test_the_reader_modules_import_each_other_without_a_cycle() -> None:
    # Each concern imports only those below it (see the package docstring); a cycle would
    # work or break depending on which module happens to be imported first.
    folder = Path(__file__).parents[3] / "crawler" / "readers" / "html"
    graph: dict[str, set[str]] = {}
    for module in sorted(folder.glob("*.py")):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        graph[module.stem] = {
            node.module
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module
        }
    assert {"page", "decode", "metadata", "address", "dates", "body", "reader"} <= set(graph)
    assert graph["__init__"] >= {"reader", "page"}
    order = list(graphlib.TopologicalSorter(graph).static_order())  # raises on a cycle
    assert order.index("page") < order.index("decode") < order.index("reader")


# --- pages whose article is only a share bar and a newsletter box ----------------------

#: Per language: a headline, a share bar and a newsletter box, as sites write them.
CHROME_ONLY = {
    "ru": ("Курс тенге укрепился на торгах в среду", ["Поделиться", "ВКонтакте", "Telegram"],
           ["Подписывайтесь на нашу рассылку и получайте главные новости дня каждое утро",
            "Подписаться"]),
    "kk": ("Қазақстан астық экспортын арттырды", ["Бөлісу", "Telegram", "WhatsApp"],
           ["Жазылу", "Бізге жазылыңыз және күн сайын ең маңызды жаңалықтарды алыңыз"]),
    "en": ("Wheat exports rise for a third month", ["Share", "Facebook", "X", "Email"],
           ["Sign up for our Morning Bid newsletter and get the day's markets news in your "
            "inbox", "Subscribe"]),
    "de": ("Bahn kündigt neue Sprinter an", ["Teilen", "Artikel teilen", "Drucken"],
           ["Abonnieren Sie unseren Newsletter und erhalten Sie jeden Morgen die wichtigsten "
            "Nachrichten", "Jetzt anmelden"]),
    "fr": ("Le gel frappe les vignes de Bourgogne", ["Partager", "Facebook", "Imprimer"],
           ["Inscrivez-vous à notre newsletter pour recevoir chaque matin l'essentiel de "
            "l'actualité", "S'abonner"]),
    "es": ("Cataluña levanta las restricciones de agua", ["Compartir", "WhatsApp", "Imprimir"],
           ["Suscríbete a nuestro boletín y recibe cada mañana las noticias más importantes "
            "del día", "Suscribirse"]),
    "it": ("Sciopero dei treni venerdì", ["Condividi", "Facebook", "Stampa"],
           ["Iscriviti alla newsletter per ricevere ogni mattina le notizie più importanti "
            "della giornata", "Iscriviti"]),
    "tr": ("Mersin Limanı'nda konteyner trafiği arttı", ["Paylaş", "Twitter", "Yazdır"],
           ["E-bültenimize abone olun, günün en önemli haberleri her sabah e-posta kutunuza "
            "gelsin", "Abone ol"]),
    "uk": ("Уряд виділив кошти на відновлення ТЕЦ", ["Поділитися", "Facebook", "Telegram"],
           ["Підписуйтесь на нашу розсилку, щоб щоранку отримувати головні новини дня",
            "Підписатися"]),
    "be": ("На Гомельшчыне пачалася нарыхтоўка кармоў", ["Падзяліцца", "Telegram", "Друкаваць"],
           ["Падпісвайцеся на нашу рассылку, каб кожную раніцу атрымліваць галоўныя навіны дня",
            "Падпісацца"]),
    "zh": ("中哈两国同意扩大铁路货运合作", ["分享到：微信 微博 QQ空间", "打印"],
           ["订阅新华社每日新闻简报，每天早上第一时间获取最重要的新闻资讯",
            "关注我们的微信公众号"]),
}  # fmt: skip

#: A first paragraph for each page, to show the rule leaves a real story alone.
STORY_PARAGRAPH = {
    "ru": "Курс тенге к доллару укрепился на утренних торгах в среду, следует из данных биржи.",
    "kk": "Биыл төрт айда Қазақстаннан 5 миллион тоннадан астам астық экспортталды.",
    "en": "Exports of wheat from Black Sea ports rose for a third month, traders said.",
    "de": "Die Deutsche Bahn will vom Dezember an mehr schnelle Züge fahren lassen.",
    "fr": "Le gel a endommagé de nombreuses vignes, selon la chambre d'agriculture.",
    "es": "El Gobierno catalán levanta parte de las restricciones de agua vigentes.",
    "it": "Venerdì i treni regionali potrebbero subire cancellazioni per uno sciopero.",
    "tr": "Mersin Limanı'nda elleçlenen konteyner miktarı yüzde 15 arttı.",
    "uk": "Уряд ухвалив рішення виділити кошти на відновлення Харківської ТЕЦ.",
    "be": "Аграрыі Гомельскай вобласці пачалі першы ўкос шматгадовых траў.",
    "zh": "中国和哈萨克斯坦29日同意进一步扩大两国间的铁路货运合作。",
}


def chrome_page(language: str, story: str | None = None) -> bytes:
    """A page in `language` whose article holds the share bar and newsletter box only."""
    headline, share, box = CHROME_ONLY[language]
    paragraphs = "".join(f"<p>{line}</p>" for line in [*share, *box])
    if story:
        paragraphs = f"<p>{story}</p>{paragraphs}"
    return (
        f'<!DOCTYPE html><html lang="{language}"><head><meta charset="utf-8">'
        f"<title>{headline} - Example</title>"
        f'<link rel="canonical" href="https://news.example/{language}/2024/05/29/story.html">'
        '<meta property="article:published_time" content="2024-05-29T10:15:00+02:00">'
        f"</head><body><h1>{headline}</h1><article>{paragraphs}</article></body></html>"
    ).encode()


@pytest.mark.parametrize("language", sorted(CHROME_ONLY))
def test_a_page_of_share_bar_and_newsletter_box_is_refused_as_chrome_only(
    language: str, validator: Validator
) -> None:
    item = _item(extract_page(chrome_page(language), path=f"{language}.html"))
    body = _body(item)
    assert CHROME_ONLY[language][2][0] in body  # trafilatura kept the box as the article
    errors = validator.validate(item).errors
    assert [e.rule for e in errors] == ["body.chrome-only"]
    assert errors[0].json_path == "$.bodies[0].value"


@pytest.mark.parametrize("language", sorted(CHROME_ONLY))
def test_the_same_page_with_a_story_paragraph_is_not_chrome_only(
    language: str, validator: Validator
) -> None:
    page = chrome_page(language, STORY_PARAGRAPH[language])
    item = _item(extract_page(page, path=f"{language}.html"))
    assert STORY_PARAGRAPH[language] in _body(item)
    assert "body.chrome-only" not in [e.rule for e in validator.validate(item).errors]


def test_a_story_with_a_few_mangled_accents_is_repaired_not_refused(
    validator: Validator,
) -> None:
    """The source mangled its accents ("NPCÂ´s"): the article is still an article."""
    paragraphs = "".join(
        f"<p>Paragraph {n}: the cafÃ© on the square reopened on Monday after the NPCÂ´s "
        "review, and the owners said the long renovation had been worth the wait for "
        "everyone in the village.</p>"
        for n in range(1, 5)
    )
    page = (
        '<html lang="en"><head><meta charset="utf-8"><title>Village cafe reopens</title>'
        '<link rel="canonical" href="https://news.example.org/2024/05/29/cafe">'
        '<meta property="article:published_time" content="2024-05-29T10:00:00Z"></head>'
        f"<body><article><h1>Village cafe reopens</h1>{paragraphs}</article></body></html>"
    ).encode()
    extracted = extract_page(page, path="cafe.html")
    item = _item(extracted)
    assert "café" in _body(item)
    assert "NPC´s" in _body(item)
    assert "Ã" not in _body(item)
    assert "input.mojibake-repaired" in [w.rule for w in extracted.warnings]
    assert extracted.raw == page  # the capture keeps the bytes as they came
    assert validator.validate(item).valid


# --- the text: how often trafilatura reads the page -------------------------------------


def _page_tree(markup: str) -> Any:
    from trafilatura.utils import load_html

    return load_html(f"<html><head><title>t</title></head><body>{markup}</body></html>")


def test_only_a_short_precision_text_is_doubted() -> None:
    from trafilatura.settings import Document
    from wirearchive.crawler.readers.html import body

    def document(length: int) -> Document:
        found = Document()
        found.text = "x" * length
        return found

    small = _page_tree("<p>" + "word " * 100 + "</p>")
    large = _page_tree("<p>" + "word " * 100 + "</p><ul>" + "<li>link text</li>" * 2000 + "</ul>")
    assert body._doubtful(None, small)
    assert body._doubtful(document(body._SHORT - 1), small)
    assert not body._doubtful(document(body._SHORT), small)  # most of the page's text
    assert body._doubtful(document(body._SHORT), large)  # a sliver of a long page
    assert not body._doubtful(document(body._DOUBTFUL), large)


def test_the_lead_is_put_back_from_the_page_when_no_balanced_text_was_read() -> None:
    from lxml import etree
    from wirearchive.crawler.readers.html import body

    lead = "The council approved the new bridge on Monday after a decade of delays and debate."
    story = "Work starts in spring, the mayor said, and the bridge opens in two years."
    tree = _page_tree(
        f'<div class="story"><div class="intro"><p><b>{lead}</b></p></div><p>{story}</p></div>'
    )

    def kept() -> Any:
        return etree.fromstring(f"<body><p>{story}</p></body>")

    restored = kept()
    # The description cut short with an ellipsis confirms the lead paragraph; the
    # container holding the whole story is not the lead.
    assert body._restore_lead_from_page(restored, tree, lead[:70] + "…")
    assert [p.text for p in restored] == [lead, story]
    unchanged = kept()
    assert not body._restore_lead_from_page(unchanged, tree, story)  # already kept
    assert not body._restore_lead_from_page(unchanged, tree, "Bridge news.")  # too short
    assert not body._restore_lead_from_page(unchanged, tree, "An unrelated summary of it all.")
    assert [p.text for p in unchanged] == [story]


def test_the_metadata_survives_when_the_fast_precision_run_keeps_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    name = "flowfx.de-tmux-clipboard.html.gz"
    data = gzip.decompress((PAGES / name).read_bytes())
    expected = _item(extract_page(data, path=name))
    real = trafilatura.bare_extraction
    calls: list[dict[str, Any]] = []

    def fast_keeps_nothing(tree: Any, **settings: Any) -> Any:
        calls.append(settings)
        # trafilatura's fast mode returns no document at all when it keeps no text.
        return None if settings.get("fast") else real(tree, **settings)

    monkeypatch.setattr(trafilatura, "bare_extraction", fast_keeps_nothing)
    item = _item(extract_page(data, path=name))
    assert [c.get("fast", False) for c in calls] == [True, False, False]
    for key in ("headlines", "people", "firstCreated", "subjects"):
        assert item.get(key) == expected.get(key), key
    assert _body(item)
