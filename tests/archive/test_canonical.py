"""The canonical form: what makes two captures the same version, and how digests look."""

from __future__ import annotations

import copy
import hashlib
import re
import unicodedata
from collections.abc import Callable
from typing import Any

import orjson
import pytest
from wirearchive.archive import VOLATILE, canonical_bytes, digest, nfc, sha256
from wirearchive.archive.canonical import legacy_digest, nfc_item

Item = dict[str, Any]
DIGEST = re.compile(r"^sha256:[0-9a-f]{64}$")


def _reversed_keys(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _reversed_keys(value[key]) for key in reversed(list(value))}
    if isinstance(value, list):
        return [_reversed_keys(item) for item in value]
    return value


def _nfd(value: Any) -> Any:
    if isinstance(value, str):
        return unicodedata.normalize("NFD", value)
    if isinstance(value, dict):
        return {_nfd(key): _nfd(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_nfd(item) for item in value]
    return value


def test_key_order_does_not_change_the_digest(make_item: Callable[..., Item]) -> None:
    item = make_item()
    shuffled = _reversed_keys(item)
    assert list(shuffled) != list(item)
    assert list(shuffled["standard"]) != list(item["standard"])
    assert canonical_bytes(shuffled) == canonical_bytes(item)
    assert digest(shuffled) == digest(item)


def test_nfd_text_and_keys_hash_like_nfc(make_item: Callable[..., Item]) -> None:
    item = make_item(
        headline="Café crème: Қазақстан и Беларусь подписали соглашений й",
        located="Zürich",
        extra={"naïve": "ё"},
    )
    decomposed = _nfd(item)
    assert decomposed != item  # the text really is different code points
    assert "naïve" not in decomposed["extra"]
    assert digest(decomposed) == digest(item)
    assert canonical_bytes(decomposed) == canonical_bytes(item)


def test_nfc_normalises_nested_strings_and_keys_and_keeps_other_values() -> None:
    value = {"cafe\u0301": ["e\u0301", 1, 2.5, None, True, {"n\u0303": "a\u0308"}]}
    assert nfc(value) == {"café": ["é", 1, 2.5, None, True, {"ñ": "ä"}]}
    assert nfc("plain") == "plain"
    assert nfc(7) == 7


@pytest.mark.parametrize(
    "change",
    [
        {"versionCreated": "2030-01-01T00:00:00Z"},
        {"version": "42"},
        {"version": "42", "versionCreated": "2030-01-01T00:00:00Z"},
    ],
)
def test_volatile_fields_are_ignored(make_item: Callable[..., Item], change: Item) -> None:
    item = make_item()
    assert digest({**item, **change}) == digest(item)


def test_volatile_fields_may_be_missing(make_item: Callable[..., Item]) -> None:
    item = make_item()
    bare = {key: value for key, value in item.items() if key not in VOLATILE}
    assert {"version", "versionCreated"} == VOLATILE
    assert digest(bare) == digest(item)
    assert b"versionCreated" not in canonical_bytes(item)


def _set(path: list[str | int], value: Any) -> Callable[[Item], None]:
    def change(item: Item) -> None:
        node: Any = item
        for step in path[:-1]:
            node = node[step]
        node[path[-1]] = value

    return change


CHANGES: dict[str, Callable[[Item], None]] = {
    "headline": _set(["headlines", 0, "value"], "Wheat exports fall"),
    "one character of the body": _set(["bodies", 0, "value"], "Exports of wheat rose."),
    "language": _set(["language"], "ru"),
    "firstCreated": _set(["firstCreated"], "2024-05-29T07:02:12Z"),
    "a nested version is not volatile": _set(["standard", "version"], "3.0"),
    "string to number": _set(["located"], 1),
    "added field": _set(["slugline"], "WHEAT"),
    "removed field": lambda item: item.pop("located"),
    "list item added": lambda item: item["headlines"].append({"role": "sub", "value": "x"}),
    "empty string": _set(["located"], ""),
    "null": _set(["located"], None),
}


@pytest.mark.parametrize("name", sorted(CHANGES))
def test_any_other_change_changes_the_digest(make_item: Callable[..., Item], name: str) -> None:
    item = make_item()
    changed = copy.deepcopy(item)
    CHANGES[name](changed)
    assert changed != item
    assert digest(changed) != digest(item)


def test_list_order_matters(make_item: Callable[..., Item]) -> None:
    item = make_item(keywords=["wheat", "exports"])
    assert digest({**item, "keywords": ["exports", "wheat"]}) != digest(item)


def test_canonical_bytes_are_compact_sorted_json_without_volatile_fields() -> None:
    item = {"b": {"y": 1, "x": [2, 1]}, "a": "é", "version": "3", "versionCreated": "t"}
    assert canonical_bytes(item) == '{"a":"é","b":{"x":[2,1],"y":1}}'.encode()
    assert orjson.loads(canonical_bytes(item)) == {"a": "é", "b": {"x": [2, 1], "y": 1}}


def test_is_nfc_skips_the_walk_for_an_item_that_is_already_nfc(
    make_item: Callable[..., Item],
) -> None:
    item = _nfd(make_item(headline="Café"))
    assert canonical_bytes(nfc(item), is_nfc=True) == canonical_bytes(item)
    # The flag is a promise: an NFD item passed with it is hashed as it is.
    assert canonical_bytes(item, is_nfc=True) != canonical_bytes(item)


def test_digest_format_and_value(make_item: Callable[..., Item]) -> None:
    item = make_item()
    found = digest(item)
    assert DIGEST.match(found)
    assert found == "sha256:" + hashlib.sha256(canonical_bytes(item)).hexdigest()


def test_sha256_of_bytes() -> None:
    assert sha256(b"") == (
        "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    )
    assert DIGEST.match(sha256(b"\x00\xff"))
    assert sha256(b"a") != sha256(b"b")


# --- HTML values: what a reader sees, not how the page was styled ----------------------

STORY = (
    '<div class="article-body" id="story-7" style="margin:0">\n'
    '  <p class="lead" data-track="p1">Exports of wheat rose for a third month&nbsp;in May.</p>\n'
    '  <p class="body-text">Traders in <a href="https://example.org/odesa" class="geo">Odesa'
    '</a> said <em class="x">so</em> &amp; more.</p>\n'
    '  <blockquote class="pull"><p>"Demand is strong"</p></blockquote>\n'
    "</div>"
)
RESTYLED: dict[str, str] = {
    "every class renamed": STORY.replace('class="', 'class="v2-'),
    "ids and styles changed": STORY.replace('id="story-7"', 'id="s-9"').replace(
        "margin:0", "padding:4px;color:red"
    ),
    "data-* attributes changed": STORY.replace('data-track="p1"', 'data-x="9" data-y="z"'),
    "attributes removed": re.sub(r' (?:class|id|style|data-[a-z]+)="[^"]*"', "", STORY),
    "white space between tags": STORY.replace("\n  ", "").replace("><", ">\n\t<"),
    "white space inside blocks": STORY.replace("third month", "third \n   month").replace(
        '<p class="lead" data-track="p1">', '<p class="lead" data-track="p1">\n    '
    ),
    "&#160; for &nbsp;": STORY.replace("&nbsp;", "&#160;"),
    "U+00A0 for &nbsp;": STORY.replace("&nbsp;", "\u00a0"),
    "&#38; for &amp;": STORY.replace("&amp;", "&#38;"),
    "&quot; for a quote": STORY.replace('"Demand is strong"', "&quot;Demand is strong&#34;"),
    "a layout wrapper added": f'<section class="wrap"><div class="inner">{STORY}</div></section>',
    "a span around a word": STORY.replace("Traders", '<span class="t">Traders</span>'),
    "attribute order": STORY.replace(
        '<a href="https://example.org/odesa" class="geo">',
        '<a class="geo" href="https://example.org/odesa">',
    ),
}
REWRITTEN: dict[str, str] = {
    "a word changed": STORY.replace("third", "fourth"),
    "a link target changed": STORY.replace("odesa", "kyiv"),
    "emphasis removed": STORY.replace('<em class="x">so</em>', "so"),
    "a paragraph split": STORY.replace(" said ", "</p><p>said "),
    "a non-breaking space made plain": STORY.replace("&nbsp;", " "),
    "an ampersand made a word": STORY.replace("&amp;", "and"),
}


def _html_item(make_item: Callable[..., Item], body: str) -> Item:
    return make_item(bodies=[{"role": "main", "contentType": "text/html", "value": body}])


@pytest.mark.parametrize("name", sorted(RESTYLED))
def test_presentation_does_not_change_the_digest(make_item: Callable[..., Item], name: str) -> None:
    restyled = RESTYLED[name]
    assert restyled != STORY
    assert digest(_html_item(make_item, restyled)) == digest(_html_item(make_item, STORY))


@pytest.mark.parametrize("name", sorted(REWRITTEN))
def test_a_change_a_reader_sees_changes_the_digest(
    make_item: Callable[..., Item], name: str
) -> None:
    rewritten = REWRITTEN[name]
    assert rewritten != STORY
    assert digest(_html_item(make_item, rewritten)) != digest(_html_item(make_item, STORY))


def test_html_is_canonical_in_descriptions_and_associations_too(
    make_item: Callable[..., Item],
) -> None:
    def item(markup: str) -> Item:
        html = {"role": "summary", "contentType": "text/html", "value": markup}
        picture = {"name": "p", "type": "picture", "descriptions": [dict(html)]}
        return make_item(descriptions=[dict(html)], associations=[picture])

    plain, styled = item("<p>Wheat rose.</p>"), item('<p class="dek">Wheat rose.</p>')
    assert digest(plain) == digest(styled)
    assert digest(plain) != digest(item("<p>Wheat fell.</p>"))


def test_plain_text_values_keep_their_markup_like_characters(
    make_item: Callable[..., Item],
) -> None:
    """Only HTML values are parsed: in text/plain, '<b class=x>' is text a reader sees."""
    one = make_item(body='Use <b class="x"> for bold.')
    two = make_item(body="Use <b> for bold.")
    assert digest(one) != digest(two)


def test_canonical_html_bytes_spell_each_character_one_way(
    make_item: Callable[..., Item],
) -> None:
    body = canonical_bytes(_html_item(make_item, STORY))
    assert b"&nbsp;" not in body
    assert "month\u00a0in".encode() in body
    assert b"class" not in body
    assert b'<a href=\\"https://example.org/odesa\\">Odesa</a>' in body
    assert canonical_bytes(_html_item(make_item, STORY)) == body  # deterministic


def test_legacy_digest_is_the_form_before_html_was_canonical(
    make_item: Callable[..., Item],
) -> None:
    item = _html_item(make_item, STORY)
    assert legacy_digest(item) == sha256(
        orjson.dumps(
            {k: v for k, v in nfc(item).items() if k not in VOLATILE},
            option=orjson.OPT_SORT_KEYS,
        )
    )
    assert legacy_digest(item) != digest(item)
    plain = make_item()
    assert legacy_digest(plain) == digest(plain)  # no HTML, no difference


@pytest.mark.parametrize(
    "item",
    [
        {"uri": "urn:x", "headlines": [{"value": "plain ASCII"}]},
        {"uri": "urn:x", "headlines": [{"value": "Caf\u00e9 already composed"}]},
        {"uri": "urn:x", "headlines": [{"value": "Cafe\u0301 decomposed"}]},
        {"Cafe\u0301": "a key that is not NFC", "uri": "urn:x"},
        {"uri": "urn:x", "a": "\u0301 starts with a combining mark", "b": "e"},
        {"uri": "urn:x", "a": 'ends before a quote e"', "b": "\u0301x", "c": ["\u1100\u1161"]},
        {"uri": "urn:x", "deep": [[[{"value": "\u212b angstrom sign"}]]], "n": 1.5, "t": None},
    ],
)
def test_nfc_item_is_nfc_whether_or_not_it_walks(item: dict[str, Any]) -> None:
    """The shortcut (the whole JSON text is NFC) must give what the full walk gives."""
    found = nfc_item(item)
    assert found == nfc(item)
    assert found is not item  # a new top-level dict either way
