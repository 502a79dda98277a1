"""The `kaoping` command: score, test and check rulesets offline; run the service."""

from __future__ import annotations

import json
from contextlib import nullcontext
from dataclasses import asdict
from decimal import Decimal
from pathlib import Path
from typing import Any

import typer

from engine import InputError, KaopingError, RulesetError, RulesetProblem, score, strictjson
from engine.checks import check_ruleset
from engine.decimals import plain
from engine.explain import explain_text
from engine.loader import parse_document
from engine.messages import say, set_language
from engine.points_loader import LoadedPoints, load_either
from engine.testing import run_any_tests

ROOT = Path(__file__).resolve().parent.parent  # the checkout: shipped rulesets and examples

app = typer.Typer(help="kaoping (考评): appraisal rulesets that explain every score.", no_args_is_help=True)


@app.callback()
def _language(lang: str = typer.Option("zh", "--lang", help="the language of messages: zh (default) or en")) -> None:
    """Messages in Chinese, or in English with --lang en."""
    set_language(lang)


def _fail(message: str, code: int = 1) -> None:
    typer.echo(message, err=True)
    raise typer.Exit(code)


def read_submission(path: Path) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """(data, unit) from a JSON or YAML file: either the input values alone, or
    {"unit": {...}, "period": ..., "data": {...}}."""
    text = _read_text(path)
    try:
        if path.suffix.lower() == ".json" or text.lstrip().startswith("{"):
            document = strictjson.loads(text)  # exact decimals, as the service reads a body
        else:
            document = parse_document(text, str(path))
    except strictjson.JsonTextError as error:
        _fail(f"{path}: {error.msg}")
    except RulesetError as error:
        _fail(str(error.problems[0]))
    if (
        isinstance(document, dict)
        and isinstance(document.get("data"), dict)
        and set(document) <= {"unit", "period", "data"}
    ):
        return document["data"], document.get("unit")
    return document, None


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        _fail(say("cli.not_utf8", path=path, byte=error.start + 1))


def _ruleset_text(path: Path) -> str:
    """A ruleset file's text; RulesetError, in the reader's language, for anything that is not one
    (an Excel indicator table, a binary file, text that is not UTF-8)."""
    content = path.read_bytes()
    if content.startswith(b"PK\x03\x04"):
        message = say("cli.archive")
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            message += "; " + say("cli.convert_table", path=path)
        raise RulesetError([RulesetProblem(path=str(path), message=message)])
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as error:
        message = say("cli.ruleset_not_utf8", byte=error.start + 1)
        raise RulesetError([RulesetProblem(path=str(path), message=message)]) from None
    if "\x00" in text:
        raise RulesetError([RulesetProblem(path=str(path), message=say("cli.binary"))])
    return text


def _read_ruleset(path: Path):
    """A scoring ruleset, or a member points ruleset (one with `events:`)."""
    return load_either(_ruleset_text(path))


def _load(path: Path):
    try:
        return _read_ruleset(path)
    except RulesetError as error:
        typer.echo(f"{path}: {say('cli.ruleset_refused', count=len(error.problems))}", err=True)
        for problem in error.problems:
            typer.echo(f"  {problem}", err=True)
        raise typer.Exit(1) from None


@app.command("score")
def score_command(
    ruleset: Path = typer.Argument(..., exists=True, dir_okay=False, help="ruleset YAML or JSON"),
    submission: Path = typer.Argument(..., exists=True, dir_okay=False, help="a unit's data, JSON or YAML"),
    as_json: bool = typer.Option(False, "--json", help="print the full result as JSON"),
    reference: Path | None = typer.Option(
        None, "--reference", exists=True, dir_okay=False, help="the batch file relative indicators compare with"
    ),
) -> None:
    """Score one unit and explain the result."""
    loaded = _load(ruleset)
    data, unit = read_submission(submission)
    try:
        place = _placing(loaded, reference, unit) if reference else None
        result = score(loaded, data, unit=unit, reference=place(data) if place else None)
    except InputError as error:
        if as_json:  # a program asked: the problems as JSON on stdout, and a failing exit
            problems = [problem.model_dump() for problem in error.problems]
            refusal = {"status": "refused", "submission": str(submission), "count": error.count, "problems": problems}
            typer.echo(json.dumps(refusal, ensure_ascii=False, indent=2))
            raise typer.Exit(1) from None
        typer.echo(f"{submission}: {say('cli.submission_refused', count=error.count)}", err=True)
        for problem in error.problems:
            typer.echo(f"  {problem}", err=True)
        if error.count > len(error.problems):
            typer.echo("  " + say("input.more", count=error.count - len(error.problems)), err=True)
        raise typer.Exit(1) from None
    except KaopingError as error:
        _fail(str(error))
    from engine.reach import what_it_takes

    result = what_it_takes(loaded, data, result, place)
    if as_json:
        typer.echo(result.model_dump_json(indent=2))
    else:
        typer.echo(explain_text(result, wording=loaded.compiled.wording), nl=False)


