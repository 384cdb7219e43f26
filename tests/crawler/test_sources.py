"""Crawl sources: TOML files loaded, checked key by key, and never executed."""

from __future__ import annotations

import builtins
import tomllib
from datetime import timedelta
from pathlib import Path
from types import MappingProxyType

import pytest
from wirearchive.crawler import sources
from wirearchive.crawler.sources import (
    Source,
    SourceError,
    load_source,
    load_sources,
    parse_duration,
)

ROOT = Path(__file__).parents[2]
EXAMPLE = ROOT / "sources" / "example-wire.toml"
DATA = Path(__file__).parents[1] / "data" / "sources"
GOOD = DATA / "good"
BAD = DATA / "bad"

MINIMAL = """\
allowed_domains = ["news.example.org"]
start_urls = ["https://news.example.org/"]
"""


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / f"{name}.toml"
    path.write_text(f'name = "{name}"\n{text}', encoding="utf-8")
    return path


def _error(path: Path) -> SourceError:
    with pytest.raises(SourceError) as caught:
        load_source(path)
    return caught.value


# The example and the good samples


def test_the_example_source_loads_and_uses_every_key() -> None:
    source = load_source(EXAMPLE)
    assert source.name == "example-wire"
    assert source.agency == "Example Wire"
    assert source.language == "en"
    assert source.allowed_domains == ("127.0.0.1",)
    assert source.feeds == ("http://127.0.0.1:8000/feed.xml",)
    assert source.sitemap_max_age == timedelta(days=2)
    assert set(source.fields) == {"headline", "body", "byline", "published"}
    assert source.revisit_interval(timedelta(hours=1)) == timedelta(minutes=30)
    # The example is the reference for writing a source: it shows every key there is.
    document = tomllib.loads(EXAMPLE.read_text("utf-8"))
    assert set(document) == set(sources._TOP_KEYS)
    for table, keys in sources._TABLE_KEYS.items():
        assert set(document[table]) == set(keys), table


def test_the_sources_folder_loads() -> None:
    assert "example-wire" in load_sources(ROOT / "sources")


def test_a_full_source_is_typed_and_normalized() -> None:
    source = load_source(GOOD / "full.toml")
    assert source == Source(
        name="full",
        allowed_domains=("example.org", "127.0.0.1"),
        feeds=("https://news.example.org/feed.xml",),
        sitemaps=("https://example.org/sitemap.xml",),
        start_urls=("http://127.0.0.1:8000/news/a.html",),
        agency="Full Wire",
        language="pt-BR",
        sitemap_max_age=timedelta(days=3),
        fields={
            "headline": "css:h1.title::text",
            "body": "xpath://div[@class='story']",
            "byline": "css:.byline::text",
            "published": "xpath://time/@datetime",
        },
        revisit=(
            (timedelta(hours=12), timedelta(minutes=30)),
            (timedelta(days=3), timedelta(hours=6)),
            (timedelta(weeks=4), timedelta(weeks=1)),
        ),
    )
    assert source.path == GOOD / "full.toml"


def test_a_minimal_source_gets_the_defaults() -> None:
    source = load_source(GOOD / "minimal.toml")
    assert (source.agency, source.language, source.sitemap_max_age) == (None, None, None)
    assert (source.feeds, source.sitemaps) == ((), ())
    assert dict(source.fields) == {}
    assert source.revisit == sources.DEFAULT_REVISIT
    assert source.revisit_interval(timedelta(hours=2)) == timedelta(hours=1)
    assert source.revisit_interval(timedelta(days=2)) == timedelta(days=1)


def test_load_sources_reads_every_toml_file_in_name_order() -> None:
    loaded = load_sources(GOOD)
    assert list(loaded) == ["full", "minimal"]
    assert all(isinstance(source, Source) for source in loaded.values())


def test_other_and_hidden_files_are_not_sources(tmp_path: Path) -> None:
    _write(tmp_path, "one", MINIMAL)
    (tmp_path / "README.md").write_text("not a source")
    (tmp_path / ".#one.toml").write_text("editor lock file, not TOML [")
    (tmp_path / "folder.toml").mkdir()
    assert list(load_sources(tmp_path)) == ["one"]


