"""Pieces the pages share: the scenario picker with upload, problem lists, tables, figures."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import pandas as pd
import solara

from triad.errors import Problem, TriadError
from triad.scenario.loader import bundled_names, load_scenario
from triad.scenario.schema import Scenario
from triad.web.config import config
from triad.web.tables import markdown_table
from triad.web.uploads import Upload, check_upload

session_folder = solara.reactive("")
"""This browser session's upload folder name (a random token; each tab is its own session)."""
uploads = solara.reactive(dict[str, Upload]())
"""Scenarios uploaded in this session, by the name shown in pickers."""


def upload_folder() -> Path:
    """This session's own upload folder (made on first use)."""
    if not session_folder.value:
        session_folder.set(secrets.token_hex(8))
    return config().uploads / session_folder.value


def scenario_choices() -> list[str]:
    """Bundled names, then this session's uploads."""
    return [*bundled_names(), *uploads.value]


def resolve(name: str) -> Scenario:
    """A bundled scenario or an upload of this session, by its name in the picker."""
    if name in uploads.value and uploads.value[name].scenario is not None:
        found = uploads.value[name].scenario
        assert found is not None
        return found
    return load_scenario(name)


@solara.component
def ScenarioUpload(on_loaded: Callable[[str], None] | None = None) -> None:
    """A drop zone for a scenario file; problems are shown beside their lines."""
    last = solara.use_reactive(None)

    def received(files: Any) -> None:
        if not files:
            return
        file = files[0]
        upload = check_upload(file["name"], bytes(file["content"]), upload_folder())
        last.set(upload)
        if upload.ok:
            uploads.set({**uploads.value, f"upload: {upload.name}": upload})
            if on_loaded is not None:
                on_loaded(f"upload: {upload.name}")

    solara.Text("Or upload a scenario file (.yaml); it may extend a bundled scenario:")
    widgets.FileUpload.element(accept=".yaml,.yml", multiple=False, on_value=received)
    if last.value is not None:
        UploadReport(last.value)


@solara.component
def UploadReport(upload: Upload) -> None:
    """The uploaded file's lines with each problem right under its line."""
    if upload.ok and not upload.problems:
        solara.Success(f"{upload.name}: loaded, no problems")
        return
    if upload.ok:
        solara.Warning(f"{upload.name}: loaded with {len(upload.problems)} warning(s)")
    else:
        solara.Error(f"{upload.name}: refused; {len(upload.problems)} problem(s)")
    by_line = upload.lines_with_problems()
    for problem in by_line.get(0, []):
        ProblemLine(problem)
    with solara.Column(classes=["triad-upload-lines"], gap="0px"):
        for number, text in enumerate(upload.text.splitlines(), 1):
            solara.Text(
                f"{number:>4}  {text}", style={"font-family": "monospace", "white-space": "pre"}
            )
            for problem in by_line.get(number, []):
                ProblemLine(problem)


@solara.component
def ProblemLine(problem: Problem) -> None:
    """One problem: where, what, and how to fix it."""
    where = f"line {problem.line}: " if problem.line else ""
    field = f"{problem.path}: " if problem.path else ""
    hint = f" ({problem.hint})" if problem.hint else ""
    text = f"{problem.severity} at {where}{field}{problem.message}{hint}"
    style = {
        "color": "#b00020" if problem.is_error else "#8a6d00",
        "font-family": "monospace",
        "white-space": "pre-wrap",
        "padding-left": "3em",
    }
    solara.Text(text, classes=["triad-problem"], style=style)


@solara.component
def Table(frame: pd.DataFrame, classes: list[str] | None = None) -> None:
    """A small frame as a Markdown table (every row shown, numbers formatted)."""
    with solara.Column(classes=classes or []):
        solara.Markdown(markdown_table(frame))


@solara.component
def ErrorBox(error: BaseException | None) -> None:
    """A failed task's error, as a message (a TriadError) or its type and text."""
    if error is None:
        return
    if isinstance(error, TriadError):
        solara.Error(str(error), classes=["triad-error"])
    else:
        solara.Error(f"{type(error).__name__}: {error}", classes=["triad-error"])


def stop_task(task: Any) -> None:
    """Cancel a task if it is running (Solara refuses to cancel one never started)."""
    if task.pending:
        task.cancel()
