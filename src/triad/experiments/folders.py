"""Output folders written whole or not at all, never over existing work.

Every command that writes a folder (a report, a calibration, a sensitivity analysis...)
checks the folder first with :func:`check_new_folder` and writes through
:func:`atomic_folder`: everything goes into a hidden temporary sibling that is renamed into
place at the end, so an interrupted command never leaves a folder that looks complete, and
an existing non-empty folder is never written into. The results store adds fsync, signal
handling and resumable runs on top of the same rule (see :mod:`triad.experiments.store`).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from triad.errors import StoreError


def check_new_folder(out: Path) -> Path:
    """Check that ``out`` can receive new output: it must not exist, or be an empty folder.

    Returns:
        ``out`` as an absolute path.

    Raises:
        StoreError: If ``out`` is a file, a link, or a folder that is not empty.
    """
    target = Path(os.path.abspath(out))
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise StoreError(f"{out} exists and is not a folder; give a folder that does not exist yet")
    if target.is_dir() and any(target.iterdir()):
        raise StoreError(
            f"{out} already exists and is not empty; nothing was overwritten "
            "(choose another folder, or remove that one)"
        )
    return target


@contextmanager
def atomic_folder(out: Path) -> Iterator[Path]:
    """Write a new folder whole or not at all.

    Yields a hidden temporary sibling of ``out`` to write into; on success it is renamed to
    ``out``, on any failure (an exception, Ctrl-C) it is removed and ``out`` is untouched.

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
