"""A lock on a folder being written, held by a live process and released when it dies.

A streamed run's partial folder holds a lock file, ``.lock``, with the writer's process id.
The writer holds an exclusive ``fcntl.flock`` on it for as long as it works on the folder;
the kernel releases it when the process ends in any way (even SIGKILL or a crash), so a
lock can never go stale. :func:`holder` tells whether a live process holds it (and which),
without waiting. Where ``fcntl`` is missing (Windows), the lock file is created with
``O_EXCL`` and a holder is live while its process id runs.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Final

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

__all__ = ["LOCK", "FolderLock", "LockedError", "holder"]

LOCK: Final = ".lock"
"""The lock file inside a locked folder."""


class LockedError(Exception):
    """Another live process holds the folder's lock.

    Attributes:
        pid: Its process id (0 if unknown).
    """

    def __init__(self, pid: int) -> None:
        super().__init__(f"locked by process {pid}")
        self.pid = pid


class FolderLock:
    """An exclusive lock on a folder, held until :meth:`release` or the process ends.

    Args:
        folder: The folder to lock (its lock file is ``folder/.lock``).

    Raises:
        LockedError: If a live process holds it already.
        OSError: If the lock file cannot be created.
    """

    def __init__(self, folder: Path) -> None:
        self.path = folder / LOCK
        self._fd: int | None = None
        if fcntl is None:  # pragma: no cover - Windows
            self._fd = self._exclusive()
            return
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise LockedError(_read_pid(self.path)) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd

    def _exclusive(self) -> int:  # pragma: no cover - Windows
        pid = _read_pid(self.path)
        if pid and _alive(pid):
            raise LockedError(pid)
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            raise LockedError(_read_pid(self.path)) from None
        os.write(fd, f"{os.getpid()}\n".encode())
        return fd

    def release(self) -> None:
        """Release the lock (the lock file stays; it is harmless once unlocked)."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def holder(folder: Path) -> int | None:
    """The process id of the live process holding ``folder``'s lock, or None if none does.

    A lock held by a process whose id is unknown gives 0.
    """
    path = folder / LOCK
    if not path.is_file():
        return None
    if fcntl is None:  # pragma: no cover - Windows
        pid = _read_pid(path)
        return pid if pid and _alive(pid) else None
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return _read_pid(path)
    finally:
        os.close(fd)
    return None


def _read_pid(path: Path) -> int:
    try:
        text = path.read_text(encoding="ascii", errors="replace")[:20].strip()
    except OSError:
        return 0
    return int(text) if text.isascii() and text.isdigit() else 0


def _alive(pid: int) -> bool:  # pragma: no cover - Windows
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
