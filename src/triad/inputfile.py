"""Reading files that may come from someone else: regular files only, size caps, safe JSON.

A scenario, a targets file, a moves file or a saved game may be handed over by anyone.
Reading one must end quickly and never run code, whatever it holds:

* only regular files are read: a FIFO, ``/dev/zero``, ``/dev/urandom`` or a folder is
  refused before a byte is read (the file is opened without blocking and checked with
  ``fstat`` on the open descriptor, so a name swapped for a FIFO in between is caught);
* at most ``limit`` bytes are read, whatever the file's size claims;
* JSON is parsed with caps on nesting, on the digits of a number, and without NaN or
  infinity.

Failures are :class:`UnreadableError` with the reason in plain words (a verb phrase from
:func:`read_capped`, "is not a regular file"; a noun phrase from :func:`parse_json`, "not
JSON: ..."); each caller turns them into its own :class:`~triad.errors.TriadError`,
naming the file as its messages do.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any, Final

__all__ = ["MAX_JSON_DIGITS", "UnreadableError", "parse_json", "read_capped"]

MAX_JSON_DIGITS: Final = 40
"""Longest number a JSON input may hold, in characters (a 64-bit seed has 20)."""


class UnreadableError(Exception):
    """A file or text that is refused as input.

    Attributes:
        reason: What is wrong, in words that follow the file's name.
    """

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


def read_capped(path: Path, limit: int) -> bytes:
    """Read a regular file of at most ``limit`` bytes.

    Args:
        path: The file.
        limit: Most bytes accepted.

    Returns:
        The file's bytes.

    Raises:
        UnreadableError: If the file is missing, not a regular file, unreadable or too large.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        descriptor = os.open(path, flags)
    except OSError as error:
        raise UnreadableError(f"cannot be read: {error.strerror or error}") from None
    with os.fdopen(descriptor, "rb") as stream:
        try:
            mode = os.fstat(descriptor).st_mode
            if not stat.S_ISREG(mode):
                raise UnreadableError(f"is not a regular file (it is {_kind(mode)})")
            raw = stream.read(limit + 1)
        except OSError as error:
            raise UnreadableError(f"cannot be read: {error.strerror or error}") from None
    if len(raw) > limit:
        raise UnreadableError(f"is larger than {_size(limit)}; refusing to read it")
    return raw


def parse_json(text: str) -> Any:
    """Parse JSON text with caps on nesting and number length; NaN and infinity refused.

    Args:
        text: The JSON text.

    Returns:
        The parsed value.

    Raises:
        UnreadableError: If the text is not JSON or breaks a cap.
    """
    try:
        return json.loads(text, parse_int=_integer, parse_float=_float, parse_constant=_constant)
    except RecursionError:
        raise UnreadableError("JSON nested too deeply") from None
    except json.JSONDecodeError as error:
        raise UnreadableError(f"not JSON: {error.msg} at line {error.lineno}") from None
    except UnreadableError:
        raise
    except ValueError as error:  # a number Python refuses to convert
        raise UnreadableError(f"not usable JSON: {error}") from None


def _integer(text: str) -> int:
    if len(text) > MAX_JSON_DIGITS:
        raise UnreadableError(f"a number of {len(text)} digits")
    return int(text)


def _float(text: str) -> float:
    if len(text) > MAX_JSON_DIGITS:
        raise UnreadableError(f"a number of {len(text)} characters")
    return float(text)


def _constant(text: str) -> float:
    raise UnreadableError(f"{text}, not a number triad accepts")


def _kind(mode: int) -> str:
    kinds = (
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a named pipe"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    )
    return next((name for test, name in kinds if test(mode)), "not a plain file")


def _size(limit: int) -> str:
    if limit >= 1 << 20 and limit % (1 << 20) == 0:
        return f"{limit >> 20} MiB"
    return f"{limit} bytes"
