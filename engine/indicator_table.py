"""Rulesets as the Excel indicator tables appraisal offices keep, and back.

An office writes its scheme as one row per indicator (一级指标 / 二级指标 / 分值 /
评分标准 ...), not as YAML. `write_table` lays a ruleset out in that shape and
`read_table` turns such a workbook into ruleset YAML, reporting every problem by sheet,
row and column. The layout (sheets, columns, cell forms) is documented in
docs/editor-tools.md; `export` then `import` gives back a ruleset whose parsed model
equals the original's.

Numbers stay exact: a number is written as a number cell only when reading that cell
back gives the same digits (otherwise as text, e.g. "0.10"), and a number cell is read
by its shortest decimal form.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from . import strictjson, yamltext
from .ballots import generated_inputs
from .compiler import indicator_inputs
from .errors import BatchFileError, KaopingError, RulesetError
from .loader import LoadedRuleset, load_text
from .messages import listing, say
from .model import RECTIFICATION_TRIGGERS, ClassWeights, GradeCap, InputSpec, Rectification, Ruleset
from .workbooks import open_workbook, sheet_values

# ---------------------------------------------------------------- the layout

ABOUT, INDICATORS, INPUTS, ADJUSTMENTS, VETOES, GRADES = "说明", "指标", "输入", "加扣分", "一票否决", "等次"
QUOTAS, CONSISTENCY, OUTPUTS, TESTS, GUIDE = "名额控制", "一致性", "计算结果", "测试", "填写说明"
BALLOTS = "民主测评"
FLAGS = "提示事项"
STAGES = "评议环节"  # docs/stages.md
RECTIFICATION = "整改事项"  # docs/rectification.md

ABOUT_COLUMNS = ["字段", "值"]
ABOUT_FIELDS = {
    "格式版本": "kaoping",
    "规则编码": "id",
    "名称": "title",
    "说明": "description",
    "考评对象": "subject",
    "小数位数": "precision",
    "考核周期": "period",  # docs/periods.md
}
INPUT_COLUMNS = [
    "输入编码",
    "输入名称",
    "单位",
    "类型",
    "最小值",
    "最大值",
    "选项",
    "必填",
    "默认值",
    "可填NA",
    "输入说明",
    "取自上期",
]
INPUT_FIELDS = dict(zip(INPUT_COLUMNS, ["id", "title", "unit", "type", "min", "max", "choices", "required",
                                        "default", "na_allowed", "description", "previous"], strict=True))  # fmt: skip
SCORE_COLUMNS = [
    "一级指标", "维度编码", "权重依据", "维度权重", "维度说明",
    "二级指标", "指标编码", "分值", "评分方法", "评分依据",
    "零分值", "满分值", "低于", "高于", "步长", "每单位分值", "分档", "评分标准",
]  # fmt: skip
INDICATOR_COLUMNS = [*SCORE_COLUMNS, *INPUT_COLUMNS]
# columns written only where a ruleset uses the extension, so that other tables keep their shape
RELATIVE_COLUMNS = ["比较方式", "方向", "最低分", "并列", "均值分", "取消资格单位"]  # docs/relative-scoring.md
FROM_POINTS_COLUMN = "取自党员积分"  # docs/member-points.md: "规则集编码: 汇总值"
BATCH_COLUMN = "同批次单位"  # a relative ruleset's test: the other units of its batch, as JSON
OPTIONAL_COLUMNS = {
    INDICATORS: [*RELATIVE_COLUMNS, FROM_POINTS_COLUMN],
    INPUTS: [FROM_POINTS_COLUMN],
    TESTS: [BATCH_COLUMN],
}
SHEET_COLUMNS = {
    INDICATORS: INDICATOR_COLUMNS,
    INPUTS: INPUT_COLUMNS,
    ADJUSTMENTS: ["分组编码", "分组名称", "封顶", "项目编码", "项目名称", "方式", "条件或输入", "分值"],
    VETOES: ["编码", "名称", "条件", "后果", "封顶等次"],
    GRADES: ["编码", "名称", "最低分", "前置条件"],
    QUOTAS: ["等次编码", "最高比例", "并列排序"],
    CONSISTENCY: ["名称", "条件"],
    OUTPUTS: ["编码", "名称", "公式", "类型"],
    FLAGS: ["编码", "名称", "条件", "级别", "建议"],
    STAGES: ["编码", "名称", "角色", "层级", "可修改"],
    RECTIFICATION: ["编码", "名称", "引起方式", "引起项编码", "低于", "责任单位", "整改期限天数"],
    TESTS: ["名称", "输入", "预期"],
    BALLOTS: ["测评编码", "测评名称", "测评说明", "无票评议组", "类别", "编码", "名称", "分值或权重"],
}
STAGE_FIELDS = {"id": "编码", "title": "名称", "role": "角色", "level": "层级", "may_edit": "可修改"}
RECTIFICATION_FIELDS = {
    "id": "编码",
    "title": "名称",
    "below": "低于",
    "responsible": "责任单位",
    "deadline_days": "整改期限天数",
    **dict.fromkeys(RECTIFICATION_TRIGGERS, "引起项编码"),
}
METHODS = {
    "bands": "分档",
    "check": "条件",
    "linear": "线性",
    "deduct": "扣分",
    "award": "加分",
    "formula": "公式",
    "relative": "相对评价",
}
RELATIVE_METHODS = {"rank": "名次", "best": "与最优值之比", "mean": "与均值比较"}
DIRECTIONS = {"higher": "越高越好", "lower": "越低越好"}
TIES = {"shared": "并列占位", "dense": "并列不占位"}
DISQUALIFIED = {"exclude": "不参与比较", "include": "参与比较"}
TYPES = {"number": "数值", "integer": "整数", "boolean": "是否", "choice": "选项", "text": "文本"}
EFFECTS = {"disqualify": "取消资格", "lowest": "最低等次", "cap": "封顶"}
OUTPUT_TYPES = {"number": "数值", "text": "文本", "boolean": "是否"}
SEVERITIES = {"notice": "提示", "attention": "关注", "warning": "警示"}
PERIODS = {"year": "年度", "quarter": "季度", "month": "月度"}
PREVIOUS = {"grade": "等次"}  # what `取自上期` may name: the unit's grade of the period before
FILLED_FROM = {"rectification_overdue": "逾期整改数"}  # or: the count of the unit's overdue items
CAUSES = {"indicator": "指标", "deduction": "扣分项", "veto": "否决"}  # what opens a rectification item
TRIGGERS = {"when": "条件", "per": "按数量"}
BALLOT_KINDS = {"choices": "选项", "groups": "评议组"}
EMPTY_GROUPS = {"refuse": "拒绝提交", "reweight": "按权重折算"}
ELSE_WORD = "其余"
ARROW = "→"
YES, NO = "是", "否"
SEPARATOR = "、"  # between the values of a cell (choices, tie-break names)
FULLWIDTH_SEMICOLON = "；"  # as a Chinese keyboard types it between class weights: read as ";"
FULLWIDTH_COLON = "："  # as a Chinese keyboard types it in 取自党员积分: read as ":"
GUIDE_COLUMNS = ["表", "填写方法"]

GUIDE_TEXT = [
    ("说明", "规则的编码、名称、小数位数和考核周期 (年度、季度或月度, 不填则各种期间都收), 每行一个字段。"),
    ("指标", "每个二级指标一行。一级指标(维度)的编码、名称、权重只在它的第一行填写, 之后各行留空即属于同一维度。"),
    ("", "评分方法: 分档、条件、线性、扣分、加分、公式。评分依据: 条件、公式, 或线性/扣分/加分所读的输入或算式。"),
    ("", "分档: 每行一档 '条件 → 分值', 最后可有 '其余 → 分值'。权重依据填选项输入时, 维度权重写 '一类=30; 二类=25'。"),
    ("", "每行可同时定义该指标读取的一个输入 (输入编码、名称、单位、类型、范围等); 其余输入写在「输入」表。"),
    (
        "",
        "相对评价: 评分依据填比较的输入或算式; 比较方式: 名次 (填步长, 可填最低分与并列: 并列占位或并列不占位)、"
        "与最优值之比、与均值比较 (填均值分与每单位分值); 方向: 越高越好 (默认) 或越低越好; "
        "取消资格单位: 不参与比较 (默认) 或参与比较。这些列只在有相对评价指标时出现。",
    ),
    ("输入", "其他填报项, 列与「指标」表的输入列相同。类型: 数值、整数、是否、选项、文本。选项用顿号或换行分隔。"),
    (
        "",
        "取自党员积分: 写 '规则集编码: 汇总值' (如 party-member-points: member_points_coverage_pct),"
        " 服务按支部党员积分自动填入。",
    ),
    (
        "加扣分",
        "每个加分或扣分项目一行; 分组的编码、名称、封顶只在第一行填写。"
        "方式: 条件 (成立时给分) 或 按数量 (分值 × 输入)。",
    ),
    ("一票否决", "后果: 取消资格、最低等次、封顶 (在「封顶等次」填等次编码)。"),
    ("等次", "从高到低, 每个等次一行; 前置条件每行一个。"),
    ("名额控制", "最高比例写小数或分数 (如 1/3); 并列排序填维度、指标或输入编码, 用顿号分隔。"),
    ("计算结果", "类型: 数值 (默认)、文本、是否。"),
    (
        "提示事项",
        "每个提示事项一行; 级别: 提示、关注 (默认)、警示。输入列「取自上期」填 等次 时, 服务自动填入上一期的等次。",
    ),
    (STAGES, "每个评议环节一行, 按先后次序。角色: submitter、reviewer、admin; 层级: 村、乡镇、县等单位类型。"),
    ("", "可修改填否的环节只能确认或退回, 不能修改数据。"),
    (
        RECTIFICATION,
        "每个整改事项一行。引起方式: 指标 (得 0 分, 或填「低于」时低于该分数)、扣分项、否决; 引起项编码填其编码。"
        "名称可写 {unit} (单位名称) 与 {period} (考核期); 责任单位填 unit (本单位) 或 乡镇、县等上级层级。"
        "输入列「取自上期」填 逾期整改数 时, 服务自动填入本单位逾期未销号的整改事项数。",
    ),
    ("测试", "输入与预期写 JSON; 有相对评价指标时, 同批次单位写其他单位输入的 JSON 列表。"),
    (
        "民主测评",
        "每个测评的每个选项、每个评议组一行; 测评的编码、名称、说明和无票评议组 (拒绝提交或按权重折算) 只在第一行填写。"
        "类别: 选项 (分值或权重填每票分值) 或 评议组 (填权重, 各组之和为 1, 可写分数如 1/3)。",
    ),
]


class TableError(KaopingError):
    """A workbook that cannot be read as an indicator table; `problems` lists each, in the
    reader's language (the sheet and column names stay the table's own)."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


