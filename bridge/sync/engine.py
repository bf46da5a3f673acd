"""The sync engine: read one Decidim instance and bring our store level with it.

A run walks: version -> organization -> spaces (processes, assemblies, their categories, scopes and
components) -> each component's connection, page by page. Every page is written and committed as
it arrives, so a run killed at any point loses nothing it had read; writes are idempotent upserts,
so running again converges on the same data. Components finished by an interrupted run are not
read again by the run that resumes it. Spaces and components an administrator switched off
(`bridge.sync.selection`) are still listed but not read: their stored records stay as they were.

Decidim pages by offset and, in 0.27/0.28, does not order budgets, results, meetings or debates,
so a page can repeat or skip items when the table changes or the database picks another order.
The engine counts repeats; when a pass over an unordered connection saw any, it reads the
connection again (up to MAX_PASSES), and before tombstoning a record it did not see it asks for
that record by id. What it still cannot settle goes into the run's warnings, and then nothing is
tombstoned for that component.

The changes a page makes are appended to the change log in the page's transaction; plugins read
that log later, each from its own cursor (`bridge.delivery`): a run never calls a plugin for a
change, so a slow or failing plugin never slows or breaks it.

Every write is fenced by the run's lock (`bridge.sync.lock`): a run whose lock was taken over
stops with `LockLost` and writes nothing more than its own run record.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Container, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypedDict

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bridge.config import Settings
from bridge.decidim import DecidimClient, DecidimError
from bridge.decidim.capabilities import Capabilities
from bridge.decidim.errors import ComponentGone, SchemaMismatch
from bridge.decidim.http import Credentials
from bridge.failures import kind_of
from bridge.pluginhost import PluginHost
from bridge.store import models
from bridge.store.models import Instance, SyncRun
from bridge.sync import normalise, selection
from bridge.sync.lock import Heartbeat, InstanceLock, LockLost, heartbeat_every
from bridge.sync.resources import RESOURCES, ComponentResource
from bridge.sync.seen import IdSet
from bridge.sync.writer import (
    Written,
    change_row,
    save_changes,
    table_of,
    write_batch,
    write_nodes,
)
from bridge.timeutil import utcnow

log = logging.getLogger(__name__)

MAX_PASSES = 8
# Records not seen in a pass are confirmed one request each, up to this many per component.
VERIFY_LIMIT = 25
RESUME_WITHIN = timedelta(hours=12)
PROGRESS_EVERY_SECONDS = 2.0  # how often a running run's counts reach its row (the admin page)


# What one record can do to a write: a value the database refuses (out of range, not
# representable) or that our normalising cannot read (a malformed date). Anything else
# (the database away, a bug) still stops the run.
BAD_RECORD = (DataError, IntegrityError, ValueError, TypeError, KeyError)


class _Batch(TypedDict):
    """What every batch of a run is written with (`write_batch`'s keyword arguments)."""

    instance_id: int
    run_id: int
    now: datetime


class UnknownInstance(Exception):
    pass


class ArchivedInstance(UnknownInstance):
    """An archived instance keeps its records but is never synced again."""


def one_line(exc: Exception) -> str:
    """A reason fit for a run record and a terminal: the driver's first line, not the SQL."""
    text = str(getattr(exc, "orig", None) or exc).strip()
    first = text.splitlines()[0] if text else ""
    return f"{type(exc).__name__}: {first[:300]}"


@dataclass
class Progress:
    """Sent to the progress callback after every page."""

    component: int
    components: int
    resource: str
    pages: int
    records: int


@dataclass
class _Tally:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0

    def add(self, written: Written, only: set[str] | None = None) -> None:
        """Count a batch; `only` restricts counting to items not yet counted in this run."""
        for bucket, rids in (
            ("created", written.created),
            ("updated", written.updated),
            ("unchanged", written.unchanged),
        ):
            # `only` comes with batches of nodes, keyed by remote id: each id once, so an
            # intersection counts them.
            n = len(rids) if only is None else len(only.intersection(rids))
            setattr(self, bucket, getattr(self, bucket) + n)

    def merge(self, other: _Tally) -> None:
        for name, value in asdict(other).items():
            setattr(self, name, getattr(self, name) + value)


class SyncEngine:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        settings: Settings | None = None,
        *,
        plugins: PluginHost | None = None,
        progress: Callable[[Progress], None] | None = None,
        client_factory: Callable[[Instance], DecidimClient] | None = None,
    ):
        self.sessions = sessions
        self.settings = settings or Settings()
        self.plugins = plugins
        self.progress = progress or (lambda event: None)
        self.client_factory = client_factory or self._client_for

    # -- public ------------------------------------------------------------------------------
    def run(self, instance_name: str, *, full: bool = False, trigger: str = "cli") -> SyncRun:
        """Sync one instance; returns the finished run record (status succeeded or failed).

        Raises LockBusy when another process is syncing the same instance.
        """
        with self.sessions() as session:
            instance = session.scalar(select(Instance).where(Instance.name == instance_name))
            if instance is None:
                raise UnknownInstance(f"no instance named {instance_name!r}")
            if instance.archived_at is not None:
                raise ArchivedInstance(f"instance {instance_name!r} is archived: not synced")
        lock = InstanceLock(self.sessions, instance.id, self.settings.lock_stale_seconds)
        lock.acquire()
        try:
            with Heartbeat(lock, heartbeat_every(self.settings.lock_stale_seconds)) as beat:
                run, done = self._start_run(instance, full, trigger)
                lock.attach_run(run.id)
                return self._run_locked(instance, run, done, full, lock, beat)
        finally:
            lock.release()

    # -- run lifecycle -----------------------------------------------------------------------
    def _start_run(self, instance: Instance, full: bool, trigger: str) -> tuple[SyncRun, list[str]]:
        """Close runs left 'running' by dead processes; resume the last one if it failed.

        A closed run keeps the counts it last saved: its changes are recorded, so are they."""
        now = utcnow()
        with self.sessions() as session:
            for left in session.scalars(
                select(SyncRun).where(
                    SyncRun.instance_id == instance.id, SyncRun.status == "running"
                )
            ).all():
                counts = (left.progress or {}).get("records") or {}
                left.status, left.finished_at = "failed", now
                left.error = "interrupted: the process stopped before the run finished"
                left.error_kind = "interrupted"
                for name in ("created", "updated", "unchanged", "removed"):
                    setattr(left, name, int(counts.get(name) or 0))
            session.flush()
            last = session.scalar(
                select(SyncRun)
                .where(SyncRun.instance_id == instance.id)
                .order_by(SyncRun.id.desc())
                .limit(1)
            )
            done: list[str] = []
            resumed_from = None
            if (
                not full
                and last is not None
                and last.status == "failed"
                and (last.progress or {}).get("done")
                and now - last.started_at < RESUME_WITHIN
            ):
                done = list(last.progress["done"])
                resumed_from = last.id
            run = SyncRun(
                instance_id=instance.id,
                status="running",
                full=full,
                trigger=trigger,
                started_at=now,
                heartbeat_at=now,
                warnings=[],
                progress={"done": done},
                resumed_from=resumed_from,
            )
            session.add(run)
            session.commit()
        return run, done

    def _run_locked(
        self,
        instance: Instance,
        run: SyncRun,
        done: list[str],
        full: bool,
        lock: InstanceLock,
        beat: Heartbeat,
    ) -> SyncRun:
        client = self.client_factory(instance)
        state = _RunState(run=run, client=client, tally=_Tally(), lock=lock, beat=beat, done=done)
        try:
            self._sync(instance, state, full)
            run.status = "succeeded"
        except LockLost as exc:
            run.status, run.error, run.error_kind = "failed", str(exc), "interrupted"
            log.error("sync of %s stopped: %s", instance.name, exc)
        except DecidimError as exc:
            run.status, run.error, run.error_kind = "failed", str(exc), kind_of(exc)
            log.warning("sync of %s failed: %s", instance.name, exc)
        except Exception as exc:  # noqa: BLE001 - the run record must say what happened
            run.status, run.error = "failed", f"internal error: {one_line(exc)}"
            run.error_kind = "unknown"
            # One line where people read (the CLI's stderr); the traceback for developers.
            log.error("sync of %s crashed: %s", instance.name, run.error)
            log.debug("sync of %s crashed", instance.name, exc_info=True)
        finally:
            self._finish(instance, state)
            client.close()
        if self.plugins is not None:
            self.plugins.call("sync_finished", run=run)
        return run

    def _finish(self, instance: Instance, state: _RunState) -> None:
        run, tally = state.run, state.tally
        now = utcnow()
        with self.sessions() as session:
            values: dict[str, Any] = dict(
                status=run.status,
                error=run.error,
                error_kind=run.error_kind,
                finished_at=now,
                heartbeat_at=now,
                created=tally.created,
                updated=tally.updated,
                unchanged=tally.unchanged,
                removed=tally.removed,
                requests=state.client.requests_made,
                retries=state.client.retries_made,
                warnings=run.warnings,
                progress={"done": state.done},
            )
            session.execute(update(SyncRun).where(SyncRun.id == run.id).values(**values))
            if run.status == "succeeded":
                session.execute(
                    update(Instance).where(Instance.id == instance.id).values(last_synced_at=now)
                )
            session.commit()
        for key, value in values.items():
            setattr(run, key, value)

    def _client_for(self, instance: Instance) -> DecidimClient:
        credentials = None
        if instance.api_key and instance.api_secret:
            credentials = Credentials(instance.api_key, instance.api_secret)
        return DecidimClient(
            instance.base_url,
            rate_limit=instance.rate_limit_per_minute,
            timeout=self.settings.http_timeout_seconds,
            retries=self.settings.http_retries,
            credentials=credentials,
            page_size=self.settings.page_size,
        )

    # -- the walk ----------------------------------------------------------------------------
    def _sync(self, instance: Instance, state: _RunState, full: bool) -> None:
        client = state.client
        known = Capabilities.from_json(instance.capabilities)
        if known is not None and not full:
            client.use_capabilities(known, instance.query_set)
            organization = client.organization()
            if client.reported_version and client.reported_version != instance.decidim_version:
                # The server says it was upgraded: learn its capabilities again (one request).
                self._detect(instance, state)
        else:
            self._detect(instance, state)
            organization = client.organization()
        with self._fenced(state) as session:
            session.execute(
                update(Instance)
                .where(Instance.id == instance.id)
                .values(
                    organization_name=normalise.organization_name(organization, instance.locale)
                )
            )
            session.commit()
        components = self._sync_spaces(instance, state)
        self._keep_capabilities(instance, state)
        todo = [(c, r) for c, r in components if f"component:{c.remote_id}" not in state.done]
        stored_counts = self._stored_counts(instance, todo)
        client.expect(
            [
                (
                    r.name,
                    r.page_operation,
                    r.connection,
                    c.remote_id,
                    r.ordered,
                    stored_counts.get(c.id),
                )
                for c, r in todo
            ]
        )
        for position, (component, resource) in enumerate(components, start=1):
            key = f"component:{component.remote_id}"
            if key in state.done:
                continue
            try:
                self._sync_component(
                    instance, state, component, resource, position, len(components)
                )
            except SchemaMismatch as exc:
                # Only this component needs what the server no longer offers: the others go on.
                state.run.warnings.append(
                    f"component {component.remote_id} ({resource.name}) not read: {exc}"
                )
                log.warning("component %s not read: %s", component.remote_id, exc)
                continue
            except ComponentGone as exc:
                # Unpublished while the run read the others: its records stay as they were
                # until a run no longer finds it listed (then it is tombstoned with them).
                state.run.warnings.append(
                    f"component {component.remote_id} ({resource.name}) not read: {exc} "
                    "since the spaces were read; its records were kept as they were"
                )
                log.warning("component %s not read: %s", component.remote_id, exc)
                continue
            finally:
                self._keep_capabilities(instance, state)
            state.done.append(key)
            self._save_progress(state)

    def _stored_counts(
        self, instance: Instance, components: list[tuple[models.Component, ComponentResource]]
    ) -> dict[int, int]:
        """How many live records each component had after the last sync: its expected size
        where the server's count stops short (more than the spaces request counts)."""
        counts: dict[int, int] = {}
        with self.sessions() as session:
            for model in {r.model for _, r in components}:
                counts.update(
                    session.execute(
                        select(model.component_id, func.count())
                        .where(model.instance_id == instance.id, model.removed_at.is_(None))
                        .group_by(model.component_id)
                    ).all()
                )
        return counts

    def _detect(self, instance: Instance, state: _RunState) -> None:
        client = state.client
        chosen = client.detect_version()
        assert client.capabilities is not None  # detect_version has just learnt them
        found = client.capabilities.as_json()
        with self._fenced(state) as session:
            session.execute(
                update(Instance)
                .where(Instance.id == instance.id)
                .values(
                    decidim_version=client.reported_version,
                    query_set=chosen,
                    capabilities=found,
                )
            )
            session.commit()
        instance.query_set, instance.decidim_version = chosen, client.reported_version
        instance.capabilities = found

    def _keep_capabilities(self, instance: Instance, state: _RunState) -> None:
        """What the server stopped (or started) offering during the run: into the run's
        warnings, and onto the instance for the next runs."""
        client = state.client
        if not client.drift:
            return
        state.run.warnings.extend(client.drift)
        client.drift.clear()
        assert client.capabilities is not None  # a drift is a change of known capabilities
        found = client.capabilities.as_json()
        with self._fenced(state) as session:
            session.execute(
                update(Instance)
                .where(Instance.id == instance.id)
                .values(capabilities=found, query_set=client.query_set)
            )
            session.commit()
        instance.capabilities = found

    def _sync_spaces(
        self, instance: Instance, state: _RunState
    ) -> list[tuple[models.Component, ComponentResource]]:
        spaces = state.client.spaces()
        run, now = state.run, utcnow()
        common: _Batch = {"instance_id": instance.id, "run_id": run.id, "now": now}
        with self._fenced(state) as session:
            live_spaces: set[tuple[str, str]] = set()
            live_components: set[str] = set()
            kept_categories: set[str] = set()
            scope_rows: dict[tuple[str, str], dict[str, Any]] = {}
            category_rows: dict[str, dict[str, Any]] = {}
            component_rows: list[dict[str, Any]] = []
            # The columns each category and component row was not told (`normalise.untold`).
            category_untold: dict[str, frozenset[str]] = {}
            component_untold: list[frozenset[str]] = []
            for space_type, listed in spaces.items():
                nodes, rows = [], []
                for node in listed:
                    live_spaces.add((space_type, str(node["id"])))
                    try:
                        rows.append(normalise.space(node, space_type))
                        nodes.append(node)
                    except BAD_RECORD as exc:
                        # Kept as it was, with what it holds: still upstream, not removed.
                        self._skip_space(state, space_type, node, exc)
                        kept_categories |= {str(c["id"]) for c in node.get("categories") or [] if c}
                        live_components |= {str(c["id"]) for c in node.get("components") or [] if c}
                written = write_batch(
                    session,
                    table_of(models.Space),
                    rows,
                    resource="spaces",
                    key_extra=("space_type",),
                    untold=[normalise.untold(node, normalise.SPACE_SOURCES) for node in nodes],
                    **common,
                )
                state.tally.add(written)
                for node in nodes:
                    space_id = written.ids[str(node["id"])]
                    for row in normalise.classifiers_in(node):
                        scope_rows[(row["kind"], row["remote_id"])] = row
                    for cat in node.get("categories") or []:
                        if cat:
                            category_rows[str(cat["id"])] = {
                                **normalise.category(cat),
                                "space_id": space_id,
                            }
                            category_untold[str(cat["id"])] = normalise.untold(
                                cat, normalise.CATEGORY_SOURCES
                            )
                    for comp in node.get("components") or []:
                        if comp:  # 0.30+: items the caller may not read come back null
                            component_rows.append(
                                {**normalise.component(comp), "space_id": space_id}
                            )
                            component_untold.append(
                                normalise.untold(comp, normalise.COMPONENT_SOURCES)
                            )
                            live_components.add(str(comp["id"]))
            for table, resource, rows, extra, untold in (
                (table_of(models.Scope), "scopes", list(scope_rows.values()), ("kind",), None),
                (
                    table_of(models.Category),
                    "categories",
                    list(category_rows.values()),
                    (),
                    list(category_untold.values()),
                ),
                (table_of(models.Component), "components", component_rows, (), component_untold),
            ):
                written = write_batch(
                    session,
                    table,
                    rows,
                    resource=resource,
                    key_extra=extra,
                    untold=untold,
                    **common,
                )
                state.tally.add(written)
            state.scopes_seen.update(scope_rows)
            self._tombstone_vanished(
                session,
                instance,
                state,
                live_spaces,
                live_components,
                set(category_rows) | kept_categories,
                now,
            )
            session.commit()
            stored = session.execute(
                select(models.Component, models.Space.space_type, models.Space.remote_id)
                .join(models.Space, models.Component.space_id == models.Space.id)
                .where(
                    models.Component.instance_id == instance.id,
                    models.Component.removed_at.is_(None),
                    models.Component.manifest.in_(RESOURCES),
                )
                .order_by(models.Component.id)
            ).all()
            switches = selection.load(session, instance.id)
        # Switched off by an administrator: not read, and (not being read) not tombstoned.
        components = [c for c, kind, rid in stored if switches.component_on(c.remote_id, kind, rid)]
        if len(components) < len(stored):
            log.info(
                "%s: %d component(s) switched off, not read",
                instance.name,
                len(stored) - len(components),
            )
        return [(c, RESOURCES[c.manifest]) for c in components]

    def _tombstone_vanished(
        self,
        session: Session,
        instance: Instance,
        state: _RunState,
        live_spaces: set[tuple[str, str]],
        live_components: set[str],
        live_categories: set[str],
        now: datetime,
    ) -> None:
        gone_spaces = [
            (row.id, row.remote_id)
            for row in session.execute(
                select(models.Space.id, models.Space.remote_id, models.Space.space_type).where(
                    models.Space.instance_id == instance.id, models.Space.removed_at.is_(None)
                )
            )
            if (row.space_type, row.remote_id) not in live_spaces
        ]
        self._tombstone(session, state, models.Space, "spaces", gone_spaces, now)
        gone_categories = self._absent(session, models.Category, instance.id, live_categories)
        self._tombstone(session, state, models.Category, "categories", gone_categories, now)
        gone_components = self._absent(session, models.Component, instance.id, live_components)
        self._tombstone(session, state, models.Component, "components", gone_components, now)
        # A component that left takes its records with it (they are no longer public upstream).
        for component_id, _ in gone_components:
            for model, resource in [(r.model, r.name) for r in RESOURCES.values()] + [
                (models.Project, "projects")
            ]:
                rows = session.execute(
                    select(model.id, model.remote_id).where(
                        model.component_id == component_id, model.removed_at.is_(None)
                    )
                ).all()
                self._tombstone(session, state, model, resource, [(i, rid) for i, rid in rows], now)

    def _sync_component(
        self,
        instance: Instance,
        state: _RunState,
        component: models.Component,
        resource: ComponentResource,
        position: int,
        total: int,
    ) -> None:
        client = state.client
        seen = IdSet()  # every item of the run so far, a bit each (`bridge.sync.seen`)
        seen_projects: set[str] = set()
        passes, repeats, pages, slots, distinct = 0, 0, 0, 0, 0
        while True:
            passes += 1
            in_pass = IdSet()
            repeats = slots = 0
            for nodes in client.pages(
                resource.name, resource.page_operation, resource.connection, component.remote_id
            ):
                pages += 1
                state.pages += 1
                slots += len(nodes)
                fresh: set[str] = set()
                earlier = len(seen) > 0  # nothing to look up in a first pass
                for node in nodes:
                    rid = str(node["id"])
                    if not in_pass.add(rid):
                        repeats += 1
                    elif not (earlier and rid in seen):
                        fresh.add(rid)
                distinct += len(fresh)
                seen_projects |= self._write_page(
                    instance, state, component, resource, nodes, fresh, seen_projects
                )
                self._beat(state)
                self.progress(Progress(position, total, resource.name, pages, distinct))
            seen.update(in_pass)
            # A pass over N items returns N slots: once we have seen N distinct items, we have
            # seen them all, even if no single pass showed each exactly once.
            if not repeats or resource.ordered or len(seen) >= slots or passes >= MAX_PASSES:
                break
            log.info(
                "%s of component %s: %d repeated item(s), reading again",
                resource.name,
                component.remote_id,
                repeats,
            )
        unsettled = bool(repeats) and not resource.ordered and len(seen) < slots
        if unsettled:
            state.run.warnings.append(
                f"component {component.remote_id} ({resource.name}): Decidim's page order kept "
                f"changing; after {passes} passes {len(seen)} of {slots} items were seen, so "
                "some may be missing from this run and nothing was marked removed there"
            )
        unanswered = client.unanswered.pop(component.remote_id, [])
        if unanswered:
            # Not seen is not removed: the items Decidim failed to answer keep what was stored.
            unsettled = True
            state.run.warnings.append(
                f"component {component.remote_id} ({resource.name}): Decidim failed to answer "
                f"{len(unanswered)} item(s) ({unanswered[0]}); the others were read, those "
                "keep what was stored, and nothing was marked removed there"
            )
            log.warning(
                "%s of component %s: %d item(s) not answered",
                resource.name,
                component.remote_id,
                len(unanswered),
            )
        self._settle_missing(instance, state, component, resource, seen, seen_projects, unsettled)

    def _write_page(
        self,
        instance: Instance,
        state: _RunState,
        component: models.Component,
        resource: ComponentResource,
        nodes: list[dict[str, Any]],
        fresh: set[str],
        projects_seen: set[str],
    ) -> set[str]:
        """Write one page in one transaction; return the remote ids of projects it carried.

        Only `fresh` items (first time seen in this run) and projects not in `projects_seen`
        are counted, so a page read twice does not count its items twice. When the page is
        refused (a value the database or our normalising cannot take), its records are written
        one at a time: the bad one goes into the run's warnings, the others are stored.
        """
        try:
            return self._write_nodes(
                instance, state, component, resource, nodes, fresh, projects_seen
            )
        except BAD_RECORD as exc:
            if len(nodes) == 1:
                return self._skip(state, component, resource, nodes[0], exc)
        carried: set[str] = set()
        for node in nodes:
            rid = str(node["id"])
            try:
                carried |= self._write_nodes(
                    instance,
                    state,
                    component,
                    resource,
                    [node],
                    fresh & {rid},
                    projects_seen | carried,
                )
            except BAD_RECORD as exc:
                carried |= self._skip(state, component, resource, node, exc)
        return carried

    @staticmethod
    def _skip(
        state: _RunState,
        component: models.Component,
        resource: ComponentResource,
        node: dict[str, Any],
        exc: Exception,
    ) -> set[str]:
        """Report a record that could not be stored; return its projects' ids (still upstream,
        so not to be marked removed)."""
        state.run.warnings.append(
            f"component {component.remote_id} ({resource.name}): record {node['id']} "
            f"not stored: {one_line(exc)}"
        )
        log.warning(
            "%s %s of component %s not stored", resource.name, node["id"], component.remote_id
        )
        return {str(p["id"]) for p in node.get("projects") or [] if p}

    @staticmethod
    def _skip_space(
        state: _RunState, space_type: str, node: dict[str, Any], exc: Exception
    ) -> None:
        state.run.warnings.append(
            f"{space_type} {node['id']} not stored (kept as last synced): {one_line(exc)}"
        )
        log.warning("%s %s not stored", space_type, node["id"])

    def _write_nodes(
        self,
        instance: Instance,
        state: _RunState,
        component: models.Component,
        resource: ComponentResource,
        nodes: list[dict[str, Any]],
        fresh: set[str],
        projects_seen: set[str],
    ) -> set[str]:
        """One transaction for `nodes`; the run's counts move only once it is committed."""
        now = utcnow()
        common: _Batch = {"instance_id": instance.id, "run_id": state.run.id, "now": now}
        place = {"component_id": component.id, "space_id": component.space_id}
        tally = _Tally()
        project_ids: set[str] = set()
        with self._fenced(state) as session:
            # Scopes repeat on every page: each is written (or found unchanged) once per run.
            scopes = {
                (row["kind"], row["remote_id"]): row
                for n in nodes
                for row in normalise.classifiers_in(n, state.scopes_seen)
            }
            if scopes:
                written = write_batch(
                    session,
                    table_of(models.Scope),
                    list(scopes.values()),
                    resource="scopes",
                    key_extra=("kind",),
                    **common,
                )
                tally.add(written)
            written = write_nodes(
                session,
                table_of(resource.model),
                [(node, place) for node in nodes],
                resource.normalise,
                resource.sources,
                resource=resource.name,
                **common,
            )
            tally.add(written, only=fresh)
            if resource.model is models.Budget:
                projects = [
                    (p, {**place, "budget_id": written.ids[str(node["id"])]})
                    for node in nodes
                    for p in node.get("projects") or []
                    if p
                ]
                project_ids = {str(p["id"]) for p, _ in projects}
                written = write_nodes(
                    session,
                    table_of(models.Project),
                    projects,
                    normalise.project,
                    normalise.PROJECT_SOURCES,
                    resource="projects",
                    **common,
                )
                tally.add(written, only=project_ids - projects_seen)
            session.commit()
        state.scopes_seen.update(scopes)
        state.tally.merge(tally)
        return project_ids

    def _settle_missing(
        self,
        instance: Instance,
        state: _RunState,
        component: models.Component,
        resource: ComponentResource,
        seen: IdSet,
        seen_projects: set[str],
        unsettled: bool,
    ) -> None:
        """Tombstone what Decidim no longer shows, after asking for each record by id."""
        now = utcnow()
        with self.sessions() as session:
            missing = self._absent(
                session,
                resource.model,
                instance.id,
                seen,
                resource.model.component_id == component.id,
            )
        if unsettled:
            return
        gone = missing
        if len(missing) <= VERIFY_LIMIT:
            gone = []
            for record_id, rid in missing:
                node = state.client.one(
                    resource.name,
                    resource.by_id_operation,
                    resource.single,
                    component.remote_id,
                    rid,
                )
                if node is None:
                    gone.append((record_id, rid))
                else:
                    seen_projects |= self._write_page(
                        instance, state, component, resource, [node], {rid}, seen_projects
                    )
        with self._fenced(state) as session:
            self._tombstone(session, state, resource.model, resource.name, gone, now)
            if resource.model is models.Budget:
                gone_projects = self._absent(
                    session,
                    models.Project,
                    instance.id,
                    seen_projects,
                    models.Project.component_id == component.id,
                )
                self._tombstone(session, state, models.Project, "projects", gone_projects, now)
            session.commit()

    # -- helpers -----------------------------------------------------------------------------
    @staticmethod
    def _absent(
        session: Session,
        model: type[models.SyncedRecord],
        instance_id: int,
        present: Container[str],
        *where: ColumnElement[bool],
    ) -> list[tuple[int, str]]:
        """Stored live records whose remote id is not in `present`, read in batches (a
        server-side cursor on PostgreSQL): memory stays flat whatever the component's size.
        Through the session's connection: plain rows, without the ORM's loading of each."""
        rows = session.connection().execute(
            select(model.id, model.remote_id)
            .where(model.instance_id == instance_id, model.removed_at.is_(None), *where)
            .execution_options(yield_per=2000)
        )
        return [(row.id, row.remote_id) for row in rows if row.remote_id not in present]

    @staticmethod
    def _tombstone(
        session: Session,
        state: _RunState,
        model: type[models.SyncedRecord],
        resource: str,
        records: list[tuple[int, str]],
        now: datetime,
    ) -> None:
        if not records:
            return
        ids = [record_id for record_id, _ in records]
        for start in range(0, len(ids), 500):
            session.execute(
                update(model).where(model.id.in_(ids[start : start + 500])).values(removed_at=now)
            )
        state.tally.removed += len(records)
        run = state.run
        save_changes(
            session,
            [
                change_row(
                    run.id,
                    run.instance_id,
                    resource,
                    record_id,
                    rid,
                    "removed",
                    now,
                    "removed_at",
                    None,
                    now,
                )
                for record_id, rid in records
            ],
        )

    def _beat(self, state: _RunState) -> None:
        if (utcnow() - state.last_saved).total_seconds() >= PROGRESS_EVERY_SECONDS:
            self._save_progress(state)

    @contextmanager
    def _fenced(self, state: _RunState) -> Iterator[Session]:
        """A session whose transactions check that this run still holds its lock before their
        first write (`InstanceLock.fence_writes`); one that writes nothing costs no fence."""
        if state.beat.lost.is_set():
            raise LockLost("the sync lock was taken over by another process; this run stopped")
        with self.sessions() as session:
            state.lock.fence_writes(session)
            yield session

    def _save_progress(self, state: _RunState) -> None:
        """What an admin watching the run sees: components done, pages read, records so far
        (created / updated / unchanged / removed), retries and warnings."""
        state.last_saved = utcnow()
        with self._fenced(state) as session:
            runs = table_of(SyncRun)  # the table: no ORM bulk-update bookkeeping
            session.execute(
                update(runs)
                .where(runs.c.id == state.run.id)
                .values(
                    heartbeat_at=state.last_saved,
                    progress={
                        "done": state.done,
                        "pages": state.pages,
                        "records": asdict(state.tally),
                        "retries": state.client.retries_made,
                        "warnings": len(state.run.warnings or []),
                    },
                    requests=state.client.requests_made,
                )
            )
            session.commit()


@dataclass
class _RunState:
    run: SyncRun
    client: DecidimClient
    tally: _Tally
    lock: InstanceLock
    beat: Heartbeat
    done: list[str]
    scopes_seen: set[tuple[str, str]] = field(default_factory=set)
    pages: int = 0
    last_saved: Any = field(default_factory=utcnow)
