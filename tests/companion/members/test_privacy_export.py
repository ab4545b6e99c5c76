"""A member's own data export holds their change projects, check-ins and "did you meet?" answers."""

from __future__ import annotations

from companion.members.privacy import export_member_data
from tests.support.reports import seed_answers_and_projects, seed_report_network


def test_the_export_holds_the_members_vorhaben_check_ins_and_answers(store):
    ids = seed_report_network(store)
    seed_answers_and_projects(store, ids)
    with store.session() as session:
        data = export_member_data(session, ids["a1"])
    assert [project["what"] for project in data["change_projects"]] == ["Vorhaben"]
    assert sorted(check_in["confidence"] for check_in in data["check_ins"]) == [4, 5]
    assert [(answer["colleague"], answer["status"]) for answer in data["did_you_meet"]] == [("usera2", "met")]
