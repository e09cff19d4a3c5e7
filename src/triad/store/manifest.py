"""A run's manifest: what produced it and the files it holds, one typed field per key.

:func:`triad.store.provenance.manifest` makes one for a run, the store writes it to
``manifest.json`` (:meth:`Manifest.to_json`, sealed by :meth:`Manifest.sealed`) and reads
it back checked (:meth:`Manifest.from_json`). Every key is listed in ``docs/results.md``.
The JSON keeps its keys in one order (the order :meth:`Manifest.to_json` writes), so the
same run gives the same bytes and the same seal.

A ``triad-run/1`` manifest (written before manifests were sealed) may lack the keys that
reading never required: they read as empty (no versions, no command, the scenario's own
name and start, null commit) and a result stored again writes them so.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any, Final

from triad.errors import StoreError
from triad.store.integrity import canonical_digest

__all__ = [
    "FORMAT",
    "FORMATS",
    "LAYOUT_PARTITIONED",
    "SEAL",
    "Manifest",
    "RunRequest",
    "StoredFile",
]

FORMAT: Final = "triad-run/2"
"""The ``format`` of a manifest written now: version 2 carries its own checksum."""
FORMATS: Final = ("triad-run/1", FORMAT)
"""The manifest formats the store reads; ``triad-run/1`` has no checksum of its own."""
SEAL: Final = "manifest_sha256"
"""The key holding the SHA-256 of the rest of the manifest (see ``integrity.seal``)."""
LAYOUT_PARTITIONED: Final = "partitioned"
"""The ``layout`` of a series stored as ``series/part-*.parquet`` (a streamed run)."""
REQUIRED: Final = ("scenario", "scenario_hash", "seed", "worlds", "months", "started")
"""The keys every manifest holds, of every format (a stored one also ``files``)."""
_HEX64: Final = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True, slots=True)
class StoredFile:
    """One file of a result folder as its manifest lists it.

    Attributes:
        size: Its size in bytes (``bytes`` in the JSON).
        sha256: The SHA-256 of its bytes, 64 hexadecimal digits.
    """

    size: int
    sha256: str

    def to_json(self) -> dict[str, Any]:
        """The entry as stored: ``{"bytes": size, "sha256": digest}``."""
        return {"bytes": self.size, "sha256": self.sha256}


@dataclass(frozen=True, slots=True)
class RunRequest:
    """How ``triad.run`` was asked for the run (absent from a run stored by hand).

    Attributes:
        chunk_size: Worlds per chunk asked for (None: chosen automatically).
        log_worlds: Worlds whose event log was kept.
        source: The scenario as asked for (a bundled name or a file), None for a
            ``Scenario`` object.
        overrides: The ``--set`` overrides, ``PATH=VALUE``, in order.
    """

    chunk_size: int | None
    log_worlds: int
    source: str | None
    overrides: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        """The request's keys of the manifest, in their order."""
        return {
            "chunk_size": self.chunk_size,
            "log_worlds": self.log_worlds,
            "source": self.source,
            "overrides": list(self.overrides),
        }


