"""The start page: what each page does."""

from __future__ import annotations

import solara

TEXT = """
# triad

Scenario simulations of the Russia-China-North Korea triangle, in your browser.

* **Explore**: pick a scenario (or upload one), move its policies, drivers and uncertain
  inputs, run an ensemble and see the effect against the scenario unchanged.
* **Compare**: several scenarios side by side at any month, with the report `triad compare`
  writes.
* **Tune**: the backtest against the record, a sensitivity analysis, a calibration.
* **Play**: take one seat against the model, turn by turn.
* **Seminar**: three teams take the three seats from their own browsers; a facilitator
  watches, injects events and exports the record.
* **Runs**: the results `triad run` stored (under `--runs`), their charts, manifests and integrity.
"""


@solara.component
def Page() -> None:
    """The start page."""
    solara.Title("triad")
    solara.Markdown(TEXT)