def _placing(loaded, path: Path, unit):
    """How the unit's data is placed among a reference batch file's units (it takes its
    own row's place there, if it has one)."""
    from engine.inputs import validate_input
    from engine.relative import batch_own_values, own_values, place_among
    from engine.tabular import BatchFileError, read_units

    try:
        rows, _errors = read_units(loaded.model, path, None)
    except BatchFileError as error:
        _fail(str(error))
    peers = batch_own_values(loaded.model, rows)
    unit_id = unit.get("id") if unit else None

    def place(data: dict):
        own = own_values(loaded.model, validate_input(loaded.model, data), unit_id)
        return place_among(loaded.model, path.name, peers, own)

    return place


def _ruleset_files(target: Path) -> list[Path]:
    if target.is_dir():
        return sorted(p for p in target.iterdir() if p.suffix in (".yaml", ".yml", ".json"))
    return [target]


@app.command("test")
def test_command(
    target: Path = typer.Argument(..., exists=True, help="a ruleset file or a folder of them"),
    coverage: bool = typer.Option(False, "--coverage", help="report which elements the tests exercised"),
    minimum: float | None = typer.Option(
        None, "--min", min=0, max=100, help="with --coverage: fail when a ruleset's coverage is below PCT"
    ),
) -> None:
    """Run the embedded tests of one ruleset or of every ruleset in a folder."""
    from engine.coverage import measure, report_lines
    from engine.points_coverage import measure_points

    if minimum is not None and not coverage:
        _fail(say("cli.min_needs_coverage"))
    failed = passed = 0
    below: list[str] = []
    for path in _ruleset_files(target):
        try:
            loaded = _read_ruleset(path)
        except RulesetError as error:
            failed += 1
            typer.echo(f"{say('cli.fail')} {path}: {say('cli.ruleset_refused', count=len(error.problems))}")
            for problem in error.problems:
                typer.echo(f"     {problem}")
            continue
        points = isinstance(loaded, LoadedPoints)
        for outcome in run_any_tests(loaded):
            if outcome.passed:
                passed += 1
                typer.echo(f"{say('cli.ok')} {loaded.id}: {outcome.name}")
                continue
            failed += 1
            typer.echo(f"{say('cli.fail')} {loaded.id}: {outcome.name}")
            for mismatch in outcome.mismatches:
                typer.echo(
                    "     " + say("cli.mismatch", what=mismatch.what, expected=mismatch.expected, got=mismatch.actual)
                )
        if coverage:
            measured = measure_points(loaded) if points else measure(loaded)
            for line in report_lines(measured):
                typer.echo(line)
            if minimum is not None and measured.percent() < Decimal(str(minimum)):
                below.append(say("cli.coverage_below", ruleset=loaded.id, percent=measured.percent(), minimum=minimum))
    typer.echo(f"{passed} passed, {failed} failed")  # the plain closing line test runners are read by
    for line in below:
        typer.echo(line)
    if failed or below:
        raise typer.Exit(1)


