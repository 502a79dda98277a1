"""The `kaoping` command: score, test and check rulesets offline; run the service."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import typer

from engine import InputError, KaopingError, RulesetError, load_ruleset, score
from engine.checks import check_ruleset
from engine.decimals import plain
from engine.explain import explain_text
from engine.loader import parse_document
from engine.testing import run_tests

app = typer.Typer(help="kaoping (考评): appraisal rulesets that explain every score.", no_args_is_help=True)


def _fail(message: str, code: int = 1) -> None:
    typer.echo(message, err=True)
    raise typer.Exit(code)


def read_submission(path: Path) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """(data, unit) from a JSON or YAML file: either the input values alone, or
    {"unit": {...}, "period": ..., "data": {...}}."""
    try:
        document = parse_document(path.read_text(encoding="utf-8"), str(path))
    except RulesetError as error:
        _fail(str(error.problems[0]))
    if (
        isinstance(document, dict)
        and isinstance(document.get("data"), dict)
        and set(document) <= {"unit", "period", "data"}
    ):
        return document["data"], document.get("unit")
    return document, None


def _load(path: Path):
    try:
        return load_ruleset(path)
    except RulesetError as error:
        typer.echo(f"{path}: ruleset refused, {len(error.problems)} problem(s):", err=True)
        for problem in error.problems:
            typer.echo(f"  {problem}", err=True)
        raise typer.Exit(1) from None


@app.command("score")
def score_command(
    ruleset: Path = typer.Argument(..., exists=True, dir_okay=False, help="ruleset YAML or JSON"),
    submission: Path = typer.Argument(..., exists=True, dir_okay=False, help="a unit's data, JSON or YAML"),
    as_json: bool = typer.Option(False, "--json", help="print the full result as JSON"),
) -> None:
    """Score one unit and explain the result."""
    loaded = _load(ruleset)
    data, unit = read_submission(submission)
    try:
        result = score(loaded, data, unit=unit)
    except InputError as error:
        typer.echo(f"{submission}: submission refused, {len(error.problems)} problem(s):", err=True)
        for problem in error.problems:
            extra = f" (expected {problem.expected}, got {problem.got})" if problem.expected else ""
            typer.echo(f"  {problem}{extra}", err=True)
        raise typer.Exit(1) from None
    except KaopingError as error:
        _fail(str(error))
    if as_json:
        typer.echo(result.model_dump_json(indent=2))
    else:
        typer.echo(explain_text(result))


def _ruleset_files(target: Path) -> list[Path]:
    if target.is_dir():
        return sorted(p for p in target.iterdir() if p.suffix in (".yaml", ".yml", ".json"))
    return [target]


@app.command("test")
def test_command(
    target: Path = typer.Argument(..., exists=True, help="a ruleset file or a folder of them"),
) -> None:
    """Run the embedded tests of one ruleset or of every ruleset in a folder."""
    failed = passed = 0
    for path in _ruleset_files(target):
        try:
            loaded = load_ruleset(path)
        except RulesetError as error:
            failed += 1
            typer.echo(f"FAIL {path}: ruleset refused")
            for problem in error.problems:
                typer.echo(f"     {problem}")
            continue
        for outcome in run_tests(loaded):
            if outcome.passed:
                passed += 1
                typer.echo(f"ok   {loaded.id}: {outcome.name}")
                continue
            failed += 1
            typer.echo(f"FAIL {loaded.id}: {outcome.name}")
            for mismatch in outcome.mismatches:
                typer.echo(f"     {mismatch.what}: expected {mismatch.expected}, got {mismatch.actual}")
    typer.echo(f"{passed} passed, {failed} failed")
    if failed:
        raise typer.Exit(1)


@app.command("check")
def check_command(ruleset: Path = typer.Argument(..., exists=True, dir_okay=False)) -> None:
    """Refuse a bad ruleset with every problem, or warn of likely mistakes and show its range."""
    loaded = _load(ruleset)
    report = check_ruleset(loaded.model, len(loaded.compiled.conditions))
    typer.echo(
        f"{loaded.id}: valid ({report.indicators} indicators, {report.conditions} engine rules, "
        f"{len(loaded.compiled.facts)} facts per unit)"
    )
    typer.echo(f"reachable total: {plain(report.lowest_total)} to {plain(report.highest_total)}")
    for warning in report.warnings:
        typer.echo(f"warning: {warning}")
    if not report.warnings:
        typer.echo("no warnings")


def main() -> None:  # pragma: no cover - console entry
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
