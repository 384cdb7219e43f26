"""Upgrade an IPTC ninjs document of any published version to ninjs 3.1, shape only.

Wires still send ninjs 1.x (flat ``headline``, ``body_html``, ``person`` ...) and 2.x
(lower-case arrays), but the archive keeps ninjs 3.1 alone, so every item passes through
here first. Only the shape changes: names, nesting and arrays. Values (times, strings,
numbers) are copied as they are, because normalising them is a later step's job, and a
value that was already invalid in its own version is left for the validator to report.
Nothing is lost silently: what 3.1 has no room for is named, with the reason, in
`Upgrade.dropped`. The mapping follows IPTC's own rewrites of its examples (User Guide
1.6 -> 2.2 -> 3.1, test suite 1.3 -> 2.0) wherever those agree with each other:

=================================== =================================================
source (version)                    ninjs 3.1
=================================== =================================================
headline (1.x)                      headlines[{role: main, value}]
headline_/body_/description_<s>     headlines/bodies/descriptions[{role, contentType,
(1.x)                               value}]: a format part of <s> (text, html, xhtml,
                                    xml, nitf ...) gives contentType, the rest gives
                                    role, ``main`` when nothing is left
byline (1.x)                        by
versioncreated, firstcreated,       versionCreated, firstCreated, contentCreated,
contentcreated, embargoed,          embargoedUntil, pubStatus, copyrightHolder,
pubstatus, copyrightholder,         copyrightNotice, usageTerms, edNote
copyrightnotice, usageterms, ednote
representationtype complete,        representationType full, partial
incomplete (1.x)
person, organisation, place,        people, organisations, places, subjects, events,
subject, event, object, infosource, objects, infoSources, genres, trustIndicators
genre, trustindicator (1.x)
  scheme + code (1.x)               uri = scheme + code, literal = code
                                    (trustIndicators: role = scheme + code)
  code alone (1.x)                  uri if it is an absolute URI, else literal
  infosource rel (1.x)              role
  place geometry_* (1.1-1.6)        geoJSON, if it is GeoJSON
  symbols ticker (1.x, 2.x)         symbols symbol
  contactinfo, address.postalcode   contactInfo, address.postalCode
renditions {name: {...}} (1.x)      renditions [{name, ...}]; mimetype and
                                    contenttype -> contentType, sizeinbytes ->
                                    sizeInBytes
associations {name: item} (1.x)     associations [{name, ...the item upgraded}]
altids {role: id} (1.3-1.6)         altIds [{role, value}], one per id
charcount, wordcount (1.2-1.6)      charCount, wordCount of the plain-text body
$standard, standard (any)           standard {ninjs, 3.1, the 3.1 schema URI}
rightsinfo, digitalsourcetype       rightsInfo {langId, linkedRights,
(1.4-2.2)                           encodedRights}, digitalSourceType
other lower-case names (2.x)        camelCase: contenttype -> contentType, geojson ->
                                    geoJSON, altids -> altIds ...
mimetype (1.x)                      dropped: 3.1 has no item-level media type
3.0                                 the same document, declaring 3.1
=================================== =================================================

>>> result = upgrade({"uri": "urn:x", "headline": "Hi", "versioncreated": "2024"}, "1.6")
>>> result.item["headlines"], result.item["versionCreated"], result.dropped
([{'role': 'main', 'value': 'Hi'}], '2024', ())
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from wirearchive.validators import format_json_path

__all__ = ["Upgrade", "upgrade"]

#: The versions this module was written against, oldest first (IPTC's published ninjs).
SOURCE_VERSIONS: Final = (
    "1.0", "1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "2.0", "2.1", "2.2", "3.0", "3.1",
)  # fmt: skip

TARGET_VERSION: Final = "3.1"

#: The ``standard`` an upgraded item declares, as the 3.1 schema defines that property.
STANDARD: Final[Mapping[str, str]] = {
    "name": "ninjs",
    "version": TARGET_VERSION,
    "schema": "http://www.iptc.org/std/ninjs/ninjs-schema_3.1.json",
}

#: Associations nested deeper than this are dropped rather than recursed into.
MAX_ASSOCIATION_DEPTH: Final = 50

Path = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Upgrade:
    """The ninjs 3.1 item, what was done to get it, and what 3.1 could not hold."""

    item: dict[str, Any]
    steps: tuple[str, ...]
    dropped: tuple[str, ...]


class _Dropped:
    """Returned by a converter that has recorded its value in `dropped`."""


_DROPPED: Final = _Dropped()

# The suffix of 1.x ``body_*``, ``headline_*`` and ``description_*`` names the format
# and/or the purpose of the text; these parts name a format.
_FORMATS: Final[Mapping[str, str]] = {
    "text": "text/plain",
    "plain": "text/plain",
    "html": "text/html",
    "xhtml": "application/xhtml+xml",
    "xml": "application/xml",
    "nitf": "application/nitf+xml",
    "json": "application/json",
    "markdown": "text/markdown",
    "md": "text/markdown",
    "rtf": "text/rtf",
}
_TEXT_PREFIXES: Final = (
    ("headline_", "headlines"),
    ("body_", "bodies"),
    ("description_", "descriptions"),
)

_GEOJSON_TYPES: Final = frozenset(
    {
        "Point",
        "LineString",
        "Polygon",
        "MultiPoint",
        "MultiLineString",
        "MultiPolygon",
        "GeometryCollection",
        "Feature",
        "FeatureCollection",
    }
)
_ABSOLUTE_URI: Final = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]*://|urn:)", re.IGNORECASE)
_REPRESENTATION: Final[Mapping[str, str]] = {"complete": "full", "incomplete": "partial"}

# Properties whose value keeps its shape, under their 3.1 name. Every spelling any
# version used is listed, so that a document mixing spellings still loses nothing.
_SCALARS: Final[Mapping[str, str]] = {
    "uri": "uri",
    "type": "type",
    "profile": "profile",
    "version": "version",
    "firstcreated": "firstCreated",
    "firstCreated": "firstCreated",
    "versioncreated": "versionCreated",
    "versionCreated": "versionCreated",
    "contentcreated": "contentCreated",
    "contentCreated": "contentCreated",
    "embargoed": "embargoedUntil",
    "embargoedUntil": "embargoedUntil",
    "expires": "expires",
    "pubstatus": "pubStatus",
    "pubStatus": "pubStatus",
    "copyrightholder": "copyrightHolder",
    "copyrightHolder": "copyrightHolder",
    "copyrightnotice": "copyrightNotice",
    "copyrightNotice": "copyrightNotice",
    "usageterms": "usageTerms",
    "usageTerms": "usageTerms",
    "ednote": "edNote",
    "edNote": "edNote",
    "language": "language",
    "title": "title",
    "byline": "by",
    "by": "by",
    "slugline": "slugline",
    "located": "located",
    # 3.x only, and unchanged since 3.0.
    "eventDetails": "eventDetails",
    "plannedCoverage": "plannedCoverage",
}


def _clone(value: Any) -> Any:
    """A deep copy of JSON data that never recurses, so no nesting depth can make it raise."""
    if not isinstance(value, dict | list):
        return value
    memo: dict[int, Any] = {}
    root: Any = {} if isinstance(value, dict) else []
    memo[id(value)] = root
    stack: list[tuple[Any, Any]] = [(value, root)]
    while stack:
        source, target = stack.pop()
        pairs: Iterable[tuple[Any, Any]] = (
            source.items() if isinstance(source, dict) else enumerate(source)
        )
        for key, child in pairs:
            if isinstance(child, dict | list):
                copy = memo.get(id(child))
                if copy is None:
                    copy = {} if isinstance(child, dict) else []
                    memo[id(child)] = copy
                    stack.append((child, copy))
            else:
                copy = child
            if isinstance(target, dict):
                target[key] = copy
            else:
                target.append(copy)
    return root


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_whole(value: Any) -> bool:
    if isinstance(value, float):
        return value.is_integer()
    return isinstance(value, int) and not isinstance(value, bool)


def _join(scheme: str, code: str) -> str:
    """Scheme and code as one URI, as IPTC's own 2.x examples write them."""
    if scheme.endswith(("/", "#", ":", "=", "?", "&")):
        return scheme + code
    return f"{scheme}{':' if scheme.lower().startswith('urn:') else '/'}{code}"


