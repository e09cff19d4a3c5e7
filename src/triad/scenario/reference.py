"""Generate the Markdown field reference of the scenario schema.

The reference part of ``docs/scenarios.md`` (between ``<!-- reference:start -->`` and
``<!-- reference:end -->``) is this module's output; a test keeps the two equal.
Regenerate it with::

    python -m triad.scenario.reference --write docs/scenarios.md
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

import yaml
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from triad.model.metrics import METRICS
from triad.model.policies.registry import policy_names
from triad.scenario.loader import bundled_dir, bundled_names, load_scenario
from triad.scenario.report import bounds_of, describe_type, unit_of
from triad.scenario.schema import (
    DRIVER_BOUNDS,
    TRIGGERS,
    Action,
    Condition,
    Distribution,
    DriverPath,
    Dynamics,
    Event,
    Noise,
    Ramp,
    Scenario,
    Step,
    World,
)

START = "<!-- reference:start -->"
END = "<!-- reference:end -->"
_HEADER = "| path | type | default | bounds | unit | description |\n|---|---|---|---|---|---|"
_ACTOR_TITLES = {"dprk": "North Korea", "russia": "Russia", "china": "China"}


def reference_markdown() -> str:
    """The Markdown reference of every scenario field, grouped by section.

    Returns:
        Markdown text: top level, the three actors, world drivers, dynamics, events
        (actions, conditions, condition variables), uncertain distributions and triggers.
    """
    blocks = [
        *_bundled(),
        "## Field reference",
        "Generated from the schema by `python -m triad.scenario.reference`; do not edit by "
        "hand. Bounds use `[` for inclusive and `(` for exclusive ends. Parameter paths in "
        "`uncertain` keys and in event actions leave out the `actors.` prefix "
        "(`russia.payment.reliability`).",
        *_top_level(),
        *_actors(),
        *_world(),
        *_nested("### `dynamics`", Dynamics, "dynamics.", None),
        *_events(),
        *_uncertain(),
        *_triggers(),
    ]
    return "\n\n".join(blocks) + "\n"


# --------------------------------------------------------------------------- sections
def _bundled() -> Iterator[str]:
    """The bundled scenarios: what each is, what it extends, the signs it states."""
    yield "## Bundled scenarios"
    yield (
        "Each what-if states the direction in which it moves its outcomes against the "
        "scenario it extends (`expect:`, checked by `python -m triad.experiments.signs` and "
        "the tests); its file's header says why, and why it states no sign where two "
        "mechanisms pull apart."
    )
    rows = ["| scenario | what it is | extends | expected signs |", "|---|---|---|---|"]
    for name in bundled_names():
        scenario = load_scenario(name)
        signs = "; ".join(f"`{e.metric}` {_WAY[e.sign]} by {e.at}" for e in scenario.expect)
        parent = _extends(name)
        rows.append(f"| `{name}` | {_cell(scenario.title)} | {parent} | {signs or '—'} |")
    yield "\n".join(rows)


_WAY = {"+": "rises", "-": "falls"}


def _extends(name: str) -> str:
    """The bundled scenario a bundled file extends, or a dash."""
    data = yaml.safe_load((bundled_dir() / f"{name}.yaml").read_text("utf-8"))
    parent = data.get("extends") if isinstance(data, dict) else None
    return f"`{Path(str(parent)).stem}`" if parent else "—"


def _top_level() -> Iterator[str]:
    yield "### Top level"
    yield "Keys of a scenario file. The sections below describe the nested ones."
    yield _table(_rows(Scenario, "", None, nested=True))


def _actors() -> Iterator[str]:
    actors = Scenario.model_fields["actors"].get_default(call_default_factory=True)
    for name in ("dprk", "russia", "china"):
        model = getattr(actors, name)
        title = f"### `actors.{name}`: {_ACTOR_TITLES[name]}"
        yield from _nested(title, type(model), f"actors.{name}.", model)


def _world() -> Iterator[str]:
    world = World()
    yield "### World drivers: `world.<driver>`"
    yield (
        "Each driver is a path over time: a constant `value`, dated `steps`, linear `ramps` "
        "or `points`, plus AR(1) `noise`. `--set world.<driver>=V` makes a driver the "
        "constant V."
    )
    rows = []
    for name, info in World.model_fields.items():
        low, high = DRIVER_BOUNDS[name]
        default = getattr(world, name).value
        unit = unit_of(info)
        rows.append(
            _row(
                f"world.{name}",
                "number or driver path",
                _fmt(default),
                _range(low, high),
                unit,
                info,
            )
        )
    yield _table(rows)
    prefix = "world.<driver>."
    yield from _section("#### `world.<driver>`", "", DriverPath, prefix)
    yield from _section("#### `world.<driver>.steps.N`", "", Step, prefix + "steps.N.")
    yield from _section("#### `world.<driver>.ramps.N`", "", Ramp, prefix + "ramps.N.")
    yield from _section("#### `world.<driver>.noise`", "", Noise, prefix + "noise.")


def _events() -> Iterator[str]:
    yield from _section(
        "### `events.N`",
        "A dated (`at`), conditional (`when`) or random (`probability`) event: exactly one "
        "of the three. In `--set` and `uncertain`, an event is named, not numbered: "
        "`events.<name>.at`.",
        Event,
        "events.N.",
    )
    yield from _section(
        "#### `events.N.actions.M`",
        "Exactly one of `set`, `scale`, `ramp` (a parameter path or `world.<driver>`) or "
        "`trigger`.",
        Action,
        "events.N.actions.M.",
    )
    yield from _section(
        "#### `events.N.when`",
        "Either `{var, op, value}`, or `{all: [...]}`, or `{any: [...]}` of conditions.",
        Condition,
        "events.N.when.",
    )
    yield "#### Condition variables"
    yield "Metric names a condition's `var` may use, bare or prefixed by their actor."
    lines = ["| variable | unit | actor | description |", "|---|---|---|---|"]
    for metric in METRICS:
        var = f"`{metric.owner}.{metric.name}`"
        lines.append(
            f"| {var} | {_cell(metric.unit)} | {metric.owner} | {_cell(metric.description)} |"
        )
    yield "\n".join(lines)


def _uncertain() -> Iterator[str]:
    yield from _section(
        "### `uncertain.<parameter>`",
        "A distribution sampled once per world (each key its own stream, so world k draws "
        "the same whatever the ensemble size). A key is a numeric parameter path (any "
        "number field of `actors` without the `actors.` prefix, or of `dynamics`); an "
        "actor's policy type, `<actor>.policy`, a choice among policy names (each world "
        "runs one); or an event's field: `events.<name>.at`, the month a dated event "
        "happens (months as `YYYY-MM`; past the horizon: never), `events.<name>.value`, "
        "the value of its one set or ramp action, `events.<name>.by`, the factor of its one "
        "scale action. Needs: uniform `low, high`; triangular `low, mode, high`; truncnormal "
        "`mean, sd, low, high`; lognormal `median, sigma`; choice `values` (and optional "
        "`weights`). A child's explicit value (or `--set`) fixes an input its parent draws, "
        "with a warning; `null` removes an entry. With `fix_uncertain` (`--fix-uncertain`) "
        "every entry takes its central value in every world: the median, or a choice's most "
        "likely value.",
        Distribution,
        "uncertain.<parameter>.",
    )


def _triggers() -> Iterator[str]:
    yield "### Triggers"
    yield "Model actions an event can `trigger`."
    lines = ["| trigger | what it does |", "|---|---|"]
    lines += [f"| `{name}` | {_cell(text)} |" for name, text in TRIGGERS.items()]
    yield "\n".join(lines)


# --------------------------------------------------------------------------- tables
def _section(title: str, intro: str, model: type[BaseModel], prefix: str) -> Iterator[str]:
    yield title
    yield intro or (model.__doc__ or "").strip().splitlines()[0]
    yield _table(_rows(model, prefix, None))


def _nested(
    title: str, model: type[BaseModel], prefix: str, instance: BaseModel | None
) -> Iterator[str]:
    """A model's own fields, then one subsection per nested model, with their defaults."""
    yield title
    yield (model.__doc__ or "").strip().splitlines()[0]
    yield _table(_rows(model, prefix, instance))
    for name, info in model.model_fields.items():
        sub = _model_type(info)
        if sub is not None:
            child = getattr(instance, name) if instance is not None else None
            path = f"{prefix}{name}"
            yield from _nested(f"#### `{path}`", sub, path + ".", child)


