"""An archive as a BagIt bag (RFC 8493): a package that any preservation tool can check.

`verify` proves the archive intact with its own hashes; a bag carries the same files with
fixity that needs no wirearchive to check (``bagit.py --validate``, Archivematica, a
library's ingest). The payload, under ``data/``, is the archive itself as it is stored: the
log segments, their WARC files and the run manifests' readable copies, byte for byte, so
``wirearchive ... --archive BAG/data`` reads it again (the catalog is rebuilt from the log
as `reindex` would, in the cache folder: a catalog in ``data/`` would change the bag).
``bag-info.txt`` says what the archive held when it was bagged.

Only a verified archive is bagged: a bag certifies its files from then on, and must not
certify damage. The bag is a snapshot of the log up to its head when bagging began; a
writer may go on meanwhile (objects are written once, never changed), and what it adds
later is not in the bag. The bag is made in ``OUT.partial`` and renamed into place, so
``OUT`` either is a whole bag or does not exist.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import bagit
from wirearchive import __version__

from .log import segment_name
from .store import Store, warc_names
from .verify import Verification, verify

__all__ = ["BagError", "BagResult", "bag_archive"]

#: Both of bagit-python's defaults: SHA-512 for the long haul, SHA-256 because the
#: archive's own digests (and WARC's) are SHA-256, so the two can be compared.
CHECKSUMS = ("sha256", "sha512")
_CHUNK = 1024 * 1024


class BagError(Exception):
    """The archive could not be bagged (not verified, or `out` in the way): why."""

    def __init__(self, message: str, verification: Verification | None = None) -> None:
        super().__init__(message)
        self.verification = verification


@dataclass(frozen=True, slots=True)
class BagResult:
    """What went into the bag."""

    path: Path
    segments: int
    warcs: int
    runs: int
    bytes: int
    info: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "bag": str(self.path),
            "segments": self.segments,
            "warcs": self.warcs,
            "runs": self.runs,
            "bytes": self.bytes,
            "info": dict(self.info),
        }


def _copy(store: Store, name: str, target: Path) -> int:
    """Stream object `name` of the archive into `target`; its size."""
    target.parent.mkdir(parents=True, exist_ok=True)
    size = 0
    with store.backend.open(name) as source, target.open("wb") as sink:
        while chunk := source.read(_CHUNK):
            sink.write(chunk)
            size += len(chunk)
    return size


def bag_archive(
    store: Store, out: str | os.PathLike[str], *, location: str, organization: str | None = None
) -> BagResult:
    """Write the archive of `store` as a BagIt bag at `out` (which must not exist).

    `location` names the archive in ``bag-info.txt`` (External-Identifier); pass it
    with any password redacted. Raises `BagError` if the archive does not verify.
    """
    out = Path(out)
    if out.exists():
        raise BagError(f"{out}: exists already; give a new folder for the bag")
    partial = out.with_name(out.name + ".partial")
    if partial.exists():
        raise BagError(f"{partial}: left by a bagging that did not finish; remove it first")
    # The run manifests' copies are listed before the head is read: each is written after
    # its manifest's segment, so every copy listed belongs to a segment in the snapshot.
    runs = sorted(store.backend.names("runs/"))
    head = store.catalog.head()[0]
    checked = verify(store)
    if not checked.ok:
        first = checked.findings[0]
        raise BagError(
            f"the archive does not verify ({len(checked.findings)} problems, the first: "
            f"{first}); only a verified archive is bagged",
            checked,
        )
    summary = store.summary()
    payload = partial / "payload"
    payload.mkdir(parents=True)
    try:
        size, warcs = 0, 0
        known = store.catalog.warcs()  # the verified WARC files: no request per name
        for number in range(1, head + 1):
            size += _copy(store, segment_name(number), payload / segment_name(number))
            for name in warc_names(number):
                if name in known:
                    size += _copy(store, name, payload / name)
                    warcs += 1
        for name in runs:
            size += _copy(store, name, payload / name)
        info = {
            "Bag-Software-Agent": f"wirearchive {__version__} (bagit-python {bagit.VERSION})",
            "External-Identifier": location,
            "External-Description": (
                "A wirearchive archive of news items with their provenance: log segments "
                f"1 to {head}, their WARC files and the run manifests. Read data/ with "
                "`wirearchive summary --archive BAG/data`: the catalog is rebuilt from the "
                "log, outside the bag."
            ),
            "Wirearchive-Items": str(summary.get("items", 0)),
            "Wirearchive-Versions": str(summary.get("versions", 0)),
            "Wirearchive-Quarantined": str(summary.get("quarantined", 0)),
            "Wirearchive-Verified": ", ".join(f"{n} {what}" for what, n in checked.checked.items()),
        }
        if organization:
            info["Source-Organization"] = organization
        bag = bagit.make_bag(str(payload), info, checksums=list(CHECKSUMS))
        bag.validate()  # what a receiver will do first: read back every byte now
        os.replace(payload, out)
    except (bagit.BagError, OSError) as exc:  # a full disk, a file changed under us
        raise BagError(f"{out}: the bag could not be made: {exc}") from exc
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    return BagResult(out, head, warcs, len(runs), size, dict(bag.info))
