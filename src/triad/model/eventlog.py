"""The event log: notable decisions and events, kept for a bounded sample of worlds."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from numpy.typing import NDArray

Array = NDArray[np.float64]
COLUMNS = ["world", "month", "actor", "kind", "detail", "before", "after"]
"""The columns of :meth:`EventLog.frame`."""


@dataclass
class EventLog:
    """Column store of (world, month, actor, kind, detail) rows.

    Rows are kept only for worlds whose global index is below ``sample``: the same worlds
    whatever the ensemble size or chunking. Details are templates formatted with the
    ``before``/``after`` values when the log is read, so logging costs no string work in
    the monthly step.

    Attributes:
        sample: Worlds with a global index below this are logged.
    """

    sample: int = 100
    _chunks: list[tuple[NDArray[np.int64], int, str, str, str, Array, Array]] = field(
        default_factory=list
    )

    def add(
        self,
        world_ids: NDArray[np.int64],
        mask: NDArray[np.bool_],
        month: int,
        actor: str,
        kind: str,
        detail: str,
        before: Array | None = None,
        after: Array | None = None,
    ) -> None:
        """Log one kind of happening for the masked worlds of the sample.

        Args:
            world_ids: Global indices of all worlds held here.
            mask: Where it happened.
            month: Month index.
            actor: ``russia``, ``china``, ``dprk`` or ``world``.
            kind: A short category (``event``, ``decision``, ``launch``, ``threshold``).
            detail: Text; may hold ``{before}`` and ``{after}`` format fields.
            before: Values before, over all worlds (optional).
            after: Values after, over all worlds (optional).
        """
        keep = mask & (world_ids < self.sample)
        if not keep.any():
            return
        nan = np.full(int(keep.sum()), np.nan)
        b = before[keep] if before is not None else nan
        a = after[keep] if after is not None else nan
        self._chunks.append((world_ids[keep], month, actor, kind, detail, b, a))

    def frame(self) -> pd.DataFrame:
        """The log as a tidy frame sorted by world and month.

        Columns world, month, actor, kind, detail (the text), and the numbers the text was
        made from: ``before`` and ``after`` (NaN where a row has none), so that a reader
        never parses the text for them.
        """
        rows = [
            (int(w), month, actor, kind, detail.format(before=b, after=a), float(b), float(a))
            for ids, month, actor, kind, detail, before, after in self._chunks
            for w, b, a in zip(ids, before, after, strict=True)
        ]
        frame = pd.DataFrame(rows, columns=COLUMNS)
        frame = frame.astype(
            {
                "world": "int64",
                "month": "int64",
                "actor": str,
                "kind": str,
                "detail": str,
                "before": "float64",
                "after": "float64",
            }
        )
        return ordered_events([frame])


def ordered_events(logs: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """Event logs (of one chunk of worlds, or of several) as one, by world, then month.

    The one place that orders events: within a world and month the rows keep the order
    they were logged in (a stable sort), so a run's log is the same whatever its chunks.
    """
    events = logs[0] if len(logs) == 1 else pd.concat(logs, ignore_index=True)
    return events.sort_values(["world", "month"], kind="stable").reset_index(drop=True)
