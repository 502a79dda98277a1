"""Public notices of a generated county (docs/notices.md): posting a notice of a batch of
N villages, reading it with each unit's finality, and writing it as Word and PDF, on
SQLite in process; the figures and the time per listed unit.

    python bench/notices.py [--villages 5000] [--townships 40]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

os.environ.setdefault("KAOPING_TEST_POSTGRES", "off")
from bench.generate import write_county  # noqa: E402
from tests.conftest import VILLAGE_TEXT, import_units, make_token  # noqa: E402


def timed(what: str, count: int, call):
    began = time.perf_counter()
    response = call()
    seconds = time.perf_counter() - began
    assert response.status_code in (200, 201), response.text[:300]
    print(f"{what:<28} {seconds * 1000:9.1f} ms  {seconds * 1e6 / count:8.1f} µs a unit")
    return response


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--villages", type=int, default=5000)
    parser.add_argument("--townships", type=int, default=40)
    args = parser.parse_args()
    from fastapi.testclient import TestClient

    from api.app import create_app
    from api.settings import Settings

    with tempfile.TemporaryDirectory() as folder:
        csv_path, _, units_path = write_county(Path(folder) / "county", args.villages, args.townships)
        app = create_app(Settings(data_dir=Path(folder) / "data"))
        import_units(app.state.sessions, units_path)
        admin = {"Authorization": f"Bearer {make_token(app.state.sessions, 'bench', 'admin')}"}
        publisher = {"Authorization": f"Bearer {make_token(app.state.sessions, 'publisher', 'admin')}"}
        with TestClient(app) as client:
            assert client.post("/rulesets", content=VILLAGE_TEXT.encode(), headers=admin).status_code == 201
            body = {"periods": ["2025"]}
            client.post("/rulesets/village-branch-stars/versions/1/publish", json=body, headers=publisher)
            with csv_path.open("rb") as handle:
                files = {"file": (csv_path.name, handle, "text/csv")}
                batch = client.post(
                    "/rulesets/village-branch-stars/batches?period=2025&unit=county", files=files, headers=admin
                ).json()["id"]
            while client.get(f"/batches/{batch}", headers=admin).json()["status"] != "done":
                time.sleep(0.5)
            texts = {"title": "关于2025年度村党组织星级评定结果的公示", "issuer": "中共示范县委组织部"}
            texts |= {"contact": "电话 0836-1234567", "text": "现予公示。", "opens": "2025-12-08", "working_days": 5}
            posted = timed(
                "POST /notices",
                args.villages,
                lambda: client.post("/notices", json={**texts, "batch": batch}, headers=admin),
            )
            listed = len(posted.json()["units"])
            notice = posted.json()["id"]
            print(f"{listed} units listed of {args.villages} villages (a batch's error rows are not listed)")
            timed("GET /notices/{id}", listed, lambda: client.get(f"/notices/{notice}", headers=admin))
            for form in ("docx", "pdf"):
                url = f"/notices/{notice}/document/{form}"
                got = timed(f"GET …/document/{form}", listed, lambda url=url: client.get(url, headers=admin))
                print(f"{'':<28} {len(got.content) / 1024:9.0f} KiB")
        app.state.batches.stop()


if __name__ == "__main__":
    main()
