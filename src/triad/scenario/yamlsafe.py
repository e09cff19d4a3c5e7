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
from pathlib import Path
from typing import Final

import yaml
from yaml.constructor import SafeConstructor

from triad.errors import Problem, ScenarioError

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
_LOADER: Final[type[yaml.SafeLoader]] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


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
        if not path.is_file():
            raise _error(label, "is not a regular file")
        if path.stat().st_size > MAX_BYTES:
            raise _error(label, f"is larger than {MAX_BYTES // (1 << 20)} MiB; refusing to read it")
        with path.open("rb") as stream:
            raw = stream.read(MAX_BYTES + 1)
    except OSError as error:
        raise _error(label, f"cannot be read: {error.strerror or error}") from None
    if len(raw) > MAX_BYTES:
        raise _error(label, f"is larger than {MAX_BYTES // (1 << 20)} MiB; refusing to read it")
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
        merges = [value for key, value in node.value if key.tag == _MERGE_TAG]
        for source in reversed(merges):
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
        try:
            value = self._constructor.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, OverflowError, TypeError) as error:
            raise self._fail(node, path, f"cannot read {node.value!r}: {error}") from None
        assert isinstance(value, str | int | float | bool | datetime.date | None)
        return value
