"""Which files a scenario from someone else may make triad read.

A scenario names other files: ``extends:`` names its parent, and a saved game names its
scenario. Followed blindly, a file handed over by someone else could make triad read
``/etc/shadow`` or ``~/.ssh/id_rsa`` and print its lines back in error messages. So a
file named *by another file* must lie inside one of the **allowed folders**:

* the folder of the file that names it, and everything below it (for ``extends``: the
  folder of the scenario that was asked for, so a chain never climbs out of it);
* the current folder and everything below it (where ``triad calibrate`` writes an overlay
  that extends the scenario it tuned, ``out/calibrated.yaml`` -> ``../scenarios/x.yaml``);
* the bundled scenarios;
* the folders listed in the environment variable ``TRIAD_SCENARIO_PATH`` (separated by
  ``:``, or ``;`` on Windows): the explicit opt-in for a shared library of scenarios.

The check runs twice: on the path as written (``..`` folded, before the file is touched,
so a refused path does not reveal whether the file exists) and on the real path after
symbolic links are followed (a link inside an allowed folder to a file outside it is
refused too). A file named on the command line is the user's own choice and is not
confined.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Final

__all__ = ["ENV_VAR", "allowed_folders", "inside", "refusal"]

ENV_VAR: Final = "TRIAD_SCENARIO_PATH"


def allowed_folders(base: Path, bundled: Path) -> list[Path]:
    """The folders a file named by another file may lie in.

    Args:
        base: The folder of the file that names it (or of the scenario asked for).
        bundled: The folder of the bundled scenarios.

    Returns:
        Absolute, resolved folders: ``base``, the current folder, ``bundled`` and those of
        :data:`ENV_VAR`.
    """
    extra = [Path(part) for part in os.environ.get(ENV_VAR, "").split(os.pathsep) if part]
    return [folder.resolve() for folder in (base, Path.cwd(), bundled, *extra)]


def inside(path: Path, folders: list[Path]) -> bool:
    """Whether ``path`` lies in one of ``folders``, both as written and as it really is.

    Args:
        path: An absolute path (it need not exist).
        folders: Resolved folders, from :func:`allowed_folders`.

    Returns:
        True if the path, with ``..`` folded and with links followed, is inside a folder.
    """
    written = Path(os.path.normpath(path))
    if not any(written.is_relative_to(folder) for folder in folders):
        return False
    real = path.resolve()
    return any(real.is_relative_to(folder) for folder in folders)


def refusal(ref: str, what: str) -> tuple[str, str]:
    """The message and hint for a file outside the allowed folders.

    Args:
        ref: The file as written.
        what: What names it (``extends``, ``the saved game's scenario``).

    Returns:
        ``(message, hint)``; neither says whether the file exists.
    """
    message = (
        f"{what} {ref!r} lies outside the scenario's folder, the current folder and the "
        "bundled scenarios; triad does not follow it"
    )
    hint = f"copy the file next to the scenario, or list its folder in {ENV_VAR}"
    return message, hint
