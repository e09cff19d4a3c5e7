"""Where the web app keeps its files, set once by ``triad web`` before the server starts."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class WebConfig:
    """The server's folders.

    Attributes:
        data: Uploads (one folder per browser session) and seminars.
        runs: The stored runs the Runs page lists (``triad run --root`` writes there).
    """

    data: Path = Path(".triad-web")
    runs: Path = Path("runs")

    @property
    def uploads(self) -> Path:
        """Uploaded scenario files, one sub-folder per browser session."""
        return self.data / "uploads"

    @property
    def seminars(self) -> Path:
        """Saved seminars, one file each."""
        return self.data / "seminars"


_current = WebConfig()


def config() -> WebConfig:
    """The server's configuration."""
    return _current


def configure(new: WebConfig) -> None:
    """Set the server's configuration (before it serves its first page)."""
    global _current
    _current = new
