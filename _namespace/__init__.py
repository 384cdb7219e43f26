"""wirearchive: archive news wire articles as IPTC ninjs, with validation and provenance.

The source folders (``validators/``, ``archive/``, ``crawler/``, ``schemas/``) live at the
top of the repository; pyproject.toml maps them under this one namespace.
"""

# The one place the version is written; pyproject.toml reads it from here. A literal,
# not importlib.metadata, which would add ~40 ms to every command's start.
__version__ = "0.1.0"

__all__ = ["__version__"]
