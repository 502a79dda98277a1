"""Example responses shown in /docs, one for every operation."""

from __future__ import annotations

HASH = "sha256:d7c07e1d86892c4f0e5e5c1c0b2a7c1c9d4c5d0a7f3f2e1b0c9d8e7f6a5b4c3d"
WHEN = "2026-01-05T09:30:00Z"
VERSION = {
    "number": 2,
    "content_hash": HASH,
    "note": "调整收入分档",
    "created_at": WHEN,
    "created_by": "张三 (editor)",
    "published_at": None,
    "published_by": None,
}
RULESET = {
    "id": "village-branch-stars",
    "title": "村党组织星级评定",
    "published_version": 1,
    "latest_version": 2,
    "created_at": WHEN,
    "created_by": "张三 (editor)",
}
SUMMARY = {
    "id": "0b9f4c1e-3f4c-4a63-9d1e-5f8a2b7c6d10",
    "seq": 41,
    "ruleset_id": "village-branch-stars",
    "version": 1,
    "unit": {"id": "cgz-hongqi", "name": "红旗村", "parent": "城关镇"},
    "period": "2025",
    "total": "88.33",
    "grade": "four",
    "status": "scored",
    "actor": "李四 (submitter)",
    "created_at": WHEN,
    "supersedes": None,
    "batch_id": None,
}
RESULT = {
    "total": "88.33",
    "grade": {"id": "four", "title": "四星"},
    "grades_not_reached": [
        {"id": "five", "title": "五星", "min": "90", "points_missing": "1.67", "failed_requires": [], "vetoed_by": []}
    ],
    "vetoes": [],
    "indicators": ["…every indicator with its points and the rule that gave them…"],
}

BATCH = {
    "id": "5f0c2d8e-1b7a-4c3e-9a41-0d2f6b8e7c15",
    "ruleset_id": "village-branch-stars",
    "version": 1,
    "period": "2025",
    "status": "queued",
    "filename": "county.xlsx",
    "rows": 25000,
    "scored": 0,
    "stored": 0,
    "error_rows": 0,
    "created_at": WHEN,
    "finished_at": None,
    "failure": None,
    "summary": None,
}
TOKEN = {"id": 12, "user": "李四", "expires_at": "2026-04-05T09:30:00+00:00", "revoked_at": None}
GRANT = {
    "id": 5,
    "user_id": 7,
    "role": "submitter",
    "unit_code": "cgz",
    "created_at": WHEN,
    "created_by": "张三 (admin)",
    "revoked_at": None,
}
TOWNSHIP = {"code": "cgz", "name": "城关镇", "kind": "township", "parent_code": "513321", "path": "/513300/513321/cgz/"}
VILLAGE = {
    "code": "cgz-hongqi",
    "name": "红旗村",
    "kind": "village",
    "parent_code": "cgz",
    "path": "/513300/513321/cgz/cgz-hongqi/",
}

