"""Checksums and bounded reads for the files of the results store.

Every file a result folder lists in its manifest carries a SHA-256. :func:`file_digest`
computes it, once per process per file version (the cache is keyed by device, inode, size
and modification time, so a file changed in place is hashed again). The small JSON files
of the store (``manifest.json``, ``progress.json``, a streamed part's record) are
*sealed*: :func:`seal` adds the SHA-256 of the document's canonical form under a key, and
:func:`read_sealed` checks that the file is exactly the text :func:`dump_json` writes for
it and that the seal matches, so that any changed byte, even in whitespace or in the seal
itself, is found. Checksums find damage (a flipped bit, a truncated copy, a part from
another run); they are not signatures, and someone who rewrites a file and its checksums
on purpose is not detected.

:func:`read_json` reads a JSON file from a regular file only, at most a given number of
bytes, and turns nesting too deep for the parser into a problem, so a hostile or damaged file
(a FIFO, ``/dev/zero``, 100,000 nested brackets, a 200 MB manifest) gives a clear problem
instead of a hang, a traceback or exhausted memory.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path
from typing import Any, Final

from triad.inputfile import UnreadableError, parse_json

__all__ = [
    "DamagedFile",
    "canonical_digest",
    "dump_json",
    "file_digest",
    "forget_digests",
    "read_json",
    "read_sealed",
    "remember_digest",
    "seal",
]

_BLOCK: Final = 1 << 20
_digests: dict[tuple[int, int, int, int], str] = {}


class DamagedFile(Exception):  # noqa: N818 - a finding, raised and caught inside the store
    """A store file that cannot be trusted; the message says why (without the path)."""


def _key(info: os.stat_result) -> tuple[int, int, int, int]:
    return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns)


def file_digest(path: Path) -> str:
    """The SHA-256 of a file's bytes (hex), computed once per process per file version.

    Raises:
        OSError: If the file cannot be read.
    """
    with path.open("rb") as stream:
        key = _key(os.fstat(stream.fileno()))
        known = _digests.get(key)
        if known is not None:
            return known
        digest = hashlib.sha256()
        for block in iter(lambda: stream.read(_BLOCK), b""):
            digest.update(block)
    _digests[key] = digest.hexdigest()
    return _digests[key]


def forget_digests() -> None:
    """Forget every digest computed so far (as a new process would start)."""
    _digests.clear()


def remember_digest(path: Path, digest: str) -> None:
    """Record the digest of a file this process has just written and hashed itself."""
    _digests[_key(path.stat())] = digest


def dump_json(data: Any) -> str:
    """The text the store writes for a JSON document: 2-space indent, ASCII, newline-ended."""
    return json.dumps(data, indent=2, allow_nan=False) + "\n"


def canonical_digest(data: Any) -> str:
    """SHA-256 of a document's canonical JSON (sorted keys, no spaces)."""
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return hashlib.sha256(text.encode()).hexdigest()


def seal(data: dict[str, Any], key: str) -> dict[str, Any]:
    """The document with ``key`` set to the digest of everything else in it."""
    rest = {k: v for k, v in data.items() if k != key}
    return {**rest, key: canonical_digest(rest)}


def read_json(path: Path, max_bytes: int) -> tuple[Any, str]:
    """Read a JSON document from a regular file of at most ``max_bytes`` bytes.

    Returns:
        The document and its text.

    The JSON is parsed with the caps of :func:`triad.inputfile.parse_json`: nesting the
    parser can follow, numbers of at most 40 characters, no NaN or infinity.

    Raises:
        DamagedFile: If the file is not a regular file, is too large, is not UTF-8 JSON,
            nests too deep, or holds a number too long or not finite.
        OSError: If it cannot be opened or read.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as stream:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise DamagedFile("it is not a regular file")
        raw = stream.read(max_bytes + 1)
    if len(raw) > max_bytes:
        raise DamagedFile(f"it is larger than {max_bytes:,} bytes")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise DamagedFile(f"it is not UTF-8 text ({error.reason} at byte {error.start})") from None
    try:
        return parse_json(text), text
    except UnreadableError as error:
        raise DamagedFile(f"it is not valid JSON ({error.reason})") from None


def read_sealed(path: Path, key: str, max_bytes: int, *, required: bool) -> dict[str, Any]:
    """Read a JSON object written as ``dump_json(seal(data, key))`` and check its seal.

    Args:
        path: The file.
        key: The key holding the seal.
        max_bytes: Most bytes read.
        required: Whether a document without the seal is damaged (else it is accepted
            as written by an older version, unchecked).

    Returns:
        The document, seal included.

    Raises:
        DamagedFile: If it is unreadable, not an object, or its text or seal does not match.
        OSError: If it cannot be opened or read.
    """
    data, text = read_json(path, max_bytes)
    if not isinstance(data, dict):
        raise DamagedFile(f"it holds a JSON {type(data).__name__}, not an object")
    if key not in data:
        if required:
            raise DamagedFile(f"it has no checksum ({key})")
        return data
    try:
        exact = dump_json(data) == text
    except ValueError:  # a non-finite number, which dump_json refuses
        exact = False
    if not exact or seal(data, key)[key] != data[key]:
        raise DamagedFile("its checksum does not match its content (the file was changed)")
    return data
