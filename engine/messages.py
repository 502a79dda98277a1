"""The words a person reads, from one catalogue: Chinese first, English on request.

Every message of a refusal (a submission's problems, a ruleset's problems, a file's)
is written here once per language and filled in with the names people know: an input's
Chinese title beside its id, the value given, what was expected. The language is the
caller's: the service sets it per request (Accept-Language), the CLI per run (--lang);
it is Chinese unless English is asked for.
"""

from __future__ import annotations

import contextvars
import difflib
from collections.abc import Iterable
from contextlib import contextmanager

LANGUAGES = ("zh", "en")
_language: contextvars.ContextVar[str] = contextvars.ContextVar("kaoping_language", default="zh")

CATALOGUE: dict[str, dict[str, str]] = {
    # ------------------------------------------------------------ submissions
    "input.missing": {
        "zh": "{subject}: 必须填写, 但没有提交 (应为 {expected})",
        "en": "{subject}: is required ({expected})",
    },
    "input.invalid_type": {
        "zh": "{subject}: 应为 {expected}, 实际为 {got}",
        "en": "{subject}: must be {expected}, got {got}",
    },
    "input.out_of_range": {
        "zh": "{subject}: 应为 {expected}, 实际为 {got}",
        "en": "{subject}: must be {expected}, got {got}",
    },
    "input.not_a_choice": {
        "zh": "{subject}: 应为 {expected}, 实际为 {got}",
        "en": "{subject}: must be {expected}, got {got}",
    },
    "input.na_not_allowed": {
        "zh": '{subject}: 不能填 "NA" (不适用), 应为 {expected}',
        "en": '{subject}: "NA" is not allowed, must be {expected}',
    },
    "input.inexact": {
        "zh": "{subject}: 数 {got} 无法精确计算: {why}",
        "en": "{subject}: the number {got} cannot be computed exactly: {why}",
    },
    "input.unknown": {
        "zh": "{given} 不是本规则集的输入项{hint}",
        "en": "{given} is not an input of this ruleset{hint}",
    },
    "input.not_an_object": {
        "zh": "提交的数据应为一个由输入项组成的对象, 实际为 {got}",
        "en": "a submission is an object of input values, got {got}",
    },
    "input.inconsistent": {
        "zh": "{rule}: 数据前后矛盾 (应满足 {must}, 实际 {got})",
        "en": "{rule}: the data contradict each other (must hold: {must}; got {got})",
    },
    "input.no_ballots": {
        "zh": "{ballot}: {groups} 的票数合计为 0, 无法计算满意度 (每个评议组至少要有一票)",
        "en": "{ballot}: {groups} cast no ballots, so the satisfaction cannot be computed",
    },
    "input.ballot_weightless": {
        "zh": "{ballot}: 有票的评议组 {groups} 权重合计为 0, 无法计算加权满意度",
        "en": "{ballot}: the groups with ballots ({groups}) weigh 0 together, so no weighted satisfaction",
    },
    "input.all_na": {
        "zh": "{dimension}: 全部指标都不适用, 无法评分",
        "en": "{dimension}: every indicator is not applicable, so it cannot be scored",
    },
    "input.undefined": {
        "zh": "{path}: 计算中除以零{where}, 规则集须预先排除 (如 a / b if b != 0 else 0)",
        "en": "{path}: divides by zero{where}; the ruleset must guard it (a / b if b != 0 else 0)",
    },
    "input.more": {"zh": "……另有 {count} 个问题未列出", "en": "... and {count} more problem(s) not listed"},
    "hint.did_you_mean": {"zh": "; 是否指 {name}?", "en": "; did you mean {name}?"},
    "where.line": {"zh": "第 {line} 行 ", "en": "line {line} "},
    "where.expression_column": {"zh": " (表达式第 {column} 个字符)", "en": " (column {column})"},
    "where.column": {"zh": " (第 {column} 个字符处)", "en": " (column {column})"},
    "number.not_finite": {"zh": "不是有限的数", "en": "it is not a finite number"},
    "number.too_large": {
        "zh": "绝对值须小于 10^15 (整数部分至多 15 位)",
        "en": "its absolute value must be below 10^15 (at most 15 digits before the point)",
    },
    "number.digits": {
        "zh": "有效数字为 {digits} 位, 至多 {limit} 位",
        "en": "it has {digits} significant digits, at most {limit} are allowed",
    },
    "number.places": {
        "zh": "小数位为 {places} 位, 至多 {limit} 位",
        "en": "it has {places} decimal places, at most {limit} are allowed",
    },
    "number.inexact": {
        "zh": "数 {value} 无法精确计算: {why}",
        "en": "the number {value} cannot be computed exactly: {why}",
    },
    # ------------------------------------------------------------ what a value must be
    "expect.number": {"zh": "数", "en": "a number"},
    "expect.integer": {"zh": "整数", "en": "a whole number"},
    "expect.between": {"zh": "{low} 到 {high} 之间的{kind}", "en": "{kind} from {low} to {high}"},
    "expect.at_least": {"zh": "不小于 {low} 的{kind}", "en": "{kind} of at least {low}"},
    "expect.at_most": {"zh": "不大于 {high} 的{kind}", "en": "{kind} of at most {high}"},
    "expect.boolean": {"zh": "是或否 (true/false)", "en": "true or false"},
    "expect.choice": {"zh": "以下之一: {choices}", "en": "one of {choices}"},
    "expect.text": {"zh": "文本", "en": "text"},
    "expect.or_na": {"zh": '{expected}, 或 "NA" (不适用)', "en": '{expected} or "NA"'},
    # ------------------------------------------------------------ rulesets: reading the file
    "ruleset.syntax": {
        "zh": "不是有效的 YAML 或 JSON (第 {line} 行第 {column} 列): {problem}",
        "en": "not valid YAML or JSON (line {line}, column {column}): {problem}",
    },
    "ruleset.duplicate_key": {
        "zh": "键 {key} 出现了不止一次 (第 {first} 行已有)",
        "en": "the key {key} appears more than once (first at line {first})",
    },
    "ruleset.not_mapping": {"zh": "规则集应为一组字段 (键: 值)", "en": "a ruleset is a mapping of fields"},
    "ruleset.engine_limits": {"zh": "超出规则引擎的限制: {detail}", "en": "beyond the rules engine's limits: {detail}"},
    # ------------------------------------------------------------ rulesets: structure (pydantic's error types)
    "schema.missing": {"zh": "缺少必填字段 {name}", "en": "the field {name} is required"},
    "schema.extra_forbidden": {
        "zh": "{name} 不是这里可用的字段{hint}",
        "en": "{name} is not a field of this element{hint}",
    },
    "schema.literal_error": {"zh": "应为 {expected}, 实际为 {got}", "en": "must be {expected}, got {got}"},
    "schema.type": {"zh": "应为{kind}, 实际为 {got}", "en": "must be {kind}, got {got}"},
    "schema.quoted_number": {
        "zh": "应为数, 实际为带引号的文本 {got} (数不加引号)",
        "en": "must be a number, got the quoted text {got} (write numbers without quotes)",
    },
    "schema.greater_than_equal": {"zh": "应不小于 {limit}, 实际为 {got}", "en": "must be at least {limit}, got {got}"},
    "schema.greater_than": {"zh": "应大于 {limit}, 实际为 {got}", "en": "must be more than {limit}, got {got}"},
    "schema.less_than_equal": {"zh": "应不大于 {limit}, 实际为 {got}", "en": "must be at most {limit}, got {got}"},
    "schema.less_than": {"zh": "应小于 {limit}, 实际为 {got}", "en": "must be less than {limit}, got {got}"},
    "schema.too_short": {"zh": "至少要有 {limit} 项", "en": "needs at least {limit} item(s)"},
    "schema.other": {"zh": "不符合规则集格式: {got}", "en": "does not fit the ruleset format: {got}"},
    "kind.number": {"zh": "数", "en": "a number"},
    "kind.integer": {"zh": "整数", "en": "a whole number"},
    "kind.text": {"zh": "文本", "en": "text"},
    "kind.boolean": {"zh": "true 或 false", "en": "true or false"},
    "kind.list": {"zh": "列表", "en": "a list"},
    "kind.mapping": {"zh": "一组字段 (键: 值)", "en": "a mapping of fields"},
    "kind.expression": {"zh": "写成文本的表达式", "en": "an expression written as text"},
    # ------------------------------------------------------------ rulesets: element rules (engine.model)
    "model.choice_needs_choices": {
        "zh": "选项型输入 (choice) 需要非空的 choices 列表",
        "en": "a choice input needs a non-empty 'choices' list",
    },
    "model.choices_only_for_choice": {
        "zh": "只有选项型输入 (choice) 才有 choices",
        "en": "'choices' belongs only to a choice input",
    },
    "model.range_only_for_numbers": {
        "zh": "只有数值型输入 (number、integer) 才有 min 和 max",
        "en": "'min' and 'max' belong only to number and integer inputs",
    },
    "model.min_above_max": {"zh": "min {min} 大于 max {max}", "en": "'min' {min} is above 'max' {max}"},
    "model.choice_twice": {"zh": "choices 中 {value} 出现了两次", "en": "'choices' lists {value} twice"},
    "model.na_choice": {
        "zh": '"NA" 不能作为选项, 请用 na_allowed: true',
        "en": "'NA' cannot be a choice; use na_allowed",
    },
    "model.default_needs_optional": {
        "zh": "只有非必填输入 (required: false) 才能有 default",
        "en": "only an optional input (required: false) may carry a default",
    },
    "model.else_band_form": {"zh": "else 档不能再有 when 或 points", "en": "an 'else' band has no 'when' or 'points'"},
    "model.band_form": {
        "zh": "每一档需要 when 和 points (或写作 {{else: 分值}})",
        "en": "a band needs 'when' and 'points' (or is {{else: points}})",
    },
    "model.else_last": {"zh": "else 档必须是最后一档", "en": "the 'else' band must be the last band"},
    "model.linear_same": {
        "zh": "zero_at 与 full_at 不能相同 (都是 {value})",
        "en": "'zero_at' and 'full_at' must differ (both {value})",
    },
    "model.below_or_above": {"zh": "below 和 above 只能给一个", "en": "give 'below' or 'above', not both"},
    "model.one_method": {
        "zh": "评分方法须恰好给一种 ({methods}), 实际给了 {count} 种",
        "en": "give exactly one scoring method of {methods} (got {count})",
    },
    "model.item_trigger": {
        "zh": "加扣分项须二选一: when (条件成立时) 或 per (按输入项计)",
        "en": "an item gives its points either 'when' a condition holds or 'per' input",
    },
    "model.share": {
        "zh": 'max_share 应为 0 到 1 之间的数或 "1/3" 这样的分数, 实际为 {got}',
        "en": 'max_share must be a number from 0 to 1 or a fraction such as "1/3", got {got}',
    },
    "model.ballot_number": {
        "zh": '应为数或 "1/3" 这样的分数, 实际为 {got}',
        "en": 'must be a number or a fraction such as "1/3", got {got}',
    },
    "model.ballot_id_twice": {
        "zh": "{kind} 中标识 {id} 出现了两次",
        "en": "id '{id}' appears twice in {kind}",
    },
    "model.ballot_weight_negative": {
        "zh": "评议组 {group} 的权重不能为负数, 实际为 {got}",
        "en": "the weight of rater group '{group}' cannot be negative, got {got}",
    },
    "model.ballot_weights": {
        "zh": "各评议组 (groups) 的权重 (weight) 之和应恰为 1, 实际为 {got}",
        "en": "the weights of the rater groups must sum to exactly 1, got {got}",
    },
    # ------------------------------------------------------------ rulesets: meaning (engine.semantics)
    "semantic.ballot_word": {
        "zh": "{id} 不能用作测评的标识: 它是关键字或含有 __, 在表达式里无法引用",
        "en": "'{id}' cannot be a ballot id: it is a keyword or contains '__', so expressions cannot name it",
    },
    "semantic.ballot_input_long": {
        "zh": "生成的票数输入项 {name} 超过 {limit} 个字符, 请缩短测评、评议组或选项的标识",
        "en": "the generated count input '{name}' is longer than {limit} characters: shorten the ids",
    },
    "semantic.ballot_input_taken": {
        "zh": "输入项 {name} 与 {ballot} 生成的票数输入项同名",
        "en": "input '{name}' has the name of a count input that {ballot} generates",
    },
    "semantic.undeclared": {"zh": "{name} 未声明 ({where}){hint}", "en": "'{name}' is not declared ({where}){hint}"},
    "semantic.needs_numbers": {"zh": "{what} 需要数, 实际为文本", "en": "{what} needs numbers, got text"},
    "semantic.needs_condition": {
        "zh": "{what} 需要条件 (真或假), 实际为{kind}",
        "en": "{what} needs a condition (true or false), got {kind}",
    },
    "semantic.never_na": {
        "zh": '{name} 永远不会是 "NA" (它没有 na_allowed)',
        "en": "'{name}' can never be \"NA\" (it is not na_allowed)",
    },
    "semantic.text_order": {"zh": "{op} 比较的是数, 不是文本", "en": "'{op}' compares numbers, not text"},
    "semantic.not_a_choice": {
        "zh": "{value} 不是 {input} 的选项 ({choices}){hint}",
        "en": "'{value}' is not a choice of {input} ({choices}){hint}",
    },
    "semantic.reserved": {"zh": "{id} 是保留字, 不能用作标识", "en": "'{id}' is a reserved word and cannot be an id"},
    "semantic.id_used": {"zh": "标识 {id} 已在 {where} 使用", "en": "id '{id}' is already used at {where}"},
    "semantic.value_used": {"zh": "{value} 已在 {where} 使用", "en": "'{value}' is already used at {where}"},
    "semantic.must_be_condition": {
        "zh": "应为条件 (真或假), 实际得到{kind}",
        "en": "must be a condition (true or false), but gives {kind}",
    },
    "semantic.must_be_number": {"zh": "应得出数, 实际得到{kind}", "en": "must give a number, but gives {kind}"},
    "semantic.default": {"zh": "default 不合规定: {problem}", "en": "default {problem}"},
    "semantic.zero_points": {
        "zh": "维度中各指标的满分之和须大于 0",
        "en": "a dimension's indicators must be worth more than 0 points",
    },
    "semantic.weights_all_or_none": {
        "zh": "要么每个维度都有 weight, 要么都没有; 有 weight 的: {with_weight}; 没有的: {without}",
        "en": "either every dimension carries a weight or none does; with a weight: {with_weight}; without: {without}",
    },
    "semantic.weight_by_choice": {"zh": "{name} 应为选项型 (choice) 输入", "en": "'{name}' must be a choice input"},
    "semantic.weight_by_required": {
        "zh": '{name} 应为必填且不允许 "NA" 的输入',
        "en": "'{name}' must be required and never \"NA\"",
    },
    "semantic.weight_missing": {"zh": "以下类别没有权重: {names}", "en": "no weight for {names}"},
    "semantic.weight_extra": {"zh": "{names} 不是 {by} 的选项", "en": "{names} not a choice of {by}"},
    "semantic.band_above_full": {
        "zh": "这一档给 {points} 分, 超过指标满分 {full} 分",
        "en": "gives {points} points, above the indicator's {full}",
    },
    "semantic.positive": {"zh": "应大于 0", "en": "must be more than 0"},
    "semantic.per_number": {
        "zh": "{name} 应为数值型输入 (number 或 integer){hint}",
        "en": "'{name}' must be a number or integer input{hint}",
    },
    "semantic.not_a_grade": {"zh": "{name} 不是等次{hint}", "en": "'{name}' is not a grade{hint}"},
    "semantic.grade_order": {
        "zh": "等次须从高到低排列: min {min} 高于上一等次的 {previous}",
        "en": "grades go highest first: min {min} is above the previous grade's {previous}",
    },
    "semantic.last_grade": {
        "zh": "最后一个等次不能有 min 或 requires (每个单位都应至少得到它)",
        "en": "the last grade has neither 'min' nor 'requires'",
    },
    "semantic.quota_twice": {"zh": "等次 {name} 已有名额限制", "en": "'{name}' already has a quota"},
    "semantic.tie_break_unknown": {
        "zh": "{name} 不是维度、指标或输入项{hint}",
        "en": "'{name}' is not a dimension, indicator or input{hint}",
    },
    "semantic.tie_break_number": {"zh": "{name} 不是数值型输入", "en": "'{name}' is not a number input"},
    "semantic.expect_unknown": {
        "zh": "{name} 不是本规则集的{what}{hint}",
        "en": "'{name}' is not one of the ruleset's {what}{hint}",
    },
    "semantic.if_types": {
        "zh": "if ... else 两边的类型须相同",
        "en": "both sides of 'if ... else' must have the same type",
    },
    "semantic.round_places": {
        "zh": "round() 的位数须直接写成整数",
        "en": "round() takes a whole number of places written as a number",
    },
    "semantic.unsupported": {"zh": "不支持的表达式", "en": "unsupported expression"},
    "semantic.na_only_input": {"zh": '只有输入项才能与 "NA" 比较', "en": 'only an input can be compared with "NA"'},
    "semantic.text_vs_number": {"zh": "把文本与数相比较", "en": "compares text with a number"},
    "scope.inputs": {"zh": "此处可用: 输入项", "en": "here: inputs"},
    "scope.scored": {
        "zh": "此处可用: 输入项、total、维度和指标",
        "en": "here: inputs, total, dimensions and indicators",
    },
    "scope.outputs": {
        "zh": "此处可用: 输入项、total、维度、指标、grade 和前面的计算结果",
        "en": "here: inputs, total, dimensions, indicators, grade, earlier outputs",
    },
    "kind.of.boolean": {"zh": "条件", "en": "a condition"},
    "kind.of.number": {"zh": "数", "en": "a number"},
    "kind.of.text": {"zh": "文本", "en": "text"},
    # ------------------------------------------------------------ member points (docs/member-points.md)
    "points.not_a_scoring_ruleset": {
        "zh": "这是党员量化积分规则集 (含 events), 不能为单位评分; 请用 kaoping points 计算党员积分",
        "en": "this is a member points ruleset (it has events); it scores no units: use kaoping points",
    },
    "points.floor_above_cap": {
        "zh": "下限 floor {floor} 高于上限 cap {cap}",
        "en": "the floor {floor} is above the cap {cap}",
    },
    "points.unknown_category": {
        "zh": "{name} 不是已声明的积分类别{hint}",
        "en": "{name} is not a declared category{hint}",
    },
    "points.unknown_line": {"zh": "{name} 不是已声明的积分档次{hint}", "en": "{name} is not a declared line{hint}"},
    "points.field_na": {
        "zh": '事项的字段不能允许 "NA" (na_allowed), 每次事项都须填写',
        "en": 'an event\'s field cannot allow "NA" (na_allowed): every event gives it',
    },
    "points.field_needs_default": {
        "zh": "可不填的事项字段须有 default",
        "en": "an optional field of an event needs a default",
    },
    "points.scope.fields": {"zh": "此处可用: 本类事项的字段", "en": "here: the fields of this kind of event"},
    "points.line_needs_min": {
        "zh": "除最后一档外, 每个积分档次都须有 min",
        "en": "every line but the last needs a min",
    },
    "points.line_order": {
        "zh": "积分档次须从高到低排列: min {min} 高于上一档的 {previous}",
        "en": "lines go highest first: min {min} is above the previous line's {previous}",
    },
    "points.last_line": {
        "zh": "最后一个积分档次不能有 min (每名党员都应至少达到它)",
        "en": "the last line has no min (every member reaches at least it)",
    },
    "points.coverage.period": {"zh": "期间总分", "en": "the period's total"},
    "points.coverage.floor": {"zh": "{group}下限 {floor}", "en": "{group}: floor {floor}"},
    "points.too_many_kinds": {
        "zh": "规则集有 {count} 类事项, 引擎最多容纳 {limit} 类",
        "en": "the ruleset has {count} kinds of event, the engine holds at most {limit}",
    },
    "points.any_event": {"zh": "该类事项均计分", "en": "every event of this kind counts"},
    "points.counted": {"zh": "计分 {formula}", "en": "points {formula}"},
    "points.not_counted": {"zh": "不计分: 不满足 {when}", "en": "not counted: {when} does not hold"},
    "points.explain.head": {
        "zh": "党员 {member} (支部 {branch}) {period} 积分 — {ruleset}",
        "en": "member {member} (branch {branch}), {period} — {ruleset}",
    },
    "points.explain.all_periods": {"zh": "全部期间", "en": "all periods"},
    "points.explain.no_branch": {"zh": "未填", "en": "not given"},
    "points.explain.yes": {"zh": "是", "en": "yes"},
    "points.explain.no": {"zh": "否", "en": "no"},
    "points.explain.no_fields": {"zh": "无字段", "en": "no fields"},
    "points.explain.events": {
        "zh": "事项 {count} 件, 计分 {counted} 件:",
        "en": "{count} event(s), {counted} counted:",
    },
    "points.explain.event": {
        "zh": "{number}. {date} {kind} [{category}]: {points} 分 (规则 {rule}: {condition}; {formula}; {values})",
        "en": "{number}. {date} {kind} [{category}]: {points} (rule {rule}: {condition}; {formula}; {values})",
    },
    "points.explain.not_counted": {
        "zh": "{number}. {date} {kind} [{category}]: 0 分, {detail} ({values})",
        "en": "{number}. {date} {kind} [{category}]: 0, {detail} ({values})",
    },
    "points.explain.categories": {"zh": "分类小计:", "en": "by category:"},
    "points.explain.category": {"zh": "{title}小计: {sum} = {raw}", "en": "{title}: {sum} = {raw}"},
    "points.explain.capped": {
        "zh": ", 超过上限 {cap}, 减去 {cut}, 计 {cap}",
        "en": ", above the cap {cap}: {cut} cut, {cap} counted",
    },
    "points.explain.floored": {
        "zh": ", 低于下限 {floor}, 补足 {cut}, 计 {floor}",
        "en": ", below the floor {floor}: {cut} added back, {floor} counted",
    },
    "points.explain.sum": {
        "zh": "基础分与各类合计: {sum} = {raw}",
        "en": "base and categories: {sum} = {raw}",
    },
    "points.explain.period_capped": {
        "zh": "超过期间总分上限 {cap}, 减去 {cut}",
        "en": "above the period's cap {cap}: {cut} cut",
    },
    "points.explain.period_floored": {
        "zh": "低于期间总分下限 {floor}, 补足 {cut}",
        "en": "below the period's floor {floor}: {cut} added back",
    },
    "points.explain.total": {
        "zh": "总积分 {total} (保留 {precision} 位小数, 四舍五入一次)",
        "en": "total {total} (rounded half up once, to {precision} decimal places)",
    },
    "points.explain.line": {"zh": "积分档次: {line}", "en": "line reached: {line}"},
    "file.events_kind": {
        "zh": "文件 {file}: 事项文件须为 .csv 或 .xlsx",
        "en": "the file {file}: an events file is .csv or .xlsx",
    },
    "file.events_column": {
        "zh": "文件 {file}: 缺少列 {names} (任选一种写法)",
        "en": "the file {file}: a column {names} is missing (any one of these names)",
    },
    "file.events_unknown_columns": {
        "zh": "文件 {file} 中有既不是 {ruleset} 的事项字段, 也不是党员、支部、日期或事项类型的列: {names}",
        "en": "the file {file} has columns that are neither fields of {ruleset}'s events nor member, branch,"
        " date or kind: {names}",
    },
    "row.problem": {"zh": "第 {row} 行: {problem}", "en": "row {row}: {problem}"},
    "branch.member_count": {
        "zh": "支部 {branch} 在事项文件中的党员 {count} 名",
        "en": "branch {branch}: {count} member(s) in the events file",
    },
    "branch.coverage": {
        "zh": "支部 {branch} {period}: {count} 名党员中 {covered} 名有计分事项, {covered} / {count} × 100 = {value}",
        "en": "branch {branch}, {period}: {covered} of {count} member(s) have counted events,"
        " {covered} / {count} × 100 = {value}",
    },
    "branch.average": {
        "zh": "支部 {branch} {period}: {count} 名党员总积分之和 {sum} / {count} = {value}",
        "en": "branch {branch}, {period}: the {count} member(s)' totals sum to {sum}, / {count} = {value}",
    },
    "branch.line_share": {
        "zh": "支部 {branch} {period}: {count} 名党员中 {reached} 名达到{line}, {reached} / {count} × 100 = {value}",
        "en": "branch {branch}, {period}: {reached} of {count} member(s) reached {line},"
        " {reached} / {count} × 100 = {value}",
    },
    "points.check.unused_category": {
        "zh": "积分类别 {category} 没有任何事项类型计入",
        "en": "no kind of event gives points to the category {category}",
    },
    "points.check.line_above_cap": {
        "zh": "积分档次 {line} 的 min {min} 高于总分上限 {cap}, 任何党员都达不到",
        "en": "the line {line} needs {min}, above the period's cap {cap}: no member can reach it",
    },
    "cli.not_points_ruleset": {
        "zh": "{path} 不是党员量化积分规则集 (没有 events)",
        "en": "{path} is not a member points ruleset (it has no events)",
    },
    "cli.points_valid": {
        "zh": "党员积分规则集有效 ({kinds} 类事项, {categories} 个积分类别, {rules} 条引擎规则)",
        "en": "valid member points ruleset ({kinds} kinds of event, {categories} categories, {rules} engine rules)",
    },
    "cli.points_range": {"zh": "总积分范围: {low} 到 {high}", "en": "total between {low} and {high}"},
    "cli.points_unbounded": {"zh": "不限", "en": "unbounded"},
    "cli.points_not_ranked": {
        "zh": "规则集 {ruleset} 未启用排名 (ranking: false), 不能使用 --rank",
        "en": "the ruleset {ruleset} does not opt into ranking (ranking: false): --rank is refused",
    },
    "cli.points_rows_refused": {
        "zh": "{file}: {count} 行事项有错误, 未计算积分",
        "en": "{file}: {count} row(s) of events have errors; no points computed",
    },
    "cli.points_no_member": {
        "zh": "事项文件中没有党员 {member}",
        "en": "there is no member {member} in the events file",
    },
    "cli.points_header": {
        "zh": "党员\t支部\t计分事项\t总积分\t积分档次",
        "en": "member\tbranch\tcounted\ttotal\tline",
    },
    "cli.points_rank_header": {
        "zh": "名次\t党员\t支部\t计分事项\t总积分\t积分档次",
        "en": "rank\tmember\tbranch\tcounted\ttotal\tline",
    },
    "cli.points_members": {
        "zh": "{count} 名党员, 期间 {period}",
        "en": "{count} member(s), period {period}",
    },
    "cli.branch_inputs_written": {
        "zh": "已写出 {branches} 个支部的输入项: {path} (来源说明: {sources})",
        "en": "inputs of {branches} branch(es) written to {path} (where each came from: {sources})",
    },
    "event.not_an_object": {
        "zh": "一件事项应为一个由字段组成的对象, 实际为 {got}",
        "en": "an event is an object of fields, got {got}",
    },
    "event.no_member": {"zh": "党员 (member): 必须填写", "en": "member: is required"},
    "points.no_branch": {
        "zh": "所属支部 (branch): 必须填写, 应为单位编码",
        "en": "branch: is required (a unit code)",
    },
    "points.other_branch": {
        "zh": "党员 {member} 属于支部 {branch}, 事项须记在该支部",
        "en": "member {member} belongs to branch {branch}: their events are posted there",
    },
    "points.unknown_event": {"zh": "没有这个事项记录: {id}", "en": "no such event: {id}"},
    "points.withdrawn_already": {
        "zh": "事项记录 {id} 已被撤回或更正",
        "en": "event {id} was withdrawn or corrected already",
    },
    "points.withdraw_reason": {"zh": "撤回须说明理由", "en": "a withdrawal needs a reason"},
    "points.outside_year": {
        "zh": "日期 (date): {date} 不在 {year} 年内",
        "en": "date: {date} is not in {year}",
    },
    "points.bad_year": {
        "zh": "年度 (year): 应为四位年份, 如 2026, 实际为 {year}",
        "en": "year: must be a year such as 2026, got {year}",
    },
    "points.rows_refused": {
        "zh": "事项文件 {file} 有 {rows} 行被拒绝, 整个文件都没有导入",
        "en": "{rows} rows of the events file {file} were refused: nothing was imported",
    },
    "points.stored_refused": {
        "zh": "已存的事项 {id} 不符合第 {version} 版规则集: {problem}",
        "en": "the stored event {id} does not meet version {version}: {problem}",
    },
    "points.source_unknown": {
        "zh": "输入 {input} 取自党员积分规则集 {ruleset}, 但服务中没有这个规则集",
        "en": "input {input} is taken from the member points ruleset {ruleset}, which the service does not hold",
    },
    "points.figure_unknown": {
        "zh": "输入 {input} 取自党员积分汇总值 {figure}, 但规则集 {ruleset} 只给出 {names}",
        "en": "input {input} is taken from the figure {figure}, but ruleset {ruleset} gives only {names}",
    },
    "points.unknown_member": {"zh": "没有这名党员的事项: {member}", "en": "no events of member {member}"},
    "event.no_date": {"zh": "日期 (date): 必须填写, 如 2026-03-05", "en": "date: is required, e.g. 2026-03-05"},
    "event.bad_date": {
        "zh": "日期 (date): 应为 年-月-日, 如 2026-03-05, 实际为 {got}",
        "en": "date: must be year-month-day, e.g. 2026-03-05, got {got}",
    },
    "event.no_kind": {"zh": "事项类型 (kind): 必须填写", "en": "kind: is required"},
    "event.unknown_kind": {
        "zh": "事项类型 (kind): {got} 不是本规则集的事项类型{hint}",
        "en": "kind: {got} is not a kind of event of this ruleset{hint}",
    },
    "event.bad_identifier": {
        "zh": "{field}: 应为编号文本, 实际为 {got}",
        "en": "{field}: must be an identifier, got {got}",
    },
    "event.long_identifier": {
        "zh": "编号至多 {limit} 个字符, 实际为 {got}",
        "en": "an identifier has at most {limit} characters, got {got}",
    },
    "event.in_kind": {"zh": "事项 {kind}: {problem}", "en": "{kind}: {problem}"},
    "event.bad_period": {
        "zh": "期间应为 年 (2026)、年-月 (2026-03) 或 年-月-日, 实际为 {got}",
        "en": "a period is a year (2026), a month (2026-03) or a day, got {got}",
    },
    "event.other_member": {
        "zh": "计算党员 {member} 的积分时不能混入党员 {other} 的事项",
        "en": "the events of member {other} cannot count for member {member}",
    },
    "what.inputs": {"zh": "输入项", "en": "inputs"},
    "what.dimensions": {"zh": "维度", "en": "dimensions"},
    "what.indicators": {"zh": "指标", "en": "indicators"},
    "what.outputs": {"zh": "计算结果", "en": "outputs"},
    "what.vetoes": {"zh": "否决项", "en": "vetoes"},
    # ------------------------------------------------------------ expressions (engine.expressions)
    "expr.empty": {"zh": "表达式是空的", "en": "the expression is empty"},
    "expr.syntax": {"zh": "表达式无法解析: {detail}", "en": "the expression does not parse: {detail}"},
    "expr.not_allowed": {"zh": "{text} 在表达式中不允许使用", "en": "'{text}' is not allowed here"},
    "expr.word": {
        "zh": "{text} 不是本语言的词 (请用 true/false)",
        "en": "'{text}' is not a word of this language (use true/false)",
    },
    "expr.not_a_number": {"zh": "{text} 不是数", "en": "'{text}' is not a number"},
    "expr.operator": {"zh": "{text} 中的运算符不允许使用", "en": "the operator in '{text}' is not allowed"},
    "expr.in_list": {
        "zh": "in 后面应为值的列表, 如 x in ['a', 'b']",
        "en": "'in' takes a list of values: x in ['a', 'b']",
    },
    "expr.in_values": {"zh": "in 后面的列表只能含值", "en": "the list after 'in' may hold only values"},
    "expr.comparison": {"zh": "{text} 中的比较不允许使用", "en": "the comparison in '{text}' is not allowed"},
    "expr.keywords": {"zh": "函数不接受带名字的参数", "en": "functions take no keyword arguments"},
    "expr.arity": {"zh": "{function}() 需要 {count} 个参数", "en": "{function}() takes {count} argument(s)"},
    "expr.unknown_function": {
        "zh": "{function} 不是可用的函数 (可用: abs、max、min、round){hint}",
        "en": "'{function}' is not a function of this language (only abs, max, min, round){hint}",
    },
    "expr.not_english": {
        "zh": "第 {column} 列的字符 '{char}' 不是英文字符: 名称、运算符和数字只能用英文书写, 文字须写在引号内",
        "en": "the character '{char}' at column {column} is not English: names, operators and numbers are"
        " written in English, words go inside quotes",
    },
    # ------------------------------------------------------------ rulesets: size limits (engine.limits)
    "limit.text_bytes": {
        "zh": "规则集文本有 {size} 字节, 超过上限 {limit} 字节 (1 MB)",
        "en": "the ruleset's text has {size} bytes, over the limit of {limit} bytes (1 MB)",
    },
    "limit.bands": {
        "zh": "一个指标有 {count} 个分档, 超过上限 {limit} 个",
        "en": "an indicator has {count} bands, over the limit of {limit}",
    },
    "limit.ballot_counts": {
        "zh": "各民主测评共需 {count} 个票数输入项 (评议组数 × 选项数), 超过上限 {limit} 个",
        "en": "the ballots need {count} count inputs (groups × choices), over the limit of {limit}",
    },
    "limit.indicators": {
        "zh": "规则集共有 {count} 个指标, 超过上限 {limit} 个",
        "en": "the ruleset has {count} indicators, over the limit of {limit}",
    },
    "limit.expression_chars": {
        "zh": "表达式有 {count} 个字符, 超过上限 {limit} 个",
        "en": "the expression has {count} characters, over the limit of {limit}",
    },
    "limit.brackets": {"zh": "括号嵌套超过 {limit} 层", "en": "brackets are nested more than {limit} deep"},
    "limit.expression_depth": {
        "zh": "表达式嵌套超过 {limit} 层 (每个运算、括号、函数和条件各算一层; 很长的加法可用括号分组)",
        "en": "the expression is nested more than {limit} deep (each operation, bracket, function and"
        " condition is one level; group a long sum with brackets)",
    },
    "limit.conditional_depth": {
        "zh": "条件表达式 (if ... else) 嵌套超过 {limit} 层",
        "en": "conditionals (if ... else) are nested more than {limit} deep",
    },
    "limit.expression_terms": {
        "zh": "表达式中的名称和数值超过 {limit} 个",
        "en": "the expression has more than {limit} names and values",
    },
    "limit.in_values": {
        "zh": "列表有 {count} 个值, 超过上限 {limit} 个",
        "en": "the list has {count} values, over the limit of {limit}",
    },
    "limit.integer_digits": {
        "zh": "整数有 {count} 位, 超过上限 {limit} 位",
        "en": "the whole number has {count} digits, over the limit of {limit}",
    },
    "limit.document_nodes": {
        "zh": "第 {line} 行起的内容展开别名 (*) 后有 {size} 个值, 超过上限 {limit} 个; 锚点 (&) 与别名只宜复用小段内容",
        "en": "from line {line} the content has {size} values once its aliases (*) are expanded, over the"
        " limit of {limit}; anchors (&) and aliases are for reusing small parts",
    },
    "limit.document_depth": {
        "zh": "第 {line} 行起的内容嵌套 {depth} 层, 超过上限 {limit} 层",
        "en": "from line {line} the content is nested {depth} deep, over the limit of {limit}",
    },
    "limit.alias_loop": {
        "zh": "第 {line} 行的别名 (*) 引用了包含它自己的锚点 (&), 展开后没有尽头",
        "en": "the alias (*) at line {line} refers to an anchor (&) that contains it, so it never ends",
    },
    # ------------------------------------------------------------ rulesets: the rules engine's limits (engine.compiler)
    "engine.rules": {
        "zh": "规则集有 {count} 个条件, 引擎最多容纳 {limit} 个",
        "en": "the ruleset has {count} conditions, the engine holds at most {limit}",
    },
    "engine.sequence": {
        "zh": "{path}: 条件展开后在引擎中占 {size} 项 (每组 and/or 计 2 项, 每个两值比较计 1 项),"
        " 引擎每条规则最多 {limit} 项; 请拆分条件或减少 or 与嵌套的 if ... else",
        "en": "{path}: the condition takes {size} terms in the engine (2 for each and/or, 1 for each"
        " comparison), at most {limit} per rule; split the condition or use fewer or and nested if ... else",
    },
    "engine.branches": {
        "zh": "{path}: 条件展开 or 与 in 后有 {count} 个分支, 引擎最多 {limit} 个; 请拆分条件",
        "en": "{path}: the condition has {count} branches once or and in are expanded, the engine takes"
        " at most {limit}; split the condition",
    },
    "engine.fields": {
        "zh": "{path}: 条件读取 {count} 个值, 引擎每个事实最多 {limit} 个",
        "en": "{path}: the condition reads {count} values, the engine takes at most {limit} per fact",
    },
    "engine.facts": {
        "zh": "规则集每个单位需要 {count} 个事实, 引擎最多 {limit} 个",
        "en": "the ruleset needs {count} facts per unit, the engine takes at most {limit}",
    },
    # ------------------------------------------------------------ rulesets: reading YAML (libyaml's words, by their English)
    "yaml.number": {"zh": "数 {text} 无法表示", "en": "the number {text} cannot be represented"},
    "yaml.while parsing a flow sequence": {"zh": "读取 [...] 列表时", "en": "while parsing a flow sequence"},
    "yaml.while parsing a flow mapping": {"zh": "读取 {{...}} 时", "en": "while parsing a flow mapping"},
    "yaml.while parsing a block mapping": {"zh": '读取 "键: 值" 时', "en": "while parsing a block mapping"},
    "yaml.while parsing a block collection": {"zh": '读取 "- 项" 列表时', "en": "while parsing a block collection"},
    "yaml.while scanning a quoted scalar": {"zh": "读取带引号的文本时", "en": "while scanning a quoted scalar"},
    "yaml.while scanning a simple key": {"zh": "读取键时", "en": "while scanning a simple key"},
    "yaml.did not find expected ',' or ']'": {"zh": "缺少 ',' 或 ']'", "en": "did not find expected ',' or ']'"},
    "yaml.did not find expected ',' or '}'": {"zh": "缺少 ',' 或 '}}'", "en": "did not find expected ',' or '}}'"},
    "yaml.did not find expected key": {"zh": "缺少键 (可能是缩进不对)", "en": "did not find expected key"},
    "yaml.did not find expected '-' indicator": {
        "zh": "缺少 '-' (可能是缩进不对)",
        "en": "did not find expected '-' indicator",
    },
    "yaml.could not find expected ':'": {"zh": "缺少 ':'", "en": "could not find expected ':'"},
    "yaml.mapping values are not allowed in this context": {
        "zh": '此处不能写 "键: 值" (可能是缩进不对, 或文本中的冒号需要加引号)',
        "en": "mapping values are not allowed in this context",
    },
    "yaml.found unexpected end of stream": {
        "zh": "文本意外结束 (引号或括号没有闭合)",
        "en": "found unexpected end of stream",
    },
    "yaml.found character that cannot start any token": {
        "zh": "含有不能出现在此处的字符 (如制表符 Tab)",
        "en": "found character that cannot start any token",
    },
    "model.id": {
        "zh": "标识 '{shown}' 不合规定: {rule}, 最多 {limit} 个字符",
        "en": "the id '{shown}' is not allowed: {rule}, at most {limit} characters",
    },
    "model.id_rule": {
        "zh": "须以小写英文字母开头, 只含小写英文字母、数字和下划线",
        "en": "it starts with a lowercase English letter and holds only lowercase letters, digits and _",
    },
    "model.ruleset_id_rule": {
        "zh": "只含小写英文字母、数字和连字符 (-)",
        "en": "it holds only lowercase English letters, digits and hyphens (-)",
    },
    # ------------------------------------------------------------ JSON text (engine.strictjson)
    "json.constant": {
        "zh": "{name} 不是数 (JSON 中没有 NaN 和 Infinity)",
        "en": "{name} is not a number (JSON has no NaN or Infinity)",
    },
    "json.duplicate_key": {"zh": "键 {key} 出现了不止一次", "en": "the key {key} appears more than once"},
    "json.surrogates": {
        "zh": "文本 {text} 含有无效的 Unicode 代理字符",
        "en": "the text {text} holds invalid Unicode surrogates",
    },
    "json.not_utf8": {
        "zh": "不是 UTF-8 编码的文本 (第 {byte} 个字节)",
        "en": "not UTF-8 text (at byte {byte})",
    },
    "json.too_deep": {"zh": "嵌套层次过深", "en": "nested too deep"},
    "json.invalid": {"zh": "不是有效的 JSON: {detail}", "en": "not valid JSON: {detail}"},
    "text.clipped": {"zh": "{start}…(共 {count} 个字符)", "en": "{start}… ({count} characters)"},
    # ------------------------------------------------------------ batch files (engine.textfiles, engine.workbooks, engine.tabular)
    "file.unknown_encoding": {
        "zh": "不支持的编码 {declared}: 可用 utf-8、gb18030 (gbk), 或不填由系统识别",
        "en": "the encoding {declared} is not supported: use utf-8 or gb18030 (gbk), or leave it out to detect it",
    },
    "file.undecodable_as": {
        "zh": "按 {codec} 读, 第 {line} 行 (第 {byte} 字节) 无法解码",
        "en": "read as {codec}, line {line} (byte {byte}) does not decode",
    },
    "file.encoding": {
        "zh": "文件 {file} 的编码无法识别: {failures}; 请另存为 UTF-8 或 GB18030 (GBK) 编码的文件",
        "en": "the encoding of the file {file} is not recognised: {failures}; save it as UTF-8 or GB18030 (GBK)",
    },
    "file.line_too_long": {
        "zh": "文件 {file} 第 {line} 行超过 {limit:,} 个字符, 不是一行单位数据, 已跳过",
        "en": "line {line} of the file {file} is over {limit:,} characters, not a row of a unit; skipped",
    },
    "file.not_xlsx": {
        "zh": "文件 {file} 不是 Excel 工作簿 (.xlsx), 无法打开",
        "en": "the file {file} is not an Excel workbook (.xlsx) and cannot be opened",
    },
    "file.inflated": {
        "zh": "文件 {file} 解压后共 {size:,} 字节, 超过上限 {limit:,} 字节; 请拆分为几个文件",
        "en": "the file {file} inflates to {size:,} bytes, over the limit of {limit:,} bytes; split it into several files",
    },
    "file.ratio": {
        "zh": "文件 {file} 的 {part} 压缩比异常 ({size:,} 字节压缩为 {compressed:,} 字节), 不像真实的表格, 已拒绝",
        "en": "{part} of the file {file} compresses unusually well ({size:,} bytes into {compressed:,});"
        " it does not look like a real spreadsheet and is refused",
    },
    "file.unreadable_xlsx": {
        "zh": "文件 {file} 不是可读取的 Excel 工作簿 (.xlsx), 或含有不允许的内容",
        "en": "the file {file} is not a readable Excel workbook (.xlsx), or holds content that is not allowed",
    },
    "file.broken_row": {
        "zh": "文件 {file} 第 {row} 行附近的内容无法读取 (工作表已损坏或含有不允许的内容)",
        "en": "the file {file} cannot be read near row {row} (the sheet is damaged or holds content that is"
        " not allowed)",
    },
    "file.cells_read": {
        "zh": "文件 {file} 读到第 {row} 行时已超过 {limit:,} 个单元格; 请拆分",
        "en": "the file {file} is over {limit:,} cells by row {row}; split it",
    },
    "file.sheet_columns": {
        "zh": "文件 {file} 的工作表有 {columns:,} 列, 超过上限 {limit:,} 列",
        "en": "the sheet of the file {file} has {columns:,} columns, over the limit of {limit:,}",
    },
    "file.sheet_cells": {
        "zh": "文件 {file} 的工作表有 {rows:,} 行 × {columns:,} 列, 超过上限 {limit:,} 个单元格",
        "en": "the sheet of the file {file} has {rows:,} rows × {columns:,} columns, over the limit of {limit:,} cells",
    },
    "file.no_unit_id": {
        "zh": "文件 {file} 没有单位编码列 (列名用其中之一: {names})",
        "en": "the file {file} has no unit id column (name it one of: {names})",
    },
    "file.unknown_columns": {
        "zh": "文件 {file} 中有既不是 {ruleset} 的输入项也不是单位信息的列: {names}",
        "en": "the file {file} has columns that are neither inputs of {ruleset} nor about the unit: {names}",
    },
    "file.csv_cell": {
        "zh": "文件 {file} 第 {line} 行起无法按 CSV 读取: 单元格超过 {limit:,} 个字符, 多半是双引号没有闭合",
        "en": "the file {file} cannot be read as CSV from line {line}: a cell is over {limit:,} characters,"
        " most likely a double quote is not closed",
    },
    "file.too_many_rows": {
        "zh": "文件 {file} 超过 {limit:,} 行单位数据; 请拆分为几个文件",
        "en": "the file {file} has more than {limit:,} rows of units; split it into several files",
    },
    "file.row_columns": {
        "zh": "文件 {file} 第 {row} 行有 {columns:,} 列, 超过上限 {limit:,} 列",
        "en": "row {row} of the file {file} has {columns:,} columns, over the limit of {limit:,}",
    },
    "file.kind": {
        "zh": "文件 {file}: 批次文件须为 .csv、.xlsx 或 .jsonl",
        "en": "the file {file}: a batch file is .csv, .xlsx or .jsonl",
    },
    "file.empty": {"zh": "文件 {file} 是空的", "en": "the file {file} is empty"},
    "file.header_too_long": {
        "zh": "文件 {file} 第 1 行 (表头) 超过 {limit:,} 个字符, 无法读取",
        "en": "line 1 (the header) of the file {file} is over {limit:,} characters and cannot be read",
    },
    "file.header_columns": {
        "zh": "文件 {file} 的表头有 {columns:,} 列, 超过上限 {limit:,} 列",
        "en": "the header of the file {file} has {columns:,} columns, over the limit of {limit:,}",
    },
    "file.results_kind": {
        "zh": "结果文件 {file}: 须为 .xlsx、.csv 或 .jsonl",
        "en": "the results file {file}: it must be .xlsx, .csv or .jsonl",
    },
    # ------------------------------------------------------------ indicator tables (engine.indicator_table)
    "table.name": {"zh": "指标表", "en": "the indicator table"},
    "table.where_sheet": {"zh": "「{sheet}」表", "en": "sheet {sheet}"},
    "table.where_row": {"zh": "第 {row} 行", "en": ", row {row}"},
    "table.where_column": {"zh": "「{column}」列", "en": ", column {column}"},
    "table.empty_cell": {"zh": "不能为空", "en": "must not be empty"},
    "table.number_required": {"zh": "不能为空, 应填一个数", "en": "must not be empty: write a number"},
    "table.not_a_number": {"zh": "应填一个数, 填的是 {got}", "en": "must be a number, got {got}"},
    "table.not_finite": {"zh": "应填一个有限的数, 填的是 '{text}'", "en": "must be a finite number, got '{text}'"},
    "table.not_yes_no": {"zh": "应填 {yes} 或 {no}, 填的是 '{text}'", "en": "must be {yes} or {no}, got '{text}'"},
    "table.not_one_of": {"zh": "应为 {words} 之一, 填的是 '{text}'", "en": "must be one of {words}, got '{text}'"},
    "table.missing_sheet": {"zh": "缺少这张表", "en": "the sheet is missing"},
    "table.empty_sheet": {"zh": "表是空的, 第 1 行应是列名", "en": "the sheet is empty; row 1 names the columns"},
    "table.unknown_column": {
        "zh": "列名 '{name}' 不是这张表的列 (应为 {names})",
        "en": "'{name}' is not a column of this sheet (the columns are {names})",
    },
    "table.input_without_id": {
        "zh": "填了输入的其他列, 但没有{column}",
        "en": "other columns of an input are filled in but not its id ({column})",
    },
    "table.input_twice": {"zh": "输入 {name} 已在前面定义过", "en": "the input {name} is already defined above"},
    "table.band_line": {
        "zh": "每行应为 '条件 {arrow} 分值' 或 '{else_word} {arrow} 分值', 这一行是 '{line}'",
        "en": "each line is 'condition {arrow} points' or '{else_word} {arrow} points', this line is '{line}'",
    },
    "table.class_weights": {
        "zh": "按 {by} 分类的权重应写成 '选项=权重; 选项=权重', 这一段是 '{part}'",
        "en": "weights by {by} are written 'choice=weight; choice=weight', this part is '{part}'",
    },
    "table.dimension_split": {
        "zh": "维度 {id} 的指标应写在连续的行里, 它在前面已经出现过",
        "en": "the indicators of the dimension {id} go in consecutive rows; it already appears above",
    },
    "table.first_indicator": {
        "zh": "第一个指标所在行必须填写{id_column}和{title_column}",
        "en": "the first indicator's row needs the dimension's id ({id_column}) and title ({title_column})",
    },
    "table.dimension_without_id": {
        "zh": "填了{title_column}的其他列, 但没有{id_column}",
        "en": "other columns of a dimension ({title_column}) are filled in but not its id ({id_column})",
    },
    "table.first_item": {
        "zh": "第一个项目所在行必须填写{id_column}和{title_column}",
        "en": "the first item's row needs the group's id ({id_column}) and title ({title_column})",
    },
    "table.cap_only": {
        "zh": "只有后果为 {cap} 时才填写{column}",
        "en": "{column} is filled in only when the consequence is {cap}",
    },
    "table.json": {"zh": "应为 JSON: {detail}", "en": "must be JSON: {detail}"},
    "table.unknown_field": {
        "zh": "'{label}' 不是可填的字段 (应为 {labels})",
        "en": "'{label}' is not a field of this sheet (the fields are {labels})",
    },
    "table.output_twice": {"zh": "计算结果 {name} 已在前面定义过", "en": "the output {name} is already defined above"},
    "table.not_xlsx": {
        "zh": "{name}: 不是 Excel (.xlsx) 文件, 无法作为指标表读取",
        "en": "{name}: not an Excel (.xlsx) file, so it cannot be read as an indicator table",
    },
    "table.no_inputs": {
        "zh": "「{indicators}」表与「{inputs}」表: 没有定义任何输入 ({message})",
        "en": "sheets {indicators} and {inputs}: no input is defined ({message})",
    },
    "table.no_indicators": {
        "zh": "「{sheet}」表: 没有任何指标 ({message})",
        "en": "sheet {sheet}: no indicator ({message})",
    },
    "table.no_grades": {"zh": "「{sheet}」表: 没有任何等次 ({message})", "en": "sheet {sheet}: no grade ({message})"},
    "table.about_field": {
        "zh": "「{sheet}」表: 缺少或填错了「{label}」 ({message})",
        "en": "sheet {sheet}: {label} is missing or wrong ({message})",
    },
    "table.whole": {"zh": "(规则整体) {problem}", "en": "(the ruleset as a whole) {problem}"},
    "table.element": {"zh": "{message} (规则要素 {path})", "en": "{message} (element {path})"},
    "table.element_column": {
        "zh": "{message} (规则要素 {path}, 第 {column} 个字符)",
        "en": "{message} (element {path}, column {column})",
    },
    # ------------------------------------------------------------ the service's problem titles
    "cli.ruleset_refused": {"zh": "规则集被拒绝, 共 {count} 个问题:", "en": "ruleset refused, {count} problem(s):"},
    "cli.submission_refused": {
        "zh": "提交的数据被拒绝, 共 {count} 个问题:",
        "en": "submission refused, {count} problem(s):",
    },
    "row.no_unit_id": {"zh": "这一行没有单位编码", "en": "the row has no unit id"},
    "row.jsonl_shape": {
        "zh": '每一行应为 {{"unit": {{...}}, "data": {{...}}}}',
        "en": 'each line is {{"unit": {{...}}, "data": {{...}}}}',
    },
    "row.duplicate_unit": {
        "zh": "单位 {unit} 已在第 {first} 行出现过",
        "en": "unit {unit} already appears in row {first}",
    },
    "row.crashed": {
        "zh": "评分这个单位两次使评分进程退出 (退出码 {code}), 未评分",
        "en": "scoring this unit stopped its worker process twice (exit code {code})",
    },
    "row.crashed_cluster": {
        "zh": "评分这个单位多次使集群的评分进程退出, 未评分",
        "en": "scoring this unit stopped the cluster's worker processes again and again",
    },
    "cluster.unreachable": {
        "zh": "无法连接 Dask 集群的调度器 {address}: 请检查地址 (如 tcp://主机:8786) 以及调度器是否已启动",
        "en": "cannot reach the Dask cluster's scheduler at {address}: check the address (e.g. tcp://host:8786) and that the scheduler is running",
    },
    "cli.cluster_and_workers": {
        "zh": "--cluster 与 --workers 不能同时使用: 集群上的评分进程数由各台机器的 dask worker 决定",
        "en": "--cluster and --workers cannot be used together: on a cluster, each host's dask worker decides how many processes score",
    },
    "cli.ok": {"zh": "通过", "en": "ok  "},
    "cli.fail": {"zh": "失败", "en": "FAIL"},
    "cli.mismatch": {"zh": "{what}: 应为 {expected}, 实际为 {got}", "en": "{what}: expected {expected}, got {got}"},
    "cli.valid": {
        "zh": "规则集有效 ({indicators} 个指标, {rules} 条引擎规则, 每个单位 {facts} 个事实)",
        "en": "valid ({indicators} indicators, {rules} engine rules, {facts} facts per unit)",
    },
    "cli.range": {"zh": "可达到的总分: {low} 到 {high} ({how})", "en": "reachable total: {low} to {high} ({how})"},
    "cli.exact": {"zh": "精确", "en": "exact"},
    "cli.bound": {"zh": "安全界限: {why}", "en": "a safe bound: {why}"},
    "cli.warning": {"zh": "提醒: {warning}", "en": "warning: {warning}"},
    "cli.no_warnings": {"zh": "没有提醒", "en": "no warnings"},
    "cli.batch_rows": {
        "zh": "共 {rows} 行: {scored} 行已评分, {errors} 行有错误",
        "en": "{rows} rows: {scored} scored, {errors} with errors",
    },
    "cli.batch_columnar": {
        "zh": "列式评分 {columnar} 个单位, 逐单位评分 {per_unit} 个, 抽样复核 {cross_checked} 个 (均与逐单位评分一致)",
        "en": "{columnar} unit(s) scored columnar, {per_unit} per unit, {cross_checked} cross-checked (all equal)",
    },
    "columnar.differs": {
        "zh": "列式评分与逐单位评分不一致: 单位 {unit} (第 {row} 行) 的 {figure} 列式为 {columnar}, 逐单位为 {per_unit};"
        " 本批次结果不予采用, 请将此信息报告系统维护人员 (命令行可去掉 --columnar 逐单位评分)",
        "en": "the columnar path and the per-unit path differ: unit {unit} (row {row}) has {figure} {columnar} columnar"
        " but {per_unit} per unit; the batch is not used: report this to whoever maintains the system (on the"
        " command line, scoring without --columnar scores unit by unit)",
    },
    "cli.quota_moves": {"zh": "名额控制调整了 {count} 个单位", "en": "quotas moved {count} unit(s)"},
    "cli.wrote": {"zh": "已写出 {path}", "en": "wrote {path}"},
    "cli.wrote_for": {"zh": "{ruleset}: 已写出 {path}", "en": "{ruleset}: wrote {path}"},
    "cli.wrote_table_ruleset": {
        "zh": "{ruleset}: 已写出 {path} (共 {indicators} 项指标)",
        "en": "{ruleset}: wrote {path} ({indicators} indicators)",
    },
    "check.ballot_value": {
        "zh": "{ballot}: 选项 {choice} 的分值 {value} 不在 0 到 1 之间, 满意度将超出 0 到 1",
        "en": "{ballot}: choice '{choice}' is worth {value}, outside 0 to 1",
    },
    "check.ballot_weight_zero": {
        "zh": "{ballot}: 评议组 {group} 的权重为 0, 它的票不影响满意度",
        "en": "{ballot}: rater group '{group}' weighs 0, its ballots do not change the satisfaction",
    },
    "check.ballot_unused": {
        "zh": "{ballot}: 已声明, 但没有任何指标、否决、等次条件或计算结果使用它的数据",
        "en": "{ballot}: declared but no indicator, veto, grade requirement or output reads its figures",
    },
    "check.band_covered": {
        "zh": "这一档永远达不到 (前面的档已包括 {covered})",
        "en": "can never be reached (earlier bands cover {covered})",
    },
    "check.band_unreachable": {
        "zh": "这一档永远达不到 (前面的档或 {name} 的取值范围已把它排除)",
        "en": "can never be reached (earlier bands or the range of {name} cover it)",
    },
    "check.choice_gap": {
        "zh": "{name} 为 {values} 时没有对应的档, 也没有 else (得 0 分)",
        "en": "{values} of {name} match no band and there is no else (0 points)",
    },
    "check.range_gap": {
        "zh": "{name} 在 {values} 内时没有对应的档, 也没有 else (得 0 分)",
        "en": "values of {name} in {values} match no band and there is no else (0 points)",
    },
    "check.grade_unreachable": {
        "zh": "{grade} 需要 {min} 分, 但可达到的最高总分是 {high}",
        "en": "{grade} needs {min} but the highest reachable total is {high}",
    },
    "check.inexact_forms": {
        "zh": "部分指标或条件的形式无法精确分析",
        "en": "some indicators or conditions have forms that cannot be analysed exactly",
    },
    "check.shared_inputs": {
        "zh": "以下输入被多个评分要素读取: {names}",
        "en": "these inputs are read by several scoring elements: {names}",
    },
    "check.consistency": {
        "zh": "一致性规则可能排除某些组合",
        "en": "consistency rules may rule out some combinations",
    },
    # ------------------------------------------------------------ test coverage (engine.coverage) and generated cases (engine.cases)
    "coverage.total": {"zh": "{ruleset}: 测试覆盖率 {percent}%", "en": "{ruleset}: test coverage {percent}%"},
    "coverage.missing": {"zh": "  未被任何测试覆盖:", "en": "  exercised by no test:"},
    "coverage.kind.bands": {"zh": "分档", "en": "bands"},
    "coverage.kind.items": {"zh": "加扣分项", "en": "adjustment items"},
    "coverage.kind.caps": {"zh": "封顶", "en": "caps"},
    "coverage.kind.vetoes": {"zh": "否决", "en": "vetoes"},
    "coverage.kind.grades": {"zh": "等次", "en": "grades"},
    "coverage.kind.requirements": {"zh": "前置条件", "en": "requirements"},
    "coverage.kind.outputs": {"zh": "计算结果", "en": "outputs"},
    "coverage.else": {"zh": "其余情况", "en": "otherwise"},
    "coverage.cap": {"zh": "{group}封顶 {cap}", "en": "{group}: cap {cap}"},
    "cases.no_base": {
        "zh": "没有可评分的测试作为基准单位, 各输入取最小值的单位也无法评分: {problems}。请先添加一个能评分的测试。",
        "en": "no test that scores can be the base unit, and a unit with every input at its least does not"
        " score either: {problems}. Add a test that scores first.",
    },
    # ------------------------------------------------------------ drafts compared (engine.diff, engine.impact)
    "diff.grade_order": {"zh": "等次顺序", "en": "order of the grades"},
    "impact.quota_redecided": {
        "zh": "quota (批次内名额控制重新决定)",
        "en": "quota (the batch's quotas decided again)",
    },
    "impact.single": {
        "zh": "单独评分的记录不属于任何批次, 不适用名额控制, 按草案直接定等",
        "en": "records scored one by one belong to no batch: no quota applies, the draft grades them directly",
    },
    "impact.batches": {
        "zh": "{count} 个批次的名额控制已按草案在各自批次内重新决定",
        "en": "the quotas of {count} batch(es) were decided again by the draft, each within its batch",
    },
    # ------------------------------------------------------------ the service's problem titles, by their English name
    "problem.Bad notice": {"zh": "公示请求无效", "en": "Bad notice"},
    "problem.Unknown notice": {"zh": "公示不存在", "en": "Unknown notice"},
    "problem.Nothing to notice": {"zh": "没有可公示的结果", "en": "Nothing to notice"},
    "problem.Not listable": {"zh": "有单位不能列入公示", "en": "Not listable"},
    "problem.Notice closed": {"zh": "公示已结束", "en": "Notice closed"},
    "problem.Notice open": {"zh": "公示期未满", "en": "Notice open"},
    "problem.Objections open": {"zh": "尚有未处理的异议", "en": "Objections open"},
    "problem.Font missing": {"zh": "缺少中文字体", "en": "Font missing"},
    "problem.Bad objection": {"zh": "异议请求无效", "en": "Bad objection"},
    "problem.Outside notice period": {"zh": "不在公示期内", "en": "Outside notice period"},
    "problem.Unknown objection": {"zh": "异议不存在", "en": "Unknown objection"},
    "problem.Already resolved": {"zh": "异议已处理", "en": "Already resolved"},
    "problem.Bad stage request": {"zh": "评议环节请求无效", "en": "Bad stage request"},
    "problem.Confirms only": {"zh": "该环节只能确认", "en": "Confirms only"},
    "problem.Finished": {"zh": "评议已完成", "en": "Finished"},
    "problem.In stages": {"zh": "已进入评议环节", "en": "In stages"},
    "problem.First stage": {"zh": "第一个评议环节", "en": "First stage"},
    "problem.No stages": {"zh": "规则集没有评议环节", "en": "No stages"},
    "problem.Not your stage": {"zh": "不是您办理的环节", "en": "Not your stage"},
    "problem.Nothing to send back": {"zh": "无可退回", "en": "Nothing to send back"},
    "problem.Out of turn": {"zh": "未轮到该环节", "en": "Out of turn"},
    "problem.Filled input": {"zh": "系统自动填入的数据项不能修改", "en": "Filled input"},
    "problem.Reasons": {"zh": "修改须说明理由", "en": "Reasons"},
    "problem.Unknown stage": {"zh": "没有这个评议环节", "en": "Unknown stage"},
    "problem.Sign-in failed": {"zh": "登录失败", "en": "Sign-in failed"},
    "problem.Already scored": {"zh": "已有当前评分", "en": "Already scored"},
    "problem.Bad lifetime": {"zh": "有效期不合规定", "en": "Bad lifetime"},
    "problem.Bad period": {"zh": "考核期不合规定", "en": "Bad period"},
    "problem.Quarters missing": {"zh": "缺少季度记录", "en": "Quarters missing"},
    "problem.Quarters unknown": {"zh": "季度数据来源不明", "en": "Quarters unknown"},
    "problem.Bad periods": {"zh": "考核期不合规定", "en": "Bad periods"},
    "problem.Batch not finished": {"zh": "批次尚未完成", "en": "Batch not finished"},
    "problem.Cannot supersede": {"zh": "不能更正这条记录", "en": "Cannot supersede"},
    "problem.Conflict": {"zh": "冲突", "en": "Conflict"},
    "problem.CSRF check failed": {"zh": "表单校验未通过", "en": "CSRF check failed"},
    "problem.Draft version": {"zh": "草稿版本不能正式评分", "en": "Draft version"},
    "problem.Edit conflict": {"zh": "修改冲突", "en": "Edit conflict"},
    "problem.Empty ruleset": {"zh": "规则集是空的", "en": "Empty ruleset"},
    "problem.Forbidden": {"zh": "无权操作", "en": "Forbidden"},
    "problem.Page forbidden": {"zh": "无权查看此页", "en": "Page forbidden"},
    "problem.Four eyes": {"zh": "须由另一人发布 (四眼原则)", "en": "Four eyes"},
    "problem.Idempotency key reused": {"zh": "幂等键已用于另一请求", "en": "Idempotency key reused"},
    "problem.Invalid token": {"zh": "令牌无效", "en": "Invalid token"},
    "problem.No version in force": {"zh": "该考核期没有生效的版本", "en": "No version in force"},
    "problem.Not authenticated": {"zh": "未登录或未提供令牌", "en": "Not authenticated"},
    "problem.Nothing changed": {"zh": "内容没有变化", "en": "Nothing changed"},
    "problem.Ruleset exists": {"zh": "规则集已存在", "en": "Ruleset exists"},
    "problem.Ruleset id does not match": {"zh": "规则集编码不一致", "en": "Ruleset id does not match"},
    "problem.Superseded already": {"zh": "这条记录已被更正", "en": "Superseded already"},
    "problem.Tests failed": {"zh": "内嵌测试未通过", "en": "Tests failed"},
    "problem.Too many failures": {"zh": "失败次数过多, 请稍后再试", "en": "Too many failures"},
    "problem.Too many units": {"zh": "单位过多", "en": "Too many units"},
    "problem.Units refused": {"zh": "单位被拒绝", "en": "Units refused"},
    "problem.Unknown asset": {"zh": "没有这个文件", "en": "Unknown asset"},
    "problem.Unknown format": {"zh": "没有这种格式", "en": "Unknown format"},
    "problem.Unknown batch": {"zh": "没有这个批次", "en": "Unknown batch"},
    "problem.Grant exists": {"zh": "授权已存在", "en": "Grant exists"},
    "problem.Unknown grant": {"zh": "没有这项授权", "en": "Unknown grant"},
    "problem.Unknown role": {"zh": "没有这个角色", "en": "Unknown role"},
    "problem.Unknown ruleset": {"zh": "没有这个规则集", "en": "Unknown ruleset"},
    "problem.Unknown score": {"zh": "没有这条评分记录", "en": "Unknown score"},
    "problem.Unknown token": {"zh": "没有这个令牌", "en": "Unknown token"},
    "problem.Unknown unit": {"zh": "没有这个单位", "en": "Unknown unit"},
    "problem.Unknown user": {"zh": "没有这个用户", "en": "Unknown user"},
    "problem.Unknown version": {"zh": "没有这个版本", "en": "Unknown version"},
    "problem.Unreadable batch file": {"zh": "批次文件无法读取", "en": "Unreadable batch file"},
    "problem.Unreadable units file": {"zh": "单位文件无法读取", "en": "Unreadable units file"},
    "problem.User exists": {"zh": "用户已存在", "en": "User exists"},
    "problem.Version not in force": {"zh": "该版本在此考核期不生效", "en": "Version not in force"},
    "problem.Weak password": {"zh": "密码太弱", "en": "Weak password"},
    "problem.Which unit": {"zh": "请指明单位", "en": "Which unit"},
    "problem.Body is not UTF-8": {"zh": "请求体不是 UTF-8 文本", "en": "Body is not UTF-8"},
    "problem.Engine failure": {"zh": "评分引擎故障", "en": "Engine failure"},
    "problem.Database busy": {"zh": "数据库繁忙", "en": "Database busy"},
    "problem.Internal error": {"zh": "内部错误", "en": "Internal error"},
    "detail.http_404": {
        "zh": "服务没有地址 {path}, 请检查地址是否写错",
        "en": "the service has no address {path}: check how it is written",
    },
    "detail.http_405": {
        "zh": "地址 {path} 不接受 {method} 请求",
        "en": "the address {path} does not accept {method} requests",
    },
    "problem.Body too large": {"zh": "请求体过大", "en": "Body too large"},
    "problem.Bad request": {"zh": "请求有误", "en": "Bad request"},
    "problem.No such address": {"zh": "没有这个地址", "en": "No such address"},
    "problem.Method not allowed": {"zh": "不支持此请求方式", "en": "Method not allowed"},
    "problem.Too many requests": {"zh": "请求过于频繁", "en": "Too many requests"},
    "problem.Metrics for this machine only": {"zh": "指标只对本机开放", "en": "Metrics for this machine only"},
    "problem.Ruleset too large": {"zh": "规则集文本过大", "en": "Ruleset too large"},
    "problem.Ruleset too costly": {"zh": "规则集超出加载限制", "en": "Ruleset too costly"},
    "problem.Ruleset loader unavailable": {"zh": "规则集加载进程未能启动", "en": "Ruleset loader unavailable"},
    "problem.Invalid indicator table": {"zh": "指标表有误", "en": "Invalid indicator table"},
    "problem.No reference needed": {"zh": "无需参照批次", "en": "No reference needed"},
    "problem.Not a reference batch": {"zh": "不能作为参照批次", "en": "Not a reference batch"},
    "problem.Not a scoring ruleset": {"zh": "不是评分规则集", "en": "Not a scoring ruleset"},
    "problem.Not a points ruleset": {"zh": "不是党员积分规则集", "en": "Not a points ruleset"},
    "problem.Event refused": {"zh": "事项被拒绝", "en": "Event refused"},
    "problem.Unknown event": {"zh": "没有这个事项记录", "en": "Unknown event"},
    "problem.Withdrawn already": {"zh": "事项已撤回", "en": "Withdrawn already"},
    "problem.Events file refused": {"zh": "事项文件被拒绝", "en": "Events file refused"},
    "problem.Stored event refused": {"zh": "已存事项不符合规则集", "en": "Stored event refused"},
    "problem.No member points": {"zh": "无法取得党员积分", "en": "No member points"},
    "problem.Unknown member": {"zh": "没有这名党员", "en": "Unknown member"},
    "problem.Ranking not allowed": {"zh": "规则集不允许排名", "en": "Ranking not allowed"},
    "detail.points_not_scored": {
        "zh": "规则集 {ruleset} 是党员积分规则集, 不能给单位评分; 请提交事项 (/rulesets/{ruleset}/events)",
        "en": "ruleset {ruleset} is a member points ruleset and scores no unit: post events to it",
    },
    "detail.not_points_ruleset": {
        "zh": "规则集 {ruleset} 不是党员积分规则集 (没有 events:)",
        "en": "ruleset {ruleset} is not a member points ruleset (it has no events:)",
    },
    "problem.No reference published": {"zh": "没有公布参照批次", "en": "No reference published"},
    "detail.busy": {"zh": "数据库繁忙, 什么也没有写入; 请稍后重试", "en": "nothing was written; try again"},
    "detail.internal": {"zh": "服务内部出错, 已记入日志; 什么也没有写入", "en": "the error was logged"},
    "title.submission": {"zh": "提交的数据被拒绝", "en": "Submission refused"},
    "title.ruleset": {"zh": "规则集被拒绝", "en": "Invalid ruleset"},
    "title.request": {"zh": "请求无效", "en": "Invalid request"},
    # ------------------------------------------------------------ the service's problem details (api)
    "detail.none": {"zh": "无", "en": "none"},
    "detail.or": {"zh": " 或 ", "en": " or "},
    "detail.whole_tree": {"zh": "全辖区", "en": "the whole jurisdiction"},
    "detail.unknown_address": {"zh": "未知", "en": "unknown"},
    "detail.try_later": {"zh": "请稍后再试", "en": "try again later"},
    "detail.invalid_json": {"zh": "请求体不是有效的 JSON", "en": "the body is not valid JSON"},
    "detail.engine_failure": {
        "zh": "评分引擎未能处理这份数据, 没有评分, 也没有保存任何记录; 请重试, 如仍失败请联系管理员",
        "en": "the scoring engine could not process the data: nothing was scored or stored; try again,"
        " and tell an administrator if it fails again",
    },
    "detail.unreadable_request": {
        "zh": "无法读取这个 HTTP 请求; 网址中的中文等非 ASCII 字符须先经百分号编码 (如 红 → %E7%BA%A2)",
        "en": "the HTTP request cannot be read; characters of the address that are not ASCII must be"
        " percent-encoded first (such as é → %C3%A9)",
    },
    "detail.body_too_large": {"zh": "请求体超过上限 {limit} 字节", "en": "the body is over the limit of {limit} bytes"},
    "detail.rate_rule": {"zh": "最多 {rate}，可连续 {burst} 个", "en": "at most {rate}, {burst} in a row"},
    "detail.rate_limited": {
        "zh": "每个令牌（无令牌时每个地址）{rule}；请在 {wait} 秒后重试",
        "en": "for each token (each address without one) {rule}; try again in {wait} seconds",
    },
    "detail.metrics_localhost": {
        "zh": "KAOPING_METRICS_ACCESS=localhost：只有本机（127.0.0.1 或 ::1）可以读取 /metrics，你的地址是 {address}",
        "en": "KAOPING_METRICS_ACCESS=localhost: only this machine (127.0.0.1 or ::1) may read /metrics,"
        " your address is {address}",
    },
    "detail.not_authenticated": {
        "zh": "请在请求头中提供 'Authorization: Bearer <令牌>'",
        "en": "send the header 'Authorization: Bearer <token>'",
    },
    "detail.invalid_token": {"zh": "令牌无效、已过期或已被撤销", "en": "the token is invalid, expired or revoked"},
    "detail.too_many_failures": {
        "zh": "失败次数过多，请 {seconds} 秒后再试",
        "en": "too many failures; try again in {seconds} seconds",
    },
    "detail.forbidden_role": {
        "zh": "需要角色 {roles}；您的角色是 {yours}",
        "en": "this needs the role {roles}; your roles are {yours}",
    },
    "detail.sign_in_failed": {"zh": "用户名或密码不正确", "en": "the user name or the password is wrong"},
    "detail.unknown_unit": {
        "zh": "没有编码为 '{code}' 的单位，或该单位不在您的管辖范围内",
        "en": "there is no unit '{code}', or it is outside your jurisdiction",
    },
    "detail.unknown_score_in_scope": {
        "zh": "没有编号为 '{id}' 的评分记录，或它不在您的管辖范围内",
        "en": "there is no score record '{id}', or it is outside your jurisdiction",
    },
    "detail.unknown_batch": {
        "zh": "没有编号为 '{id}' 的批次，或它不在您的管辖范围内",
        "en": "there is no batch '{id}', or it is outside your jurisdiction",
    },
    "detail.unknown_ruleset": {"zh": "没有编码为 {id} 的规则集", "en": "there is no ruleset {id}"},
    "detail.unknown_version": {
        "zh": "规则集 {ruleset} 没有第 {number} 版",
        "en": "the ruleset {ruleset} has no version {number}",
    },
    "detail.unknown_score": {"zh": "没有编号为 {id} 的评分记录", "en": "there is no score record {id}"},
    "detail.conflict": {
        "zh": "另一个请求同时修改了同一对象，请重试",
        "en": "another request changed the same thing at the same time; try again",
    },
    "detail.batch_memory": {
        "zh": "批次文件过大, 处理时内存不足; 请拆分为几个文件后重新上传",
        "en": "the batch file is too large for the memory; split it into several files and upload them again",
    },
    "detail.batch_database": {
        "zh": "数据库繁忙或暂时不可用, 批次未能完成; 请稍后重新上传",
        "en": "the database is busy or away for a moment and the batch did not finish; upload it again later",
    },
    "detail.batch_error": {
        "zh": "批次处理出错 ({error}), 详情已记入服务日志; 请重新上传或联系管理员",
        "en": "the batch failed ({error}), the details are in the service's log; upload it again or tell an"
        " administrator",
    },
    "detail.batch_crashed": {
        "zh": "批次处理进程意外退出 (退出码 {code}), 详情已记入服务日志; 请重新上传或联系管理员",
        "en": "the batch's process stopped unexpectedly (exit code {code}), the details are in the service's"
        " log; upload it again or tell an administrator",
    },
    "detail.which_unit": {
        "zh": "您在多个单位有填报权限 ({units})，请用 unit 参数指明本批次的单位",
        "en": "you may submit for several units ({units}); name the batch's unit with the unit parameter",
    },
    "detail.batch_not_finished": {
        "zh": "批次状态为 {status}; 完成后才有结果",
        "en": "the batch is {status}; its results come when it is done",
    },
    "detail.ruleset_not_utf8": {"zh": "请以 UTF-8 文本提交规则集", "en": "send the ruleset as UTF-8 text"},
    "detail.empty_ruleset": {"zh": "请求体中没有规则集", "en": "the body holds no ruleset"},
    "detail.ruleset_text": {"zh": "请提交 YAML 或 JSON 文本", "en": "send YAML or JSON text"},
    "detail.table_refused": {
        "zh": "{name} 有 {count} 个问题, 未保存",
        "en": "{name} has {count} problem(s); nothing was saved",
    },
    "detail.load_timeout": {
        "zh": "规则集未能在 {seconds:g} 秒内加载完成, 已停止加载",
        "en": "the ruleset did not load within {seconds:g} seconds; loading was stopped",
    },
    "detail.load_memory": {
        "zh": "加载规则集的进程中途退出 (多为所需内存超过上限 {limit} MB)",
        "en": "the process loading the ruleset stopped (most likely it needed more than the {limit} MB allowed)",
    },
    "detail.limits_doc": {
        "zh": "{message}; 各项上限见 docs/ruleset-limits.md",
        "en": "{message}; the limits are listed in docs/ruleset-limits.md",
    },
    "detail.whole_tree_admin": {
        "zh": "只有全辖区的管理员才能授予全辖区的权限",
        "en": "only an administrator of the whole jurisdiction may grant a role on the whole jurisdiction",
    },
    "detail.admin_only": {"zh": "只有管理员才能创建用户", "en": "only an administrator may create users"},
    "detail.unknown_user": {"zh": "没有名为 '{name}' 的用户", "en": "there is no user '{name}'"},
    "detail.weak_password": {"zh": "密码至少 8 个字符", "en": "a password has at least 8 characters"},
    "detail.user_exists": {"zh": "用户 '{name}' 已存在", "en": "the user '{name}' already exists"},
    "detail.unknown_role": {
        "zh": "角色 '{role}' 不存在，应为 {roles} 之一",
        "en": "there is no role '{role}'; it is one of {roles}",
    },
    "detail.bad_lifetime": {
        "zh": "令牌有效期应在 0 到 3660 天之间，收到的是 {days}",
        "en": "a token lives more than 0 and at most 3660 days, got {days}",
    },
    "detail.grant_exists": {
        "zh": "用户 '{name}' 已有编号为 {id} 的有效授权（角色 {role}，范围 {unit}），不能重复授权",
        "en": "the user '{name}' already holds the grant {id} of {role} on {unit}; it is not granted twice",
    },
    "detail.in_stages": {
        "zh": "单位 {unit} 在 {period} 的考核已进入评议环节，不能直接更正评分，请在评议环节中审核修改",
        "en": "the appraisal of {unit} for {period} is in the stages: it is not corrected directly;"
        " change it in the stage review",
    },
    "detail.unknown_grant": {"zh": "没有编号为 {id} 的有效授权", "en": "there is no grant {id} in force"},
    "detail.unknown_token": {
        "zh": "没有编号为 {id} 的令牌，或它不属于您",
        "en": "there is no token {id}, or it is not yours",
    },
    "detail.already_scored": {
        "zh": "单位 {unit} 在考核期间 {period} 已有当前评分记录 {current}；如需更正，请在 supersedes 中写明该记录",
        "en": "the unit {unit} already has the current score record {current} for the period {period};"
        " to correct it, name that record in supersedes",
    },
    "detail.superseded": {
        "zh": "记录 {id} 已被更正，当前记录是 {current}；请更正当前记录",
        "en": "the record {id} was corrected already, the current record is {current}; correct that one",
    },
    "detail.cannot_supersede": {
        "zh": "记录 {id} 是 {of} 的评分，更正须针对同一规则集、单位和期间",
        "en": "the record {id} scores {of}; a correction is for the same ruleset, unit and period",
    },
    "detail.idempotency": {
        "zh": "这个 Idempotency-Key 已用于另一个不同的请求",
        "en": "this Idempotency-Key was used for a different request",
    },
    "period.title_year": {"zh": "{year}年度", "en": "the year {year}"},
    "period.title_quarter": {"zh": "{year}年第{number}季度", "en": "quarter {number} of {year}"},
    "period.title_month": {"zh": "{year}年{number}月", "en": "{year}-{number:02d}"},
    "detail.bad_period": {
        "zh": "考核期间 '{period}' 应写成年份 (如 2025)、季度 (如 2025Q1) 或月份 (如 2025-03)",
        "en": "the period '{period}' is a year (such as 2025), a quarter (such as 2025Q1) or a month (such as 2025-03)",
    },
    "detail.wrong_period_kind": {
        "zh": "规则集 {ruleset} 按{kind}考核, 考核期间 '{period}' 是{given}, 应写成如 {example}",
        "en": "the ruleset {ruleset} is scored by {kind}, the period '{period}' is a {given}; write it as {example}",
    },
    "detail.quarters_missing": {
        "zh": "{input} 取自本年各季度记录, 缺少 {missing} 的记录 (规则集要求四个季度齐全)",
        "en": "{input} is derived from the year's quarterly records; {missing} have none (the ruleset needs all four)",
    },
    "detail.quarters_unknown": {
        "zh": "from_quarters 指向的规则集 {ruleset} 不存在; 请先建立并发布该季度规则集",
        "en": "from_quarters names the ruleset {ruleset}, which does not exist; create and publish it first",
    },
    "detail.quarters_not_quarterly": {
        "zh": "from_quarters 指向的规则集 {ruleset} 按{kind}考核, 不是季度规则集",
        "en": "from_quarters names the ruleset {ruleset}, which is scored by {kind}, not by quarter",
    },
    "detail.quarters_sum": {
        "zh": "取自 {ruleset} 各季度记录的 {input} 合计: {parts}",
        "en": "the sum of {input} in the quarterly records of {ruleset}: {parts}",
    },
    "detail.quarters_mean": {
        "zh": "取自 {ruleset} 各季度记录的 {input} 平均{approx}: {parts}",
        "en": "the mean{approx} of {input} in the quarterly records of {ruleset}: {parts}",
    },
    "detail.quarters_last": {
        "zh": "取自 {ruleset} 最近一个季度记录的 {input}{approx}: {parts}",
        "en": "{input}{approx} of the latest quarterly record of {ruleset}: {parts}",
    },
    "detail.quarters_partial": {
        "zh": "; 缺 {missing}, 只用已有季度",
        "en": "; {missing} missing, only the quarters there are used",
    },
    "provenance.imported": {
        "zh": "导入: 批量文件 {file} 第 {row} 行 (批次 {batch}, 上传人 {actor})",
        "en": "imported: row {row} of the batch file {file} (batch {batch}, uploaded by {actor})",
    },
    "provenance.typed_api": {
        "zh": "填报: {actor} 通过接口提交 (POST /rulesets/{ruleset}/scores), {at}",
        "en": "typed: submitted by {actor} through the API (POST /rulesets/{ruleset}/scores), {at}",
    },
    "provenance.typed_web": {
        "zh": "填报: {actor} 在网页填报表单提交 ({ruleset}), {at}",
        "en": "typed: submitted by {actor} on the web form ({ruleset}), {at}",
    },
    "provenance.typed_stage": {
        "zh": "填报: {actor} 在 {stage} 填报, {at}",
        "en": "typed: by {actor} at {stage}, {at}",
    },
    "provenance.changed": {
        "zh": "修改: {actor} 在 {stage} 修改, {at}; 理由: {reason}",
        "en": "changed: by {actor} at {stage}, {at}; reason: {reason}",
    },
    "provenance.filled": {"zh": "自动填入: {source}", "en": "filled: {source}"},
    "provenance.default": {"zh": "未填, 取规则集的默认值", "en": "not given: the ruleset's default"},
    "provenance.empty": {"zh": "未填", "en": "not given"},
    "provenance.line": {
        "zh": "  {title} ({input}) = {value}, 来源: {text}",
        "en": "  {title} ({input}) = {value}, source: {text}",
    },
    "period.year": {"zh": "年度", "en": "year"},
    "period.quarter": {"zh": "季度", "en": "quarter"},
    "period.month": {"zh": "月度", "en": "month"},
    "check.quarters_partial_sum": {
        "zh": "{name} 取各季度合计, 缺季度时只合计已有季度 (missing: partial), 合计会偏低; 考虑 missing: refuse",
        "en": "{name} sums the quarters there are (missing: partial), so a missing quarter lowers it; consider missing: refuse",
    },
    "check.quarters_period_undeclared": {
        "zh": "规则集取季度数据却未声明 period: year; 不声明时也接受季度、月度的提交",
        "en": "the ruleset derives from quarters but does not declare period: year; undeclared, it also takes quarters and months",
    },
    "semantic.from_quarters_yearly": {
        "zh": "from_quarters 只用于年度规则集, 本规则集按{period}考核",
        "en": "from_quarters is for yearly rulesets; this one is scored by {period}",
    },
    "semantic.from_quarters_itself": {
        "zh": "from_quarters 须取自另一个按季度考核的规则集, 不能是本规则集 {ruleset}",
        "en": "from_quarters reads another, quarterly ruleset, not this one ({ruleset})",
    },
    "semantic.from_quarters_numbers": {
        "zh": "combine: {combine} 只用于 number 或 integer 输入项; 其他类型只能用 last",
        "en": "combine: {combine} is for number or integer inputs; other types can only take last",
    },
    "semantic.from_quarters_mean_integer": {
        "zh": "integer 输入项不能取季度平均 (mean), 平均值未必是整数; 请改为 number 或用 sum、last",
        "en": "an integer input cannot take the quarters' mean, which need not be whole; use number, or sum or last",
    },
    "semantic.from_quarters_and_previous": {
        "zh": "一个输入项不能既取自上期等次 (previous) 又取自各季度 (from_quarters)",
        "en": "an input cannot be both last period's grade (previous) and derived from quarters (from_quarters)",
    },
    "detail.draft_version": {
        "zh": "版本 {number} 是草稿，不能用于正式评分；请用 POST /rulesets/{ruleset}/versions/{number}/simulate 试算",
        "en": "version {number} is a draft and cannot score officially; try it with"
        " POST /rulesets/{ruleset}/versions/{number}/simulate",
    },
    "detail.version_not_in_force": {
        "zh": "版本 {number} 未对考核期间 {period} 生效 (生效的是版本 {current})",
        "en": "version {number} is not in force for the period {period} (version {current} is)",
    },
    "detail.no_version_in_force": {
        "zh": "规则集 {ruleset} 没有对考核期间 {period} 生效的已发布版本",
        "en": "the ruleset {ruleset} has no published version in force for the period {period}",
    },
    "detail.not_your_ruleset": {
        "zh": "规则集 {ruleset} 归 {owner} 所有，不在您可编辑的范围内",
        "en": "the ruleset {ruleset} belongs to {owner}, outside what you may edit",
    },
    "detail.ruleset_exists": {
        "zh": "规则集 {ruleset} 已存在; 要修改请提交新版本",
        "en": "the ruleset {ruleset} exists; to change it, post a new version",
    },
    "detail.id_mismatch": {
        "zh": "文本中的编码是 {given}, 不是 {expected}",
        "en": "the text's id is {given}, not {expected}",
    },
    "detail.id_expected": {"zh": "应为 {expected}", "en": "must be {expected}"},
    "detail.edit_conflict": {
        "zh": "这次修改基于第 {base} 版, 但在此期间 {who} 已保存了新的版本, 最新的是第 {latest} 版;"
        " 请先查看最新版, 再在它的基础上提交",
        "en": "this edit starts from version {base} but meanwhile {who} saved a newer one, the latest is version"
        " {latest}; read the latest version and edit that",
    },
    "detail.nothing_changed": {
        "zh": "内容与第 {number} 版相同, 没有保存新版本",
        "en": "the content is the same as version {number}; no new version was saved",
    },
    "detail.same_as": {"zh": "内容与第 {number} 版相同", "en": "the same content as version {number}"},
    "detail.periods_required": {
        "zh": '请列出该版本生效的考核期间，如 ["2025"]',
        "en": 'list the periods the version is in force for, such as ["2025"]',
    },
    "detail.four_eyes": {
        "zh": "版本 {number} 由您本人起草 ({author})，须由另一位编辑审核发布",
        "en": "you drafted version {number} ({author}); another editor reviews and publishes it",
    },
    "detail.tests_failed": {
        "zh": "版本 {number} 的内置测试有 {count} 项未通过，不能发布",
        "en": "{count} of the embedded tests of version {number} failed; it cannot be published",
    },
    "detail.test_mismatch": {
        "zh": "{what}: 应为 {expected}, 实为 {actual}",
        "en": "{what}: expected {expected}, got {actual}",
    },
    # ------------------------------------------------------------ a batch's rows checked against the unit tree (api.services.batch_units)
    "row.unknown_unit": {
        "zh": "第 {row} 行: 没有编码为 '{code}' 的单位，或该单位不在本批次的管辖范围内",
        "en": "row {row}: there is no unit '{code}', or it is outside the batch's jurisdiction",
    },
    "row.already_scored": {
        "zh": "第 {row} 行: 单位 {code} 在考核期间 {period} 已有当前评分记录；更正请逐条提交",
        "en": "row {row}: the unit {code} already has a current score record for the period {period};"
        " submit corrections one by one",
    },
    "row.unknown_parent": {
        "zh": "第 {row} 行: 无法新建单位 '{code}'：上级 '{parent}' 不存在、不唯一或不在管辖范围内",
        "en": "row {row}: the unit '{code}' cannot be created: the parent '{parent}' does not exist, is not"
        " unique or is outside the jurisdiction",
    },
    # ------------------------------------------------------------ units files (api.services.units)
    "units.missing_columns": {
        "zh": "{file}: 缺少列 {columns}; 表头为 {header}",
        "en": "{file}: the columns {columns} are missing; the header is {header}",
    },
    "units.too_many": {
        "zh": "{file}: 一次最多导入 {limit} 个单位，收到 {count} 行",
        "en": "{file}: at most {limit} units are imported at once, got {count} rows",
    },
    "units.code": {
        "zh": "编码 '{code}' 应为 1 到 64 个字符，不含空白和 '/'",
        "en": "the code '{code}' has 1 to 64 characters, without spaces or '/'",
    },
    "units.name": {
        "zh": "名称 '{name}' 应为 1 到 200 个字符, 实际为 {length} 个字符",
        "en": "the name '{name}' has 1 to 200 characters, got {length}",
    },
    "units.kind": {
        "zh": "类型 '{kind}' 未知，应为 {kinds} 之一",
        "en": "the kind '{kind}' is unknown; it is one of {kinds}",
    },
    "units.refused": {
        "zh": "{file}: {count} 行有误，未导入任何单位",
        "en": "{file}: {count} row(s) are wrong; no unit was imported",
    },
    "units.unreadable": {"zh": "{file} 无法读取: {error}", "en": "{file} cannot be read: {error}"},
    "units.file_kind": {"zh": "{file}: 单位文件应为 .csv 或 .xlsx", "en": "{file}: a units file is .csv or .xlsx"},
    "units.code_twice": {"zh": "编码 {code} 已出现在第 {row} 行", "en": "the code {code} already appears in row {row}"},
    "units.unknown_parent": {
        "zh": "上级编码 {parent} 不存在，也不在本文件中",
        "en": "the parent {parent} does not exist and is not in this file",
    },
    "units.parent_outside": {
        "zh": "单位 {code} 的上级不在您管理的范围内",
        "en": "the parent of the unit {code} is outside what you administer",
    },
    "units.outside": {"zh": "单位 {code} 不在您管理的范围内", "en": "the unit {code} is outside what you administer"},
    "units.loop": {"zh": "单位 {code} 成了自己的上级 (循环)", "en": "the unit {code} became its own parent (a loop)"},
    # ------------------------------------------------------------ receipts checked offline (api.receipts)
    "receipt.not_a_receipt": {
        "zh": '不是 kaoping 评分回执 (应有 "format": "{format}")',
        "en": 'not a kaoping score receipt (it has "format": "{format}")',
    },
    "receipt.incomplete": {
        "zh": "回执缺少 record 或 ruleset.text, 无法核验",
        "en": "the receipt lacks record or ruleset.text and cannot be checked",
    },
    "receipt.missing_fields": {
        "zh": "回执的 record 缺少字段: {names}",
        "en": "the receipt's record lacks the fields {names}",
    },
    "receipt.recompute_refused": {"zh": "重算被拒绝: {error}", "en": "the recomputation was refused: {error}"},
    "receipt.quota_note": {
        "zh": "名额 (比例控制) 由整个批次决定: 离线核验按记录所述的名额调整重算, 未重新决定名额",
        "en": "quotas are decided by the whole batch: the offline check applies the quota move the record"
        " states and does not decide the quotas again",
    },
    # ------------------------------------------------------------ relative indicators (engine.relative)
    "model.relative_needs": {
        "zh": "method: {method} 须给出 {field}",
        "en": "method: {method} needs '{field}'",
    },
    "model.relative_extra": {
        "zh": "{field} 不适用于 method: {method}",
        "en": "'{field}' does not apply to method: {method}",
    },
    "model.relative_above_full": {
        "zh": "{field} ({value}) 不能高于指标满分 {full}",
        "en": "'{field}' ({value}) cannot be above the indicator's full points {full}",
    },
    "semantic.relative_test_batch": {
        "zh": "规则集有相对评价指标 ({indicators}), 测试须用 batch 给出同批次的其他单位",
        "en": "the ruleset has relative indicators ({indicators}): a test names the other units of its batch in 'batch'",
    },
    "semantic.batch_without_relative": {
        "zh": "规则集没有相对评价指标, 测试不需要 batch",
        "en": "the ruleset has no relative indicator: a test needs no 'batch'",
    },
    "semantic.from_points_figure": {
        "zh": "党员积分汇总值 {figure} 不存在, 应为 {names} 之一",
        "en": "there is no member points figure {figure}: one of {names}",
    },
    "semantic.from_points_type": {
        "zh": "取自党员积分的输入须为 number (党员人数也可为 integer), 而 {figure} 的输入类型为 {type}",
        "en": "an input taken from member points is a number (a count may be an integer); {figure} is read into a {type}",
    },
    "semantic.from_points_and_previous": {
        "zh": "一个输入不能既取自上期等次 (previous) 又取自党员积分 (from_points)",
        "en": "an input is taken from last period's grade (previous) or from member points (from_points), not both",
    },
    "points.from_points_field": {
        "zh": "事项的字段不能取自党员积分 (from_points 只用于评分规则集的输入)",
        "en": "an event's field is not taken from member points (from_points is for a scoring ruleset's inputs)",
    },
    "relative.needs_reference": {
        "zh": "{indicator}: 相对评价指标须与同批次单位比较, 单独评分须指定参照批次 (已存批次或本期公布的批次)",
        "en": "{indicator}: a relative indicator is scored against a batch; scoring one unit needs a reference batch"
        " (a stored batch or the period's published batch)",
    },
    "relative.test_unit_refused": {
        "zh": "测试的 batch[{index}] 被拒绝: {problems}",
        "en": "the test's batch[{index}] is refused: {problems}",
    },
    "relative.reference_empty": {
        "zh": "参照批次 {batch} 中没有可比较的单位 (指标 {indicator})",
        "en": "the reference batch {batch} has no unit to compare with (indicator {indicator})",
    },
    "relative.batch_not_found": {
        "zh": "参照批次 {batch} 不存在, 或不是按本规则集评分的批次",
        "en": "the reference batch {batch} does not exist or was not scored under this ruleset",
    },
    "table.from_points": {
        "zh": "应写作 '规则集编码: 汇总值', 如 'party-member-points: member_points_coverage_pct', 实际为 '{text}'",
        "en": "write 'ruleset id: figure', e.g. 'party-member-points: member_points_coverage_pct', got '{text}'",
    },
    "relative.published_name": {
        "zh": "{name} (本期 {period} 公布的参照批次)",
        "en": "{name} (the reference batch published for {period})",
    },
    "relative.published_other_version": {
        "zh": "本期公布的参照批次 {batch} 按第 {used} 版评分, 本次评分用第 {version} 版; 请指定同版本的参照批次 (reference_batch)",
        "en": "the published reference batch {batch} was scored under version {used}, this score uses version"
        " {version}: name a reference batch of that version ('reference_batch')",
    },
    "relative.none_published": {
        "zh": "规则集 {ruleset} 在 {period} 没有公布参照批次",
        "en": "no reference batch is published for ruleset {ruleset} and period {period}",
    },
    "semantic.fill_sources": {
        "zh": "一个输入项只能有一个自动填入来源, 这里同时写了 {sources}",
        "en": "an input is filled from one source at most, this one names {sources}",
    },
    "table.from_quarters": {
        "zh": '指标表没有"取自各季度"的列, 含 from_quarters 输入项 ({inputs}) 的规则集请直接编辑 YAML',
        "en": "the indicator table has no columns for inputs derived from quarters: edit a ruleset with them"
        " ({inputs}) as YAML",
    },
    "relative.reference_not_needed": {
        "zh": "规则集没有相对评价指标, 不需要参照批次 (reference_batch)",
        "en": "the ruleset has no relative indicator: no reference batch ('reference_batch') is needed",
    },
    "check.from_points_range": {
        "zh": "{figure} 是 0 至 100 的百分比, 但该输入的 min/max 不包括其全部取值: 有的支部取到的值会被拒绝",
        "en": "{figure} is a share from 0 to 100 %, but the input's min/max leave part of it out:"
        " some branches' values would be refused",
    },
    "check.relative_best_not_positive": {
        "zh": "按与最优值之比计分, 但 {name} 可能为负数: 最优值不为正时, 只有最优单位得满分, 其余得 0 分",
        "en": "scored in proportion to the best, but {name} may be negative: when the best is not positive,"
        " only the best units get full points and the others 0",
    },
    "check.relative_rank_flat": {
        "zh": "按名次计分, 但 floor 等于满分: 每个名次得分相同",
        "en": "scored by rank, but floor equals the full points: every place gets the same points",
    },
    "check.relative_na": {
        "zh": "{name} 可填 NA: 填 NA 的单位本指标不适用, 也不参与同批次的排名、最优值和均值",
        "en": "{name} may be NA: a unit answering NA has this indicator not applicable and takes no part in the"
        " batch's ranks, best value and mean",
    },
    # ------------------------------------------------------------ the service's settings (api.settings)
    "settings.rate_limit": {
        "zh": "KAOPING_RATE_LIMIT 应写成 次数/s、次数/min 或 次数/h（如 20/s），次数大于 0；收到的是 '{value}'",
        "en": "KAOPING_RATE_LIMIT is written count/s, count/min or count/h (such as 20/s) with a count above 0;"
        " got '{value}'",
    },
    "settings.burst": {
        "zh": "KAOPING_RATE_LIMIT_BURST 应是不小于 1 的整数；收到的是 {value}",
        "en": "KAOPING_RATE_LIMIT_BURST is a whole number of at least 1; got {value}",
    },
    # ------------------------------------------------------------ the CLI (api.cli)
    "where.row": {"zh": "第 {row} 行 ", "en": "row {row} "},
    "cli.not_utf8": {
        "zh": "{path}: 不是 UTF-8 编码的文本 (第 {byte} 个字节)",
        "en": "{path}: not UTF-8 text (at byte {byte})",
    },
    "cli.archive": {
        "zh": "是压缩包或 Excel 文件, 不是规则文件 (YAML 或 JSON)",
        "en": "an archive or an Excel file, not a ruleset file (YAML or JSON)",
    },
    "cli.convert_table": {
        "zh": "指标表请先转换: kaoping import {path} -o 规则.yaml",
        "en": "convert an indicator table first: kaoping import {path} -o ruleset.yaml",
    },
    "cli.ruleset_not_utf8": {
        "zh": "不是规则文件: 不是 UTF-8 编码的文本 (第 {byte} 个字节)",
        "en": "not a ruleset file: not UTF-8 text (at byte {byte})",
    },
    "cli.binary": {
        "zh": "不是规则文件: 含有二进制内容 (空字节)",
        "en": "not a ruleset file: it holds binary content (null bytes)",
    },
    "cli.min_needs_coverage": {"zh": "--min 只能与 --coverage 一起使用", "en": "--min goes only with --coverage"},
    "cli.coverage_below": {
        "zh": "{ruleset} 的测试覆盖率 {percent}% 低于要求的 {minimum:g}%",
        "en": "the test coverage of {ruleset}, {percent}%, is below the {minimum:g}% required",
    },
    "cli.table_refused": {
        "zh": "{path}: 指标表有 {count} 个问题, 未写出规则:",
        "en": "{path}: the indicator table has {count} problem(s); no ruleset was written:",
    },
    "cli.table_suffix": {"zh": "{path}: 指标表须写成 .xlsx 文件", "en": "{path}: an indicator table is an .xlsx file"},
    "cli.cannot_write": {"zh": "{path}: 无法写入 ({error})", "en": "{path}: cannot be written ({error})"},
    "cli.receipt": {
        "zh": "回执: {unit} {period}, 记录 {id} (第 {seq} 条)",
        "en": "receipt: {unit} {period}, record {id} (number {seq})",
    },
    "cli.record_hash": {"zh": "记录哈希: {verdict}", "en": "record hash: {verdict}"},
    "cli.ruleset_hash": {"zh": "规则集内容哈希: {verdict}", "en": "ruleset content hash: {verdict}"},
    "cli.recomputed": {"zh": "重算: {verdict}", "en": "recomputed: {verdict}"},
    "cli.same": {"zh": "一致", "en": "the same"},
    "cli.record_changed": {
        "zh": "不一致 (记录在写入后被改动过)",
        "en": "different (the record was changed after it was written)",
    },
    "cli.ruleset_changed": {
        "zh": "不一致 (回执中的规则集不是评分时的版本)",
        "en": "different (the receipt's ruleset is not the version that scored)",
    },
    "cli.differences": {"zh": "{count} 处不同", "en": "{count} difference(s)"},
    "cli.difference": {
        "zh": "  {path}: 记录为 {stored}, 重算为 {recomputed}",
        "en": "  {path}: recorded {stored}, recomputed {recomputed}",
    },
    "cli.note": {"zh": "说明: {note}", "en": "note: {note}"},
    "cli.verdict": {"zh": "结论: {verdict}", "en": "verdict: {verdict}"},
    "cli.verified": {"zh": "核验通过", "en": "verified"},
    "cli.not_verified": {"zh": "核验未通过", "en": "not verified"},
    "cli.bad_settings": {"zh": "设置有误：", "en": "the settings are wrong:"},
    "cli.setting_value": {"zh": "{name} 的值 {value} 不可用：{error}", "en": "{name} cannot be {value}: {error}"},
    "cli.role": {"zh": "角色应为 {roles} 之一，收到的是 '{role}'", "en": "the role is one of {roles}, got '{role}'"},
    # ------------------------------------------------------------ the web pages and the demo (api.web, api.services.demo)
    "detail.whole_tree_password": {
        "zh": "只有全辖区的管理员才能设置密码",
        "en": "only an administrator of the whole jurisdiction may set passwords",
    },
    "detail.unknown_asset": {"zh": "没有这个前端文件: {path}", "en": "there is no such page asset: {path}"},
    "detail.csrf": {
        "zh": "表单已过期或不是从本系统的页面提交的 (CSRF 校验未通过), 请刷新页面后重试",
        "en": "the form expired or was not sent from this system's pages (the CSRF check failed);"
        " reload the page and try again",
    },
    "detail.missing_packages": {
        "zh": "网页所需的前端包未安装 ({names}): 请运行 scripts/install (它会在 api/web 下执行 npm ci)",
        "en": "the pages' packages are not installed ({names}): run scripts/install (it runs npm ci in api/web)",
    },
    # ------------------------------------------------------------ a score record's page
    "page.score.yes": {"zh": "是", "en": "yes"},
    "page.score.no": {"zh": "否", "en": "no"},
    "page.score.na_value": {"zh": "不适用 (NA)", "en": "not applicable (NA)"},
    "page.score.na": {"zh": "不适用", "en": "n/a"},
    "page.score.subtotal": {"zh": "{dimension} 小计", "en": "{dimension} subtotal"},
    "page.score.counted": {"zh": "{dimension} 计入总分", "en": "{dimension} counted in the total"},
    "page.score.counted_reason": {"zh": "见上行的折算", "en": "rescaled as the row above says"},
    "page.score.group_counted": {"zh": "{group} 计入", "en": "{group} counted"},
    "page.score.base": {"zh": "基础分合计", "en": "base total"},
    "page.score.summed": {"zh": "合计 (舍入前)", "en": "sum (before rounding)"},
    "page.score.floor_row": {"zh": "总分不低于 0", "en": "the total is not below 0"},
    "page.score.total_row": {"zh": "总分 (四舍五入)", "en": "total (rounded)"},
    "page.score.total": {"zh": "总分", "en": "total"},
    "page.score.floor_step": {"zh": "不低于 0", "en": "not below 0"},
    "page.score.rounding_step": {"zh": "四舍五入", "en": "rounding"},
    "page.score.no_grade": {"zh": "无 (取消评定资格)", "en": "none (disqualified)"},
    "page.score.field.total": {"zh": "总分", "en": "total"},
    "page.score.field.grade": {"zh": "等次", "en": "grade"},
    "page.score.field.status": {"zh": "评分状态", "en": "status"},
    "page.score.field.unit_id": {"zh": "单位编码", "en": "unit code"},
    "page.score.field.unit_name": {"zh": "单位名称", "en": "unit name"},
    "page.score.field.unit_parent": {"zh": "上级单位", "en": "parent unit"},
    "page.score.field.normalized": {"zh": "规范化后的输入", "en": "normalized input"},
    "page.score.field.ruleset_id": {"zh": "规则集", "en": "ruleset"},
    "page.score.field.version": {"zh": "规则集版本", "en": "ruleset version"},
    "page.score.field.content_hash": {"zh": "规则集内容哈希", "en": "ruleset content hash"},
    "page.score.field.engine_version": {"zh": "引擎版本", "en": "engine version"},
    "page.score.field.result": {"zh": "评分结果", "en": "result"},
    "page.score.field.receipt": {"zh": "回执", "en": "receipt"},
    "page.api_docs": {"zh": "kaoping 接口文档", "en": "kaoping API documentation"},
    "page.session_expired": {
        "zh": "登录已过期或已退出，请重新登录",
        "en": "the session expired or you signed out; sign in again",
    },
    "page.login_expired": {"zh": "登录表单已过期，请重新输入", "en": "the sign-in form expired; fill it in again"},
    "page.credentials_required": {"zh": "请输入用户名和密码", "en": "enter the user name and the password"},
    "page.role_needed": {
        "zh": "此页面需要{needed}角色；您的角色是{held}",
        "en": "this page needs the role {needed}; your roles: {held}",
    },
    "page.dimension_named": {"zh": "维度「{title}」", "en": "dimension 「{title}」"},
    "page.indicator_named": {"zh": "指标「{title}」", "en": "indicator 「{title}」"},
    "page.element_changed": {"zh": "{element}「{title}」改动", "en": "{element} 「{title}」 changed"},
    "word.or": {"zh": " 或 ", "en": " or "},
    "element.input": {"zh": "输入项", "en": "input"},
    "element.output": {"zh": "输出项", "en": "output"},
    "element.dimension": {"zh": "维度", "en": "dimension"},
    "element.indicator": {"zh": "指标", "en": "indicator"},
    "element.adjustment": {"zh": "加减分组", "en": "adjustment group"},
    "element.adjustment_item": {"zh": "加减分项", "en": "adjustment item"},
    "element.veto": {"zh": "否决项", "en": "veto"},
    "element.grade": {"zh": "等级", "en": "grade"},
    "element.quota": {"zh": "名额控制", "en": "quota"},
    "element.flag": {"zh": "提示事项", "en": "flag"},
    "element.stage": {"zh": "评议环节", "en": "stage"},
    "element.rectification": {"zh": "整改事项", "en": "rectification item"},
    "element.consistency": {"zh": "一致性校验", "en": "consistency check"},
    "element.ruleset": {"zh": "规则集", "en": "ruleset"},
    "figure.total": {"zh": "总分", "en": "total"},
    "figure.grade": {"zh": "等级", "en": "grade"},
    "figure.status": {"zh": "状态", "en": "status"},
    "figure.vetoes": {"zh": "否决项", "en": "vetoes"},
    "detail.id_in_text": {
        "zh": "文本中的编码是 {given}, 应为 {expected}",
        "en": "the text's id is {given}, expected {expected}",
    },
    "page.form.basics": {"zh": "基本情况", "en": "general"},
    "page.form.others": {"zh": "加分、扣分、否决及其他", "en": "bonuses, deductions, vetoes and other inputs"},
    "page.batch.queued": {"zh": "排队中", "en": "queued"},
    "page.batch.running": {"zh": "评分中", "en": "scoring"},
    "page.batch.storing": {"zh": "保存中", "en": "storing"},
    "page.batch.done": {"zh": "已完成", "en": "done"},
    "page.batch.failed": {"zh": "失败", "en": "failed"},
    "page.choose_ruleset": {"zh": "请选择规则集", "en": "choose a ruleset"},
    "page.period_required": {"zh": "请填写考核期间，如 2025", "en": "enter the period, e.g. 2025"},
    "page.choose_file": {
        "zh": "请选择要上传的批次文件 (.csv、.xlsx 或 .jsonl)",
        "en": "choose the batch file to upload (.csv, .xlsx or .jsonl)",
    },
    "page.unknown_format": {
        "zh": "没有 {format} 格式的结果; 可下载 xlsx、csv 或 json",
        "en": "there are no results as {format}; download xlsx, csv or json",
    },
    "page.choose_unit": {"zh": "请选择被考核单位", "en": "choose the unit appraised"},
    "role.admin": {"zh": "管理员", "en": "administrator"},
    "role.editor": {"zh": "编辑", "en": "editor"},
    "role.submitter": {"zh": "填报员", "en": "submitter"},
    "role.reviewer": {"zh": "审核员", "en": "reviewer"},
    "role.auditor": {"zh": "审计员", "en": "auditor"},
    "role.none": {"zh": "无角色", "en": "no role"},
    "demo.submitter": {"zh": "填报员: 填报数据, 批量评分", "en": "submitter: enters data, scores batches"},
    "demo.editor": {"zh": "编辑: 修改规则集, 保存草稿", "en": "editor: edits rulesets, saves drafts"},
    "demo.second_editor": {"zh": "第二位编辑: 发布 (四眼原则)", "en": "second editor: publishes (four eyes)"},
    "demo.reviewer": {"zh": "审核员: 查看成绩", "en": "reviewer: reads the scores"},
    "demo.auditor": {"zh": "审计员: 查看得分依据, 重新核验", "en": "auditor: reads the reasons, verifies again"},
    "demo.admin": {"zh": "管理员: 账号与授权", "en": "administrator: accounts and grants"},
    "cli.serving": {
        "zh": "kaoping 考评 正在启动: 在浏览器中打开 http://{host}:{port}/ui/ (接口文档 http://{host}:{port}/docs)",
        "en": "kaoping is starting: open http://{host}:{port}/ui/ in a browser (API documentation"
        " http://{host}:{port}/docs)",
    },
    "cli.demo_accounts": {
        "zh": "演示账号 (密码每次以 --demo 启动时重新生成):",
        "en": "demo accounts (new passwords at every start with --demo):",
    },
    "cli.demo_account": {
        "zh": "  {name:<16} 密码 {password:<14} {duty}",
        "en": "  {name:<16} password {password:<14} {duty}",
    },
    # ------------------------------------------------------------ service requests (pydantic's error types)
    "request.extra_forbidden": {"zh": "{name} 不是这里可用的字段", "en": "{name} is not a field of this request"},
    "request.string_too_long": {
        "zh": "最多 {limit} 个字符, 实际为 {length} 个字符",
        "en": "at most {limit} characters, got {length}",
    },
    "request.string_too_short": {"zh": "至少 {limit} 个字符", "en": "at least {limit} character(s)"},
    "request.too_long": {"zh": "最多 {limit} 项, 实际为 {length} 项", "en": "at most {limit} item(s), got {length}"},
    "request.other": {"zh": "不符合请求格式: {got}", "en": "does not fit the request's format: {got}"},
    # ------------------------------------------------------------ flags, typed outputs, last period's grade (extension)
    "semantic.must_be_text": {"zh": "应得出文本, 实际得到{kind}", "en": "must give text, but gives {kind}"},
    "semantic.previous_choices": {
        "zh": "previous: grade 的输入项须为 choice, 其 choices 恰为本规则集的等次: {grades}",
        "en": "an input with previous: grade must be a choice whose choices are exactly the grades: {grades}",
    },
    "semantic.previous_optional": {
        "zh": "previous: grade 的输入项须为 required: false 且不设 default (上一期没有记录时为空)",
        "en": "an input with previous: grade must be required: false without a default (empty when there is no record)",
    },
    "semantic.expect_output_type": {
        "zh": "计算结果 {name} 应为{want}, 实际期望值为 {got}",
        "en": "output '{name}' is {want}, but the expected value is {got}",
    },
    "scope.flags": {
        "zh": "此处可用: 输入项、total、维度、指标、grade、计算结果、vetoed 和各否决项的 id",
        "en": "here: inputs, total, dimensions, indicators, grade, outputs, vetoed and the vetoes' ids",
    },
    "what.flags": {"zh": "提示事项", "en": "flags"},
    "coverage.kind.flags": {"zh": "提示事项", "en": "flags"},
    "severity.notice": {"zh": "提示", "en": "notice"},
    "severity.attention": {"zh": "关注", "en": "attention"},
    "severity.warning": {"zh": "警示", "en": "warning"},
    "check.flag_never": {
        "zh": "提示事项 {flag} 永远不会提出: {reason}",
        "en": "flag {flag} can never be raised: {reason}",
    },
    "check.flag_always": {
        "zh": "提示事项 {flag} 对每个单位都会提出: {reason}",
        "en": "flag {flag} is raised for every unit: {reason}",
    },
    "check.flag_constant": {"zh": "条件是常量", "en": "its condition is a constant"},
    "check.flag_range": {
        "zh": "{name} 可取的范围 {domain} 与条件 {condition} 的范围 {region} 无交集",
        "en": "the range {domain} of {name} does not meet {region}, the range of {condition}",
    },
    "check.flag_covers": {
        "zh": "{name} 可取的范围 {domain} 全在条件 {condition} 的范围 {region} 之内",
        "en": "the range {domain} of {name} lies wholly within {region}, the range of {condition}",
    },
    "check.flag_grade": {
        "zh": "等次 {grade} 不可能达到",
        "en": "grade {grade} cannot be reached",
    },
    "detail.previous_grade": {
        "zh": "取自本单位 {period} 期的记录 {record}",
        "en": "from the unit's record {record} of period {period}",
    },
    "detail.count": {"zh": "共 {count} 个问题", "en": "{count} problem(s)"},
    "detail.count_listed": {
        "zh": "共 {count} 个问题, 列出前 {listed} 个",
        "en": "{count} problem(s), the first {listed} listed",
    },
    # ------------------------------------------------------------ stages (docs/stages.md)
    "semantic.stage_level": {
        "zh": "{level} 不是单位层级, 应为 {kinds} 之一 (或其中文名){hint}",
        "en": "{level} is not a unit level; use one of {kinds} (or its Chinese name){hint}",
    },
    "semantic.first_stage_confirms": {
        "zh": "第一个环节 ({stage}) 提交单位的数据, 不能设 may_edit: false",
        "en": "the first stage ({stage}) submits the unit's data and cannot have may_edit: false",
    },
    "stage.no_stages": {
        "zh": "规则集 {ruleset} 没有声明评议环节 (stages)",
        "en": "the ruleset {ruleset} declares no stages",
    },
    "stage.unknown": {
        "zh": "规则集没有环节 {stage}; 环节为 {stages}",
        "en": "the ruleset has no stage {stage}; its stages are {stages}",
    },
    "stage.out_of_turn": {
        "zh": "现在轮到 {due}, 不能办理 {stage}",
        "en": "it is the turn of {due}, not of {stage}",
    },
    "stage.finished": {
        "zh": "{unit} 在 {period} 的评议已全部完成 (最后环节: {stage})",
        "en": "the appraisal of {unit} for {period} is finished (last stage: {stage})",
    },
    "unit_kind.province": {"zh": "省", "en": "province"},
    "unit_kind.city": {"zh": "市州", "en": "city"},
    "unit_kind.county": {"zh": "县", "en": "county"},
    "unit_kind.township": {"zh": "乡镇", "en": "township"},
    "unit_kind.village": {"zh": "村", "en": "village"},
    "unit_kind.department": {"zh": "部门", "en": "department"},
    "unit_kind.team": {"zh": "工作队", "en": "team"},
    "unit_kind.cadre": {"zh": "干部", "en": "cadre"},
    "stage.not_yours": {
        "zh": "{stage} 由{level}的{role}办理; 您在 {unit} 之上的{level}没有{role}授权",
        "en": "{stage} is taken by the {role} of the {level} above; you hold no {role} grant at a {level} above {unit}",
    },
    "stage.data_needed": {
        "zh": "{stage} 是第一个环节, 须提交单位的全部数据 (data)",
        "en": "{stage} is the first stage: it submits the unit's data (data)",
    },
    "stage.changes_only": {
        "zh": "{stage} 审核上一环节的数据: 只能提交修改 (changes) 及其理由 (reasons), 不能重新提交 data",
        "en": "{stage} reviews the previous stage's data: send changes with reasons, not data",
    },
    "stage.confirms_only": {
        "zh": "{stage} 只能确认或退回, 不能修改数据",
        "en": "{stage} only confirms or sends back; it cannot change the data",
    },
    "stage.filled_unchanged": {
        "zh": "{field} {source}, 评议环节不能修改; 如有误, 请更正其来源数据",
        "en": "{field} is {source}; a stage does not change it: correct where it comes from",
    },
    "filled.previous_grade": {
        "zh": "由系统根据上一考核期的评定等次自动填入",
        "en": "filled by the service from the grade of the period before",
    },
    "filled.quarters": {
        "zh": "由系统根据各季度的评分记录自动填入",
        "en": "filled by the service from the records of the quarters",
    },
    "filled.points": {
        "zh": "由系统根据党员积分自动填入",
        "en": "filled by the service from the members' points",
    },
    "filled.rectification": {
        "zh": "由系统根据整改事项自动填入",
        "en": "filled by the service from the rectification items",
    },
    "stage.reason_missing": {
        "zh": "修改了 {field}, 须说明理由",
        "en": "{field} was changed; give a reason",
    },
    "stage.subtree_first": {
        "zh": "{stage} 是第一个环节, 各单位须提交自己的数据 (用批量文件), 不能整片确认",
        "en": "{stage} is the first stage: each unit submits its own data (use a batch file), it cannot be accepted for a subtree",
    },
    "stage.return_reason": {"zh": "退回须说明理由", "en": "sending back needs a reason"},
    "stage.reason_unchanged": {
        "zh": "{field} 没有修改, 不需要理由",
        "en": "{field} was not changed; it needs no reason",
    },
    "stage.first_cannot_return": {
        "zh": "{stage} 是第一个环节, 没有可退回的上一环节",
        "en": "{stage} is the first stage; there is no stage before it to send back to",
    },
    "stage.nothing_to_return": {
        "zh": "{unit} 在 {period} 尚未提交, 无可退回",
        "en": "{unit} has not been submitted for {period}; there is nothing to send back",
    },
    "stage.already_scored": {
        "zh": "{unit} 在 {period} 已有评分记录 {current}, 不能再从第一个环节提交",
        "en": "{unit} already has the score {current} for {period}; it cannot start at the first stage",
    },
    "stage.action.submit": {"zh": "提交", "en": "submitted"},
    "stage.action.accept": {"zh": "确认", "en": "accepted"},
    "stage.action.edit": {"zh": "修改后确认", "en": "changed and accepted"},
    "stage.action.return": {"zh": "退回", "en": "sent back"},
    "stage.action.reopen": {"zh": "异议成立, 退回复核", "en": "reopened on an upheld objection"},
    # ------------------------------------------------------------ notices (公示) and objections
    "notice.calendar_unknown": {
        "zh": "工作日历没有 {year} 年的法定节假日安排, 无法按工作日计算; 请直接填写公示截止日期 (closes)",
        "en": "the working-day calendar has no statutory holidays for {year}; give the closing date (closes) instead",
    },
    "notice.batch_or_subtree": {
        "zh": "公示范围填 batch (一个批次) 或 unit, ruleset, period (一个单位及其下级), 不能同时填",
        "en": "a notice covers a batch, or a unit with a ruleset and a period, not both",
    },
    "notice.subtree_needs": {
        "zh": "{field}: 必须填写 (或改填 batch)",
        "en": "{field}: is required (or give a batch)",
    },
    "notice.blank": {"zh": "{field}不能为空", "en": "{field} must not be blank"},
    "notice.unprintable": {
        "zh": "{field}含有无法打印的控制字符",
        "en": "{field} holds control characters that cannot be printed",
    },
    "notice.field.title": {"zh": "公示标题 (title)", "en": "the notice's title"},
    "notice.field.issuer": {"zh": "发布单位 (issuer)", "en": "the issuing body"},
    "notice.field.contact": {"zh": "异议受理方式 (contact)", "en": "where to send objections"},
    "notice.field.text": {"zh": "公示正文 (text)", "en": "the notice's text"},
    "notice.closes_or_days": {
        "zh": "公示截止日期 (closes) 与工作日数 (working_days) 须填且只填一项",
        "en": "give either the closing date (closes) or the number of working days (working_days)",
    },
    "notice.opens_too_far": {
        "zh": "公示开始日期 {opens} 晚于今天 {days} 天以上, 请核对",
        "en": "the opening date {opens} is more than {days} days from today; check it",
    },
    "notice.closes_too_far": {
        "zh": "公示截止日期 {closes} 距开始日期 {opens} 超过 {days} 天, 请核对",
        "en": "the closing date {closes} is more than {days} days after the opening date {opens}; check it",
    },
    "notice.closes_before_opens": {
        "zh": "公示截止日期 {closes} 早于开始日期 {opens}",
        "en": "the closing date {closes} is before the opening date {opens}",
    },
    "notice.unknown": {"zh": "公示 {id} 不存在", "en": "there is no notice {id}"},
    "notice.empty": {
        "zh": "{ruleset} 在 {period} 没有可公示的评定结果",
        "en": "{ruleset} has no results to notice for {period}",
    },
    "notice.unit_not_listable": {
        "zh": "{unit}: {status}, 不能列入新的公示",
        "en": "{unit}: {status}; it cannot be listed in a new notice",
    },
    "notice.unit_in_stages": {
        "zh": "{unit}: 评议环节尚未全部完成, 不能公示",
        "en": "{unit}: its stages are not all taken; it cannot be noticed",
    },
    "notice.already_closed": {"zh": "公示 {id} 已经结束", "en": "the notice {id} is already closed"},
    "notice.not_over": {
        "zh": "公示期至 {closes} 止, 期满后才能结束公示",
        "en": "the notice period runs until {closes}; it can be closed only after that",
    },
    "notice.objections_open": {
        "zh": "尚有未处理的异议: {objections}; 处理后才能结束公示",
        "en": "objections are still open: {objections}; resolve them before closing",
    },
    "notice.font_missing": {
        "zh": "服务器缺少中文字体 {path}, 无法生成 PDF; 请运行 scripts/fonts (安装 fonts-wqy-microhei)",
        "en": "the CJK font {path} is missing, so no PDF can be made; run scripts/fonts (fonts-wqy-microhei)",
    },
    "notice.doc.date": {"zh": "{year}年{month}月{day}日", "en": "{year}-{month}-{day}"},
    "notice.doc.number": {"zh": "序号", "en": "No."},
    "notice.doc.unit": {"zh": "单位", "en": "Unit"},
    "notice.doc.grade": {"zh": "等次/星级", "en": "Grade"},
    "notice.doc.total": {"zh": "得分", "en": "Score"},
    "notice.doc.period": {"zh": "公示时间：{opens}至{closes}", "en": "Notice period: {opens} to {closes}"},
    "notice.doc.working_days": {"zh": "（{days}个工作日）", "en": " ({days} working days)"},
    "notice.doc.contact": {
        "zh": "公示期间，如对公示结果有异议，请通过以下方式反映（提倡实名反映）：{contact}",
        "en": "During the notice period, send any objection to: {contact}",
    },
    "finality.unscored": {"zh": "尚无评分", "en": "not scored"},
    "finality.not_noticed": {"zh": "未公示", "en": "not yet in a notice"},
    "finality.in_notice": {"zh": "公示中", "en": "in a notice"},
    "finality.reopened": {"zh": "异议成立, 待复核", "en": "objection upheld, awaiting re-review"},
    "finality.final": {"zh": "已公示, 结果确定", "en": "final"},
    "objection.blank": {"zh": "{field}不能为空", "en": "{field} must not be blank"},
    "objection.field.contact": {"zh": "异议人联系方式 (contact)", "en": "the objector's contact"},
    "objection.field.text": {"zh": "异议内容 (text)", "en": "the objection's text"},
    "objection.in_future": {
        "zh": "收到日期 {received} 晚于今天",
        "en": "the day received, {received}, is after today",
    },
    "objection.outside_period": {
        "zh": "异议收到日期 {received} 不在公示期 {opens} 至 {closes} 内, 或公示已结束",
        "en": "the objection received on {received} is outside the notice period {opens} to {closes}, or the notice is closed",
    },
    "objection.unit_not_listed": {
        "zh": "单位 {unit} 不在本次公示名单中",
        "en": "the unit {unit} is not listed in this notice",
    },
    "objection.reason_needed": {"zh": "处理异议须说明理由", "en": "resolving an objection needs a reason"},
    "objection.unknown": {"zh": "公示 {notice} 没有异议 {id}", "en": "the notice {notice} has no objection {id}"},
    "objection.resolved_before": {
        "zh": "该异议已经处理 ({outcome}), 不能再次处理",
        "en": "this objection was already resolved ({outcome})",
    },
    "objection.upheld": {"zh": "异议成立", "en": "upheld"},
    "objection.dismissed": {"zh": "异议不成立", "en": "dismissed"},
    "cli.timeline_finality": {
        "zh": "{period}  {ruleset_id}  {status}  公示 {notice}",
        "en": "{period}  {ruleset_id}  {status}  notice {notice}",
    },
    "cli.notice_line": {
        "zh": "{id}  {ruleset}  {period}  {opens} 至 {closes}  {count} 个单位  未处理异议 {open_objections}  {state}  {title}",
        "en": "{id}  {ruleset}  {period}  {opens} to {closes}  {count} units  open objections {open_objections}  {state}  {title}",
    },
    "notice.phase.pending": {"zh": "未开始", "en": "not yet open"},
    "notice.phase.open": {"zh": "公示中", "en": "open"},
    "notice.phase.over": {"zh": "公示期满, 待结束", "en": "period over, to be closed"},
    "notice.phase.closed": {"zh": "已结束", "en": "closed"},
    "cli.notice_closed_now": {"zh": "公示 {id} 已结束", "en": "the notice {id} is closed"},
    "cli.notice_form": {
        "zh": "{file}: 只能导出为 .docx (Word) 或 .pdf",
        "en": "{file}: a notice is exported as .docx (Word) or .pdf",
    },
    "cli.timeline_empty": {"zh": "{unit} 没有评议记录", "en": "{unit} has no stage records"},
    "cli.timeline_line": {
        "zh": "{period}  {ruleset_id}  {stage}  {action}  总分 {total}  等次 {grade}  {actor}  {at}",
        "en": "{period}  {ruleset_id}  {stage}  {action}  total {total}  grade {grade}  {actor}  {at}",
    },
    "cli.timeline_reason": {"zh": "    理由 ({field}): {reason}", "en": "    reason ({field}): {reason}"},
    # ------------------------------------------------------------ rectification items (extension)
    "model.rectification_trigger": {
        "zh": "整改事项须由且只由 {triggers} 之一引起 (写了 {count} 个)",
        "en": "a rectification item is opened by exactly one of {triggers} (got {count})",
    },
    "model.rectification_below": {
        "zh": "below 只用于由指标 (indicator) 引起的整改事项",
        "en": "below belongs only to an item opened by an indicator",
    },
    "what.rectification.indicator": {"zh": "指标", "en": "an indicator"},
    "what.rectification.deduction": {"zh": "加减分项", "en": "an adjustment item"},
    "what.rectification.veto": {"zh": "否决项", "en": "a veto"},
    "semantic.rectification_unknown": {
        "zh": "{name} 不是本规则集的{what}{hint}",
        "en": "{name} is not {what} of this ruleset{hint}",
    },
    "semantic.rectification_responsible": {
        "zh": "{level} 既不是 unit (本单位) 也不是单位层级, 应为 {kinds} 之一 (或其中文名){hint}",
        "en": "{level} is neither unit (the unit itself) nor a unit level; use one of {kinds} (or its Chinese name){hint}",
    },
    "semantic.rectification_title_braces": {
        "zh": "标题 {title} 的花括号不成对 (字面的花括号写作 {{{{ 和 }}}})",
        "en": "the title {title} has unpaired braces (write a literal brace as {{{{ or }}}})",
    },
    "semantic.rectification_title_name": {
        "zh": "标题中的 {{{name}}} 无法填写, 只能用 {names}",
        "en": "the title cannot fill in {{{name}}}; only {names} may be used",
    },
    "semantic.filled_count": {
        "zh": "from: {source} 的输入项须为 integer 且 required: false (由系统填写)",
        "en": "an input with from: {source} must be an integer with required: false (the service fills it)",
    },
    "check.rectification_never_zero": {
        "zh": "该指标最低得 {low} 分, 从不为 0 分: 此整改事项不会产生 (可用 below 设定分数线)",
        "en": "the indicator scores at least {low}, never 0: this item is never opened (set a line with below)",
    },
    "check.rectification_never_below": {
        "zh": "该指标最低得 {low} 分, 不低于 {line}: 此整改事项不会产生",
        "en": "the indicator scores at least {low}, never below {line}: this item is never opened",
    },
    "check.rectification_always_below": {
        "zh": "该指标最高得 {high} 分, 总低于 {line}: 每个单位都会产生此整改事项",
        "en": "the indicator scores at most {high}, always below {line}: every unit opens this item",
    },
    "check.rectification_not_deduction": {
        "zh": "{item} 是加分项而不是扣分项: 加分时产生整改事项, 可能写错了",
        "en": "{item} awards points rather than deducting them: an item opened by a bonus is likely a mistake",
    },
    "rectification.because_no_points": {"zh": "指标 {indicator} 得 0 分", "en": "{indicator} scored 0"},
    "rectification.because_below": {
        "zh": "指标 {indicator} 得 {points} 分, 低于 {line} 分",
        "en": "{indicator} scored {points}, below {line}",
    },
    "rectification.because_deduction": {
        "zh": "扣分项 {item} 计 {points} 分",
        "en": "the deduction {item} applied ({points})",
    },
    "rectification.because_veto": {"zh": "一票否决 {veto} 成立", "en": "the veto {veto} held"},
    "rectification.state.open": {"zh": "待整改", "en": "open"},
    "rectification.state.overdue": {"zh": "已逾期", "en": "overdue"},
    "rectification.state.done": {"zh": "已销号", "en": "done"},
    "rectification.state.closed": {"zh": "不再需要", "en": "no longer needed"},
    "rectification.closed_reason": {
        "zh": "记录 {record} 取代了原评分, 不再需要此项整改",
        "en": "the record {record} superseded the score; the item is no longer needed",
    },
    "rectification.evidence_needed": {
        "zh": "销号须写明整改佐证 (做了什么、材料在哪里)",
        "en": "marking an item done needs the evidence (what was done, where the papers are)",
    },
    "rectification.not_open": {
        "zh": "整改事项 {id} 状态为{state}, 不能再销号",
        "en": "the item {id} is {state} and cannot be marked done",
    },
    "rectification.unknown": {
        "zh": "没有整改事项 {id} (或不在您的管辖范围内)",
        "en": "no rectification item {id} in your scope",
    },
    "rectification.bad_state": {
        "zh": "state 应为 open、overdue 或 done 之一, 实际为 {got}",
        "en": "state must be one of open, overdue, done, got {got}",
    },
    "rectification.bad_within": {
        "zh": "within 应为 0 到 3650 之间的天数, 实际为 {got}",
        "en": "within must be a number of days from 0 to 3650, got {got}",
    },
    "detail.rectification_overdue_none": {
        "zh": "截至 {as_of}, 本单位没有逾期未销号的整改事项",
        "en": "as of {as_of} the unit has no overdue rectification items",
    },
    "detail.rectification_overdue": {
        "zh": "截至 {as_of}, 本单位逾期未销号的整改事项 {count} 项: {items}",
        "en": "as of {as_of} the unit has {count} overdue rectification items: {items}",
    },
    "detail.rectification_overdue_item": {
        "zh": "{title} ({period}期, 限 {due} 前完成, 编号 {id})",
        "en": "{title} (period {period}, due {due}, id {id})",
    },
    "problem.Unknown rectification item": {"zh": "没有这个整改事项", "en": "Unknown rectification item"},
    "problem.Rectification closed": {"zh": "整改事项已办结", "en": "Rectification closed"},
    "problem.Evidence needed": {"zh": "缺少整改佐证", "en": "Evidence needed"},
    "problem.Bad filter": {"zh": "筛选条件不合规定", "en": "Bad filter"},
    "cli.rectification_none": {
        "zh": "{within} 天内到期及已逾期的整改事项: 无",
        "en": "rectification items due within {within} days or overdue: none",
    },
    "cli.rectification_heading": {
        "zh": "{within} 天内到期及已逾期的整改事项 {count} 项 (截至 {today})",
        "en": "{count} rectification items due within {within} days or overdue (as of {today})",
    },
    "cli.rectification_overdue_line": {
        "zh": "已逾期 {days} 天  {due}  {unit}  {title}  责任单位 {responsible}  ({ruleset_id} {period}, {id})",
        "en": "overdue by {days} days  {due}  {unit}  {title}  responsible {responsible}  ({ruleset_id} {period}, {id})",
    },
    "cli.rectification_due_today_line": {
        "zh": "今天到期  {due}  {unit}  {title}  责任单位 {responsible}  ({ruleset_id} {period}, {id})",
        "en": "due today  {due}  {unit}  {title}  responsible {responsible}  ({ruleset_id} {period}, {id})",
    },
    "cli.rectification_due_line": {
        "zh": "{days} 天后到期  {due}  {unit}  {title}  责任单位 {responsible}  ({ruleset_id} {period}, {id})",
        "en": "due in {days} days  {due}  {unit}  {title}  responsible {responsible}  ({ruleset_id} {period}, {id})",
    },
}


