"""Counter-based random draws per world.

A draw is a pure function of (seed, world index, month, draw site): a vectorized
SplitMix64 hash (Steele, Lea & Flood 2014) of those four numbers. World k therefore gets
the same draws whether it runs alone, in an ensemble of a million, or in any chunk on any
worker, and no generator state is carried between months.
"""

from __future__ import annotations

import hashlib

import numpy as np
from numpy.typing import NDArray
from scipy.special import ndtri

U64 = np.uint64
_GOLDEN = U64(0x9E3779B97F4A7C15)
_M1 = U64(0xBF58476D1CE4E5B9)
_M2 = U64(0x94D049BB133111EB)
_SETUP_MONTH = -1  # the month index used for draws made before the first step


def mix(z: NDArray[np.uint64]) -> NDArray[np.uint64]:
    """The SplitMix64 finaliser: a bijective avalanche of 64-bit integers (wrapping)."""
    z = (z ^ (z >> U64(30))) * _M1
    z = (z ^ (z >> U64(27))) * _M2
    return z ^ (z >> U64(31))


def site_key(site: str) -> int:
    """A stable 64-bit key for a draw-site name (independent of Python's hash seed)."""
    return int.from_bytes(hashlib.blake2b(site.encode(), digest_size=8).digest(), "little")


class Streams:
    """Per-world random streams for one ensemble (or one chunk of it).

    Args:
        seed: The scenario seed.
        world_ids: Global indices of the worlds held here, shape ``(worlds,)``.
        dtype: The floating-point type of the draws made in the months (the model's
            precision); each is computed in float64 and then rounded to it. Set-up draws
            stay float64 (parameters are sampled, then rounded by the model).
    """

    def __init__(
        self, seed: int, world_ids: NDArray[np.int64], dtype: np.dtype | type = np.float64
    ) -> None:
        self.dtype = np.dtype(dtype)
        with np.errstate(over="ignore"):
            base = mix(np.array([seed % 2**64], dtype=U64))[0]
            ids = world_ids.astype(U64)
            self._keys = mix(ids * _GOLDEN + base)
        self._sites: dict[str, U64] = {}

    def _bits(self, month: int, site: str) -> NDArray[np.uint64]:
        key = self._sites.get(site)
        if key is None:
            key = self._sites[site] = U64(site_key(site))
        with np.errstate(over="ignore"):
            counter = np.array([month + 2], dtype=U64) * _GOLDEN ^ key
            return mix(self._keys ^ mix(counter))

    def uniform(self, month: int, site: str) -> NDArray[np.float64]:
        """Uniform draws in the open interval (0, 1), one per world.

        Args:
            month: Month index (``-1`` for set-up draws such as uncertain parameters).
            site: Name of the draw site, e.g. ``"dprk:launch"``.
        """
        return self._uniform64(month, site).astype(self.dtype, copy=False)

    def _uniform64(self, month: int, site: str) -> NDArray[np.float64]:
        bits = self._bits(month, site) >> U64(11)
        return (bits.astype(np.float64) + 0.5) * 2.0**-53

    def normal(self, month: int, site: str) -> NDArray[np.float64]:
        """Standard normal draws, one per world (inverse-CDF of :meth:`uniform`)."""
        out: NDArray[np.float64] = ndtri(self._uniform64(month, site)).astype(
            self.dtype, copy=False
        )
        return out

    def setup_uniform(self, site: str) -> NDArray[np.float64]:
        """Uniform draws made once before the first month (parameter sampling)."""
        return self._uniform64(_SETUP_MONTH, site)
