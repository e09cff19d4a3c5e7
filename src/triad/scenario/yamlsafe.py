"""Safe YAML reading that remembers the line and column of every value.

Files are read with PyYAML's safe loader only (the C one when available): the text is
composed into a node tree, which this module turns into plain dicts, lists and scalars
while writing down, for each dotted path (``actors.russia.tech_transfer.max_tier``,
``events.0.at``), where it was written. Nothing in a file can run code.

Guards: files over :data:`MAX_BYTES` are refused before they are parsed, binary files are
refused, alias expansion is capped (a "billion laughs" file fails after a few thousand
steps), nesting depth is capped, and duplicate keys are errors.
"""

from __future__ import annotations

import datetime
import math
import re
from pathlib import Path
from typing import Final

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import BaseResolver
from yaml.scanner import Scanner

from triad.errors import Problem, ScenarioError
from triad.inputfile import UnreadableError, read_capped

type Scalar = str | int | float | bool | datetime.date | None
type Data = Scalar | list[Data] | dict[str, Data]
type Position = tuple[int, int]
type Positions = dict[str, Position]

MAX_BYTES: Final = 1 << 20
MAX_ALIAS_NODES: Final = 10_000
MAX_DEPTH: Final = 100

_YAML = "tag:yaml.org,2002:"
_SCALAR_TAGS: Final = frozenset(
    _YAML + name for name in ("null", "bool", "int", "float", "str", "timestamp")
)
_MAP_TAG: Final = _YAML + "map"
_SEQ_TAG: Final = _YAML + "seq"
_MERGE_TAG: Final = _YAML + "merge"


class _CoreResolver(BaseResolver):
    """Plain scalars read as YAML 1.2's core schema, not YAML 1.1's.

    ``on``, ``yes``, ``no`` and ``off`` are text, not booleans; ``1:00`` is text, not the
    sexagesimal 60; ``1_000`` is text; ``1e3`` is a number. A whole number with a leading
    zero (``014``: octal 12 in YAML 1.1, 14 in 1.2) is resolved as a whole number so that
    :class:`_Builder` can refuse it as ambiguous. Dates (``2023-09-13``) stay dates, and
    ``<<`` stays the merge key.
    """


