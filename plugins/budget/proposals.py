"""Allocations proposed by a sync: a Decidim project became selected, and an envelope says it
is fed by that project's process or budget component.

A project is known by its Decidim site and remote id (`project_key`), not by our row id: two
instances reading the same Decidim store the same project twice, and it must still be proposed
once. The key is unique in the database: an envelope's sources given while a batch of changes
is delivered cannot file it twice (the batch fails, and is delivered again later).
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bridge.plugin import Change, Project, Records, utcnow
from plugins.budget.models import Allocation, Envelope, EnvelopeSource


def site(base_url: str) -> str:
    """An instance's Decidim site, written one way: `HTTPS://Ivry.fr/` is `https://ivry.fr`."""
    parts = urlsplit(base_url.strip())
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}{parts.path.rstrip('/')}"


def project_key(records: Records, project: Project) -> str:
    name = records.instance_name(project.instance_id)
    instance = records.instance(name) if name is not None else None
    if instance is None:
        raise LookupError(f"project {project.remote_id}: its instance is gone")
    return f"{site(instance.base_url)}#project-{project.remote_id}"


def envelope_fed_by(session: Session, records: Records, project: Project) -> Envelope | None:
    """The open envelope whose sources name the project's budget component or process (the
    oldest when several do); None when no envelope is fed from there."""
    instance, (space_type, space_remote_id), component_remote_id = records.place_of(project)
    return session.scalar(
        select(Envelope)
        .join(EnvelopeSource, EnvelopeSource.envelope_id == Envelope.id)
        .where(
            Envelope.closed_at.is_(None),
            EnvelopeSource.instance == instance,
            or_(
                EnvelopeSource.component_remote_id == component_remote_id,
                (EnvelopeSource.component_remote_id.is_(None))
                & (EnvelopeSource.space_type == space_type)
                & (EnvelopeSource.space_remote_id == space_remote_id),
            ),
        )
        .order_by(Envelope.id)
        .limit(1)
    )


def on_changes(session: Session, records: Records, changes: list[Change]) -> None:
    """A batch of the change log: the projects it created or updated, read in one query, each
    looked at once (selected in the batch if any of its changes selected it). Idempotent, as a
    batch may come twice: a project with an allocation is never proposed again. Writes in the
    caller's transaction; the delivery commits it."""
    touched: dict[tuple[int, str], bool] = {}
    for change in changes:
        if change.resource == "projects" and change.kind in ("created", "updated"):
            newly = change.kind == "created" or change.field == "selected"
            key = (change.instance_id, change.remote_id)
            touched[key] = touched.get(key, False) or newly
    projects: list[Project] = []
    for instance_id in sorted({i for i, _ in touched}):
        name = records.instance_name(instance_id)
        if name is not None:
            wanted = [r for i, r in touched if i == instance_id]
            projects += records.projects.many(name, wanted).values()
    for project in sorted(projects, key=lambda p: p.id):
        newly = touched[(project.instance_id, project.remote_id)]
        on_project_changed(session, records, project, newly_selected=newly)


def on_project_changed(
    session: Session, records: Records, project: Project, *, newly_selected: bool
) -> None:
    """Propose an allocation for a project newly selected; note an upstream amount change on
    the project's allocation (its figures then warn). Adds to the caller's transaction."""
    key = project_key(records, project)
    allocation = session.scalar(select(Allocation).where(Allocation.project_key == key))
    if allocation is not None:
        upstream = None if project.budget_amount is None else project.budget_amount * 100
        if upstream is not None and allocation.upstream_amount_cents != upstream:
            allocation.upstream_amount_cents = upstream
        return
    if not (newly_selected and project.selected):
        return
    envelope = envelope_fed_by(session, records, project)
    if envelope is None:
        return
    _propose(session, records, envelope, project, key)
    session.flush()  # the next project of the batch with the same key sees this one


def propose_from_sources(session: Session, records: Records, envelope: Envelope) -> int:
    """When an envelope is given its sources: the selected projects already synced there that
    no allocation holds yet. The caller commits. Returns how many were proposed."""
    sources = session.scalars(
        select(EnvelopeSource).where(EnvelopeSource.envelope_id == envelope.id)
    ).all()
    if not sources or envelope.closed_at is not None:
        return 0
    fed = {
        project.id: project
        for s in sources
        for project in _projects_of(records, s)
        if project.selected
    }
    taken = set(
        session.scalars(select(Allocation.project_key).where(Allocation.project_key.is_not(None)))
    )
    proposed = 0
    for _id, project in sorted(fed.items()):
        key = project_key(records, project)
        if key not in taken:
            taken.add(key)
            _propose(session, records, envelope, project, key)
            proposed += 1
    return proposed


def _projects_of(records: Records, source: EnvelopeSource) -> Iterator[Project]:
    """The projects of a source: its budget component, or else its process."""
    if source.component_remote_id is not None:
        return records.projects.iterate(source.instance, component=source.component_remote_id)
    if source.space_type is None or source.space_remote_id is None:
        return iter(())
    return records.projects.iterate(
        source.instance, space=(source.space_type, source.space_remote_id)
    )


def _propose(
    session: Session, records: Records, envelope: Envelope, project: Project, key: str
) -> None:
    amount = (project.budget_amount or 0) * 100
    session.add(
        Allocation(
            envelope_id=envelope.id,
            label=(project.title or {}).get("fr") or project.remote_id,
            amount_cents=amount,
            instance=records.instance_name(project.instance_id),
            project_remote_id=project.remote_id,
            project_key=key,
            status="proposed",
            upstream_amount_cents=amount,
            created_at=utcnow(),
        )
    )
