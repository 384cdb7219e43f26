"""Broken and hostile XML, through the safe parser and both XML readers; and the helpers
the NewsML-G2 and NITF readers share (times, qcodes, root sniffing).

Every broken or hostile file yields exactly one `Extracted` with a problem naming its rule
and with the file's bytes, never an exception, never an expanded entity, never a read of
a local file and never a connection.
"""

from __future__ import annotations

import json
import random
import socket
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from wirearchive.crawler.readers._inline import expand_qcode, normalise_time, parse, root_of
from wirearchive.crawler.readers._xml import parse_xml, prepare
from wirearchive.crawler.readers.base import Extracted, ReadContext, Reader, Source
from wirearchive.crawler.readers.newsml import READER as NEWSML
from wirearchive.crawler.readers.nitf import READER as NITF
from wirearchive.validators import Problem, Severity

HOSTILE = Path(__file__).parents[2] / "data" / "hostile"
READERS: tuple[Reader, ...] = (NEWSML, NITF)


def _read(reader: Reader, path: Path, context: ReadContext | None = None) -> list[Extracted]:
    return list(reader.read(Source.from_path(path), context or ReadContext()))


def _everything(extracted: Extracted) -> str:
    """All that a reader handed back, as one string to search for leaks."""
    return json.dumps(
        {
            "item": extracted.item,
            "problem": extracted.problem.to_dict() if extracted.problem else None,
            "steps": extracted.steps,
            "warnings": [w.to_dict() for w in extracted.warnings],
        },
        ensure_ascii=False,
    )


