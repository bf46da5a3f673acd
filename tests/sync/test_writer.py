"""Writing a batch: new rows inserted, changed rows updated with a change per field, unchanged
rows not written at all; records fingerprinted as Decidim sent them are not even normalised.
Runs on SQLite and PostgreSQL."""

import json
from datetime import datetime

import pytest
from sqlalchemy import event, select, update

from bridge.store.models import Change, Component, Instance, Proposal
from bridge.sync import normalise
from bridge.sync.writer import fingerprint, raw_fingerprint, write_batch, write_nodes
from tests.sync.seeding import run_and_component

NOW = datetime(2026, 11, 24, 12, 0, 0)
LATER = datetime(2026, 11, 24, 13, 0, 0)


@pytest.fixture
def setup(sessions):
    with sessions() as session:
        instance = Instance(name="ivry", base_url="http://x", created_at=NOW, updated_at=NOW)
        session.add(instance)
        session.flush()
        run_id, place = run_and_component(session, instance.id, NOW)
        return instance.id, run_id, place


def proposal_row(rid: str, title: str, votes: int, place: dict) -> dict:
    return {
        "remote_id": rid,
        "title": {"fr": title, "en": title},
        "vote_count": votes,
        "state": None,
        "withdrawn": False,
        "remote_updated_at": NOW,
        **place,
    }


def write(sessions, rows, instance_id, run_id, now=NOW):
    with sessions() as session:
        statements = []
        event.listen(
            session.get_bind(), "before_cursor_execute", lambda *args: statements.append(args[2])
        )
        written = write_batch(
            session,
            Proposal.__table__,
            rows,
            instance_id=instance_id,
            run_id=run_id,
            now=now,
            resource="proposals",
        )
        session.commit()
        return written, statements


def test_new_rows_are_created_and_logged(sessions, setup):
    instance_id, run_id, place = setup
    rows = [proposal_row("1", "Plus d'arbres", 3, place), proposal_row("2", "Pistes", 0, place)]
    written, _ = write(sessions, rows, instance_id, run_id)
    assert sorted(written.created) == ["1", "2"] and not written.updated
    with sessions() as session:
        stored = session.scalars(select(Proposal).order_by(Proposal.remote_id)).all()
        assert [p.title["fr"] for p in stored] == ["Plus d'arbres", "Pistes"]
        assert stored[0].first_seen_at == NOW and stored[0].removed_at is None
        kinds = session.scalars(select(Change.kind)).all()
    assert kinds == ["created", "created"]


def test_unchanged_rows_cost_no_write(sessions, setup):
    instance_id, run_id, place = setup
    rows = [proposal_row("1", "Plus d'arbres", 3, place)]
    write(sessions, rows, instance_id, run_id)
    written, statements = write(sessions, rows, instance_id, run_id, now=LATER)
    assert written.unchanged == ["1"] and not written.created and not written.updated
    assert all(s.lstrip().upper().startswith("SELECT") for s in statements), statements


def test_a_changed_field_is_updated_with_old_and_new_values(sessions, setup):
    instance_id, run_id, place = setup
    write(sessions, [proposal_row("1", "Plus d'arbres", 3, place)], instance_id, run_id)
    written, _ = write(
        sessions, [proposal_row("1", "Plus d'arbres", 7, place)], instance_id, run_id, now=LATER
    )
    assert written.updated == ["1"]
    with sessions() as session:
        stored = session.scalar(select(Proposal))
        assert stored.vote_count == 7
        assert stored.first_seen_at == NOW and stored.last_seen_at == LATER
        change = session.scalar(select(Change).where(Change.kind == "updated"))
    assert (change.field, change.old, change.new) == ("vote_count", 3, 7)


def test_a_repeated_item_in_one_batch_is_written_once(sessions, setup):
    instance_id, run_id, place = setup
    rows = [proposal_row("1", "A", 1, place), proposal_row("1", "A", 1, place)]
    written, _ = write(sessions, rows, instance_id, run_id)
    assert written.created == ["1"]
    with sessions() as session:
        assert len(session.scalars(select(Proposal)).all()) == 1