@dataclass(frozen=True, slots=True)
class Manifest:
    """Everything needed to reproduce a run, and (once stored) every file it left.

    Attributes:
        format: ``triad-run/2`` (sealed), or ``triad-run/1`` for an older result.
        scenario: The resolved scenario that ran, as JSON (validated only when the run
            is read: listing stays cheap).
        scenario_name: The scenario's name.
        scenario_hash: SHA-256 of the scenario's canonical JSON.
        seed: The seed of every world.
        worlds: Worlds run.
        months: Months simulated.
        start: The first month, ``YYYY-MM``.
        versions: Name -> version of Python and the libraries.
        git_commit: The commit of the triad source tree (None outside a checkout).
        git_modified: Whether that tree had uncommitted changes (None outside a checkout,
            or not recorded).
        command: The command line that ran it.
        started: When the run started, UTC, ISO 8601.
        finished: When it finished, UTC, ISO 8601.
        request: How ``triad.run`` was asked for it (None for a run stored by hand).
        executor: Where the chunks ran (None: not recorded).
        layout: ``partitioned`` for a streamed run's ``series/`` parts, else None.
        stream_chunk_size: A streamed run's worlds per part (None if not streamed).
        files: Every file of the result folder by its relative path (None until stored).
        sha256: The manifest's own checksum (None until stored, and in ``triad-run/1``).
    """

    format: str
    scenario: dict[str, Any]
    scenario_name: str
    scenario_hash: str
    seed: int
    worlds: int
    months: int
    start: str
    versions: Mapping[str, str]
    git_commit: str | None
    git_modified: bool | None
    command: tuple[str, ...]
    started: str
    finished: str
    request: RunRequest | None = None
    executor: str | None = None
    layout: str | None = None
    stream_chunk_size: int | None = None
    files: Mapping[str, StoredFile] | None = None
    sha256: str | None = None

    @property
    def overrides(self) -> tuple[str, ...]:
        """The ``--set`` overrides the run was made with (none for a run stored by hand)."""
        return self.request.overrides if self.request is not None else ()

    def sealed(self, files: Mapping[str, StoredFile]) -> Manifest:
        """The manifest of a stored result: with its files and its own checksum."""
        listed = replace(self, files=files, sha256=None)
        return replace(listed, sha256=canonical_digest(listed.to_json()))

    def to_json(self) -> dict[str, Any]:
        """The manifest as stored: its keys in order, the absent ones left out."""
        data: dict[str, Any] = {
            "format": self.format,
            "scenario": self.scenario,
            "scenario_name": self.scenario_name,
            "scenario_hash": self.scenario_hash,
            "seed": self.seed,
            "worlds": self.worlds,
            "months": self.months,
            "start": self.start,
            "versions": dict(self.versions),
            "git_commit": self.git_commit,
            "git_modified": self.git_modified,
            "command": list(self.command),
            "started": self.started,
            "finished": self.finished,
            **(self.request.to_json() if self.request is not None else {}),
        }
        optional = {
            "executor": self.executor,
            "layout": self.layout,
            "stream_chunk_size": self.stream_chunk_size,
        }
        data |= {key: value for key, value in optional.items() if value is not None}
        if self.files is not None:
            data["files"] = {name: entry.to_json() for name, entry in self.files.items()}
        if self.sha256 is not None:
            data[SEAL] = self.sha256
        return data

    @classmethod
    def from_json(cls, data: object, where: str, *, stored: bool = True) -> Manifest:
        """Read a manifest written by :meth:`to_json`, checking every key's type.

        Args:
            data: The parsed JSON.
            where: What to name in a problem (``manifest.json``).
            stored: A stored result's manifest, which must list its files (False for a
                manifest in progress, as a streamed run's ``progress.json`` keeps it).

        Raises:
            StoreError: If it is not an object of a known format, lacks a key it needs,
                or holds a value of the wrong type, naming ``where`` and every such key.
        """
        if not isinstance(data, dict):
            raise StoreError(f"{where} is not an object")
        if data.get("format") not in FORMATS:
            found = data.get("format")
            shown = found if isinstance(found, str | int | float | None) else type(found).__name__
            raise StoreError(f"{where} is not a {FORMAT} manifest (format: {shown!r})")
        missing = [key for key in (*REQUIRED, *(["files"] if stored else [])) if key not in data]
        if missing:
            raise StoreError(f"{where} lacks {', '.join(missing)}")
        problems = [
            f"{where}: {key} is {_shown(data.get(key))}, expected {expected}"
            for key, (check, expected) in _CHECKS.items()
            if not check(data, key)
        ]
        if problems:
            raise StoreError("; ".join(problems))
        return cls._build(data)

    @classmethod
    def _build(cls, data: dict[str, Any]) -> Manifest:
        """The manifest of JSON whose types are checked (absent optional keys read empty)."""
        scenario: dict[str, Any] = data["scenario"]
        files: dict[str, dict[str, Any]] | None = data.get("files")
        return cls(
            format=data["format"],
            scenario=scenario,
            scenario_name=data.get("scenario_name", _text_or_empty(scenario.get("name"))),
            scenario_hash=data["scenario_hash"],
            seed=data["seed"],
            worlds=data["worlds"],
            months=data["months"],
            start=data.get("start", _text_or_empty(scenario.get("start"))),
            versions=dict(data.get("versions", {})),
            git_commit=data.get("git_commit"),
            git_modified=data.get("git_modified"),
            command=tuple(data.get("command", ())),
            started=data["started"],
            finished=data.get("finished", ""),
            request=_request(data),
            executor=data.get("executor"),
            layout=data.get("layout"),
            stream_chunk_size=data.get("stream_chunk_size"),
            files=None if files is None else _stored_files(files),
            sha256=data.get(SEAL),
        )


