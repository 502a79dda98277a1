"""The tree of units: read from a CSV or Excel file, created, renamed and moved.

An import is all or nothing: every bad row is named and nothing is written. Each
unit's `path` is recomputed for the whole tree, so a moved unit's subtree moves with
it; its score records keep its code, and who may see them follows its new place.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from engine.errors import BatchFileError
from engine.messages import listing, say
from engine.unit_kinds import KIND_OF
from engine.workbooks import open_workbook, sheet_values

from .. import scope, store
from ..auth import Actor
from ..problems import ApiProblem
from ..tables import Unit

COLUMNS = {
    "code": ("code", "编码", "单位编码", "代码", "区划代码"),
    "name": ("name", "名称", "单位名称"),
    "kind": ("kind", "类型", "层级", "单位类型"),
    "parent": ("parent", "上级编码", "上级单位编码", "上级"),
}
CODE = re.compile(r"^[^\s/]{1,64}$")
MAX_ROWS = 200_000


@dataclass(frozen=True)
class UnitLine:
    row: int
    code: str
    name: str
    kind: str
    parent: str | None


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    moved: list[dict] = field(default_factory=list)
    unchanged: int = 0


def _problem(row: int, column: str, message: str) -> dict:
    return {"row": row, "field": column, "message": message}


def read_file(filename: str, content: bytes) -> list[UnitLine]:
    """The rows of a units file (.csv or .xlsx), or a 422 naming every bad row."""
    rows = _rows(filename, content)
    header = [str(h or "").strip() for h in (rows[0] if rows else [])]
    where = {}
    for key, names in COLUMNS.items():
        found = [i for i, h in enumerate(header) if h in names]
        if found:
            where[key] = found[0]
    missing = [f"{COLUMNS[k][1]} ({k})" for k in ("code", "name", "kind") if k not in where]
    if missing:
        message = say("units.missing_columns", file=filename, columns=", ".join(missing), header=header)
        raise ApiProblem(422, "Unreadable units file", message, [_problem(1, "header", message)])
    if len(rows) - 1 > MAX_ROWS:
        message = say("units.too_many", file=filename, limit=MAX_ROWS, count=len(rows) - 1)
        raise ApiProblem(413, "Too many units", message, [_problem(1, "file", message)])
    lines, problems = [], []
    for number, cells in enumerate(rows[1:], start=2):
        value = {k: str(cells[i]).strip() if i < len(cells) and cells[i] is not None else "" for k, i in where.items()}
        if not any(value.values()):
            continue
        kind = KIND_OF.get(value["kind"])
        if not CODE.match(value["code"]):
            problems.append(_problem(number, "code", say("units.code", code=value["code"])))
        if not value["name"] or len(value["name"]) > 200:
            shown = value["name"] if len(value["name"]) <= 40 else value["name"][:40] + "…"
            problems.append(_problem(number, "name", say("units.name", name=shown, length=len(value["name"]))))
        if kind is None:
            problems.append(_problem(number, "kind", say("units.kind", kind=value["kind"], kinds=listing(KIND_OF))))
        if not problems or problems[-1]["row"] != number:
            lines.append(UnitLine(number, value["code"], value["name"], kind, value.get("parent") or None))
    if problems:
        raise _refused(filename, problems)
    return lines


def _refused(filename: str, problems: list[dict]) -> ApiProblem:
    return ApiProblem(422, "Units refused", say("units.refused", file=filename, count=len(problems)), problems)


def _rows(filename: str, content: bytes) -> list[list]:
    suffix = filename.lower().rsplit(".", 1)[-1]
    try:
        if suffix == "csv":
            return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
        if suffix == "xlsx":
            book = open_workbook(content, filename)
            try:
                return [list(row) for row in sheet_values(book, 0, filename)]
            finally:
                book.close()
    except BatchFileError as error:
        raise ApiProblem(422, "Unreadable units file", str(error), [_problem(1, "file", str(error))]) from None
    except (UnicodeDecodeError, csv.Error) as error:
        message = say("units.unreadable", file=filename, error=error)
        raise ApiProblem(422, "Unreadable units file", message, [_problem(1, "file", message)]) from None
    message = say("units.file_kind", file=filename)
    raise ApiProblem(422, "Unreadable units file", message, [_problem(1, "file", message)])


def import_units(
    session: Session, actor: Actor, lines: list[UnitLine], source: str, content: bytes = b""
) -> ImportReport:
    """Create or update the units of `lines` (parents may come later in the file), all or none."""
    with store.chain_turn(session) as chain:
        existing = {u.code: u for u in session.scalars(select(Unit))}
        parent = {code: u.parent_code for code, u in existing.items()}
        problems, seen = [], {}
        for line in lines:
            if line.code in seen:
                problems.append(
                    _problem(line.row, "code", say("units.code_twice", code=line.code, row=seen[line.code]))
                )
            seen[line.code] = line.row
            parent[line.code] = line.parent
        for line in lines:
            if line.parent is not None and line.parent not in parent:
                problems.append(_problem(line.row, "parent", say("units.unknown_parent", parent=line.parent)))
        paths = {} if problems else _paths(parent, {ln.code: ln.row for ln in lines}, problems)
        admin = actor.paths("admin")
        for line in lines:
            if paths and not scope.covers(admin, _parent_path(paths, line.parent)):
                problems.append(_problem(line.row, "parent", say("units.parent_outside", code=line.code)))
            old = existing.get(line.code)
            if old is not None and not scope.covers(admin, old.path):
                problems.append(_problem(line.row, "code", say("units.outside", code=line.code)))
        if problems:
            raise _refused(source, problems)
        report = _write(session, existing, lines, paths)
        for move in report.moved:
            chain.append("unit.moved", move["code"], move, actor)
        chain.append(
            "units.imported",
            source,
            {
                "sha256": hashlib.sha256(content).hexdigest(),
                "created": len(report.created),
                "updated": len(report.updated),
                "moved": len(report.moved),
            },
            actor,
        )
    return report


def _parent_path(paths: dict[str, str], parent: str | None) -> str | None:
    return paths[parent] if parent is not None else None


def _paths(parent: dict[str, str | None], rows: dict[str, int], problems: list[dict]) -> dict[str, str]:
    """Every unit's path from its parents; a unit that is its own ancestor is a problem."""
    paths: dict[str, str] = {}
    for start in parent:
        chain, code = [], start
        while code is not None and code not in paths:
            if code in chain:
                problems.append(_problem(rows.get(start, 0), "parent", say("units.loop", code=start)))
                return {}
            chain.append(code)
            code = parent[code]
        base = paths[code] if code is not None else "/"
        for link in reversed(chain):
            base = paths[link] = f"{base}{link}/"
    return paths


