"""Writing a batch: new rows inserted, changed rows updated with a change per field, unchanged
rows not written at all. Runs on SQLite and PostgreSQL."""

from datetime import datetime

import pytest
from sqlalchemy import event, select

from bridge.store.models import Change, Instance, Proposal, SyncRun
from bridge.sync.writer import fingerprint, write_batch

NOW = datetime(2026, 11, 24, 12, 0, 0)
LATER = datetime(2026, 11, 24, 13, 0, 0)


@pytest.fixture
def setup(sessions):
    with sessions() as session:
        instance = Instance(name="ivry", base_url="http://x", created_at=NOW, updated_at=NOW)
        session.add(instance)
        session.flush()
        run = SyncRun(instance_id=instance.id, started_at=NOW, warnings=[], progress={})
        session.add(run)
        session.flush()
        from bridge.store.models import Component, Space

        space = Space(
            instance_id=instance.id,
            remote_id="1",
            space_type="participatory_process",
            title={"fr": "Climat"},
            fingerprint="x",
            first_seen_at=NOW,
            last_seen_at=NOW,
            steps=[],
        )
        session.add(space)
        session.flush()
        component = Component(
            instance_id=instance.id,
            remote_id="10",
            space_id=space.id,
            manifest="Proposals",
            name={"fr": "Propositions"},
            fingerprint="x",
            first_seen_at=NOW,
            last_seen_at=NOW,
        )
        session.add(component)
        session.commit()
        return instance.id, run.id, {"component_id": component.id, "space_id": space.id}


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