def test_a_source_is_immutable() -> None:
    source = load_source(GOOD / "full.toml")
    with pytest.raises(AttributeError):
        source.name = "other"  # type: ignore[misc]
    with pytest.raises(TypeError):
        source.fields["headline"] = "css:h2"  # type: ignore[index]
    assert isinstance(hash(source), int)


def test_constructing_a_source_normalizes_and_checks_domains() -> None:
    fields = {"headline": "css:h1"}
    source = Source("x", ("News.Example.ORG.",), fields=fields)
    fields["body"] = "css:p"
    assert source.allowed_domains == ("news.example.org",)
    assert isinstance(source.fields, MappingProxyType)
    assert dict(source.fields) == {"headline": "css:h1"}
    with pytest.raises(ValueError, match="bare host name"):
        Source("x", ("https://news.example.org/",))


# Each kind of mistake, in its own file: the error names the file and the exact key


@pytest.mark.parametrize(
    ("stem", "key", "text"),
    [
        ("unknown-key", "start_url", "unknown key; did you mean 'start_urls'?"),
        ("unknown-field", "fields.headlne", "unknown key; did you mean 'headline'?"),
        ("misplaced-key", "fields.language", "'language' is a top-level key: move it above"),
        ("domains-not-array", "allowed_domains", "expected an array of strings, got string"),
        ("domain-with-scheme", "allowed_domains[0]", "must be a bare host name"),
        ("domains-missing", "allowed_domains", "required"),
        ("url-outside", "feeds[1]", "host 'example.com' is not inside allowed_domains"),
        ("url-not-http", "start_urls[0]", "must be an absolute http:// or https:// URL"),
        ("url-relative", "sitemaps[0]", "must be an absolute http:// or https:// URL"),
        ("url-not-string", "start_urls[1]", "expected a string, got integer"),
        ("selector-prefix", "fields.headline", 'must start with "css:" or "xpath:"'),
        ("selector-empty", "fields.byline", 'has nothing after "css:"'),
        ("xpath-broken", "fields.body", "XPath does not compile"),
        ("max-age-string", "sitemap.max_age_days", "expected an integer, got string"),
        ("max-age-zero", "sitemap.max_age_days", "must be at least 1, got 0"),
        ("duration-bad", "revisit.schedule[0][1]", "'1x' is not a duration"),
        ("revisit-not-increasing", "revisit.schedule[1][0]", "windows go in increasing age"),
        ("revisit-not-pair", "revisit.schedule[0]", "expected a pair [age, every]"),
        ("language-underscore", "language", "not a BCP 47 language tag, such as 'en-US'"),
        ("agency-not-string", "agency", "expected a string, got array"),
        ("name-mismatch", "name", "'other-name' must equal the file stem 'name-mismatch'"),
        ("Name_Upper", "name", "must be lower-case letters, digits and dashes"),
        ("fields-not-table", "fields", "expected a table, got string"),
        ("no-urls", None, "needs at least one URL in feeds, sitemaps or start_urls"),
    ],
)
def test_each_mistake_names_its_file_and_key(stem: str, key: str | None, text: str) -> None:
    path = BAD / f"{stem}.toml"
    error = _error(path)
    assert error.errors == (error,), "each bad sample holds exactly one mistake"
    assert (error.path, error.key) == (path, key)
    assert text in error.problem
    prefix = f"{path}: " if key is None else f"{path}: {key}: "
    assert str(error) == prefix + error.problem


def test_a_toml_syntax_error_names_line_and_column() -> None:
    path = BAD / "syntax-error.toml"
    error = _error(path)
    assert (error.key, error.line, error.column) == (None, 3, 1)
    assert str(error) == f"{path}: line 3, column 1: TOML syntax: Unclosed array"


def test_a_syntax_error_at_the_end_of_a_file_gets_its_position(tmp_path: Path) -> None:
    path = tmp_path / "cut.toml"
    path.write_text('name = "cut"\nagency = "unterminated')
    error = _error(path)
    assert (error.line, error.column) == (2, 23)
    assert (
        str(error)
        == f"{path}: line 2, column 23: TOML syntax: Unterminated string (at end of file)"
    )


