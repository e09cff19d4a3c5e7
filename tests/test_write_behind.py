"""Writing each chunk's part on a thread while the next chunk simulates (the local executor)."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from numpy.typing import NDArray

from triad import api
from triad.runs.executors import ChunkResult, ChunkTask
from triad.runs.write_behind import map_writing_behind

MONTHS = 3
SIZES = (5, 5, 5, 5, 2)


def tasks() -> list[ChunkTask]:
    firsts = np.cumsum((0, *SIZES[:-1]))
    return [ChunkTask("{}", int(f), n) for f, n in zip(firsts, SIZES, strict=True)]


def fill(task: ChunkTask, out: NDArray[np.float32] | None = None) -> ChunkResult:
    """A chunk whose every value is its first world, recorded into ``out``."""
    assert out is not None and out.shape[2] == task.count
    out[...] = task.first_world
    return ChunkResult(task.first_world, out, pd.DataFrame())


def test_each_write_sees_its_own_chunk_while_the_next_one_records() -> None:
    writers: set[str] = set()
    arrays: list[int] = []

    def write(result: ChunkResult) -> tuple[int, bool]:
        writers.add(threading.current_thread().name)
        arrays.append(result.data.__array_interface__["data"][0])
        time.sleep(0.05)  # the next chunk records meanwhile
        return result.first_world, bool((result.data == result.first_world).all())

    sunk: list[tuple[int, tuple[int, bool]]] = []
    map_writing_behind(tasks(), MONTHS, fill, write, lambda i, r: sunk.append((i, r)))
    seen = [r for _, r in sunk]
    assert [i for i, _ in sunk] == [0, 1, 2, 3, 4]
    assert seen == [(0, True), (5, True), (10, True), (15, True), (20, True)]
    assert writers and threading.current_thread().name not in writers
    assert arrays[0] == arrays[2] == arrays[4] != arrays[1] == arrays[3]  # two buffers in turn


def test_a_failing_chunk_lets_the_write_in_flight_finish_then_raises() -> None:
    finished: list[int] = []

    def run(task: ChunkTask, out: NDArray[np.float32] | None = None) -> ChunkResult:
        if task.first_world == 10:
            raise RuntimeError("chunk 2 failed")
        return fill(task, out)

    def write(result: ChunkResult) -> int:
        time.sleep(0.05)
        finished.append(result.first_world)
        return result.first_world

    sunk: list[int] = []
    with pytest.raises(RuntimeError, match="chunk 2 failed"):
        map_writing_behind(tasks(), MONTHS, run, write, lambda i, r: sunk.append(r))
    assert sunk == [0]
    assert finished == [0, 5]  # chunk 1's part was written whole before the error surfaced


def test_a_failing_write_surfaces_and_stops_the_run() -> None:
    ran: list[int] = []

    def run(task: ChunkTask, out: NDArray[np.float32] | None = None) -> ChunkResult:
        ran.append(task.first_world)
        return fill(task, out)

    def write(result: ChunkResult) -> int:
        if result.first_world == 5:
            raise OSError("disk full")
        return result.first_world

    with pytest.raises(OSError, match="disk full"):
        map_writing_behind(tasks(), MONTHS, run, write, lambda i, r: None)
    assert ran == [0, 5, 10]  # found when chunk 2 has run, before chunk 3 starts


def test_a_local_streamed_run_equals_one_on_processes_byte_for_byte(tmp_path: Path) -> None:
    options: dict[str, Any] = {"worlds": 90, "months": 12, "charts": False, "stream": True}
    options["chunk_size"] = 20
    api.run("baseline", out=tmp_path / "here", executor="local", **options)
    api.run("baseline", out=tmp_path / "pool", executor="processes:2", **options)
    files = sorted(
        p.relative_to(tmp_path / "here")
        for p in (tmp_path / "here").rglob("*")
        if p.is_file() and p.name != "manifest.json"
    )
    assert len([f for f in files if f.parent.name == "series"]) == 5
    for name in files:
        assert (tmp_path / "here" / name).read_bytes() == (tmp_path / "pool" / name).read_bytes()
