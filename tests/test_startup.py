"""The command line starts without the heavy libraries: help, the catalogue and validate.

Each case runs in a fresh interpreter (``python -c``) that calls the typer app in-process,
as the ``triad`` script does, and then prints the modules it imported from a watched set of
packages. Which modules load is what decides the start-up time a user feels; no test here
times anything (``benchmarks/latency.py`` measures it).
"""

from __future__ import annotations

import ast
import dataclasses
import os
import subprocess
import sys
from pathlib import Path

import pytest

import triad
from triad.cli import calibrate as calibrate_cli
from triad.cli import explain as explain_cli
from triad.cli import exploit as exploit_cli
from triad.cli import narrate as narrate_cli
from triad.cli import play as play_cli
from triad.cli import sensitivity as sensitivity_cli
from triad.cli.app import app
from triad.reports.rendering import WORKER_ENV
from triad.scenario.loader import bundled_dir

HEAVY = frozenset(
    {
        "mesa",
        "pandas",
        "optuna",
        "SALib",
        "matplotlib",
        "dask",
        "distributed",
        "pyarrow",
        "scipy",
        "networkx",
    }
)
"""What runs, stores, analyses and draws need; listing or checking scenarios should not."""
SCENARIO_LIBRARIES = frozenset({"numpy", "yaml"})
"""What reading a scenario file needs besides pydantic; printing help does not (pydantic is
typer's own: it parses a command's arguments with it)."""

BASELINE = bundled_dir() / "baseline.yaml"
COMMANDS = [command.name for command in app.registered_commands if command.name]

CALL_THE_APP = """\
from triad.cli.app import app
code = 0
try:
    app(args={args!r}, prog_name="triad")
except SystemExit as stop:
    code = stop.code
"""
REPORT = """
print(sorted(m for m in sys.modules if m.split(".")[0] in {watched!r}))
sys.exit(code)
"""


def python(
    body: str, watched: frozenset[str], env: dict[str, str] | None = None
) -> tuple[int, str, list[str]]:
    """Run ``body`` (which sets ``code``) in a fresh interpreter, as ``python -c``.

    Args:
        body: The code.
        watched: The packages whose loaded modules are reported.
        env: The interpreter's environment (default: this one's).

    Returns:
        The exit code, the output before the report, and the watched modules loaded.
    """
    script = "import sys\n" + body + REPORT.format(watched=set(watched))
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False, env=env
    )
    *output, last = done.stdout.splitlines() or [""]
    assert last.startswith("["), done.stdout + done.stderr
    return done.returncode, "\n".join(output), ast.literal_eval(last)


def start(
    args: list[str], watched: frozenset[str], env: dict[str, str] | None = None
) -> tuple[int, str, list[str]]:
    """Run ``triad ARGS`` in a fresh interpreter: exit code, output, watched modules loaded."""
    return python(CALL_THE_APP.format(args=args), watched, env)


def test_the_commands_are_found() -> None:
    assert {"validate", "scenarios", "run", "compare", "play"} <= set(COMMANDS)


def test_help_loads_no_model_chart_or_scenario_library() -> None:
    code, output, loaded = start(["--help"], HEAVY | SCENARIO_LIBRARIES)
    assert code == 0
    assert "Usage: triad" in output and "validate" in output
    assert loaded == []


@pytest.mark.parametrize("command", COMMANDS)
def test_a_commands_help_loads_no_model_chart_or_scenario_library(command: str) -> None:
    code, output, loaded = start([command, "--help"], HEAVY | SCENARIO_LIBRARIES)
    assert code == 0
    assert f"Usage: triad {command}" in output
    assert loaded == []


def test_listing_the_scenarios_loads_no_model_or_chart_library() -> None:
    code, output, loaded = start(["scenarios"], HEAVY)
    assert code == 0
    assert "baseline" in output
    assert loaded == []


@pytest.mark.parametrize("scenario", ["baseline", str(BASELINE)])
def test_validate_loads_no_model_chart_or_experiment_library(scenario: str) -> None:
    code, output, loaded = start(["validate", scenario, "--strict"], HEAVY)
    assert (code, output) == (0, f"ok  {scenario} (5 warnings)")
    assert loaded == []


def test_import_triad_loads_no_heavy_library() -> None:
    assert python("import triad\ncode = 0\n", HEAVY | SCENARIO_LIBRARIES) == (0, "", [])


def test_checking_a_chart_set_loads_no_heavy_library() -> None:
    """A command counts its charts (to start the chart worker) before it imports the model."""
    body = "from triad.reports.chart_sets import run_charts\ncode = len(run_charts('all'))\n"
    code, _, loaded = python(body, HEAVY)
    assert (code, loaded) == (13, [])


def test_every_public_name_is_there_on_first_use() -> None:
    for name in triad.__all__:
        value = getattr(triad, name)
        assert name == "__version__" or value.__name__ == name
    assert set(triad.__all__) <= set(dir(triad))
    with pytest.raises(AttributeError, match="no attribute 'simulat'"):
        triad.simulat  # noqa: B018


def test_the_defaults_help_shows_are_the_librarys() -> None:
    from triad.experiments import calibrate, explain, sensitivity
    from triad.game import exploit, levers, play
    from triad.narrate import DEFAULT_METRIC

    assert calibrate_cli.DEFAULT_TRIALS == calibrate.DEFAULT_TRIALS
    assert explain_cli.EXACT_LIMIT == explain.EXACT_LIMIT
    assert explain_cli.DEFAULT_PERMUTATIONS == explain.DEFAULT_PERMUTATIONS
    assert sensitivity_cli.DEFAULT_N == sensitivity.DEFAULT_N
    assert narrate_cli.DEFAULT_METRIC == DEFAULT_METRIC
    assert play_cli.SEATS == levers.SEATS
    assert play_cli.ENSEMBLE_WORLDS == play.ENSEMBLE_WORLDS
    assert exploit_cli.ENGINES == exploit.ENGINES
    assert exploit_cli.TABLE_ROWS == exploit.TABLE_ROWS
    library = dataclasses.asdict(exploit.SearchOptions())
    shown = {k: v for k, v in vars(exploit_cli.DEFAULTS).items() if not k.startswith("_")}
    assert shown == {k: library[k] for k in shown}


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="a chart worker needs a second core")
def test_run_leaves_its_overview_to_the_chart_worker_and_never_imports_matplotlib(
    tmp_path: Path,
) -> None:
    """The one chart of ``triad run`` is drawn beside it: matplotlib loads there, not here."""
    env = {k: v for k, v in os.environ.items() if k != WORKER_ENV}
    args = ["run", "baseline", "--worlds", "6", "--months", "4", "--out", str(tmp_path / "r")]
    code, output, loaded = start(args, frozenset({"matplotlib"}), env)
    assert code == 0, output
    assert (tmp_path / "r" / "charts" / "overview.png").stat().st_size > 10_000
    assert loaded == []
    code, output, loaded = start(["show", str(tmp_path / "r"), "--redraw"], HEAVY, env)
    assert code == 0, output
    assert "1 drawn, 0 stored ones reused" in output
    assert "matplotlib" not in loaded and "pandas" in loaded
