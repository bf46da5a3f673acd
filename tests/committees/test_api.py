"""The committees' read API: paged lists in the OpenAPI document, public committees only, and
never a member's contact."""

from __future__ import annotations

from bridge.testing.checks import undocumented_routes
from tests.committees.workflow import CONTACTS, build, post


def test_the_lists_are_paged_documented_and_hold_no_contact(
    bridge_app, client_for, api_for, sessions
):
    admin = client_for("admin")
    ids = build(admin, sessions)
    assert undocumented_routes(bridge_app, "/api/v1/committees") == []
    api = api_for("viewer")
    committees = api.get("/api/v1/committees/").get_json()
    [committee] = committees["items"]
    assert {m["name"] for m in committee["members"]} == {"Awa Diallo", "Jeanne Martin"}
    meetings = api.get("/api/v1/committees/meetings?limit=1").get_json()
    assert len(meetings["items"]) == 1 and meetings["next"] is None
    decisions = api.get("/api/v1/committees/decisions").get_json()["items"]
    assert decisions[0]["votes"] == {"for": 2, "against": 0, "abstain": 0}
    actions = api.get("/api/v1/committees/action-items").get_json()["items"]
    assert actions[0]["owner"] == "Awa Diallo" and actions[0]["progress"] == 40
    everything = str([committees, meetings, decisions, actions])
    assert not any(value in everything for value in CONTACTS.values())
    assert api.get("/api/v1/committees/meetings?limit=0").status_code == 400
    post(admin, f"/admin/committees/{ids['committee']}/edit", {"name": "Comité privé"})
    assert api.get("/api/v1/committees/").get_json()["items"] == []
    assert api.get("/api/v1/committees/action-items").get_json()["items"] == []
