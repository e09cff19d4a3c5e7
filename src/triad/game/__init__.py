"""Play a seat: the turn-based game against the model's own policies.

* :mod:`triad.game.levers` - the seat's levers, their ranges and the parsing of an entry;
* :mod:`triad.game.session` - the game state, its turns, and save / load;
* :mod:`triad.game.dashboard` - what the player sees each turn (rich and Markdown);
* :mod:`triad.game.play` - the turn loop, scripted moves, the transcript and the result;
* :mod:`triad.game.env` - the PettingZoo environment (needs the ``rl`` extra), also
  importable as :mod:`triad.env`.
"""

from triad.game.errors import GameError

__all__ = ["GameError"]
