"""Hostile input to the governance endpoints: unit files that are not what they claim,
trees that loop or hang from nothing, names and passwords no person would type, and
periods that are not periods. Each is a 4xx problem in Chinese, never a 500, and
nothing is written."""

import io
import re
import zipfile

import pytest
from openpyxl import Workbook

from ..conftest import VILLAGE_TEXT

CHINESE = re.compile(r"[\u4e00-\u9fff]")
HEADER = "编码,名称,类型,上级编码\n"


def refused(response, status: int | tuple[int, ...] = 422) -> dict:
    """The problem document of a refusal in Chinese, each listed problem too."""
    statuses = status if isinstance(status, tuple) else (status,)
    assert response.status_code in statuses, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert CHINESE.search(problem["detail"] or ""), problem
    for item in problem.get("errors", []):
        assert CHINESE.search(item["message"]), item
    return problem


def units(service) -> int:
    return service.call("GET", "/units?limit=1", "admin").json()["total"]


def upload(service, name: str, content: bytes, kind: str = "text/csv"):
    return service.call("POST", "/units/import", "admin", files={"file": (name, content, kind)})


def xlsx(rows: list[list]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("units.csv", b"", "编码"),
        ("units.csv", "名字,级别\n红旗村,村\n".encode(), "编码"),
        ("units.csv", b"\xff\xfe\x00\x01\x80\x81" * 50, "units.csv"),
        ("units.xlsx", b"PK\x03\x04 this is no workbook", "units.xlsx"),
        ("units.xlsx", b"\x00" * 100, "units.xlsx"),
        ("units.txt", HEADER.encode(), ".csv 或 .xlsx"),
        ("units.csv", (HEADER + "new-a,甲村,城堡,cgz\n").encode(), "城堡"),
        ("units.csv", (HEADER + "new a,甲村,村,cgz\n").encode(), "new a"),
        ("units.csv", (HEADER + "a/b,甲村,村,cgz\n").encode(), "a/b"),
        ("units.csv", (HEADER + "new-a,,村,cgz\n").encode(), "名称"),
        ("units.csv", (HEADER + "new-a,甲村,村,cgz\nnew-a,乙村,村,cgz\n").encode(), "已出现在第"),
    ],
)
def test_bad_unit_files_are_refused_and_write_nothing(service, name, content, words):
    before = units(service)
    problem = refused(upload(service, name, content))
    assert words in str(problem), problem
    assert units(service) == before


def test_a_units_workbook_declaring_a_dtd_is_refused_and_writes_nothing(service):
    content = xlsx([["编码", "名称", "类型", "上级编码"], ["new-x", "新村", "村", "cgz"]])
    source, buffer = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as copy:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/workbook.xml":
                data = b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>' + data.split(b"?>", 1)[-1]
            copy.writestr(info, data)
    before = units(service)
    problem = refused(upload(service, "units.xlsx", buffer.getvalue(), "application/octet-stream"))
    assert "units.xlsx" in str(problem) and "root:" not in str(problem)
    assert units(service) == before


def test_a_bad_workbook_row_is_named_like_a_csv_row(service):
    content = xlsx([["编码", "名称", "类型", "上级编码"], ["new-x", "新村", "村", "no-such-parent"]])
    problem = refused(upload(service, "units.xlsx", content, "application/octet-stream"))
    assert problem["errors"][0]["row"] == 2 and "no-such-parent" in problem["errors"][0]["message"]


def test_a_cycle_in_the_tree_is_refused(service):
    before = units(service)
    problem = refused(upload(service, "loop.csv", (HEADER + "loop-a,甲,村,loop-b\nloop-b,乙,村,loop-a\n").encode()))
    assert "循环" in str(problem)
    moved = refused(upload(service, "loop.csv", (HEADER + "513321,东县,县,cgz\n").encode()))
    assert "循环" in str(moved)  # a county under its own township
    assert units(service) == before


def test_unknown_parents_are_listed_row_by_row(service):
    content = (HEADER + "new-a,甲村,村,nowhere\nnew-b,乙村,村,cgz\nnew-c,丙村,村,elsewhere\n").encode()
    problem = refused(upload(service, "units.csv", content))
    assert [(e["row"], "nowhere" in e["message"] or "elsewhere" in e["message"]) for e in problem["errors"]] == [
        (2, True),
        (4, True),
    ]