@pytest.mark.parametrize(
    ("data", "line", "column"),
    [
        ('name = "latin"\nagency = "Agência"\n'.encode("latin-1"), 2, 13),
        # Columns count characters, after any byte order mark.
        (b'\xef\xbb\xbfagency = "Ag\xc3\xaancia \xff"', 1, 19),
    ],
)
def test_a_file_that_is_not_utf8_names_the_position(
    tmp_path: Path, data: bytes, line: int, column: int
) -> None:
    path = tmp_path / "latin.toml"
    path.write_bytes(data)
    error = _error(path)
    assert (error.line, error.column) == (line, column)
    assert str(error) == f"{path}: line {line}, column {column}: not UTF-8 (TOML files must be)"


def test_a_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + f'name = "bom"\n{MINIMAL}'.encode())
    assert load_source(path).name == "bom"


def test_every_problem_in_a_file_is_reported_at_once(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "many",
        'language = "english language"\n'
        'allowed_domains = ["news.example.org", "*.example.net"]\n'
        'feeds = ["https://elsewhere.example.com/feed"]\n'
        "[fields]\n"
        'headline = "css:h1"\n'
        'body = "xpath:/div["\n'
        "[revisit]\n"
        'schedule = [["1d", "0h"], ["1x", "1h"], "2w"]\n',
    )
    error = _error(path)
    assert [one.key for one in error.errors] == [
        "language",
        "allowed_domains[1]",
        "fields.body",
        "revisit.schedule[0][1]",
        "revisit.schedule[1][0]",
        "revisit.schedule[2]",
    ]
    assert all(one.path == path for one in error.errors)
    assert "write 'example.net', not '*.example.net'" in error.errors[1].problem
    assert "must be longer than zero" in error.errors[3].problem
    lines = str(error).splitlines()
    assert lines[0] == "6 problems in 1 source file:"
    assert lines[1:] == [f"  {one}" for one in error.errors]
    # The first problem's path and key are the combined error's own.
    assert (error.path, error.key) == (path, "language")


def test_a_folder_reports_every_problem_in_every_file() -> None:
    with pytest.raises(SourceError) as caught:
        load_sources(BAD)
    error = caught.value
    files = sorted(BAD.glob("*.toml"))
    assert [one.path for one in error.errors] == files
    assert str(error).startswith(f"{len(files)} problems in {len(files)} source files:\n")
    assert "unknown-key.toml: start_url: unknown key" in str(error)


def test_one_bad_file_in_a_folder_raises_for_that_file(tmp_path: Path) -> None:
    _write(tmp_path, "good", MINIMAL)
    bad = _write(tmp_path, "bad", MINIMAL + "[fields]\nheadline = 'h1'\n")
    with pytest.raises(SourceError) as caught:
        load_sources(tmp_path)
    assert (caught.value.path, caught.value.key) == (bad, "fields.headline")
    assert str(caught.value).startswith(f"{bad}: fields.headline: ")


def test_duplicate_names_name_both_files(tmp_path: Path) -> None:
    # The file-stem rule keeps names unique within one folder; the check guards the rest.
    first = Source("wire", ("example.org",), path=tmp_path / "a" / "wire.toml")
    second = Source("wire", ("example.org",), path=tmp_path / "b" / "wire.toml")
    other = Source("other", ("example.org",), path=tmp_path / "a" / "other.toml")
    [error] = sources._duplicate_names([first, other, second])
    assert (error.path, error.key) == (second.path, "name")
    assert str(error) == f"{second.path}: name: 'wire' is also the name of {first.path}"


def test_a_missing_folder_is_a_source_error(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="is not a folder"):
        load_sources(tmp_path / "nowhere")


def test_an_unreadable_path_is_a_source_error(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="cannot read") as caught:
        load_source(tmp_path / "missing.toml")
    assert caught.value.key is None


def test_errors_accept_string_paths(tmp_path: Path) -> None:
    path = _write(tmp_path, "typed", MINIMAL + "agency = 7\n")
    with pytest.raises(SourceError) as caught:
        load_source(str(path))
    assert (caught.value.path, caught.value.key) == (path, "agency")


