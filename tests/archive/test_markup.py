"""The semantic form of HTML: what is kept, what is stripped, and that it is stable."""

from __future__ import annotations

import pytest
from wirearchive.archive.markup import canonical_html, is_html, semantic_html


@pytest.mark.parametrize(
    ("markup", "kept"),
    [
        ('<p class="a" id="b" style="c" data-x="1">Text</p>', "<p>Text</p>"),
        ('<a href="https://x.example/" class="k" target="_blank" onclick="f()">x</a>',
         '<a href="https://x.example/">x</a>'),
        ('<a href="javascript:alert(1)">x</a>', "<a>x</a>"),
        ('<img src="p.jpg" alt="A photo" width="300" loading="lazy">',
         '<img alt="A photo" src="p.jpg">'),
        ('<blockquote cite="https://q.example/"><p lang="ru" dir="ltr">Цитата</p></blockquote>',
         '<blockquote cite="https://q.example/"><p dir="ltr" lang="ru">Цитата</p>\n</blockquote>'),
        ('<table class="t"><tr><td colspan="2" bgcolor="red">1</td></tr></table>',
         '<table><tr><td colspan="2">1</td></tr></table>'),
        ("<section><div><p>One</p></div></section>", "<p>One</p>"),
        ("<div>Bare text in a layout box</div>", "<p>Bare text in a layout box</p>"),
        ('<p><span class="x">plain</span> <span lang="kk">қазақша</span></p>',
         '<p>plain <span lang="kk">қазақша</span></p>'),
        ("<p>a<script>evil()</script>b<style>p{}</style>c</p>", "<p>abc</p>"),
        ("<p>a<!-- note -->b</p>", "<p>ab</p>"),
        ("<p>x</p><figure><img src=i.jpg><figcaption>Cap</figcaption></figure>",
         '<p>x</p>\n<figure><img src="i.jpg"><figcaption>Cap</figcaption></figure>'),
    ],
)  # fmt: skip
def test_semantic_html_keeps_meaning_and_drops_presentation(markup: str, kept: str) -> None:
    assert semantic_html(markup).html == kept


def test_semantic_html_says_what_it_stripped() -> None:
    found = semantic_html(
        '<div class="a"><p class="b" style="x" data-id="1" data-k="2">T</p><script>s</script></div>'
    )
    assert found.changed
    assert found.summary() == (
        "attributes class ×2, data-* ×2, style ×1; unwrapped div ×1; dropped script ×1"
    )
    assert not semantic_html("<p>Clean <em>text</em>.</p>").changed


@pytest.mark.parametrize(
    "markup",
    [
        '<div class="x">\n  <p style="a">One &nbsp;two</p>\n\n<p>Three <b>four</b></p></div>',
        "<ul>\n <li> one </li>\n <li>two <em> x </em> </li></ul>",
        "<pre>  keep\n   this</pre> <p> x </p>",
        "Leading text <p>then a block</p> trailing",
        "",
        "not html at all & < > signs",
        "<p>unclosed <em>tags",
    ],
)
def test_the_canonical_form_of_the_stored_form_is_the_canonical_form(markup: str) -> None:
    stored = semantic_html(markup).html
    assert canonical_html(stored) == canonical_html(markup)
    assert semantic_html(stored).html == stored  # normalising twice changes nothing
    assert not semantic_html(stored).changed


def test_white_space_inside_pre_is_text() -> None:
    assert canonical_html("<pre>a\n  b</pre>") != canonical_html("<pre>a b</pre>")
    assert canonical_html("<p>a\n  b</p>") == canonical_html("<p>a b</p>")


@pytest.mark.parametrize(
    ("content_type", "html"),
    [("text/html", True), ("application/xhtml+xml", True), ("text/html; charset=utf-8", True),
     ("text/plain", False), (None, False), (3, False)],
)  # fmt: skip
def test_is_html(content_type: object, html: bool) -> None:
    assert is_html(content_type) is html