# ---------------------------------------------------------------- cells


def _cell_number(value: Decimal) -> float | str:
    """A number cell when reading it back gives the same digits, else text."""
    as_float = float(value)
    return as_float if _float_text(as_float) == str(value) else str(value)


def _float_text(value: float) -> str:
    return str(int(value)) if value.is_integer() else repr(value)


def _json_text(value: Any) -> str:
    """JSON with decimals written as their exact digits."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_json_text(str(k))}: {_json_text(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_json_text(v) for v in value) + "]"
    if isinstance(value, Decimal):
        return str(value)
    if value is None or isinstance(value, bool | int | str):
        return json.dumps(value, ensure_ascii=False)
    return _json_text(str(value))


def _yes_no(value: bool) -> str:
    return YES if value else NO


# ---------------------------------------------------------------- writing


@dataclass(frozen=True)
class _Layout:
    """Which optional columns a ruleset's table has."""

    relative: bool
    from_points: bool
    batch: bool

    @classmethod
    def of(cls, ruleset: Ruleset) -> _Layout:
        return cls(
            bool(ruleset.relative_indicators()),
            any(spec.from_points is not None for spec in ruleset.inputs.values()),
            any(test.batch is not None for test in ruleset.tests),
        )

    def columns(self, title: str) -> list[str]:
        if title == INDICATORS:
            relative = RELATIVE_COLUMNS if self.relative else []
            return [*SCORE_COLUMNS, *relative, *self.columns(INPUTS)]
        if title == INPUTS:
            return [*INPUT_COLUMNS, *([FROM_POINTS_COLUMN] if self.from_points else [])]
        if title == TESTS:
            return [*SHEET_COLUMNS[TESTS], *([BATCH_COLUMN] if self.batch else [])]
        return SHEET_COLUMNS[title]


