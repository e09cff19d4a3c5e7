"""The README's first screen holds the two commands, and its Python example runs."""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_the_two_commands_are_on_the_first_screen() -> None:
    first_screen = "\n".join(README.splitlines()[:20])
    assert "make demo" in first_screen and "make test" in first_screen


def test_the_python_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # the example writes a report folder where it runs
    blocks = re.findall(r"```python\n(.*?)```", README, flags=re.S)
    assert blocks, "the README shows a Python example"
    namespace: dict[str, object] = {}
    exec(compile(blocks[0], "README.md", "exec"), namespace)
    assert namespace["result"].summary()["metric"].nunique() > 5  # type: ignore[attr-defined]
    differences = namespace["comparison"].differences()  # type: ignore[attr-defined]
    rounds = differences[differences["metric"] == "rounds_cum_m"]
    assert (rounds["median_difference"] < 0).all()  # a ceasefire ships fewer shells
    assert len(namespace["evaluation"].frame()) == 10  # type: ignore[attr-defined]
    assert (tmp_path / "reports" / "ceasefire" / "report.md").is_file()


def test_the_readme_chart_exists() -> None:
    for image in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", README):
        assert (Path(__file__).resolve().parent.parent / image).is_file(), image
