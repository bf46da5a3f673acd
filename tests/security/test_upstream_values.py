"""What Decidim sends is stored, and one bad record never stops the others.

Found by a probe on PostgreSQL: a NUL character in any translated text (JSONB refuses
`\\u0000`) or a proposal reference over 100 characters failed every sync of the instance, for
good; the components after it went stale, and the CLI printed a 7.5 KB traceback.
"""

from __future__ import annotations

import os
import subprocess
import sys

from sqlalchemy import func, select

from bridge.store import models
from bridge.store.models import SyncRun
from bridge.sync.engine import SyncEngine
from simulator.testing import running_simulator
from tests.sync.test_engine import SETTINGS, add_instance


def first(sim, kind: str) -> str:
    return min(sim.world.records[kind], key=int)


def stored(sessions, model) -> int:
    with sessions() as session:
        return session.scalar(
            select(func.count()).select_from(model).where(model.removed_at.is_(None))
        )


def test_nul_characters_and_a_300_character_reference_are_stored(sessions):
    with running_simulator() as sim:
        proposal, meeting = first(sim, "proposal"), first(sim, "meeting")
        sim.world.edit_proposal(
            proposal,
            title={"fr": "Vélos\x00 partagés", "en": "Shared\x00 bikes"},
            body={"fr": "<p>Texte\x00</p>", "en": ""},
            reference="R" * 300,
        )
        sim.world.edit("meeting", meeting, title={"fr": "Réunion\x00", "en": "Meeting"})
        add_instance(sessions, sim.url)
        run = SyncEngine(sessions, SETTINGS).run("ivry")
        assert run.status == "succeeded", run.error
        assert run.warnings == []
        assert stored(sessions, models.Meeting) == sim.world.count("meeting")
    with sessions() as session:
        row = session.scalar(select(models.Proposal).where(models.Proposal.remote_id == proposal))
        assert row.title == {"fr": "Vélos partagés", "en": "Shared bikes"}
        assert row.body["fr"] == "<p>Texte</p>"
        assert row.reference == "R" * 300
        met = session.scalar(select(models.Meeting).where(models.Meeting.remote_id == meeting))
        assert met.title["fr"] == "Réunion"


def test_one_bad_record_is_a_warning_and_every_other_record_is_stored(sessions):
    with running_simulator() as sim:
        bad = first(sim, "result")
        sim.world.set_result(bad, start="2024-02-30")  # no such day
        add_instance(sessions, sim.url)
        run = SyncEngine(sessions, SETTINGS).run("ivry")
        assert run.status == "succeeded", run.error
        assert len(run.warnings) == 1
        assert f"record {bad} not stored" in run.warnings[0]
        assert stored(sessions, models.Result) == sim.world.count("result") - 1
        for kind, model in (("meeting", models.Meeting), ("debate", models.Debate)):
            assert stored(sessions, model) == sim.world.count(kind)
        # The next run still tells, and marks nothing removed.
        again = SyncEngine(sessions, SETTINGS).run("ivry")
        assert again.status == "succeeded" and again.removed == 0
        assert len(again.warnings) == 1
    with sessions() as session:
        assert session.scalar(select(SyncRun.warnings).where(SyncRun.id == run.id)) == (
            run.warnings
        )


def test_a_bad_space_is_kept_as_last_synced_and_the_others_go_on(sessions):
    with running_simulator() as sim:
        add_instance(sessions, sim.url)
        assert SyncEngine(sessions, SETTINGS).run("ivry").status == "succeeded"
        sim.world.spaces[("process", "1")]["start_date"] = "2024-02-30"
        sim.world.edit_proposal(first(sim, "proposal"), title={"fr": "Revu", "en": "Revised"})
        run = SyncEngine(sessions, SETTINGS).run("ivry")
        assert run.status == "succeeded", run.error
        assert run.removed == 0  # neither the space nor what it holds is taken for removed
        assert len(run.warnings) == 1 and "participatory_process 1 not stored" in run.warnings[0]
        assert run.updated >= 1  # the records of every space were read
        assert stored(sessions, models.Space) == len(sim.world.spaces)


def test_the_cli_prints_one_line_reasons_never_a_traceback(sessions):
    with running_simulator() as sim:
        sim.world.set_result(first(sim, "result"), start="2024-02-30")
        add_instance(sessions, sim.url)
        url = sessions.kw["bind"].url.render_as_string(hide_password=False)
        done = subprocess.run(
            [sys.executable, "-m", "bridge.cli", "sync", "ivry"],
            env={**os.environ, "BRIDGE_DATABASE_URL": url},
            capture_output=True,
            text=True,
            timeout=300,
        )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    assert "not stored" in done.stderr
    assert max(len(line) for line in done.stderr.splitlines()) < 400
