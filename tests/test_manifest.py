"""The typed manifest: what the store writes, reads back exactly, and refuses by name."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

import triad
from triad.errors import StoreError
from triad.store.integrity import dump_json, seal
from triad.store.manifest import SEAL, Manifest, RunRequest
from triad.store.result import RunResult
from triad.store.run_folder import MANIFEST, inspect_run, read_run, write_run

TINY = Path(__file__).parent / "data" / "scenarios" / "tiny.yaml"
OPTIONS: dict[str, Any] = {"worlds": 4, "months": 5, "seed": 2, "charts": False}


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A run stored by ``triad.run`` with an override."""
    out = tmp_path_factory.mktemp("manifest") / "run"
    triad.run(TINY, out=out, overrides=["world.harvest=0.8"], chunk_size=3, **OPTIONS)
    return out


@pytest.fixture(scope="module")
def streamed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same run streamed to disk chunk by chunk."""
    out = tmp_path_factory.mktemp("manifest") / "streamed"
    triad.run(TINY, out=out, stream=True, chunk_size=2, **OPTIONS)
    return out


def text(folder: Path) -> str:
    return (folder / MANIFEST).read_text(encoding="utf-8")


def document(folder: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(text(folder))
    return data


@pytest.mark.parametrize("kind", ["stored", "streamed"])
def test_a_stored_manifest_reads_and_writes_back_to_the_same_bytes(
    kind: str, request: pytest.FixtureRequest
) -> None:
    folder: Path = request.getfixturevalue(kind)
    manifest = Manifest.from_json(document(folder), MANIFEST)
    assert dump_json(manifest.to_json()) == text(folder)
    assert read_run(folder).manifest == manifest
    assert inspect_run(folder)[0] == manifest


def test_the_fields_say_what_the_run_was(stored: Path, streamed: Path) -> None:
    manifest = read_run(stored).manifest
    assert manifest is not None and manifest.files is not None
    assert (manifest.worlds, manifest.months, manifest.seed) == (4, 5, 2)
    assert manifest.request == RunRequest(3, 100, str(TINY), ("world.harvest=0.8",))
    assert manifest.overrides == ("world.harvest=0.8",)
    assert (manifest.layout, manifest.stream_chunk_size, manifest.executor) == (None, None, "local")
    assert manifest.files["summary.csv"].size == (stored / "summary.csv").stat().st_size
    on_disk = read_run(streamed).manifest
    assert on_disk is not None
    assert (on_disk.layout, on_disk.stream_chunk_size) == ("partitioned", 2)


def test_the_seal_is_the_digest_of_every_other_key_in_the_written_order(stored: Path) -> None:
    manifest = Manifest.from_json(document(stored), MANIFEST)
    assert manifest.files is not None
    unsealed = {k: v for k, v in document(stored).items() if k != SEAL}
    assert dump_json(seal(unsealed, SEAL)) == text(stored)
    resealed = replace(manifest, sha256=None).sealed(manifest.files)
    assert resealed == manifest
    assert list(manifest.to_json())[-2:] == ["files", SEAL]


def test_a_run_stored_by_hand_records_no_request(stored: Path, tmp_path: Path) -> None:
    run = read_run(stored)
    folder = write_run(RunResult(run.simulation), tmp_path / "by_hand")
    keys = set(document(folder))
    assert not keys & {"chunk_size", "log_worlds", "source", "overrides", "executor", "layout"}
    manifest = read_run(folder).manifest
    assert manifest is not None and manifest.request is None and manifest.overrides == ()


def test_an_older_unsealed_manifest_still_reads(stored: Path, tmp_path: Path) -> None:
    folder = tmp_path / "old"
    folder.mkdir()
    for path in stored.iterdir():
        (folder / path.name).write_bytes(path.read_bytes())
    old = document(stored)
    for key in (SEAL, "git_modified", "executor", "versions"):
        del old[key]
    (folder / MANIFEST).write_text(json.dumps(old | {"format": "triad-run/1"}), encoding="utf-8")
    manifest = read_run(folder).manifest
    assert manifest is not None
    assert (manifest.format, manifest.sha256, manifest.git_modified) == ("triad-run/1", None, None)
    assert (manifest.executor, dict(manifest.versions)) == (None, {})


@pytest.mark.parametrize(
    ("key", "value", "says"),
    [
        ("worlds", "lots", 'worlds is "lots", expected a whole number >= 1'),
        ("seed", -1, "seed is -1, expected a whole number >= 0"),
        ("versions", {"triad": 1}, 'versions is {"triad": 1}, expected an object of name'),
        ("command", "triad run", 'command is "triad run", expected a list of texts'),
        ("git_modified", "yes", 'git_modified is "yes", expected true, false or null'),
        ("overrides", [1], "overrides is [1], expected a list of texts"),
        ("chunk_size", 0, "chunk_size is 0, expected a whole number >= 1 or null"),
        ("executor", None, "executor is null, expected text"),
        ("layout", "flat", "layout is \"flat\", expected 'partitioned'"),
        ("files", {"../x": {"bytes": 1, "sha256": "0" * 64}}, 'files is {"../x"'),
    ],
)
def test_a_mistyped_field_is_refused_by_name(
    stored: Path, key: str, value: object, says: str
) -> None:
    with pytest.raises(StoreError, match=r"^manifest\.json: ") as caught:
        Manifest.from_json(document(stored) | {key: value}, MANIFEST)
    assert says in str(caught.value)


@pytest.mark.parametrize("key", ["scenario", "worlds", "started", "files"])
def test_a_missing_field_is_refused_by_name(stored: Path, key: str) -> None:
    data = document(stored)
    del data[key]
    with pytest.raises(StoreError, match=rf"^manifest\.json lacks {key}$"):
        Manifest.from_json(data, MANIFEST)


def test_a_manifest_in_progress_needs_no_files_but_a_known_format(stored: Path) -> None:
    data = {k: v for k, v in document(stored).items() if k not in ("files", SEAL)}
    assert Manifest.from_json(data, "manifest", stored=False).files is None
    with pytest.raises(StoreError, match=r"^manifest is not a triad-run/2 manifest \(format: 3\)"):
        Manifest.from_json(data | {"format": 3}, "manifest", stored=False)
    with pytest.raises(StoreError, match=r"^manifest is not an object$"):
        Manifest.from_json([data], "manifest")


def test_every_problem_of_a_stored_manifest_is_listed(stored: Path, tmp_path: Path) -> None:
    folder = tmp_path / "damaged"
    folder.mkdir()
    for path in stored.iterdir():
        (folder / path.name).write_bytes(path.read_bytes())
    data = {k: v for k, v in document(stored).items() if k != SEAL}
    data |= {"worlds": 0, "executor": 7}
    (folder / MANIFEST).write_text(dump_json(seal(data, SEAL)), encoding="utf-8")
    manifest, problems = inspect_run(folder)
    assert manifest is None
    assert problems == [
        "manifest.json: worlds is 0, expected a whole number >= 1; "
        "manifest.json: executor is 7, expected text"
    ]