def _rows(
    model: type[BaseModel], prefix: str, instance: BaseModel | None, *, nested: bool = False
) -> list[str]:
    rows: list[str] = []
    for name, info in model.model_fields.items():
        if _model_type(info) is not None and not nested:
            continue
        kind = _type_text(model, name, info, prefix)
        default = _default(info, instance, name)
        rows.append(_row(prefix + name, kind, default, _bounds(info), unit_of(info), info))
    return rows


def _row(path: str, kind: str, default: str, bounds: str, unit: str, info: FieldInfo) -> str:
    description = _strip_unit(info.description or "")
    cells = [f"`{path}`", kind, default, bounds, unit, description]
    return "| " + " | ".join(_cell(cell) for cell in cells) + " |"


def _table(rows: Sequence[str]) -> str:
    return "\n".join([_HEADER, *rows])


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _model_type(info: FieldInfo) -> type[BaseModel] | None:
    annotation = info.annotation
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def _type_text(model: type[BaseModel], name: str, info: FieldInfo, prefix: str) -> str:
    if name == "policy" and prefix.startswith("actors."):
        actor = prefix.split(".")[1]
        return "one of " + ", ".join(sorted(policy_names(actor)))
    if name == "trigger" and model is Action:
        return "one of " + ", ".join(TRIGGERS) + " or null"
    return _bare(describe_type(info.annotation))


