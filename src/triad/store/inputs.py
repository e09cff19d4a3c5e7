"""Each world's drawn uncertain inputs, as a table one row per world.

A scenario's ``uncertain`` entries are drawn once per world from the counter-based streams
(:mod:`triad.model.params`): world k's draw depends only on the seed, k and the entry, so
the table is the same whatever the chunking or executor of the run, and it can be rebuilt
from the scenario at any time. A stored run keeps it as ``inputs.parquet`` so that outcomes
can be joined with the inputs that led to them (scenario discovery, as EMA Workbench's PRIM
does it; see :mod:`triad.experiments.discovery` and ``docs/results.md``).

Columns: ``world`` (int64), then one column per ``uncertain`` key, in sorted order:

* a parameter (``russia.war.dud_rate``): the drawn value, float64, in the parameter's unit
  (kept in the field's Parquet metadata under ``unit``);
* an event's date (``events.<name>.at``): the month index it happens in (0 = the start
  month, as ``month`` in ``series.parquet``), float64; at or past the horizon: never;
* an event's value (``events.<name>.value`` or ``.by``): the drawn value, float64;
* an actor's policy (``china.policy``): the drawn policy name, string.

With ``fix_uncertain`` every world holds the central value, as the model uses.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from numpy.typing import NDArray
from pydantic import BaseModel

from triad.errors import StoreError
from triad.model.params import choice_index, draw
from triad.model.randomness import Streams
from triad.scenario.schema import Actors, Dynamics, Scenario, uncertain_kind

__all__ = ["INPUTS", "drawn_inputs", "input_unit", "read_inputs", "write_inputs"]

INPUTS: Final = "inputs.parquet"
"""The file of a result folder that holds each world's drawn uncertain inputs."""
BLOCK_WORLDS: Final = 262_144
"""Worlds drawn and written at a time: bounds memory for runs of millions of worlds."""
PARQUET_OPTIONS: Final[dict[str, Any]] = {"compression": "zstd", "compression_level": 1}
"""How ``inputs.parquet`` is compressed; the encodings are chosen per column (see
:func:`_encodings`): dictionary-encoding ~50,000 distinct drawn floats per column made
writing 3.6x slower and the file 1.4x larger (measured at 50,000 worlds x 183 inputs:
1.04 s and 79 MiB against 0.29 s and 58 MiB)."""


def drawn_inputs(scenario: Scenario, world_ids: NDArray[np.int64]) -> pd.DataFrame:
    """The uncertain inputs each world drew, one row per world.

    Args:
        scenario: The resolved scenario that ran.
        world_ids: The global world indices, shape ``(worlds,)``.

    Returns:
        Columns ``world``, then one per ``uncertain`` key in sorted order (see the module
        docstring for their types and units); no columns besides ``world`` if nothing is
        uncertain.
    """
    ids = np.asarray(world_ids, dtype=np.int64)
    return pd.DataFrame({"world": ids, **dict(_columns(scenario, ids))})


def _table(scenario: Scenario, ids: NDArray[np.int64], schema: pa.Schema) -> pa.Table:
    """The drawn inputs of ``ids`` as an Arrow table (no DataFrame in between)."""
    return pa.table({"world": ids, **dict(_columns(scenario, ids))}, schema=schema)


def _columns(scenario: Scenario, ids: NDArray[np.int64]) -> Iterator[tuple[str, NDArray[Any]]]:
    streams = Streams(scenario.seed, ids)
    start = scenario.first_month.index
    for key in sorted(scenario.uncertain):
        kind = uncertain_kind(key)
        if kind == "policy":
            index = choice_index(scenario, streams, key, len(ids))
            yield key, np.asarray(scenario.uncertain[key].names, dtype=object)[index]
            continue
        values = draw(scenario, streams, key, len(ids))
        if kind == "event" and key.endswith(".at"):
            values = np.floor(values) - start
        yield key, values


def input_unit(scenario: Scenario, key: str) -> str:
    """The unit of one ``uncertain`` key's column (empty when it has none, e.g. a policy)."""
    kind = uncertain_kind(key)
    if kind == "policy":
        return "policy name"
    if kind == "event":
        return "month index (0 = start)" if key.endswith(".at") else "unit of the action"
    model: type[BaseModel] = Dynamics if key.startswith("dynamics.") else Actors
    parts = key.removeprefix("dynamics.").split(".")
    for part in parts[:-1]:
        info = model.model_fields.get(part)
        annotation = info.annotation if info is not None else None
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            return ""
        model = annotation
    field = model.model_fields.get(parts[-1])
    description = field.description if field is not None else None
    if not description or not description.rstrip().endswith("]"):
        return ""
    return description.rstrip()[:-1].rsplit("[", 1)[-1]


def _schema(scenario: Scenario) -> pa.Schema:
    fields = [pa.field("world", pa.int64())]
    for key in sorted(scenario.uncertain):
        kind = pa.string() if uncertain_kind(key) == "policy" else pa.float64()
        fields.append(pa.field(key, kind, metadata={"unit": input_unit(scenario, key)}))
    return pa.schema(fields)


def _encodings(schema: pa.Schema) -> dict[str, list[str]]:
    """Each column's encoding: a dictionary for the policy names, which repeat.

    The drawn floats are byte-stream split (they compress better that way), the world ids
    plain.
    """
    floats = [f.name for f in schema if f.type == pa.float64()]
    names = [f.name for f in schema if f.type == pa.string()]
    return {"use_dictionary": names, "use_byte_stream_split": floats}


def write_inputs(scenario: Scenario, world_ids: NDArray[np.int64], path: Path) -> None:
    """Write each world's drawn inputs to a Parquet file, a bounded block of worlds at a time.

    Args:
        scenario: The resolved scenario that ran.
        world_ids: The global world indices, in the order the run stores them.
        path: The file to write (``inputs.parquet`` in a result folder).
    """
    ids = np.asarray(world_ids, dtype=np.int64)
    schema = _schema(scenario)
    with pq.ParquetWriter(path, schema, **PARQUET_OPTIONS, **_encodings(schema)) as writer:
        for first in range(0, max(len(ids), 1), BLOCK_WORLDS):
            writer.write_table(_table(scenario, ids[first : first + BLOCK_WORLDS], schema))


def read_inputs(path: Path, worlds: int | None = None) -> pd.DataFrame:
    """Read a file written by :func:`write_inputs`.

    Args:
        path: The file.
        worlds: The rows it must hold (one per world), checked from its metadata before
            its rows are read, if known.

    Raises:
        StoreError: If the file cannot be read, holds another number of rows, or lacks
            the ``world`` column.
    """
    try:
        file = pq.ParquetFile(path)
        if worlds is not None and file.metadata.num_rows != worlds:
            raise StoreError(
                f"{path} holds {file.metadata.num_rows:,} rows, but the run has {worlds:,} "
                "worlds; it was not read"
            )
        frame: pd.DataFrame = file.read().to_pandas()
    except (OSError, ValueError, pa.ArrowException) as error:
        raise StoreError(f"{path} is not a readable Parquet file: {error}") from None
    if "world" not in frame.columns:
        raise StoreError(f"{path} lacks the column world")
    frame["world"] = frame["world"].astype(np.int64)
    return frame
