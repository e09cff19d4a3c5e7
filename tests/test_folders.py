"""Output folders are written whole or not at all, and never over existing work."""

from __future__ import annotations

from pathlib import Path

import pytest

from triad.errors import StoreError
from triad.store.folders import atomic_folder, check_new_folder


def test_a_finished_folder_appears_whole(tmp_path: Path) -> None:
    out = tmp_path / "report"
    with atomic_folder(out) as folder:
        (folder / "a.csv").write_text("x\n", encoding="utf-8")
        assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report"]
    assert (out / "a.csv").read_text(encoding="utf-8") == "x\n"


def test_a_failure_leaves_nothing_behind(tmp_path: Path) -> None:
    out = tmp_path / "report"
    with pytest.raises(RuntimeError), atomic_folder(out) as folder:
        (folder / "a.csv").write_text("x\n", encoding="utf-8")
        raise RuntimeError("interrupted")
    assert list(tmp_path.iterdir()) == []


def test_existing_work_is_never_overwritten(tmp_path: Path) -> None:
    out = tmp_path / "report"
    out.mkdir()
    (out / "kept.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(StoreError, match="not empty"), atomic_folder(out):
        pass
    assert (out / "kept.txt").read_text(encoding="utf-8") == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report"]


def test_an_empty_folder_or_a_file_is_told_apart(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    assert check_new_folder(tmp_path / "empty") == tmp_path / "empty"
    (tmp_path / "file").write_text("", encoding="utf-8")
    with pytest.raises(StoreError, match="not a folder"):
        check_new_folder(tmp_path / "file")
