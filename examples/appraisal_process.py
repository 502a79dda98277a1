"""The whole appraisal process of a county office, against a running `kaoping serve`:

    terminal 1:  kaoping serve
    terminal 2:  python examples/appraisal_process.py [OUTPUT_FOLDER]

The village star rating of 2025 for 城关镇's villages: four stages (村自评 → 乡镇初评 →
县复评 → 审定), a weak village whose failed indicators open rectification items and raise
flags, a public notice exported as Word and PDF, an objection upheld and re-reviewed, a
second notice, finality, and the chain of records checked at the end. It prints, in
Chinese, what a county office would see at each step.

Run it with the same KAOPING_DATA_DIR (or KAOPING_DATABASE_URL) as the service: its people
are created with `kaoping token create` in the service's database. KAOPING_URL names the
service (default http://127.0.0.1:8000), KAOPING_CLI the command (default `kaoping`).
The exported documents go to OUTPUT_FOLDER (default ./appraisal-process-output).
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import httpx
import yaml

ROOT = Path(__file__).resolve().parent.parent
RULESET = "village-branch-stars"
PERIOD = "2025"
HONGQI, DONGFENG, TOWNSHIP, COUNTY = "cgz-hongqi", "cgz-dongfeng", "cgz", "513321"
RULESET_FILE = ROOT / "rulesets" / f"{RULESET}.yaml"
GRADES = {grade["id"]: grade["title"] for grade in yaml.safe_load(RULESET_FILE.read_text(encoding="utf-8"))["grades"]}

# 东风村 reports weak work: few themed party days and a secretary post vacant (indicators
# scoring 0), two petitions (a deduction), a 软弱涣散 designation (a veto) and low
# satisfaction: rectification items open and the committee's flags are raised.
WEAK = {
    "themed_party_days": 4,
    "secretary_vacancy_months": 5,
    "petition_cases": 2,
    "designated_weak_lax": True,
    "mass_satisfaction_pct": 72,
}

# The notices' dates lie in the past so that they can be closed now (5 working days each).
FIRST_NOTICE = {"opens": "2025-12-08", "working_days": 5}
SECOND_NOTICE = {"opens": "2025-12-22", "working_days": 5}
OBJECTION_RECEIVED = "2025-12-10"


class Unexpected(Exception):
    """An answer the process did not expect: the script stops and says which."""


class Service:
    """The service's HTTP API, each call stating the statuses it expects."""

    def __init__(self, url: str):
        self.http = httpx.Client(base_url=url, timeout=60)

    def call(self, method: str, path: str, token: str, expect: tuple[int, ...] = (200,), **kwargs) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}", **kwargs.pop("headers", {})}
        answer = self.http.request(method, path, headers=headers, **kwargs)
        if answer.status_code not in expect:
            raise Unexpected(f"{method} {path} 返回 HTTP {answer.status_code}（预期 {expect}）:\n{answer.text}")
        return answer

    def json(self, method: str, path: str, token: str, expect: tuple[int, ...] = (200,), **kwargs) -> dict:
        return self.call(method, path, token, expect, **kwargs).json()


def step(title: str) -> None:
    print(f"\n== {title}", flush=True)


def say(line: str) -> None:
    print(f"   {line}", flush=True)


def kaoping(*args: str) -> str:
    """Runs the operator command in the service's data directory and returns its output."""
    command = [*shlex.split(os.environ.get("KAOPING_CLI", "kaoping")), *args]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise Unexpected(f"{' '.join(args)} 失败:\n{done.stderr}")
    return done.stdout


def token(role: str, name: str, unit: str | None = None) -> str:
    return kaoping("token", "create", "--role", role, "--name", name, *(["--unit", unit] if unit else [])).split()[-1]


def stages_path(unit: str) -> str:
    return f"/rulesets/{RULESET}/units/{unit}/periods/{PERIOD}/stages"


