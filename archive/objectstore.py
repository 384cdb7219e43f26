"""The archive's files in an S3-compatible bucket, through obstore.

``s3://bucket/prefix`` keeps each object under ``prefix/``. The backend's promises hold
as S3 gives them: every object is written by one PUT, so it appears whole or not at all
and nothing is ever half-written; `create` is a conditional PUT (``If-None-Match: *``), so
of two writers racing for a name exactly one wins and the other gets `ObjectExistsError`.
Reads are ranged GETs: `open` gives a seekable stream that fetches only what is read, so a
reader never loads a whole WARC file to reach one record.

Settings come from the standard AWS environment (``AWS_ACCESS_KEY_ID``,
``AWS_SECRET_ACCESS_KEY``, ``AWS_SESSION_TOKEN``, ``AWS_REGION``/``AWS_DEFAULT_REGION``),
the endpoint from ``WIREARCHIVE_S3_ENDPOINT``, else ``AWS_ENDPOINT_URL_S3``, else
``AWS_ENDPOINT_URL``. Plain HTTP is allowed only for a loopback endpoint (a test server),
or when ``WIREARCHIVE_S3_ALLOW_HTTP=1`` says so.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO
from urllib.parse import urlparse

import obstore
from obstore.exceptions import AlreadyExistsError, BaseError, NotFoundError
from obstore.store import S3Store

if TYPE_CHECKING:  # the typing stubs' names only: not importable at run time
    from obstore import GetOptions
    from obstore.store import S3Config

__all__ = [
    "ALLOW_HTTP_ENV",
    "ENDPOINT_ENV",
    "ObjectExistsError",
    "ObjectStoreBackend",
    "ObjectStoreError",
    "open_s3",
    "s3_settings",
]

ENDPOINT_ENV = "WIREARCHIVE_S3_ENDPOINT"
ALLOW_HTTP_ENV = "WIREARCHIVE_S3_ALLOW_HTTP"

#: How much a stream from `ObjectStoreBackend.open` fetches per request at least.
_READ_AHEAD = 1 << 20

_LOOPBACK = {"127.0.0.1", "localhost", "::1"}

# obstore raises the built-in errors for these (its own classes are documented, so both).
_EXISTS = (AlreadyExistsError, FileExistsError)
_MISSING = (NotFoundError, FileNotFoundError)


class ObjectExistsError(FileExistsError):
    """`create` lost a race, or the name was taken already: another writer made the object."""

    def __init__(self, uri: str) -> None:
        super().__init__(errno.EEXIST, "the object exists already (another writer made it)", uri)
        self.uri = uri

    def __str__(self) -> str:
        return f"{self.uri}: {self.strerror}"


class ObjectStoreError(OSError):
    """The object store refused or failed a request (credentials, network, bucket)."""

    def __init__(self, uri: str, reason: str) -> None:
        super().__init__(errno.EIO, reason, uri)
        self.uri = uri

    def __str__(self) -> str:
        return f"{self.uri}: {self.strerror}"


def _missing(uri: str) -> FileNotFoundError:
    return FileNotFoundError(errno.ENOENT, "no such object", uri)


@contextlib.contextmanager
def _failures(uri: str) -> Iterator[None]:
    """obstore's other errors as `ObjectStoreError`, naming the object and the first line of
    the reason (the rest is a debug dump of the request)."""
    try:
        yield
    except (*_EXISTS, *_MISSING):
        raise
    except BaseError as exc:
        lines = str(exc).strip().splitlines() or [type(exc).__name__]
        reason = lines[0] if len(lines[0]) <= 300 else lines[0][:300] + "..."
        raise ObjectStoreError(uri, reason) from exc


def s3_settings(environ: Mapping[str, str] = os.environ) -> tuple[dict[str, str], bool]:
    """The S3 configuration the environment gives, and whether plain HTTP is allowed."""
    config: dict[str, str] = {}
    endpoint = (
        environ.get(ENDPOINT_ENV)
        or environ.get("AWS_ENDPOINT_URL_S3")
        or environ.get("AWS_ENDPOINT_URL")
    )
    if endpoint:
        config["endpoint"] = endpoint
    region = environ.get("AWS_REGION") or environ.get("AWS_DEFAULT_REGION")
    if region:
        config["region"] = region
    for key, variable in (
        ("access_key_id", "AWS_ACCESS_KEY_ID"),
        ("secret_access_key", "AWS_SECRET_ACCESS_KEY"),
        ("session_token", "AWS_SESSION_TOKEN"),
    ):
        if environ.get(variable):
            config[key] = environ[variable]
    parsed = urlparse(endpoint or "")
    allow_http = environ.get(ALLOW_HTTP_ENV, "") in {"1", "true", "yes"} or (
        parsed.scheme == "http" and parsed.hostname in _LOOPBACK
    )
    return config, allow_http


def _checked(name: str) -> str:
    """A name as the file backend accepts it: no empty, ``.`` or ``..`` parts."""
    if not name or any(part in {"", ".", ".."} for part in name.split("/")):
        raise ValueError(f"bad object name {name!r}")
    return name


class _RangedReader(io.RawIOBase):
    """A seekable raw stream over one object: each read is one ranged GET.

    The object's size is learnt from the first GET's answer, not asked for first (a
    HEAD): reading a record from a WARC file on object storage costs one round trip.
    """

    def __init__(self, store: S3Store, path: str, uri: str, size: int | None = None) -> None:
        self._store = store
        self._path = path
        self._uri = uri
        self._size = size
        self._position = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def _known_size(self) -> int:
        if self._size is None:
            try:
                with _failures(self._uri):
                    self._size = int(obstore.head(self._store, self._path)["size"])
            except _MISSING:
                raise _missing(self._uri) from None
        return self._size

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if whence == io.SEEK_SET:
            base = 0
        elif whence == io.SEEK_CUR:
            base = self._position
        else:
            base = self._known_size()
        if base + offset < 0:
            raise ValueError(f"{self._uri}: negative seek position {base + offset}")
        self._position = base + offset
        return self._position

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        length = len(view) if self._size is None else min(len(view), self._size - self._position)
        if length <= 0:  # at the end, when the size is known
            return 0
        try:
            with _failures(self._uri):
                wanted = (self._position, self._position + length)
                found = obstore.get(self._store, self._path, options={"range": wanted})
                data = memoryview(found.bytes()).cast("B")
        except _MISSING:
            raise _missing(self._uri) from None
        except ObjectStoreError:
            # A range that starts at or past the end is refused (416): the end, if the
            # object is that short; else a real failure, raised again.
            if self._position >= self._known_size():
                return 0
            raise
        self._size = int(found.meta["size"])
        count = len(data)
        view[:count] = data
        self._position += count
        return count


class ObjectStoreBackend:
    """Objects in an S3-compatible bucket under a prefix; create-once by conditional PUT."""

    def __init__(
        self,
        bucket: str,
        prefix: str = "",
        *,
        environ: Mapping[str, str] = os.environ,
        store: S3Store | None = None,
    ) -> None:
        if not bucket:
            raise ValueError("an s3:// archive needs a bucket: s3://bucket/prefix")
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        #: No local directory: the catalog lives elsewhere (see `Store.open`'s ``catalog``).
        self.local_root: Path | None = None
        if store is None:
            config, allow_http = s3_settings(environ)
            settings: S3Config = config  # type: ignore[assignment]
            store = S3Store(
                bucket,
                prefix=self.prefix or None,
                config=settings,
                client_options={"allow_http": allow_http},
            )
        self._store = store

    def __repr__(self) -> str:
        return f"ObjectStoreBackend({self.uri('')!r})"

    def uri(self, name: str) -> str:
        """The ``s3://`` address of an object, for messages."""
        return "/".join(part for part in (f"s3://{self.bucket}", self.prefix, name) if part)

    def _put(self, name: str, chunks: Iterable[bytes], *, create: bool) -> int:
        # One PUT of the whole object, never a multipart upload: S3 makes it visible at
        # once or not at all, and a killed writer leaves no unfinished upload behind.
        data = b"".join(chunks)
        try:
            with _failures(self.uri(name)):
                obstore.put(
                    self._store,
                    _checked(name),
                    data,
                    mode="create" if create else "overwrite",
                    use_multipart=False,
                )
        except _EXISTS:
            if self._holds(name, data):  # our own PUT, retried after it succeeded unheard
                return len(data)
            raise ObjectExistsError(self.uri(name)) from None
        except _MISSING as exc:  # a PUT finds no object missing, only the bucket
            raise ObjectStoreError(self.uri(name), f"no such bucket {self.bucket!r}") from exc
        return len(data)

    def _holds(self, name: str, data: bytes) -> bool:
        """Whether the object `name` holds exactly `data`.

        A PUT whose response is lost (a timeout, a 5xx from a proxy after the store took
        it) is retried by the client, and the retry finds the object its first try made:
        the same bytes are this writer's create, done, not a race lost to another writer
        (whose object always differs: its records carry its own run and time).
        """
        try:
            return self.size(name) == len(data) and self.read(name) == data
        except FileNotFoundError:  # deleted since: whatever made it, it is not ours now
            return False

    def create(self, name: str, chunks: Iterable[bytes]) -> int:
        return self._put(name, chunks, create=True)

    def replace(self, name: str, chunks: Iterable[bytes]) -> int:
        return self._put(name, chunks, create=False)

    def read(self, name: str, offset: int = 0, length: int | None = None) -> bytes:
        _checked(name)
        if length == 0:
            return b""
        try:
            with _failures(self.uri(name)):
                if offset == 0 and length is None:
                    return bytes(obstore.get(self._store, name).bytes())
                # One round trip: a range past the end gives what there is (a record's
                # offset and length come from the catalog, so it is inside the object).
                options: GetOptions = {
                    "range": {"offset": offset} if length is None else (offset, offset + length)
                }
                return bytes(obstore.get(self._store, name, options=options).bytes())
        except _MISSING:
            raise _missing(self.uri(name)) from None
        except ObjectStoreError:
            if offset >= self.size(name):  # a range starting past the end is refused (416)
                return b""
            raise

    def open(self, name: str) -> BinaryIO:
        raw = _RangedReader(self._store, _checked(name), self.uri(name))
        return io.BufferedReader(raw, buffer_size=_READ_AHEAD)

    def exists(self, name: str) -> bool:
        try:
            with _failures(self.uri(name)):
                obstore.head(self._store, _checked(name))
        except _MISSING:
            return False
        return True

    def size(self, name: str) -> int:
        try:
            with _failures(self.uri(name)):
                return int(obstore.head(self._store, _checked(name))["size"])
        except _MISSING:
            raise _missing(self.uri(name)) from None

    def names(self, prefix: str) -> Iterator[str]:
        folder = prefix.strip("/")
        found: list[str] = []
        with _failures(self.uri(folder)):
            for batch in obstore.list(self._store, folder or None, chunk_size=1000):
                found.extend(meta["path"] for meta in batch)
        return iter(sorted(found))

    def delete(self, name: str) -> None:
        # S3's DELETE succeeds for a missing key, as the protocol asks; others may not.
        with contextlib.suppress(*_MISSING), _failures(self.uri(name)):
            obstore.delete(self._store, _checked(name))

    def discard_incomplete(self) -> list[str]:
        """Nothing to do: objects are written by single PUTs, which leave no parts behind."""
        return []


def open_s3(uri: str) -> ObjectStoreBackend:
    """The backend for ``s3://bucket/prefix``, configured from the environment."""
    parsed = urlparse(uri)
    if parsed.scheme != "s3" or not parsed.netloc:
        raise ValueError(f"{uri}: an object storage archive is s3://bucket/prefix")
    if parsed.query or parsed.fragment:
        raise ValueError(f"{uri}: settings come from the environment, not the URI")
    return ObjectStoreBackend(parsed.netloc, parsed.path)
