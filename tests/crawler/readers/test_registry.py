"""Choosing a reader from content, forcing one by name, and walking the inputs."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from wirearchive.crawler.readers import Extracted, Source, choose, read_inputs, read_source, readers
from wirearchive.crawler.readers.unknown import refusal

DATA = Path(__file__).parents[2] / "data"

HEADS = {
    "ninjs": b'{"uri": "urn:x", "type": "text"}',
    "newsml-g2": b'<?xml version="1.0"?>\n<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" '
    b'guid="urn:x" version="1" standard="NewsML-G2" standardversion="2.29">',
    "nitf": b'<?xml version="1.0" encoding="UTF-8"?>\n<nitf version="-//IPTC//DTD NITF 3.6//EN">'
    b"<head><title>x</title></head>",
    "feed": b'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>',
    "html": b'<!DOCTYPE html>\n<html lang="en"><head><title>x</title></head><body>',
    "text": "В Астане министры обороны подписали соглашения\n".encode(),
    "newsml-1.2": b'<?xml version="1.0" encoding="utf-8"?>\n<NewsML Version="1.2"><NewsEnvelope>',
    "iptc7901": b"\x01eca062 4 i 211 ccccb   dpa 061\r\n\r\nGermany-politics/\r\n\x02Headline =",
    "anpa1312": b"\x16\x16\x01W2870\x1fasian\nf l\x13\x11 BC-LT--Argentina-CancerB     11-13 1049",
    "gunzip": b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03",
}


def test_every_format_has_a_reader() -> None:
    assert set(readers()) == set(HEADS)


@pytest.mark.parametrize("name", sorted(HEADS))
def test_content_decides_not_the_suffix(name: str) -> None:
    for suffix in (".txt", ".xml", ".bin", ""):
        assert choose(f"input{suffix}", HEADS[name]).name == name, suffix


def test_atom_is_a_feed() -> None:
    head = b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>x</title>'
    assert choose("x.xml", head).name == "feed"


def test_format_forces_a_reader_and_an_unknown_one_is_refused() -> None:
    assert choose("x.json", HEADS["ninjs"], "text").name == "text"
    with pytest.raises(ValueError, match="unknown format 'pdf'"):
        choose("x.pdf", b"%PDF", "pdf")


def test_folders_are_walked_without_hidden_files(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "one.txt").write_text("x")
    (tmp_path / "two.json").write_text("{}")
    (tmp_path / ".hidden").write_text("x")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config").write_text("x")
    found = list(read_inputs([tmp_path, tmp_path / "nowhere"]))
    assert [e.path for e in found] == [
        str(tmp_path / "a" / "one.txt"),
        str(tmp_path / "two.json"),
        str(tmp_path / "nowhere"),
    ]
    assert found[2].problem is not None
    assert found[2].problem.rule == "input.not-found"


def test_a_file_that_vanished_is_unreadable_and_the_rest_goes_on(tmp_path: Path) -> None:
    kept = tmp_path / "kept.txt"
    kept.write_bytes((DATA / "sputnik-kz-2024-05-29.txt").read_bytes())
    gone = tmp_path / "gone.txt"
    results = [e for path in (gone, kept) for e in read_source(Source.from_path(path))]
    assert results[0].problem is not None
    assert results[0].problem.rule == "input.unreadable"
    assert results[1].item is not None
    assert results[1].steps[0] == {"name": "choose", "detail": "text (content)"}


def test_read_inputs_reports_the_reader_forced() -> None:
    (extracted,) = read_inputs([DATA / "sputnik-kz-2024-05-29.txt"], format="text")
    assert extracted.steps[0] == {"name": "choose", "detail": "text (--format)"}


class _Broken:
    name, version, suffixes = "ninjs", "0", (".json",)

    def sniff(self, head: bytes, name: str) -> int:
        return 100

    def read(self, source: Source, context: object) -> Iterator[Extracted]:
        raise RecursionError("maximum recursion depth exceeded")
        yield  # a generator, like every reader


def test_a_reader_that_raises_is_that_inputs_reader_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "item.json"
    path.write_bytes(b'{"uri": "urn:x"}')
    monkeypatch.setitem(readers(), "ninjs", _Broken())
    (extracted,) = read_source(Source.from_path(path))
    assert extracted.problem is not None
    assert extracted.problem.rule == "ingest.reader-error"
    assert "RecursionError: maximum recursion depth exceeded" in extracted.problem.message
    assert extracted.raw == b'{"uri": "urn:x"}'  # the bytes are kept for the quarantine


def test_a_source_in_memory_is_read_like_a_file() -> None:
    data = (DATA / "sputnik-kz-2024-05-29.txt").read_bytes()
    source = Source.from_bytes(data, "https://example.org/news/sputnik-kz-2024-05-29.txt")
    assert (source.file_name, source.suffix, source.stem) == (
        "sputnik-kz-2024-05-29.txt",
        ".txt",
        "sputnik-kz-2024-05-29",
    )
    (extracted,) = read_source(source)
    assert extracted.item is not None
    assert extracted.path == "https://example.org/news/sputnik-kz-2024-05-29.txt"
    assert source.read(len(data) - 1) is None  # over the cap: refused, not cut


def test_a_name_that_is_not_utf8_is_escaped_and_kept_exactly_in_the_uri(tmp_path: Path) -> None:
    path = Path(os.fsdecode(bytes(tmp_path) + b"/caf\xe9.json"))
    path.write_bytes(b"{}")
    source = Source.from_path(path)
    assert source.name == str(tmp_path) + "/caf\\xe9.json"
    assert source.uri.endswith("/caf%E9.json")
    assert source.name.encode("utf-8")  # printable: any UTF-8 encoder takes it


@pytest.mark.parametrize(
    ("head", "root"),
    [
        (b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><text>Hi</text>', "svg"),
        (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w='
         b'"http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>', "document"),
        (b"<catalog><book id='1'><title>XML</title></book></catalog>", "catalog"),
    ],
)  # fmt: skip
def test_xml_no_reader_takes_is_refused_not_read_as_text(head: bytes, root: str) -> None:
    reader = choose("page.txt", head)
    assert reader.name == "unknown"
    assert readers()["text"].sniff(head, "page.txt") == 0
    problem = refusal(head)
    assert problem is not None
    assert problem.rule == "input.unknown-format"
    assert f"<{root}>" in problem.message


def test_unknown_xml_and_zip_are_quarantined_with_their_reason(tmp_path: Path) -> None:
    svg = tmp_path / "chart.xml"
    svg.write_bytes(b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>')
    docx = tmp_path / "story.txt"
    docx.write_bytes(b"PK\x03\x04\x14\x00\x06\x00word/document.xml" + bytes(40))
    results = {Path(e.path).name: e for e in read_inputs([svg, docx])}
    problem = results["chart.xml"].problem
    assert problem is not None
    assert problem.rule == "input.unknown-format"
    assert "<svg>" in problem.message
    assert "http://www.w3.org/2000/svg" in problem.message
    assert results["chart.xml"].item is None
    assert results["chart.xml"].raw == svg.read_bytes()
    zipped = results["story.txt"].problem
    assert zipped is not None
    assert zipped.rule == "input.archive"
    assert "not unpacked" in zipped.message


@pytest.mark.parametrize(
    ("data", "rule", "where"),
    [
        (b'<?xml version="1.0"?>\n<catalog><book></catalog>', "xml.syntax", "line 2"),
        (b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><g>', "xml.truncated",
         "line 2"),
        (b'<?xml version="1.0"?>\n<!DOCTYPE c [<!ENTITY a "b">]>\n<catalog>&a;</catalog>',
         "xml.entities", "entity 'a'"),
    ],
)  # fmt: skip
def test_broken_xml_of_no_format_read_here_is_named_by_what_breaks_it(
    tmp_path: Path, data: bytes, rule: str, where: str
) -> None:
    path = tmp_path / "broken.xml"
    path.write_bytes(data)
    (result,) = read_inputs([path])
    assert result.reader == "unknown"
    assert result.problem is not None
    assert result.problem.rule == rule
    assert where in result.problem.message
    assert "is of none of the formats read here" in result.problem.message
    assert result.raw == data


def test_text_that_merely_starts_with_a_bracket_is_still_text() -> None:
    head = "<<Новости>> В Астане министры обороны подписали соглашения\n".encode()
    assert choose("capture", head).name == "text"


JSON_HEADS = [
    b'{"uri": "urn:x"}',
    b"\xef\xbb\xbf  \r\n{",
    b"[{}, {}]",
    b"\n\t[",
    b'{"body": "<html><body>\\u0001 PK\\u0003\\u0004 <nitf>"}',
    b"{\x1f\x8b",
]


@pytest.mark.parametrize("head", JSON_HEADS)
@pytest.mark.parametrize("name", ["a.json", "a.jsonl", "a.xml", "a.txt", "a"])
def test_json_text_is_ninjs_without_asking_every_reader(head: bytes, name: str) -> None:
    """The shortcut for JSON text must choose what the full comparison of sniffs chooses."""
    from wirearchive.crawler.readers import _by_content

    assert choose(name, head) is _by_content(name, head) is readers()["ninjs"]


def test_json_lines_never_import_the_markup_readers(tmp_path: Path) -> None:
    """A JSON Lines ingest pays neither for lxml's readers nor for trafilatura and extruct."""
    feed = tmp_path / "feed.jsonl"
    feed.write_bytes(b'{"uri": "urn:x", "type": "text"}\n[1]\n')
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from wirearchive.crawler.readers import Source, read_source\n"
        f"found = list(read_source(Source.from_path(Path({str(feed)!r}))))\n"
        "assert len(found) == 2, found\n"
        "heavy = ('trafilatura', 'extruct', 'justext', 'dateparser', 'scrapy',\n"
        "         'wirearchive.crawler.readers.html', 'wirearchive.crawler.readers.text',\n"
        "         'wirearchive.crawler.readers.feed', 'wirearchive.crawler.readers.newsml')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy or m in heavy))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]", done.stdout