@pytest.mark.parametrize(
    ("text", "key", "message"),
    [
        ("allowed_domains = []\n", "allowed_domains", "at least one host name"),
        ('allowed_domains = ["news.example.org:8080"]\n', "allowed_domains[0]", "port"),
        ('allowed_domains = ["bad_host!"]\n', "allowed_domains[0]", "is not a host name"),
        ('allowed_domains = ["news.example.org", 3]\n', "allowed_domains[1]", "got integer"),
        ('language = "e"\n', "language", "not a BCP 47"),
        ('agency = "  "\n', "agency", "must not be empty"),
        ("feeds = 'https://news.example.org/feed'\n", "feeds", "expected an array of strings"),
        ("[sitemap]\nmax_age_days = true\n", "sitemap.max_age_days", "got boolean"),
        ("[sitemap]\nmax_age_days = 1.5\n", "sitemap.max_age_days", "got float"),
        ("[sitemap]\nmax_age = 1\n", "sitemap.max_age", "did you mean 'max_age_days'?"),
        ("[fields]\nheadline = 1\n", "fields.headline", "expected a string, got integer"),
        ("[fields]\nhead = 'css:h1'\n", "fields.head", "did you mean 'headline'?"),
        ("[fields]\nzzz = 'css:h1'\n", "fields.zzz", "known: headline, body, byline"),
        ("[revisit]\n", "revisit.schedule", "required"),
        ("[revisit]\nschedule = '1h'\n", "revisit.schedule", "got string"),
        ("[revisit]\nschedule = [[1, '1h']]\n", "revisit.schedule[0][0]", "got integer"),
        ("[revisit]\nschedule = [['1d', '1h'], ['1d', '2h']]\n", "revisit.schedule[1][0]", "'1d'"),
        ("[revisit]\nschedule = [['1d', '1h']]\nevery = '1h'\n", "revisit.every", "unknown"),
        ("[[fields]]\nheadline = 'css:h1'\n", "fields", "expected a table, got array"),
        ("headline = 'css:h1'\n", "headline", "'headline' belongs in the [fields] table"),
        ("schedule = []\n", "schedule", "'schedule' belongs in the [revisit] table"),
        ('"odd key" = 1\n', '"odd key"', "unknown key"),
        ("published = 2024-05-29\n", "published", "unknown key"),
    ],
)
def test_more_mistakes(tmp_path: Path, text: str, key: str, message: str) -> None:
    base = MINIMAL if not text.startswith("allowed_domains") else 'start_urls = ["https://a.b/"]\n'
    text = base + text if text.startswith("[") else text + base
    error = _error(_write(tmp_path, "mistake", text))
    assert [one.key for one in error.errors] == [key]
    assert message in error.problem


def test_css_selectors_are_compiled_when_a_checker_is_available(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[str] = []

    def check(css: str) -> str | None:
        seen.append(css)
        return "CSS selector does not compile: unbalanced" if "[" in css else None

    monkeypatch.setattr(sources, "_css_check", check)
    path = _write(tmp_path, "css", MINIMAL + "[fields]\nheadline = 'css:h1['\nbyline = 'css:.by'\n")
    error = _error(path)
    assert (error.key, error.problem) == (
        "fields.headline",
        "CSS selector does not compile: unbalanced",
    )
    assert seen == ["h1[", ".by"]


def test_without_parsel_css_is_checked_for_prefix_and_emptiness_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sources, "_css_check", None)
    path = _write(tmp_path, "css", MINIMAL + "[fields]\nheadline = 'css:h1['\n")
    assert load_source(path).fields["headline"] == "css:h1["
    empty = _write(tmp_path, "empty", MINIMAL + "[fields]\nheadline = 'css:'\n")
    assert _error(empty).key == "fields.headline"


# Nothing in a source file is executed


def test_nothing_in_a_source_file_is_executed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    marker = tmp_path / "ran"
    payload = f"__import__('os').system('touch {marker}')"

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the loader must not evaluate anything")

    monkeypatch.setattr(builtins, "eval", refuse)
    monkeypatch.setattr(builtins, "exec", refuse)
    path = _write(
        tmp_path,
        "payload",
        MINIMAL
        + f'agency = "{payload}"\n'
        + "[fields]\n"
        + """headline = "xpath:__import__('os')"\n""",
    )
    source = load_source(path)
    assert source.agency == payload
    assert source.fields["headline"] == "xpath:__import__('os')"
    assert not marker.exists()