@app.command("check")
def check_command(ruleset: Path = typer.Argument(..., exists=True, dir_okay=False)) -> None:
    """Refuse a bad ruleset with every problem, or warn of likely mistakes and show its range."""
    loaded = _load(ruleset)
    if isinstance(loaded, LoadedPoints):
        _check_points(loaded)
        return
    report = check_ruleset(loaded.model, len(loaded.compiled.conditions))
    counts = {"indicators": report.indicators, "rules": report.conditions, "facts": len(loaded.compiled.facts)}
    typer.echo(f"{loaded.id}: {say('cli.valid', **counts)}")
    how = say("cli.exact") if report.range_exact else say("cli.bound", why="; ".join(report.range_reasons))
    low, high = plain(report.lowest_total), plain(report.highest_total)
    typer.echo(say("cli.range", low=low, high=high, how=how))
    for warning in report.warnings:
        typer.echo(say("cli.warning", warning=warning))
    if not report.warnings:
        typer.echo(say("cli.no_warnings"))


def _check_points(loaded: LoadedPoints) -> None:
    from engine.points_checks import points_warnings

    events = loaded.model.events
    rules = len(loaded.compiled.definition) - 1  # the sentinel left out
    counts = {"kinds": len(events.kinds), "categories": len(events.categories), "rules": rules}
    typer.echo(f"{loaded.id}: {say('cli.points_valid', **counts)}")
    unbounded = say("cli.points_unbounded")
    low = plain(events.floor) if events.floor is not None else unbounded
    high = plain(events.cap) if events.cap is not None else unbounded
    typer.echo(say("cli.points_range", low=low, high=high))
    warnings = points_warnings(loaded.model)
    for warning in warnings:
        typer.echo(say("cli.warning", warning=warning))
    if not warnings:
        typer.echo(say("cli.no_warnings"))


@app.command("points")
def points_command(
    ruleset: Path = typer.Argument(..., exists=True, dir_okay=False, help="a member points ruleset (with events:)"),
    events: Path = typer.Argument(..., exists=True, dir_okay=False, help="events, one a row: .csv or .xlsx"),
    period: str | None = typer.Option(None, "--period", help="2026, 2026-03 or a day; default: every event"),
    member: str | None = typer.Option(None, "--member", help="explain this member's points"),
    as_json: bool = typer.Option(False, "--json", help="print the results as JSON"),
    rank: bool = typer.Option(False, "--rank", help="rank members (only when the ruleset opts into ranking)"),
    branch_inputs: Path | None = typer.Option(
        None, "--branch-inputs", help="write each branch's figures as inputs (CSV)"
    ),
) -> None:
    """Members' points for a period from their events, and the figures of their branches."""
    from api.points_command import run_points

    loaded = _load(ruleset)
    if not isinstance(loaded, LoadedPoints):
        _fail(say("cli.not_points_ruleset", path=ruleset))
    run_points(loaded, events, period, member, as_json, rank, branch_inputs)


@app.command("import")
def import_command(
    table: Path = typer.Argument(..., exists=True, dir_okay=False, help="an indicator table, .xlsx"),
    output: Path = typer.Option(..., "-o", "--output", help="the ruleset YAML to write"),
) -> None:
    """Turn an Excel indicator table into a ruleset (every problem by sheet, row and column)."""
    from engine.indicator_table import TableError, read_table

    try:
        text, loaded = read_table(table.read_bytes(), table.name)
    except TableError as error:
        typer.echo(say("cli.table_refused", path=table, count=len(error.problems)), err=True)
        for problem in error.problems:
            typer.echo(f"  {problem}", err=True)
        raise typer.Exit(1) from None
    _write_atomically(output, text.encode("utf-8"))
    indicators = sum(len(d.indicators) for d in loaded.model.dimensions)
    typer.echo(say("cli.wrote_table_ruleset", ruleset=loaded.id, path=output, indicators=indicators))


@app.command("export")
def export_command(
    ruleset: Path = typer.Argument(..., exists=True, dir_okay=False),
    output: Path = typer.Option(..., "-o", "--output", help="the indicator table to write, .xlsx"),
) -> None:
    """Write a ruleset as an Excel indicator table (kaoping import reads it back exactly)."""
    import io

    from engine.indicator_table import TableError, workbook_of

    if output.suffix.lower() != ".xlsx":
        _fail(say("cli.table_suffix", path=output))
    loaded = _load(ruleset)
    buffer = io.BytesIO()
    try:
        workbook_of(loaded.model).save(buffer)
    except TableError as error:
        _fail("; ".join(error.problems))
    _write_atomically(output, buffer.getvalue())
    typer.echo(say("cli.wrote_for", ruleset=loaded.id, path=output))