for _tag, _pattern, _first in (
    ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("null", r"^(?:~|null|Null|NULL|)$", "~nN"),
    ("int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
    (
        "float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        "-+0123456789.",
    ),
    (
        "timestamp",
        r"^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?"
        r"(?:(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?"
        r"(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)?)$",
        "0123456789",
    ),
    ("merge", r"^(?:<<)$", "<"),
):
    _CoreResolver.add_implicit_resolver(_YAML + _tag, re.compile(_pattern), list(_first))
_CoreResolver.add_implicit_resolver(_YAML + "null", re.compile(r"^$"), [""])


def _loader_class() -> type:
    """PyYAML's safe parser (the C one when available) with :class:`_CoreResolver`."""
    parser: type = _c_parser() or _PyParser

    class CoreLoader(parser, SafeConstructor, _CoreResolver):  # type: ignore[misc]
        def __init__(self, stream: str) -> None:
            parser.__init__(self, stream)  # type: ignore[misc]
            SafeConstructor.__init__(self)
            _CoreResolver.__init__(self)

    return CoreLoader


def _c_parser() -> type | None:
    try:
        from yaml._yaml import CParser  # the optional C extension
    except ImportError:
        return None
    parser: type = CParser
    return parser


class _PyParser(Reader, Scanner, Parser, Composer):
    """The pure-Python parser, when PyYAML was built without libyaml."""

    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        Composer.__init__(self)


_LOADER: Final = _loader_class()
_INT_TEXT: Final = re.compile(r"^[-+]?(?:[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")
_LEADING_ZERO: Final = re.compile(r"^[-+]?0[0-9]+$")
_FLOAT_TEXT: Final = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
_SPECIAL_FLOATS: Final = {".inf": math.inf, ".nan": math.nan}
MAX_DIGITS: Final = 40
"""Longest number a YAML value may be written with, in characters."""


def read_text(path: Path, label: str) -> str:
    """Read a scenario file as UTF-8 text, refusing oversized and binary files.

    Args:
        path: The file to read.
        label: How the file is named in error messages.

    Returns:
        The text, without a leading byte-order mark.

    Raises:
        ScenarioError: If the file cannot be read, is too large or is not UTF-8 text.
    """
    try:
        raw = read_capped(path, MAX_BYTES)
    except UnreadableError as error:
        raise _error(label, error.reason) from None
    return decode(raw, label)


def decode(raw: bytes, label: str) -> str:
    """Decode file bytes as UTF-8, refusing binary content.

    Args:
        raw: The bytes of a file.
        label: How the file is named in error messages.

    Returns:
        The text, without a leading byte-order mark.

    Raises:
        ScenarioError: If the bytes hold a NUL byte or are not valid UTF-8.
    """
    hint = "a scenario is a YAML text file"
    if b"\x00" in raw:
        raise _error(label, "is a binary file (it holds NUL bytes)", hint)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise _error(label, f"is not UTF-8 text (bad byte at offset {error.start})", hint) from None


def load_file(path: Path, label: str) -> tuple[dict[str, Data], Positions]:
    """Read and parse a YAML scenario file whose top level must be a mapping.

    Args:
        path: The file to read.
        label: How the file is named in error messages.

    Returns:
        The document as plain data, and the (line, column) of every dotted path.

    Raises:
        ScenarioError: On any reading or parsing problem.
    """
    return parse_mapping(read_text(path, label), label)


def parse_mapping(text: str, label: str) -> tuple[dict[str, Data], Positions]:
    """Parse YAML text whose top level must be a mapping.

    Args:
        text: The YAML text.
        label: How the text is named in error messages.

    Returns:
        The document as plain data, and the (line, column) of every dotted path; the
        empty path ``""`` is the document itself.

    Raises:
        ScenarioError: If the text is empty, is not valid YAML, is not a mapping at the
            top level, or breaks a guard.
    """
    node = _compose(text, label)
    if node is None:
        raise _error(label, "is empty", "a scenario needs at least 'name: ...'")
    if not isinstance(node, yaml.MappingNode):
        kind = "a list" if isinstance(node, yaml.SequenceNode) else "a single value"
        line, column = _position(node)
        raise ScenarioError(
            [Problem(label, line, column, "", f"the top level is {kind}, not a mapping", _KEYS)]
        )
    data, positions = _Builder(label).build_document(node)
    assert isinstance(data, dict)
    return data, positions


def parse_value(text: str, label: str) -> Data:
    """Parse one YAML value, such as the right-hand side of a ``--set``.

    Args:
        text: A YAML value (``2``, ``0.5``, ``true``, ``[1, 2]``); empty text is null.
        label: How the text is named in error messages.

    Returns:
        The value as plain data.

    Raises:
        ScenarioError: If the text is not valid YAML or breaks a guard.
    """
    if len(text.encode("utf-8", "replace")) > MAX_BYTES:
        raise _error(label, f"value is larger than {MAX_BYTES // (1 << 20)} MiB")
    node = _compose(text, label)
    if node is None:
        return None
    data, _ = _Builder(label).build_document(node)
    return data


_KEYS = "a scenario file is a mapping of keys such as 'name:', 'months:', 'actors:'"


def _compose(text: str, label: str) -> yaml.Node | None:
    try:
        return yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as error:
        raise ScenarioError([_yaml_problem(error, label)]) from None
    except yaml.YAMLError as error:
        raise _error(label, f"is not valid YAML: {_first_line(str(error))}") from None
    except RecursionError:
        raise _error(label, f"is nested too deeply (more than {MAX_DEPTH} levels)") from None


def _yaml_problem(error: yaml.MarkedYAMLError, label: str) -> Problem:
    mark = error.problem_mark or error.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (0, 0)
    message = f"YAML syntax error: {error.problem or error.context or 'cannot parse'}"
    context = error.context_mark
    if error.problem and error.context and context is not None:
        message += f" ({error.context} started at line {context.line + 1})"
    return Problem(label, line, column, "", message)


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else "syntax error"


def _position(node: yaml.Node) -> Position:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _error(label: str, message: str, hint: str = "") -> ScenarioError:
    return ScenarioError([Problem(label, 0, 0, "", message, hint)])


def _join(path: str, key: str | int) -> str:
    return f"{path}.{key}" if path else str(key)


class _Builder:
    """Turns one composed node tree into plain data, recording positions.

    Aliases are expanded by constructing the aliased node again; every repeated
    construction counts toward :data:`MAX_ALIAS_NODES`.
    """

    def __init__(self, label: str) -> None:
        self.label = label
        self.positions: Positions = {}
        self._seen: set[int] = set()
        self._active: set[int] = set()
        self._repeats = 0
        self._constructor = SafeConstructor()

    def build_document(self, node: yaml.Node) -> tuple[Data, Positions]:
        """Build the whole document rooted at ``node``."""
        self.positions[""] = _position(node)
        return self._build(node, "", 0), self.positions

    def _build(self, node: yaml.Node, path: str, depth: int) -> Data:
        self._count(node, path, depth)
        self._active.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                return self._mapping(node, path, depth)
            if isinstance(node, yaml.SequenceNode):
                return self._sequence(node, path, depth)
            return self._scalar(node, path)
        finally:
            self._active.discard(id(node))

    def _count(self, node: yaml.Node, path: str, depth: int) -> None:
        if id(node) in self._active:
            raise self._fail(node, path, "an alias refers to itself (recursive anchor)")
        if depth > MAX_DEPTH:
            raise self._fail(node, path, f"nesting deeper than {MAX_DEPTH} levels")
        if id(node) in self._seen:
            self._repeats += 1
            if self._repeats > MAX_ALIAS_NODES:
                raise self._fail(
                    node,
                    path,
                    f"aliases expand to more than {MAX_ALIAS_NODES} nodes (an alias bomb?)",
                    "use fewer or smaller '*alias' references",
                )
        self._seen.add(id(node))

    def _fail(self, node: yaml.Node, path: str, message: str, hint: str = "") -> ScenarioError:
        line, column = _position(node)
        return ScenarioError([Problem(self.label, line, column, path, message, hint)])

    def _mapping(self, node: yaml.MappingNode, path: str, depth: int) -> dict[str, Data]:
        if node.tag != _MAP_TAG:
            raise self._fail(node, path, f"unsupported YAML tag {node.tag!r}")
        result: dict[str, Data] = {}
        merges = [(key, value) for key, value in node.value if key.tag == _MERGE_TAG]
        if len(merges) > 1:
            message = "two '<<' merge keys in one mapping (YAML allows one)"
            raise self._fail(merges[1][0], path, message, "merge several: <<: [*a, *b]")
        for _, source in merges:
            result.update(self._merge_source(source, path, depth))
        explicit: set[str] = set()
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                continue
            key = self._key(key_node, path)
            child = _join(path, key)
            if key in explicit:
                raise self._fail(key_node, child, f"duplicate key {key!r}", "keep only one")
            explicit.add(key)
            self.positions[child] = _position(key_node)
            result[key] = self._build(value_node, child, depth + 1)
        return result

    def _merge_source(self, node: yaml.Node, path: str, depth: int) -> dict[str, Data]:
        sources = node.value if isinstance(node, yaml.SequenceNode) else [node]
        merged: dict[str, Data] = {}
        for source in reversed(sources):
            if not isinstance(source, yaml.MappingNode):
                raise self._fail(source, path, "a '<<' merge key needs a mapping or mappings")
            built = self._build(source, path, depth)
            assert isinstance(built, dict)
            merged.update(built)
        return merged

    def _key(self, node: yaml.Node, path: str) -> str:
        if not isinstance(node, yaml.ScalarNode):
            raise self._fail(node, path, "a key must be a plain word, not a list or mapping")
        if node.tag not in _SCALAR_TAGS:
            raise self._fail(node, path, f"unsupported YAML tag {node.tag!r} on a key")
        value: str = node.value
        return value

    def _sequence(self, node: yaml.SequenceNode, path: str, depth: int) -> list[Data]:
        if node.tag != _SEQ_TAG:
            raise self._fail(node, path, f"unsupported YAML tag {node.tag!r}")
        items: list[Data] = []
        for index, item in enumerate(node.value):
            child = _join(path, index)
            self.positions[child] = _position(item)
            items.append(self._build(item, child, depth + 1))
        return items

    def _scalar(self, node: yaml.Node, path: str) -> Data:
        if node.tag not in _SCALAR_TAGS:
            raise self._fail(
                node, path, f"unsupported YAML tag {node.tag!r}", "use plain numbers, text, dates"
            )
        text: str = node.value
        kind = node.tag.removeprefix(_YAML)
        if kind in ("int", "float") and len(text) > MAX_DIGITS:
            raise self._fail(node, path, f"a number of {len(text)} characters is too long")
        if kind == "int" and _LEADING_ZERO.match(text):
            hint = f"write {int(text)}, or 0o{text.lstrip('+-0')} for an octal number"
            message = f"{text} has a leading zero: YAML 1.1 reads it as octal, YAML 1.2 not"
            raise self._fail(node, path, message, hint)
        try:
            if kind == "timestamp":
                date = self._constructor.construct_object(node, deep=True)
                assert isinstance(date, datetime.date)
                return date
            return _core_scalar(kind, text)
        except (yaml.YAMLError, ValueError, OverflowError, TypeError) as error:
            raise self._fail(node, path, f"cannot read {text!r}: {error}") from None


_WHAT: Final = {"int": "a whole number", "float": "a number", "bool": "true or false"}


def _core_scalar(kind: str, text: str) -> Scalar:
    """A scalar read by the YAML 1.2 core schema (explicit ``!!int`` and the like too).

    Raises:
        ValueError: If the text is not a value of its tag.
    """
    if kind == "str":
        return text
    if kind == "null" and text in ("", "~", "null", "Null", "NULL"):
        return None
    if kind == "bool" and text.lower() in ("true", "false"):
        return text.lower() == "true"
    if kind == "int" and _INT_TEXT.match(text):
        sign, digits = (-1, text[1:]) if text[0] == "-" else (1, text.lstrip("+"))
        base = {"0o": 8, "0x": 16}.get(digits[:2], 10)
        return sign * int(digits[2:] if base != 10 else digits, base)
    if kind == "float":
        special = _SPECIAL_FLOATS.get(text.lstrip("+-").lower())
        if special is not None:
            return -special if text.startswith("-") else special
        if _FLOAT_TEXT.match(text) or _INT_TEXT.match(text):
            return float(text) if _FLOAT_TEXT.match(text) else float(str(_core_scalar("int", text)))
    raise ValueError(f"it is not {_WHAT.get(kind, kind)}")
