"""The tutorial's three tests: the digest per day after a sync, its public answers and
download, and the demo's line seeded once, audited in French."""

from sqlalchemy import select

from changes_digest import NAME
from changes_digest.models import Count, DigestRow


def test_the_digest_counts_each_synced_change_once_per_day(synced):
    with synced.sessions() as session:
        per_resource = {row.resource: row.count for row in session.scalars(select(Count))}
        per_day: dict[str, int] = {}
        for row in session.scalars(select(DigestRow)):
            per_day[row.resource] = per_day.get(row.resource, 0) + row.count
    assert per_day == per_resource and per_day["proposals"] > 0


def test_the_digest_is_public_documented_and_downloadable(bridge_host, bridge_app):
    bridge_host.call("seed_demo")
    anonymous = bridge_app.test_client()
    items = anonymous.get("/digest/").get_json()["items"]
    assert [(i["resource"], i["count"]) for i in items] == [("demo", 1)]
    assert anonymous.get("/api/v1/digest").get_json()["items"] == items
    assert "/digest" in anonymous.get("/api/v1/openapi.json").get_json()["paths"]
    assert 'href="/digest/"' in anonymous.get("/").get_data(as_text=True)  # public_links
    download = anonymous.get("/api/v1/exports/changes-digest")
    assert download.mimetype == "text/csv"
    assert download.get_data(as_text=True).splitlines()[1].endswith(";demo;1")


def test_the_demo_line_is_seeded_once_and_audited_in_french(bridge_host, client_for):
    bridge_host.call("seed_demo")
    bridge_host.call("seed_demo")  # a second demo seeding keeps the one line
    with bridge_host.context(NAME).sessions() as session:
        assert [(r.resource, r.count) for r in session.scalars(select(DigestRow))] == [("demo", 1)]
    audit = client_for("admin").get("/admin/audit").get_data(as_text=True)
    assert audit.count("a amorcé le résumé des changements") == 1
