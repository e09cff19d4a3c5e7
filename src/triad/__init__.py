"""triad: scenario simulations of the Russia-China-North Korea triangle."""

__version__ = "0.1.0"
