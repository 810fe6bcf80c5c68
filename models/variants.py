"""Scenario variants: a file extending another, named variants, and single-value overrides.

The precedence and the merge rules are written down once, in docs/model.md ("Variants and overrides"):
base file < extending file < named variant (override, short forms, set) < `--set` overrides, a later one
winning; mappings merge key by key, rows with an `id` merge by id, everything else is replaced. Every
applied edit is recorded as one line of text, so a plan can be traced back to its inputs. These are
transformations of the scenario data before validation; the result is validated like any scenario.
"""

from __future__ import annotations

import difflib
from typing import Any

from models.errors import Path

# A path into the data, the file-and-line map of the data, and where it is moved to by a merge.
Moves = list[tuple[Path, Path]]


class EditError(Exception):
    """An edit that cannot be applied: its path names nothing that can hold a value."""

    def __init__(self, path: str, message: str):
        self.path = path
        super().__init__(message)


def _is_id_rows(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(row, dict) and "id" in row for row in value)


def merge(
    base: Any,
    child: Any,
    child_path: Path = (),
    merged_path: Path = (),
    moves: Moves | None = None,
    replaced: list[Path] | None = None,
) -> Any:
    """`child` merged over `base` (rules in the module docstring). `moves` receives (child path, merged path)
    pairs for rows whose position changed, and `replaced` the paths where the child replaced a value, so that
    file-and-line maps can follow them."""
    moves = [] if moves is None else moves
    replaced = [] if replaced is None else replaced
    if isinstance(base, dict) and isinstance(child, dict):
        out = dict(base)
        for key, value in child.items():
            if key in base:
                out[key] = merge(base[key], value, (*child_path, key), (*merged_path, key), moves, replaced)
            else:
                out[key] = value
        return out
    if _is_id_rows(base) and _is_id_rows(child):
        out_rows = [dict(row) for row in base]
        index = {row["id"]: i for i, row in enumerate(out_rows)}
        for i, row in enumerate(child):
            j = index.get(row["id"])
            if j is None:
                j = len(out_rows)
                out_rows.append(row)
                index[row["id"]] = j
            else:
                out_rows[j] = merge(out_rows[j], row, (*child_path, i), (*merged_path, j), moves, replaced)
            if (*child_path, i) != (*merged_path, j):
                moves.append(((*child_path, i), (*merged_path, j)))
        return out_rows
    replaced.append(merged_path)
    return child


def moved(path: Path, moves: Moves) -> Path:
    """Where a path of the child is in the merged data (the longest moved prefix wins)."""
    best: tuple[Path, Path] | None = None
    for src, dst in moves:
        if tuple(path[: len(src)]) == src and (best is None or len(src) > len(best[0])):
            best = (src, dst)
    if best is None:
        return path
    return (*best[1], *path[len(best[0]) :])


def expand_envelopes(data: dict[str, Any]) -> dict[str, Any]:
    """`budget.annual: 12e6` written as one number for every year, as one value per year, so that an edit
    can change a single year (`budget.annual.2027=...`)."""
    budget, horizon = data.get("budget"), data.get("horizon")
    if not (isinstance(budget, dict) and isinstance(budget.get("annual"), (int, float))):
        return data
    if isinstance(budget["annual"], bool):  # not a number: refused as it is written, once
        return data
    if not (isinstance(horizon, dict) and all(isinstance(horizon.get(k), int) for k in ("start", "end"))):
        return data
    years = range(horizon["start"], horizon["end"] + 1)
    return {**data, "budget": {**budget, "annual": dict.fromkeys(years, budget["annual"])}}