def _write_atomically(path: Path, content: bytes) -> None:
    """Write the whole file or nothing: a half-written ruleset must never be left behind."""
    partial = path.with_name(f".{path.name}.partial")
    try:
        partial.write_bytes(content)
        partial.replace(path)
    except OSError as error:
        partial.unlink(missing_ok=True)
        _fail(say("cli.cannot_write", path=path, error=error.strerror))


@app.command("cases")
def cases_command(
    ruleset: Path = typer.Argument(..., exists=True, dir_okay=False),
    output: Path | None = typer.Option(None, "-o", "--output", help="write the cases here instead of printing them"),
) -> None:
    """Boundary cases at every band edge, cap edge and grade threshold, as embedded tests to review."""
    from engine.cases import cases_yaml

    loaded = _load(ruleset)
    try:
        text = cases_yaml(loaded)
    except KaopingError as error:
        _fail(f"{ruleset}: {error}")
    if output is None:
        typer.echo(text, nl=False)
    else:
        _write_atomically(output, text.encode("utf-8"))
        typer.echo(say("cli.wrote_for", ruleset=loaded.id, path=output))


@app.command("batch")
def batch_command(
    ruleset: Path = typer.Argument(..., exists=True, dir_okay=False),
    units: Path = typer.Argument(..., exists=True, dir_okay=False, help="units as .csv, .xlsx or .jsonl"),
    output: Path = typer.Option(..., "-o", "--output", help="results as .xlsx, .csv or .jsonl"),
    workers: int | None = typer.Option(None, help="worker processes (default: one per core)"),
    cluster: str | None = typer.Option(
        None, help="score on the Dask cluster whose scheduler is at this address, e.g. tcp://host:8786"
    ),
    resume: bool = typer.Option(False, "--resume", help="continue a batch that was stopped, scoring no unit twice"),
    encoding: str | None = typer.Option(
        None,
        help="a .csv or .jsonl file's encoding: utf-8 or gb18030 (gbk); default: UTF-8 if it decodes, else GB18030",
    ),
    columnar: bool = typer.Option(
        False, "--columnar", help="score the units the columnar path supports at once, a sample cross-checked per unit"
    ),
    check_all: bool = typer.Option(False, "--check-all", help="with --columnar: cross-check every columnar unit"),
) -> None:
    """Score a whole jurisdiction: quotas, rankings, a summary, and every bad row reported."""
    from engine.batch import scoring_pool
    from engine.cluster import ClusterUnreachable
    from engine.columnar.run import ColumnarMismatch  # dask itself is imported only with --cluster
    from engine.tabular import BatchFileError, headers_as_written, read_units, write_results
    from engine.textfiles import codec_for

    if cluster and workers is not None:
        _fail(say("cli.cluster_and_workers"))
    loaded = _load(ruleset)
    try:
        codec_for(encoding)
    except BatchFileError as error:
        _fail(str(error))
    journal = output.with_name(output.name + ".journal")
    if journal.exists() and not resume:
        _fail(f"{journal} holds a stopped batch: add --resume to continue it, or delete it to start again")
    # the per-unit path's workers boot while the file is read; a columnar batch starts them
    # only if it leaves more units than it scores at once in this process (engine.batch)
    starting = nullcontext(None) if columnar and not cluster else scoring_pool(loaded, workers, cluster)
    try:
        with starting as pool:
            try:
                rows, read_errors = read_units(loaded.model, units, encoding)
            except BatchFileError as error:
                _fail(str(error))
            report = _run_with_progress(
                loaded, rows, read_errors, pool, journal, units.name, columnar, check_all, workers
            )
    except (ClusterUnreachable, ColumnarMismatch) as error:
        _fail(str(error))
    report.columns = headers_as_written(loaded.model, units, encoding)
    try:
        written = write_results(report, output)
    except BatchFileError as error:
        _fail(str(error))
    journal.unlink(missing_ok=True)
    summary = report.summary
    typer.echo(say("cli.batch_rows", rows=summary["rows"], scored=summary["scored"], errors=summary["error_rows"]))
    for grade in summary["grades"]:
        typer.echo(f"  {grade['title']}: {grade['count']}")
    if summary["quota_moves"]:
        typer.echo("  " + say("cli.quota_moves", count=len(summary["quota_moves"])))
    if "columnar" in summary:
        counts = summary["columnar"]
        shown = {name: counts[name] for name in ("columnar", "per_unit", "cross_checked")}
        typer.echo("  " + say("cli.batch_columnar", **shown))
    for path in written:
        typer.echo(say("cli.wrote", path=path))


