"""Small files replaced atomically and durably: a temporary file beside the target, fsynced,
renamed over it, the folder fsynced. A crash leaves the old content or the new, never half.

The archive's own files go through `FileBackend`; this is for the small state files kept
beside it (an export's cursor, a Parquet export's state).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

__all__ = ["fsync_dir", "replace_file"]


def fsync_dir(directory: str | os.PathLike[str]) -> None:
    """Make a folder's entries (a rename, a new file) durable."""
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def replace_file(path: str | os.PathLike[str], data: bytes) -> None:
    """Replace `path` with `data`, atomically and durably; the old file stays on failure."""
    target = Path(path)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    fsync_dir(target.parent)
