"""A partitioned series: one Parquet file per chunk of worlds, read a metric at a time.

A streamed result folder holds ``series/part-<first world, 12 digits>.parquet`` instead of
one ``series.parquet``. Each part has the columns of ``series.parquet`` (world, month,
date, then the metrics) for a block of consecutive worlds, rows ordered by world, then
month. :class:`PartitionedSimulation` is a :class:`~triad.runs.simulation.Simulation`
whose metrics stay on disk: :meth:`~PartitionedSimulation.series` reads one metric column
from every part (months x worlds float32), so summaries, quantile bands and charts of a
million worlds never hold more than one metric in memory.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from numpy.typing import NDArray

from triad.errors import ModelError, StoreError
from triad.model.metrics import METRIC_NAMES
from triad.runs.simulation import Simulation, Stored
from triad.scenario.schema import Scenario

__all__ = [
    "PARTS",
    "Part",
    "PartitionedSimulation",
    "find_parts",
    "part_name",
    "read_metric",
]

PARTS: Final = "series"
"""The folder of the parts inside a result folder."""
_PART: Final = re.compile(r"^part-(\d{12})\.parquet$")


@dataclass(frozen=True)
class Part:
    """One file of a partitioned series.

    Attributes:
        path: The Parquet file.
        first_world: Global index of its first world.
        count: Worlds in it.
    """

    path: Path
    first_world: int
    count: int


def part_name(first_world: int) -> str:
    """The file name of the part whose first world is ``first_world``."""
    return f"part-{first_world:012d}.parquet"


def find_parts(folder: Path, months: int) -> list[Part]:
    """The parts in ``folder`` (a ``series`` folder), in world order, from their metadata.

    Raises:
        StoreError: If a part is unreadable, does not hold whole worlds, or the parts
            overlap or leave gaps.
    """
    parts = []
    for path in sorted(folder.iterdir()) if folder.is_dir() else []:
        match = _PART.match(path.name)
        if match is None:
            continue
        try:
            rows = pq.ParquetFile(path).metadata.num_rows
        except (OSError, pa.ArrowException) as error:
            raise StoreError(f"{path} is not a readable Parquet file: {error}") from None
        if rows % months:
            raise StoreError(f"{path} holds {rows} rows, not whole worlds of {months} months")
        parts.append(Part(path, int(match.group(1)), rows // months))
    _check_contiguous(folder, parts)
    return parts


def _check_contiguous(folder: Path, parts: list[Part]) -> None:
    if not parts:
        raise StoreError(f"{folder} holds no series parts")
    for before, after in itertools.pairwise(parts):
        if before.first_world + before.count != after.first_world:
            raise StoreError(
                f"{folder}: the parts do not tile the worlds: {before.path.name} ends at "
                f"world {before.first_world + before.count - 1}, {after.path.name} starts "
                f"at {after.first_world}"
            )


def read_metric(parts: list[Part], metric: str, months: int) -> Stored:
    """One metric of every world and month, shape ``(months, worlds)``, as stored.

    Reads only that column of each part.

    Raises:
        StoreError: If a part lacks the column or does not hold its worlds' months.
    """
    worlds = sum(p.count for p in parts)
    out: Stored | None = None
    offset = 0
    for part in parts:
        values = _column(part.path, metric)
        if values.size != part.count * months:
            raise StoreError(f"{part.path} does not hold {months} months of {part.count} worlds")
        if out is None:
            out = np.empty((months, worlds), dtype=values.dtype)
        out[:, offset : offset + part.count] = values.reshape(part.count, months).T
        offset += part.count
    if out is None:
        raise StoreError("no series parts to read")
    return out


def _column(path: Path, name: str) -> NDArray[np.float32]:
    try:
        table = pq.read_table(path, columns=[name])
    except (OSError, ValueError, pa.ArrowException) as error:
        raise StoreError(f"{path}: cannot read column {name!r}: {error}") from None
    values: NDArray[np.float32] = table.column(0).to_numpy()
    return values


@dataclass(frozen=True)
class PartitionedSimulation(Simulation):
    """A simulation whose metrics stay in the parts on disk, read one metric at a time.

    ``data`` is an empty ``(months, 0, worlds)`` array (it only carries the shape); use
    :meth:`series`, or :meth:`load` for an in-memory :class:`Simulation`.

    Attributes:
        parts: The series parts, in world order.
    """

    parts: tuple[Part, ...] = ()

    @classmethod
    def from_parts(
        cls, scenario: Scenario, parts: list[Part], events: pd.DataFrame
    ) -> PartitionedSimulation:
        """The simulation held by ``parts`` (found with :func:`find_parts`)."""
        first, worlds = parts[0].first_world, sum(p.count for p in parts)
        ids = np.arange(first, first + worlds, dtype=np.int64)
        shape = np.empty((scenario.months, 0, worlds), dtype=np.float32)
        return cls(scenario, ids, shape, events, tuple(parts))

    def series(self, metric: str) -> Stored:
        """One metric over months and worlds, shape ``(months, worlds)``, read from disk.

        Raises:
            ModelError: If the metric is unknown.
        """
        if metric not in METRIC_NAMES:
            raise ModelError(f"unknown metric {metric!r}; known: {', '.join(METRIC_NAMES)}")
        return read_metric(list(self.parts), metric, self.months)

    def load(self) -> Simulation:
        """Every metric in memory: a plain :class:`Simulation` (months x metrics x worlds)."""
        data = np.empty((self.months, len(METRIC_NAMES), len(self.world_ids)), np.float32)
        for i, metric in enumerate(METRIC_NAMES):
            data[:, i, :] = self.series(metric)
        return Simulation(self.scenario, self.world_ids, data, self.events)

    def frame(self) -> pd.DataFrame:
        """A tidy frame of every world and month (loads everything: small runs only)."""
        return self.load().frame()