def language() -> str:
    return _language.get()


def set_language(lang: str) -> None:
    _language.set(lang if lang in LANGUAGES else "zh")


@contextmanager
def speaking(lang: str):
    """Messages made inside are in `lang`."""
    token = _language.set(lang if lang in LANGUAGES else "zh")
    try:
        yield
    finally:
        _language.reset(token)


def say(key: str, /, **params: object) -> str:
    """The catalogue's message `key` in the current language, filled in."""
    return CATALOGUE[key][_language.get()].format(**params)


def from_accept_language(header: str | None) -> str:
    """The language an Accept-Language header prefers: English only when it asks for
    English before Chinese (a Chinese browser sends zh-CN first)."""
    for part in (header or "").split(","):
        tag = part.split(";")[0].strip().lower()
        if tag.startswith("en"):
            return "en"
        if tag.startswith("zh"):
            return "zh"
    return "zh"


def subject(title: str | None, identifier: str) -> str:
    """An element named as people know it: its title with its id."""
    return f"{title} ({identifier})" if title and title != identifier else identifier


def suggestion(name: str, known: Iterable[str], describe=None) -> str:
    """ "; 是否指 X?" for the known name closest to a misspelled one, or nothing."""
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    if not close:
        return ""
    return say("hint.did_you_mean", name=describe(close[0]) if describe else close[0])


def listing(values: Iterable[str]) -> str:
    return ("、" if _language.get() == "zh" else ", ").join(values)