def test_fingerprint_depends_on_content_only():
    a = {"remote_id": "1", "title": {"fr": "x"}, "remote_updated_at": NOW}
    assert fingerprint(a) == fingerprint(dict(reversed(list(a.items()))))
    assert fingerprint(a) != fingerprint({**a, "title": {"fr": "y"}})


# -- records fingerprinted as Decidim sent them (write_nodes) ---------------------------------


def proposal_node(rid: str, title: str, votes: int, **more) -> dict:
    """A proposal as Decidim's API answers it (the fields normalise.proposal reads)."""
    return {
        "id": rid,
        "title": {"translations": [{"locale": "fr", "text": title}]},
        "state": None,
        "withdrawn": False,
        "updatedAt": "2026-11-24T13:00:00+01:00",
        "voteCount": votes,
        **more,
    }


class CountingNormaliser:
    """normalise.proposal, counting the nodes it is given."""

    def __init__(self):
        self.calls: list[str] = []

    def __call__(self, node: dict) -> dict:
        self.calls.append(node["id"])
        return normalise.proposal(node)


def write_raw(sessions, nodes, instance_id, run_id, place, normaliser, now=NOW):
    with sessions() as session:
        statements = []
        event.listen(
            session.get_bind(), "before_cursor_execute", lambda *args: statements.append(args[2])
        )
        written = write_nodes(
            session,
            Proposal.__table__,
            [(node, place) for node in nodes],
            normaliser,
            normalise.PROPOSAL_SOURCES,
            instance_id=instance_id,
            run_id=run_id,
            now=now,
            resource="proposals",
        )
        session.commit()
        return written, statements


def stored_changes(sessions) -> list[tuple]:
    with sessions() as session:
        rows = session.execute(
            select(Change.remote_id, Change.kind, Change.field, Change.old, Change.new).order_by(
                Change.id
            )
        )
        return [tuple(row) for row in rows]


def test_the_same_raw_node_is_neither_normalised_nor_written(sessions, setup):
    instance_id, run_id, place = setup
    nodes = [proposal_node("1", "Plus d'arbres", 3), proposal_node("2", "Pistes", 0)]
    normaliser = CountingNormaliser()
    written, _ = write_raw(sessions, nodes, instance_id, run_id, place, normaliser)
    assert sorted(written.created) == ["1", "2"] and sorted(normaliser.calls) == ["1", "2"]
    normaliser.calls.clear()
    written, statements = write_raw(sessions, nodes, instance_id, run_id, place, normaliser, LATER)
    assert normaliser.calls == []
    assert sorted(written.unchanged) == ["1", "2"] and not written.normalised
    assert sorted(written.ids) == ["1", "2"]
    assert all(s.lstrip().upper().startswith("SELECT") for s in statements), statements
    assert [kind for _, kind, *_ in stored_changes(sessions)] == ["created", "created"]


def test_a_changed_raw_node_is_normalised_again_and_its_changed_field_logged(sessions, setup):
    instance_id, run_id, place = setup
    normaliser = CountingNormaliser()
    nodes = [proposal_node("1", "Plus d'arbres", 3), proposal_node("2", "Pistes", 0)]
    write_raw(sessions, nodes, instance_id, run_id, place, normaliser)
    normaliser.calls.clear()
    nodes[0] = proposal_node("1", "Plus d'arbres", 7)
    written, _ = write_raw(sessions, nodes, instance_id, run_id, place, normaliser, LATER)
    assert normaliser.calls == ["1"]
    assert written.updated == ["1"] and written.unchanged == ["2"]
    assert stored_changes(sessions)[-1] == ("1", "updated", "vote_count", 3, 7)
    with sessions() as session:
        stored = session.scalar(select(Proposal).where(Proposal.remote_id == "1"))
        assert stored.vote_count == 7 and stored.last_seen_at == LATER