def people() -> dict[str, str]:
    step("1. 导入单位, 建立人员及授权")
    kaoping("units", "import", str(ROOT / "examples" / "units.csv"))
    say("单位: examples/units.csv 已导入 (示范州 → 东县 513321 → 城关镇 → 红旗村、东风村 …)")
    tokens = {
        "editor": token("editor", "张编辑"),
        "publisher": token("editor", "陈审核"),
        "village": token("submitter", "村填报员", HONGQI),
        "township": token("reviewer", "城关镇审核员", TOWNSHIP),
        "county": token("reviewer", "县复评员", COUNTY),
        "admin": token("admin", "县委组织部管理员", COUNTY),
    }
    say("村填报员: submitter @ 红旗村 (村自评; 东风村的授权见第 3 步)")
    say("城关镇审核员: reviewer @ 城关镇 (乡镇初评)")
    say(f"县复评员: reviewer @ 东县 {COUNTY} (县复评)")
    say(f"县委组织部管理员: admin @ 东县 {COUNTY} (县委组织部审定, 公示, 异议)")
    say("张编辑、陈审核: editor (载入规则集, 双人发布)")
    return tokens


def ruleset(api: Service, tokens: dict[str, str]) -> None:
    step("2. 载入村党组织星级评定规则集, 发布于 2025 年度")
    text = RULESET_FILE.read_bytes()
    loaded = api.call(
        "POST", "/rulesets", tokens["editor"], (201, 409), content=text, headers={"Content-Type": "application/yaml"}
    )
    if loaded.status_code == 201:
        api.call("POST", f"/rulesets/{RULESET}/versions/1/publish", tokens["publisher"], json={"periods": [PERIOD]})
        say("张编辑载入第 1 版, 陈审核发布 (四眼原则)")
    else:
        say("规则集已在服务中 (此前已载入, 或由 kaoping serve --load 载入), 沿用已发布的版本")
    shown = api.json("GET", f"/rulesets/{RULESET}", tokens["editor"])
    say(f"{shown['id']}: 已发布第 {shown['published_version']} 版")


def already_run(api: Service, tokens: dict[str, str]) -> bool:
    steps = api.json("GET", stages_path(HONGQI), tokens["admin"])["steps"]
    if not steps:
        return False
    step("本示例已在这个数据目录中运行过")
    say(f"红旗村 {PERIOD} 年度已有 {len(steps)} 个评议环节记录; 记录不可改写, 同一期不能再走一遍。")
    say("请用新的数据目录 (KAOPING_DATA_DIR) 启动 kaoping serve 后再运行。")
    return True


def change(field: str, value, reason: str) -> dict:
    """A later stage's step that changes one value, with the reviewer's reason."""
    return {"changes": {field: value}, "reasons": {field: reason}}


def take(api: Service, tok: str, unit: str, stage: str, body: dict) -> dict:
    return api.json("POST", f"{stages_path(unit)}/{stage}", tok, (201,), json=body)


def show_step(name: str, taken: dict) -> None:
    difference = taken.get("difference") or {}
    total, grade = difference.get("total", {}), difference.get("grade", {})
    result = f"总分 {total.get('new')}, 等次 {GRADES.get(grade.get('new'), '无')}"
    say(f"{name} {taken['title']} ({taken['action_title']}): {result}, 记录 {taken['record']}")
    for field in difference.get("fields", []):
        if field.get("reason"):
            say(f"  修改 {field['field']}: {field['old']} → {field['new']}, 理由: {field['reason']}")


def submit(api: Service, tokens: dict[str, str]) -> None:
    step("3. 村自评: 红旗村、东风村提交本村数据")
    # `kaoping grant` refuses a grant already in force: so only on the first run (see already_run)
    kaoping("grant", "村填报员", "submitter", "--unit", DONGFENG)
    say("村填报员另获东风村的填报授权 (kaoping grant 村填报员 submitter --unit cgz-dongfeng)")
    hongqi = json.loads((ROOT / "examples" / "village-hongqi.json").read_text(encoding="utf-8"))["data"]
    show_step("红旗村", take(api, tokens["village"], HONGQI, "self_review", {"data": hongqi}))
    show_step("东风村", take(api, tokens["village"], DONGFENG, "self_review", {"data": {**hongqi, **WEAK}}))


def township(api: Service, tokens: dict[str, str]) -> None:
    step("4. 乡镇初评: 城关镇修改红旗村一项数据 (附理由), 其余村按原数据通过")
    income = change("collective_income", 5.8, "账目核实, 应扣除一次性补助0.4万元")
    show_step("红旗村", take(api, tokens["township"], HONGQI, "township_review", income))
    report = api.json("POST", f"{stages_path(TOWNSHIP)}/township_review/subtree", tokens["township"])
    say(f"城关镇其余村: 通过 {len(report['taken'])} 个, 跳过 {len(report['skipped'])} 个 (红旗村已初评)")


