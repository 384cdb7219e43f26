"""Choosing a reader from content, forcing one by name, and walking the inputs."""

from __future__ import annotations

from pathlib import Path

import pytest
from wirearchive.crawler.readers import choose, collect_inputs, read_files, read_inputs, readers
from wirearchive.validators import InputError

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
}


def test_every_format_has_a_reader() -> None:
    assert set(readers()) == set(HEADS)


@pytest.mark.parametrize("name", sorted(HEADS))
def test_content_decides_not_the_suffix(name: str) -> None:
    for suffix in (".txt", ".xml", ".bin", ""):
        assert choose(Path(f"input{suffix}"), HEADS[name]).name == name, suffix


def test_atom_is_a_feed() -> None:
    head = b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>x</title>'
    assert choose(Path("x.xml"), head).name == "feed"


def test_format_forces_a_reader_and_an_unknown_one_is_refused() -> None:
    assert choose(Path("x.json"), HEADS["ninjs"], "text").name == "text"
    with pytest.raises(ValueError, match="unknown format 'pdf'"):
        choose(Path("x.pdf"), b"%PDF", "pdf")


def test_folders_are_walked_without_hidden_files(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "one.txt").write_text("x")
    (tmp_path / "two.json").write_text("{}")
    (tmp_path / ".hidden").write_text("x")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config").write_text("x")
    assert collect_inputs([tmp_path]) == [tmp_path / "a" / "one.txt", tmp_path / "two.json"]
    with pytest.raises(InputError, match="nowhere: no such file"):
        collect_inputs([tmp_path / "nowhere"])


def test_a_file_that_vanished_is_unreadable_and_the_rest_goes_on(tmp_path: Path) -> None:
    kept = tmp_path / "kept.txt"
    kept.write_bytes((DATA / "sputnik-kz-2024-05-29.txt").read_bytes())
    gone = tmp_path / "gone.txt"
    results = list(read_files([gone, kept]))
    assert results[0].problem is not None
    assert results[0].problem.rule == "input.unreadable"
    assert results[1].item is not None
    assert results[1].steps[0] == {"name": "choose", "detail": "text (content)"}


def test_read_inputs_reports_the_reader_forced() -> None:
    (extracted,) = read_inputs([DATA / "sputnik-kz-2024-05-29.txt"], format="text")
    assert extracted.steps[0] == {"name": "choose", "detail": "text (--format)"}
