"""Turn pydantic validation errors into located, human :class:`~triad.errors.Problem` lines.

Each error becomes ``file:line:col: dotted.path: message (hint)``: the line comes from a
:class:`SourceMap` that remembers where each value of a resolved scenario was written,
and the hint says what would be accepted (a close key name, the allowed range, the
expected type).
"""

from __future__ import annotations

import datetime
import difflib
import re
import types
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import ErrorDetails

from triad.errors import Problem
from triad.model.metrics import METRICS
from triad.scenario.registry import NUMERIC_KINDS, parameters
from triad.scenario.schema import CHECK_ERROR, Check, Scenario

type Loc = Sequence[str | int]

SET_FILE: Final = "<--set>"
"""The file name of the values ``--set PATH=VALUE`` gives, in locations and messages."""


@dataclass(frozen=True)
class Location:
    """Where a value was written.

    Attributes:
        file: The file name as shown to the user, or ``<--set>``.
        line: 1-based line, or 0 when unknown.
        column: 1-based column, or 0 when unknown.
    """

    file: str
    line: int = 0
    column: int = 0


@dataclass
class SourceMap:
    """Where every dotted path of a resolved scenario document was written.

    Attributes:
        entries: Dotted path -> location.
        root: Location of the document itself (the file that was asked for).
        chain: The files read, the one asked for first, then its parents.
    """

    entries: dict[str, Location]
    root: Location
    chain: list[str] = field(default_factory=list)

    def locate(self, path: str) -> Location:
        """The location of ``path``, or of its nearest parent that has one.

        Args:
            path: A dotted path such as ``events.0.actions``.

        Returns:
            The best location known; the document's root if nothing closer is known.
        """
        while path:
            if path in self.entries:
                return self.entries[path]
            path = path.rpartition(".")[0]
        return self.root


def problems_from_validation(
    error: ValidationError, sources: SourceMap, data: Mapping[str, object]
) -> list[Problem]:
    """Convert every error of a scenario validation into a located problem.

    Args:
        error: The error raised by ``Scenario.model_validate``.
        sources: Where each value of the validated document came from.
        data: The validated document, used to locate cross-field errors.

    Returns:
        One problem per error (cross-field errors split into their parts), sorted by file
        and line.
    """
    problems: list[Problem] = []
    for details in error.errors(include_url=False):
        for path, message, hint in _explain(details, data):
            where = sources.locate(path)
            problems.append(Problem(where.file, where.line, where.column, path, message, hint))
    unique = list(dict.fromkeys(problems))
    return sorted(unique, key=lambda p: (p.file, p.line, p.column))


def dotted(loc: Loc) -> str:
    """Join a pydantic location into a dotted path, dropping pydantic's ``[key]`` marks."""
    return ".".join(str(part) for part in loc if part != "[key]")


def close_names(word: str, names: Sequence[str]) -> list[str]:
    """Names that look like ``word`` (for "did you mean" hints), best first."""
    return difflib.get_close_matches(word, list(names), n=3, cutoff=0.6)


def did_you_mean(word: str, names: Sequence[str], *, list_all: bool = True) -> str:
    """A hint naming the allowed names closest to ``word``.

    Args:
        word: What the user wrote.
        names: The names allowed there.
        list_all: Whether to list every allowed name when none is close.

    Returns:
        ``did you mean 'x'?``, ``allowed: a, b, c`` or "".
    """
    close = close_names(word, names)
    if close:
        return "did you mean " + " or ".join(repr(name) for name in close) + "?"
    if list_all and names:
        return "allowed: " + ", ".join(names)
    return ""


# --------------------------------------------------------------------------- schema walk
def schema_path_error(segments: Sequence[str]) -> tuple[int, list[str]] | None:
    """Check a dotted path against the structure of the schema.

    Args:
        segments: The parts of a path such as ``actors.russia.tech_transfer.max_tier``.

    Returns:
        None if the path exists; otherwise the index of the first part that does not,
        with the names allowed in its place (empty when no name can go there).
    """
    annotation: object = Scenario
    for index, segment in enumerate(segments):
        step = _step(annotation, segment)
        if step is None:
            return index, field_names(annotation)
        annotation = step[0]
    return None


def field_names(annotation: object) -> list[str]:
    """Field names of a schema model annotation, or [] if it is not a model."""
    model = _model(annotation)
    return list(model.model_fields) if model is not None else []


def _step(annotation: object, segment: str | int) -> tuple[object, FieldInfo | None] | None:
    """Follow one path segment from ``annotation``; None if the segment cannot be there."""
    model = _model(annotation)
    if model is not None:
        info = model.model_fields.get(str(segment))
        return (info.annotation, info) if info is not None else None
    container = _unwrap(annotation)
    origin = get_origin(container)
    args = get_args(container)
    if origin is list and args and _is_index(segment):
        return args[0], None
    if origin is dict and len(args) == 2:
        return args[1], None
    if origin is tuple and _is_index(segment) and int(segment) < len(args):
        return args[int(segment)], None
    return None