class _Listener:
    """A TCP server on 127.0.0.1 that only counts who connects: libxml2 fetches in C,
    beneath any Python-level socket guard, so a real port is the proof."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.setblocking(False)
        self.port: int = self.sock.getsockname()[1]

    def connections(self) -> int:
        count = 0
        while True:
            try:
                conn, _ = self.sock.accept()
            except BlockingIOError:
                return count
            conn.close()
            count += 1


@pytest.fixture
def listener() -> Iterator[_Listener]:
    server = _Listener()
    yield server
    server.sock.close()


@pytest.fixture
def no_python_network(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Any Python-level connection attempt is recorded and refused."""
    attempts: list[Any] = []

    def refuse(self: socket.socket, address: Any) -> None:
        attempts.append(address)
        raise OSError("network access refused by the test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    return attempts


def test_the_listener_sees_a_real_connection(listener: _Listener) -> None:
    # The proof below is only worth something if a connection would be seen.
    with socket.create_connection(("127.0.0.1", listener.port), timeout=2):
        pass
    assert listener.connections() == 1


# --- broken inputs, both readers -----------------------------------------------------------

BROKEN = [
    ("truncated.xml", "xml.truncated", "truncated"),
    ("utf8-declared-cp1251-bytes.xml", "input.encoding", "not UTF-8 as declared"),
    ("empty.xml", "input.empty", "empty"),
    ("binary.xml", "input.binary", "binary"),
    ("billion-laughs.xml", "xml.entities", "entity 'lol'"),
    ("billion-laughs-utf16.xml", "xml.entities", "nothing was expanded"),
    ("xxe-file.xml", "xml.entities", "file:///etc/passwd"),
    ("xxe-file-utf16.xml", "xml.entities", "entity 'xxe'"),
    ("xxe-http.xml", "xml.entities", "http://127.0.0.1:9/x"),
    ("xxe-parameter.xml", "xml.entities", "entity 'remote'"),
]


@pytest.mark.parametrize("reader", READERS, ids=lambda r: r.name)
@pytest.mark.parametrize(("name", "rule", "says"), BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_input_is_one_problem_with_the_bytes(
    reader: Reader, name: str, rule: str, says: str, no_python_network: list[Any]
) -> None:
    path = HOSTILE / name
    results = _read(reader, path)
    assert len(results) == 1
    (extracted,) = results
    assert extracted.item is None
    assert extracted.problem is not None, extracted
    assert extracted.problem.rule == rule
    assert says in extracted.problem.message
    assert extracted.raw == path.read_bytes()
    assert extracted.reader == reader.name
    assert no_python_network == []


@pytest.mark.parametrize("reader", READERS, ids=lambda r: r.name)
def test_entities_are_never_expanded(reader: Reader) -> None:
    for name in ("billion-laughs.xml", "billion-laughs-utf16.xml"):
        (extracted,) = _read(reader, HOSTILE / name)
        assert "lollol" not in _everything(extracted)
        assert "&lol" not in _everything(extracted).replace("'lol'", "")


def _xxe(target: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<!DOCTYPE nitf [<!ENTITY leak SYSTEM "{target}">]>\n'
        '<nitf baselang="en"><head><docdata><doc-id id-string="x"/></docdata></head>'
        "<body><body.head><hedline><hl1>&leak;</hl1></hedline></body.head>"
        "<body.content><p>&leak;</p></body.content></body></nitf>\n"
    )


@pytest.mark.parametrize("reader", READERS, ids=lambda r: r.name)
@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_xxe_never_reads_a_local_file(reader: Reader, encoding: str, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-7f3a9c")
    document = _xxe(secret.as_uri())
    if encoding == "utf-16":
        document = document.replace('encoding="UTF-8"', 'encoding="UTF-16"')
    path = tmp_path / "xxe.xml"
    path.write_bytes(document.encode(encoding))
    (extracted,) = _read(reader, path)
    assert extracted.problem is not None
    assert extracted.problem.rule == "xml.entities"
    assert "TOP-SECRET" not in _everything(extracted)


@pytest.mark.parametrize("reader", READERS, ids=lambda r: r.name)
@pytest.mark.parametrize("kind", ["entity", "parameter entity", "external DTD", "XInclude"])
def test_nothing_is_fetched_from_the_network(
    reader: Reader, kind: str, tmp_path: Path, listener: _Listener, no_python_network: list[Any]
) -> None:
    url = f"http://127.0.0.1:{listener.port}/x.dtd"
    body = "<body><body.content><p>Text.</p></body.content></body>"
    documents = {
        "entity": _xxe(url),
        "parameter entity": (
            f'<!DOCTYPE nitf [<!ENTITY % p SYSTEM "{url}"> %p;]><nitf>{body}</nitf>'
        ),
        "external DTD": f'<!DOCTYPE nitf SYSTEM "{url}"><nitf>{body}</nitf>',
        "XInclude": '<nitf xmlns:xi="http://www.w3.org/2001/XInclude"><body><body.content>'
        f'<p>Text.</p><xi:include href="{url}" parse="text"/></body.content></body></nitf>',
    }
    path = tmp_path / "fetch.xml"
    path.write_text(documents[kind])
    results = _read(reader, path)
    assert len(results) == 1
    assert listener.connections() == 0
    assert no_python_network == []
    if kind in ("entity", "parameter entity"):
        assert results[0].problem is not None
        assert results[0].problem.rule == "xml.entities"


def test_a_local_dtd_or_xinclude_is_never_read_either(tmp_path: Path) -> None:
    secret = tmp_path / "secret.dtd"
    secret.write_text('<!ENTITY name "TOP-SECRET-d41d8c">')
    for document in (
        f'<!DOCTYPE nitf SYSTEM "{secret.as_uri()}"><nitf baselang="en"><body><body.content>'
        "<p>Plain text.</p></body.content></body></nitf>",
        '<nitf baselang="en" xmlns:xi="http://www.w3.org/2001/XInclude"><body><body.content>'
        f'<p>Plain text.</p><xi:include href="{secret.as_uri()}" parse="text"/>'
        "</body.content></body></nitf>",
    ):
        path = tmp_path / "local.xml"
        path.write_text(document)
        (extracted,) = _read(NITF, path)
        assert extracted.problem is None
        assert extracted.item is not None
        assert extracted.item["bodies"][0]["value"] == "<p>Plain text.</p>"
        assert "TOP-SECRET" not in _everything(extracted)


def test_the_hostile_files_that_are_allowed_read_cleanly() -> None:
    for name in ("external-dtd.xml", "xinclude.xml"):
        (extracted,) = _read(NITF, HOSTILE / name)
        assert extracted.problem is None, extracted.problem
        assert extracted.item is not None
        assert "/etc/passwd" not in extracted.item["bodies"][0]["value"]
        assert "root:" not in _everything(extracted)
    (xinclude,) = _read(NITF, HOSTILE / "xinclude.xml")
    assert xinclude.item is not None
    assert (
        xinclude.item["bodies"][0]["value"]
        == "<p>Before the include.</p>\n<p>After the include.</p>"
    )


@pytest.mark.parametrize("reader", READERS, ids=lambda r: r.name)
def test_over_the_limit_is_refused_unread(reader: Reader, tmp_path: Path) -> None:
    real = Path(__file__).parents[2] / "data" / "nitf" / "NTB_nitf_sample.xml"
    (extracted,) = _read(reader, real, ReadContext(max_bytes=1000))
    assert extracted.problem is not None
    assert extracted.problem.rule == "input.too-large"
    assert "1,000-byte limit" in extracted.problem.message
    assert extracted.raw is None
    assert extracted.item is None
    # Exactly at the limit is fine.
    size = real.stat().st_size
    (at_limit,) = _read(reader, real, ReadContext(max_bytes=size))
    assert at_limit.raw == real.read_bytes()


@pytest.mark.parametrize("reader", READERS, ids=lambda r: r.name)
def test_a_huge_file_is_not_read_into_memory(reader: Reader, tmp_path: Path) -> None:
    path = tmp_path / "huge.xml"
    with path.open("wb") as handle:
        handle.write(b"<nitf>")
        handle.truncate(256 * 1024 * 1024)  # sparse: costs no disk
    tracemalloc.start()
    try:
        (extracted,) = _read(reader, path, ReadContext(max_bytes=4096))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert extracted.problem is not None
    assert extracted.problem.rule == "input.too-large"
    assert peak < 1024 * 1024  # at most max_bytes + 1 were read


def test_windows_1251_declared_reads_fine() -> None:
    (extracted,) = _read(NITF, HOSTILE / "cp1251-declared.xml")
    assert extracted.problem is None
    assert extracted.item is not None
    assert extracted.item["headlines"][0]["value"] == "Курс тенге укрепился к доллару"
    assert extracted.item["located"] == "Алматы"
    assert "windows-1251" in extracted.steps[0]["detail"].lower()


def test_the_same_bytes_declared_utf8_are_refused_not_garbled() -> None:
    (extracted,) = _read(NITF, HOSTILE / "utf8-declared-cp1251-bytes.xml")
    assert extracted.problem is not None
    assert extracted.problem.rule == "input.encoding"
    assert "line 4" in extracted.problem.message


# --- the parser itself ---------------------------------------------------------------------


def test_parse_xml_refuses_declarations_a_byte_scan_cannot_see() -> None:
    # UTF-16 hides "<!ENTITY" from a scan of the raw bytes; the parsed DTD does not.
    document = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>'
    refused = parse_xml(document.encode("utf-16"))
    assert isinstance(refused, Problem)
    assert refused.rule == "xml.entities"
    assert "'e'" in refused.message


def test_parse_tells_failures_apart() -> None:
    cases = {
        b"": "input.empty",
        b"   \n": "input.empty",
        b"\x00\x01\x02\x03binary": "input.binary",
        b'<?xml version="1.0" encoding="UTF-8"?><a>\xe9</a>': "input.encoding",
        b"<a><b>text</b": "xml.truncated",
        b"<a><b>text</b></a>trailing <junk": "xml.syntax",
        b"<a></b>": "xml.syntax",
    }
    for data, rule in cases.items():
        result = parse(data)
        assert isinstance(result, Problem), data
        assert result.rule == rule, (data, result)


def test_parse_reads_a_latin1_declaration() -> None:
    root = parse('<?xml version="1.0" encoding="ISO-8859-1"?><a>café</a>'.encode("latin-1"))
    assert not isinstance(root, Problem)
    assert root.text == "café"


# --- shared helpers ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "value", "rule"),
    [
        ("2018-10-21T16:25:32-05:00", "2018-10-21T16:25:32-05:00", None),
        (" 2018-10-12T06:42:04Z \n", "2018-10-12T06:42:04Z", None),
        ("2018-10-19T11:17:00.150Z", "2018-10-19T11:17:00.150Z", None),
        ("2018-10-19T20:15Z", "2018-10-19T20:15:00Z", None),
        ("2018-10-19T20:15+0300", "2018-10-19T20:15:00+03:00", None),
        ("20040617T123000+0200", "2004-06-17T12:30:00+02:00", None),
        ("20040617T1230Z", "2004-06-17T12:30:00Z", None),
        ("20040617T123000-05", "2004-06-17T12:30:00-05:00", None),
        ("2016-10-19", "2016-10-19T00:00:00Z", "time.date-only"),
        ("20160219", "2016-02-19T00:00:00Z", "time.date-only"),
        ("2021-05-16T09:00:04", "2021-05-16T09:00:04Z", "time.zone-assumed"),
        ("20210516T090004", "2021-05-16T09:00:04Z", "time.zone-assumed"),
        ("2021-02-30T10:00:00Z", None, "time.unparsable"),
        ("2021-05-16T09:00:04+25:00", None, "time.unparsable"),
        ("yesterday", None, "time.unparsable"),
        ("2016", None, "time.unparsable"),
        ("", None, None),
    ],
)
def test_times_become_zoned_rfc3339_keeping_their_offset(
    raw: str, value: str | None, rule: str | None
) -> None:
    got, warning = normalise_time(raw, "versionCreated")
    assert got == value
    if rule is None:
        assert warning is None
    else:
        assert warning is not None
        assert warning.rule == rule
        assert warning.severity is Severity.WARNING
        assert warning.path == ("versionCreated",)


def test_qcodes_expand_only_with_the_iptc_catalog() -> None:
    codes = "http://cv.iptc.org/newscodes/"
    assert expand_qcode("medtop:20000523", True) == codes + "mediatopic/20000523"
    assert expand_qcode("subj:15000000", True) == codes + "subjectcode/15000000"
    assert expand_qcode("medtop:20000523", False) is None  # no catalog: the alias is unknown
    assert expand_qcode("vendteam:l.mlb.com-t.16", True) is None
    assert expand_qcode("medtop:", True) is None
    assert expand_qcode(None, True) is None


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b'<?xml version="1.0"?>\n<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/">',
         ("newsItem", "http://iptc.org/std/nar/2006-10-01/")),
        (b"\xef\xbb\xbf<!-- <nitf> in a comment --><g2:newsMessage "
         b'xmlns:g2="http://iptc.org/std/nar/2006-10-01/">',
         ("newsMessage", "http://iptc.org/std/nar/2006-10-01/")),
        (b'<!DOCTYPE nitf SYSTEM "nitf.dtd" [ <!-- > --> ]>\n<nitf version="x">', ("nitf", "")),
        ('<?xml version="1.0" encoding="UTF-16"?><nitf>'.encode("utf-16"), ("nitf", "")),
        (b"just text", None),
        (b"", None),
    ],
)  # fmt: skip
def test_root_of_skips_the_prolog(head: bytes, expected: tuple[str, str] | None) -> None:
    found = root_of(head)
    assert (found[:2] if found else None) == expected


