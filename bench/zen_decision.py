"""The synthetic 50-indicator appraisal as a GoRules JDM decision graph, for zen-engine:
an input node, one first-hit decision table per indicator (4 bands and a default),
one expression node for the total and the grade with its vetoes, and an output node."""

from __future__ import annotations

import json

from bench.synthetic import INDICATORS, THRESHOLDS


def _table(i: int) -> dict:
    rules = [{"_id": f"r{i}_{b}", f"in{i}": f">= {t}", f"out{i}": str(p)} for b, (t, p) in enumerate(THRESHOLDS)]
    rules.append({"_id": f"r{i}_else", f"in{i}": "", f"out{i}": "0"})
    return {
        "id": f"t{i}",
        "type": "decisionTableNode",
        "name": f"indicator{i}",
        "position": {"x": 200, "y": 40 * i},
        "content": {
            "hitPolicy": "first",
            "rules": rules,
            "inputs": [{"id": f"in{i}", "name": f"x{i}", "field": f"x{i}"}],
            "outputs": [{"id": f"out{i}", "name": f"p{i}", "field": f"p{i}"}],
        },
    }


def decision() -> str:
    total = " + ".join(f"p{i}" for i in range(INDICATORS))
    natural = "(total >= 90 ? 0 : total >= 80 ? 1 : total >= 70 ? 2 : total >= 60 ? 3 : 4)"
    capped = f"max([{natural}, y1 > 0 ? 3 : 0, y2 > 0 ? 2 : 0, y4 > 0 ? 4 : 0])"
    grade = f"y3 > 0 ? null : y0 > 0 ? 'g4' : 'g' + string({capped})"
    nodes = [{"id": "in", "type": "inputNode", "name": "request", "position": {"x": 0, "y": 0}}]
    nodes += [_table(i) for i in range(INDICATORS)]
    nodes += [
        {
            "id": "sum",
            "type": "expressionNode",
            "name": "total",
            "position": {"x": 400, "y": 0},
            "content": {"expressions": [{"id": "e_total", "key": "total", "value": total}]},
        },
        {
            "id": "grade",
            "type": "expressionNode",
            "name": "grade",
            "position": {"x": 600, "y": 0},
            "content": {
                "expressions": [
                    {"id": "e_grade", "key": "grade", "value": grade},
                    {"id": "e_keep", "key": "total", "value": "total"},
                ]
            },
        },
        {"id": "out", "type": "outputNode", "name": "response", "position": {"x": 800, "y": 0}},
    ]
    edges = [{"id": f"e_in_{i}", "sourceId": "in", "targetId": f"t{i}", "type": "edge"} for i in range(INDICATORS)]
    edges += [{"id": f"e_{i}_sum", "sourceId": f"t{i}", "targetId": "sum", "type": "edge"} for i in range(INDICATORS)]
    edges += [
        {"id": "e_in_sum", "sourceId": "in", "targetId": "sum", "type": "edge"},
        {"id": "e_sum_grade", "sourceId": "sum", "targetId": "grade", "type": "edge"},
        {"id": "e_in_grade", "sourceId": "in", "targetId": "grade", "type": "edge"},
        {"id": "e_grade_out", "sourceId": "grade", "targetId": "out", "type": "edge"},
    ]
    return json.dumps({"nodes": nodes, "edges": edges})
