"""Read YAML into plain Python data while remembering the line of every value.

PyYAML's safe loader is used for scalars; mappings and sequences are built here so that each value's
field path can be mapped to its line for error messages, and duplicate keys are reported instead of being
silently overwritten.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from models.errors import Path, Problem, format_path


class _Loader(yaml.SafeLoader):
    """Safe loader that also reads `9.0e6` as a float (YAML 1.2 style, as users write envelopes)."""


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


def load_yaml_with_lines(text: str, file: str) -> tuple[Any, dict[Path, int], list[Problem]]:
    """Parse YAML text; return (data, {field path: line}, problems)."""
    lines: dict[Path, int] = {}
    problems: list[Problem] = []
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        what = exc.problem or str(exc)
        return None, lines, [Problem(file, line, "", f"this is not valid YAML: {what}")]
    except yaml.YAMLError as exc:  # pragma: no cover - other YAML errors carry no mark
        return None, lines, [Problem(file, None, "", f"this is not valid YAML: {exc}")]
    if node is None:
        return None, lines, problems
    loader = _Loader("")

    def build(n: yaml.Node, path: Path) -> Any:
        lines[path] = n.start_mark.line + 1
        if isinstance(n, yaml.MappingNode):
            loader.flatten_mapping(n)
            out: dict[Any, Any] = {}
            for key_node, value_node in n.value:
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
                if key in out:
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
        return loader.construct_object(n, deep=True)

    data = build(node, ())
    return data, {p: ln for p, ln in lines.items() if "<key>" not in p}, problems
