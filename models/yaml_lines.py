"""Read YAML into plain Python data while remembering the line of every value.

PyYAML's safe loader is used for scalars; mappings and sequences are built here so that each value's
field path can be mapped to its line for error messages, and duplicate keys are reported instead of being
silently overwritten.

Only plain data is read: a tag other than YAML's own scalar, list and mapping tags (`!!python/...`,
`!custom`) is refused before anything is constructed. Nesting deeper than `MAX_DEPTH` stops the parser, and
the values a document holds once its aliases are expanded are counted before they are built, so that
anchors repeating each other (billion laughs) or an alias inside its own anchor are refused at once.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import yaml

from models.errors import Path, Problem, format_path
from models.limits import MAX_DEPTH, MAX_EXPANDED_BYTES, MAX_NODES, MEGABYTE


class _TooDeep(yaml.MarkedYAMLError):
    """Nesting deeper than MAX_DEPTH, found while parsing (before the parser recurses any further)."""


class _Loader(yaml.SafeLoader):
    """Safe loader that also reads `9.0e6` as a float (YAML 1.2 style, as users write envelopes) and stops
    at nesting deeper than MAX_DEPTH (PyYAML's composer recurses once per level)."""

    _depth = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _TooDeep(problem=_too_deep(), problem_mark=self.peek_event().start_mark)
            return super().compose_node(parent, index)  # type: ignore[no-any-return]
        finally:
            self._depth -= 1


_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?
        |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
        |\.[0-9_]+(?:[eE][-+]?[0-9]+)?
        |[-+]?\.(?:inf|Inf|INF)
        |\.(?:nan|NaN|NAN))$""",
        re.X,
    ),
    list("-+0123456789."),
)


# Booleans as YAML 1.2 reads them: true and false only. YAML 1.1's yes/no/on/off/y/n stay text, so an id `no`
# or a district `on` is not read as False or True.
for _first in list(_Loader.yaml_implicit_resolvers):
    _Loader.yaml_implicit_resolvers[_first] = [
        (tag, regexp) for tag, regexp in _Loader.yaml_implicit_resolvers[_first] if tag != "tag:yaml.org,2002:bool"
    ]
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


# The tags a scenario may use, explicitly or (as PyYAML resolves plain scalars) implicitly: plain data only.
_YAML_TAG = "tag:yaml.org,2002:"
_MERGE_TAG = _YAML_TAG + "merge"
ALLOWED_TAGS = {_YAML_TAG + name for name in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")}


_KIND_NAMES = {_YAML_TAG + "timestamp": "date", _YAML_TAG + "int": "whole number", _YAML_TAG + "float": "number"}


def _too_deep() -> str:
    return f"the values are nested more than {MAX_DEPTH} levels deep, deeper than a scenario may be"


def _shown_tag(tag: str) -> str:
    return "!!" + tag[len(_YAML_TAG) :] if tag.startswith(_YAML_TAG) else tag


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _check_graph(root: yaml.Node, file: str) -> Problem | None:
    """Refuse an alias inside its own anchor, and documents whose aliases expand beyond MAX_NODES values,
    MAX_EXPANDED_BYTES of text or MAX_DEPTH levels; iterative, each distinct node visited once, so it is quick
    whatever the aliases (nothing is built before the check)."""
    size: dict[int, int] = {}  # id(node) -> values once expanded (capped at MAX_NODES + 1)
    text: dict[int, int] = {}  # id(node) -> characters of its scalars once expanded (capped)
    depth: dict[int, int] = {}  # id(node) -> levels once expanded
    open_nodes: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            open_nodes.discard(key)
            children = _children(node)
            size[key] = min(MAX_NODES + 1, 1 + sum(size[id(c)] for c in children))
            own = len(node.value) if isinstance(node, yaml.ScalarNode) else 0
            text[key] = min(MAX_EXPANDED_BYTES + 1, own + sum(text[id(c)] for c in children))
            depth[key] = 1 + max((depth[id(c)] for c in children), default=0)
            continue
        if key in size:
            continue
        if key in open_nodes:
            line = node.start_mark.line + 1
            return Problem(file, line, "", f"an alias refers to the value that contains it (the anchor on line {line})")
        open_nodes.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in _children(node) if id(child) not in size)
    if size[id(root)] > MAX_NODES:
        return Problem(
            file,
            None,
            "",
            f"the file holds more than {MAX_NODES:,} values once its aliases (*name) are expanded, "
            "more than a scenario may have",
        )
    if text[id(root)] > MAX_EXPANDED_BYTES:
        return Problem(
            file,
            None,
            "",
            f"the file holds more than {MAX_EXPANDED_BYTES // MEGABYTE} MB of text once its aliases (*name) are "
            "expanded, more than a scenario may have",
        )
    if depth[id(root)] > MAX_DEPTH:
        return Problem(file, None, "", _too_deep() + " (once its aliases are expanded)")
    return None


def _shown_value(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:40] + "...")


def load_yaml_with_lines(text: str, file: str) -> tuple[Any, dict[Path, int], list[Problem]]:
    """Parse YAML text; return (data, {field path: line}, problems)."""
    lines: dict[Path, int] = {}
    problems: list[Problem] = []
    try:
        node = yaml.compose(text, Loader=_Loader)
    except _TooDeep as exc:
        return None, lines, [Problem(file, exc.problem_mark.line + 1 if exc.problem_mark else None, "", _too_deep())]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        what = exc.problem or str(exc)
        return None, lines, [Problem(file, line, "", f"this is not valid YAML: {what}")]
    except yaml.YAMLError as exc:  # pragma: no cover - other YAML errors carry no mark
        return None, lines, [Problem(file, None, "", f"this is not valid YAML: {exc}")]
    except RecursionError:  # pragma: no cover - MAX_DEPTH stops the composer long before
        return None, lines, [Problem(file, None, "", _too_deep())]
    if node is None:
        return None, lines, problems
    graph_problem = _check_graph(node, file)
    if graph_problem is not None:
        return None, lines, [graph_problem]
    loader = _Loader("")
    merged_pairs: dict[int, int] = {}  # id(mapping node) -> how many of its pairs were merged in (<<)

    def build(n: yaml.Node, path: Path) -> Any:
        line = lines[path] = n.start_mark.line + 1
        where = format_path(path[:-1] if path[-1:] == ("<key>",) else path)
        if n.tag not in ALLOWED_TAGS:
            what = (
                "a mapping"
                if isinstance(n, yaml.MappingNode)
                else "a list"
                if isinstance(n, yaml.SequenceNode)
                else "a value"
            )
            problems.append(
                Problem(
                    file,
                    line,
                    where,
                    f"the tag {_shown_tag(n.tag)} on {what} is not allowed: a scenario holds plain values only "
                    "(numbers, text, lists and mappings), nothing is built from tags",
                )
            )
            return None
        if isinstance(n, yaml.MappingNode):
            if id(n) not in merged_pairs:  # flattened once: an alias of this mapping is the same node
                explicit = sum(1 for k, _ in n.value if k.tag != _MERGE_TAG)
                try:
                    loader.flatten_mapping(n)
                except yaml.MarkedYAMLError as exc:  # a merge key (<<) on something that is not a mapping
                    mark = exc.problem_mark or exc.context_mark
                    problems.append(
                        Problem(file, mark.line + 1 if mark else line, where, f"this is not valid YAML: {exc.problem}")
                    )
                    return None
                merged_pairs[id(n)] = len(n.value) - explicit
            merged = merged_pairs[id(n)]
            out: dict[Any, Any] = {}
            # The keys merged in (<<: *anchor) come first, in YAML's order of precedence: a later merged one
            # and then a key written in the mapping itself override them, as YAML defines merge keys; only a key
            # written twice in the mapping itself is a mistake.
            from_merge: set[Any] = set()
            for index, (key_node, value_node) in enumerate(n.value):
                key = build(key_node, path + ("<key>",))
                if isinstance(key, (dict, list)):
                    problems.append(
                        Problem(
                            file,
                            key_node.start_mark.line + 1,
                            format_path(path),
                            "a key must be a plain value",
                        )
                    )
                    continue
                if index < merged:
                    from_merge.add(key)
                elif key in from_merge:
                    from_merge.discard(key)
                    del out[key]
                if key in out and index >= merged:
                    problems.append(
                        Problem(
                            file,
                            key_node.start_mark.line + 1,
                            format_path(path + (key,)),
                            f"the key '{key}' is given twice (the first one is on line {lines[path + (key,)]})",
                        )
                    )
                    continue
                lines[path + (key,)] = key_node.start_mark.line + 1
                out[key] = build(value_node, path + (key,))
                lines[path + (key,)] = key_node.start_mark.line + 1
            return out
        if isinstance(n, yaml.SequenceNode):
            return [build(item, path + (i,)) for i, item in enumerate(n.value)]
        try:
            value = loader.construct_object(n, deep=True)
            # NFC: an id typed with a composed accent (é) and one with a decomposed one (e + ´) are one id.
            return unicodedata.normalize("NFC", value) if isinstance(value, str) else value
        except (yaml.YAMLError, ValueError, TypeError, OverflowError) as exc:  # 2027-13-45, a 5000-digit int
            kind = _KIND_NAMES.get(n.tag, _shown_tag(n.tag))
            reason = "it has too many digits" if "digits" in str(exc) else str(exc).split("\n")[0]
            problems.append(
                Problem(file, line, where, f"the value {_shown_value(str(n.value))} is not a valid {kind} ({reason})")
            )
            return None

    data = build(node, ())
    return data, {p: ln for p, ln in lines.items() if "<key>" not in p}, problems
