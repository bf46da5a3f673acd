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

from bridge.plugin import Records, hookimpl


@hookimpl
def settings_model():
    from plugins.budget.settings import BudgetSettings

    return BudgetSettings


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
    from plugins.budget.admin_import import blueprint as admin_import
    from plugins.budget.admin_ledger import blueprint as admin_ledger
    from plugins.budget.api import blueprint as api
    from plugins.budget.public import blueprint as public

    return [admin, admin_ledger, admin_import, api, public]


@hookimpl
def admin_menu():
    from bridge.plugin import N_, MenuItem

    return [MenuItem(N_("Follow-up budget"), "budget_admin.index", role="viewer")]


@hookimpl
def consume_changes(session, changes):
    """A project Decidim marks selected gets a proposed allocation in the envelope its process
    or budget component feeds; an upstream amount change is noted (see `proposals`)."""
    from plugins.budget.proposals import on_changes

    # the records of the database being delivered, whatever the host was made with
    on_changes(session, Records.beside(session), changes)


@hookimpl
def seed_demo(context):
    from plugins.budget.demo import seed

    seed(context.sessions, context.records)


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
    from bridge.plugin import N_, PublicLink

    return [PublicLink(N_("Follow-up budget"), "budget_public.page")]


@hookimpl
def result_money(session, instance, results, projects):
    from plugins.budget.followup import money

    return money(session, instance, results, projects)


@hookimpl
def reference_money(session, references):
    from plugins.budget.followup import reference_money as answer

    return answer(session, references)


@hookimpl
def instance_deleting(session, instance_id):
    from plugins.budget.detach import detach_instance

    detach_instance(session, Records.beside(session), instance_id)


@hookimpl
def audit_wording():
    from plugins.budget.wording import WORDING

    return [WORDING]


@hookimpl
def references(session, kind, search):
    """Confirmed allocations and ledger lines, to cite as evidence (in `citations`: a
    submodule named `references` would replace this hook)."""
    from plugins.budget.citations import cited

    return cited(session, kind, search)