def _text_suffix(suffix: str) -> tuple[str, str | None]:
    """The role and content type a 1.x ``body_<suffix>`` (or headline_, description_) means.

    A format part (``html``, ``text`` ...) at either end becomes the content type; what is
    left is the purpose, i.e. the role, which is ``main`` when nothing is left.
    """
    parts = suffix.split("_")
    content_type: str | None = None
    rest = suffix
    if len(parts) > 1 and parts[-1].lower() in _FORMATS:
        content_type, rest = _FORMATS[parts[-1].lower()], "_".join(parts[:-1])
    elif parts[0].lower() in _FORMATS:
        content_type, rest = _FORMATS[parts[0].lower()], "_".join(parts[1:])
    return rest or "main", content_type


Convert = Callable[["_Converter", Any, Path], Any]


@dataclass(frozen=True, slots=True)
class _Kind:
    """One 3.1 object type: its source spellings and where scheme+code (1.x) go."""

    label: str
    fields: Mapping[str, tuple[str, Convert]]
    identifier: str | None = None  # the 3.1 property that 1.x scheme+code become
    literal: bool = False  # whether the 1.x code is also kept as `literal`
    geometry: bool = False  # whether 1.x geometry_* properties live here


class _Converter:
    """One upgrade: walks the source once and records steps and drops as it goes."""

    def __init__(self, version: str) -> None:
        self.version = version
        self._steps: dict[str, None] = {}
        self.dropped: list[str] = []

    @property
    def steps(self) -> tuple[str, ...]:
        return tuple(self._steps)

    def note(self, step: str) -> None:
        self._steps.setdefault(step)

    def drop(self, path: Path, why: str) -> None:
        printable = tuple(step if isinstance(step, str | int) else str(step) for step in path)
        self.dropped.append(f"{format_json_path(printable)}: {why}")

    def put(self, out: dict[str, Any], key: str, value: Any, path: Path) -> None:
        """Set `key` unless another spelling of it already did; a clash is a drop."""
        if key not in out:
            out[key] = value
        elif out[key] != value:
            self.drop(path, f"{key} is already set from another property")

    # -- whole items ----------------------------------------------------------------

    def item(
        self, source: Mapping[str, Any], path: Path, depth: int, name: str | None = None
    ) -> dict[str, Any]:
        """One ninjs object: the document itself or one of its associations."""
        out: dict[str, Any] = {}
        if name is not None:
            out["name"] = name
        if depth == 0:
            out["standard"] = dict(STANDARD)
            if not any(key in source for key in ("standard", "$standard")):
                self.note(f"added standard: ninjs {TARGET_VERSION} (was undeclared {self.version})")
        counts: list[tuple[str, Any, Path]] = []
        for key, value in source.items():
            key_path = (*path, key)
            if not isinstance(key, str):
                self.drop(key_path, "not a property name")
            elif key in _SCALARS:
                target = _SCALARS[key]
                if target != key:
                    self.note(f"renamed {key} to {target}")
                self.put(out, target, _clone(value), key_path)
            elif key in _TOP:
                _TOP[key](self, out, key, value, key_path, depth)
            elif key in ("name", "rel") and depth > 0:
                self.put(out, key, _clone(value), key_path)
            elif key in ("charcount", "wordcount"):
                counts.append((key, value, key_path))
            elif key == "mimetype":
                self.drop(
                    key_path,
                    "3.1 has no item-level media type (ninjs 2.0 removed mimetype); "
                    "only bodies and renditions carry a contentType",
                )
            elif any(key.startswith(prefix) for prefix, _ in _TEXT_PREFIXES):
                self.text_property(out, key, value, key_path)
            else:
                self.drop(key_path, "no ninjs 3.1 equivalent")
        for key, value, key_path in counts:
            self.count(out, key, value, key_path)
        return out

    def text_property(self, out: dict[str, Any], key: str, value: Any, path: Path) -> None:
        """1.x ``headline_x``, ``body_x``, ``description_x``: one entry of the 3.1 array."""
        for prefix, target in _TEXT_PREFIXES:
            if key.startswith(prefix):
                role, content_type = _text_suffix(key[len(prefix) :])
                entry: dict[str, Any] = {"role": role}
                shown = f"role={role}"
                if content_type is not None:
                    entry["contentType"] = content_type
                    shown += f", contentType={content_type}"
                entry["value"] = _clone(value)
                out.setdefault(target, []).append(entry)
                self.note(f"{key} → {target}[{shown}]")
                return

    def count(self, out: dict[str, Any], key: str, value: Any, path: Path) -> None:
        """1.x item-level charcount/wordcount: 3.1 counts per body, so the text body gets it."""
        target = "charCount" if key == "charcount" else "wordCount"
        bodies = [body for body in out.get("bodies", []) if isinstance(body, dict)]
        if not bodies:
            self.drop(path, f"3.1 keeps {target} on a body, and this item has none")
            return
        plain = [body for body in bodies if body.get("contentType") == "text/plain"]
        body = (plain or bodies)[0]
        converted = _integer(self, value, path)
        if converted is _DROPPED:
            return
        self.put(body, target, converted, path)
        self.note(f"{key} → bodies[role={body.get('role')}].{target}")

    # -- generic objects --------------------------------------------------------------

    def objects(self, kind: _Kind, value: Any, path: Path) -> Any:
        """An array of `kind` objects; what is not an object is dropped."""
        if not isinstance(value, list):
            self.drop(path, f"not an array, as 3.1 {kind.label} is")
            return _DROPPED
        out: list[Any] = []
        for index, entry in enumerate(value):
            if isinstance(entry, dict):
                out.append(self.object(kind, entry, (*path, index)))
            else:
                self.drop((*path, index), f"not an object, as each of 3.1 {kind.label} is")
        return out

    def object(self, kind: _Kind, source: Mapping[str, Any], path: Path) -> dict[str, Any]:
        out: dict[str, Any] = {}
        scheme: tuple[Any, Path] | None = None
        code: tuple[Any, Path] | None = None
        for key, value in source.items():
            key_path = (*path, key)
            if kind.identifier is not None and key == "scheme":
                scheme = (value, key_path)
            elif kind.identifier is not None and key == "code":
                code = (value, key_path)
            elif kind.geometry and isinstance(key, str) and key.startswith("geometry_"):
                self.geometry(out, key, value, key_path, kind)
            elif key in kind.fields:
                target, convert = kind.fields[key]
                if target != key:
                    self.note(f"renamed {kind.label}.{key} to {target}")
                converted = convert(self, value, key_path)
                if converted is not _DROPPED:
                    self.put(out, target, converted, key_path)
            else:
                self.drop(key_path, f"no ninjs 3.1 equivalent in {kind.label}")
        if scheme is not None or code is not None:
            self.identify(kind, out, scheme, code)
        return out

    def identify(
        self,
        kind: _Kind,
        out: dict[str, Any],
        scheme: tuple[Any, Path] | None,
        code: tuple[Any, Path] | None,
    ) -> None:
        """1.x scheme + code: 3.1 has one identifying URI, plus a literal for the code."""
        target = kind.identifier or "uri"
        for part in (scheme, code):
            if part is not None and not isinstance(part[0], str):
                self.drop(part[1], "not a string, so it cannot become part of a URI")
        scheme_text = scheme[0] if scheme is not None and isinstance(scheme[0], str) else None
        code_text = code[0] if code is not None and isinstance(code[0], str) else None
        code_path = code[1] if code is not None else ()
        if code_text is None:
            if scheme_text is not None and scheme is not None:
                self.drop(scheme[1], "a scheme without a code names no concept; 3.1 has no scheme")
            return
        if scheme_text is not None and scheme is not None and _ABSOLUTE_URI.match(code_text):
            self.drop(scheme[1], "the code is already an absolute URI; 3.1 has no scheme")
            scheme_text = None
        if scheme_text is not None:
            self.put(out, target, _join(scheme_text, code_text), code_path)
            note = f"{kind.label}.scheme + code → {target}"
            if kind.literal:
                self.put(out, "literal", code_text, code_path)
                note += ", code → literal"
            self.note(note)
        elif _ABSOLUTE_URI.match(code_text) or not kind.literal:
            self.put(out, target, code_text, code_path)
            self.note(f"{kind.label}.code → {target}")
        else:
            self.put(out, "literal", code_text, code_path)
            self.note(f"{kind.label}.code → literal")

    def geometry(self, out: dict[str, Any], key: str, value: Any, path: Path, kind: _Kind) -> None:
        """1.1's ``place.geometry_*`` ("any geo data JSON object"): 3.1 holds one GeoJSON."""
        if not (isinstance(value, dict) and value.get("type") in _GEOJSON_TYPES):
            self.drop(path, "not a GeoJSON object; 3.1 places hold geo data only as geoJSON")
        elif "geoJSON" in out:
            self.drop(path, "3.1 places hold one geoJSON, and this place already has one")
        else:
            out["geoJSON"] = _geojson(self, value, path)
            self.note(f"renamed {kind.label}.{key} to geoJSON")