def _input_cells(name: str, spec: InputSpec, layout: _Layout) -> list[Any]:
    default = spec.default
    if isinstance(default, bool):
        default = _yes_no(default)
    elif isinstance(default, Decimal):
        default = _cell_number(default)
    choices = spec.choices
    joined = None
    if choices is not None:
        joined = "\n".join(choices) if any(SEPARATOR in c for c in choices) else SEPARATOR.join(choices)
    return [
        name,
        spec.title,
        spec.unit,
        TYPES[spec.type],
        None if spec.min is None else _cell_number(spec.min),
        None if spec.max is None else _cell_number(spec.max),
        joined,
        _yes_no(spec.required),
        default,
        _yes_no(spec.na_allowed),
        spec.description,
        _filled_word(spec),
        *([_from_points_text(spec)] if layout.from_points else []),
    ]


def _from_points_text(spec: InputSpec) -> str | None:
    source = spec.from_points
    return None if source is None else f"{source.ruleset}: {source.figure}"


def _relative_cells(score) -> list[Any]:
    """比较方式, 方向, 最低分, 并列, 均值分, 取消资格单位 of a relative score (else empty)."""
    relative = score.relative
    if relative is None:
        return [None] * len(RELATIVE_COLUMNS)
    return [
        RELATIVE_METHODS[relative.method],
        DIRECTIONS[relative.direction],
        _number_or_none(relative.floor),
        None if relative.ties is None else TIES[relative.ties],
        _number_or_none(relative.at_mean),
        DISQUALIFIED[relative.disqualified],
    ]


def _filled_word(spec: InputSpec) -> str | None:
    """The `取自上期` cell: what the service fills the input from, if anything."""
    if spec.previous is not None:
        return PREVIOUS[spec.previous]
    return None if spec.filled_from is None else FILLED_FROM[spec.filled_from]


def _rectification_row(item: Rectification) -> list[Any]:
    below = None if item.below is None else _cell_number(item.below)
    cause = getattr(item, item.trigger)
    return [item.id, item.title, CAUSES[item.trigger], cause, below, item.responsible, item.deadline_days]


def _number_or_none(value: Decimal | None) -> float | str | None:
    return None if value is None else _cell_number(value)


def _indicator_rows(ruleset: Ruleset, generated: set[str], layout: _Layout) -> tuple[list[list[Any]], set[str]]:
    rows, placed = [], set(generated)
    for dimension in ruleset.dimensions:
        for position, indicator in enumerate(dimension.indicators):
            dim_cells: list[Any] = [None] * 5
            if position == 0:
                weight = dimension.weight
                if isinstance(weight, ClassWeights):
                    by, shown = weight.by, "; ".join(f"{k}={v}" for k, v in weight.values.items())
                else:
                    by, shown = None, _number_or_none(weight)
                dim_cells = [dimension.title, dimension.id, by, shown, dimension.description]
            score = indicator.score
            method = score.method
            basis = zero_at = full_at = below = above = step = per = bands = None
            if method == "bands":
                bands = "\n".join(
                    f"{ELSE_WORD} {ARROW} {b.value}" if b.is_else else f"{b.when.text} {ARROW} {b.value}"
                    for b in score.bands
                )
            elif method in ("check", "formula"):
                basis = getattr(score, method).text
            elif method == "linear":
                basis = score.linear.of.text
                zero_at, full_at = _cell_number(score.linear.zero_at), _cell_number(score.linear.full_at)
            elif method == "relative":
                basis = score.relative.of.text
                step, per = _number_or_none(score.relative.step), _number_or_none(score.relative.per)
            else:
                count = getattr(score, method)
                basis, per = count.of.text, _cell_number(count.points)
                below, above, step = map(_number_or_none, (count.below, count.above, count.step))
            reads = [n for n in sorted(indicator_inputs(indicator)) if n in ruleset.inputs and n not in placed]
            input_cells: list[Any] = [None] * len(layout.columns(INPUTS))
            if reads:
                placed.add(reads[0])
                input_cells = _input_cells(reads[0], ruleset.inputs[reads[0]], layout)
            rows.append(
                [
                    *dim_cells,
                    indicator.title,
                    indicator.id,
                    _cell_number(indicator.points),
                    METHODS[method],
                    basis,
                    zero_at,
                    full_at,
                    below,
                    above,
                    step,
                    per,
                    bands,
                    indicator.description,
                    *(_relative_cells(score) if layout.relative else []),
                    *input_cells,
                ]
            )
    return rows, placed


def _ballot_rows(ruleset: Ruleset) -> list[list[Any]]:
    """Each ballot's choices, then its groups, one a row; the ballot itself on its first row."""
    rows = []
    for ballot in ruleset.ballots:
        head = [ballot.id, ballot.title, ballot.description, EMPTY_GROUPS[ballot.empty_groups]]
        parts = [("choices", c.id, c.title, c.value) for c in ballot.choices]
        parts += [("groups", g.id, g.title, g.weight) for g in ballot.groups]
        for position, (kind, id_, title, number) in enumerate(parts):
            shown = number if isinstance(number, str) else _cell_number(number)
            rows.append([*(head if position == 0 else [None] * 4), BALLOT_KINDS[kind], id_, title, shown])
    return rows


