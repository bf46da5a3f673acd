"""Capabilities learnt from the server, and a sync that survives a field renamed between two
syncs, over real HTTP against the stand-in."""

from __future__ import annotations

from sqlalchemy import select

from bridge.store import models
from bridge.store.models import Instance
from bridge.sync.engine import SyncEngine
from simulator.testing import running_simulator
from tests.sync.test_engine import SETTINGS, add_instance, count


def instance(sessions) -> Instance:
    with sessions() as session:
        return session.scalar(select(Instance))


def timelines(sessions) -> dict[str, list]:
    with sessions() as session:
        return dict(session.execute(select(models.Result.remote_id, models.Result.timeline)).all())


def test_a_first_sync_spends_one_request_more_than_the_next(sessions):
    with running_simulator(version="0.31") as sim:
        add_instance(sessions, sim.url)
        engine = SyncEngine(sessions, SETTINGS)
        first = engine.run("ivry")
        again = engine.run("ivry")
    assert first.status == again.status == "succeeded"
    # The probe of capabilities; the version comes with the organization, asked by every sync.
    assert first.requests - again.requests == 1
    assert instance(sessions).capabilities["missing"]
    assert "Proposal.likesCount" not in instance(sessions).capabilities["missing"]


def test_a_field_renamed_between_two_syncs_is_followed(sessions):
    with running_simulator(version="0.30") as sim:
        add_instance(sessions, sim.url)
        engine = SyncEngine(sessions, SETTINGS)
        assert engine.run("ivry").status == "succeeded"
        before = timelines(sessions)
        assert any(before.values())
        # The city upgrades Decidim: timeline entries are now milestones.
        sim.app.rename({"Result.timelineEntries": "milestones"})
        calls = sim.stats["api"]
        run = engine.run("ivry")
        assert run.status == "succeeded", run.error
        drift = [w for w in run.warnings if "API changed" in w]
        assert len(drift) == 1
        assert "no longer offers Result.timelineEntries" in drift[0]
        assert "now offers Result.milestones" in drift[0]
        assert timelines(sessions) == before  # read under the new name, nothing lost
        assert run.updated == 0 and run.removed == 0
        missing = instance(sessions).capabilities["missing"]
        assert "Result.timelineEntries" in missing and "Result.milestones" not in missing
        asked = sim.stats["api"] - calls
        # The next sync asks the new name straight away: no error, no probe, no warning.
        calls = sim.stats["api"]
        quiet = engine.run("ivry")
        assert quiet.status == "succeeded" and quiet.warnings == []
        assert sim.stats["api"] - calls == asked - 2  # the failed page and the probe


def test_an_essential_field_lost_fails_only_its_components(sessions):
    with running_simulator(version="0.28") as sim:
        add_instance(sessions, sim.url)
        engine = SyncEngine(sessions, SETTINGS)
        assert engine.run("ivry").status == "succeeded"
        proposals, meetings = count(sessions, models.Proposal), count(sessions, models.Meeting)
        sim.app.rename({"Proposal.title": "heading"})
        sim.world.edit("meeting", next(iter(sim.world.records["meeting"])), closed=True)
        run = engine.run("ivry")
    assert run.status == "succeeded", run.error
    failed = [w for w in run.warnings if "not read" in w]
    assert failed and all("(proposals)" in w and "Proposal.title" in w for w in failed)
    assert count(sessions, models.Proposal) == proposals  # kept, not marked removed
    assert count(sessions, models.Meeting) == meetings and run.updated >= 1  # the rest synced


def test_results_keep_the_proposals_they_come_from_where_decidim_says(sessions):
    with running_simulator(version="0.31") as sim:
        add_instance(sessions, sim.url)
        assert SyncEngine(sessions, SETTINGS).run("ivry").status == "succeeded"
        linked = {
            r["id"]: r["proposals"]
            for r in sim.world.records["result"].values()
            if r.get("proposals")
        }
    with sessions() as session:
        stored = dict(
            session.execute(
                select(models.Result.remote_id, models.Result.proposal_remote_ids)
            ).all()
        )
    assert linked and {rid: stored[rid] for rid in linked} == linked


def stored(sessions, model, column) -> dict[str, object]:
    with sessions() as session:
        return dict(session.execute(select(model.remote_id, getattr(model, column))).all())


def logged_fields(sessions, run_id: int) -> list[str | None]:
    with sessions() as session:
        return list(
            session.scalars(select(models.Change.field).where(models.Change.run_id == run_id))
        )


def test_a_field_no_longer_offered_keeps_its_stored_values(sessions):
    with running_simulator(version="0.31") as sim:
        add_instance(sessions, sim.url)
        engine = SyncEngine(sessions, SETTINGS)
        # Known values to keep: official proposals, meetings with an address.
        proposals = list(sim.world.records["proposal"])
        sim.world.edit("proposal", proposals[0], official=True, address="1 place de la Mairie")
        assert engine.run("ivry").status == "succeeded"
        official, addresses = (
            stored(sessions, models.Proposal, "official"),
            stored(sessions, models.Meeting, "address"),
        )
        assert official[proposals[0]] is True and None not in official.values()
        assert any(addresses.values())
        # The city patches Decidim: proposals no longer tell `official`, meetings their address.
        sim.app.rename({"Proposal.official": None, "Meeting.address": None})
        sim.world.edit("proposal", proposals[1], votes=1234)  # a real change, in the same run
        run = engine.run("ivry")
        assert run.status == "succeeded", run.error
        drift = [w for w in run.warnings if "API changed" in w]
        assert drift and "Proposal.official" in " ".join(drift)
        assert "Meeting.address" in " ".join(drift)
        assert stored(sessions, models.Proposal, "official") == official
        assert stored(sessions, models.Meeting, "address") == addresses
        fields = logged_fields(sessions, run.id)
        assert "official" not in fields and "address" not in fields
        assert "vote_count" in fields
        assert stored(sessions, models.Proposal, "vote_count")[proposals[1]] == 1234