# -- value converters (each returns the 3.1 value or _DROPPED) ------------------------


def _copy(conv: _Converter, value: Any, path: Path) -> Any:
    return _clone(value)


def _integer(conv: _Converter, value: Any, path: Path) -> Any:
    """ninjs up to 2.2 allowed any number where 3.x wants an integer."""
    if _is_number(value) and not _is_whole(value):
        conv.drop(path, f"{value!r} is not a whole number, as 3.1 requires here")
        return _DROPPED
    return _clone(value)


def _urgency(conv: _Converter, value: Any, path: Path) -> Any:
    if _is_number(value) and not (_is_whole(value) and 1 <= value <= 9):
        conv.drop(path, f"{value!r}: 3.1 urgency is a whole number from 1 to 9")
        return _DROPPED
    return _clone(value)


def _geojson(conv: _Converter, value: Any, path: Path) -> Any:
    """GeoJSON as is, except that a Feature gets the ``properties`` RFC 7946 requires."""
    out = _clone(value)
    features: list[Any] = []
    if isinstance(out, dict) and out.get("type") == "Feature":
        features = [out]
    elif isinstance(out, dict) and out.get("type") == "FeatureCollection":
        listed = out.get("features")
        features = listed if isinstance(listed, list) else []
    for feature in features:
        if (
            isinstance(feature, dict)
            and feature.get("type") == "Feature"
            and ("properties" not in feature)
        ):
            feature["properties"] = None
            conv.note("added properties: null to a GeoJSON Feature (RFC 7946 requires it)")
    return out


