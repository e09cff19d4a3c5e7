"""The web app's routes: one page per task, under Solara's app layout with tabs.

``triad web`` serves this module (:mod:`triad.web.server`); ``solara run triad.web.app``
serves it too.
"""

from __future__ import annotations

import solara

from triad.web.pages import explore, home, play, seminar

routes = [
    solara.Route(path="/", component=home.Page, label="Home"),
    solara.Route(path="explore", component=explore.Page, label="Explore"),
    solara.Route(path="play", component=play.Page, label="Play"),
    solara.Route(path="seminar", component=seminar.Page, label="Seminar"),
]
