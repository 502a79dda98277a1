"""The shipped example of the whole appraisal process (examples/appraisal_process.py) runs
end to end against a fresh `kaoping serve`, and its exported notices are readable."""

import importlib.util
import os
import subprocess
import sys

import docx
import httpx
import pypdf
import pytest

from .conftest import ROOT
from .server import free_port, running_service

SCRIPT = ROOT / "examples" / "appraisal_process.py"


def run(env: dict, out) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(SCRIPT), str(out)], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300
    )


@pytest.mark.slow  # the service, two runs of the script and some 20 CLI calls: about 35 s
def test_the_whole_process_against_a_fresh_service(tmp_path):
    out = tmp_path / "out"
    with running_service(tmp_path, load=False) as (base, _tokens):
        env = {
            **os.environ,
            "KAOPING_URL": base,
            "KAOPING_DATA_DIR": str(tmp_path),
            "KAOPING_CLI": f"{sys.executable} -m api.cli",
            "PYTHONPATH": str(ROOT),
        }
        env.pop("KAOPING_DATABASE_URL", None)
        done = run(env, out)
        again = run(env, out)
    assert done.returncode == 0, done.stderr + done.stdout
    text = done.stdout
    assert "village-branch-stars: 已发布第 1 版" in text
    for village in ("红旗村", "东风村"):
        for stage in ("村自评 (提交)", "县复评 (确认)", "县委组织部审定 (确认)"):
            assert f"{village} {stage}" in text, (village, stage)
    assert "红旗村 乡镇初评 (修改后确认): 总分 88.33, 等次 四星" in text
    assert "东风村 村自评 (提交): 总分 77.33, 等次 二星" in text  # 软弱涣散: at most 二星
    assert "修改 collective_income: 6.2 → 5.8, 理由: 账目核实, 应扣除一次性补助0.4万元" in text
    assert "城关镇其余村: 通过 1 个, 跳过 1 个" in text
    for item in ("东风村主题党日开展不足整改", "东风村书记配备整改", "东风村越级上访问题整改", "东风村软弱涣散整顿"):
        assert f"{item} — " in text, item
    assert "东风村主题党日开展不足整改 — 指标 主题党日 得 0 分, 低于 2 分; 责任单位 东风村" in text
    assert "红旗村越级上访问题整改 — 扣分项 越级上访 计 -2 分" in text
    assert "共开出 5 项" in text
    assert "东风村 重点关注 (attention)" in text and "东风村 群众满意度偏低 (notice)" in text
    assert "来源: 修改: 城关镇审核员 (审核员) 在 乡镇初评 修改" in text
    assert "公示-城关镇.docx" in text and "公示-红旗村复核.pdf" in text
    assert "处理结果: 异议成立 (upheld)" in text
    assert "红旗村退回重新评议, 当前环节: county_review" in text
    assert "红旗村 县复评 (修改后确认): 总分 87.33" in text
    assert "修改 mass_satisfaction_pct: 93.5 → 86, 理由: 剔除不合格问卷后重新测算满意率" in text
    assert text.count("已结束") == 2 and "未处理异议 0 件" in text
    assert "红旗村 village-branch-stars 2025: 已公示, 结果确定 (final)" in text
    assert "东风村 village-branch-stars 2025: 已公示, 结果确定 (final)" in text
    assert "东风村主题党日开展不足整改: 已销号" in text
    assert ": open, 村填报员" in text and ": done, 村填报员" in text  # the item's chained events
    assert "东风村主题党日开展不足整改  责任单位" not in text  # done: no longer due
    assert "365 天内到期及已逾期的整改事项 4 项" in text
    assert "记录链完整: 评分记录 10 条" in text  # 2 villages x 4 stages + the re-review's 2
    assert again.returncode == 0, again.stderr + again.stdout
    assert "规则集已在服务中" in again.stdout and "本示例已在这个数据目录中运行过" in again.stdout
    assert "另获东风村" in text and "另获东风村" not in again.stdout  # no second grant on a second run
    assert "红旗村 2025 年度已有 7 个评议环节记录" in again.stdout and "记录链完整: 评分记录 10 条" in again.stdout

    word = docx.Document(str(out / "公示-城关镇.docx"))
    paragraphs = "\n".join(p.text for p in word.paragraphs)
    cells = [cell.text for table in word.tables for row in table.rows for cell in row.cells]
    assert "关于城关镇2025年度村党组织星级评定结果的公示" in paragraphs
    assert "红旗村" in cells and "东风村" in cells
    pdf = "".join(page.extract_text() for page in pypdf.PdfReader(str(out / "公示-红旗村复核.pdf")).pages)
    assert "关于红旗村2025年度村党组织星级评定复核结果的公示" in pdf.replace("\n", "")
    assert "红旗村" in pdf and "东风村" not in pdf


def example_module():
    spec = importlib.util.spec_from_file_location("appraisal_process", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_an_unexpected_answer_stops_the_example_naming_it():
    module = example_module()
    api = module.Service("http://kaoping.invalid")
    refused = httpx.Response(409, json={"title": "Conflict"})
    api.http = httpx.Client(base_url="http://kaoping.invalid", transport=httpx.MockTransport(lambda _request: refused))
    with pytest.raises(module.Unexpected, match=r"POST /notices 返回 HTTP 409（预期 \(201,\)）"):
        api.json("POST", "/notices", "token", (201,), json={})


def test_without_a_service_the_example_exits_non_zero_before_creating_anyone(tmp_path):
    env = {**os.environ, "KAOPING_URL": f"http://127.0.0.1:{free_port()}", "KAOPING_CLI": "false"}
    done = run(env, tmp_path / "out")
    assert done.returncode == 1
    assert "无法连接服务" in done.stderr and "kaoping serve" in done.stderr
    assert "导入单位" not in done.stdout