def _run_with_progress(
    loaded,
    rows,
    read_errors,
    pool,
    journal: Path,
    name: str = "",
    columnar: bool = False,
    check_all: bool = False,
    workers: int | None = None,
):
    """run_batch under a progress bar: units done, rate, time left."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from engine.batch import run_batch

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, transient=False) as bar:
        task = bar.add_task("scoring", total=len(rows), rate="")

        def advance(count: int) -> None:
            bar.advance(task, count)
            speed = bar.tasks[0].speed
            bar.update(task, rate=f"{speed:,.0f} units/s" if speed else "")

        return run_batch(
            loaded,
            rows,
            pool=pool,
            workers=workers,
            journal=journal,
            progress=advance,
            read_errors=read_errors,
            batch_name=name,
            columnar=columnar,
            check_all=check_all,
            keep_json=Path(journal.stem).suffix.lower() == ".jsonl",  # its report writes every unit's JSON
        )


@app.command("verify")
def verify_command(
    receipt: Path = typer.Argument(..., exists=True, dir_okay=False, help="a receipt from GET /scores/{id}/receipt"),
    as_json: bool = typer.Option(False, "--json", help="print the check as JSON"),
) -> None:
    """Check a score receipt offline: its record hash, its ruleset and its recomputation."""
    from .receipts import ReceiptError, check_receipt

    try:
        document = strictjson.loads(_read_text(receipt))
        check = check_receipt(document)
    except strictjson.JsonTextError as error:
        _fail(f"{receipt}: {error.msg}")
    except (ReceiptError, RulesetError) as error:
        _fail(f"{receipt}: {error}")
    if as_json:
        typer.echo(json.dumps({"identical": check.identical, **asdict(check)}, ensure_ascii=False, indent=2))
    else:
        typer.echo(_check_text(document["record"], check))
    raise typer.Exit(0 if check.identical else 1)


def _check_text(record: dict, check) -> str:
    unit = f"{record.get('unit_name') or ''} ({record.get('unit_id')})"
    same = say("cli.same")
    recomputed = same if not check.differences else say("cli.differences", count=len(check.differences))
    lines = [
        say("cli.receipt", unit=unit, period=record.get("period"), id=record.get("id"), seq=record.get("seq")),
        say("cli.record_hash", verdict=same if check.record_hash_matches else say("cli.record_changed")),
        say("cli.ruleset_hash", verdict=same if check.ruleset_hash_matches else say("cli.ruleset_changed")),
        say("cli.recomputed", verdict=recomputed),
    ]
    for d in check.differences:
        lines.append(say("cli.difference", path=d.path, stored=repr(d.stored), recomputed=repr(d.recomputed)))
    lines += [say("cli.note", note=note) for note in check.notes]
    lines.append(say("cli.verdict", verdict=say("cli.verified" if check.identical else "cli.not_verified")))
    return "\n".join(lines)


token_app = typer.Typer(help="Manage API tokens.", no_args_is_help=True)
rulesets_app = typer.Typer(help="Manage the rulesets stored by the service.", no_args_is_help=True)
app.add_typer(token_app, name="token")
app.add_typer(rulesets_app, name="rulesets")


def _settings():
    """The service's settings, or a clean error naming each bad KAOPING_* variable."""
    from pydantic import ValidationError

    from api.settings import get_settings

    try:
        return get_settings()
    except ValidationError as error:
        _fail(say("cli.bad_settings") + "\n" + "\n".join(f"  {_setting_problem(e)}" for e in error.errors()))


def _setting_problem(error: dict) -> str:
    if "error" in error.get("ctx", {}):  # our own checks say it all, from the catalogue
        return str(error["ctx"]["error"])
    name = "KAOPING_" + "_".join(str(part) for part in error["loc"]).upper()
    return say("cli.setting_value", name=name, value=repr(error["input"]), error=error["msg"])