def _of(kind_name: str) -> Convert:
    """A converter for one object of the named kind (named, so kinds can refer ahead)."""

    def convert(conv: _Converter, value: Any, path: Path) -> Any:
        if not isinstance(value, dict):
            conv.drop(path, f"not an object, as 3.1 {_KINDS[kind_name].label} is")
            return _DROPPED
        return conv.object(_KINDS[kind_name], value, path)

    return convert


def _array_of(kind_name: str) -> Convert:
    def convert(conv: _Converter, value: Any, path: Path) -> Any:
        return conv.objects(_KINDS[kind_name], value, path)

    return convert


def _symbols(conv: _Converter, value: Any, path: Path) -> Any:
    """1.x/2.x ``ticker`` is 3.x ``symbol``; an entry with both, if they differ, splits."""
    kind = _KINDS["symbol"]
    if not isinstance(value, list):
        return conv.objects(kind, value, path)
    out: list[Any] = []
    for index, entry in enumerate(value):
        entry_path = (*path, index)
        if not isinstance(entry, dict):
            conv.drop(entry_path, f"not an object, as each of 3.1 {kind.label} is")
        elif "ticker" in entry and "symbol" in entry and entry["ticker"] != entry["symbol"]:
            rest = {k: v for k, v in entry.items() if k != "ticker"}
            ticker = {k: v for k, v in entry.items() if k in ("ticker", "exchange")}
            out += [conv.object(kind, rest, entry_path), conv.object(kind, ticker, entry_path)]
            conv.note("split a symbol whose ticker differs from its symbol into two symbols")
        else:
            out.append(conv.object(kind, entry, entry_path))
    return out


