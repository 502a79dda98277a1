"""`kaoping points`: members' points for a period from an events file (CSV/XLSX)."""

from __future__ import annotations

import csv
from pathlib import Path

import typer

from engine import InputError, KaopingError
from engine.branch_figures import branch_values, by_branch
from engine.decimals import plain
from engine.events import check_period
from engine.events_file import read_events
from engine.messages import say
from engine.points_explain import explain_points
from engine.points_loader import LoadedPoints
from engine.points_members import members_points, ranks
from engine.points_result import MemberPoints


def _fail(message: str) -> None:
    typer.echo(message, err=True)
    raise typer.Exit(1)


def write_branch_inputs(loaded: LoadedPoints, results: list[MemberPoints], period: str | None, path: Path) -> Path:
    """One row per branch (unit_id, then the named values) and, beside it, where each came from."""
    sources = path.with_name(path.stem + ".sources.csv")
    rows = [
        (branch, branch_values(loaded.model, branch, members, period)) for branch, members in by_branch(results).items()
    ]
    names = [value.name for value in rows[0][1]] if rows else []
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["unit_id", *names])
        writer.writerows([branch, *(plain(v.value) for v in values)] for branch, values in rows)
    with sources.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["unit_id", "input", "value", "source"])
        writer.writerows([branch, v.name, plain(v.value), v.source] for branch, values in rows for v in values)
    typer.echo(say("cli.branch_inputs_written", branches=len(rows), path=path, sources=sources))
    return sources


def run_points(
    loaded: LoadedPoints,
    events_file: Path,
    period: str | None,
    member: str | None,
    as_json: bool,
    rank: bool,
    branch_inputs: Path | None,
) -> None:
    if rank and not loaded.model.events.ranking:
        _fail(say("cli.points_not_ranked", ruleset=loaded.id))
    try:
        if period is not None:
            check_period(period)
        events, errors = read_events(loaded.model, events_file)
    except InputError as error:
        _fail(str(error.problems[0].message))
    except KaopingError as error:
        _fail(str(error))
    if errors:
        typer.echo(say("cli.points_rows_refused", file=events_file, count=len({e.row for e in errors})), err=True)
        for error in errors:
            typer.echo(f"  [{error.code}] {error.message}", err=True)
        raise typer.Exit(1)
    if member is not None:
        mine = [e for e in events if e.member == member]
        if not mine:
            _fail(say("cli.points_no_member", member=member))
        (result,) = members_points(loaded, mine, period)
        typer.echo(result.model_dump_json(indent=2) if as_json else explain_points(result), nl=as_json)
        return
    results = members_points(loaded, events, period)
    if branch_inputs is not None:
        write_branch_inputs(loaded, results, period, branch_inputs)
    if as_json:
        typer.echo("[" + ",\n".join(r.model_dump_json(indent=2) for r in results) + "]")
        return
    shown_period = period or say("points.explain.all_periods")
    typer.echo(say("cli.points_members", count=len(results), period=shown_period))
    if rank:
        results = sorted(results, key=lambda r: (-r.total, r.member))
        typer.echo(say("cli.points_rank_header"))
        for place, r in zip(ranks(results), results, strict=True):
            typer.echo(f"{place}\t{r.member}\t{r.branch or ''}\t{r.counted}\t{plain(r.total)}\t{r.line.title}")
        return
    typer.echo(say("cli.points_header"))
    for r in results:
        typer.echo(f"{r.member}\t{r.branch or ''}\t{r.counted}\t{plain(r.total)}\t{r.line.title}")