def _is_index(segment: str | int) -> bool:
    """Whether a path segment is a list index: ASCII digits only (``²`` is not one)."""
    text = str(segment)
    return text.isascii() and text.isdigit()


def _walk(loc: Loc) -> tuple[object, FieldInfo | None] | None:
    annotation: object = Scenario
    info: FieldInfo | None = None
    for segment in loc:
        step = _step(annotation, segment)
        if step is None:
            return None
        annotation, info = step
    return annotation, info


def _unwrap(annotation: object) -> object:
    """Drop ``None`` from an optional annotation (``X | None`` -> ``X``)."""
    if get_origin(annotation) in (Union, types.UnionType):
        args = [arg for arg in get_args(annotation) if arg is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation


def _model(annotation: object) -> type[BaseModel] | None:
    inner = _unwrap(annotation)
    if isinstance(inner, type) and issubclass(inner, BaseModel):
        return inner
    return None


def describe_type(annotation: object) -> str:
    """A short English name of a schema type (``an integer``, ``a list of Event``)."""
    optional = _unwrap(annotation) is not annotation
    inner = _unwrap(annotation)
    text = _describe(inner)
    return f"{text} or null" if optional else text


_WORDS: dict[object, str] = {
    int: "an integer",
    float: "a number",
    bool: "true or false",
    str: "text",
}


def _describe(annotation: object) -> str:
    if annotation in _WORDS:
        return _WORDS[annotation]
    model = _model(annotation)
    if model is not None:
        return f"a mapping ({model.__name__})"
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is list and args:
        return f"a list of {_plural(args[0])}"
    if origin is dict and len(args) == 2:
        return f"a mapping of names to {_plural(args[1])}"
    if origin is tuple:
        return "a pair [" + ", ".join(_describe(arg) for arg in args) + "]"
    if args and all(isinstance(arg, str) for arg in args):
        return "one of " + ", ".join(repr(arg) for arg in args)
    return str(annotation)


def _plural(annotation: object) -> str:
    model = _model(annotation)
    if model is not None:
        return f"{model.__name__} mappings"
    return _describe(annotation).removeprefix("a ").removeprefix("an ") + "s"


def bounds_of(info: FieldInfo) -> tuple[str, str] | None:
    """The allowed range of a numeric field as text, e.g. ``("[0", "1]")``; None if unbounded."""
    low, high = "(-inf", "inf)"
    for meta in info.metadata:
        for name, text in (("ge", "[{}"), ("gt", "({}")):
            if getattr(meta, name, None) is not None:
                low = text.format(_number(getattr(meta, name)))
        for name, text in (("le", "{}]"), ("lt", "{})")):
            if getattr(meta, name, None) is not None:
                high = text.format(_number(getattr(meta, name)))
    if (low, high) == ("(-inf", "inf)"):
        return None
    return low, high


def unit_of(info: FieldInfo) -> str:
    """The unit written in square brackets at the end of a field's description."""
    match = _UNIT.search(info.description or "")
    return match.group(1) if match else ""


_UNIT = re.compile(r"\[([^\[\]]*)\]\s*$")


def _number(value: object) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


# --------------------------------------------------------------------------- explanations
type Explained = tuple[str, str, str]

_TYPE_ERRORS = frozenset(
    {
        "int_type",
        "int_parsing",
        "int_from_float",
        "float_type",
        "float_parsing",
        "bool_type",
        "bool_parsing",
        "string_type",
        "list_type",
        "dict_type",
        "tuple_type",
        "model_type",
        "model_attributes_type",
    }
)
_RANGE_ERRORS = frozenset({"greater_than", "greater_than_equal", "less_than", "less_than_equal"})


def _explain(details: ErrorDetails, data: Mapping[str, object]) -> Iterator[Explained]:
    loc = details["loc"]
    path = dotted(loc)
    kind = details["type"]
    message = _humane(details["msg"])
    if kind == CHECK_ERROR:
        yield from _checks(path, details.get("ctx", {}).get("checks", ()), data)
    elif kind in ("value_error", "assertion_error"):
        yield from _split_model_error(path, message, details.get("input"))
    elif kind == "extra_forbidden":
        key = str(loc[-1]) if loc else ""
        names = _allowed_keys(loc[:-1])
        yield path, "unknown key", did_you_mean(key, names)
    elif kind == "missing":
        yield path, "required field is missing", ""
    elif kind in _RANGE_ERRORS:
        yield path, message, _range_hint(loc)
    elif kind == "finite_number":
        yield path, "must be a finite number, not NaN or infinity", ""
    elif kind in _TYPE_ERRORS:
        yield path, message, _type_hint(loc, details.get("input"))
    else:
        yield path, message, ""


def _humane(message: str) -> str:
    for prefix in ("Value error, ", "Assertion failed, "):
        message = message.removeprefix(prefix)
    message = re.sub(r"\s*\[type=.*$", "", message)
    message = re.sub(r"https?://\S+", "", message).strip()
    return re.sub(r"^Input should be\b", "must be", message)


def _allowed_keys(loc: Loc) -> list[str]:
    walked = _walk(loc)
    return field_names(walked[0]) if walked is not None else []


def _range_hint(loc: Loc) -> str:
    walked = _walk(loc)
    if walked is None or walked[1] is None:
        return ""
    bounds = bounds_of(walked[1])
    if bounds is None:
        return ""
    unit = unit_of(walked[1])
    hint = f"allowed range {bounds[0]}, {bounds[1]}"
    return f"{hint} [{unit}]" if unit else hint


def _type_hint(loc: Loc, given: object) -> str:
    walked = _walk(loc)
    expected = f"expected {describe_type(walked[0])}" if walked is not None else ""
    shown = _shown(given)
    if expected and shown:
        return f"{expected}; got {shown}"
    return expected or (f"got {shown}" if shown else "")


def _shown(value: object) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, datetime.date):
        return f"the date {value.isoformat()}"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


