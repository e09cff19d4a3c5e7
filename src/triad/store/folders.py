"""Output folders written whole or not at all, never over existing work.

Every command that writes a folder (a report, a calibration, a sensitivity analysis...)
checks the folder first with :func:`check_new_folder` and writes through
:func:`atomic_folder`: everything goes into a hidden temporary sibling that is renamed into
place at the end, so an interrupted command never leaves a folder that looks complete, and
an existing non-empty folder is never written into. The results store adds fsync, signal
handling and resumable runs on top of the same rule (see :mod:`triad.store.run_folder`).
"""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Final

from triad.errors import StoreError

__all__ = ["atomic_folder", "check_new_folder", "signals_raise_exit"]

_CLEANUP_SIGNALS: Final = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)
)


def check_new_folder(out: Path) -> Path:
    """Check that ``out`` can receive new output: it must not exist, or be an empty folder.

    Returns:
        ``out`` as an absolute path.

    Raises:
        StoreError: If ``out`` is a file, a link, or a folder that is not empty.
    """
    try:
        target = Path(os.path.abspath(out))
        if target.is_symlink() or (target.exists() and not target.is_dir()):
            raise StoreError(
                f"{out} exists and is not a folder; give a folder that does not exist yet"
            )
        taken = target.is_dir() and any(target.iterdir())
    except OSError as error:
        raise StoreError(f"cannot use {out} as a folder: {error.strerror or error}") from None
    except (TypeError, ValueError) as error:  # not a path, or a NUL byte in it
        raise StoreError(f"cannot use {out!r} as a folder: {error}") from None
    if taken:
        raise StoreError(
            f"{out} already exists and is not empty; nothing was overwritten "
            "(choose another folder, or remove that one)"
        )
    return target


@contextmanager
def atomic_folder(out: Path) -> Iterator[Path]:
    """Write a new folder whole or not at all.

    Yields a hidden temporary sibling of ``out`` to write into; on success it is renamed to
    ``out``, on any failure (an exception, Ctrl-C, SIGTERM or SIGHUP) it is removed and
    ``out`` is untouched.

    Raises:
        StoreError: If ``out`` is not a new or empty folder, or cannot be written.
    """
    target = check_new_folder(out)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        hidden = f".{target.name}."
        partial = Path(tempfile.mkdtemp(prefix=hidden, suffix=".partial", dir=target.parent))
    except OSError as error:
        raise StoreError(f"cannot write to {out}: {error.strerror or error}") from None
    try:
        with signals_raise_exit():
            yield partial
        check_new_folder(target)
        if target.is_dir():
            target.rmdir()
        partial.rename(target)
    except OSError as error:
        shutil.rmtree(partial, ignore_errors=True)
        raise StoreError(f"cannot write to {out}: {error.strerror or error}") from None
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise


@contextmanager
def signals_raise_exit() -> Iterator[None]:
    """While writing, turn SIGTERM and SIGHUP into ``SystemExit`` so that cleanup runs.

    Only in the main thread and only where the signal has its default action (which
    would kill the process without running ``finally`` blocks); SIGINT already raises
    ``KeyboardInterrupt``.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {s: signal.getsignal(s) for s in _CLEANUP_SIGNALS}
    for sig, handler in previous.items():
        if handler is signal.SIG_DFL:
            signal.signal(sig, _exit_on_signal)
    try:
        yield
    finally:
        for sig, handler in previous.items():
            if handler is signal.SIG_DFL:
                signal.signal(sig, handler)


def _exit_on_signal(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)
