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


# --- the fast path: the same answer as the parse, for the stored form ------------------

from random import Random  # noqa: E402

from wirearchive.archive import markup  # noqa: E402

_PIECES = (
    "Exports rose", "Экспорт вырос", " ", "  ", "\n", "\t", "&amp;", "&lt;", "&gt;", "&nbsp;",
    "&#160;", "\u00a0", "\u00ad", "'", '"', ">", "&", "\x0b", "café", "e\u0301",
)  # fmt: skip
_INLINE = ("em", "strong", "b", "i", "code", "span", "a")


def _fragment(rng: Random) -> str:
    """A random body near the stored form: blocks, inline tags, links, odd characters."""

    def inline(depth: int) -> str:
        out = []
        for _ in range(rng.randrange(1, 5)):
            if depth < 2 and rng.random() < 0.3:
                tag = rng.choice(_INLINE)
                if tag == "a":
                    href = rng.choice(("https://e.example/x?a=1", "/rel", "javascript:x()", "a b"))
                    out.append(f'<a href="{href}">{inline(depth + 1)}</a>')
                else:
                    out.append(f"<{tag}>{inline(depth + 1) if rng.random() < 0.9 else ''}</{tag}>")
            else:
                out.append(rng.choice(_PIECES))
        return "".join(out)

    blocks = []
    for _ in range(rng.randrange(1, 6)):
        tag = rng.choice(("p", "p", "p", "h2", "li", "div"))
        blocks.append(f"<{tag}>{inline(0)}</{tag}>")
        blocks.append(rng.choice(("", "\n", " ", "\n\n  ", "x")))
    return "".join(blocks)


def test_the_fast_path_agrees_with_the_parse() -> None:
    rng = Random(20261202)
    taken = 0
    for _ in range(3000):
        fragment = _fragment(rng)
        for candidate in (fragment, semantic_html(fragment).html):
            fast = markup._fast_canonical(candidate)
            if fast is not None:
                taken += 1
                assert fast == markup._cleaned(candidate).html, candidate
    assert taken > 200  # the fast path is really used, and agreed every time


def test_the_fast_path_takes_stored_article_bodies() -> None:
    body = semantic_html(
        '<div class="a"><h2 class="x">Title</h2>\n<p class="lead">One &amp; two,&nbsp;three '
        '<a href="https://e.example/s" class="k">link</a>.</p>\n<p>Four <em>five</em>.</p></div>'
    ).html
    assert markup._fast_canonical(body) == markup._cleaned(body).html
