"""Crawl sources as data: one TOML file per source in a `sources/` folder.

A source file is parsed with `tomllib` and checked against a fixed schema; nothing in it
is executed or evaluated. `sources/example-wire.toml` documents every key. In short:

    name = "example-wire"                 # [a-z0-9][a-z0-9-]*, equal to the file stem
    agency = "Example Wire"               # optional default agency for infoSources
    language = "en"                       # optional BCP 47 tag for pages that declare none
    allowed_domains = ["news.example.org"]  # required; URLs outside are never followed
    feeds = [...]  sitemaps = [...]  start_urls = [...]   # at least one URL in all
    [sitemap]  max_age_days = 2           # optional
    [fields]   headline/body/byline/published = "css:..." or "xpath:..."   # optional
    [revisit]  schedule = [["1d", "1h"], ["7d", "1d"]]   # optional [age, every] windows

Every problem is reported with the file and the key as a dotted path
(`sources/x.toml: fields.headline: must start with "css:" or "xpath:"`), and a load
reports every problem in every file at once, in one `SourceError`.
"""

from __future__ import annotations

import difflib
import importlib
import ipaddress
import os
import re
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeAlias
from urllib.parse import urlsplit

from lxml import etree
from wirearchive.text.bcp47 import is_language_tag

__all__ = ["Source", "SourceError", "load_source", "load_sources", "parse_duration"]

StrPath: TypeAlias = str | os.PathLike[str]

# Revisit a story every hour while it is less than a day old, then daily for a week.
DEFAULT_REVISIT: tuple[tuple[timedelta, timedelta], ...] = (
    (timedelta(days=1), timedelta(hours=1)),
    (timedelta(days=7), timedelta(days=1)),
)

_TOP_KEYS = (
    "name",
    "agency",
    "language",
    "allowed_domains",
    "feeds",
    "sitemaps",
    "start_urls",
    "sitemap",
    "fields",
    "revisit",
)
_TABLE_KEYS: dict[str, tuple[str, ...]] = {
    "sitemap": ("max_age_days",),
    "fields": ("headline", "body", "byline", "published"),
    "revisit": ("schedule",),
}
_URL_KEYS = ("feeds", "sitemaps", "start_urls")

_NAME = re.compile(r"[a-z0-9][a-z0-9-]*")
_HOST_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_HOSTNAME = re.compile(rf"{_HOST_LABEL}(?:\.{_HOST_LABEL})*")
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_DURATION = re.compile(r"(?:\d+[wdhms])+")
_DURATION_PART = re.compile(r"(\d+)([wdhms])")
_UNITS = {
    "w": timedelta(weeks=1),
    "d": timedelta(days=1),
    "h": timedelta(hours=1),
    "m": timedelta(minutes=1),
    "s": timedelta(seconds=1),
}
_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")
_TOML_AT_END = re.compile(r"\s*\(at end of document\)$")