def _adjustment_rows(ruleset: Ruleset) -> list[list[Any]]:
    rows = []
    for group in ruleset.adjustments:
        for position, item in enumerate(group.items):
            head = [group.id, group.title, _number_or_none(group.cap)] if position == 0 else [None, None, None]
            trigger = "when" if item.when is not None else "per"
            basis = item.when.text if item.when is not None else item.per
            rows.append([*head, item.id, item.title, TRIGGERS[trigger], basis, _cell_number(item.points)])
    return rows


def workbook_of(ruleset: Ruleset) -> Workbook:
    """The ruleset laid out as an indicator table; the columns of relative indicators,
    of inputs taken from member points and of a test's batch only where it has them."""
    layout = _Layout.of(ruleset)
    derived = [name for name, spec in ruleset.inputs.items() if spec.from_quarters is not None]
    if derived:
        raise TableError([say("table.from_quarters", inputs=listing(derived))])
    book = Workbook()
    about = book.active
    about.title = ABOUT
    about.append(ABOUT_COLUMNS)
    for label, name in ABOUT_FIELDS.items():
        value = getattr(ruleset, name)
        about.append([label, PERIODS[value] if name == "period" and value is not None else value])
    generated = {name for ballot in ruleset.ballots for name in generated_inputs(ballot)}  # the ballots' own
    indicator_rows, placed = _indicator_rows(ruleset, generated, layout)
    sheets: dict[str, list[list[Any]]] = {
        INDICATORS: indicator_rows,
        INPUTS: [
            _input_cells(n, s, layout) for n, s in ruleset.inputs.items() if n not in placed and n not in generated
        ],
        ADJUSTMENTS: _adjustment_rows(ruleset),
        VETOES: [
            [
                v.id,
                v.title,
                v.when.text,
                EFFECTS[v.effect_name],
                v.effect.cap if isinstance(v.effect, GradeCap) else None,
            ]
            for v in ruleset.vetoes
        ],
        GRADES: [
            [g.id, g.title, _number_or_none(g.min), "\n".join(r.text for r in g.requires) or None]
            for g in ruleset.grades
        ],
        QUOTAS: [
            [
                q.grade,
                q.max_share if isinstance(q.max_share, str) else _cell_number(q.max_share),
                SEPARATOR.join(q.tie_break),
            ]
            for q in ruleset.quotas
        ],
        CONSISTENCY: [[c.title, c.must.text] for c in ruleset.consistency],
        OUTPUTS: [
            [name, o.title, o.formula.text, None if o.type == "number" else OUTPUT_TYPES[o.type]]
            for name, o in ruleset.outputs.items()
        ],
        **(
            {FLAGS: [[f.id, f.title, f.when.text, SEVERITIES[f.severity], f.advice] for f in ruleset.flags]}
            if ruleset.flags
            else {}
        ),
        STAGES: [[s.id, s.title, s.role, s.level, _yes_no(s.may_edit)] for s in ruleset.stages],
        **({RECTIFICATION: [_rectification_row(r) for r in ruleset.rectification]} if ruleset.rectification else {}),
        TESTS: [
            [
                t.name,
                _json_text(t.input),
                _json_text(t.expect.model_dump(mode="python", exclude_unset=True, by_alias=True)),
                *([None if t.batch is None else _json_text(t.batch)] if layout.batch else []),
            ]
            for t in ruleset.tests
        ],
    }
    if ruleset.ballots:  # a table of a ruleset without ballots keeps the sheets it always had
        sheets[BALLOTS] = _ballot_rows(ruleset)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        sheet.append(layout.columns(title))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(row)
        for index, header in enumerate(layout.columns(title), start=1):
            sheet.column_dimensions[get_column_letter(index)].width = max(10, min(60, 2 * len(header) + 4))
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, str):
                    cell.number_format = "@"
                    if "\n" in cell.value:
                        cell.alignment = Alignment(wrap_text=True, vertical="top")
    guide = book.create_sheet(GUIDE)
    guide.append(GUIDE_COLUMNS)
    for row in GUIDE_TEXT:
        guide.append(list(row))
    guide.column_dimensions["B"].width = 120
    return book


def write_table(ruleset: Ruleset, path: Path) -> None:
    """Write the indicator table; nothing is left behind when writing fails."""
    buffer = io.BytesIO()
    workbook_of(ruleset).save(buffer)
    path.write_bytes(buffer.getvalue())


# ---------------------------------------------------------------- reading


@dataclass
class _Origin:
    """Where an element of the ruleset came from: a sheet's row and its field columns."""

    sheet: str
    row: int
    columns: dict[str, str]  # path suffix ("score.bands", "min") -> column header


@dataclass
class _Reader:
    problems: list[str] = field(default_factory=list)
    origins: dict[str, _Origin] = field(default_factory=dict)

    def problem(self, sheet: str, row: int | None, column: str | None, message: str) -> None:
        self.problems.append(f"{_where(sheet, row, column)}: {message}")


def _where(sheet: str, row: int | None, column: str | None) -> str:
    """A place in the workbook: its sheet, row and column as the workbook names them."""
    where = say("table.where_sheet", sheet=sheet)
    if row is not None:
        where += say("table.where_row", row=row)
    if column is not None:
        where += say("table.where_column", column=column)
    return where


