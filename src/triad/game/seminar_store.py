"""Seminars kept in a folder, for a server that serves them from several threads.

A :class:`SeminarStore` creates seminars (each saved as ``<id>.json`` in its folder), opens
them by id and finds the seminar and role of a join token. Every operation runs under one
lock, and an open seminar is kept in memory, so that every thread works on the same
:class:`~triad.game.seminar.Seminar` object (whose own lock orders its moves). An id or a
token is checked against a strict pattern before it is used, so neither can name a file
outside the folder.
"""

from __future__ import annotations

import re
import secrets
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Final

from triad.errors import GameError
from triad.game.levers import SEATS
from triad.game.seminar import FACILITATOR, Seminar
from triad.game.seminar_save import ID_PATTERN, TOKEN_PATTERN, read_seminar

SUFFIX: Final = ".json"
_ID: Final = re.compile(ID_PATTERN)
_TOKEN: Final = re.compile(TOKEN_PATTERN)


class SeminarStore:
    """The seminars of one folder.

    Args:
        folder: Where the seminars are saved (made if it does not exist).

    Raises:
        GameError: If the folder cannot be made.
    """

    def __init__(self, folder: Path) -> None:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise GameError(f"cannot make seminar folder {folder}: {error.strerror}") from None
        self.folder = folder
        self._lock = threading.Lock()
        self._open: dict[str, Seminar] = {}
        self._roles: dict[str, tuple[str, str]] = {}  # token -> (id, role)

    def create(
        self,
        scenario: str,
        teams: Iterable[str] = SEATS,
        turn: str = "month",
        seed: int | None = None,
        fog: bool = True,
        overrides: Sequence[str] = (),
    ) -> Seminar:
        """A new seminar with a new random id, saved in the folder.

        Raises:
            GameError: If an option is not usable.
            ScenarioError: If the scenario cannot be loaded.
        """
        with self._lock:
            id_ = self._new_id()
            seminar = Seminar(
                scenario, teams, turn, seed, fog, overrides, path=self._path(id_), id=id_
            )
            seminar.save()
            self._keep(seminar)
            return seminar

    def open(self, id_: str) -> Seminar:
        """The seminar of an id (loaded from its file the first time).

        Raises:
            GameError: If the id is malformed or no seminar has it, or its file is not a
                usable seminar save.
        """
        with self._lock:
            return self._opened(id_)

    def by_token(self, token: str) -> tuple[Seminar, str]:
        """The seminar a join token belongs to, and its role: a seat or ``facilitator``.

        Raises:
            GameError: If the token is malformed or belongs to no seminar of the folder.
        """
        with self._lock:
            if not isinstance(token, str) or not _TOKEN.fullmatch(token):
                raise GameError("not a join token")
            if token not in self._roles:
                self._index()
            found = self._roles.get(token)
            if found is None:
                raise GameError("no seminar has this join token")
            id_, role = found
            return self._opened(id_), role

    def ids(self) -> list[str]:
        """The ids of the seminars saved in the folder, sorted."""
        with self._lock:
            return sorted(self._saved_ids())

    # ------------------------------------------------------------------ under the lock
    def _opened(self, id_: str) -> Seminar:
        if not isinstance(id_, str) or not _ID.fullmatch(id_):
            raise GameError(f"{id_!r} is not a seminar id")
        if id_ not in self._open:
            path = self._path(id_)
            if not path.is_file():
                raise GameError(f"no seminar {id_}")
            seminar = Seminar.load(path)
            if seminar.id != id_:
                raise GameError(f"{path}: id: the file holds seminar {seminar.id}, not {id_}")
            self._keep(seminar)
        return self._open[id_]

    def _keep(self, seminar: Seminar) -> None:
        self._open[seminar.id] = seminar
        self._roles[seminar.facilitator_token] = (seminar.id, FACILITATOR)
        for seat, token in seminar.tokens.items():
            self._roles[token] = (seminar.id, seat)

    def _index(self) -> None:
        """Read every save's tokens (no replay) into the index."""
        for id_ in self._saved_ids():
            if id_ in self._open:
                continue
            try:
                saved = read_seminar(self._path(id_))
            except GameError:
                continue  # a damaged file is refused when it is opened by its id
            self._roles[saved.facilitator] = (id_, FACILITATOR)
            for seat, token in saved.tokens.items():
                self._roles[token] = (id_, seat)

    def _saved_ids(self) -> list[str]:
        stems = (p.name.removesuffix(SUFFIX) for p in self.folder.glob(f"*{SUFFIX}"))
        return [stem for stem in stems if _ID.fullmatch(stem)]

    def _new_id(self) -> str:
        while True:
            id_ = secrets.token_hex(4)
            if id_ not in self._open and not self._path(id_).exists():
                return id_

    def _path(self, id_: str) -> Path:
        return self.folder / f"{id_}{SUFFIX}"
