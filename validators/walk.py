"""Walk the paths a person named: every file to read, and every entry left out and why.

A folder is searched recursively (hidden entries left out) without ever leaving it: a
symbolic link inside it is followed only while its target stays inside the folder, so a
link to ``/etc`` or to a parent never pulls in files nobody handed over, and a link loop
never hangs the walk. Nothing here raises for one bad entry: a path that does not exist,
a dangling link, a link out of the tree, a loop, a folder that cannot be listed or
something that is not a regular file (a FIFO would block a reader forever) each becomes
a `Walked` entry carrying its `Problem`, and the walk goes on with the rest.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .problems import Problem

__all__ = ["Walked", "printable", "walk"]


def printable(path: str | os.PathLike[str]) -> str:
    """The path as text for messages and provenance; bytes that are not UTF-8 as ``\\xe9``.

    File names on POSIX are bytes. Python keeps undecodable ones as lone surrogates, which
    no UTF-8 encoder (orjson, a terminal) accepts; escaping them keeps the name readable
    and exact, and the file URI (`Path.as_uri`) keeps the bytes themselves.
    """
    text = os.fspath(path)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return text


@dataclass(frozen=True, slots=True)
class Walked:
    """One entry the walk met: a file to read (`problem` None) or one left out, with why."""

    path: Path
    problem: Problem | None = None

    @property
    def name(self) -> str:
        return printable(self.path)


def _left_out(path: Path, rule: str, message: str) -> Walked:
    return Walked(path, Problem(rule=rule, message=f"{printable(path)}: {message}"))


def _inside(target: str, root: str) -> bool:
    return target == root or target.startswith(root.rstrip(os.sep) + os.sep)


def _link_problem(path: Path) -> Walked | None:
    """Why a symbolic link cannot be followed at all (dangling or looping), if it cannot."""
    try:
        os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return _left_out(path, "walk.loop", "symbolic link loop; not followed")
        if exc.errno in (errno.ENOENT, errno.ENOTDIR):
            target = os.readlink(path)
            message = f"symbolic link to {printable(target)}, which does not exist"
            return _left_out(path, "walk.dangling-link", message)
        return _left_out(path, "input.unreadable", exc.strerror or str(exc))
    return None


def _regular(path: Path, mode: int) -> Walked:
    if stat.S_ISREG(mode):
        return Walked(path)
    kind = "a FIFO" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode) else "a device"
    return _left_out(path, "input.unreadable", f"not a regular file ({kind}); not read")


def _walk_folder(
    folder: Path, root: str, ancestors: tuple[str, ...], suffixes: Collection[str] | None
) -> Iterator[Walked]:
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda e: os.fsencode(e.name))
    except OSError as exc:
        message = f"folder cannot be listed: {exc.strerror or exc}"
        yield _left_out(folder, "input.unreadable", message)
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = folder / entry.name
        try:
            if entry.is_symlink():
                broken = _link_problem(path)
                if broken is not None:
                    yield broken
                    continue
                target = os.path.realpath(path)
                if not _inside(target, root):
                    outside = f"symbolic link to {printable(target)}, outside {printable(root)}"
                    yield _left_out(path, "walk.outside-tree", f"{outside}; not followed")
                    continue
                mode = os.stat(path).st_mode
            else:
                target = os.path.realpath(path)
                mode = entry.stat(follow_symlinks=False).st_mode
        except OSError as exc:
            yield _left_out(path, "input.unreadable", exc.strerror or str(exc))
            continue
        if stat.S_ISDIR(mode):
            if target in ancestors:
                above = f"leads back to {printable(target)}, a folder above"
                yield _left_out(path, "walk.loop", f"{above}; not followed")
                continue
            yield from _walk_folder(path, root, (*ancestors, target), suffixes)
        elif suffixes is None or Path(entry.name).suffix.lower() in suffixes:
            yield _regular(path, mode)


def walk(
    paths: Iterable[str | os.PathLike[str]], *, suffixes: Collection[str] | None = None
) -> Iterator[Walked]:
    """Every entry under the paths, in order; see the module docstring.

    A path named directly is taken whatever its suffix and followed if it is a link (the
    person chose it); inside folders, only files with one of `suffixes` (all when None).
    """
    for raw in paths:
        path = Path(raw)
        try:
            mode = os.stat(path).st_mode
        except OSError as exc:
            if os.path.islink(path):
                broken = _link_problem(path)
                yield broken or _left_out(path, "input.unreadable", exc.strerror or str(exc))
            elif exc.errno in (errno.ENOENT, errno.ENOTDIR):
                yield _left_out(path, "input.not-found", "no such file or directory")
            else:
                yield _left_out(path, "input.unreadable", exc.strerror or str(exc))
            continue
        if stat.S_ISDIR(mode):
            root = os.path.realpath(path)
            yield from _walk_folder(path, root, (root,), suffixes)
        else:
            yield _regular(path, mode)