def test_a_raw_change_in_a_field_we_do_not_keep_logs_nothing_and_is_fingerprinted_once(
    sessions, setup
):
    instance_id, run_id, place = setup
    normaliser = CountingNormaliser()
    write_raw(sessions, [proposal_node("1", "A", 3)], instance_id, run_id, place, normaliser)
    before = stored_changes(sessions)
    node = proposal_node("1", "A", 3, followersCount=12)  # asked, not stored
    normaliser.calls.clear()
    written, _ = write_raw(sessions, [node], instance_id, run_id, place, normaliser, LATER)
    assert normaliser.calls == ["1"]
    assert written.unchanged == ["1"] and not written.updated and written.normalised == ["1"]
    assert stored_changes(sessions) == before
    normaliser.calls.clear()
    written, statements = write_raw(sessions, [node], instance_id, run_id, place, normaliser)
    assert normaliser.calls == [] and written.unchanged == ["1"]
    assert all(s.lstrip().upper().startswith("SELECT") for s in statements), statements


def test_a_new_normaliser_version_normalises_every_record_once(sessions, setup, monkeypatch):
    instance_id, run_id, place = setup
    normaliser = CountingNormaliser()
    nodes = [proposal_node(str(i), f"Proposition {i}", i) for i in range(1, 6)]
    write_raw(sessions, nodes, instance_id, run_id, place, normaliser)
    before = stored_changes(sessions)
    monkeypatch.setattr(normalise, "VERSION", normalise.VERSION + 1)
    normaliser.calls.clear()
    written, _ = write_raw(sessions, nodes, instance_id, run_id, place, normaliser, LATER)
    assert sorted(normaliser.calls) == ["1", "2", "3", "4", "5"]
    assert len(written.unchanged) == 5 and not written.updated and not written.created
    assert stored_changes(sessions) == before, "the same values: nothing to log"
    normaliser.calls.clear()
    written, statements = write_raw(sessions, nodes, instance_id, run_id, place, normaliser)
    assert normaliser.calls == [] and len(written.unchanged) == 5
    assert all(s.lstrip().upper().startswith("SELECT") for s in statements), statements


def test_a_new_normaliser_version_logs_the_values_it_changes(sessions, setup, monkeypatch):
    """A normalising fixed in a new version: records Decidim did not touch get the new values,
    each changed field logged once."""
    instance_id, run_id, place = setup
    # Decidim tells the address (null): a column it did not tell would be kept as stored.
    nodes = [proposal_node("1", "A", 3, address=None), proposal_node("2", "B", 4, address=None)]
    write_raw(sessions, nodes, instance_id, run_id, place, normalise.proposal)

    def fixed(node: dict) -> dict:
        return {**normalise.proposal(node), "address": f"rue {node['id']}"}

    monkeypatch.setattr(normalise, "VERSION", normalise.VERSION + 1)
    written, _ = write_raw(sessions, nodes, instance_id, run_id, place, fixed, LATER)
    assert sorted(written.updated) == ["1", "2"]
    assert sorted(stored_changes(sessions)[-2:]) == [
        ("1", "updated", "address", None, "rue 1"),
        ("2", "updated", "address", None, "rue 2"),
    ]


def test_where_a_record_is_placed_is_part_of_its_fingerprint(sessions, setup):
    instance_id, run_id, place = setup
    node = proposal_node("1", "A", 3)
    write_raw(sessions, [node], instance_id, run_id, place, normalise.proposal)
    with sessions() as session:
        other = Component(
            instance_id=instance_id,
            remote_id="11",
            space_id=place["space_id"],
            manifest="Proposals",
            name={"fr": "Autres propositions"},
            fingerprint="x",
            first_seen_at=NOW,
            last_seen_at=NOW,
        )
        session.add(other)
        session.commit()
        moved = {**place, "component_id": other.id}
    normaliser = CountingNormaliser()
    written, _ = write_raw(sessions, [node], instance_id, run_id, moved, normaliser, LATER)
    assert normaliser.calls == ["1"] and written.updated == ["1"]
    assert stored_changes(sessions)[-1] == (
        "1",
        "updated",
        "component_id",
        place["component_id"],
        moved["component_id"],
    )


def test_a_removed_record_seen_again_unchanged_is_restored_and_logged(sessions, setup):
    instance_id, run_id, place = setup
    node = proposal_node("1", "A", 3)
    write_raw(sessions, [node], instance_id, run_id, place, normalise.proposal)
    with sessions() as session:
        session.execute(update(Proposal).values(removed_at=NOW))
        session.commit()
    normaliser = CountingNormaliser()
    written, _ = write_raw(sessions, [node], instance_id, run_id, place, normaliser, LATER)
    assert normaliser.calls == [] and written.unchanged == ["1"]
    assert stored_changes(sessions)[-1][:2] == ("1", "restored")
    with sessions() as session:
        assert session.scalar(select(Proposal.removed_at)) is None


