"""Hostile rulesets are refused quickly, with the element path and a Chinese message,
and cannot stop the service (issue 8). Every case is generated here."""

from __future__ import annotations

import ast
import json
import threading
import time
from decimal import Decimal

import httpx
import orjson
import pytest
import yaml
from pydantic import BaseModel
from typer.testing import CliRunner

from api.cli import app
from api.ruleset_loader import RulesetLoader
from engine import RulesetError, load_ruleset, score
from engine import limits as L
from engine.compiler import MAX_RULES
from engine.expressions import Conditional, Expression, Membership, children, walk
from engine.loader import parse_document

from ..conftest import SCORING_RULESETS, ruleset_dict
from ..server import running_service

runner = CliRunner()
SHIPPED = SCORING_RULESETS


def band_ruleset(when: str) -> dict:
    return ruleset_dict(
        dimensions=[
            {
                "id": "main",
                "title": "主",
                "indicators": [
                    {
                        "id": "level",
                        "title": "水平",
                        "points": 10,
                        "score": {"bands": [{"when": when, "points": 10}, {"else": 0}]},
                    }
                ],
            }
        ]
    )


def indicators_ruleset(count: int, bands: int) -> dict:
    indicator = {
        "title": "指标",
        "points": 10,
        "score": {"bands": [{"when": f"x >= {b}", "points": 1} for b in range(bands)]},
    }
    items = [{"id": f"i{k}", **indicator} for k in range(count)]
    return ruleset_dict(dimensions=[{"id": "main", "title": "主", "indicators": items}])


def with_input(**spec) -> dict:
    return ruleset_dict(
        inputs={"x": {"type": "number", "title": "X", **spec}, "flag": {"type": "boolean", "title": "标志"}}
    )


def with_score(score_method: dict) -> dict:
    data = band_ruleset("x >= 1")
    data["dimensions"][0]["indicators"][0]["score"] = score_method
    return data


def renamed_input(name: str, when: str | None = None) -> dict:
    data = band_ruleset(when or f"{name} >= 1")
    data["inputs"] = {name: {"type": "number", "title": "收入"}}
    return data


def nested_conditionals(depth: int) -> str:
    text = "x > 1"
    for level in range(depth):
        text = f"(x > {level} if {text} else x < {level})"
    return text


def billion_laughs() -> str:
    """Nine aliases of nine aliases, nine levels deep: 387 million values once expanded."""
    lines = [f"l0: &l0 [{', '.join(['哈'] * 9)}]"]
    lines += [f"l{n}: &l{n} [{', '.join([f'*l{n - 1}'] * 9)}]" for n in range(1, 10)]
    return "\n".join(lines) + "\nkaoping: 1\nid: laughs\ntitle: 笑\ndescription: *l9\n"


def nested_numbers(depth: int) -> str:
    """Conditionals giving numbers, each in the one before: compared in decimal, never expanded."""
    text = "x"
    for level in range(depth):
        text = f"({level} if x > {level} else {text})"
    return text + " >= 1"


def text(data: dict) -> str:
    """JSON text with Decimal values written as the numbers they are (not as strings)."""
    return orjson.dumps(data, default=lambda value: orjson.Fragment(str(value))).decode()


