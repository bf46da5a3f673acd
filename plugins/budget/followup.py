"""The money beside each result and project of the core's public follow-up page: what was
allocated to it, committed and paid (confirmed allocations and their ledger); and the money of
allocations cited by reference key (a committee's action item that spends one), with the
result or the voted project that already carries it, so a report adding both counts it once.

A project is found by its identity (Decidim site + remote id, see `proposals`), so the page of
a second instance reading the same Decidim shows the money allocated through the first."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bridge.plugin import Instance, Money, Project, RecordKey, Records, ReferenceMoney, Result
from plugins.budget.citations import ALLOCATION
from plugins.budget.figures import for_allocations
from plugins.budget.models import Allocation, Envelope
from plugins.budget.proposals import site


def money(
    session: Session, instance: Instance, results: list[Result], projects: list[Project]
) -> list[Money]:
    """Allocated, committed and paid of the allocations that point at these records."""
    if not results and not projects:
        return []
    result_ids = {r.remote_id: r.id for r in results}
    project_ids = {p.remote_id: p.id for p in projects}
    by_key = {f"{site(instance.base_url)}#project-{p.remote_id}": p.id for p in projects}
    allocations = session.execute(
        select(
            Allocation.id,
            Allocation.instance,
            Allocation.result_remote_id,
            Allocation.project_remote_id,
            Allocation.project_key,
        ).where(
            or_(
                (Allocation.instance == instance.name)
                & (
                    Allocation.result_remote_id.in_(list(result_ids))
                    | Allocation.project_remote_id.in_(list(project_ids))
                ),
                Allocation.project_key.in_(list(by_key)),
            ),
            Allocation.status == "confirmed",
        )
    ).all()
    figures = for_allocations(session, [a.id for a in allocations])
    totals: dict[tuple[str, int], list[int]] = {}
    for allocation_id, name, result_remote_id, project_remote_id, project_key in allocations:
        if result_remote_id and name == instance.name:
            key = ("results", result_ids[result_remote_id])
        elif project_key in by_key:
            key = ("projects", by_key[project_key])
        elif project_remote_id and name == instance.name:
            key = ("projects", project_ids[project_remote_id])
        else:
            continue
        f = figures[allocation_id]
        total = totals.setdefault(key, [0, 0, 0])
        total[0] += f.allocated
        total[1] += f.committed
        total[2] += f.paid
    return [Money(resource, record_id, *total) for (resource, record_id), total in totals.items()]


def reference_money(session: Session, references: list[str]) -> list[ReferenceMoney]:
    """Allocated, committed and paid of each confirmed allocation cited as
    "budget.allocation:<id>" (the key of the `references` hook), the same figures as the
    allocation's own page, with the result or the project it funds (`results`, `projects`);
    other kinds, unknown ids and unconfirmed allocations are left out."""
    ids = set()
    for reference in references:
        kind, _, key = reference.partition(":")
        if kind == ALLOCATION and key.isdigit():
            ids.add(int(key))
    if not ids:
        return []
    rows = session.execute(
        select(Allocation, Envelope.name, Envelope.amount_cents)
        .join(Envelope, Envelope.id == Allocation.envelope_id)
        .where(Allocation.id.in_(ids), Allocation.status == "confirmed")
    ).all()
    figures = for_allocations(session, [allocation.id for allocation, _, _ in rows])
    readers = _project_readers(session) if any(a.project_key for a, _, _ in rows) else {}
    return [
        ReferenceMoney(
            f"{ALLOCATION}:{allocation.id}",
            figures[allocation.id].allocated,
            figures[allocation.id].committed,
            figures[allocation.id].paid,
            results=(RecordKey(allocation.instance, "results", allocation.result_remote_id),)
            if allocation.instance and allocation.result_remote_id
            else (),
            budget=envelope,
            budget_cents=envelope_cents,
            projects=funded_projects(allocation, readers),
        )
        for allocation, envelope, envelope_cents in rows
    ]


def funded_projects(allocation: Allocation, readers: dict[str, list[str]]) -> tuple[RecordKey, ...]:
    """The synced project an allocation funds, as every instance reading its Decidim site
    knows it (`readers`: site -> instance names), so that a commitment citing the project
    through any of them counts the allocation once; the allocation's own instance and remote
    id when it has no project key."""
    keys: list[RecordKey] = []
    if allocation.instance and allocation.project_remote_id:
        keys.append(RecordKey(allocation.instance, "projects", allocation.project_remote_id))
    if allocation.project_key:
        where, _, remote_id = allocation.project_key.rpartition("#project-")
        for name in readers.get(where, []):
            key = RecordKey(name, "projects", remote_id)
            if remote_id and key not in keys:
                keys.append(key)
    return tuple(keys)


def _project_readers(session: Session) -> dict[str, list[str]]:
    """The names of the instances reading each Decidim site."""
    readers: dict[str, list[str]] = {}
    for instance in Records.beside(session).instances():
        readers.setdefault(site(instance.base_url), []).append(instance.name)
    return readers
