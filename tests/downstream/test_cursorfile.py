"""The cursor file of a scheduled export: read, replaced atomically, refused when odd."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from wirearchive.downstream.cursorfile import read_cursor, write_cursor


def test_no_file_is_a_first_run_and_a_written_cursor_reads_back(tmp_path: Path) -> None:
    path = tmp_path / "feed.cursor"
    assert read_cursor(path) is None
    write_cursor(path, "42")
    assert path.read_text() == "42\n"
    assert read_cursor(path) == "42"
    write_cursor(path, "43")
    assert read_cursor(path) == "43"
    assert sorted(os.listdir(tmp_path)) == ["feed.cursor"]  # no temporary file left


@pytest.mark.parametrize(
    ("content", "says"), [(b"junk\n", "'junk'"), (b"\xff\xfe", "non-ASCII"), (b"", "''")]
)
def test_a_file_that_holds_no_cursor_is_named(tmp_path: Path, content: bytes, says: str) -> None:
    path = tmp_path / "feed.cursor"
    path.write_bytes(content)
    with pytest.raises(ValueError, match="not a cursor file") as caught:
        read_cursor(path)
    assert str(path) in str(caught.value)
    assert says in str(caught.value)


def test_a_failed_write_keeps_the_old_cursor(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "feed.cursor"
    write_cursor(path, "7")

    def broken(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken)
    with pytest.raises(OSError, match="No space"):
        write_cursor(path, "8")
    monkeypatch.undo()
    assert read_cursor(path) == "7"
    assert sorted(os.listdir(tmp_path)) == ["feed.cursor"]