# (name, ruleset text, a piece of the element path, a piece of the Chinese message)
CASES = [
    ("plus_chain_900", lambda: text(band_ruleset(" + ".join(["x"] * 900) + " >= 1")), "bands[0].when", "超过上限"),
    ("plus_chain_60", lambda: text(band_ruleset("+".join(["x"] * 60) + " >= 1")), "bands[0].when", "嵌套超过 50 层"),
    ("not_1000", lambda: text(band_ruleset("not " * 1000 + "x >= 1")), "bands[0].when", "超过上限 1000 个"),
    ("not_60", lambda: text(band_ruleset("not " * 60 + "x >= 1")), "bands[0].when", "嵌套超过 50 层"),
    ("minus_900", lambda: text(band_ruleset("-" * 900 + "x >= 1")), "bands[0].when", "嵌套超过 50 层"),
    ("brackets_199", lambda: text(band_ruleset("(" * 199 + "x" + ")" * 199 + " >= 1")), "bands[0].when", "括号"),
    ("and_100000", lambda: text(band_ruleset(" and ".join(["x >= 1"] * 100_000))), "(ruleset)", "1 MB"),
    ("and_5000", lambda: text(band_ruleset(" and ".join(["x >= 1"] * 5000))), "bands[0].when", "超过上限 1000 个"),
    (
        "terms_250",
        lambda: text(band_ruleset(f"min({','.join(['x'] * 250)}) >= 1")),
        "bands[0].when",
        "名称和数值超过 200 个",
    ),
    ("in_100000", lambda: text(band_ruleset(f"x in [{', '.join(map(str, range(100_000)))}]")), "when", "超过上限"),
    ("in_150", lambda: text(band_ruleset(f"x in [{','.join(map(str, range(150)))}]")), "when", "列表有 150 个值"),
    ("bands_3990", lambda: text(indicators_ruleset(1, 3990)), "indicators[0].score.bands", "3990 个分档"),
    ("indicators_600", lambda: text(indicators_ruleset(600, 1)), "dimensions", "600 个指标"),
    ("rules_4200", lambda: text(indicators_ruleset(200, 21)), "(engine limits)", "4200 个条件"),
    ("conditionals_22", lambda: text(band_ruleset(nested_conditionals(22))), "bands[0].when", "嵌套超过 8 层"),
    ("conditionals_3", lambda: text(band_ruleset(nested_conditionals(3))), "bands[0].when", "引擎每条规则最多 31 项"),
    ("billion_laughs", billion_laughs, "ruleset", "展开别名"),
    ("recursive_alias", lambda: "kaoping: 1\nid: loop\ntitle: &t [*t]\n", "ruleset", "引用了包含它自己的锚点"),
    ("yaml_depth_60", lambda: "kaoping: 1\nid: deep\ntitle: " + "[" * 60 + "]" * 60 + "\n", "ruleset", "嵌套 51 层"),
    ("yaml_integer_5000_digits", lambda: "kaoping: 1\nid: big\nprecision: 1" + "0" * 5000 + "\n", "ruleset", "整数有"),
    (
        "yaml_float_exponent",
        lambda: "kaoping: 1\nid: big\nprecision: 1.0e+99999999999999999999\n",
        "ruleset",
        "无法表示",
    ),
    (
        "step_1e-999999",
        lambda: text(with_score({"deduct": {"of": "x", "points": 1, "step": Decimal("1e-999999")}})),
        "step",
        "小数位为",
    ),
    (
        "full_at_1e999999",
        lambda: text(with_score({"linear": {"of": "x", "zero_at": 0, "full_at": Decimal("1e999999")}})),
        "full_at",
        "10^15",
    ),
    ("min_1e999999999", lambda: text(with_input(min=Decimal("1e999999999"))), "inputs.x.min", "10^15"),
    ("min_1e30", lambda: text(with_input(min=Decimal("1e30"))), "inputs.x.min", "10^15"),
    ("max_16_digits", lambda: text(with_input(max=Decimal("0.1234567890123456"))), "inputs.x.max", "有效数字为 16 位"),
    (
        "max_29_digits_rounded_by_context",
        lambda: text(with_input(max=Decimal("1.0000000000000000000000000001"))),
        "inputs.x.max",
        "29 位",
    ),
    (
        "min_nan",
        lambda: "kaoping: 1\nid: nan\ntitle: n\ninputs: {x: {type: number, title: X, min: .nan}}\n",
        "inputs.x.min",
        "",
    ),
    (
        "points_1e30",
        lambda: text(
            ruleset_dict(
                adjustments=[
                    {
                        "id": "bonus",
                        "title": "加分",
                        "items": [{"id": "a", "title": "甲", "when": "flag", "points": Decimal("1e30")}],
                    }
                ]
            )
        ),
        "items[0].points",
        "10^15",
    ),
    ("literal_1e999999999", lambda: text(band_ruleset("x > 1e999999999")), "bands[0].when", "10^15"),
    (
        "share_1e-999999999",
        lambda: text(ruleset_dict(quotas=[{"grade": "good", "max_share": "1e-999999999"}])),
        "max_share",
        "",
    ),
    ("input_id_chinese", lambda: text(renamed_input("收入", "x >= 1")), "inputs.收入", "标识 '收入' 不合规定"),
    ("input_id_cyrillic", lambda: text(renamed_input("inсome", "x >= 1")), "inputs.inсome", "不合规定"),
    ("input_id_dunder", lambda: text(renamed_input("__class__")), "inputs.__class__", "不合规定"),
    ("input_id_fullwidth", lambda: text(renamed_input("ｉｎｃｏｍｅ", "x >= 1")), "inputs.ｉｎｃｏｍｅ", "不合规定"),
    (
        "name_fullwidth_in_expression",
        lambda: text(band_ruleset("ｘ >= 1")),
        "bands[0].when (表达式第 1 个字符)",
        "不是英文字符",
    ),
    (
        "name_cyrillic_in_expression",
        lambda: text(band_ruleset("x >= 1 and fсlag")),
        "(表达式第 13 个字符)",
        "'с' 不是英文字符",
    ),
    ("ruleset_id_10000", lambda: text(ruleset_dict(id="a" * 10_000)), "id", "最多 64 个字符"),
    (
        "indicator_id_65",
        lambda: text(indicators_ruleset(1, 1)).replace('"i0"', '"' + "i" * 65 + '"'),
        "indicators[0].id",
        "最多 64",
    ),
    ("text_1_1_mb", lambda: text(ruleset_dict(description="长" * 400_000)), "(ruleset)", "1 MB"),
]