def _database():
    from api.db import make_engine, make_sessions, migrate

    engine = make_engine(_settings().url)
    migrate(engine)
    return make_sessions(engine)


def _import(session, target: Path, periods: list[str] | None = None) -> None:
    from api.admin import import_rulesets
    from api.problems import ApiProblem

    try:
        for line in import_rulesets(session, _ruleset_files(target), periods):
            typer.echo(line)
    except RulesetError as error:
        _fail(
            say("cli.ruleset_refused", count=len(error.problems)) + "\n" + "\n".join(f"  {p}" for p in error.problems)
        )
    except ApiProblem as error:
        _fail(
            "\n".join(
                [f"{error.problem.title}: {error.problem.detail}"] + [f"  {p.message}" for p in error.problem.errors]
            )
        )


def _periods(periods: str | None) -> list[str] | None:
    return [p.strip() for p in periods.split(",") if p.strip()] if periods else None


def _admin_task(task):
    """Run an operator task against the service's database; a refusal is a clean error."""
    from api.admin import cli_actor
    from api.problems import ApiProblem

    with _database()() as session:
        try:
            return task(session, cli_actor())
        except ApiProblem as error:
            lines = [f"{error.problem.title}: {error.problem.detail}"]
            lines += [f"  {_where(p)}{p.message}" for p in error.problem.errors]
            _fail("\n".join(lines))


def _where(problem) -> str:
    return (say("where.row", row=problem.row) if problem.row else "") + (f"{problem.field}: " if problem.field else "")


@token_app.command("create")
def token_create(
    role: str = typer.Option(..., help="admin, editor, submitter, reviewer or auditor"),
    name: str = typer.Option(..., help="the user the token is for (created if new)"),
    unit: str | None = typer.Option(None, help="the unit whose subtree the role is granted on (default: all)"),
    days: float | None = typer.Option(None, help="lifetime in days (default KAOPING_TOKEN_DAYS)"),
) -> None:
    """Create a token; it is printed once, alone on the last line, and stored only as a hash."""
    from api.auth import ROLES
    from api.services.people import token_for

    if role not in ROLES:
        _fail(say("cli.role", roles=", ".join(ROLES), role=role))
    lifetime = days if days is not None else _settings().token_days
    issued = _admin_task(lambda session, actor: token_for(session, actor, name, role, unit, lifetime))
    typer.echo(f"token {issued.row.id} for {name} ({role} on {unit or 'the whole tree'}); it will not be shown again:")
    typer.echo(issued.token)


@token_app.command("revoke")
def token_revoke(token_id: int = typer.Argument(..., help="the token's number, as `token create` printed it")) -> None:
    """Revoke a token: every service process refuses it within a second."""
    from api.services.people import revoke_token

    _admin_task(lambda session, actor: revoke_token(session, actor, token_id))
    typer.echo(f"token {token_id} revoked")


user_app = typer.Typer(help="Manage user accounts.", no_args_is_help=True)
units_app = typer.Typer(help="Manage the tree of units.", no_args_is_help=True)
app.add_typer(user_app, name="user")
app.add_typer(units_app, name="units")
rectification_app = typer.Typer(help="Rectification items: what is due and overdue.", no_args_is_help=True)
app.add_typer(rectification_app, name="rectification")


@user_app.command("create")
def user_create(
    name: str = typer.Option(...),
    password: str = typer.Option(..., prompt=True, hide_input=True, confirmation_prompt=True),
) -> None:
    """Create a user who signs in with a password (POST /auth/tokens)."""
    from api.services.people import create_user

    user = _admin_task(lambda session, actor: create_user(session, actor, name, password))
    typer.echo(f"user {user.id}: {user.name}")