def _segment(node: Any, seg: str, where: str) -> Any:
    """The key or index `seg` names in `node` (a mapping or a list of rows)."""
    if isinstance(node, dict):
        if seg in node:
            return seg
        if seg.lstrip("-").isdigit() and (int(seg) in node or all(isinstance(k, int) for k in node)):
            return int(seg)
        return seg  # a key not given yet: the validation says whether it exists
    if isinstance(node, list):
        ids = [row.get("id") for row in node if isinstance(row, dict)]
        if seg in ids:
            return ids.index(seg)
        if seg.isdigit() and int(seg) < len(node):
            return int(seg)
        close = difflib.get_close_matches(seg, [str(i) for i in ids if i is not None], n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        raise EditError(where, f"there is no row '{seg}' in {where.rsplit('.', 1)[0] or where}{hint}")
    raise EditError(where, f"{where.rsplit('.', 1)[0]} is a single value ({node!r}): it has no '{seg}'")


def set_value(data: dict[str, Any], dotted: str, value: Any) -> Path:
    """Set one value by dotted path (missing mappings on the way are created); return the data path set."""
    parts = [p for p in dotted.split(".")]
    if not dotted or any(p == "" for p in parts):
        raise EditError(dotted, f"'{dotted}' is not a path (write it like budget.annual.2027)")
    node: Any = data
    path: list[str | int] = []
    for n, seg in enumerate(parts):
        where = ".".join(parts[: n + 1])
        key = _segment(node, seg, where)
        path.append(key)
        if n == len(parts) - 1:
            node[key] = value
            break
        child = node[key] if (isinstance(node, dict) and key in node) or isinstance(node, list) else None
        if child is None:
            child = {}
            node[key] = child
        elif isinstance(child, dict):
            child = dict(child)
            node[key] = child
        elif isinstance(child, list):
            child = [dict(row) if isinstance(row, dict) else row for row in child]
            node[key] = child
        node = child
    return tuple(path)


def _project_row(data: dict[str, Any], pid: str, where: str) -> dict[str, Any]:
    rows = data.get("projects")
    if not isinstance(rows, list):
        raise EditError(where, "the scenario has no projects")
    data["projects"] = rows = [dict(r) if isinstance(r, dict) else r for r in rows]
    for row in rows:
        if isinstance(row, dict) and row.get("id") == pid:
            return row
    ids = [str(r.get("id")) for r in rows if isinstance(r, dict)]
    close = difflib.get_close_matches(pid, ids, n=1)
    raise EditError(where, f"there is no project '{pid}'" + (f" (did you mean '{close[0]}'?)" if close else ""))


def apply_short_forms(data: dict[str, Any], variant: dict[str, Any], name: str) -> list[str]:
    """The variant's short forms, applied to the data in place; returns what was done, one line each."""
    done: list[str] = []
    scale = variant.get("scale_budget")
    if scale is not None:
        budget = dict(data.get("budget") or {})
        annual = budget.get("annual")
        if isinstance(annual, dict):
            budget["annual"] = {y: v * scale for y, v in annual.items()}
        elif isinstance(annual, (int, float)):
            budget["annual"] = annual * scale
        total = budget.get("total")
        if isinstance(total, dict) and isinstance(total.get("amount"), (int, float)):
            budget["total"] = {**total, "amount": total["amount"] * scale}
        elif isinstance(total, (int, float)):
            budget["total"] = total * scale
        data["budget"] = budget
        done.append(f"variant {name}: every envelope × {scale:g}")
    for pid in variant.get("exclude", []):
        _project_row(data, pid, f"variants.{name}.exclude")["status"] = "excluded"
        done.append(f"variant {name}: {pid} excluded")
    for pid in variant.get("force", []):
        row = _project_row(data, pid, f"variants.{name}.force")
        row["status"] = "mandatory"
        done.append(f"variant {name}: {pid} forced in (mandatory)")
    for pid, years in variant.get("shift", {}).items():
        row = _project_row(data, pid, f"variants.{name}.shift.{pid}")
        row["shift"] = int(row.get("shift", 0) or 0) + years
        done.append(f"variant {name}: {pid} start window moved by {years:+d} year{'s' if abs(years) != 1 else ''}")
    for kind, weight in variant.get("weights", {}).items():
        kinds = data.get("demand_kinds")
        if not isinstance(kinds, dict) or kind not in kinds:
            raise EditError(f"variants.{name}.weights.{kind}", f"there is no demand kind '{kind}'")
        data["demand_kinds"] = {**kinds, kind: {**(kinds[kind] or {}), "weight": weight}}
        done.append(f"variant {name}: weight of {kind} = {weight:g}")
    return done
