"""`bridge scheduler`: periodic syncs and "sync now" requests, in a process of its own.

Jobs are built from the instances table (interval or cron, read in the city's `timezone`) and
rebuilt when that table changes; nothing is pickled: the run history lives in our sync_runs table.
A "sync now" is a row in sync_requests, claimed atomically and run within `scheduler_poll_seconds`.
Only the scheduler holding the leader lock acts, and it checks that it still holds it before every
job and at every poll: a leader whose lock went (its database connection ended) steps down at once
and contends again like any other scheduler.

The leader also delivers the change log to plugins (`bridge.delivery`): a job every
`delivery_interval_seconds`, woken right after each sync, in its own thread, so a sync never
waits for a plugin.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable, Sequence
from datetime import datetime

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from bridge import heartbeat, mail
from bridge.config import Settings
from bridge.delivery import Delivery
from bridge.leader import LeaderLock
from bridge.pluginhost import host_for
from bridge.store.db import changed_rows, make_engine, make_sessionmaker
from bridge.store.models import Instance, SyncRequest, SyncRun
from bridge.sync.engine import SyncEngine, UnknownInstance
from bridge.sync.lock import LockBusy
from bridge.timeutil import utcnow

log = logging.getLogger(__name__)
# Crontabs (instances' and plugins', e.g. the committees' reminders at 8:00) read in the city's
# zone, the `timezone` setting: 8:00 in Cayenne is 8:00 in Cayenne, not in Paris.
DEFAULT_TIMEZONE = "Europe/Paris"
JOB_DEFAULTS = {"coalesce": True, "max_instances": 1, "misfire_grace_time": 300}
DELIVERY_JOB = "deliver-changes"
MAIL_JOB = "send-mail"


def wanted_jobs(
    instances: Sequence[Instance], timezone: str = DEFAULT_TIMEZONE
) -> dict[str, tuple[str, object]]:
    """job id -> (instance name, trigger) for each enabled instance with a schedule; a
    crontab reads in `timezone` (the city's)."""
    jobs = {}
    for instance in instances:
        if not instance.enabled:
            continue
        if instance.schedule_cron:
            trigger = CronTrigger.from_crontab(instance.schedule_cron, timezone=timezone)
        elif instance.schedule_interval_minutes:
            trigger = IntervalTrigger(minutes=instance.schedule_interval_minutes, timezone=timezone)
        else:
            continue
        jobs[f"sync:{instance.id}"] = (instance.name, trigger)
    return jobs


def signature(instances: Sequence[Instance]) -> tuple:
    """Changes when anything that shapes the jobs changes."""
    return tuple(
        sorted(
            (i.id, i.name, i.enabled, i.schedule_interval_minutes, i.schedule_cron)
            for i in instances
        )
    )


def request_sync(
    session: Session,
    instance_name: str,
    *,
    full: bool = False,
    requested_by: str | None = None,
) -> SyncRequest:
    """Ask the scheduler for a sync now: a row added to the caller's transaction, so that the
    request and its audit entry are committed together or not at all."""
    instance_id = session.scalar(select(Instance.id).where(Instance.name == instance_name))
    if instance_id is None:
        raise UnknownInstance(f"no instance named {instance_name!r}")
    request = SyncRequest(
        instance_id=instance_id, full=full, requested_at=utcnow(), requested_by=requested_by
    )
    session.add(request)
    session.flush()
    return request


class Scheduler:
    def __init__(
        self,
        settings: Settings,
        sessions: sessionmaker[Session] | None = None,
        run_sync: Callable[..., SyncRun] | None = None,
        leader: LeaderLock | None = None,
    ):
        self.settings = settings
        self.leader = leader
        self.sessions = sessions or make_sessionmaker(make_engine(settings.database_url))
        self.plugins = host_for(settings, self.sessions)
        engine = SyncEngine(self.sessions, settings, plugins=self.plugins)
        self.run_sync = run_sync or engine.run
        self.delivery = Delivery(self.sessions, settings, self.plugins)
        self._delivery_state = threading.Lock()
        self._delivering = self._deliver_again = False
        self.aps = BackgroundScheduler(
            timezone=self.settings.timezone,
            job_defaults=JOB_DEFAULTS,
            executors={"default": ThreadPoolExecutor(4)},
        )
        self._signature: tuple | None = None

    def leading(self) -> bool:
        """True while this scheduler holds the leader lock (always, without a leader lock)."""
        return self.leader is None or self.leader.still_held()

    def sync_job(self, instance_name: str, full: bool = False, trigger: str = "scheduler"):
        if not self.leading():
            log.warning(
                "sync of %s not started: this scheduler is no longer the leader", instance_name
            )
            return None
        try:
            run = self.run_sync(instance_name, full=full, trigger=trigger)
        except LockBusy:
            log.info("sync of %s skipped: already running", instance_name)
            return None
        except UnknownInstance as exc:
            log.warning("%s", exc)
            return None
        log.info(
            "sync of %s: %s (created %s, updated %s, unchanged %s, removed %s)%s",
            instance_name,
            run.status,
            run.created,
            run.updated,
            run.unchanged,
            run.removed,
            f": {run.error}" if run.error else "",
        )
        self.wake_delivery()
        return run

    def deliver_job(self) -> None:
        """Give plugins the changes after their cursors, while this scheduler leads; once more
        when a sync finished during the pass (its changes may have come after the pass read)."""
        with self._delivery_state:
            self._delivering, self._deliver_again = True, False
        try:
            while self.leading():
                self._deliver_once()
                with self._delivery_state:
                    if not self._deliver_again:
                        break
                    self._deliver_again = False
        finally:
            with self._delivery_state:
                self._delivering = False

    def _deliver_once(self) -> None:
        try:
            for outcome in self.delivery.run(keep_going=self.leading):
                if outcome.delivered:
                    log.info("plugin %s: %d change(s) delivered", outcome.plugin, outcome.delivered)
        except Exception:  # noqa: BLE001 - the database away: the next pass tries again
            log.exception("change delivery stopped")

    def add_delivery_job(self) -> None:
        self.aps.add_job(
            self.deliver_job,
            IntervalTrigger(
                seconds=self.settings.delivery_interval_seconds, timezone=self.settings.timezone
            ),
            id=DELIVERY_JOB,
            name=DELIVERY_JOB,
            replace_existing=True,
        )

    def mail_job(self) -> None:
        """Send the outbox's due messages (`bridge.mail`), while this scheduler leads."""
        if not self.leading():
            return
        try:
            mail.send_pending(self.sessions, self.settings.mail)
        except Exception:  # noqa: BLE001 - the database away: the next run tries again
            log.exception("sending mail stopped")

    def add_mail_job(self) -> bool:
        """The outbox's job, when a server is configured (else messages wait, and the admin
        page of the outbox says why)."""
        if not self.settings.mail.configured:
            log.info("no [mail] host configured: queued e-mails wait in the outbox")
            return False
        self.aps.add_job(
            self.mail_job,
            IntervalTrigger(
                seconds=self.settings.mail.interval_seconds, timezone=self.settings.timezone
            ),
            id=MAIL_JOB,
            name=MAIL_JOB,
            replace_existing=True,
        )
        return True

    def wake_delivery(self) -> None:
        """Deliver now rather than at the next interval (after a sync). A no-op when the job is
        not scheduled (a scheduler built by a test)."""
        with self._delivery_state:
            if self._delivering:
                self._deliver_again = True
                return
        job = self.aps.get_job(DELIVERY_JOB)
        if job is not None and self.aps.running:
            job.modify(next_run_time=datetime.now(job.trigger.timezone))

    def reconcile(self) -> bool:
        """Make the scheduler's jobs match the instances table; True if anything changed."""
        with self.sessions() as session:
            instances = session.scalars(select(Instance)).all()
        current = signature(instances)
        if current == self._signature:
            return False
        wanted = wanted_jobs(instances, self.settings.timezone)
        for job in self.aps.get_jobs():
            if job.id.startswith("sync:") and job.id not in wanted:
                job.remove()
        for job_id, (name, trigger) in wanted.items():
            self.aps.add_job(
                self.sync_job, trigger, args=[name], id=job_id, name=name, replace_existing=True
            )
        self._signature = current
        log.info("schedule: %d periodic sync job(s)", len(wanted))
        return True

    def pending_requests(self) -> int:
        """Claim each unclaimed sync request and run it; return how many were run."""
        done = 0
        with self.sessions() as session:
            rows = session.execute(
                select(SyncRequest.id, Instance.name, SyncRequest.full)
                .join(Instance, Instance.id == SyncRequest.instance_id)
                .where(SyncRequest.picked_at.is_(None))
                .order_by(SyncRequest.id)
            ).all()
        for request_id, name, full in rows:
            if not self.leading():
                break  # the new leader will claim it
            with self.sessions() as session:
                claimed = changed_rows(
                    session,
                    update(SyncRequest)
                    .where(SyncRequest.id == request_id, SyncRequest.picked_at.is_(None))
                    .values(picked_at=utcnow()),
                )
                session.commit()
            if claimed != 1:
                continue  # another scheduler (or a previous loop) took it
            run = self.sync_job(name, full=full, trigger="request")
            if run is not None:
                with self.sessions() as session:
                    session.execute(
                        update(SyncRequest)
                        .where(SyncRequest.id == request_id)
                        .values(run_id=run.id)
                    )
                    session.commit()
            done += 1
        return done

    def add_plugin_jobs(self) -> int:
        """Jobs plugins ask for (`scheduled_jobs` hook): interval in minutes or a crontab."""
        jobs = self.plugins.collect("scheduled_jobs")
        for job in jobs:
            if "cron" in job.trigger:
                trigger = CronTrigger.from_crontab(
                    job.trigger["cron"], timezone=self.settings.timezone
                )
            else:
                trigger = IntervalTrigger(
                    minutes=job.trigger["interval"], timezone=self.settings.timezone
                )
            self.aps.add_job(
                self._plugin_job_if_leading,
                trigger,
                args=[job],
                id=f"plugin:{job.id}",
                name=job.id,
                replace_existing=True,
            )
        return len(jobs)

    @staticmethod
    def _plugin_job(job) -> None:
        try:
            job.func()
        except Exception:  # noqa: BLE001 - a plugin's job never stops the scheduler
            log.exception("plugin job %s failed", job.id)

    def _plugin_job_if_leading(self, job) -> None:
        if self.leading():
            self._plugin_job(job)

    def loop(self, stop: threading.Event) -> bool:
        """Act until `stop` is set (True) or the leader lock is lost (False)."""
        self.add_plugin_jobs()
        self.add_delivery_job()
        self.add_mail_job()
        self.aps.start()
        lost = False
        stop_beating = heartbeat.keep_beating(self.sessions, self.settings.scheduler_poll_seconds)
        try:
            while not stop.is_set():
                if not self.leading():
                    lost = True
                    break
                self.reconcile()
                self.pending_requests()
                stop.wait(self.settings.scheduler_poll_seconds)
        finally:
            stop_beating()  # a scheduler that steps down or stops no longer looks alive
            # Stepping down does not wait for running syncs: their instance locks fence them.
            self.aps.shutdown(wait=not lost)
        return not lost


def run_scheduler(
    settings: Settings,
    *,
    stop_event: threading.Event | None = None,
    make_scheduler: Callable[..., Scheduler] = Scheduler,
) -> None:
    """Run until SIGTERM/SIGINT (or `stop_event`), acting only while holding the leader lock.

    `make_scheduler(settings, leader=...)` builds the acting part (tests give a recording one).
    """
    stop = stop_event or threading.Event()
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
    leader = LeaderLock(settings.database_url)
    try:
        while not stop.is_set():
            waiting_logged = False
            while not stop.is_set() and not leader.try_acquire():
                if not waiting_logged:
                    log.warning(
                        "another scheduler holds the leader lock for this database; waiting"
                    )
                    waiting_logged = True
                stop.wait(max(1.0, settings.scheduler_poll_seconds))
            if stop.is_set():
                return
            log.info("scheduler started (leader)")
            if make_scheduler(settings, leader=leader).loop(stop):
                return
            log.warning(
                "leader lock lost (database connection ended): stepped down, contending again"
            )
            leader.release()
    finally:
        leader.release()
        log.info("scheduler stopped")
