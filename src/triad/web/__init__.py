"""The browser app: explore, compare, tune, play and run seminars over triad's own API.

``triad web`` serves it with Solara (:mod:`triad.web.server`). The pages (:mod:`triad.web.pages`)
only lay out controls and call library functions; what they decide lives in small modules
with unit tests of their own: the controls a scenario offers and the file that reproduces
a form (:mod:`triad.web.controls`), uploads (:mod:`triad.web.uploads`), the Explore and
Play pages' runs (:mod:`triad.web.explore`, :mod:`triad.web.play`), seminar links and views
(:mod:`triad.web.seminar`, over the game's :mod:`triad.game.seminar`).
"""
