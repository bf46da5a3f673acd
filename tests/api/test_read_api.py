"""The read API, as a consumer sees it: JSON lists with cursors, filters, problems."""

import pytest


def walk(client, url: str) -> list[dict]:
    """Every item of a list endpoint, following `next`."""
    items, cursor = [], None
    while True:
        sep = "&" if "?" in url else "?"
        page = client.get(url + (f"{sep}cursor={cursor}" if cursor else "")).get_json()
        items += page["items"]
        cursor = page["next"]
        if cursor is None:
            return items


def test_health(client):
    assert client.get("/healthz").get_json() == {"status": "ok", "database": "ok"}


def test_instances_never_show_credentials(client):
    body = client.get("/api/v1/instances").get_json()
    [ivry] = body["items"]
    assert ivry["name"] == "ivry" and ivry["query_set"] == "0.28"
    assert ivry["schedule"] == {"interval_minutes": 60, "cron": None}
    assert "api_key" not in ivry and "api_secret" not in ivry
    assert "secret-456" not in str(ivry) and "key-123" not in str(ivry)


def test_processes_with_steps_and_detail(client):
    items = client.get("/api/v1/processes?instance=ivry").get_json()["items"]
    titles = [p["title"]["fr"] for p in items]
    assert "Pour le climat, à Ivry, on agit !" in titles
    climat = next(p for p in items if p["slug"] == "pour-le-climat")
    assert climat["instance"] == "ivry" and climat["remote_id"]
    assert [s["title"]["fr"] for s in climat["steps"]][0] == "Caravane citoyenne"
    detail = client.get(f"/api/v1/processes/{climat['id']}").get_json()
    assert detail["counts"]["proposals"] == 120
    assert {c["manifest"] for c in detail["components"]} >= {"Proposals", "Meetings", "Budgets"}
    assert len(detail["categories"]) == 6


def test_proposals_follow_the_contract(client, synced):
    _, world = synced
    items = walk(client, "/api/v1/proposals?limit=37")
    assert len(items) == world.count("proposal")
    assert len({i["id"] for i in items}) == len(items)
    first = items[0]
    for key in (
        "id",
        "remote_id",
        "instance",
        "title",
        "body",
        "state",
        "vote_count",
        "published_at",
        "remote_updated_at",
        "process",
        "removed_at",
    ):
        assert key in first, key
    assert isinstance(first["remote_id"], str) and first["removed_at"] is None
    assert set(first["title"]) == {"fr", "en"}
    assert first["published_at"].endswith("+00:00")


@pytest.mark.parametrize(
    ("query", "check"),
    [
        ("state=accepted", lambda p: p["state"] == "accepted"),
        ("state=none", lambda p: p["state"] is None),
        ("scope=2", lambda p: p["scope_remote_id"] == "2"),
        ("q=arbres", lambda p: "arbres" in p["title"]["fr"].lower()),
        ("q=V%C3%89G%C3%89TALISER", lambda p: "végétaliser" in p["title"]["fr"].lower()),
    ],
)
def test_proposal_filters(client, query, check):
    items = walk(client, f"/api/v1/proposals?{query}&limit=500")
    assert items and all(check(p) for p in items)


def test_filter_by_process_and_category(client):
    climat = next(
        p
        for p in client.get("/api/v1/processes").get_json()["items"]
        if p["slug"] == "pour-le-climat"
    )
    items = walk(client, f"/api/v1/proposals?process={climat['id']}&limit=500")
    assert len(items) == 120
    category = items[0]["category_remote_id"]
    same = walk(client, f"/api/v1/proposals?category={category}&limit=500")
    assert same and all(p["category_remote_id"] == category for p in same)


def test_removed_records_are_hidden_unless_asked(client, synced):
    _, world = synced
    visible = walk(client, "/api/v1/meetings")
    everything = walk(client, "/api/v1/meetings?include_removed=true")
    assert len(visible) == world.count("meeting") == len(everything) - 1
    gone = [m for m in everything if m["removed_at"]]
    assert [m["remote_id"] for m in gone] == ["1"]