class _Row:
    """One row of a sheet, read by column header."""

    def __init__(self, reader: _Reader, sheet: str, number: int, cells: dict[str, Any]):
        self.reader, self.sheet, self.line, self.cells = reader, sheet, number, cells

    def empty(self, *columns: str) -> bool:
        return all(self.cells.get(c) is None for c in columns)

    def fail(self, column: str | None, message: str) -> None:
        self.reader.problem(self.sheet, self.line, column, message)

    def text(self, column: str, required: bool = False) -> str | None:
        value = self.cells.get(column)
        if value is None:
            if required:
                self.fail(column, say("table.empty_cell"))
            return None
        if isinstance(value, float):
            return _float_text(value)
        return str(value)

    def number(self, column: str, required: bool = False) -> Decimal | int | None:
        value = self.cells.get(column)
        if value is None:
            if required:
                self.fail(column, say("table.number_required"))
            return None
        if isinstance(value, bool):
            self.fail(column, say("table.not_a_number", got=repr(value)))
            return None
        if isinstance(value, int):
            return value
        text = _float_text(value) if isinstance(value, float) else str(value).strip()
        try:
            number = Decimal(text)
        except InvalidOperation:
            self.fail(column, say("table.not_a_number", got=f"'{text}'"))
            return None
        if not number.is_finite():
            self.fail(column, say("table.not_finite", text=text))
            return None
        return int(text) if text.lstrip("-").isdigit() else number

    def flag(self, column: str, default: bool) -> bool:
        value = self.cells.get(column)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        text = str(value).strip()
        if text in (YES, NO):
            return text == YES
        self.fail(column, say("table.not_yes_no", yes=YES, no=NO, text=text))
        return default

    def choice(self, column: str, words: dict[str, str], required: bool = True) -> str | None:
        text = self.text(column, required)
        if text is None:
            return None
        text = text.strip()
        by_word = {v: k for k, v in words.items()}
        if text in by_word:
            return by_word[text]
        if text in words:
            return text
        self.fail(column, say("table.not_one_of", words=listing(words.values()), text=text))
        return None


def _rows(reader: _Reader, book, title: str, required: bool) -> list[_Row]:
    if title not in book.sheet_names:
        if required:
            reader.problem(title, None, None, say("table.missing_sheet"))
        return []
    rows = sheet_values(book, title, title)
    header = next(rows, None)
    if header is None:
        reader.problem(title, None, None, say("table.empty_sheet"))
        return []
    names = [None if h is None else str(h).strip() for h in header]
    known = {*SHEET_COLUMNS.get(title, ABOUT_COLUMNS), *OPTIONAL_COLUMNS.get(title, [])}
    for index, name in enumerate(names, start=1):
        if name is not None and name not in known:
            message = say("table.unknown_column", name=name, names=listing(known))
            reader.problem(title, 1, get_column_letter(index), message)
    found = []
    for number, values in enumerate(rows, start=2):
        cells = {}
        for name, value in zip(names, values, strict=False):
            if name is None or value is None or (isinstance(value, str) and not value.strip()):
                continue
            cells[name] = value.strip() if isinstance(value, str) else value
        if cells:
            found.append(_Row(reader, title, number, cells))
    return found


def _split(text: str) -> list[str]:
    separator = "\n" if "\n" in text else SEPARATOR
    return [part.strip() for part in text.split(separator) if part.strip()]


def _input(row: _Row, reader: _Reader, inputs: dict[str, dict]) -> None:
    name = row.text("输入编码")
    if name is None:
        if not row.empty(*INPUT_COLUMNS[1:]):
            row.fail("输入编码", say("table.input_without_id", column="输入编码"))
        return
    if name in inputs:
        row.fail("输入编码", say("table.input_twice", name=name))
        return
    spec: dict[str, Any] = {"type": row.choice("类型", TYPES), "title": row.text("输入名称", required=True)}
    for column, key in (("单位", "unit"), ("输入说明", "description")):
        if row.text(column) is not None:
            spec[key] = row.text(column)
    for column, key in (("最小值", "min"), ("最大值", "max")):
        value = row.number(column)
        if value is not None:
            spec[key] = value
    if row.text("选项") is not None:
        spec["choices"] = _split(row.text("选项"))
    if not row.flag("必填", True):
        spec["required"] = False
    if row.flag("可填NA", False):
        spec["na_allowed"] = True
    if row.text("取自上期") is not None:
        source = row.choice("取自上期", {**PREVIOUS, **FILLED_FROM})
        spec["from" if source in FILLED_FROM else "previous"] = source
    source = row.text(FROM_POINTS_COLUMN)
    if source is not None:
        ruleset_id, colon, figure = source.replace(FULLWIDTH_COLON, ":").partition(":")
        if not colon or not ruleset_id.strip() or not figure.strip():
            row.fail(FROM_POINTS_COLUMN, say("table.from_points", text=source))
        spec["from_points"] = {"ruleset": ruleset_id.strip(), "figure": figure.strip()}
    if row.cells.get("默认值") is not None:
        if spec["type"] in ("number", "integer"):
            spec["default"] = row.number("默认值")
        elif spec["type"] == "boolean":
            spec["default"] = row.flag("默认值", False)
        else:
            spec["default"] = row.text("默认值")
    inputs[name] = spec
    columns = {**{v: k for k, v in INPUT_FIELDS.items()}, "from_points": FROM_POINTS_COLUMN}
    reader.origins[f"inputs.{name}"] = _Origin(row.sheet, row.line, columns)


def _bands(row: _Row) -> list[dict]:
    text = row.text("分档", required=True)
    bands = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        condition, arrow, points = line.replace("->", ARROW).rpartition(ARROW)
        try:
            value = Decimal(points.strip())
        except InvalidOperation:
            value = None
        if not arrow or value is None or not condition.strip():
            row.fail("分档", say("table.band_line", arrow=ARROW, else_word=ELSE_WORD, line=line.strip()))
            continue
        number: Any = int(points.strip()) if points.strip().isdigit() else value
        if condition.strip() == ELSE_WORD:
            bands.append({"else": number})
        else:
            bands.append({"when": condition.strip(), "points": number})
    return bands


