"""Every message a person reads comes from the catalogue, so English on request reaches
all of them: a scan of the source refuses Chinese written anywhere else, except the
short list of Chinese-only data below; and a sample of each area answers in English
when asked, and in the same Chinese as before when not."""

import ast
import json
import re

import pytest
from typer.testing import CliRunner

from api.cli import app
from engine import RulesetError, load_ruleset
from engine.indicator_table import TableError, read_table
from engine.messages import say, speaking

from .conftest import ROOT, ruleset_dict
from .test_indicator_table import _edited

CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
CATALOGUE_FILE = "engine/messages.py"

# Chinese that is data, not a message: (the module-level names, classes or functions whose
# literals may be Chinese, or "*" for the whole file) and why. A literal elsewhere in the
# same file may repeat one of theirs (a column header read by name).
CHINESE_DATA = {
    "engine/explain.py": ("*", "the explanation of a score: the appraisal's own record, Chinese only"),
    "engine/wording.py": ("*", "the words explanations name total and grade by"),
    "engine/scoring.py": ("*", "each indicator's reason as the score record stores (and hashes) it"),
    "engine/texts.py": ({"held_reason", "band_plan"}, "the reasons of engine/scoring.py a ruleset fixes, made once"),
    "engine/quotas.py": ({"decide_quotas"}, "the quota reason the score record stores"),
    "engine/ballots.py": ({"FIGURE_WORDS"}, "titles made from a ballot's own Chinese titles: ruleset data"),
    "engine/reach.py": ({"what_it_takes"}, "what-it-takes notes, part of the explanation"),
    "engine/batch.py": ({"RANKED_BY", "ranking_rule", "summarize"}, "the batch summary, stored with the batch"),
    "engine/tabular.py": (
        {
            "UNIT_ID",
            "UNIT_NAME",
            "UNIT_PARENT",
            "TRUE",
            "FALSE",
            "ERROR_COLUMNS",
            "DETAIL_COLUMNS",
            "_grade_title",
            "_result_columns",
            "_result_rows",
            "_detail_rows",
            "write_csv",
            "_write_xlsx",
            "_write_summary",
        },
        "the column names a batch file may use, and the result file's sheets and headers (docs/batches.md)",
    ),  # fmt: skip
    "engine/events_file.py": ({"COLUMNS"}, "the column names an events file may use (docs/member-points.md)"),
    "engine/indicator_table.py": (
        {
            "ABOUT",
            "INDICATORS",
            "INPUTS",
            "ADJUSTMENTS",
            "VETOES",
            "GRADES",
            "QUOTAS",
            "STAGES",
            "STAGE_FIELDS",
            "RECTIFICATION",
            "FILLED_FROM",
            "CAUSES",
            "CONSISTENCY",
            "OUTPUTS",
            "TESTS",
            "GUIDE",
            "FLAGS",
            "OUTPUT_TYPES",
            "SEVERITIES",
            "PREVIOUS",
            "PERIODS",
            "ABOUT_COLUMNS",
            "ABOUT_FIELDS",
            "INPUT_COLUMNS",
            "SHEET_COLUMNS",
            "METHODS",
            "TYPES",
            "EFFECTS",
            "TRIGGERS",
            "BALLOTS",
            "BALLOT_KINDS",
            "EMPTY_GROUPS",
            "ELSE_WORD",
            "YES",
            "NO",
            "SEPARATOR",
            "FULLWIDTH_SEMICOLON",
            "FULLWIDTH_COLON",
            "GUIDE_COLUMNS",
            "GUIDE_TEXT",
            "INDICATOR_FIELDS",
            "DIMENSION_FIELDS",
            "SCORE_COLUMNS",
            "RELATIVE_COLUMNS",
            "FROM_POINTS_COLUMN",
            "BATCH_COLUMN",
            "RELATIVE_METHODS",
            "DIRECTIONS",
            "TIES",
            "DISQUALIFIED",
        },
        "the indicator table's sheets, columns, cell words and guide sheet (docs/editor-tools.md)",
    ),  # fmt: skip
    "engine/cases.py": ({"LOWEST_UNIT", "generate", "_cap_edges", "cases_yaml"}, "generated tests: ruleset text"),
    "engine/result.py": ({"DimensionResult"}, "an OpenAPI description naming the Chinese term"),
    "api/app.py": ({"DESCRIPTION"}, "the OpenAPI description, naming the product"),
    "api/cli.py": ({"app"}, "the CLI's help, naming the product"),
    "api/examples.py": ("*", "OpenAPI examples: Chinese data"),
    "api/schemas.py": (
        {
            "ScoreRequest",
            "UnitIn",
            "StageAct",
            "StageReturn",
            "RectificationDone",
            "NoticeIn",
            "ObjectionIn",
            "ResolutionIn",
        },
        "OpenAPI examples: Chinese data",
    ),
    "api/services/notice_docx.py": ({"HEADING_FONT", "BODY_FONT", "TABLE_FONT"}, "the fonts Chinese documents name"),
    "api/services/notice_pdf.py": ({"NO_LINE_START", "_line"}, "Chinese line breaking: punctuation, indent"),
    "api/routes/rulesets.py": ({"EXAMPLE_YAML"}, "an example ruleset"),
    "api/routes/governance.py": ({"import_units"}, "the route's summary names the file's Chinese columns"),
    "api/receipts.py": ({"HOW_TO_CHECK"}, "the receipt's own instructions, part of the receipt file"),
    "api/services/units.py": ({"COLUMNS"}, "the column names a units file may use"),
    "engine/unit_kinds.py": ({"KINDS"}, "the Chinese names of the unit kinds a units file or a stage may use"),
    "api/auth.py": ({"Actor.label"}, "who acted, as records store it"),
    "api/web/pages/ruleset_editor.py": ({"PERIOD_SEPARATORS"}, "the punctuation a clerk may separate periods with"),
    "api/web/pages/signin.py": ({"TOKEN_LABEL"}, "the label stored with a page session's token"),
    "api/web/templating.py": ({"BEIJING"}, "the time zone's name (pages show times without it)"),
}


