"""Gzip inputs: read by content with the inner reader, the cap on the decompressed size,
corrupt and truncated streams refused."""

from __future__ import annotations

import gzip
import tracemalloc
import zlib
from pathlib import Path

from wirearchive.crawler.readers import choose, read_inputs
from wirearchive.crawler.readers.base import ReadContext, Source
from wirearchive.crawler.readers.gunzip import READER, gunzip

DATA = Path(__file__).parents[2] / "data"
WIRE = DATA / "iptc7901" / "IPTC7901.txt"


def test_a_gzipped_file_is_read_by_the_reader_its_content_calls_for(tmp_path: Path) -> None:
    packed = tmp_path / "wire.bin"  # no .gz suffix: the magic bytes decide
    packed.write_bytes(gzip.compress(WIRE.read_bytes()))
    assert choose(packed.name, packed.read_bytes()[:4096]).name == "gunzip"
    (extracted,) = read_inputs([packed])
    assert extracted.item is not None, extracted.problem
    assert extracted.reader == "iptc7901"
    assert extracted.path == str(packed)
    assert extracted.raw == WIRE.read_bytes()
    names = [s["name"] for s in extracted.steps]
    assert names[:3] == ["choose", "gunzip", "choose"]
    assert "sha256:" in extracted.steps[1]["detail"]
    assert extracted.item["headlines"][0]["value"].startswith("Germany Social Democrats")


def test_path_based_inner_readers_and_several_members(tmp_path: Path) -> None:
    nitf = (DATA / "nitf" / "NTB_nitf_sample.xml").read_bytes()
    packed = tmp_path / "ntb.xml.gz"
    half = len(nitf) // 2
    packed.write_bytes(gzip.compress(nitf[:half]) + gzip.compress(nitf[half:]))
    (extracted,) = READER.read(Source.from_path(packed), ReadContext())
    assert extracted.item is not None, extracted.problem
    assert extracted.reader == "nitf"
    assert extracted.path == str(packed)
    assert extracted.raw == nitf


def test_a_gzip_bomb_is_refused_reading_at_most_the_limit_plus_one() -> None:
    bomb = gzip.compress(b"\0" * 5_000_000)
    assert len(bomb) < 10_000
    result = gunzip(bomb, 100_000)
    assert not isinstance(result, bytes)
    assert result.rule == "input.too-large"
    (extracted,) = READER.read_bytes(bomb, "bomb.gz", ReadContext(max_bytes=100_000))
    assert extracted.problem is not None
    assert extracted.problem.rule == "input.too-large"
    assert "100,000-byte limit" in extracted.problem.message
    exact = gunzip(gzip.compress(b"x" * 1000), 1000)
    assert exact == b"x" * 1000


def test_corrupt_truncated_and_nested_gzip_are_refused() -> None:
    good = gzip.compress(WIRE.read_bytes())
    for data, words in (
        (good[: len(good) // 2], "truncated"),
        (good[:10] + b"\xff" * 40 + good[50:], "not a valid gzip stream"),
        (gzip.compress(good), "inside a gzip"),
    ):
        (extracted,) = READER.read_bytes(data, "bad.gz", ReadContext())
        assert extracted.problem is not None
        assert extracted.problem.rule == "input.gzip"
        assert words in extracted.problem.message
        assert extracted.raw == data


def test_a_100_megabyte_bomb_is_refused_in_a_few_megabytes_of_memory() -> None:
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    chunk = bytes(10_000_000)
    bomb = b"".join([packer.compress(chunk) for _ in range(10)] + [packer.flush()])
    assert len(bomb) < 200_000  # 100 MB of zeros in under 200 kB
    tracemalloc.start()
    try:
        result = gunzip(bomb, 1_000_000)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert not isinstance(result, bytes)
    assert result.rule == "input.too-large"
    assert peak < 8_000_000  # at most the limit plus one is ever inflated, never 100 MB
