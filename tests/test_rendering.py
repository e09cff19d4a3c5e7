"""Charts drawn two at a time: the same files, every chart drawn once, errors not lost."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from pathlib import Path

import pytest
from matplotlib.figure import Figure
from typer.testing import CliRunner

import triad
from triad.cli.app import app
from triad.reports import rendering
from triad.reports.comparison import write
from triad.reports.rendering import WORKER_ENV, ChartJob, ChartWorker, Drawing, closing, render
from triad.reports.run import draw_charts


@pytest.fixture(scope="module")
def worker() -> Iterator[ChartWorker]:
    with closing(ChartWorker()) as started:
        assert started is not None
        yield started


def small_chart(text: str) -> Figure:
    """A figure with one line of text: quick to draw, different for each text."""
    figure = Figure(figsize=(2, 1))
    figure.text(0.1, 0.5, text)
    return figure


def failing_chart() -> Figure:
    raise ValueError("this chart cannot be drawn")


def chart_that_kills_its_worker() -> Figure:
    """Ends the worker process abruptly; drawn in the main process, a plain chart."""
    if multiprocessing.parent_process() is not None:
        os._exit(3)
    return small_chart("drawn here")


def files(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.rglob("*.png"))}


def test_a_comparison_drawn_with_a_worker_has_the_same_chart_files(
    tmp_path: Path, worker: ChartWorker
) -> None:
    comparison = triad.compare(["baseline", "ceasefire_2025"], options=triad.RunOptions(worlds=30))
    write(comparison, tmp_path / "here", "key")
    write(comparison, tmp_path / "both", "key", worker=worker)
    here, both = files(tmp_path / "here"), files(tmp_path / "both")
    assert sorted(here) == ["differences.png", "differences_over_time.png", "overview.png"]
    assert here == both


def test_a_runs_overview_and_fan_charts_drawn_with_a_worker_are_the_same_files(
    tmp_path: Path, worker: ChartWorker
) -> None:
    result = triad.run("baseline", worlds=30)
    names = ["overview", "containers", "dprk_regime_security", "china_resentment"]
    drawn = draw_charts(result, tmp_path / "both", names, worker=worker)
    draw_charts(result, tmp_path / "here", names)
    assert drawn == [tmp_path / "both" / f"{m}.png" for m in names]
    assert files(tmp_path / "both") == files(tmp_path / "here")
    assert len(files(tmp_path / "here")) == 4


def test_every_chart_is_drawn_once_and_the_progress_reaches_the_end(
    tmp_path: Path, worker: ChartWorker
) -> None:
    jobs = [ChartJob(tmp_path / f"c{i}.png", partial(small_chart, f"chart {i}")) for i in range(8)]
    seen: list[tuple[int, int]] = []
    written = render(jobs, worker, lambda done, total: seen.append((done, total)))
    assert written == [job.path for job in jobs]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"c{i}.png" for i in range(8))
    assert seen[0] == (0, 8) and seen[-1] == (8, 8)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)
    assert all(total == 8 for _, total in seen)


@pytest.mark.parametrize("failing", [0, 1, 3])
def test_a_chart_that_fails_raises_its_error_and_the_others_are_drawn(
    tmp_path: Path, worker: ChartWorker, failing: int
) -> None:
    jobs = [ChartJob(tmp_path / f"c{i}.png", partial(small_chart, f"{i}")) for i in range(4)]
    jobs[failing] = ChartJob(tmp_path / "bad.png", failing_chart)
    with pytest.raises(ValueError, match="cannot be drawn"):
        render(jobs, worker)
    drawn = {p.name for p in tmp_path.iterdir()}
    assert "bad.png" not in drawn
    assert {f"c{i}.png" for i in range(4) if i != failing} <= drawn
    assert not [name for name in drawn if name.startswith(".")]  # no temporary file left


def test_when_the_worker_dies_its_charts_are_drawn_here(tmp_path: Path) -> None:
    jobs = [ChartJob(tmp_path / "first.png", chart_that_kills_its_worker)]
    jobs += [ChartJob(tmp_path / f"c{i}.png", partial(small_chart, f"{i}")) for i in range(3)]
    with closing(ChartWorker()) as dying:
        render(jobs, dying)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c0.png", "c1.png", "c2.png", "first.png"]


def test_without_a_worker_every_chart_is_drawn_here(tmp_path: Path) -> None:
    jobs = [ChartJob(tmp_path / f"c{i}.png", partial(small_chart, f"{i}")) for i in range(2)]
    assert render(jobs) == [job.path for job in jobs]
    assert render([]) == []


def test_a_worker_starts_only_when_it_would_help(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(WORKER_ENV, raising=False)
    assert ChartWorker.start(1) is None
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    assert ChartWorker.start(12) is None
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    monkeypatch.setenv(WORKER_ENV, "0")
    assert ChartWorker.start(12) is None
    monkeypatch.delenv(WORKER_ENV)
    started = ChartWorker.start(12)
    assert isinstance(started, ChartWorker)
    started.close()


@pytest.mark.parametrize(
    ("command", "count", "workers"),
    [
        (["compare", "baseline", "ceasefire_2025", "--worlds", "20", "--out"], 3, 1),
        (["run", "baseline", "--worlds", "20", "--charts", "all", "--out"], 13, 1),
        (["run", "baseline", "--worlds", "20", "--out"], 1, 1),  # one chart, drawn beside
    ],
)
def test_the_commands_draw_with_a_worker_and_write_the_same_charts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: list[str], count: int, workers: int
) -> None:
    started: list[ChartWorker] = []
    begin = ChartWorker.__init__

    def counted(worker: ChartWorker) -> None:
        started.append(worker)
        begin(worker)

    monkeypatch.setattr(ChartWorker, "__init__", counted)
    monkeypatch.setenv(WORKER_ENV, "0")
    alone = CliRunner().invoke(app, [*command, str(tmp_path / "alone")])
    assert alone.exit_code == 0, alone.output
    assert not started
    monkeypatch.delenv(WORKER_ENV)
    both = CliRunner().invoke(app, [*command, str(tmp_path / "both")])
    assert both.exit_code == 0, both.output
    assert len(started) == workers
    charts = files(tmp_path / "alone")
    assert len(charts) == count
    assert files(tmp_path / "both") == charts


def exit_handlers_registered() -> int:
    """How many exit handlers this process has (CPython's count), seen from a worker."""
    import atexit

    return atexit._ncallbacks()  # type: ignore[attr-defined]


def test_a_worker_ends_without_teardown_and_the_asking_process_keeps_its_exit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    registered: list[object] = []
    monkeypatch.setattr("atexit.register", lambda *args: registered.append(args))
    rendering._end_without_teardown()  # here, in the test's own process: nothing registered
    assert registered == []
    monkeypatch.undo()
    started = ChartWorker()
    job = ChartJob(tmp_path / "c.png", partial(small_chart, "before the end"))
    assert render([job], started) == [job.path]
    handlers = started._pool.submit(exit_handlers_registered).result()
    processes = list(started._pool._processes.values())  # type: ignore[union-attr]
    started.close()
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=spawn) as plain:
        usual = plain.submit(exit_handlers_registered).result()
    assert handlers == usual + 1  # the worker's os._exit, on top of what any process has
    assert [p.exitcode for p in processes] == [0]  # ended cleanly, its chart complete
    assert job.path.read_bytes().startswith(b"\x89PNG")