def _write(session: Session, existing: dict[str, Unit], lines: list[UnitLine], paths: dict[str, str]) -> ImportReport:
    report, moment = ImportReport(), store.now()
    fresh = []
    for line in lines:
        old = existing.get(line.code)
        if old is None:
            fresh.append({"code": line.code, "name": line.name, "kind": line.kind, "parent_code": line.parent})
            report.created.append(line.code)
        elif (old.name, old.kind, old.parent_code) != (line.name, line.kind, line.parent):
            if old.parent_code != line.parent:
                report.moved.append({"code": line.code, "from": old.parent_code, "to": line.parent})
            report.updated.append(line.code)
        else:
            report.unchanged += 1
    fresh.sort(key=lambda u: paths[u["code"]].count("/"))  # parents before children
    if fresh:
        session.execute(insert(Unit), [{**u, "path": paths[u["code"]], "created_at": moment} for u in fresh])
    updated = set(report.updated)
    changed = [
        {"code": line.code, "name": line.name, "kind": line.kind, "parent_code": line.parent}
        for line in lines
        if line.code in updated
    ]
    repathed = [{"code": c, "path": paths[c]} for c, u in existing.items() if u.path != paths[c]]
    for rows in (changed, repathed):
        if rows:
            session.execute(update(Unit), rows)
    return report


def list_units(
    session: Session, actor: Actor, under: str | None, offset: int, limit: int, roles: tuple[str, ...] = ()
) -> tuple[int, list[Unit]]:
    """The units the actor may see (where they hold one of `roles`, when named), under one
    of them if asked."""
    query = select(Unit).where(scope.under(Unit.path, actor.paths(*roles)))
    if under is not None:
        query = query.where(
            Unit.path.startswith(scope.unit(session, actor, under, field="under").path, autoescape=True)
        )
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    return total, list(session.scalars(query.order_by(Unit.path).offset(offset).limit(limit)))