# Durations and revisits


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30s", timedelta(seconds=30)),
        ("30m", timedelta(minutes=30)),
        ("1h", timedelta(hours=1)),
        ("1d", timedelta(days=1)),
        ("2w", timedelta(weeks=2)),
        ("1d12h", timedelta(days=1, hours=12)),
        ("1w2d3h4m5s", timedelta(weeks=1, days=2, hours=3, minutes=4, seconds=5)),
        ("0h", timedelta()),
    ],
)
def test_parse_duration(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize(
    "text",
    ["", "1", "h", "1.5h", "-1h", "1H", "1M", "1 h", " 1h", "1y", "12h1d", "1h1h", "99999999999w"],
)
def test_parse_duration_refuses(text: str) -> None:
    with pytest.raises(ValueError, match=r"is not a duration|too long"):
        parse_duration(text)


@pytest.mark.parametrize(
    ("age", "interval"),
    [
        (timedelta(seconds=-30), timedelta(hours=1)),  # a clock ahead of ours
        (timedelta(), timedelta(hours=1)),
        (timedelta(hours=23, minutes=59), timedelta(hours=1)),
        (timedelta(days=1), timedelta(days=1)),  # a window's age is where the next starts
        (timedelta(days=6, hours=23), timedelta(days=1)),
        (timedelta(days=7), None),
        (timedelta(days=400), None),
    ],
)
def test_default_revisit_interval(age: timedelta, interval: timedelta | None) -> None:
    assert Source("x", ("example.org",)).revisit_interval(age) == interval


@pytest.mark.parametrize(
    ("age", "interval"),
    [
        (timedelta(minutes=1), timedelta(minutes=30)),
        (timedelta(hours=6), timedelta(hours=3)),
        (timedelta(days=1), timedelta(hours=3)),
        (timedelta(days=13), timedelta(days=1)),
        (timedelta(weeks=2), None),
    ],
)
def test_revisit_interval_follows_the_file(age: timedelta, interval: timedelta | None) -> None:
    assert load_source(EXAMPLE).revisit_interval(age) == interval


def test_an_empty_schedule_never_revisits(tmp_path: Path) -> None:
    source = load_source(_write(tmp_path, "once", MINIMAL + "[revisit]\nschedule = []\n"))
    assert source.revisit == ()
    assert source.revisit_interval(timedelta()) is None


# allows()


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://news.example.org/a.html", True),
        ("http://news.example.org:8080/a.html?x=1#top", True),
        ("https://www.news.example.org/", True),
        ("https://deep.www.news.example.org/", True),
        ("HTTPS://NEWS.Example.ORG/", True),
        ("https://news.example.org./", True),
        ("http://127.0.0.1:8000/news/a.html", True),
        ("https://example.org/", False),  # the parent domain
        ("https://evilnews.example.org/", False),  # a suffix, not a subdomain
        ("https://news.example.org.evil.com/", False),
        ("https://other.test/", False),
        ("http://x.127.0.0.1/", False),  # an address has no subdomains
        ("http://127.0.0.2/", False),
        ("http://[::1]/", False),
        ("ftp://news.example.org/a", False),
        ("file:///etc/passwd", False),
        ("javascript:alert(1)//news.example.org", False),
        ("//news.example.org/a", False),
        ("/news/a.html", False),
        ("", False),
        ("https://news.example.org@evil.com/", False),
        ("https://user:pw@news.example.org/", False),
        ("https://evil.com\\@news.example.org/", False),
        ("https://news.example.org:99999/", False),
        ("https://news.exa\tmple.org/", False),
    ],
)
def test_allows(url: str, allowed: bool) -> None:
    source = Source("x", ("news.example.org", "127.0.0.1"))
    assert source.allows(url) is allowed


def test_allows_international_domain_names() -> None:
    source = Source("x", ("bücher.example",))
    assert source.allowed_domains == ("xn--bcher-kva.example",)
    assert source.allows("https://www.bücher.example/")
    assert source.allows("https://xn--bcher-kva.example/")
    assert not source.allows("https://bucher.example/")