def county(api: Service, tokens: dict[str, str]) -> None:
    step("5. 县复评与县委组织部审定")
    for stage, tok in (("county_review", tokens["county"]), ("county_approval", tokens["admin"])):
        for unit, name in ((HONGQI, "红旗村"), (DONGFENG, "东风村")):
            show_step(name, take(api, tok, unit, stage, {}))


def rectification(api: Service, tokens: dict[str, str]) -> list[dict]:
    step("6. 整改事项: 失分指标、扣分项和否决项开出的整改事项 (城关镇)")
    items = api.json("GET", "/rectification", tokens["admin"], params={"under": TOWNSHIP})["items"]
    for item in items:
        whom = f"责任单位 {item['responsible_name']}, 限 {item['due']} 前"
        say(f"{item['title']} — {item['because']}; {whom}, {item['state_title']}")
    say(f"共开出 {len(items)} 项")
    return items


def flags(api: Service, tokens: dict[str, str]) -> None:
    step("7. 提请县委组织部研究的提示 (GET /flags)")
    listed = api.json("GET", "/flags", tokens["admin"], params={"period": PERIOD, "ruleset": RULESET})
    for entry in listed["items"]:
        for flag in entry["flags"]:
            advice = f": {flag['advice']}" if flag["advice"] else ""
            say(f"{entry['record']['unit']['name']} {flag['title']} ({flag['severity']}){advice}")
    say(f"共 {listed['count']} 个单位有提示")


def provenance(api: Service, tokens: dict[str, str]) -> None:
    step("8. 数据来源: 红旗村被修改的一项")
    current = api.json("GET", stages_path(HONGQI), tokens["admin"])["current"]
    sources = api.json("GET", f"/scores/{current}/provenance", tokens["admin"])["inputs"]
    for source in sources:
        if source["kind"] == "changed":
            say(f"{source['title']} ({source['input']}) = {source['shown']}, 来源: {source['text']}")


def post_notice(api: Service, tokens: dict[str, str], unit: str, dates: dict, title: str) -> dict:
    body = {
        "unit": unit,
        "ruleset": RULESET,
        "period": PERIOD,
        "title": title,
        "issuer": "中共东县县委组织部",
        "contact": "县委组织部组织科, 电话 0836-1234567, 地址 东县人民路1号",
        "text": "经村自评、乡镇初评、县复评和县委组织部审定, 现将评定结果予以公示。",
        **dates,
    }
    notice = api.json("POST", "/notices", tokens["admin"], (201,), json=body)
    say(f"公示 {notice['id']}: {notice['title']}, {notice['opens']} 至 {notice['closes']}")
    for listed in notice["units"]:
        say(f"  {listed['name']}: {listed['grade_title']}, {listed['total']} 分 ({listed['finality_title']})")
    return notice


def export(api: Service, tokens: dict[str, str], notice: dict, out: Path, stem: str) -> None:
    for form in ("docx", "pdf"):
        document = api.call("GET", f"/notices/{notice['id']}/document/{form}", tokens["admin"])
        path = out / f"{stem}.{form}"
        path.write_bytes(document.content)
        say(f"已导出 {path} ({len(document.content)} 字节)")


def objection(api: Service, tokens: dict[str, str], notice: dict) -> None:
    step("10. 异议: 群众反映红旗村满意度测评有误, 核实后异议成立")
    body = {
        "unit": HONGQI,
        "objector": "张某",
        "contact": "13800000000",
        "text": "群众满意度测评中部分问卷未经本人填写",
        "received": OBJECTION_RECEIVED,
    }
    recorded = api.json("POST", f"/notices/{notice['id']}/objections", tokens["admin"], (201,), json=body)
    say(f"异议 {recorded['objection']}: {recorded['unit_name']} — {recorded['text']} ({recorded['received']} 收到)")
    reason = "经县委组织部核实, 有12份问卷不符合要求, 异议成立"
    resolved = api.json(
        "POST",
        f"/notices/{notice['id']}/objections/{recorded['objection']}/resolve",
        tokens["admin"],
        json={"outcome": "upheld", "reason": reason},
    )
    say(f"处理结果: 异议成立 ({resolved['outcome']}), 理由: {resolved['reason']}")
    due = api.json("GET", stages_path(HONGQI), tokens["admin"])["due"]
    say(f"红旗村退回重新评议, 当前环节: {due}")