def _same(*names: str, convert: Convert = _copy) -> dict[str, tuple[str, Convert]]:
    return {name: (name, convert) for name in names}


def _renamed(target: str, *names: str, convert: Convert = _copy) -> dict[str, tuple[str, Convert]]:
    return {name: (target, convert) for name in (target, *names)}


_CONTACTS: Final = _renamed("contactInfo", "contactinfo", convert=_array_of("contact"))
_ENTITY: Final = _same("name", "rel", "uri", "literal")
_TEXT: Final = {**_same("role", "value"), **_renamed("contentType", "contenttype")}

_KINDS: Final[dict[str, _Kind]] = {
    "headline": _Kind("headlines[]", _TEXT),
    "description": _Kind("descriptions[]", _TEXT),
    "body": _Kind(
        "bodies[]",
        {
            **_same("role", "value"),
            **_renamed("contentType", "contenttype"),
            **_renamed("charCount", "charcount", convert=_integer),
            **_renamed("wordCount", "wordcount", convert=_integer),
        },
    ),
    "person": _Kind("people[]", {**_ENTITY, **_CONTACTS}, "uri", literal=True),
    "organisation": _Kind(
        "organisations[]",
        {**_ENTITY, **_CONTACTS, "symbols": ("symbols", _symbols)},
        "uri",
        literal=True,
    ),
    "place": _Kind(
        "places[]",
        {**_ENTITY, **_CONTACTS, **_renamed("geoJSON", "geojson", convert=_geojson)},
        "uri",
        literal=True,
        geometry=True,
    ),
    "subject": _Kind(
        "subjects[]",
        {**_ENTITY, **_same("creator", "relevance", "confidence")},
        "uri",
        literal=True,
    ),
    "event": _Kind("events[]", {**_ENTITY, **_same("id")}, "uri", literal=True),
    "object": _Kind("objects[]", _ENTITY, "uri", literal=True),
    "infosource": _Kind(
        "infoSources[]",
        {**_same("name", "uri", "literal"), **_renamed("role", "rel"), **_CONTACTS},
        "uri",
        literal=True,
    ),
    "genre": _Kind("genres[]", _same("name", "uri", "literal"), "uri", literal=True),
    "trust": _Kind("trustIndicators[]", _same("role", "title", "href"), "role"),
    "contact": _Kind(
        "contactInfo[]",
        {**_same("type", "role", "lang", "name", "value"), "address": ("address", _of("address"))},
    ),
    "address": _Kind(
        "address",
        {**_same("lines", "locality", "area", "country"), **_renamed("postalCode", "postalcode")},
    ),
    "symbol": _Kind(
        "symbols[]",
        {
            **_same("exchange", "symbol"),
            **_renamed("symbolType", "symboltype"),
            "ticker": ("symbol", _copy),
        },
    ),
    "rendition": _Kind(
        "renditions[]",
        {
            **_same("name", "href", "title", "duration", "format", "aspectRatio", "videoCodec"),
            **_same("frameRate", "poi", "transportProtocol", "scanType", "bitrate"),
            **_renamed("contentType", "contenttype", "mimetype"),
            **_same("width", "height", convert=_integer),
            **_renamed("sizeInBytes", "sizeinbytes", convert=_integer),
        },
    ),
    "altid": _Kind("altIds[]", _same("role", "value")),
    "rights": _Kind(
        "rightsInfo",
        {
            **_renamed("langId", "langid"),
            **_renamed("linkedRights", "linkedrights"),
            **_renamed("encodedRights", "encodedrights"),
        },
    ),
    "digitalsourcetype": _Kind("digitalSourceType", _same("name", "uri", "literal")),
}


