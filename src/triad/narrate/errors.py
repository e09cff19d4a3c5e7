"""The error a story raises when asked for what its ensemble does not have."""

from __future__ import annotations

from triad.errors import TriadError


class NarrationError(TriadError):
    """A story was asked for something the ensemble does not have."""