def _score(row: _Row) -> dict | None:
    method = row.choice("评分方法", METHODS)
    if method is None:
        return None
    if method == "bands":
        return {"bands": _bands(row)}
    basis = row.text("评分依据", required=True)
    if method in ("check", "formula"):
        return {method: basis}
    if method == "linear":
        return {"linear": {"of": basis, "zero_at": row.number("零分值", True), "full_at": row.number("满分值", True)}}
    if method == "relative":
        return {"relative": _relative(row, basis)}
    count: dict[str, Any] = {"of": basis, "points": row.number("每单位分值", True)}
    for column, key in (("低于", "below"), ("高于", "above"), ("步长", "step")):
        value = row.number(column)
        if value is not None:
            count[key] = value
    return {method: count}


def _relative(row: _Row, basis: str | None) -> dict:
    relative: dict[str, Any] = {"of": basis, "method": row.choice("比较方式", RELATIVE_METHODS)}
    for column, key, words in (("方向", "direction", DIRECTIONS), ("并列", "ties", TIES)):
        if row.text(column) is not None:
            relative[key] = row.choice(column, words)
    if row.text("取消资格单位") is not None:
        relative["disqualified"] = row.choice("取消资格单位", DISQUALIFIED)
    for column, key in (("步长", "step"), ("最低分", "floor"), ("均值分", "at_mean"), ("每单位分值", "per")):
        value = row.number(column)
        if value is not None:
            relative[key] = value
    return relative


INDICATOR_FIELDS = {
    "title": "二级指标",
    "id": "指标编码",
    "points": "分值",
    "description": "评分标准",
    "score.bands": "分档",
    "score.linear.zero_at": "零分值",
    "score.linear.full_at": "满分值",
    "score.deduct.points": "每单位分值",
    "score.award.points": "每单位分值",
    "score.deduct.below": "低于",
    "score.award.below": "低于",
    "score.deduct.above": "高于",
    "score.award.above": "高于",
    "score.deduct.step": "步长",
    "score.award.step": "步长",
    "score.relative.of": "评分依据",
    "score.relative.method": "比较方式",
    "score.relative.direction": "方向",
    "score.relative.step": "步长",
    "score.relative.floor": "最低分",
    "score.relative.ties": "并列",
    "score.relative.at_mean": "均值分",
    "score.relative.per": "每单位分值",
    "score.relative.disqualified": "取消资格单位",
    "score": "评分依据",
}
DIMENSION_FIELDS = {"title": "一级指标", "id": "维度编码", "weight": "维度权重", "description": "维度说明"}


def _weight(row: _Row) -> Any:
    by = row.text("权重依据")
    if by is None:
        return row.number("维度权重")
    text = row.text("维度权重", required=True) or ""
    values: dict[str, Any] = {}
    for part in text.replace("\n", ";").replace(FULLWIDTH_SEMICOLON, ";").split(";"):
        if not part.strip():
            continue
        choice, equals, number = part.partition("=")
        try:
            values[choice.strip()] = int(number) if number.strip().isdigit() else Decimal(number.strip())
        except InvalidOperation:
            equals = ""
        if not equals:
            row.fail("维度权重", say("table.class_weights", by=by, part=part.strip()))
    return {"by": by, "values": values}


def _dimensions(reader: _Reader, rows: list[_Row], inputs: dict[str, dict]) -> list[dict]:
    dimensions: list[dict] = []
    seen: set[str] = set()
    for row in rows:
        dim_id = row.text("维度编码")
        if dim_id is not None and (not dimensions or dimensions[-1]["id"] != dim_id):
            if dim_id in seen:
                row.fail("维度编码", say("table.dimension_split", id=dim_id))
            seen.add(dim_id)
            dimension: dict[str, Any] = {"id": dim_id, "title": row.text("一级指标", required=True)}
            weight = _weight(row)
            if weight is not None:
                dimension["weight"] = weight
            if row.text("维度说明") is not None:
                dimension["description"] = row.text("维度说明")
            dimension["indicators"] = []
            dimensions.append(dimension)
            reader.origins[f"dimensions[{len(dimensions) - 1}]"] = _Origin(row.sheet, row.line, DIMENSION_FIELDS)
        elif not dimensions:
            row.fail("维度编码", say("table.first_indicator", id_column="维度编码", title_column="一级指标"))
            continue
        elif dim_id is None and not row.empty("一级指标", "权重依据", "维度权重", "维度说明"):
            row.fail("维度编码", say("table.dimension_without_id", id_column="维度编码", title_column="一级指标"))
        indicator: dict[str, Any] = {
            "id": row.text("指标编码", required=True),
            "title": row.text("二级指标", required=True),
            "points": row.number("分值", required=True),
        }
        score = _score(row)
        if score is not None:
            indicator["score"] = score
        if row.text("评分标准") is not None:
            indicator["description"] = row.text("评分标准")
        target = dimensions[-1]["indicators"]
        reader.origins[f"dimensions[{len(dimensions) - 1}].indicators[{len(target)}]"] = _Origin(
            row.sheet, row.line, INDICATOR_FIELDS
        )
        target.append(indicator)
        _input(row, reader, inputs)
    return dimensions


def _grouped(reader: _Reader, rows: list[_Row], key: str, columns: tuple[str, str], head, part) -> list[dict]:
    """Rows in groups: a row whose id column (`columns`: the id and title headers) is filled
    starts a group, read by `head` as (element, origin columns); every row then adds one
    part to the last group, read by `part` as (list field, element, origin columns)."""
    id_column, title_column = columns
    groups: list[dict] = []
    for row in rows:
        if row.text(id_column) is not None:
            group, origin = head(row)
            groups.append(group)
            reader.origins[f"{key}[{len(groups) - 1}]"] = _Origin(row.sheet, row.line, origin)
        elif not groups:
            row.fail(id_column, say("table.first_item", id_column=id_column, title_column=title_column))
            continue
        name, element, origin = part(row)
        parts = groups[-1][name]
        reader.origins[f"{key}[{len(groups) - 1}].{name}[{len(parts)}]"] = _Origin(row.sheet, row.line, origin)
        parts.append(element)
    return groups


