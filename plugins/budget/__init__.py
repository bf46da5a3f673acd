"""The budget plugin: the money a city promised, committed and spent after a Decidim vote.

Decidim knows how much each voted project costs, not what was committed or paid afterwards.
This plugin keeps envelopes, their allocations to synced projects, results or local actions,
and the ledger of commitments (engagements) and payments (mandatements) imported from the
finance department's CSV.

No submodule may be named like a hook (importing `plugins.budget.exports` would replace the
`exports` hook below with the module, for every later registration).
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from bridge.plugin import hookimpl
from bridge.store.models import Project
from bridge.timeutil import utcnow


@hookimpl
def migrations_path():
    return str(Path(__file__).parent / "migrations")


@hookimpl
def cli_commands():
    from plugins.budget.cli import budget

    return [budget]


@hookimpl
def blueprints():
    from plugins.budget.admin import blueprint as admin
    from plugins.budget.api import blueprint as api
    from plugins.budget.public import blueprint as public

    return [admin, api, public]


@hookimpl
def admin_menu():
    from bridge.plugin import MenuItem

    return [
        MenuItem(
            {"fr": "Budget de suivi", "en": "Follow-up budget"}, "budget_admin.index", role="viewer"
        )
    ]


@hookimpl
def record_changed(change, sessions):
    """A project Decidim marks selected gets a proposed allocation; an upstream amount change
    on an allocated project is noted on the allocation (its figures then warn)."""
    if change.resource != "projects" or change.kind not in ("created", "updated"):
        return
    from plugins.budget.models import Allocation, Envelope

    with sessions() as session:
        project = session.get(Project, change.record_id)
        if project is None:
            return
        allocation = session.scalar(select(Allocation).where(Allocation.project_id == project.id))
        if allocation is not None:
            if change.field == "budget_amount" and project.budget_amount is not None:
                allocation.upstream_amount_cents = project.budget_amount * 100
                session.commit()
            return
        selected_now = project.selected and (change.kind == "created" or change.field == "selected")
        envelope = session.scalar(select(Envelope).order_by(Envelope.id))
        if selected_now and envelope is not None:
            session.add(
                Allocation(
                    envelope_id=envelope.id,
                    label=(project.title or {}).get("fr") or project.remote_id,
                    amount_cents=(project.budget_amount or 0) * 100,
                    project_id=project.id,
                    status="proposed",
                    upstream_amount_cents=(project.budget_amount or 0) * 100,
                    created_at=utcnow(),
                )
            )
            session.commit()


@hookimpl
def seed_demo(sessions):
    from plugins.budget.demo import seed

    seed(sessions)


@hookimpl
def exports():
    from plugins.budget.downloads import EXPORTS

    return EXPORTS


@hookimpl
def openapi_paths():
    from plugins.budget.api import OPENAPI_PATHS

    return OPENAPI_PATHS


@hookimpl
def public_links():
    from bridge.plugin import PublicLink

    return [PublicLink({"fr": "Budget de suivi", "en": "Follow-up budget"}, "budget_public.page")]
