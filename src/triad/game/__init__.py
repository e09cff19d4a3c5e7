"""Play a seat: the turn-based game against the model's own policies.

* :mod:`triad.game.levers` - the seat's levers, their ranges and the parsing of an entry;
* :mod:`triad.game.world` - the engine: one world with some seats on submitted moves, the
  model's advice, defaults, score parts and the news;
* :mod:`triad.game.session` - the one-player game state, its turns, and save / load;
* :mod:`triad.game.dashboard` - what the player sees each turn (rich and Markdown);
* :mod:`triad.game.play` - the turn loop, scripted moves, the transcript and the result;
* :mod:`triad.game.seminar` - a seminar: teams on some seats, a facilitator who forces,
  pauses and injects events (:mod:`~triad.game.injects`), saves
  (:mod:`~triad.game.seminar_save`), a folder of seminars with join tokens
  (:mod:`~triad.game.seminar_store`), views (:mod:`~triad.game.seminar_views`), the
  transcript and the end chart (:mod:`~triad.game.seminar_report`);
* :mod:`triad.game.env` - the PettingZoo environment (needs the ``rl`` extra), also
  importable as :mod:`triad.env`.
"""

from triad.errors import GameError

__all__ = ["GameError"]