_SNIPPETS = (
    b"<p>x</p>", b"<media><media-producer>P</media-producer></media>", b"<nitf/>",
    b'<inlineXML contenttype="text/html"><p>hi</p></inlineXML>', b"<itemClass/>",
    b'<itemClass qcode="ninat:picture"/>', b'<remoteContent width="x" size="-1" duration="z"/>',
    b"<versionCreated>0000-01-01T00:00:00Z</versionCreated>", b"<urgency>x</urgency>",
    b'<date.issue norm="2021-13-45T99:99Z"/>', b"<doc-id/>", b"<dateline>  </dateline>",
    b"<byline><byttl/></byline>", b'<pubStatus qcode=""/>', b"<subject><mainConcept/></subject>",
    b'<inlineData contenttype="image/png">xx</inlineData>', b"<newsItem/>", b"<located/>",
    b'<a href="javascript:x">y</a>', b"<block><block/></block>", b'<language tag=""/>',
)  # fmt: skip


def test_mutated_real_files_never_raise(tmp_path: Path) -> None:
    """Well-formed but odd variations of the real files: always a result, never a crash."""
    sources = sorted((HOSTILE.parent / "newsml-g2").rglob("*.xml")) + sorted(
        (HOSTILE.parent / "nitf").glob("*.xml")
    )
    rnd = random.Random(20240529)
    items = 0
    for n in range(300):
        data = rnd.choice(sources).read_bytes()
        for _ in range(rnd.randint(1, 5)):
            ends = [i + 1 for i, byte in enumerate(data) if byte == ord(">")]
            at = rnd.choice(ends)
            data = data[:at] + rnd.choice(_SNIPPETS) + data[at:]
        path = tmp_path / f"mutant-{n}.xml"
        path.write_bytes(data)
        for reader in READERS:
            results = _read(reader, path)
            assert results
            assert all((r.item is None) != (r.problem is None) for r in results)
            items += sum(r.item is not None for r in results)
            for result in results:
                json.dumps(result.item)  # plain JSON data only
    assert items > 100  # most mutants still hold items: the mapping itself was exercised