def rereview(api: Service, tokens: dict[str, str]) -> None:
    step("11. 县复评重新评议红旗村 (附理由), 县委组织部重新审定")
    satisfaction = change("mass_satisfaction_pct", 86, "剔除不合格问卷后重新测算满意率")
    show_step("红旗村", take(api, tokens["county"], HONGQI, "county_review", satisfaction))
    show_step("红旗村", take(api, tokens["admin"], HONGQI, "county_approval", {}))


def close(api: Service, tokens: dict[str, str], notice: dict) -> None:
    closed = api.json("POST", f"/notices/{notice['id']}/close", tokens["admin"])
    say(f"公示 {closed['id']} 已结束 ({closed['closed_on']}), 未处理异议 {closed['open_objections']} 件")


def finality(api: Service, tokens: dict[str, str]) -> None:
    step("13. 各村评定结果是否确定")
    for unit, name in ((HONGQI, "红旗村"), (DONGFENG, "东风村")):
        for result in api.json("GET", f"/units/{unit}/finality", tokens["admin"]):
            say(f"{name} {result['ruleset_id']} {result['period']}: {result['status_title']} ({result['status']})")


def done(api: Service, tokens: dict[str, str], items: list[dict]) -> None:
    step("14. 整改销号: 东风村补开主题党日")
    item = next(i for i in items if i["item"] == "fix_themed_days")
    evidence = {"evidence": "已补开主题党日8次, 会议记录和照片存村部档案柜"}
    marked = api.json("POST", f"/rectification/{item['id']}/done", tokens["village"], json=evidence)
    say(f"{marked['title']}: {marked['state_title']} ({marked['done_on']}), 佐证: {marked['evidence']}")
    for event in api.json("GET", f"/rectification/{item['id']}", tokens["admin"])["history"]:
        say(f"  记录链事件 {event['event']}: {event['action']}, {event['actor']}")
    step("15. kaoping rectification due --within 365")
    for line in kaoping("rectification", "due", "--within", "365").splitlines():
        say(line)


def verify(api: Service, tokens: dict[str, str]) -> None:
    step("最后: 核验整条记录链 (GET /audit/verify)")
    chain = api.json("GET", "/audit/verify", tokens["admin"])
    state = "完整" if chain["intact"] else f"断裂: {chain}"
    say(f"记录链{state}: 评分记录 {chain['records']} 条, 事件 {chain['events']} 条")
    if not chain["intact"]:
        raise Unexpected("记录链核验未通过")


def process(api: Service, out: Path) -> None:
    health = api.http.get("/healthz")  # before any person is created
    if health.status_code != 200:
        raise Unexpected(f"GET /healthz 返回 HTTP {health.status_code}: 服务未就绪")
    tokens = people()
    ruleset(api, tokens)
    if already_run(api, tokens):
        verify(api, tokens)
        return
    submit(api, tokens)
    township(api, tokens)
    county(api, tokens)
    items = rectification(api, tokens)
    flags(api, tokens)
    provenance(api, tokens)
    step("9. 公示城关镇各村评定结果, 导出 Word 和 PDF")
    first = post_notice(api, tokens, TOWNSHIP, FIRST_NOTICE, "关于城关镇2025年度村党组织星级评定结果的公示")
    export(api, tokens, first, out, "公示-城关镇")
    objection(api, tokens, first)
    rereview(api, tokens)
    step("12. 结束第一次公示; 公示红旗村复核后的结果并结束")
    close(api, tokens, first)
    second = post_notice(api, tokens, HONGQI, SECOND_NOTICE, "关于红旗村2025年度村党组织星级评定复核结果的公示")
    export(api, tokens, second, out, "公示-红旗村复核")
    close(api, tokens, second)
    finality(api, tokens)
    done(api, tokens, items)
    verify(api, tokens)


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "appraisal-process-output")
    out.mkdir(parents=True, exist_ok=True)
    api = Service(os.environ.get("KAOPING_URL", "http://127.0.0.1:8000"))
    try:
        process(api, out)
    except Unexpected as problem:
        print(f"\n意外的答复, 示例中止: {problem}", file=sys.stderr)
        return 1
    except httpx.HTTPError as problem:
        print(f"\n无法连接服务 ({problem}); 请先运行 kaoping serve, 或设置 KAOPING_URL", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