# -- top-level properties that are more than a rename ----------------------------------

TopHandler = Callable[[_Converter, dict[str, Any], str, Any, Path, int], None]


def _set(target: str, convert: Convert) -> TopHandler:
    """A property that is renamed to `target` and whose value goes through `convert`."""

    def handle(
        conv: _Converter, out: dict[str, Any], key: str, value: Any, path: Path, depth: int
    ) -> None:
        if key != target:
            conv.note(f"renamed {key} to {target}")
        converted = convert(conv, value, path)
        if converted is not _DROPPED:
            conv.put(out, target, converted, path)

    return handle


def _extend(target: str, kind_name: str) -> TopHandler:
    """An array property (1.x singular name, or any later spelling) appended to `target`."""

    def handle(
        conv: _Converter, out: dict[str, Any], key: str, value: Any, path: Path, depth: int
    ) -> None:
        if key != target:
            conv.note(f"renamed {key} to {target}")
        converted = conv.objects(_KINDS[kind_name], value, path)
        if converted is not _DROPPED:
            out.setdefault(target, []).extend(converted)

    return handle


def _headline(
    conv: _Converter, out: dict[str, Any], key: str, value: Any, path: Path, depth: int
) -> None:
    out.setdefault("headlines", []).append({"role": "main", "value": _clone(value)})
    conv.note("headline → headlines[role=main]")


