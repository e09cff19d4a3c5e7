"""The one error of the game: a bad entry, move, file or option, told in plain words."""

from __future__ import annotations

from triad.errors import TriadError


class GameError(TriadError):
    """A lever value, a moves file, a save file or a play option is not usable."""