def _adjustment_group(row: _Row) -> tuple[dict, dict[str, str]]:
    group: dict[str, Any] = {"id": row.text("分组编码"), "title": row.text("分组名称", required=True)}
    cap = row.number("封顶")
    if cap is not None:
        group["cap"] = cap
    group["items"] = []
    return group, {"id": "分组编码", "title": "分组名称", "cap": "封顶"}


def _adjustment_item(row: _Row) -> tuple[str, dict, dict[str, str]]:
    trigger = row.choice("方式", TRIGGERS)
    item = {"id": row.text("项目编码", required=True), "title": row.text("项目名称", required=True)}
    item[trigger or "when"] = row.text("条件或输入", required=True)
    item["points"] = row.number("分值", required=True)
    columns = {"id": "项目编码", "title": "项目名称", "when": "条件或输入", "per": "条件或输入", "points": "分值"}
    return "items", item, columns


def _adjustments(reader: _Reader, rows: list[_Row]) -> list[dict]:
    return _grouped(reader, rows, "adjustments", ("分组编码", "分组名称"), _adjustment_group, _adjustment_item)


def _ballot(row: _Row) -> tuple[dict, dict[str, str]]:
    ballot: dict[str, Any] = {"id": row.text("测评编码"), "title": row.text("测评名称", required=True)}
    if row.text("测评说明") is not None:
        ballot["description"] = row.text("测评说明")
    if row.text("无票评议组") is not None:
        ballot["empty_groups"] = row.choice("无票评议组", EMPTY_GROUPS)
    ballot.update(choices=[], groups=[])
    return ballot, {"id": "测评编码", "title": "测评名称", "empty_groups": "无票评议组"}


def _ballot_part(row: _Row) -> tuple[str, dict, dict[str, str]]:
    """A choice with its value or a rater group with its weight (a fraction kept as written)."""
    kind = row.choice("类别", BALLOT_KINDS) or "choices"
    number = row.text("分值或权重", required=True)
    part = {"id": row.text("编码", required=True), "title": row.text("名称", required=True)}
    part["value" if kind == "choices" else "weight"] = (
        number if number is None or "/" in number else row.number("分值或权重")
    )
    return kind, part, {"id": "编码", "title": "名称", "value": "分值或权重", "weight": "分值或权重"}


def _ballots(reader: _Reader, rows: list[_Row]) -> list[dict]:
    return _grouped(reader, rows, "ballots", ("测评编码", "测评名称"), _ballot, _ballot_part)


def _listed(reader: _Reader, rows: list[_Row], key: str, build, columns: dict[str, str]) -> list[dict]:
    found = []
    for row in rows:
        reader.origins[f"{key}[{len(found)}]"] = _Origin(row.sheet, row.line, columns)
        found.append(build(row))
    return found


def _veto(row: _Row) -> dict:
    effect = row.choice("后果", EFFECTS)
    veto: dict[str, Any] = {
        "id": row.text("编码", True),
        "title": row.text("名称", True),
        "when": row.text("条件", True),
    }
    if effect == "cap":
        veto["effect"] = {"cap": row.text("封顶等次", required=True)}
    else:
        if row.text("封顶等次") is not None:
            row.fail("封顶等次", say("table.cap_only", cap=EFFECTS["cap"], column="封顶等次"))
        veto["effect"] = effect
    return veto


def _flag(row: _Row) -> dict:
    flag: dict[str, Any] = {
        "id": row.text("编码", True),
        "title": row.text("名称", True),
        "when": row.text("条件", True),
    }
    if row.text("级别") is not None:
        flag["severity"] = row.choice("级别", SEVERITIES)
    if row.text("建议") is not None:
        flag["advice"] = row.text("建议")
    return flag


def _grade(row: _Row) -> dict:
    grade: dict[str, Any] = {"id": row.text("编码", True), "title": row.text("名称", True)}
    if row.number("最低分") is not None:
        grade["min"] = row.number("最低分")
    if row.text("前置条件") is not None:
        grade["requires"] = [line.strip() for line in row.text("前置条件").splitlines() if line.strip()]
    return grade


def _quota(row: _Row) -> dict:
    share = row.text("最高比例", required=True)
    quota: dict[str, Any] = {"grade": row.text("等次编码", True)}
    quota["max_share"] = share if share is None or "/" in share else row.number("最高比例")
    if row.text("并列排序") is not None:
        quota["tie_break"] = _split(row.text("并列排序"))
    return quota


def _stage(row: _Row) -> dict:
    stage: dict[str, Any] = {key: row.text(column, True) for key, column in STAGE_FIELDS.items() if key != "may_edit"}
    return {**stage, "may_edit": row.flag("可修改", True)}


def _rectification(row: _Row) -> dict:
    cause = row.choice("引起方式", CAUSES) or "indicator"
    item: dict[str, Any] = {"id": row.text("编码", True), "title": row.text("名称", True)}
    item[cause] = row.text("引起项编码", True)
    for column, key in (("低于", "below"), ("整改期限天数", "deadline_days")):
        if row.number(column, required=key == "deadline_days") is not None:
            item[key] = row.number(column)
    if row.text("责任单位") is not None:
        item["responsible"] = row.text("责任单位")
    return item


def _test(row: _Row) -> dict:
    case: dict[str, Any] = {"name": row.text("名称", True)}
    for column, key in (("输入", "input"), ("预期", "expect"), (BATCH_COLUMN, "batch")):
        text = row.text(column, required=key != "batch")
        if text is None:
            continue
        try:
            case[key] = strictjson.loads(text)
        except strictjson.JsonTextError as error:
            row.fail(column, say("table.json", detail=error.msg))
    return case