def _request(data: dict[str, Any]) -> RunRequest | None:
    """The run's request, if the manifest records one (``triad.run`` writes all four keys)."""
    if not any(key in data for key in ("chunk_size", "log_worlds", "source", "overrides")):
        return None
    return RunRequest(
        chunk_size=data.get("chunk_size"),
        log_worlds=data.get("log_worlds", 0),
        source=data.get("source"),
        overrides=tuple(data.get("overrides", ())),
    )


def _stored_files(files: dict[str, dict[str, Any]]) -> dict[str, StoredFile]:
    return {name: StoredFile(entry["bytes"], entry["sha256"]) for name, entry in files.items()}


def _text_or_empty(value: object) -> str:
    return value if isinstance(value, str) else ""


# --------------------------------------------------------------------------- checks
Check = Callable[[dict[str, Any], str], bool]
"""Whether the value of a key (absent or present) is acceptable."""


def _whole(low: int, *, optional: bool = False, null: bool = False) -> Check:
    def check(data: dict[str, Any], key: str) -> bool:
        if key not in data:
            return optional
        value = data[key]
        if value is None:
            return null
        return isinstance(value, int) and not isinstance(value, bool) and value >= low

    return check


def _of(kinds: type | tuple[type, ...], *, optional: bool = False, null: bool = False) -> Check:
    def check(data: dict[str, Any], key: str) -> bool:
        if key not in data:
            return optional
        value = data[key]
        return (null and value is None) or (value is not None and isinstance(value, kinds))

    return check


def _texts(*, optional: bool) -> Check:
    def check(data: dict[str, Any], key: str) -> bool:
        if key not in data:
            return optional
        value = data[key]
        return isinstance(value, list) and all(isinstance(item, str) for item in value)

    return check


def _hex64(data: dict[str, Any], key: str) -> bool:
    value = data.get(key)
    return isinstance(value, str) and bool(_HEX64.match(value))


def _versions(data: dict[str, Any], key: str) -> bool:
    if key not in data:
        return True
    value = data[key]
    return isinstance(value, dict) and all(isinstance(v, str) for v in value.values())


def _layout(data: dict[str, Any], key: str) -> bool:
    return data.get(key) in (None, LAYOUT_PARTITIONED)


def _files(data: dict[str, Any], key: str) -> bool:
    """An object of relative file name -> ``{"bytes": size, "sha256": digest}`` (or absent)."""
    if key not in data:
        return True
    files = data[key]
    if not isinstance(files, dict):
        return False
    for name, entry in files.items():
        parts = name.split("/")
        if not name or name.startswith("/") or any(p in ("", ".", "..") for p in parts):
            return False
        if not isinstance(entry, dict) or not _whole(0)(entry, "bytes"):
            return False
        if not _hex64(entry, "sha256"):
            return False
    return True


_CHECKS: Final[dict[str, tuple[Check, str]]] = {
    "worlds": (_whole(1), "a whole number >= 1"),
    "months": (_whole(1), "a whole number >= 1"),
    "seed": (_whole(0), "a whole number >= 0"),
    "scenario": (_of(dict), "an object"),
    "scenario_hash": (_hex64, "64 hexadecimal digits"),
    "scenario_name": (_of(str, optional=True), "text"),
    "started": (_of(str), "text"),
    "files": (_files, "an object of file name -> bytes, sha256"),
    "layout": (_layout, f"{LAYOUT_PARTITIONED!r}"),
    "start": (_of(str, optional=True), "text"),
    "versions": (_versions, "an object of name -> version text"),
    "git_commit": (_of(str, optional=True, null=True), "text or null"),
    "git_modified": (_of(bool, optional=True, null=True), "true, false or null"),
    "command": (_texts(optional=True), "a list of texts"),
    "finished": (_of(str, optional=True), "text"),
    "chunk_size": (_whole(1, optional=True, null=True), "a whole number >= 1 or null"),
    "log_worlds": (_whole(0, optional=True), "a whole number >= 0"),
    "source": (_of(str, optional=True, null=True), "text or null"),
    "overrides": (_texts(optional=True), "a list of texts"),
    "executor": (_of(str, optional=True), "text"),
    "stream_chunk_size": (_whole(1, optional=True), "a whole number >= 1"),
}
"""Each key's check and what it should be; the first nine in the order reading named them."""


def _shown(value: object) -> str:
    """A value as a problem shows it: its JSON, cut to 40 characters, or its type."""
    text = json.dumps(value, ensure_ascii=True) if _jsonable(value) else type(value).__name__
    return text if len(text) <= 40 else f"{text[:37]}..."


def _jsonable(value: object) -> bool:
    try:
        json.dumps(value)
    except (TypeError, ValueError, RecursionError):
        return False
    return True
