"""A scenario file uploaded in the browser: capped, confined and validated like ``triad validate``.

An upload is someone else's file arriving at the server, so it is read with three limits
beyond ``triad validate``'s checks:

* it is at most :data:`MAX_UPLOAD_BYTES` long and must be UTF-8 text;
* it may extend only a bundled scenario (``extends: baseline``), never a path: a file
  named by an upload could otherwise be any file the server can read, and its lines would
  come back in error messages;
* it is written under a fresh name inside the session's own folder, whatever name the
  browser gave it, so an upload can never overwrite or read another file.

Every problem comes back as structured :class:`~triad.errors.Problem` rows, with the
uploaded file's own name and line, for the page to show beside the line.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Final

import yaml

from triad.errors import Problem
from triad.scenario.loader import bundled_names
from triad.scenario.schema import Scenario

MAX_UPLOAD_BYTES: Final = 256 * 1024
"""Largest scenario file accepted [bytes]; the bundled baseline is about 30 KiB."""
_SAFE_NAME: Final = re.compile(r"[^A-Za-z0-9_-]+")


@dataclass(frozen=True)
class Upload:
    """An uploaded scenario file after its checks.

    Attributes:
        name: The file name the browser gave, shown in messages.
        text: Its text ("" if it was refused before decoding).
        path: Where it was stored in the session's folder, or None if refused before.
        problems: Every error and warning, each with the uploaded file's line.
        scenario: The loaded scenario, or None if an error stops it.
    """

    name: str
    text: str
    path: Path | None
    problems: list[Problem] = field(default_factory=list)
    scenario: Scenario | None = None

    @property
    def ok(self) -> bool:
        """Whether it loaded (warnings allowed)."""
        return self.scenario is not None

    def lines_with_problems(self) -> dict[int, list[Problem]]:
        """Problems by line of the uploaded file (line 0: not tied to a line)."""
        found: dict[int, list[Problem]] = {}
        for problem in self.problems:
            found.setdefault(problem.line, []).append(problem)
        return found


def check_upload(name: str, data: bytes, folder: Path) -> Upload:
    """Check, store and validate an uploaded scenario file.

    Args:
        name: The file name the browser sent (used only in messages).
        data: The file's bytes.
        folder: The session's own folder, where the file is stored under a fresh name.

    Returns:
        The upload with its problems and, if no error, the loaded scenario.
    """
    shown = Path(name).name or "upload.yaml"
    if len(data) > MAX_UPLOAD_BYTES:
        return _refused(
            shown, "", f"the file is {len(data):,} bytes; at most {MAX_UPLOAD_BYTES:,} are accepted"
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        return _refused(shown, "", f"not UTF-8 text (byte {error.start})")
    refusal = _extends_problem(shown, text)
    if refusal is not None:
        return Upload(shown, text, None, [refusal])
    path = _store(folder, shown, data)
    return _validated(shown, text, path)


def _refused(name: str, text: str, message: str) -> Upload:
    return Upload(name, text, None, [Problem(name, 0, 0, "", message)])


def _extends_problem(name: str, text: str) -> Problem | None:
    """A problem if the file extends anything but a bundled scenario."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return None  # validation reports the syntax error at its line; nothing is followed
    parent = data.get("extends") if isinstance(data, dict) else None
    if parent is None or (
        isinstance(parent, str) and parent.removesuffix(".yaml") in bundled_names()
    ):
        return None
    line = next((i for i, row in enumerate(text.splitlines(), 1) if row.startswith("extends")), 0)
    return Problem(
        name,
        line,
        1,
        "extends",
        f"an uploaded scenario may extend only a bundled scenario, not {parent!r}",
        f"choose one of: {', '.join(bundled_names())}",
    )


def _store(folder: Path, name: str, data: bytes) -> Path:
    """Write the bytes under a fresh name in the folder (never over an existing file)."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = _SAFE_NAME.sub("_", Path(name).stem)[:48] or "upload"
    path = folder / f"{stem}-{secrets.token_hex(4)}.yaml"
    with path.open("xb") as stream:
        stream.write(data)
    return path


def _validated(name: str, text: str, path: Path) -> Upload:
    """Validate the stored file; problems name the uploaded file, not the stored one."""
    from triad.scenario.loader import load_scenario
    from triad.validate import validate_scenario

    found = [_renamed(p, path, name) for p in validate_scenario(path)]
    if any(p.is_error for p in found):
        return Upload(name, text, path, found)
    return Upload(name, text, path, found, load_scenario(path))


def _renamed(problem: Problem, path: Path, name: str) -> Problem:
    if Path(problem.file).name == path.name:
        return replace(problem, file=name)
    return problem
