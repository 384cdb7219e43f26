"""`bag_archive`: the archive as a BagIt bag that bagit-python itself validates."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import bagit
import pytest
from wirearchive.archive import Capture, Store, verify
from wirearchive.archive.bag import BagError, bag_archive

from .conftest import PROFILE


def _files(root: Path) -> dict[str, bytes]:
    """The stored objects under `root`: the log, WARC files and run manifests."""
    return {
        str(path.relative_to(root)): path.read_bytes()
        for folder in ("log", "warc", "runs")
        for path in sorted((root / folder).rglob("*"))
        if path.is_file()
    }


def test_a_bag_holds_the_archive_byte_for_byte_and_bagit_validates_it(
    store: Store, archive_dir: Path, tmp_path: Path, fill: Callable[[Store], None]
) -> None:
    fill(store)
    before = store.summary()
    result = bag_archive(store, tmp_path / "bag", location="archive", organization="Example")
    bag = bagit.Bag(str(tmp_path / "bag"))
    bag.validate()  # every payload file against both manifests, and the tag files
    assert set(bag.algorithms) == {"sha256", "sha512"}
    payload = _files(tmp_path / "bag" / "data")
    assert payload == _files(archive_dir)
    assert {path.name for path in (tmp_path / "bag" / "data").iterdir()} == {"log", "warc", "runs"}
    assert (result.segments, result.warcs, result.runs) == (6, 3, 2)
    assert result.bytes == sum(len(data) for data in payload.values())
    info = bag.info
    assert info["Payload-Oxum"] == f"{result.bytes}.{len(payload)}"
    assert info["Source-Organization"] == "Example"
    assert info["External-Identifier"] == "archive"
    assert (info["Wirearchive-Items"], info["Wirearchive-Versions"]) == ("2", "3")
    assert info["Bag-Software-Agent"].startswith("wirearchive ")
    # The payload is an archive again: its catalog rebuilt from it, in the cache folder
    # (not in data/, which would change the bag).
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
        patch.delenv("WIREARCHIVE_CATALOG", raising=False)
        with Store.open(str(tmp_path / "bag" / "data"), readonly=True) as copy:
            assert copy.summary() == before
            assert verify(copy).ok
    assert list((tmp_path / "cache" / "wirearchive").glob("*/catalog.sqlite"))
    assert not (tmp_path / "bag" / "data" / "catalog.sqlite").exists()
    bag.validate()  # reading it changed nothing in the bag
    assert not (tmp_path / "bag.partial").exists()


def test_a_changed_byte_in_the_bag_is_found_by_bagit(
    store: Store, tmp_path: Path, fill: Callable[[Store], None]
) -> None:
    fill(store)
    bag_archive(store, tmp_path / "bag", location="archive")
    segment = tmp_path / "bag" / "data" / "log" / "000000000002.jsonl"
    data = bytearray(segment.read_bytes())
    data[10] ^= 1
    segment.write_bytes(bytes(data))
    with pytest.raises(bagit.BagValidationError) as found:
        bagit.Bag(str(tmp_path / "bag")).validate()
    assert {d.path for d in found.value.details} == {"data/log/000000000002.jsonl"}


def test_a_damaged_archive_is_not_bagged_and_leaves_nothing(
    store: Store, archive_dir: Path, tmp_path: Path, fill: Callable[[Store], None]
) -> None:
    fill(store)
    warc = archive_dir / "warc" / "000000000001.warc.gz"
    data = bytearray(warc.read_bytes())
    data[-20] ^= 0xFF
    warc.write_bytes(bytes(data))
    with pytest.raises(BagError, match="does not verify") as refused:
        bag_archive(store, tmp_path / "bag", location="archive")
    assert refused.value.verification is not None
    assert refused.value.verification.findings
    assert not (tmp_path / "bag").exists()
    assert not (tmp_path / "bag.partial").exists()


def test_a_bag_is_never_written_over_a_folder(
    store: Store,
    tmp_path: Path,
    make_item: Callable[..., dict[str, Any]],
    make_capture: Callable[..., Capture],
) -> None:
    item = make_item(1)
    store.put(item, make_capture(item), run="run-a", profile=PROFILE)
    (tmp_path / "bag").mkdir()
    with pytest.raises(BagError, match="exists already"):
        bag_archive(store, tmp_path / "bag", location="archive")
    (tmp_path / "other.partial").mkdir()
    with pytest.raises(BagError, match="did not finish"):
        bag_archive(store, tmp_path / "other", location="archive")
    assert list((tmp_path / "bag").iterdir()) == []


def test_a_bag_that_cannot_be_written_is_a_bag_error_and_leaves_nothing(
    store: Store, tmp_path: Path, fill: Callable[[Store], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    fill(store)

    def full_disk(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(bagit, "make_bag", full_disk)
    with pytest.raises(BagError, match=r"could not be made: .*No space left on device"):
        bag_archive(store, tmp_path / "bag", location="archive")
    assert not (tmp_path / "bag").exists()
    assert not (tmp_path / "bag.partial").exists()