STEP = {
    "id": "6f1d2c3b-8a4e-4f5a-9b6c-7d8e9f0a1b2c",
    "seq": 57,
    "period": "2025",
    "ruleset_id": "village-branch-stars",
    "version": 1,
    "stage": "township_review",
    "title": "乡镇初评",
    "action": "edit",
    "action_title": "修改后确认",
    "to": None,
    "reason": None,
    "record": "0b9f4c1e-3f4c-4a63-9d1e-5f8a2b7c6d10",
    "based_on": "4c2a9e7d-1b3f-4e5a-8c6d-2f1e0d9c8b7a",
    "actor": "王镇 (reviewer)",
    "at": WHEN,
    "difference": {
        "fields": [{"field": "collective_income", "old": "6.2", "new": "5.8", "reason": "账目核实, 应扣除一次性补助"}],
        "indicators": [{"id": "income_level", "title": "集体经济收入水平", "old": "8", "new": "6"}],
        "total": {"old": "88.33", "new": "86.33"},
        "grade": {"old": "four", "new": "four"},
    },
}
RECTIFICATION = {
    "id": "8d2f6c1e-3b7a-4e9d-a1c5-6f0b2e4d8a93",
    "ruleset": "village-branch-stars",
    "version": 1,
    "item": "fix_petition",
    "unit": "cgz-hongqi",
    "unit_name": "红旗村",
    "period": "2025",
    "responsible": "cgz",
    "responsible_name": "城关镇",
    "title": "红旗村越级上访问题整改",
    "because": "扣分项 越级上访 计 -2 分",
    "opened_record": STEP["record"],
    "opened_on": "2026-01-05",
    "due": "2026-02-04",
    "state": "open",
    "state_title": "待整改",
    "days_left": 12,
    "done_on": None,
    "done_by": None,
    "evidence": None,
    "closed_record": None,
}
NOTICE_SUMMARY = {
    "id": "3f9a1c2b7d4e",
    "ruleset": "village-branch-stars",
    "period": "2025",
    "unit": "513321",
    "batch": None,
    "title": "关于2025年度村党组织星级评定结果的公示",
    "issuer": "中共示范县委组织部",
    "contact": "县委组织部组织科, 电话 0836-1234567",
    "text": "经村自评、乡镇初评、县复评和县委组织部审定, 现将评定结果予以公示。",
    "opens": "2025-12-08",
    "closes": "2025-12-12",
    "working_days": 5,
    "show_total": True,
    "count": 1,
    "created_by": "县委组织部 (admin)",
    "created_at": WHEN,
    "closed": False,
    "closed_on": None,
    "open_objections": 1,
}
OBJECTION = {
    "objection": "8b2c4d6e1f3a",
    "unit": "cgz-hongqi",
    "unit_name": "红旗村",
    "objector": None,
    "contact": "13800000000",
    "text": "集体经济收入含一次性补助",
    "received": "2025-12-09",
    "recorded_by": "县委组织部 (admin)",
    "outcome": None,
    "reason": None,
    "resolved_by": None,
    "reopened": None,
}
NOTICE = {
    **NOTICE_SUMMARY,
    "units": [
        {
            "unit": "cgz-hongqi",
            "name": "红旗村",
            "record": "0b9f4c1e-3f4c-4a63-9d1e-5f8a2b7c6d10",
            "version": 1,
            "grade": "four",
            "grade_title": "四星",
            "total": "86.33",
            "current": "0b9f4c1e-3f4c-4a63-9d1e-5f8a2b7c6d10",
            "finality": "in_notice",
            "finality_title": "公示中",
        }
    ],
    "objections": [OBJECTION],
}
STAGES = "/rulesets/{ruleset_id}/units/{code}/periods/{period}/stages"
REFERENCE = {
    "ruleset_id": "county-relative-appraisal",
    "period": "2025",
    "batch": "5b0c2d4e-…",
    "version": 1,
    "name": "townships.csv [batch 5b0c2d4e-…]",
    "replaces": None,
    "published_by": "王审核 (reviewer)",
    "published_at": WHEN,
    "event": "9f1e7a3b-…",
}

EVENT = {
    "id": "3c2b…",
    "seq": 120,
    "ruleset_id": "party-member-points",
    "version": 1,
    "member": "DY001",
    "branch": "cgz-hongqi",
    "date": "2026-04-18",
    "kind": "volunteer",
    "fields": {"hours": 6},
    "posted_by": "李四 (submitter)",
    "posted_at": WHEN,
    "file": None,
    "row": None,
    "withdraws": None,
    "reason": None,
    "withdrawn_by": None,
}
WITHDRAWAL = {
    **EVENT,
    "id": "7d1a…",
    "date": None,
    "kind": None,
    "fields": {},
    "withdraws": "3c2b…",
    "reason": "重复录入",
}
MEMBER_POINTS = {
    "points": {
        "member": "DY001",
        "period": "2026",
        "events": ["…each event with its rule, points and detail…"],
        "categories": ["…each category with raw, points and what its cap cut…"],
        "total": "70",
        "line": {"id": "qualified", "title": "合格"},
    },
    "events": [EVENT],
}
BRANCH_POINTS = {
    "ruleset_id": "party-member-points",
    "version": 1,
    "branch": "cgz-hongqi",
    "branch_name": "红旗村",
    "period": "2026",
    "members": [
        {"rank": None, "member": "DY001", "counted": 7, "total": "79", "line": "qualified", "line_title": "合格"}
    ],
    "figures": [
        {
            "name": "member_points_coverage_pct",
            "value": "66.67",
            "source": "支部 cgz-hongqi 2026: 3 名党员中 2 名有计分事项, 2 / 3 × 100 = 66.67",
        }
    ],
}

