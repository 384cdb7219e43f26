"""The versioned archive: records, versions, provenance, raw captures, catalog, verify.

from wirearchive.archive import Capture, Store
store = Store.open("archive-data")
outcome = store.put(item, Capture(raw, "file:///in/a.json"), run=run, profile=schema_id)
outcome.status, outcome.version     # ("new", 1), then ("unchanged", 1) for the same item
"""

from .backend import BACKENDS, Backend, FileBackend, open_backend
from .canonical import VOLATILE, canonical_bytes, digest, nfc, sha256
from .catalog import Catalog, CatalogError, Filters, SQLiteCatalog, open_catalog
from .store import (
    DEFAULT_LOCATION,
    LOCATION_ENV,
    ArchiveError,
    Changes,
    Outcome,
    Store,
    Writer,
    diff_records,
    new_run_id,
    resolve_location,
)
from .verify import Finding, Verification, verify
from .warc import Capture, HttpExchange

__all__ = [
    "BACKENDS",
    "DEFAULT_LOCATION",
    "LOCATION_ENV",
    "VOLATILE",
    "ArchiveError",
    "Backend",
    "Capture",
    "Catalog",
    "CatalogError",
    "Changes",
    "FileBackend",
    "Filters",
    "Finding",
    "HttpExchange",
    "Outcome",
    "SQLiteCatalog",
    "Store",
    "Verification",
    "Writer",
    "canonical_bytes",
    "diff_records",
    "digest",
    "new_run_id",
    "nfc",
    "open_backend",
    "open_catalog",
    "resolve_location",
    "sha256",
    "verify",
]