def test_budgets_projects_results(client):
    budgets = walk(client, "/api/v1/budgets")
    follow_up = next(b for b in budgets if b["total_budget"] == 700000)
    projects = walk(client, f"/api/v1/projects?budget={follow_up['id']}")
    assert sum(p["budget_amount"] for p in projects if p["selected"]) == 625000
    selected = walk(client, "/api/v1/projects?selected=true")
    assert selected and all(p["selected"] for p in selected)
    roots = walk(client, "/api/v1/results?root=true")
    children = walk(client, f"/api/v1/results?parent={roots[0]['remote_id']}")
    assert len(children) == 2 and all(
        c["parent_remote_id"] == roots[0]["remote_id"] for c in children
    )
    done = walk(client, "/api/v1/results?status=realise")
    assert done and all(r["status_key"] == "realise" for r in done)


def test_sync_runs_newest_first_with_counts(client):
    runs = client.get("/api/v1/sync-runs?instance=ivry").get_json()["items"]
    assert [r["status"] for r in runs] == ["succeeded", "succeeded"]
    latest = runs[0]
    assert latest["id"] > runs[1]["id"]
    assert latest["counts"] == {
        "created": 0,
        "updated": 1,
        "unchanged": latest["counts"]["unchanged"],
        "removed": 1,
    }
    assert latest["requests"] > 0 and latest["finished_at"] >= latest["started_at"]
    one = client.get(f"/api/v1/sync-runs/{latest['id']}").get_json()
    assert one == latest


def test_change_feed(client):
    runs = client.get("/api/v1/sync-runs?instance=ivry").get_json()["items"]
    changes = walk(client, f"/api/v1/changes?run={runs[0]['id']}")
    kinds = sorted((c["resource"], c["kind"], c["field"]) for c in changes)
    assert kinds == [
        ("meetings", "removed", "removed_at"),
        ("proposals", "updated", "remote_updated_at"),
        ("proposals", "updated", "vote_count"),
    ]
    vote = next(c for c in changes if c["field"] == "vote_count")
    assert vote["new"] == vote["old"] + 1
    ascending = walk(client, "/api/v1/changes?order=asc&limit=100")
    assert [c["id"] for c in ascending] == sorted(c["id"] for c in ascending)


@pytest.mark.parametrize(
    ("url", "status", "parameter"),
    [
        ("/api/v1/proposals?limit=abc", 400, "limit"),
        ("/api/v1/proposals?limit=0", 400, "limit"),
        ("/api/v1/proposals?cursor=%%%", 400, "cursor"),
        ("/api/v1/proposals?instance=nowhere", 404, "instance"),
        ("/api/v1/proposals?withdrawn=maybe", 400, "withdrawn"),
        ("/api/v1/proposals?updated_since=yesterday", 400, "updated_since"),
        ("/api/v1/changes?order=up", 400, "order"),
    ],
)
def test_bad_input_is_a_problem_naming_the_parameter(client, url, status, parameter):
    response = client.get(url)
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == status and body["parameter"] == parameter and body["detail"]


def test_unknown_paths_and_ids_are_problems(client):
    for url in ("/api/v1/nothing", "/api/v1/processes/999999", "/api/v1/sync-runs/999999"):
        response = client.get(url)
        assert response.status_code == 404
        assert response.mimetype == "application/problem+json"
    assert client.post("/api/v1/proposals").status_code == 405


def test_openapi_document_describes_every_route(client):
    """Every route and method under /api/v1, the plugins' too, is in the document (the test
    kit's check, `bridge.testing.checks.undocumented_routes`)."""
    from bridge.testing.checks import undocumented_routes

    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.1")
    assert undocumented_routes(client.application) == []
    proposal = spec["components"]["schemas"]["Proposal"]["properties"]
    assert {"remote_id", "vote_count", "process", "removed_at"} <= set(proposal)