def appears(path: Path, seconds: float = 120.0) -> bool:
    """Whether ``path`` exists within ``seconds`` (polled)."""
    import time

    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if path.exists():
            return True
        time.sleep(0.05)
    return False


def test_the_worker_draws_while_this_process_does_other_work(
    tmp_path: Path, worker: ChartWorker
) -> None:
    first = ChartJob(tmp_path / "first.png", partial(small_chart, "first"))
    drawing = Drawing([first], worker)
    assert appears(first.path)  # drawn by the worker, before finish() is called here
    later = ChartJob(tmp_path / "later.png", partial(small_chart, "later"))
    drawing.add([later])  # the worker is idle: it takes this one too
    assert appears(later.path)
    seen: list[tuple[int, int]] = []
    assert drawing.finish(lambda done, total: seen.append((done, total))) == [
        first.path,
        later.path,
    ]
    assert seen[0] == (0, 2) and seen[-1] == (2, 2)


def test_a_report_calls_meanwhile_once_whatever_its_charts(
    tmp_path: Path, worker: ChartWorker
) -> None:
    comparison = triad.compare(["baseline", "ceasefire_2025"], options=triad.RunOptions(worlds=20))
    calls: list[str] = []
    write(comparison, tmp_path / "key", "key", worker=worker, meanwhile=lambda: calls.append("k"))
    write(comparison, tmp_path / "none", "none", meanwhile=lambda: calls.append("n"))
    assert calls == ["k", "n"]
    assert (tmp_path / "key" / "charts" / "overview.png").is_file()
    assert (tmp_path / "none" / "report.md").is_file() and not (
        tmp_path / "none" / "charts"
    ).exists()
