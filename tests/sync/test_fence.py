"""The lock's fence comes before every write of a run, and only where a run writes.

A page with no upstream change writes nothing, so it is not fenced; a run whose lock was taken
over still stops soon (its next progress save, or the heartbeat) and writes nothing after the
takeover; a page that writes after a takeover is refused (`bridge.sync.lock`).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import event, func, select, update

from bridge.config import Settings
from bridge.store import models
from bridge.store.models import SyncLock, SyncRun
from bridge.sync import engine as engine_module
from bridge.sync.engine import Progress, SyncEngine
from bridge.sync.lock import Heartbeat, InstanceLock, LockLost
from bridge.testing.stand_in import add_instance
from bridge.timeutil import utcnow
from simulator.testing import Handle, running_simulator

SETTINGS = Settings(http_retries=0)
TAKEN = "elsewhere:1:taken"
WRITES = {"INSERT", "UPDATE", "DELETE"}


@pytest.fixture
def synced(sessions) -> Iterator[Handle]:
    """The stand-in, synced once (a proposals component of three pages)."""
    with running_simulator() as sim:
        add_instance(sessions, sim.url)
        assert SyncEngine(sessions, SETTINGS).run("ivry").status == "succeeded"
        yield sim


@pytest.fixture
def no_timed_saves(monkeypatch):
    """Progress saved only after each component, never between pages because time passed."""
    monkeypatch.setattr(engine_module, "PROGRESS_EVERY_SECONDS", 3600.0)


class Recorder:
    """The statements the sync's own thread sends (not the heartbeat's), with a marker after
    every page (the engine's progress callback)."""

    def __init__(self, sessions, take_over_after: int | None = None):
        self.sessions, self.take_over_after = sessions, take_over_after
        self.log: list[str] = []
        self.pages: list[int] = []  # the component of each page, in order
        self.thread = threading.get_ident()

    def __enter__(self) -> Recorder:
        bind = self.sessions.kw["bind"]
        event.listen(bind, "before_cursor_execute", self._statement)
        event.listen(bind, "commit", self._commit)
        event.listen(bind, "rollback", self._rollback)
        return self

    def __exit__(self, *exc_info: object) -> None:
        bind = self.sessions.kw["bind"]
        event.remove(bind, "before_cursor_execute", self._statement)
        event.remove(bind, "commit", self._commit)
        event.remove(bind, "rollback", self._rollback)

    def _statement(self, conn, cursor, statement, *args) -> None:
        if threading.get_ident() == self.thread:
            self.log.append(" ".join(statement.split()[:3]).replace('"', "").upper())

    def _commit(self, conn) -> None:
        if threading.get_ident() == self.thread:
            self.log.append("COMMIT")

    def _rollback(self, conn) -> None:
        if threading.get_ident() == self.thread:
            self.log.append("ROLLBACK")

    def writing_transactions(self) -> list[list[str]]:
        """The writes of each transaction that wrote, in order."""
        out: list[list[str]] = []
        current: list[str] = []
        for entry in self.log:
            if entry in ("COMMIT", "ROLLBACK"):
                if current:
                    out.append(current)
                current = []
            elif entry.split()[0] in WRITES:
                current.append(entry)
        return out

    def page(self, progress: Progress) -> None:
        self.pages.append(progress.component)
        self.log.append(f"page {progress.component}")
        if len(self.pages) == self.take_over_after:
            self.take_over()

    def take_over(self) -> None:
        """What a takeover does (the holder looked dead): the row names another holder."""
        with self.sessions() as session:
            session.execute(update(SyncLock).values(owner=TAKEN))
            session.commit()
        self.log.append("taken over")

    def writes_after_takeover(self) -> list[str]:
        after = self.log[self.log.index("taken over") + 1 :]
        return [s for s in after if s.split()[0] in WRITES]


def lock_updates_between_pages(log: list[str]) -> tuple[int, int]:
    """(pages followed by another page of their component, lock UPDATEs between those two)."""
    pairs = updates = 0
    last_page, since = None, 0
    for entry in log:
        if entry.startswith("page "):
            if entry == last_page:
                pairs, updates = pairs + 1, updates + since
            last_page, since = entry, 0
        elif entry.startswith("UPDATE SYNC_LOCKS"):
            since += 1
    return pairs, updates


def retitled(sessions) -> int:
    """Proposals whose new title was logged (by the run under test: the first logs none)."""
    with sessions() as session:
        return session.scalar(
            select(func.count()).select_from(models.Change).where(models.Change.field == "title")
        )


def test_a_page_that_writes_nothing_is_not_fenced(sessions, synced, no_timed_saves):
    recorder = Recorder(sessions)
    with recorder:
        run = SyncEngine(sessions, SETTINGS, progress=recorder.page).run("ivry")
    assert run.status == "succeeded", run.error
    assert run.created == run.updated == 0
    pairs, updates = lock_updates_between_pages(recorder.log)
    assert pairs >= 2, "the stand-in has a component of several pages"
    assert updates == 0, "a page with no change touched the lock row"


def test_a_page_that_writes_is_fenced_first(sessions, synced, no_timed_saves):
    for rid in list(synced.world.records["proposal"]):
        synced.world.edit_proposal(rid, title={"fr": "Un titre revu", "en": "Revised"})
    recorder = Recorder(sessions)
    with recorder:
        run = SyncEngine(sessions, SETTINGS, progress=recorder.page).run("ivry")
    assert run.status == "succeeded", run.error
    assert run.updated > 0
    transactions = recorder.writing_transactions()
    assert any("UPDATE PROPOSALS SET" in t or "INSERT INTO PROPOSALS" in t for t in transactions)
    # Every transaction that writes touches the lock row first, but the lock's own and the
    # run record's at its start and end.
    unfenced = [t for t in transactions if t[0] != "UPDATE SYNC_LOCKS SET"]
    assert unfenced == [
        ["INSERT INTO SYNC_LOCKS"],
        ["INSERT INTO SYNC_RUNS"],
        ["UPDATE SYNC_RUNS SET", "UPDATE INSTANCES SET"],
        ["DELETE FROM SYNC_LOCKS"],
    ]


def test_a_takeover_before_a_page_that_writes_refuses_that_page(
    sessions, synced, no_timed_saves, monkeypatch
):
    # The heartbeat would stop the run at the next page on its own: keep it quiet so that the
    # page's own fence is what refuses it.
    monkeypatch.setattr(engine_module, "heartbeat_every", lambda stale: 3600.0)
    for rid in list(synced.world.records["proposal"]):
        synced.world.edit_proposal(rid, title={"fr": "Un titre revu", "en": "Revised"})
    recorder = Recorder(sessions, take_over_after=1)  # after the first page of proposals
    with recorder:
        run = SyncEngine(sessions, SETTINGS, progress=recorder.page).run("ivry")
    assert run.status == "failed"
    assert "presumed dead" in run.error, "the page's fence refused it, not an earlier check"
    assert recorder.pages == [1], "the run stopped at the page after the takeover"
    # Only the run's own record is written after the takeover (the lock's statements name
    # their owner and change nothing of the new holder's row).
    assert [w for w in recorder.writes_after_takeover() if "SYNC_LOCKS" not in w] == [
        "UPDATE SYNC_RUNS SET"
    ]
    # The first page's proposals were revised before the takeover, none after.
    assert 0 < retitled(sessions) == run.updated < len(synced.world.records["proposal"])
    with sessions() as session:
        assert session.scalar(select(SyncLock.owner)) == TAKEN


def test_a_run_that_only_reads_stops_at_its_next_progress_save(sessions, synced, monkeypatch):
    monkeypatch.setattr(engine_module, "PROGRESS_EVERY_SECONDS", 0.0)  # a save after every page
    monkeypatch.setattr(engine_module, "heartbeat_every", lambda stale: 3600.0)
    recorder = Recorder(sessions, take_over_after=1)
    with recorder:
        run = SyncEngine(sessions, SETTINGS, progress=recorder.page).run("ivry")
    assert run.status == "failed" and "taken over" in run.error
    assert recorder.pages == [1], "stopped at the save after the next page"
    assert [w for w in recorder.writes_after_takeover() if "SYNC_LOCKS" not in w] == [
        "UPDATE SYNC_RUNS SET"
    ]


def test_a_run_that_only_reads_stops_once_the_heartbeat_finds_the_lock_taken(
    sessions, synced, no_timed_saves, monkeypatch
):
    beats: list[Heartbeat] = []

    class Watched(Heartbeat):
        def __enter__(self) -> Heartbeat:
            beats.append(self)
            return super().__enter__()

    monkeypatch.setattr(engine_module, "Heartbeat", Watched)
    monkeypatch.setattr(engine_module, "heartbeat_every", lambda stale: 0.05)
    recorder = Recorder(sessions)

    def page(progress: Progress) -> None:
        recorder.page(progress)
        if len(recorder.pages) == 1:
            recorder.take_over()
            assert beats[0].lost.wait(60), "the heartbeat did not notice the takeover"

    with recorder:
        run = SyncEngine(sessions, SETTINGS, progress=page).run("ivry")
    assert run.status == "failed" and "taken over" in run.error
    assert recorder.pages == [1], "stopped before the next page"
    assert [w for w in recorder.writes_after_takeover() if "SYNC_LOCKS" not in w] == [
        "UPDATE SYNC_RUNS SET"
    ]


def test_fence_writes_checks_the_lock_before_a_flush_and_not_before_a_read(sessions, synced):
    with sessions() as session:
        instance_id = session.scalar(select(models.Instance.id))
    lock = InstanceLock(sessions, instance_id, 30)
    lock.acquire()
    Recorder(sessions).take_over()
    with sessions() as session:
        lock.fence_writes(session)
        runs = session.scalar(select(func.count()).select_from(SyncRun))  # a read: no fence
        now = utcnow()
        session.add(SyncRun(instance_id=instance_id, status="running", started_at=now))
        with pytest.raises(LockLost):
            session.commit()
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(SyncRun)) == runs