@pytest.mark.parametrize(("name", "make", "path", "message"), CASES, ids=[c[0] for c in CASES])
def test_check_refuses_each_hostile_ruleset_cleanly_in_under_a_second(tmp_path, name, make, path, message):
    ruleset = tmp_path / f"{name}.yaml"
    ruleset.write_text(make(), encoding="utf-8")
    started = time.perf_counter()
    result = runner.invoke(app, ["check", str(ruleset)])
    elapsed = time.perf_counter() - started
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    problems = [line for line in result.output.splitlines() if line.startswith("  ")]
    assert any(path in line and message in line for line in problems), result.output[:2000]
    assert elapsed < 5.0, f"{name} took {elapsed:.2f} s"  # a guard against hangs; bench/hostile.py times them


def test_every_expression_within_the_limits_is_walked_without_python_recursion_errors():
    deepest = "+".join(["x"] * (L.MAX_EXPRESSION_DEPTH - 2)) + " >= 1"
    nots = "not " * (L.MAX_EXPRESSION_DEPTH - 3) + "x >= 1"
    for when in (deepest, nots, nested_numbers(L.MAX_CONDITIONAL_DEPTH), nested_conditionals(2)):
        loaded = load_ruleset(text(band_ruleset(when)))
        result = score(loaded, {"x": 50, "flag": True})
        assert result.total is not None


def test_numbers_the_format_carries_are_accepted_at_the_edges():
    loaded = load_ruleset(text(with_input(min=Decimal("-999999999999999"), max=Decimal("0.000000000000001"))))
    assert str(loaded.model.inputs["x"].max) == "1E-15"
    loaded = load_ruleset(text(with_input(max=Decimal("1.50000000000000000000000"))))  # trailing zeros carry nothing
    assert loaded.model.inputs["x"].max == 1.5


def test_yaml_anchors_that_repeat_small_parts_stay_valid():
    data = parse_document("a: &a {x: 1}\nb: [*a, *a, *a]\n")
    assert data["b"] == [{"x": 1}] * 3