class SourceError(ValueError):
    """A problem in a source file: `path`, dotted `key` (None for the whole file) and text.

    A load reports every problem at once: `errors` holds one SourceError per problem
    (just this one when there is only one), `path`, `key`, `line` and `column` are those
    of the first, and the message lists them all, one per line.
    """

    path: Path
    key: str | None
    problem: str
    line: int | None
    column: int | None
    errors: tuple[SourceError, ...]

    def __init__(
        self,
        path: StrPath,
        key: str | None,
        problem: str,
        *,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        self.path = Path(path)
        self.key = key
        self.problem = problem
        self.line = line
        self.column = column
        self.errors = (self,)
        where = [str(self.path)]
        if line is not None:
            where.append(f"line {line}" if column is None else f"line {line}, column {column}")
        if key is not None:
            where.append(key)
        super().__init__(": ".join([*where, problem]))

    @classmethod
    def combine(cls, errors: Sequence[SourceError]) -> SourceError:
        """One error for all of `errors` (each of which may itself hold several)."""
        flat = tuple(one for error in errors for one in error.errors)
        if not flat:
            raise ValueError("no errors to combine")
        if len(flat) == 1:
            return flat[0]
        first = flat[0]
        combined = cls(first.path, first.key, first.problem, line=first.line, column=first.column)
        combined.errors = flat
        files = len({error.path for error in flat})
        head = f"{len(flat)} problems in {files} source file{'s' if files > 1 else ''}:"
        combined.args = ("\n  ".join([head, *(str(error) for error in flat)]),)
        return combined


def parse_duration(text: str) -> timedelta:
    """`"30m"`, `"1h"`, `"1d"`, `"2w"` or a combination such as `"1d12h"` as a timedelta.

    Units are s, m, h, d and w (lower case: "M" could be months), each at most once and
    from the largest down; amounts are whole numbers. Raises ValueError otherwise.
    """
    if not isinstance(text, str) or not _DURATION.fullmatch(text):
        raise ValueError(
            f"{text!r} is not a duration: expected whole numbers with a unit s, m, h, d or w, "
            'such as "30m", "1h", "1d", "2w" or "1d12h"'
        )
    total = timedelta()
    order = "wdhms"
    last = -1
    for amount, unit in _DURATION_PART.findall(text):
        if order.index(unit) <= last:
            raise ValueError(
                f"{text!r} is not a duration: give each unit once, largest first, as in 1d12h"
            )
        last = order.index(unit)
        try:
            total += int(amount) * _UNITS[unit]
        except OverflowError:
            raise ValueError(f"{text!r} is too long a duration") from None
    return total


def _normalize_domain(domain: str) -> str:
    """`domain` as allowed_domains holds it: lower case, ASCII (punycode), no final dot."""
    if not domain:
        raise ValueError("must not be empty")
    if "/" in domain or "@" in domain:
        raise ValueError(
            f"{domain!r} must be a bare host name such as news.example.org, "
            "without scheme, path or user"
        )
    if domain.startswith(("*", ".")):
        raise ValueError(
            f"subdomains are always allowed: write {domain.lstrip('*.')!r}, not {domain!r}"
        )
    host = domain.lower().removesuffix(".")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    try:
        return ipaddress.ip_address(host).compressed
    except ValueError:
        pass
    if ":" in host:
        raise ValueError(f"{domain!r} must not name a port: any port of an allowed host is")
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        ascii_host = ""
    if not _HOSTNAME.fullmatch(ascii_host):
        raise ValueError(f"{domain!r} is not a host name")
    return ascii_host


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _url_host(url: str) -> str:
    """The normalized host of an absolute http(s) URL; ValueError says what is wrong."""
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in url):
        raise ValueError("must not contain control characters")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError as error:
        raise ValueError(f"is not a valid URL: {error}") from None
    if parts.scheme not in ("http", "https"):
        raise ValueError("must be an absolute http:// or https:// URL")
    if "\\" in parts.netloc or " " in parts.netloc:
        raise ValueError("must not have a backslash or space in its host part")
    if "@" in parts.netloc:
        raise ValueError("must not carry a user name or password")
    if not parts.hostname:
        raise ValueError("has no host")
    try:
        return _normalize_domain(parts.hostname)
    except ValueError:
        raise ValueError(f"has no valid host ({parts.hostname!r})") from None


def _empty_fields() -> Mapping[str, str]:
    return MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Source:
    """One crawl source, as its TOML file describes it.

    `allowed_domains` are normalized (lower case, punycode, no final dot); `fields` maps
    headline/body/byline/published to "css:..." or "xpath:..." overrides; `revisit` holds
    `(age, every)` windows in increasing age: a story younger than `age` is revisited every
    `every` (the first window that fits wins); past the last window it is not revisited.
    """

    name: str
    allowed_domains: tuple[str, ...]
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    start_urls: tuple[str, ...] = ()
    agency: str | None = None
    language: str | None = None
    sitemap_max_age: timedelta | None = None
    fields: Mapping[str, str] = field(default_factory=_empty_fields, hash=False)
    revisit: tuple[tuple[timedelta, timedelta], ...] = DEFAULT_REVISIT
    path: Path | None = field(default=None, compare=False)
    _domains: tuple[tuple[str, bool], ...] = field(
        init=False, repr=False, compare=False, default=()
    )

    def __post_init__(self) -> None:
        domains = tuple(_normalize_domain(domain) for domain in self.allowed_domains)
        object.__setattr__(self, "allowed_domains", domains)
        object.__setattr__(self, "_domains", tuple((d, _is_ip(d)) for d in domains))
        object.__setattr__(self, "fields", MappingProxyType(dict(self.fields)))

    def revisit_interval(self, age: timedelta) -> timedelta | None:
        """How long to wait before fetching a story of this `age` again; None: never again.

        A negative age (a clock ahead of ours) counts as a story just published.
        """
        for until, every in self.revisit:
            if age < until:
                return every
        return None

    def allows(self, url: str) -> bool:
        """Whether `url` is http(s) on an allowed domain or one of its subdomains.

        IP addresses match only themselves. URLs with a user name, a backslash or space in
        the host part, or control characters are refused, as parsers disagree on them.
        """
        try:
            host = _url_host(url)
        except ValueError:
            return False
        return any(
            host == domain or (not is_ip and host.endswith("." + domain))
            for domain, is_ip in self._domains
        )