def test_raw_fingerprint_covers_the_node_its_place_and_the_version(monkeypatch):
    node, place = proposal_node("1", "A", 3), {"component_id": 1, "space_id": 2}
    assert raw_fingerprint(node, place) == raw_fingerprint(json.loads(json.dumps(node)), place)
    assert raw_fingerprint(node, place) != raw_fingerprint(proposal_node("1", "A", 4), place)
    assert raw_fingerprint(node, place) != raw_fingerprint(node, {**place, "space_id": 3})
    first = raw_fingerprint(node, place)
    monkeypatch.setattr(normalise, "VERSION", normalise.VERSION + 1)
    assert raw_fingerprint(node, place) != first


def test_raw_fingerprint_takes_what_orjson_cannot_encode():
    node, place = proposal_node("1", "A", 3), {"component_id": 1, "space_id": 2}
    big = {**node, "voteCount": 2**70}  # only the standard decoder lets such a number through
    assert raw_fingerprint(big, place) != raw_fingerprint(node, place)
    assert raw_fingerprint(big, place) == raw_fingerprint(dict(big), place)


# -- a field the server no longer answers (schema drift) --------------------------------------


def stored_proposal(sessions, rid: str) -> Proposal:
    with sessions() as session:
        return session.scalar(select(Proposal).where(Proposal.remote_id == rid))


def test_a_field_no_longer_answered_keeps_its_stored_value(sessions, setup):
    instance_id, run_id, place = setup
    told = proposal_node("1", "A", 3, official=True, address="1 rue de la Paix")
    write_raw(sessions, [told], instance_id, run_id, place, normalise.proposal)
    # The server lost `official` and `address` (the key is absent, not null); votes moved.
    untold = proposal_node("1", "A", 4)
    new = proposal_node("2", "B", 0)  # first seen without them: what the normaliser gives
    written, _ = write_raw(sessions, [untold, new], instance_id, run_id, place, normalise.proposal)
    assert written.updated == ["1"] and written.created == ["2"]
    changed = [(rid, kind, column) for rid, kind, column, *_ in stored_changes(sessions)]
    assert ("1", "updated", "vote_count") in changed
    assert not [c for c in changed if c[2] in ("official", "address")]
    kept, created = stored_proposal(sessions, "1"), stored_proposal(sessions, "2")
    assert (kept.official, kept.address, kept.vote_count) == (True, "1 rue de la Paix", 4)
    assert (created.official, created.address) == (None, None)


def test_a_field_answered_null_is_a_null(sessions, setup):
    instance_id, run_id, place = setup
    told = proposal_node("1", "A", 3, official=True, address="1 rue de la Paix")
    write_raw(sessions, [told], instance_id, run_id, place, normalise.proposal)
    nulled = proposal_node("1", "A", 3, official=None, address=None)
    written, _ = write_raw(sessions, [nulled], instance_id, run_id, place, normalise.proposal)
    assert written.updated == ["1"]
    assert stored_changes(sessions)[-2:] == [
        ("1", "updated", "official", True, None),
        ("1", "updated", "address", "1 rue de la Paix", None),
    ]
    kept = stored_proposal(sessions, "1")
    assert (kept.official, kept.address) == (None, None)


def test_a_batch_row_keeps_the_stored_value_of_the_columns_it_was_not_told(sessions, setup):
    instance_id, run_id, place = setup
    write(sessions, [proposal_row("1", "A", 1, place)], instance_id, run_id)
    row = {**proposal_row("1", "B", 1, place), "vote_count": None}
    with sessions() as session:
        written = write_batch(
            session,
            Proposal.__table__,
            [row],
            instance_id=instance_id,
            run_id=run_id,
            now=LATER,
            resource="proposals",
            untold=[frozenset({"vote_count"})],
        )
        session.commit()
    assert written.updated == ["1"]
    assert [c[2] for c in stored_changes(sessions) if c[1] == "updated"] == ["title"]
    assert stored_proposal(sessions, "1").vote_count == 1