def _representation(
    conv: _Converter, out: dict[str, Any], key: str, value: Any, path: Path, depth: int
) -> None:
    if key != "representationType":
        conv.note(f"renamed {key} to representationType")
    if isinstance(value, str) and value in _REPRESENTATION:
        conv.note(f"representationtype {value} → {_REPRESENTATION[value]}")
        value = _REPRESENTATION[value]
    conv.put(out, "representationType", _clone(value), path)


def _renditions(
    conv: _Converter, out: dict[str, Any], key: str, value: Any, path: Path, depth: int
) -> None:
    """1.x keys renditions by name; 2.x and later list them, each with its name."""
    kind = _KINDS["rendition"]
    if isinstance(value, dict):
        conv.note("renditions object → renditions array, the key as name")
        listed: list[Any] = []
        for name, rendition in value.items():
            if isinstance(rendition, dict):
                entry = {"name": name}
                for k, v in conv.object(kind, rendition, (*path, name)).items():
                    conv.put(entry, k, v, (*path, name, k))
                listed.append(entry)
            else:
                conv.drop((*path, name), "not an object, as a rendition is")
        out.setdefault("renditions", []).extend(listed)
        return
    converted = conv.objects(kind, value, path)
    if converted is not _DROPPED:
        out.setdefault("renditions", []).extend(converted)


def _associations(
    conv: _Converter, out: dict[str, Any], key: str, value: Any, path: Path, depth: int
) -> None:
    """Associated items are whole ninjs items, so they are upgraded the same way."""
    if depth + 1 > MAX_ASSOCIATION_DEPTH:
        conv.drop(path, f"associations nested deeper than {MAX_ASSOCIATION_DEPTH} levels")
        return
    entries: list[tuple[str | None, Any, Path]]
    if isinstance(value, dict):
        conv.note("associations object → associations array, the key as name")
        entries = [(str(name), item, (*path, name)) for name, item in value.items()]
    elif isinstance(value, list):
        entries = [(None, item, (*path, index)) for index, item in enumerate(value)]
    else:
        conv.drop(path, "neither an object (1.x) nor an array (2.x and later)")
        return
    listed = out.setdefault("associations", [])
    for name, item, item_path in entries:
        if not isinstance(item, dict):
            conv.drop(item_path, "not an object, as an associated item is")
            continue
        upgraded = conv.item(item, item_path, depth + 1, name)
        for required in ("name", "uri"):
            if required not in upgraded:
                conv.note(
                    f"{format_json_path(item_path)} has no {required}, which 3.1 requires "
                    "of an association: left for validation to report"
                )
        listed.append(upgraded)


def _altids(
    conv: _Converter, out: dict[str, Any], key: str, value: Any, path: Path, depth: int
) -> None:
    """1.3-1.6 key alternative ids by role (any JSON value); 2.x on list {role, value}."""
    if not isinstance(value, dict):
        _extend("altIds", "altid")(conv, out, key, value, path, depth)
        return
    conv.note("altids object → altIds array of {role, value}")
    listed = out.setdefault("altIds", [])
    for role, ids in value.items():
        role_path = (*path, role)
        if isinstance(ids, list):
            values = [(one, (*role_path, index)) for index, one in enumerate(ids)]
            conv.note("an altids array became one altIds entry per value, with the same role")
        else:
            values = [(ids, role_path)]
        for one, one_path in values:
            if isinstance(one, str):
                listed.append({"role": role, "value": one})
            elif isinstance(one, int) and not isinstance(one, bool):
                listed.append({"role": role, "value": str(one)})
                conv.note("an integer alternative id became a string, as 3.1 altIds hold")
            else:
                conv.drop(one_path, f"{_json_type(one)}; 3.1 altIds values are strings")


