"""The change feed's search box, on both databases: a word of the changed record's title in any
language and case, the kind of record in French or English, or Decidim's id; with the kind
filter and the paging link keeping the search."""

from __future__ import annotations

from sqlalchemy import select

from bridge.store.models import Change, Instance, Space
from bridge.timeutil import utcnow


def seed(sessions) -> None:
    now = utcnow()
    with sessions() as session:
        instance = session.scalar(select(Instance))
        for n, (kind, title) in enumerate(
            [
                ("participatory_process", {"fr": "Budget participatif", "en": "Citizen budget"}),
                ("assembly", {"fr": "Conseil des jeunes Élus", "en": "Youth council"}),
            ],
            start=1,
        ):
            space = Space(
                instance_id=instance.id,
                remote_id=f"7{n}",
                fingerprint="f",
                first_seen_at=now,
                last_seen_at=now,
                space_type=kind,
                title=title,
                steps=[],
            )
            session.add(space)
            session.flush()
            session.add(
                Change(
                    instance_id=instance.id,
                    resource="spaces",
                    record_id=space.id,
                    remote_id=space.remote_id,
                    kind="created",
                    changed_at=now,
                )
            )
        for n in range(60):
            session.add(
                Change(
                    instance_id=instance.id,
                    resource="proposals",
                    record_id=1000 + n,
                    remote_id=f"{500 + n}",
                    kind="created",
                    changed_at=now,
                )
            )
        session.commit()


def rows(client, query: str) -> list[str]:
    page = client.get(f"/admin/instances/ivry/changes?{query}").get_data(as_text=True)
    return [row.split("</tr>")[0] for row in page.split('<tr class="change')[1:]]


def test_the_change_feed_is_searched_by_title_kind_and_decidim_id(client_for, sessions):
    seed(sessions)
    client = client_for("viewer")
    assert len(rows(client, "")) == 50
    found = rows(client, "q=%C3%A9LUS")  # "éLUS": case folded
    assert len(found) == 1 and "Conseil des jeunes Élus" in found[0]
    assert len(rows(client, "q=youth")) == 1  # the English title
    assert len(rows(client, "q=espace")) == 2  # the kind, in French ("espace")
    assert len(rows(client, "q=spaces&resource=proposals")) == 0  # with the filter
    assert len(rows(client, "q=72")) == 1  # Decidim's id
    assert len(rows(client, "q=budget")) == 1
    page = client.get("/admin/instances/ivry/changes?q=proposition").get_data(as_text=True)
    assert 'value="proposition"' in page and "q=proposition&amp;before=" in page
    assert rows(client, "q=rien+de+tel") == []