def _toml_type(value: object) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "table"
    if isinstance(value, datetime):
        return "datetime"
    if isinstance(value, date):
        return "date"
    if isinstance(value, time):
        return "time"
    return type(value).__name__


def _table_of(key: str) -> str | None:
    return next((table for table, keys in _TABLE_KEYS.items() if key in keys), None)


def _key_part(key: str) -> str:
    return key if _BARE_KEY.fullmatch(key) else '"' + key.replace('"', '\\"') + '"'


def _css_checker() -> Callable[[str], str | None] | None:
    """A CSS syntax check from parsel (the selectors Scrapy runs), or None without it."""
    try:
        csstranslator = importlib.import_module("parsel.csstranslator")
        cssselect = importlib.import_module("cssselect")
    except ImportError:
        return None
    translator = csstranslator.HTMLTranslator()
    selector_error = cssselect.SelectorError

    def check(css: str) -> str | None:
        try:
            xpath = translator.css_to_xpath(css)
            etree.XPath(xpath)
        except (selector_error, etree.XPathError) as error:
            return f"CSS selector does not compile: {error}"
        return None

    return check


_css_check = _css_checker()


def _selector_problem(value: str) -> str | None:
    kind, colon, expression = value.partition(":")
    if not colon or kind not in ("css", "xpath"):
        return 'must start with "css:" or "xpath:"'
    if not expression.strip():
        return f'has nothing after "{kind}:"'
    if kind == "xpath":
        try:
            etree.XPath(expression)
        except etree.XPathError as error:
            return f"XPath does not compile: {error}"
        return None
    return None if _css_check is None else _css_check(expression)