# --------------------------------------------------------------------------- cross-field errors
def _split_model_error(path: str, message: str, given: object) -> Iterator[Explained]:
    """A model-level error that is no :class:`Check`: a month written as a date, or as is."""
    if isinstance(given, datetime.date) and "YYYY-MM" in message:
        month = f"{given.year:04d}-{given.month:02d}"
        message = f"expected a month as YYYY-MM, got the date {given.isoformat()}"
        yield path, message, f"write {month}, without a day"
        return
    yield path, message, ""


def _checks(path: str, checks: Sequence[Check], data: Mapping[str, object]) -> Iterator[Explained]:
    """Each failed cross-field check at the most precise path its fields name."""
    for check in checks:
        yield (
            _check_path(path, check, data),
            check.message.removeprefix("uncertain: "),
            _hint(check),
        )


def _check_path(path: str, check: Check, data: Mapping[str, object]) -> str:
    """The path of the value a check is about (its event's field, action, entry, driver)."""
    if check.driver is not None:
        return f"{path}.{check.driver}" if path else f"world.{check.driver}"
    if check.event is not None and check.target is not None:
        return _action_path(data, check.event, check.target)
    if check.event is not None and check.field is not None:
        return _event_path(data, check.event, check.field, last=check.field == "name")
    if check.uncertain is not None:
        return f"uncertain.{check.uncertain}"
    return path


def _events(data: Mapping[str, object]) -> list[Mapping[str, object]]:
    events = data.get("events")
    if not isinstance(events, list):
        return []
    return [event if isinstance(event, Mapping) else {} for event in events]


def _event_path(data: Mapping[str, object], name: str, key: str, *, last: bool = False) -> str:
    indices = [i for i, event in enumerate(_events(data)) if event.get("name") == name]
    if not indices:
        return "events"
    return f"events.{indices[-1] if last else indices[0]}.{key}"


def _action_path(data: Mapping[str, object], name: str, target: str) -> str:
    for index, event in enumerate(_events(data)):
        if event.get("name") != name:
            continue
        actions = event.get("actions")
        for number, action in enumerate(actions if isinstance(actions, list) else []):
            if isinstance(action, Mapping):
                for kind in ("set", "scale", "ramp"):
                    if action.get(kind) == target:
                        return f"events.{index}.actions.{number}.{kind}"
        return f"events.{index}.actions"
    return "events"


def _hint(check: Check) -> str:
    """How to fix a failed check: the close names of what it names."""
    if check.variable is not None:
        names = [m.name for m in METRICS] + [f"{m.owner}.{m.name}" for m in METRICS]
        return did_you_mean(check.variable, names, list_all=False)
    if check.target is not None:
        return _path_hint(check.target, list(parameters(*NUMERIC_KINDS)))
    if check.uncertain is not None and check.message.startswith("uncertain: "):
        if check.uncertain.startswith("world."):
            return "world drivers vary by their 'noise', not by uncertain entries"
        if "numeric parameter path" in check.message:
            return _path_hint(check.uncertain, list(parameters("number", "count", "flag")))
    return ""


def _path_hint(target: str, paths: list[str]) -> str:
    hint = did_you_mean(target.removeprefix("actors."), paths, list_all=False)
    return (
        hint or "use a numeric parameter path without 'actors.', e.g. 'russia.payment.reliability'"
    )
