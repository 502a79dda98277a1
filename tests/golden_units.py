"""Seeded random valid units of every shipped ruleset, and the golden JSON of their results.

The golden files pin the bytes of a result: they were written by the scoring code of the
commit named in tests/golden/COMMIT, before results were built without pydantic, and
tests/test_golden_results.py asserts that today's code writes the same bytes for the same
units under the same rulesets: the rulesets as that commit shipped them are kept beside
the files (tests/golden/rulesets/), since a shipped ruleset may change later. Each unit
may carry ballots (a ruleset's generated count inputs), "NA" where an input
allows it, a relative reference (its place among the other units of its file) and inputs
the service filled from an earlier record.

    python -m tests.golden_units      # rewrite tests/golden/ (only when bytes may change)

They were written by the old code itself: `git archive 3721e88 | tar -x -C TREE`, this file
copied to TREE/tests/, `python -m tests.golden_units 3721e88e...` run in TREE.
"""

from __future__ import annotations

import gzip
import json
import random
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

from bench.synthetic import ruleset_dict as synthetic_ruleset
from engine import InputError, LoadedRuleset, load_ruleset, score
from engine.inputs import validate_input
from engine.relative import own_values, references
from engine.result import FilledInput, Reference

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"
UNITS_PER_RULESET = 30
SCORING_RULESETS = sorted(p for p in (ROOT / "rulesets").glob("*.yaml") if "points" not in p.name)
TEXTS = ("", "情况说明", 'a "quoted" \\ back\\slash', "第一行\n第二行\t制表", "emoji 😀 ≈ ½", "\x01控制\x1f")


def shipped_rulesets() -> dict[str, LoadedRuleset]:
    """Every shipped scoring ruleset (party-member-points scores members, not units:
    its results are not `Result`s) and the bench's synthetic one, by name."""
    found = {path.stem: load_ruleset(path) for path in SCORING_RULESETS}
    found["synthetic-50"] = load_ruleset(json.dumps(synthetic_ruleset(), ensure_ascii=False))
    return found


def golden_rulesets() -> dict[str, LoadedRuleset]:
    """The rulesets the golden files were written under, by name (see write_golden)."""
    return {path.stem: load_ruleset(path) for path in sorted((GOLDEN / "rulesets").glob("*"))}


def example_units() -> dict[str, list[dict]]:
    """The example submissions in examples/, by the ruleset they are for."""
    by_ruleset = {
        "village-hongqi.json": "village-branch-stars",
        "township-hekou.json": "township-secretary-review",
        "township-secretary-zhangjiazhen.json": "township-secretary-review",
        "county-example.json": "city-county-poverty-appraisal",
    }
    found: dict[str, list[dict]] = {}
    for name, ruleset in by_ruleset.items():
        example = json.loads((ROOT / "examples" / name).read_text(encoding="utf-8"))
        found.setdefault(ruleset, []).append({"data": example["data"], "unit": example.get("unit")})
    return found


def _number(rng: random.Random, spec, integer: bool):
    low = Decimal(0) if spec.min is None else spec.min
    high = low + 200 if spec.max is None else spec.max
    if integer:
        return rng.randint(int(low), int(high))
    return float(round(Decimal(rng.uniform(float(low), float(high))), 2).max(low).min(high))


def random_data(rng: random.Random, ruleset: LoadedRuleset) -> dict:
    """One random submission every input of which is valid on its own."""
    data: dict = {}
    for name, spec in ruleset.model.inputs.items():
        if not spec.required and rng.random() < (0.5 if spec.previous else 0.2):
            continue  # a `previous` input left for the service, which fills half of them
        if spec.na_allowed and rng.random() < 0.15:
            data[name] = "NA"
        elif spec.type == "boolean":
            data[name] = rng.random() < 0.3
        elif spec.type == "choice":
            data[name] = rng.choice(spec.choices)
        elif spec.type == "text":
            data[name] = rng.choice(TEXTS)
        else:
            data[name] = _number(rng, spec, spec.type == "integer")
    return data


