"""Who acted is shown with Chinese role titles on the pages, though stored (and hashed
into the audit chain) with role ids."""

from api.auth import readable_label as actor_label
from tests.conftest import village_submission


def test_a_stored_label_reads_with_role_titles_and_other_text_is_left_alone():
    assert actor_label("张三 (reviewer/submitter)") == "张三 (审核员、填报员)"
    assert actor_label("批量导入 (batch 12)") == "批量导入 (batch 12)"
    assert actor_label(None) == ""


def test_the_score_page_names_the_submitter_with_the_role_title(village_service):
    scores = "/rulesets/village-branch-stars/scores"
    created = village_service.call("POST", scores, "submitter", json=village_submission())
    assert created.status_code == 201, created.text
    page = village_service.client.get(f"/ui/scores/{created.json()['id']}", headers=village_service.headers("auditor"))
    assert page.status_code == 200
    assert " (填报员)" in page.text and "(submitter)" not in page.text