# --- what comes before the root: white space, BOMs, undeclared charsets ---------------


@pytest.mark.parametrize(
    "prefix", [b"\n", b"  \r\n\t", b"\xef\xbb\xbf\n", b"\n\xef\xbb\xbf"], ids=repr
)
def test_white_space_or_a_bom_before_the_declaration_is_allowed(prefix: bytes) -> None:
    data = prefix + b'<?xml version="1.0" encoding="utf-8"?>\n<nitf><head/></nitf>'
    root = parse_xml(data)
    assert not isinstance(root, Problem), root
    assert root.tag == "nitf"
    prepared = prepare(data)
    assert not isinstance(prepared, Problem)
    assert prepared[0].lstrip(b"\xef\xbb\xbf").startswith(b"<?xml")


def test_undeclared_cyrillic_is_told_apart_and_declared_charsets_are_kept() -> None:
    text = "<note><p>Президент подписал указ о новых мерах поддержки семей с детьми</p></note>"
    for charset in ("cp1251", "koi8_r"):
        prepared = prepare(text.encode(charset))
        assert not isinstance(prepared, Problem)
        assert prepared[0] == text.encode("utf-8")
        assert prepared[1] == f"no charset declared and not UTF-8: read as {charset} (detected)"
    declared = '<?xml version="1.0" encoding="windows-1251"?>' + text
    assert prepare(declared.encode("cp1251")) == (declared.encode("cp1251"), None)
    mojibake = text.encode("utf-8").decode("cp1251").encode("utf-8")
    assert prepare(mojibake) == (mojibake, None)  # valid UTF-8: left to the reader
