"""A synthetic jurisdiction for the shipped village ruleset, written as CSV and Excel.

    python bench/generate.py --villages 25000 --townships 120 -o county

also writes STEM-units.csv, the county's tree of units (the county, its townships and
villages) for `kaoping units import`: the service scores only units of its tree.

Distributions follow the field's reports where they give a figure:
- 58.3% of villages have a collective income of at least 5万元 (the share of the
  county table in the domain notes), about 8% are "empty shells" with none;
- weak and lax branches are a few percent (Qinghai rectified 480 in two years);
- secretary posts vacant for more than 3 months trigger weak-and-lax status;
- assistance is rated mostly 好/较好, with a small 差 tail;
- about 30% of villages have no migrant members and 60% no photovoltaic station
  (their answers are "NA");
and realistic shapes elsewhere (satisfaction around 88%, team age around 46).
Columns are headed by the inputs' Chinese titles, as users' spreadsheets are.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

from openpyxl import Workbook  # noqa: E402

from engine import load_ruleset  # noqa: E402

RULESET = ROOT / "rulesets" / "village-branch-stars.yaml"


def clip(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))


def village(rng: random.Random) -> dict:
    """One village's submission."""
    band = rng.random()
    if band < 0.08:
        income = 0.0
    elif band < 0.417:  # 58.3% at or above 5万元
        income = round(rng.uniform(0.2, 4.99), 2)
    else:
        income = round(min(5 + rng.lognormvariate(1.0, 0.9), 500), 2)
    vacancy = 0 if rng.random() < 0.9 else rng.choice([1, 2, 3, 4, 6, 9])
    weak = vacancy > 3 or rng.random() < 0.03
    developed = rng.choices([0, 1, 2, 3, 4], [0.2, 0.3, 0.3, 0.15, 0.05])[0]
    return {
        "branch_assemblies": rng.choices([2, 3, 4, 5], [0.05, 0.15, 0.7, 0.1])[0],
        "committee_meetings": rng.choices([8, 10, 11, 12, 13], [0.05, 0.1, 0.15, 0.6, 0.1])[0],
        "party_lectures": rng.choices([1, 2, 3, 4, 5, 6], [0.05, 0.1, 0.2, 0.45, 0.15, 0.05])[0],
        "themed_party_days": rng.choices([6, 8, 10, 11, 12], [0.05, 0.05, 0.1, 0.15, 0.65])[0],
        "has_activity_site": (site := rng.random() < 0.93),
        "site_area": round(rng.uniform(120, 600), 1) if site else 0,
        "site_ten_haves": rng.choices(range(4, 11), [0.02, 0.03, 0.05, 0.1, 0.2, 0.25, 0.35])[0] if site else 0,
        "secretary_vacancy_months": vacancy,
        "secretary_dual_role": rng.random() < 0.7,
        "team_avg_age": round(clip(rng.gauss(46, 5), 30, 65), 1),
        "reserve_cadres": rng.choices([0, 1, 2, 3], [0.1, 0.25, 0.45, 0.2])[0],
        "team_training_rate": round(clip(rng.gauss(0.9, 0.1), 0.3, 1.0), 2),
        "members_developed_2y": developed,
        "years_without_new_member": 0 if developed else rng.choice([0, 1, 2, 3]),
        "member_points_rate": round(clip(rng.gauss(93, 6), 50, 100), 1),
        "democratic_review_done": rng.random() < 0.95,
        "fees_paid_rate_pct": round(clip(rng.gauss(99, 1.2), 90, 100), 1),
        "migrant_members_contact_pct": "NA" if rng.random() < 0.3 else round(clip(rng.gauss(85, 12), 20, 100), 1),
        "collective_income": income,
        "income_growth_pct": round(clip(rng.gauss(6, 8), -50, 100), 1),
        "member_led_projects": rng.choices([0, 1, 2, 3, 4], [0.3, 0.3, 0.2, 0.15, 0.05])[0],
        "cooperative_members_pct": round(clip(rng.gauss(45, 15), 0, 100), 1),
        "pv_station_operating": "NA" if rng.random() < 0.6 else rng.random() < 0.85,
        "poverty_monitor_coverage_pct": rng.choices([100, 98, 95, 90], [0.8, 0.1, 0.06, 0.04])[0],
        "relapse_households": rng.choices([0, 1, 2, 3], [0.9, 0.07, 0.02, 0.01])[0],
        "visits_done_pct": round(clip(rng.gauss(90, 8), 40, 100), 1),
        "convenience_service_items": rng.randint(0, 8),
        "mass_satisfaction_pct": round(clip(rng.gauss(88, 6), 50, 100), 1),
        "four_two_compliance": rng.choices(["全部执行", "部分执行", "未执行"], [0.85, 0.13, 0.02])[0],
        "disputes_resolved_pct": round(clip(rng.gauss(94, 5), 50, 100), 1),
        "village_rules_updated": rng.random() < 0.9,
        "public_disclosures": rng.choices([8, 10, 12], [0.05, 0.1, 0.85])[0],
        "safety_incidents": rng.choices([0, 1], [0.98, 0.02])[0],
        "provincial_awards": rng.choices([0, 1], [0.97, 0.03])[0],
        "innovation_cases": rng.choices([0, 1, 2], [0.75, 0.2, 0.05])[0],
        "petition_cases": rng.choices([0, 1, 2, 3], [0.85, 0.1, 0.04, 0.01])[0],
        "notified_criticisms": rng.choices([0, 1], [0.95, 0.05])[0],
        "overdue_rectifications": rng.choices([0, 1, 2], [0.9, 0.08, 0.02])[0],
        "village_bully_cases": rng.choices([0, 1], [0.995, 0.005])[0],
        "assistance_rating": rng.choices(["好", "较好", "一般", "差"], [0.45, 0.38, 0.13, 0.04])[0],
        "falsified_data": rng.random() < 0.002,
        "designated_weak_lax": weak,
    }