def _docstrings(tree: ast.AST) -> set[int]:
    kinds = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
    return {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, kinds)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }


def chinese_literals(source: str) -> list[tuple[str, int, str]]:
    """(scope, line, text) of each string constant holding Chinese, docstrings left out;
    the scope is the dotted name of the enclosing classes and functions, or of the
    module-level names an assignment binds."""
    tree = ast.parse(source)
    docstrings = _docstrings(tree)
    found: list[tuple[str, int, str]] = []
    stack: list[tuple[ast.AST, tuple[str, ...]]] = [(tree, ())]
    while stack:
        node, scope = stack.pop()
        for child in ast.iter_child_nodes(node):
            inner = scope
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                inner = (*scope, child.name)
            elif not scope and isinstance(child, ast.Assign | ast.AnnAssign):
                targets = child.targets if isinstance(child, ast.Assign) else [child.target]
                inner = ("|".join(n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)),)
            elif (
                isinstance(child, ast.Constant)
                and isinstance(child.value, str)
                and id(child) not in docstrings
                and CJK.search(child.value)
            ):
                found.append((".".join(scope), child.lineno, child.value))
            stack.append((child, inner))
    return sorted(found, key=lambda item: item[1])


def _allowed(scope: str, names) -> bool:
    """Whether a literal in `scope` is listed: the whole file, an enclosing class or
    function, or one of the names its assignment binds."""
    if names == "*":
        return True
    parts = scope.split(".")
    enclosing = {".".join(parts[:n]) for n in range(1, len(parts) + 1)}
    return bool(names & (enclosing | set(parts[0].split("|"))))


def _sources():
    for root in ("engine", "api"):
        for path in sorted((ROOT / root).rglob("*.py")):
            name = path.relative_to(ROOT).as_posix()
            if name != CATALOGUE_FILE:
                yield name, path.read_text(encoding="utf-8")