def test_ten_thousand_character_names_are_refused(service):
    long = "村" * 10_000
    named = refused(upload(service, "units.csv", (HEADER + f"new-a,{long},村,cgz\n").encode()))
    assert "10000 个字符" in str(named) and len(str(named)) < 2000
    refused(service.call("POST", "/users", "admin", json={"name": long}))
    refused(service.call("POST", "/grants", "admin", json={"user": long, "role": "reviewer"}))
    refused(service.call("POST", "/auth/tokens", None, json={"user": long, "password": "x" * 10}))
    refused(service.call("GET", f"/units/{'x' * 10_000}", "admin"), (404, 414, 422))


@pytest.mark.parametrize(
    "raw",
    [
        b'{"name": "\\ud800\\udc00\\ud800", "password": "long enough password"}',
        b'{"name": "lone-surrogate", "password": "\\udfff\\udfff\\udfff\\udfff\\udfff\\udfff\\udfff\\udfff"}',
    ],
)
def test_passwords_and_names_with_lone_surrogates_are_refused(service, raw):
    response = service.call("POST", "/users", "admin", content=raw, headers={"Content-Type": "application/json"})
    refused(response, (400, 422))
    sign_in = service.call(
        "POST",
        "/auth/tokens",
        None,
        content=raw.replace(b'"name"', b'"user"'),
        headers={"Content-Type": "application/json"},
    )
    refused(sign_in, (400, 422))


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"periods": ["soon"]}, "soon"),
        ({"periods": ["2025Q5"]}, "2025Q5"),
        ({"periods": ["99999"]}, "99999"),
        ({"periods": [""]}, "期间"),
        ({"periods": []}, "期间"),
        ({"periods": [True]}, "periods"),
        ({"periods": True}, "periods"),
        ({"periods": "2025"}, "periods"),
        ({"periods": [2025]}, "periods"),
        ({"periods": None}, "periods"),
        ({}, "periods"),
        ({"periods": ["2025"] * 101}, "periods"),
    ],
)
def test_publishing_for_things_that_are_not_periods(service, body, words):
    created = service.add_ruleset(VILLAGE_TEXT, periods=())
    assert created.status_code == 201
    problem = refused(service.call("POST", "/rulesets/village-branch-stars/versions/1/publish", "publisher", json=body))
    assert words in str(problem), problem
    detail = service.call("GET", "/rulesets/village-branch-stars/versions/1", "admin").json()
    assert detail["status"] == "draft" and detail["in_force_for"] == []


@pytest.mark.parametrize(
    ("path", "raw"),
    [
        ("/rulesets/village-branch-stars/versions/1/publish", b'{"periods": ["2025"], "periods": ["2026"]}'),
        ("/users", b'{"name": "\xe7\x94\xb2", "name": "\xe4\xb9\x99"}'),
        ("/grants", b'{"user": "admin-\xe6\xb5\x8b\xe8\xaf\x95", "role": "reviewer", "role": "admin"}'),
        ("/auth/tokens", b'{"user": "x", "user": "y", "password": "12345678"}'),
    ],
)
def test_duplicate_keys_are_refused(service, path, raw):
    assert service.add_ruleset(VILLAGE_TEXT, periods=()).status_code == 201
    role = None if path == "/auth/tokens" else "publisher" if "publish" in path else "admin"
    response = service.call("POST", path, role, content=raw, headers={"Content-Type": "application/json"})
    problem = refused(response, (400, 422))
    assert "不止一次" in str(problem) or "重复" in str(problem), problem


@pytest.mark.parametrize(
    "body",
    [
        {"user": "admin-测试", "role": "superuser"},
        {"user": "admin-测试", "role": "reviewer", "unit": "no-such-unit"},
        {"user": "nobody-at-all", "role": "reviewer"},
        {"user": "admin-测试", "role": ["admin"]},
        {"user": "admin-测试", "role": "reviewer", "extra": 1},
    ],
)
def test_grants_of_nothing_are_refused(service, body):
    refused(service.call("POST", "/grants", "admin", json=body), (404, 422))


@pytest.mark.parametrize("token_id", ["0", "-1", "99999999999999999999", "1.5", "abc"])
def test_revoking_tokens_and_grants_that_are_not_there(service, token_id):
    refused(service.call("POST", f"/auth/tokens/{token_id}/revoke", "admin"), (404, 422))
    refused(service.call("POST", f"/grants/{token_id}/revoke", "admin"), (404, 422))