def random_units(rng: random.Random, ruleset: LoadedRuleset, count: int) -> list[dict]:
    """`count` units that score (draws the ruleset refuses as a whole are drawn again)."""
    units = []
    for attempt in range(count * 50):
        if len(units) == count:
            break
        data = random_data(rng, ruleset)
        try:
            score(ruleset, data)
        except InputError:
            if not ruleset.model.relative_indicators():
                continue
            try:  # a relative ruleset's unit needs a reference: check its inputs alone
                validate_input(ruleset.model, data)
            except InputError:
                continue
        unit = {"id": f"u{attempt}", "name": f"单位{attempt}", "parent": rng.choice([None, "示例县"])}
        units.append({"data": data, "unit": unit if rng.random() < 0.8 else None})
    return units


def with_context(rng: random.Random, ruleset: LoadedRuleset, units: list[dict], batch: str) -> list[dict]:
    """Each unit with a relative reference among the others (for a relative ruleset) and,
    for about a third, inputs the service filled from an earlier record."""
    if ruleset.model.relative_indicators():
        owns = {}
        for index, unit in enumerate(units):
            ref = unit["unit"]["id"] if unit["unit"] else None
            owns[index] = own_values(ruleset.model, validate_input(ruleset.model, unit["data"]), ref)
        for index, reference in references(ruleset.model, batch, owns).items():
            units[index]["reference"] = reference.model_dump(mode="json")
    names = list(ruleset.model.inputs)
    previous = [name for name, spec in ruleset.model.inputs.items() if spec.previous]
    for unit in units:
        picked = [name for name in previous if name in unit["data"]]  # as the service fills them
        if rng.random() < 0.33:
            picked += rng.sample(names, k=min(2, len(names)))
        if picked:
            record = f"rec-{rng.randint(1, 999)}"
            unit["filled"] = [{"input": name, "record": record, "period": "2024"} for name in dict.fromkeys(picked)]
    return units


def scoring_args(unit: dict) -> dict:
    """The keyword arguments of `score` / `score_lean` for a golden unit."""
    reference = unit.get("reference")
    filled = unit.get("filled")
    return {
        "unit": unit["unit"],
        "filled": [FilledInput(**f) for f in filled] if filled else None,
        "reference": Reference.model_validate(reference) if reference else None,
    }


def score_json(ruleset: LoadedRuleset, unit: dict) -> str:
    """A golden unit's result as the JSON every store and download writes."""
    return score(ruleset, unit["data"], **scoring_args(unit)).model_dump_json()


def golden_units(seed: int = 11) -> dict[str, list[dict]]:
    """Every shipped ruleset's units: its examples first, then random ones; those that
    cannot be scored (a relative unit whose reference leaves it unscorable) left out."""
    rulesets = shipped_rulesets()
    examples = example_units()
    found = {}
    for name, ruleset in rulesets.items():
        rng = random.Random(f"{seed}-{name}")
        units = examples.get(name, []) + random_units(rng, ruleset, UNITS_PER_RULESET)
        kept = []
        for unit in with_context(rng, ruleset, units, f"golden-{name}"):
            try:
                unit["json"] = score_json(ruleset, unit)
            except InputError:
                continue
            kept.append(unit)
        found[name] = kept
    return found


def read_golden(name: str) -> list[dict]:
    with gzip.open(GOLDEN / f"{name}.jsonl.gz", "rt", encoding="utf-8") as file:
        return [json.loads(line) for line in file]


def write_golden(commit: str | None = None) -> None:
    """Write tests/golden/ from this tree's code, with the rulesets it scored under;
    `commit` names it when the tree is an extracted archive (git archive COMMIT)."""
    (GOLDEN / "rulesets").mkdir(parents=True, exist_ok=True)
    for path in SCORING_RULESETS:
        (GOLDEN / "rulesets" / path.name).write_bytes(path.read_bytes())
    synthetic = json.dumps(synthetic_ruleset(), ensure_ascii=False, indent=1)
    (GOLDEN / "rulesets" / "synthetic-50.json").write_text(synthetic + "\n", encoding="utf-8")
    for name, units in golden_units().items():
        with gzip.GzipFile(GOLDEN / f"{name}.jsonl.gz", "wb", mtime=0) as file:
            for unit in units:
                file.write(json.dumps(unit, ensure_ascii=False).encode() + b"\n")
        print(f"{name}: {len(units)} units")
    if commit is None:
        done = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, cwd=ROOT, check=True)
        commit = done.stdout.strip()
    (GOLDEN / "COMMIT").write_text(commit + "\n", encoding="utf-8")


if __name__ == "__main__":
    write_golden(sys.argv[1] if len(sys.argv) > 1 else None)