def _expressions(element) -> list[Expression]:
    """Every expression written in a ruleset element, found through its fields."""
    if isinstance(element, Expression):
        return [element]
    if isinstance(element, BaseModel):
        return [e for name in type(element).model_fields for e in _expressions(getattr(element, name))]
    if isinstance(element, list | tuple):
        return [e for item in element for e in _expressions(item)]
    if isinstance(element, dict):
        return [e for item in element.values() for e in _expressions(item)]
    return []


def _maxima(path) -> dict[str, int]:
    loaded = load_ruleset(path)
    model = loaded.model
    expressions = _expressions(model)

    def conditional_depth(root) -> int:
        best, stack = 0, [(root, 0)]
        while stack:
            node, depth = stack.pop()
            depth += isinstance(node, Conditional)
            best = max(best, depth)
            stack.extend((child, depth) for child in children(node))
        return best

    def tree_depth(expression: Expression) -> int:
        best, stack = 0, [(ast.parse(expression.text, mode="eval").body, 1)]
        while stack:
            node, depth = stack.pop()
            best = max(best, depth)
            stack.extend((c, depth + 1) for c in ast.iter_child_nodes(node) if isinstance(c, ast.expr))
        return best

    nodes, deepest, stack = 0, 0, [(yaml.compose(path.read_text(encoding="utf-8")), 1)]
    while stack:
        node, depth = stack.pop()
        nodes, deepest = nodes + 1, max(deepest, depth)
        kids = node.value if isinstance(node, yaml.SequenceNode) else []
        kids = [part for pair in node.value for part in pair] if isinstance(node, yaml.MappingNode) else kids
        stack.extend((kid, depth + 1) for kid in kids)
    ids = [*model.inputs, *model.outputs, *(i.id for _, i in model.indicators()), *(g.id for g in model.grades)]
    return {
        "text bytes": path.stat().st_size,
        "document values": nodes,
        "document nesting": deepest,
        "expression nesting": max(tree_depth(e) for e in expressions),
        "ruleset id length": len(model.id),
        "indicators": sum(1 for _ in model.indicators()),
        "bands per indicator": max(len(i.score.bands or ()) for _, i in model.indicators()),
        "engine rules": len(loaded.compiled.conditions) + 1,
        "expression chars": max(len(e.text) for e in expressions),
        "expression terms": max(sum(1 for n in walk(e.root) if not children(n)) for e in expressions),
        "values after in": max(
            [len(n.values) for e in expressions for n in walk(e.root) if isinstance(n, Membership)] or [0]
        ),
        "nested conditionals": max(conditional_depth(e.root) for e in expressions),
        "id length": max(len(i) for i in ids),
    }


def test_shipped_rulesets_are_far_inside_every_limit():
    limits = {
        "text bytes": L.MAX_TEXT_BYTES,
        "document values": L.MAX_DOCUMENT_NODES,
        "document nesting": L.MAX_DOCUMENT_DEPTH,
        "expression nesting": L.MAX_EXPRESSION_DEPTH,
        "ruleset id length": L.MAX_ID_LENGTH,
        "indicators": L.MAX_INDICATORS,
        "bands per indicator": L.MAX_BANDS,
        "engine rules": MAX_RULES,
        "expression chars": L.MAX_EXPRESSION_CHARS,
        "expression terms": L.MAX_EXPRESSION_TERMS,
        "values after in": L.MAX_IN_VALUES,
        "nested conditionals": L.MAX_CONDITIONAL_DEPTH,
        "id length": L.MAX_ID_LENGTH,
    }
    found = [_maxima(path) for path in SHIPPED]
    for what, limit in limits.items():
        highest = max(m[what] for m in found)
        print(f"{what}: shipped maximum {highest}, limit {limit}")
        assert highest * 2 <= limit, what


# ---------------------------------------------------------------- the service


def worst_within_limits() -> str:
    """About 1 MB of bands that pass every limit but take seconds to compile and are
    then refused by the engine's limit on facts: the heaviest load a post can ask for."""
    when_texts = [" or ".join(f"x == {b * 60 + j}" for j in range(58)) for b in range(30)]
    bands = [{"when": when, "points": 1} for when in when_texts]
    count = 990_000 // (len(json.dumps(bands)) + 60)
    items = [{"id": f"i{k}", "title": "t", "points": 1, "score": {"bands": bands}} for k in range(count)]
    return text(ruleset_dict(dimensions=[{"id": "main", "title": "主", "indicators": items}]))