def _bare(text: str) -> str:
    """A type name without its article: ``integer`` rather than ``an integer``."""
    return text.removeprefix("an ").removeprefix("a ")


def _default(info: FieldInfo, instance: BaseModel | None, name: str) -> str:
    if instance is not None:
        return _fmt(getattr(instance, name))
    if info.is_required():
        return "required"
    value = info.get_default(call_default_factory=True)
    if isinstance(value, BaseModel):
        return "see below"
    return _fmt(value)


def _fmt(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, str):
        return f"`{value}`" if value else '""'
    if isinstance(value, list | dict | tuple):
        return json.dumps(value)
    if isinstance(value, BaseModel):
        return "see below"
    return str(value)


def _bounds(info: FieldInfo) -> str:
    parts: list[str] = []
    bounds = bounds_of(info)
    if bounds is not None:
        parts.append(f"{bounds[0]}, {bounds[1]}")
    for meta in info.metadata:
        if getattr(meta, "min_length", None) is not None:
            parts.append(f"at least {meta.min_length}")
        if getattr(meta, "max_length", None) is not None:
            parts.append(f"at most {meta.max_length} chars")
        if getattr(meta, "pattern", None) is not None:
            parts.append(f"pattern `{meta.pattern}`")
    return ", ".join(parts)


def _range(low: float, high: float) -> str:
    return f"[{low:g}, {high:g}]"


def _strip_unit(description: str) -> str:
    head, sep, tail = description.rpartition("[")
    return head.rstrip() if sep and tail.rstrip().endswith("]") else description


# --------------------------------------------------------------------------- docs file
def replace_reference(document: str, reference: str) -> str:
    """Put ``reference`` between the reference markers of a Markdown document.

    Args:
        document: Markdown text holding :data:`START` and :data:`END` markers.
        reference: The new text to place between them.

    Returns:
        The document with the part between the markers replaced.

    Raises:
        ValueError: If the markers are missing or out of order.
    """
    head, sep, rest = document.partition(START)
    _, sep2, tail = rest.partition(END)
    if not sep or not sep2:
        raise ValueError(f"the document needs the markers {START} and {END}")
    return f"{head}{START}\n{reference.strip()}\n{END}{tail}"


def extract_reference(document: str) -> str:
    """The text between the reference markers of a Markdown document ("" if missing)."""
    _, _, rest = document.partition(START)
    inside, sep, _ = rest.partition(END)
    return inside.strip() if sep else ""


def main(argv: Sequence[str] | None = None) -> int:
    """Print the reference, or with ``--write FILE`` update the part between its markers.

    Args:
        argv: Command-line arguments (default: ``sys.argv[1:]``).

    Returns:
        The exit code.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    if not args:
        sys.stdout.write(reference_markdown())
        return 0
    if len(args) != 2 or args[0] != "--write":
        sys.stderr.write("usage: python -m triad.scenario.reference [--write docs/scenarios.md]\n")
        return 2
    path = Path(args[1])
    path.write_text(replace_reference(path.read_text("utf-8"), reference_markdown()), "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
