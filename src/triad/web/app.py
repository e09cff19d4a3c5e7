"""The web app's routes: one page per task, under Solara's app layout with tabs.

``triad web`` serves this module (:mod:`triad.web.server`); ``solara run triad.web.app``
serves it too. Each page's module is imported when the page is first shown, not when the
server starts: the model, pandas and matplotlib are not needed for the first page, so the
server answers within seconds (``benchmarks/latency.py`` measures it).
"""

from __future__ import annotations

import importlib
from typing import Any

import solara

from triad.web.pages import home

PAGES: tuple[tuple[str, str], ...] = (
    ("explore", "Explore"),
    ("compare", "Compare"),
    ("tune", "Tune"),
    ("play", "Play"),
    ("seminar", "Seminar"),
    ("runs", "Runs"),
)
"""(module in :mod:`triad.web.pages`, tab label), in the order of the tabs."""


def lazy_page(module: str) -> Any:
    """A component that imports ``triad.web.pages.<module>`` on first use and shows its Page."""

    @solara.component
    def Page() -> Any:  # noqa: N802 - Solara components are named like classes
        return importlib.import_module(f"triad.web.pages.{module}").Page()

    Page.__name__ = f"{module}_page"
    return Page


routes = [
    solara.Route(path="/", component=home.Page, label="Home"),
    *(
        solara.Route(path=module, component=lazy_page(module), label=label)
        for module, label in PAGES
    ),
]