COUNTY = ("county", "示范县")


def jurisdiction(villages: int, townships: int, seed: int = 2025):
    """(unit id, name, township, data) for every village."""
    rng = random.Random(seed)
    for n in range(villages):
        town = n % townships
        yield f"T{town:03d}-V{n:05d}", f"第{n + 1}村", f"第{town + 1}镇", village(rng)


def township_code(village_code: str) -> str:
    return village_code.split("-", 1)[0]


def write_units(path: Path, rows: list[list], townships: int) -> None:
    """The tree the villages belong to, in the columns `kaoping units import` reads."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["编码", "名称", "类型", "上级编码"])
        writer.writerow([*COUNTY, "县", ""])
        writer.writerows([f"T{town:03d}", f"第{town + 1}镇", "镇", COUNTY[0]] for town in range(townships))
        writer.writerows([uid, name, "村", township_code(uid)] for uid, name, *_ in rows)


def write_county(stem: Path, villages: int, townships: int) -> tuple[Path, Path, Path]:
    """STEM.csv, STEM.xlsx and STEM-units.csv for a synthetic county."""
    inputs = load_ruleset(RULESET).model.inputs
    # no remarks, and no last year's grade: the service fills that from the unit's record
    names = [name for name in inputs if name != "remarks" and inputs[name].previous is None]
    headers = ["单位编码", "单位名称", "乡镇"] + [inputs[name].title for name in names]
    rows = [
        [uid, name, town] + [_cell(data[n]) for n in names]
        for uid, name, town, data in jurisdiction(villages, townships)
    ]
    csv_path, xlsx_path = stem.with_suffix(".csv"), stem.with_suffix(".xlsx")
    with csv_path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        writer.writerows(rows)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("村级数据")
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    workbook.save(xlsx_path)
    units_path = units_file(stem)
    write_units(units_path, rows, townships)
    return csv_path, xlsx_path, units_path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--villages", type=int, default=25000)
    parser.add_argument("--townships", type=int, default=120)
    parser.add_argument(
        "-o", "--output", type=Path, default=Path("county"), help="file stem: STEM.csv, STEM.xlsx, STEM-units.csv"
    )
    args = parser.parse_args()
    csv_path, xlsx_path, units_path = write_county(args.output, args.villages, args.townships)
    print(f"{args.villages} villages under {args.townships} townships: wrote {csv_path}, {xlsx_path} and {units_path}")


def units_file(stem: Path) -> Path:
    return stem.with_name(stem.name + "-units.csv")


def _cell(value):
    if value is True:
        return "是"
    if value is False:
        return "否"
    return value


if __name__ == "__main__":
    main()