def _about(reader: _Reader, rows: list[_Row]) -> dict:
    data: dict[str, Any] = {}
    for row in rows:
        label = row.text("字段")
        if label not in ABOUT_FIELDS:
            row.fail("字段", say("table.unknown_field", label=label, labels=listing(ABOUT_FIELDS)))
            continue
        key = ABOUT_FIELDS[label]
        if key == "period":
            data[key] = row.choice("值", PERIODS, required=False)
        else:
            data[key] = row.number("值") if key in ("kaoping", "precision") else row.text("值")
        reader.origins[key] = _Origin(row.sheet, row.line, {"": "值"})
    return data


def _open(content: bytes, name: str):
    if not content.startswith(b"PK\x03\x04"):
        raise TableError([say("table.not_xlsx", name=name)])
    try:
        return open_workbook(content, name)
    except BatchFileError as error:
        raise TableError([str(error)]) from None


def table_data(content: bytes, name: str | None = None) -> tuple[dict, dict[str, _Origin]]:
    """The ruleset data an indicator table holds, and where each element came from."""
    book = _open(content, name or say("table.name"))
    reader = _Reader()
    try:
        data = _about(reader, _rows(reader, book, ABOUT, required=True))
        inputs: dict[str, dict] = {}
        dimensions = _dimensions(reader, _rows(reader, book, INDICATORS, required=True), inputs)
        for row in _rows(reader, book, INPUTS, required=False):
            _input(row, reader, inputs)
        data["inputs"] = inputs
        data["consistency"] = _listed(
            reader,
            _rows(reader, book, CONSISTENCY, False),
            "consistency",
            lambda r: {"title": r.text("名称", True), "must": r.text("条件", True)},
            {"title": "名称", "must": "条件"},
        )
        data["dimensions"] = dimensions
        data["adjustments"] = _adjustments(reader, _rows(reader, book, ADJUSTMENTS, False))
        veto_columns = {"id": "编码", "title": "名称", "when": "条件", "effect": "后果"}
        data["vetoes"] = _listed(reader, _rows(reader, book, VETOES, False), "vetoes", _veto, veto_columns)
        grade_columns = {"id": "编码", "title": "名称", "min": "最低分", "requires": "前置条件"}
        data["grades"] = _listed(reader, _rows(reader, book, GRADES, True), "grades", _grade, grade_columns)
        data["outputs"] = {}
        for row in _rows(reader, book, OUTPUTS, False):
            name_ = row.text("编码", True)
            if name_ in data["outputs"]:
                row.fail("编码", say("table.output_twice", name=name_))
            data["outputs"][name_] = {"title": row.text("名称", True), "formula": row.text("公式", True)}
            if row.text("类型") is not None:
                data["outputs"][name_]["type"] = row.choice("类型", OUTPUT_TYPES)
            output_columns = {"title": "名称", "formula": "公式", "type": "类型"}
            reader.origins[f"outputs.{name_}"] = _Origin(row.sheet, row.line, output_columns)
        flag_columns = {"id": "编码", "title": "名称", "when": "条件", "severity": "级别", "advice": "建议"}
        data["flags"] = _listed(reader, _rows(reader, book, FLAGS, False), "flags", _flag, flag_columns)
        data["ballots"] = _ballots(reader, _rows(reader, book, BALLOTS, False))
        quota_columns = {"grade": "等次编码", "max_share": "最高比例", "tie_break": "并列排序"}
        data["quotas"] = _listed(reader, _rows(reader, book, QUOTAS, False), "quotas", _quota, quota_columns)
        data["stages"] = _listed(reader, _rows(reader, book, STAGES, False), "stages", _stage, STAGE_FIELDS)
        rectification_rows = _rows(reader, book, RECTIFICATION, False)
        data["rectification"] = _listed(
            reader, rectification_rows, "rectification", _rectification, RECTIFICATION_FIELDS
        )
        data["tests"] = _listed(
            reader,
            _rows(reader, book, TESTS, False),
            "tests",
            _test,
            {"name": "名称", "input": "输入", "expect": "预期", "batch": BATCH_COLUMN},
        )
    finally:
        book.close()
    if reader.problems:
        raise TableError(reader.problems)
    return {k: v for k, v in data.items() if v not in ({}, [])}, reader.origins


def _missing(problem) -> str:
    """A problem of the ruleset as a whole, said in the table's terms where it can be."""
    labels = {key: label for label, key in ABOUT_FIELDS.items()}
    message = problem.message
    if problem.path in labels:
        return say("table.about_field", sheet=ABOUT, label=labels[problem.path], message=message)
    if problem.path == "inputs":
        return say("table.no_inputs", indicators=INDICATORS, inputs=INPUTS, message=message)
    if problem.path == "dimensions":
        return say("table.no_indicators", sheet=INDICATORS, message=message)
    if problem.path == "grades":
        return say("table.no_grades", sheet=GRADES, message=message)
    return say("table.whole", problem=problem)


def _located(problem, origins: dict[str, _Origin]) -> str:
    """A ruleset problem at the sheet, row and column its element came from."""
    path = problem.path
    best = max((p for p in origins if path == p or path.startswith(p + ".") or path.startswith(p + "[")), key=len,
               default=None)  # fmt: skip
    if best is None:
        return _missing(problem)
    origin = origins[best]
    rest = path[len(best) :].lstrip(".")
    column = next((origin.columns[k] for k in sorted(origin.columns, key=len, reverse=True)
                   if rest == k or rest.startswith(k + ".") or rest.startswith(k + "[") or k == ""), None)  # fmt: skip
    if problem.column:
        said = say("table.element_column", message=problem.message, path=path, column=problem.column)
    else:
        said = say("table.element", message=problem.message, path=path)
    return f"{_where(origin.sheet, origin.row, column or None)}: {said}"


def read_table(content: bytes, name: str | None = None) -> tuple[str, LoadedRuleset]:
    """The ruleset YAML an indicator table holds, checked and loaded; TableError lists
    every problem by sheet, row and column."""
    data, origins = table_data(content, name)
    text = yamltext.dump(data)
    try:
        return text, load_text(text)
    except RulesetError as error:
        raise TableError([_located(p, origins) for p in error.problems]) from None
