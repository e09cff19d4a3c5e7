"""What produced a chart, as the small grey footer of a saved figure says it.

A plain record shared by the analyses that know what ran and the charts that print it, so
neither imports the other (``docs/architecture.md``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Provenance:
    """What produced a chart, for the small grey footer of a saved figure.

    Attributes:
        scenarios: The scenario labels, the reference first.
        worlds: Worlds per scenario.
        seed: The seed of every run.
        version: The triad version that ran them.
        overrides: True if ``--set`` overrides changed a scenario (the footer says so).
    """

    scenarios: tuple[str, ...]
    worlds: int
    seed: int
    version: str
    overrides: bool = False

    def text(self) -> str:
        """One line, e.g. ``"baseline vs ceasefire_2025 · 500 worlds · seed 7 · triad 0.1.0"``."""
        changed = " (with --set overrides)" if self.overrides else ""
        return (
            f"{' vs '.join(self.scenarios)}{changed} · {self.worlds} worlds · seed {self.seed} "
            f"· triad {self.version}"
        )
