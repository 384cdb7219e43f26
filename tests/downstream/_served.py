"""An archive for the web tests, with known archive times, and a real server over it.

The archive holds the project's examples (archived at `FIRST`), then an edit of the
English grain story (its version 2, archived at `SECOND`) and an input that is not a valid
item (quarantined). The archive clock is pinned so that Memento datetimes, which have a
one-second grain, tell the two versions apart.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import uvicorn
import wirearchive.archive.store as store_module
from wirearchive.downstream.http import create_app

from ._archives import ingest

EXAMPLES = Path(__file__).parents[2] / "examples"
FEED = EXAMPLES / "wire-feed.jsonl"
#: The item that has two versions (a URN id).
UPDATED = json.loads(FEED.read_text().splitlines()[0])["uri"]
#: An item whose id is a URL, with ``/`` and ``:`` in it.
PAGE = "https://ria.example/20240529/pshenitsa-1948712.html"
FIRST = "2026-01-10T08:00:00.000000Z"
SECOND = "2026-01-11T09:30:00.000000Z"
CORRECTED = " (corrected)"


def _ingest(location: Path, when: str, *paths: Path) -> dict[str, object]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(store_module, "utc_now", lambda: when)
        return ingest(location, *paths)


def build(folder: Path) -> Path:
    """The archive described above, made under `folder`; its location."""
    location = folder / "archive"
    _ingest(location, FIRST, EXAMPLES)
    item = json.loads(FEED.read_text().splitlines()[0])
    item["headlines"][0]["value"] += CORRECTED
    item["bodies"][0]["value"] += "\n\nAdds a <script>alert(1)</script> paragraph."
    item["versionCreated"] = "2024-05-29T09:00:00Z"
    (folder / "edited.json").write_text(json.dumps(item, ensure_ascii=False))
    (folder / "bad.json").write_text('{"uri": "urn:x:bad", "type": "text", "language": "en"}')
    _ingest(location, SECOND, folder / "edited.json", folder / "bad.json")
    return location


@contextmanager
def serving(location: Path, readers: int | None = None) -> Iterator[str]:
    """The API served by uvicorn in a thread on a free port of 127.0.0.1; its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    app = create_app(str(location), readers=readers)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        while not server.started:  # until it listens; a dead thread means it failed
            if not thread.is_alive():
                raise RuntimeError("the server did not start")
            time.sleep(0.02)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join()
        sock.close()
