"""UN sanctions monitoring as an institution: a regime, its detection and its reach.

The regime is held per world in the parameter ``dynamics.un.regime`` (0 no monitoring body,
1 the UN Panel of Experts, 2 the Multilateral Sanctions Monitoring Team of 11 states), so a
scenario changes it with the triggers ``panel_ends``, ``msmt_starts`` and ``panel_returns``
or with a plain ``set``. Each regime has a *detection* (the share of visible breaches that
becomes exposure, relative to the Panel) and an *enforcement* (the share of third states'
enforcement that reaches DPRK's civil trade, workers and cyber cash-out, relative to the
Panel). The world drivers scale them: ``world.monitoring`` is the rest of the watching
(imagery, national means) and ``world.un_enforcement`` the third states' will to act.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]

NONE, PANEL, MSMT = 0.0, 1.0, 2.0
"""Codes of the monitoring regimes (the values of ``dynamics.un.regime``)."""

REGIME_NAMES: dict[float, str] = {NONE: "none", PANEL: "UN Panel of Experts", MSMT: "MSMT"}

_PREFIX = "dynamics.un."


def regime_factor(regime: Array, params: Mapping[str, Array], kind: str) -> Array:
    """The factor of each world's regime for ``detection`` or ``enforcement``.

    Args:
        regime: Regime code per world (0 none, 1 Panel, 2 MSMT).
        params: Parameter arrays (``dynamics.un.<regime>_<kind>``).
        kind: ``detection`` or ``enforcement``.

    Returns:
        The factor per world, in [0, 1].
    """
    none, panel, msmt = (params[f"{_PREFIX}{r}_{kind}"] for r in ("none", "panel", "msmt"))
    out: Array = np.where(regime == NONE, none, np.where(regime == MSMT, msmt, panel))
    return out


def detection(regime: Array, params: Mapping[str, Array], monitoring: Array) -> Array:
    """Share of visible breaches that becomes exposure: the regime's times ``world.monitoring``."""
    out: Array = np.clip(regime_factor(regime, params, "detection") * monitoring, 0.0, 1.0)
    return out


def reach(regime: Array, params: Mapping[str, Array], un_enforcement: Array) -> Array:
    """Share of third-state enforcement that bites: the regime's times ``world.un_enforcement``."""
    out: Array = np.clip(regime_factor(regime, params, "enforcement") * un_enforcement, 0.0, 1.0)
    return out