def test_a_load_over_its_time_limit_is_stopped_and_its_process_replaced():
    loader = RulesetLoader(seconds=0.5)
    small = text(band_ruleset("x >= 1"))
    try:
        assert loader.load_waiting(small).id == "tiny"  # the child is started and warm
        started = time.perf_counter()
        with pytest.raises(Exception) as caught:
            loader.load_waiting(worst_within_limits())
        assert time.perf_counter() - started < 3
        assert caught.value.problem.status == 422
        assert "秒内加载完成" in caught.value.problem.errors[0].message
        assert loader.load_waiting(small).id == "tiny"
        with pytest.raises(RulesetError):
            loader.load_waiting(text(band_ruleset("ｘ >= 1")))
    finally:
        loader.close()


def test_a_load_over_its_memory_limit_ends_its_process_and_is_refused():
    loader = RulesetLoader(memory_bytes=64 * 1024 * 1024)  # below what the child already holds
    try:
        assert loader.load_waiting(text(band_ruleset("x >= 1"))).id == "tiny"  # small loads fit in what it has
        with pytest.raises(Exception) as caught:
            loader.load_waiting(worst_within_limits())
        assert caught.value.problem.status == 422
        assert "内存超过上限 64 MB" in caught.value.problem.errors[0].message
        assert loader.load_waiting(text(band_ruleset("x >= 1"))).id == "tiny"  # by a new child
    finally:
        loader.close()


HOSTILE_POSTS = {
    "and_100000": lambda: text(band_ruleset(" and ".join(["x >= 1"] * 100_000))),
    "billion_laughs": billion_laughs,
    "brackets_199": lambda: text(band_ruleset("(" * 199 + "x" + ")" * 199 + " >= 1")),
    "minus_900": lambda: text(band_ruleset("-" * 900 + "x >= 1")),
    "conditionals_22": lambda: text(band_ruleset(nested_conditionals(22))),
    "bands_3990": lambda: text(indicators_ruleset(1, 3990)),
    "worst_within_limits": worst_within_limits,
}


def test_the_service_keeps_answering_while_hostile_rulesets_are_refused(tmp_path):
    bodies = {name: make().encode() for name, make in HOSTILE_POSTS.items()}
    with running_service(tmp_path, load=False) as (base, tokens):
        probes: list[int | str] = []
        stop = threading.Event()

        def probe() -> None:
            with httpx.Client(base_url=base, timeout=5) as client:
                while not stop.is_set():
                    try:
                        probes.append(client.get("/healthz").status_code)
                    except httpx.HTTPError as error:
                        probes.append(type(error).__name__)
                    time.sleep(0.1)

        prober = threading.Thread(target=probe)
        prober.start()
        answers = {}
        try:
            with httpx.Client(base_url=base, timeout=60) as client:
                headers = {"Authorization": f"Bearer {tokens['editor']}", "Content-Type": "application/yaml"}
                for name, body in bodies.items():
                    started = time.perf_counter()
                    response = client.post("/rulesets", content=body, headers=headers)
                    answers[name] = (response.status_code, time.perf_counter() - started)
                ok = client.post("/rulesets", content=text(band_ruleset("x >= 1")).encode(), headers=headers)
        finally:
            stop.set()
            prober.join()
    print({name: f"{status} in {seconds:.2f} s" for name, (status, seconds) in answers.items()})
    print(f"{len(probes)} /healthz probes")
    for name, (status, seconds) in answers.items():
        assert 400 <= status < 500, (name, status)
        assert seconds < 12, (name, seconds)
    assert answers["and_100000"][0] == 413
    assert ok.status_code == 201, ok.text
    assert len(probes) > 10 and all(p == 200 for p in probes), probes