@app.command("grant")
def grant_command(
    user: str = typer.Argument(..., help="the user's name"),
    role: str = typer.Argument(..., help="admin, editor, submitter, reviewer or auditor"),
    unit: str | None = typer.Option(None, help="the unit whose subtree it covers (default: all)"),
    revoke: int | None = typer.Option(None, help="revoke the grant of this number instead"),
) -> None:
    """Grant a user a role on a unit's subtree (or revoke a grant with --revoke N)."""
    from api.services.people import add_grant, revoke_grant

    if revoke is not None:
        _admin_task(lambda session, actor: revoke_grant(session, actor, revoke))
        typer.echo(f"grant {revoke} revoked")
        return
    grant = _admin_task(lambda session, actor: add_grant(session, actor, user, role, unit))
    typer.echo(f"grant {grant.id}: {user} is {role} on {unit or 'the whole tree'}")


@app.command("timeline")
def timeline_command(unit: str = typer.Argument(..., help="the unit's code")) -> None:
    """A unit's appraisal stages over every period and ruleset (docs/stages.md)."""
    from api.services.finality import of_unit
    from api.services.stage_views import timeline

    steps, results = _admin_task(lambda session, actor: (timeline(session, actor, unit), of_unit(session, actor, unit)))
    if not steps:
        typer.echo(say("cli.timeline_empty", unit=unit))
    for step in steps:
        shown = {k: step[k] or "-" for k in ("period", "ruleset_id", "total", "actor", "at")}
        grade = step["grade_title"] or "-"
        typer.echo(say("cli.timeline_line", **shown, grade=grade, stage=step["title"], action=step["action_title"]))
        reasons = {"": step["reason"]} if step["reason"] else {}
        for change in (step["difference"] or {}).get("fields", []):
            if change["reason"]:
                reasons[change["field"]] = change["reason"]
        for field, reason in reasons.items():
            typer.echo(say("cli.timeline_reason", field=field or step["to_title"], reason=reason))
    for result in results:
        shown = {k: result[k] or "-" for k in ("period", "ruleset_id", "notice")}
        typer.echo(say("cli.timeline_finality", **shown, status=result["status_title"]))


notice_app = typer.Typer(help="Public notices of results and their objections (docs/notices.md).", no_args_is_help=True)
app.add_typer(notice_app, name="notice")


@notice_app.command("list")
def notice_list(
    ruleset: str | None = typer.Option(None, help="only this ruleset's notices"),
    period: str | None = typer.Option(None, help="only this period's notices"),
) -> None:
    """The notices, newest first: id, period, dates, units listed, open objections."""
    from api.services.notices import listed

    for notice in _admin_task(lambda session, actor: listed(session, actor, ruleset, period)):
        typer.echo(say("cli.notice_line", **notice, state=notice["phase_title"]))


@notice_app.command("export")
def notice_export(
    notice_id: str = typer.Argument(..., help="the notice's id"),
    out: Path = typer.Option(..., "--out", help="the file to write: .docx (Word) or .pdf"),
) -> None:
    """Write the notice to post as a Word document or a PDF, by the file's ending."""
    from api.services.notice_docx import docx_bytes
    from api.services.notice_layout import layout
    from api.services.notice_pdf import pdf_bytes
    from api.services.notices import visible

    writers = {".docx": docx_bytes, ".pdf": pdf_bytes}
    if out.suffix.lower() not in writers:
        _fail(say("cli.notice_form", file=out.name))
    page = _admin_task(lambda session, actor: layout(visible(session, actor, notice_id).data))
    _write_atomically(out, _admin_task(lambda session, actor: writers[out.suffix.lower()](page)))
    typer.echo(out)


@notice_app.command("close")
def notice_close(notice_id: str = typer.Argument(..., help="the notice's id")) -> None:
    """Close a notice whose period is over and whose objections are all resolved."""
    from api.services.notices import close

    _admin_task(lambda session, actor: close(session, actor, notice_id))
    typer.echo(say("cli.notice_closed_now", id=notice_id))


