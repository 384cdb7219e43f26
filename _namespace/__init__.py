"""wirearchive: archive news wire articles as IPTC ninjs, with validation and provenance.

The source folders (``validators/``, ``archive/``, ``crawler/``, ``schemas/``) live at the
top of the repository; pyproject.toml maps them under this one namespace.
"""

from __future__ import annotations

# The one place the version is written; pyproject.toml reads it from here. A literal,
# not importlib.metadata, which would add ~40 ms to every command's start.
__version__ = "0.1.0"

__all__ = ["__version__", "open"]

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .downstream.reader import Archive


def open(location: str | None = None) -> Archive:
    """Open an archive for reading: ``with wirearchive.open("archive-data") as archive``.

    See `wirearchive.downstream.reader.Archive`; imported here on first use, so that the
    commands, which do not need it, start as fast as before.
    """
    from .downstream.reader import open_archive

    return open_archive(location)