class _Checker:
    """Collects the problems of one file while turning its table into a Source."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.errors: list[SourceError] = []

    def error(self, key: str | None, problem: str) -> None:
        self.errors.append(SourceError(self.path, key, problem))

    def unknown_keys(self, table: Mapping[str, Any], known: Sequence[str], prefix: str) -> None:
        for key in table:
            if key in known:
                continue
            problem = "unknown key"
            close = difflib.get_close_matches(key, known, n=1)
            if prefix and key in _TOP_KEYS:
                problem += (
                    f"; {key!r} is a top-level key: move it above the first [table] header, "
                    "as every key after a header belongs to that table"
                )
            elif not prefix and (table_name := _table_of(key)):
                problem += f"; {key!r} belongs in the [{table_name}] table"
            elif close:
                problem += f"; did you mean {close[0]!r}?"
            else:
                problem += f" (known: {', '.join(known)})"
            self.error(prefix + _key_part(key), problem)

    def string(self, table: Mapping[str, Any], key: str, prefix: str = "") -> str | None:
        if key not in table:
            return None
        value = table[key]
        if not isinstance(value, str):
            self.error(prefix + key, f"expected a string, got {_toml_type(value)}")
            return None
        if not value.strip():
            self.error(prefix + key, "must not be empty")
            return None
        return value

    def strings(self, table: Mapping[str, Any], key: str) -> list[tuple[str, str]] | None:
        """`(dotted key, value)` for each string of the array at `key`; None if absent."""
        if key not in table:
            return None
        value = table[key]
        if not isinstance(value, list):
            self.error(key, f"expected an array of strings, got {_toml_type(value)}")
            return []
        items = []
        for index, item in enumerate(value):
            if isinstance(item, str):
                items.append((f"{key}[{index}]", item))
            else:
                self.error(f"{key}[{index}]", f"expected a string, got {_toml_type(item)}")
        return items

    def table(self, document: Mapping[str, Any], key: str) -> Mapping[str, Any] | None:
        if key not in document:
            return None
        value = document[key]
        if not isinstance(value, dict):
            self.error(key, f"expected a table, got {_toml_type(value)}")
            return None
        self.unknown_keys(value, _TABLE_KEYS[key], key + ".")
        return value

    def duration(self, value: object, key: str) -> timedelta | None:
        if not isinstance(value, str):
            self.error(key, f'expected a duration string such as "1h", got {_toml_type(value)}')
            return None
        try:
            duration = parse_duration(value)
        except ValueError as error:
            self.error(key, str(error))
            return None
        if duration <= timedelta():
            self.error(key, "must be longer than zero")
            return None
        return duration

    def source(self, document: Mapping[str, Any]) -> Source | None:
        self.unknown_keys(document, _TOP_KEYS, "")
        name = self.name(document)
        agency = self.string(document, "agency")
        language = self.language(document)
        domains = self.domains(document)
        urls = {key: self.urls(document, key, domains) for key in _URL_KEYS}
        lists = [document.get(key, []) for key in _URL_KEYS]
        if all(isinstance(value, list) and not value for value in lists):
            self.error(None, "needs at least one URL in feeds, sitemaps or start_urls")
        max_age = self.sitemap(document)
        fields = self.fields(document)
        revisit = self.revisit(document)
        if self.errors or name is None or domains is None:
            return None
        return Source(
            name=name,
            allowed_domains=tuple(domains),
            feeds=urls["feeds"],
            sitemaps=urls["sitemaps"],
            start_urls=urls["start_urls"],
            agency=agency,
            language=language,
            sitemap_max_age=max_age,
            fields=fields,
            revisit=DEFAULT_REVISIT if revisit is None else revisit,
            path=self.path,
        )

    def name(self, document: Mapping[str, Any]) -> str | None:
        if "name" not in document:
            self.error("name", f"required: the file stem, {self.path.stem!r}")
            return None
        name = self.string(document, "name")
        if name is None:
            return None
        if not _NAME.fullmatch(name):
            self.error(
                "name", f"{name!r} must be lower-case letters, digits and dashes ([a-z0-9-])"
            )
            return None
        if name != self.path.stem:
            self.error("name", f"{name!r} must equal the file stem {self.path.stem!r}")
            return None
        return name

    def language(self, document: Mapping[str, Any]) -> str | None:
        tag = self.string(document, "language")
        if tag is None:
            return None
        if not is_language_tag(tag):
            hint = f", such as {tag.replace('_', '-')!r}" if "_" in tag else ' such as "en"'
            self.error("language", f"{tag!r} is not a BCP 47 language tag{hint}")
            return None
        parts = tag.split("-")
        cased = [parts[0].lower()]
        for index, part in enumerate(parts[1:], 1):
            if any(len(earlier) == 1 for earlier in parts[1:index]):  # after x- or u-
                cased.append(part.lower())
            elif len(part) == 4 and part.isalpha():
                cased.append(part.title())
            elif len(part) == 2 and part.isalpha():
                cased.append(part.upper())
            else:
                cased.append(part.lower())
        return "-".join(cased)

    def domains(self, document: Mapping[str, Any]) -> list[str] | None:
        if "allowed_domains" not in document:
            self.error("allowed_domains", "required: the host names this source may fetch from")
            return None
        items = self.strings(document, "allowed_domains")
        if not items:
            if isinstance(document["allowed_domains"], list) and not document["allowed_domains"]:
                self.error("allowed_domains", "must list at least one host name")
            return None
        domains = []
        for key, item in items:
            try:
                domains.append(_normalize_domain(item))
            except ValueError as error:
                self.error(key, str(error))
        return domains if len(domains) == len(document["allowed_domains"]) else None

    def urls(
        self, document: Mapping[str, Any], key: str, domains: Sequence[str] | None
    ) -> tuple[str, ...]:
        items = self.strings(document, key) or []
        inside = Source("x", tuple(domains)) if domains else None
        urls = []
        for item_key, url in items:
            try:
                host = _url_host(url)
            except ValueError as error:
                self.error(item_key, f"{url!r} {error}")
                continue
            if inside is not None and not inside.allows(url):
                self.error(
                    item_key,
                    f"{url!r}: host {host!r} is not inside allowed_domains "
                    f"({', '.join(inside.allowed_domains)})",
                )
                continue
            urls.append(url)
        return tuple(urls)

    def sitemap(self, document: Mapping[str, Any]) -> timedelta | None:
        table = self.table(document, "sitemap")
        if table is None or "max_age_days" not in table:
            return None
        days = table["max_age_days"]
        if not isinstance(days, int) or isinstance(days, bool):
            self.error("sitemap.max_age_days", f"expected an integer, got {_toml_type(days)}")
            return None
        if days < 1:
            self.error("sitemap.max_age_days", f"must be at least 1, got {days}")
            return None
        try:
            return timedelta(days=days)
        except OverflowError:
            self.error("sitemap.max_age_days", f"{days} is too large")
            return None

    def fields(self, document: Mapping[str, Any]) -> Mapping[str, str]:
        table = self.table(document, "fields")
        fields: dict[str, str] = {}
        for name in _TABLE_KEYS["fields"]:
            value = None if table is None else self.string(table, name, "fields.")
            if value is None:
                continue
            problem = _selector_problem(value)
            if problem is None:
                fields[name] = value
            else:
                self.error(f"fields.{name}", problem)
        return fields

    def revisit(
        self, document: Mapping[str, Any]
    ) -> tuple[tuple[timedelta, timedelta], ...] | None:
        table = self.table(document, "revisit")
        if table is None:
            return None
        if "schedule" not in table:
            self.error("revisit.schedule", 'required: [age, every] windows such as [["1d", "1h"]]')
            return None
        schedule = table["schedule"]
        if not isinstance(schedule, list):
            self.error(
                "revisit.schedule",
                f"expected an array of [age, every] pairs, got {_toml_type(schedule)}",
            )
            return None
        windows: list[tuple[timedelta, timedelta]] = []
        previous: tuple[str, timedelta] | None = None
        ok = True
        for index, window in enumerate(schedule):
            key = f"revisit.schedule[{index}]"
            if not isinstance(window, list) or len(window) != 2:
                got = f"{len(window)} items" if isinstance(window, list) else _toml_type(window)
                self.error(key, f'expected a pair [age, every] such as ["1d", "1h"], got {got}')
                ok = False
                continue
            age = self.duration(window[0], key + "[0]")
            every = self.duration(window[1], key + "[1]")
            if age is not None and previous is not None and age <= previous[1]:
                self.error(
                    key + "[0]",
                    f"{window[0]!r} must be longer than the previous window's age "
                    f"{previous[0]!r}: windows go in increasing age",
                )
                ok = False
            if age is not None:
                previous = (window[0], age)
            if age is None or every is None:
                ok = False
            else:
                windows.append((age, every))
        return tuple(windows) if ok else None


def _read(path: Path, checker: _Checker) -> dict[str, Any] | None:
    try:
        data = path.read_bytes()
    except OSError as error:
        checker.error(None, f"cannot read: {error.strerror or error}")
        return None
    data = data.removeprefix(b"\xef\xbb\xbf")  # a byte order mark, as some editors write
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line_start = data.rfind(b"\n", 0, error.start) + 1
        line = data.count(b"\n", 0, error.start) + 1
        column = len(data[line_start : error.start].decode("utf-8")) + 1
        checker.errors.append(
            SourceError(path, None, "not UTF-8 (TOML files must be)", line=line, column=column)
        )
        return None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        found = _TOML_POSITION.search(message)
        if found:
            line, column = int(found[1]), int(found[2])
        else:
            lines = text.split("\n")
            line, column = len(lines), len(lines[-1]) + 1
        message = _TOML_AT_END.sub(" (at end of file)", _TOML_POSITION.sub("", message))
        checker.errors.append(
            SourceError(path, None, f"TOML syntax: {message}", line=line, column=column)
        )
        return None


def load_source(path: StrPath) -> Source:
    """The source in the TOML file at `path`; SourceError lists every problem in it."""
    checker = _Checker(Path(path))
    document = _read(checker.path, checker)
    source = None if document is None else checker.source(document)
    if source is None:
        raise SourceError.combine(checker.errors)
    return source


def _duplicate_names(sources: Sequence[Source]) -> list[SourceError]:
    """One error per source whose name an earlier one already has."""
    seen: dict[str, Source] = {}
    errors = []
    for source in sources:
        first = seen.setdefault(source.name, source)
        if first is not source:
            errors.append(
                SourceError(
                    source.path or Path(source.name),
                    "name",
                    f"{source.name!r} is also the name of {first.path or 'another source'}",
                )
            )
    return errors


def load_sources(folder: StrPath) -> dict[str, Source]:
    """Every source in the `*.toml` files of `folder` (not hidden ones), by name in file order.

    Raises one SourceError listing every problem in every file (see `SourceError.errors`).
    """
    root = Path(folder)
    if not root.is_dir():
        raise SourceError(root, None, "is not a folder")
    paths = sorted(
        path for path in root.glob("*.toml") if path.is_file() and not path.name.startswith(".")
    )
    sources: list[Source] = []
    errors: list[SourceError] = []
    for path in paths:
        try:
            sources.append(load_source(path))
        except SourceError as error:
            errors.append(error)
    errors.extend(_duplicate_names(sources))
    if errors:
        raise SourceError.combine(errors)
    return {source.name: source for source in sources}