@rectification_app.command("due")
def rectification_due(
    within: int = typer.Option(14, "--within", min=0, max=3650, help="days ahead to warn of"),
    unit: str | None = typer.Option(None, "--unit", help="only the subtree of this unit's code"),
) -> None:
    """Rectification items due within DAYS and those already overdue (docs/rectification.md)."""
    from api.services import rectification

    def due(session, actor):
        day = rectification.today()
        filters = rectification.Filters(under=unit, within=within)
        return day, rectification.views(session, rectification.listed(session, actor, filters, day), day)

    day, items = _admin_task(due)
    if not items:
        typer.echo(say("cli.rectification_none", within=within))
        return
    typer.echo(say("cli.rectification_heading", within=within, count=len(items), today=day.isoformat()))
    for item in items:
        left = item["days_left"]
        key = "cli.rectification_" + ("overdue_line" if left < 0 else "due_today_line" if left == 0 else "due_line")
        typer.echo(
            say(
                key,
                days=abs(item["days_left"]),
                due=item["due"],
                unit=item["unit_name"],
                title=item["title"],
                responsible=item["responsible_name"],
                ruleset_id=item["ruleset"],
                period=item["period"],
                id=item["id"],
            )
        )


@app.command("explain")
def explain_command(record: str = typer.Argument(..., help="the score record's id")) -> None:
    """A stored score record's explanation, with where each input value came from (docs/provenance.md)."""
    from api.services.provenance import explained

    typer.echo(_admin_task(lambda session, actor: explained(session, actor, record)), nl=False)


@units_app.command("import")
def units_import(file: Path = typer.Argument(..., exists=True, dir_okay=False, help=".csv or .xlsx")) -> None:
    """Create, rename or move units (columns 编码, 名称, 类型, 上级编码); all or nothing."""
    from api.services.units import import_units, read_file

    content = file.read_bytes()
    report = _admin_task(
        lambda session, actor: import_units(session, actor, read_file(file.name, content), file.name, content)
    )
    typer.echo(
        f"{file.name}: {len(report.created)} created, {len(report.updated)} updated "
        f"({len(report.moved)} moved), {report.unchanged} unchanged"
    )


@rulesets_app.command("import")
def rulesets_import(
    target: Path = typer.Argument(..., exists=True, help="a ruleset file or a folder of them"),
    periods: str | None = typer.Option(None, help="periods to put them in force for, e.g. 2025,2026 (default: all)"),
) -> None:
    """Store ruleset files: new rulesets, or new published versions of changed ones."""
    with _database()() as session:
        _import(session, target, _periods(periods))


def _announce(host: str, port: int, accounts) -> None:
    """Where to open the pages, and with --demo who can sign in."""
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    typer.echo(say("cli.serving", host=shown, port=port))
    if accounts:
        typer.echo(say("cli.demo_accounts"))
        for account in accounts:
            typer.echo(say("cli.demo_account", name=account.name, password=account.password, duty=account.duty))


@app.command("serve")
def serve(
    host: str = typer.Option("127.0.0.1"),
    port: int = typer.Option(8000),
    workers: int | None = typer.Option(None, help="worker processes (default: one per core)"),
    load: Path | None = typer.Option(None, exists=True, help="import these ruleset files first"),
    periods: str | None = typer.Option(None, help="with --load: the periods they are in force for (default: all)"),
    demo: bool = typer.Option(
        False, help="try it out: the shipped rulesets and example units, and demo accounts with new passwords"
    ),
) -> None:
    """Run the service (SQLite under KAOPING_DATA_DIR, or KAOPING_DATABASE_URL) with its web pages at /ui/."""
    import os
    import shutil

    import uvicorn

    # before anything imports prometheus_client, which picks multiprocess mode once, at import:
    # the workers write their metrics to this folder, emptied at each start
    metrics_folder = _settings().data_dir.resolve() / "metrics"
    shutil.rmtree(metrics_folder, ignore_errors=True)
    metrics_folder.mkdir(parents=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(metrics_folder)
    sessions = _database()  # migrate once, before any worker starts
    if demo and load is None:
        load = ROOT / "rulesets"
    if load is not None:
        with sessions() as session:
            _import(session, load, _periods(periods))
    accounts = []
    if demo:
        from api.services.demo import prepare

        accounts = _admin_task(lambda session, actor: prepare(session, actor, ROOT / "examples" / "units.csv"))
    _announce(host, port, accounts)
    os.environ["KAOPING_MIGRATE_ON_START"] = "false"
    uvicorn.run(
        "api.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers or os.cpu_count() or 1,
        http="api.server:NoDelayHTTPProtocol",
        access_log=False,
        log_level="warning",
    )


if __name__ == "__main__":
    app()