EXAMPLES: dict[tuple[str, str], object] = {
    ("get", "/rectification"): {"as_of": "2026-01-23", "count": 1, "items": [RECTIFICATION]},
    ("get", "/rectification/{item_id}"): {
        **RECTIFICATION,
        "history": [
            {
                "action": "open",
                "actor": "李四 (submitter)",
                "at": WHEN,
                "event": "0b6c2f1a-9e8d-4c7b-b5a4-3f2e1d0c9b8a",
                "data": {"id": RECTIFICATION["id"], "action": "open", "due": "2026-02-04"},
            }
        ],
    },
    ("post", "/rectification/{item_id}/done"): {
        **RECTIFICATION,
        "state": "done",
        "state_title": "已销号",
        "done_on": "2026-01-23",
        "done_by": "李四 (submitter)",
        "evidence": "已约谈上访户并化解, 谈话记录存村部档案柜",
    },
    ("post", "/rulesets/{ruleset_id}/events"): EVENT,
    ("post", "/rulesets/{ruleset_id}/events/file"): {"count": 1, "items": [{**EVENT, "file": "events.csv", "row": 2}]},
    ("post", "/rulesets/{ruleset_id}/events/{event_id}/withdraw"): WITHDRAWAL,
    ("get", "/rulesets/{ruleset_id}/events"): {"count": 1, "items": [{**EVENT, "withdrawn_by": "7d1a…"}]},
    ("get", "/rulesets/{ruleset_id}/members/{member}/points"): MEMBER_POINTS,
    ("get", "/rulesets/{ruleset_id}/branches/{unit}/points"): BRANCH_POINTS,
    ("get", STAGES): {
        "ruleset_id": "village-branch-stars",
        "unit": "cgz-hongqi",
        "period": "2025",
        "stages": [
            {"id": "self_review", "title": "村自评", "role": "submitter", "level": "村", "may_edit": True},
            {"id": "township_review", "title": "乡镇初评", "role": "reviewer", "level": "乡镇", "may_edit": True},
        ],
        "due": None,
        "current": STEP["record"],
        "steps": [STEP],
    },
    ("post", STAGES + "/{stage}"): STEP,
    ("post", STAGES + "/{stage}/return"): {
        **STEP,
        "action": "return",
        "action_title": "退回",
        "to": "self_review",
        "reason": "佐证材料不全, 请补充后重新提交",
        "record": None,
        "difference": None,
    },
    ("post", STAGES + "/{stage}/subtree"): {
        "taken": [{"unit": "cgz-hongqi", "step": STEP["id"], "record": STEP["record"]}],
        "skipped": [{"unit": "cgz-dongfeng", "detail": "现在轮到 村自评, 不能办理 乡镇初评"}],
        "not_started": 3,
    },
    ("get", "/units/{code}/timeline"): [{**STEP, "total": "86.33", "grade": "four", "final": False}],
    ("get", "/units/{code}/finality"): [
        {
            "ruleset_id": "village-branch-stars",
            "period": "2025",
            "record": "0b9f4c1e-3f4c-4a63-9d1e-5f8a2b7c6d10",
            "status": "final",
            "status_title": "已公示, 结果确定",
            "notice": "3f9a1c2b7d4e",
        }
    ],
    ("post", "/notices"): {**NOTICE, "open_objections": 0, "objections": []},
    ("get", "/notices"): [NOTICE_SUMMARY],
    ("get", "/notices/{notice_id}"): NOTICE,
    ("get", "/notices/{notice_id}/document/{form}"): "(the notice as a .docx or .pdf file)",
    ("post", "/notices/{notice_id}/close"): {**NOTICE, "closed": True, "closed_on": "2025-12-15", "objections": []},
    ("post", "/notices/{notice_id}/objections"): OBJECTION,
    ("post", "/notices/{notice_id}/objections/{objection_id}/resolve"): {
        **OBJECTION,
        "outcome": "dismissed",
        "reason": "经核实, 收入不含补助",
        "resolved_by": "县委组织部 (admin)",
    },
    ("get", "/scores/{score_id}/provenance"): {
        "record": STEP["record"],
        "ruleset_id": "village-branch-stars",
        "period": "2025",
        "inputs": [
            {
                "input": "collective_income",
                "title": "村集体经济年收入",
                "value": 5.8,
                "shown": "5.8",
                "kind": "changed",
                "text": "修改: 李四 (reviewer) 在 乡镇初评 修改, 2025-12-02T09:30:00.000000Z; "
                "理由: 账目核实, 应扣除一次性补助",
                "actor": "李四 (reviewer)",
                "at": "2025-12-02T09:30:00.000000Z",
                "stage": "township_review",
                "reason": "账目核实, 应扣除一次性补助",
                "record": STEP["record"],
            },
            {
                "input": "previous_grade",
                "title": "上年度评定等次",
                "value": "four",
                "shown": "four",
                "kind": "filled",
                "text": "自动填入: 取自本单位 2024 期的记录 6f1c0d3e-1b7a-4c55-9a0e-2f5b8c1d7e90",
                "actor": None,
                "at": None,
                "stage": None,
                "reason": None,
                "record": "6f1c0d3e-1b7a-4c55-9a0e-2f5b8c1d7e90",
            },
        ],
    },
    ("get", "/healthz"): {"status": "ok", "database": "sqlite"},
    ("post", "/rulesets"): {**RULESET, "latest_version": 1, "versions": [{**VERSION, "number": 1}]},
    ("get", "/rulesets"): [RULESET],
    ("get", "/rulesets/{ruleset_id}"): {**RULESET, "versions": [{**VERSION, "number": 1}, VERSION]},
    ("post", "/rulesets/{ruleset_id}/versions"): {
        **VERSION,
        "ruleset_id": "village-branch-stars",
        "status": "draft",
        "text": "kaoping: 1\nid: village-branch-stars\n…",
        "parsed": {},
    },
    ("post", "/rulesets/{ruleset_id}/versions/table"): {
        **VERSION,
        "ruleset_id": "village-branch-stars",
        "status": "draft",
        "text": "kaoping: 1\nid: village-branch-stars\n…",
        "parsed": {},
    },
    ("get", "/rulesets/{ruleset_id}/versions/{number}"): {
        **VERSION,
        "ruleset_id": "village-branch-stars",
        "status": "draft",
        "text": "kaoping: 1\n…",
        "parsed": {},
    },
    ("post", "/rulesets/{ruleset_id}/versions/{number}/publish"): {
        **VERSION,
        "ruleset_id": "village-branch-stars",
        "status": "published",
        "published_at": WHEN,
        "published_by": "张三 (editor)",
        "text": "kaoping: 1\n…",
        "parsed": {},
    },
    ("get", "/rulesets/{ruleset_id}/diff"): {
        "ruleset_id": "village-branch-stars",
        "from_version": 1,
        "to_version": 2,
        "changes": [
            {
                "element": "indicator",
                "id": "income_level",
                "title": "村集体经济收入",
                "change": "changed",
                "details": ["bands[0]: collective_income >= 10 → 8 → collective_income >= 8 → 8"],
            },
            {
                "element": "adjustment",
                "id": "penalty",
                "title": "扣分项",
                "change": "changed",
                "details": ["cap: -10 → -8"],
            },
        ],
        "total_range_before": ["0", "105"],
        "total_range_after": ["0", "105"],
    },
    ("post", "/rulesets/{ruleset_id}/versions/{number}/test"): {
        "ruleset_id": "village-branch-stars",
        "version": 2,
        "passed": 12,
        "failed": 1,
        "cases": [
            {
                "name": "收入未达5万元, 五星前置条件不满足",
                "passed": False,
                "mismatches": [{"what": "total", "expected": "96", "actual": "97"}],
            }
        ],
    },
    ("post", "/rulesets/{ruleset_id}/versions/{number}/simulate"): {
        "ruleset_id": "village-branch-stars",
        "published_version": 1,
        "simulated_version": 2,
        "units": 3,
        "changed_grade": 1,
        "errors": 0,
        "grade_moves": {"four → five": 1},
        "items": [
            {
                "score_id": SUMMARY["id"],
                "unit_id": "cgz-hongqi",
                "period": "2025",
                "old_total": "88.33",
                "old_grade": "four",
                "new_total": "88.33",
                "new_grade": "five",
                "error": None,
                "parent": "城关镇",
                "batch_id": None,
                "quota": None,
                "changes": ["grade five"],
            }
        ],
        "matrix": {"four": {"five": 1, "four": 1}, "five": {"five": 1}},
        "dimension_means": [
            {"id": "organization", "title": "组织建设", "before": "19.5", "after": "19.5", "change": "0"}
        ],
        "notes": ["单独评分的记录不属于任何批次, 不适用名额控制, 按草案直接定等"],
    },
    ("post", "/rulesets/{ruleset_id}/scores"): {
        **SUMMARY,
        "content_hash": HASH,
        "engine_version": "kaoping-0.1.0/durable-rules-2.0.28",
        "input": {"collective_income": 6.2, "assistance_rating": "好"},
        "prev_hash": "9f2c…",
        "record_hash": "a41d…",
        "result": RESULT,
    },
    ("get", "/scores"): {"total": 120, "offset": 0, "limit": 50, "items": [SUMMARY]},
    ("get", "/flags"): {
        "period": "2025",
        "count": 1,
        "items": [
            {
                "record": {**SUMMARY, "total": "58.5", "grade": "one"},
                "flags": [
                    {
                        "id": "adjust_team",
                        "title": "建议调整班子",
                        "severity": "warning",
                        "advice": "连续两年评为一星, 建议上级党委对村党组织班子进行调整",
                        "condition": "grade == 'one' and previous_grade == 'one'",
                        "values": {"grade": "one", "previous_grade": "one"},
                    }
                ],
            }
        ],
    },
    ("get", "/scores/{score_id}"): {
        **SUMMARY,
        "content_hash": HASH,
        "engine_version": "kaoping-0.1.0/durable-rules-2.0.28",
        "input": {"collective_income": 6.2},
        "prev_hash": "9f2c…",
        "record_hash": "a41d…",
        "result": RESULT,
    },
    ("get", "/scores/{score_id}/explanation"): RESULT,
    ("post", "/scores/{score_id}/verify"): {
        "score_id": SUMMARY["id"],
        "identical": False,
        "ruleset_hash_matches": True,
        "record_hash_matches": False,
        "differences": [{"path": "total", "stored": "98.33", "recomputed": "88.33"}],
        "notes": [],
    },
    ("get", "/scores/{score_id}/receipt"): {
        "format": "kaoping-receipt/1",
        "how_to_check": ["用 kaoping 核验: kaoping verify 本文件 (离线进行, 不需要数据库).", "…"],
        "hashed_fields": ["seq", "id", "ruleset_id", "…"],
        "record": {"seq": 17, "id": SUMMARY["id"], "ruleset_id": "village-branch-stars", "record_hash": "a41d…"},
        "previous_record_hash": "9f2c…",
        "ruleset": {"id": "village-branch-stars", "version": 1, "content_hash": HASH, "text": "kaoping: 1\n…"},
    },
    ("post", "/rulesets/{ruleset_id}/batches"): BATCH,
    ("post", "/batches/{batch_id}/reference"): REFERENCE,
    ("get", "/rulesets/{ruleset_id}/reference"): REFERENCE,
    ("get", "/batches/{batch_id}"): {
        **BATCH,
        "status": "done",
        "scored": 24998,
        "stored": 24998,
        "error_rows": 2,
        "finished_at": WHEN,
        "summary": {"rows": 25000, "scored": 24998, "error_rows": 2},
    },
    ("get", "/batches/{batch_id}/results"): {
        "batch": {**BATCH, "status": "done"},
        "units": [
            {
                "row": 2,
                "unit": {"id": "T000-V00000", "name": "第1村", "parent": "第1镇"},
                "total": "91.25",
                "grade": "four",
                "rank": 212,
                "parent_rank": 3,
                "quota": {"from_grade": "five", "to_grade": "four", "reason": "五星名额 2499 个 …", "tie": False},
            }
        ],
        "errors": [
            {
                "row": 9,
                "unit_id": "T008-V00007",
                "field": "party_lectures",
                "code": "invalid_type",
                "message": "must be a number",
            }
        ],
    },
    ("get", "/audit/verify"): {
        "records": 1200,
        "events": 37,
        "intact": True,
        "first_broken_seq": None,
        "problem": None,
    },
    ("post", "/auth/tokens"): {**TOKEN, "token": "kp_3q9Zb…"},
    ("post", "/auth/tokens/{token_id}/revoke"): {**TOKEN, "revoked_at": WHEN},
    ("post", "/users"): {"id": 7, "name": "王五", "created_at": WHEN},
    ("post", "/grants"): GRANT,
    ("post", "/grants/{grant_id}/revoke"): {**GRANT, "revoked_at": WHEN},
    ("get", "/units"): {"total": 2, "offset": 0, "limit": 100, "items": [TOWNSHIP, VILLAGE]},
    ("get", "/units/{code}"): VILLAGE,
    ("post", "/units/import"): {
        "created": 12,
        "updated": 1,
        "moved": [{"code": "cgz-hongqi", "from": "cgz", "to": "bgz"}],
        "unchanged": 40,
    },
}


def attach(schema: dict) -> None:
    """Put each operation's example on its success response."""
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            example = EXAMPLES.get((method, path))
            if example is None:
                continue
            for status, response in operation["responses"].items():
                if status.startswith("2"):
                    for media in response.setdefault("content", {"application/json": {}}).values():
                        media["example"] = example
                    break