def unlisted(name: str, source: str) -> list[str]:
    """The Chinese literals of a file that are neither listed data nor a repeat of it."""
    names, _reason = CHINESE_DATA.get(name, (set(), ""))
    literals = chinese_literals(source)
    data = {text for scope, _, text in literals if _allowed(scope, names)}
    return [f"{name}:{line} {text!r}" for _, line, text in literals if text not in data]


def test_no_message_is_written_outside_the_catalogue():
    written = [found for name, source in _sources() for found in unlisted(name, source)]
    assert not written, "write these in engine/messages.py (zh and en):\n" + "\n".join(written)


def test_the_scan_finds_chinese_anywhere_but_docstrings():
    source = 'def f():\n    """文档"""\n    raise ValueError(f"第 {n} 行")\nX = {"a": "数据"}\n'
    found = [(scope, text) for scope, _, text in chinese_literals(source)]
    assert found == [("f", "第 "), ("f", " 行"), ("X", "数据")]
    assert not _allowed("f", {"X"}) and _allowed("X", {"X"}) and _allowed("Actor.label", {"Actor"})
    assert _allowed("TRUE|FALSE", {"TRUE"}) and _allowed("g", "*")


def test_a_new_message_in_a_listed_file_is_refused_and_a_repeated_column_name_is_not():
    source = (ROOT / "engine" / "tabular.py").read_text(encoding="utf-8")
    assert unlisted("engine/tabular.py", source) == []
    added = source + '\n\ndef _more(path):\n    return f"文件 {path} 太大", "单位编码"\n'
    line = len(added.splitlines())
    assert unlisted("engine/tabular.py", added) == [
        f"engine/tabular.py:{line} '文件 '",
        f"engine/tabular.py:{line} ' 太大'",
    ]


def test_every_allowed_name_still_holds_chinese_data():
    """The list stays short and true: an entry whose Chinese moved away goes too."""
    sources = dict(_sources())
    for name, (names, reason) in CHINESE_DATA.items():
        assert reason, name
        scopes = {scope for scope, _, _ in chinese_literals(sources[name])}
        if names == "*":
            assert scopes, name
            continue
        for allowed in names:
            assert any(_allowed(scope, {allowed}) for scope in scopes), f"{name}: {allowed}"


# ---------------------------------------------------------------- English on request, area by area


def _bands(count: int) -> dict:
    bands = [{"when": f"x >= {i}", "points": 1} for i in range(count, 0, -1)] + [{"else": 0}]
    indicator = {"id": "i", "title": "指标", "points": 1, "score": {"bands": bands}}
    return ruleset_dict(
        inputs={"x": {"type": "number", "title": "X"}},
        dimensions=[{"id": "d", "title": "维度", "indicators": [indicator]}],
    )


def _refusal(text: str) -> list[str]:
    with pytest.raises(RulesetError) as refused:
        load_ruleset(text)
    return [p.message for p in refused.value.problems]


def test_a_limit_refusal_and_the_expression_scan_in_english_on_request():
    too_many = json.dumps(_bands(40), ensure_ascii=False)
    assert "一个指标有 41 个分档, 超过上限 30 个" in _refusal(too_many)
    with speaking("en"):
        assert "an indicator has 41 bands, over the limit of 30" in _refusal(too_many)
    fullwidth = json.dumps(ruleset_dict(consistency=[{"title": "矛盾", "must": "ｘ > 1"}]), ensure_ascii=False)
    [chinese] = _refusal(fullwidth)
    assert "第 1 列的字符 'ｘ' 不是英文字符: 名称、运算符和数字只能用英文书写, 文字须写在引号内" in chinese
    with speaking("en"):
        [english] = _refusal(fullwidth)
    assert "the character 'ｘ' at column 1 is not English" in english


