"""A cursor kept in a file between runs, so that a scheduled export reads each version once.

The file holds the cursor and a newline. It is replaced atomically (a temporary file in
the same folder, fsynced, renamed over it, the folder fsynced), so a crash leaves either
the old cursor or the new one: never a half-written one, and never a cursor past records
that were not written out (the caller writes it only after the last record).
"""

from __future__ import annotations

import os
from pathlib import Path

from ..archive.durable import replace_file

__all__ = ["read_cursor", "write_cursor"]


def read_cursor(path: str | os.PathLike[str]) -> str | None:
    """The cursor a file holds, or None when there is no file yet (a first run)."""
    where = Path(path)
    try:
        text = where.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        return None
    except UnicodeDecodeError:
        raise ValueError(f"{where}: not a cursor file (it holds non-ASCII bytes)") from None
    if not text.isdigit():
        raise ValueError(f"{where}: not a cursor file (it holds {text[:40]!r}, not a cursor)")
    return text


def write_cursor(path: str | os.PathLike[str], cursor: str) -> None:
    """Replace the file's cursor with `cursor`, atomically and durably."""
    replace_file(path, f"{cursor}\n".encode("ascii"))