def _standard(
    conv: _Converter, out: dict[str, Any], key: str, value: Any, path: Path, depth: int
) -> None:
    """The upgraded item is ninjs 3.1, whatever the source declared."""
    out["standard"] = dict(STANDARD)
    if not isinstance(value, dict):
        conv.drop(path, f"{_json_type(value)}; replaced by the ninjs 3.1 declaration")
        conv.note(f"{key} → standard: ninjs {TARGET_VERSION}")
        return
    conv.note(
        f"{key} ({value.get('name', 'ninjs')} {value.get('version', '?')}) → "
        f"standard: ninjs {TARGET_VERSION}"
    )
    if _declares_other_standard(value):
        shown = ", ".join(f"{k}={v}" for k, v in value.items())
        conv.drop(
            path,
            f"declared another standard ({shown}); the upgraded item declares ninjs "
            f"{TARGET_VERSION} instead",
        )
        return
    for extra in value:
        if extra not in ("name", "version", "schema"):
            conv.drop((*path, extra), "no ninjs 3.1 equivalent in standard")


def _declares_other_standard(value: Mapping[str, Any]) -> bool:
    """Whether a declaration names something besides plain IPTC ninjs (TTNINJS, say)."""
    name, schema = value.get("name"), value.get("schema")
    if isinstance(name, str) and name.strip().lower() != "ninjs":
        return True
    return isinstance(schema, str) and "iptc.org/std/ninjs/" not in schema.lower()


def _json_type(value: Any) -> str:
    """The JSON type of `value` with its article, for messages ("an object")."""
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, bool):
        return "a boolean"
    if value is None:
        return "null"
    return "a number" if _is_number(value) else f"a {type(value).__name__}"


_TOP: Final[dict[str, TopHandler]] = {
    "urgency": _set("urgency", _urgency),
    "representationtype": _representation,
    "representationType": _representation,
    "headline": _headline,
    "headlines": _extend("headlines", "headline"),
    "descriptions": _extend("descriptions", "description"),
    "bodies": _extend("bodies", "body"),
    "person": _extend("people", "person"),
    "people": _extend("people", "person"),
    "organisation": _extend("organisations", "organisation"),
    "organisations": _extend("organisations", "organisation"),
    "place": _extend("places", "place"),
    "places": _extend("places", "place"),
    "subject": _extend("subjects", "subject"),
    "subjects": _extend("subjects", "subject"),
    "event": _extend("events", "event"),
    "events": _extend("events", "event"),
    "object": _extend("objects", "object"),
    "objects": _extend("objects", "object"),
    "infosource": _extend("infoSources", "infosource"),
    "infosources": _extend("infoSources", "infosource"),
    "infoSources": _extend("infoSources", "infosource"),
    "genre": _extend("genres", "genre"),
    "genres": _extend("genres", "genre"),
    "trustindicator": _extend("trustIndicators", "trust"),
    "trustindicators": _extend("trustIndicators", "trust"),
    "trustIndicators": _extend("trustIndicators", "trust"),
    "altids": _altids,
    "altIds": _altids,
    "renditions": _renditions,
    "associations": _associations,
    "$standard": _standard,
    "standard": _standard,
    "rightsinfo": _set("rightsInfo", _of("rights")),
    "rightsInfo": _set("rightsInfo", _of("rights")),
    "digitalsourcetype": _set("digitalSourceType", _of("digitalsourcetype")),
    "digitalSourceType": _set("digitalSourceType", _of("digitalsourcetype")),
}


def upgrade(doc: dict[str, Any], version: str, *, owned: bool = False) -> Upgrade:
    """Rewrite `doc`, a ninjs `version` document ("1.0" ... "3.1"), as ninjs 3.1.

    The input is never modified; with `owned` (the caller parsed it and keeps no other
    reference) a 3.1 document is the item itself, not a copy of it. Raises `ValueError`
    only for a version IPTC never published; anything odd inside the document ends up in
    `Upgrade.dropped` instead.
    """
    if version not in SOURCE_VERSIONS:
        known = ", ".join(SOURCE_VERSIONS)
        raise ValueError(f"{version!r} is not a published ninjs version ({known})")
    if version == TARGET_VERSION:
        return Upgrade(item=doc if owned else _clone(doc), steps=(), dropped=())
    converter = _Converter(version)
    if not isinstance(doc, dict):
        converter.drop((), f"{_json_type(doc)}, not a ninjs object")
        return Upgrade(item={}, steps=(), dropped=tuple(converter.dropped))
    item = converter.item(doc, (), 0)
    return Upgrade(item=item, steps=converter.steps, dropped=tuple(converter.dropped))