def test_a_batch_file_error_through_the_service_in_english_on_request(village_service, tmp_path):
    path = tmp_path / "county.csv"
    path.write_text("unit_id,收入\nv1,5\n", encoding="utf-8")

    def upload(**headers):
        with path.open("rb") as handle:
            files = {"file": (path.name, handle, "text/csv")}
            url = "/rulesets/village-branch-stars/batches?period=2025"
            return village_service.call("POST", url, "submitter", files=files, headers=headers)

    chinese = upload().json()
    assert chinese["title"] == "批次文件无法读取"
    assert chinese["detail"].startswith(
        "文件 county.csv 中有既不是 village-branch-stars 的输入项也不是单位信息的列: 收入"
    )
    english = upload(**{"Accept-Language": "en"}).json()
    assert english["title"] == "Unreadable batch file"
    assert english["detail"].startswith(
        "the file county.csv has columns that are neither inputs of village-branch-stars nor about the unit: 收入"
    )


def test_an_indicator_table_problem_in_english_on_request():
    content = _edited([("等次", "C2", "很高")])
    with pytest.raises(TableError) as chinese:
        read_table(content)
    assert chinese.value.problems == ["「等次」表第 2 行「最低分」列: 应填一个数, 填的是 '很高'"]
    with speaking("en"), pytest.raises(TableError) as english:
        read_table(content)
    # the sheet and column keep the table's own names
    assert english.value.problems == ["sheet 等次, row 2, column 最低分: must be a number, got '很高'"]
    with speaking("en"), pytest.raises(TableError) as not_a_workbook:
        read_table(b"plain text")
    assert not_a_workbook.value.problems == [
        "the indicator table: not an Excel (.xlsx) file, so it cannot be read as an indicator table"
    ]


def test_scope_and_permission_details_in_english_on_request(village_service):
    english = {"Accept-Language": "en"}
    unknown = village_service.call("GET", "/scores/nothing-here", "auditor")
    assert unknown.json()["detail"] == "没有编号为 'nothing-here' 的评分记录，或它不在您的管辖范围内"
    unknown = village_service.call("GET", "/scores/nothing-here", "auditor", headers=english)
    assert unknown.status_code == 404 and unknown.json()["title"] == "Unknown score"
    assert unknown.json()["detail"] == "there is no score record 'nothing-here', or it is outside your jurisdiction"
    yaml = {"Content-Type": "application/yaml"}
    forbidden = village_service.call("POST", "/rulesets", "reviewer", content=b"kaoping: 1\n", headers=yaml)
    assert forbidden.status_code == 403 and forbidden.json()["detail"] == "需要角色 editor；您的角色是 reviewer"
    forbidden = village_service.call("POST", "/rulesets", "reviewer", content=b"kaoping: 1\n", headers=yaml | english)
    assert forbidden.json()["title"] == "Forbidden"
    assert forbidden.json()["detail"] == "this needs the role editor; your roles are reviewer"


def _kaoping(*args: str):
    """A CLI run; --lang sets this thread's language, which speaking() puts back after it."""
    with speaking("zh"):
        return CliRunner().invoke(app, list(args))


def test_cli_errors_in_english_with_lang_en(tmp_path):
    village = str(ROOT / "rulesets" / "village-branch-stars.yaml")
    chinese = _kaoping("export", village, "-o", str(tmp_path / "table.csv"))
    assert chinese.exit_code == 1 and f"{tmp_path / 'table.csv'}: 指标表须写成 .xlsx 文件" in chinese.output
    english = _kaoping("--lang", "en", "export", village, "-o", str(tmp_path / "table.csv"))
    assert english.exit_code == 1 and "an indicator table is an .xlsx file" in english.output
    english = _kaoping("--lang", "en", "test", village, "--min", "50")
    assert english.exit_code == 1 and "--min goes only with --coverage" in english.output
    binary = tmp_path / "rules.yaml"
    binary.write_bytes(b"kaoping: 1\x00\n")
    english = _kaoping("--lang", "en", "check", str(binary))
    assert "not a ruleset file: it holds binary content (null bytes)" in english.output
    assert not CJK.search(english.output)
    assert say("cli.binary") == "不是规则文件: 含有二进制内容 (空字节)"  # the run left the language as it was
