"""The walker: every file to read, every entry left out with its rule, and it never leaves
the folder, loops or stops at one bad entry."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from wirearchive.validators import Walked, printable, walk


def _rules(found: list[Walked]) -> dict[str, str | None]:
    return {w.path.name: w.problem.rule if w.problem else None for w in found}


def _tree(root: Path) -> Path:
    folder = root / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.json").write_text("{}")
    (folder / "sub" / "b.json").write_text("{}")
    return folder


def test_a_link_out_of_the_folder_is_reported_not_read(tmp_path: Path) -> None:
    folder = _tree(tmp_path)
    secret = tmp_path / "secret.json"
    secret.write_text("{}")
    (folder / "escape.json").symlink_to(secret)
    (folder / "etc").symlink_to("/etc")
    found = list(walk([folder]))
    rules = _rules(found)
    assert rules == {
        "a.json": None,
        "escape.json": "walk.outside-tree",
        "etc": "walk.outside-tree",
        "b.json": None,
    }
    assert secret not in [w.path for w in found if w.problem is None]
    escape = next(w for w in found if w.path.name == "escape.json")
    assert escape.problem is not None
    assert str(secret) in escape.problem.message


def test_links_inside_the_folder_are_followed(tmp_path: Path) -> None:
    folder = _tree(tmp_path)
    (folder / "alias.json").symlink_to(folder / "a.json")
    (folder / "same").symlink_to(folder / "sub")
    files = [w.path for w in walk([folder]) if w.problem is None]
    assert files == [
        folder / "a.json",
        folder / "alias.json",
        folder / "same" / "b.json",
        folder / "sub" / "b.json",
    ]


def test_loops_and_dangling_links_are_reported_and_the_walk_goes_on(tmp_path: Path) -> None:
    folder = _tree(tmp_path)
    (folder / "up").symlink_to(folder)  # a folder that contains itself
    (folder / "sub" / "back").symlink_to("..")
    (folder / "self.json").symlink_to(folder / "self.json")  # ELOOP
    (folder / "gone.json").symlink_to(folder / "never-was.json")
    rules = _rules(list(walk([folder])))
    assert rules == {
        "a.json": None,
        "gone.json": "walk.dangling-link",
        "self.json": "walk.loop",
        "back": "walk.loop",
        "b.json": None,
        "up": "walk.loop",
    }


def test_paths_named_directly_are_each_reported_in_order(tmp_path: Path) -> None:
    folder = _tree(tmp_path)
    (tmp_path / "dangling.json").symlink_to(tmp_path / "nowhere.json")
    os.mkfifo(tmp_path / "pipe.json")
    link = tmp_path / "link.json"
    link.symlink_to(folder / "a.json")  # named directly: followed, the person chose it
    named = [
        tmp_path / "missing.json",
        tmp_path / "dangling.json",
        tmp_path / "pipe.json",
        link,
        folder / "a.json",
    ]
    found = list(walk(named))
    assert [w.path for w in found] == named
    assert [w.problem.rule if w.problem else None for w in found] == [
        "input.not-found",
        "walk.dangling-link",
        "input.unreadable",
        None,
        None,
    ]
    assert found[2].problem is not None
    assert "a FIFO" in found[2].problem.message


def test_a_folder_that_cannot_be_listed_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _tree(tmp_path)
    real_scandir = os.scandir

    def refuse_sub(path: str | os.PathLike[str]) -> object:
        if Path(path).name == "sub":
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", refuse_sub)
    found = list(walk([folder]))
    assert [(w.path.name, w.problem.rule if w.problem else None) for w in found] == [
        ("a.json", None),
        ("sub", "input.unreadable"),
    ]


def test_suffixes_filter_folders_but_not_named_files(tmp_path: Path) -> None:
    folder = _tree(tmp_path)
    (folder / "notes.txt").write_text("x")
    (folder / ".hidden.json").write_text("{}")
    assert [w.path.name for w in walk([folder], suffixes={".json"})] == ["a.json", "b.json"]
    assert [w.path.name for w in walk([folder / "notes.txt"], suffixes={".json"})] == ["notes.txt"]


def test_a_name_that_is_not_utf8_is_printable_and_exact(tmp_path: Path) -> None:
    path = Path(os.fsdecode(bytes(tmp_path) + b"/caf\xe9.json"))
    path.write_text("{}")
    (walked,) = walk([tmp_path])
    assert walked.path == path
    assert os.fsencode(walked.path).endswith(b"/caf\xe9.json")  # the exact bytes
    assert walked.name == f"{tmp_path}/caf\\xe9.json"
    assert printable("plain/é.json") == "plain/é.json"
