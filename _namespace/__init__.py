"""wirearchive: archive news wire articles as IPTC ninjs, with validation and provenance.

The source folders (``validators/``, ``archive/``, ``crawler/``, ``schemas/``) live at the
top of the repository; pyproject.toml maps them under this one namespace.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("wirearchive")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"

__all__ = ["__version__"]
