"""The committees plugin: follow-up committees (comités de suivi) after a Decidim vote.

Committees, their members and memberships, meetings with agenda, attendance, minutes,
decisions and attachments, and the action items decisions lead to, linked to synced
accountability results and budget allocations by stable keys.

No submodule may be named like a hook (see docs/plugins/admin-pages.md, "the trap").
"""

from __future__ import annotations

from pathlib import Path

from bridge.plugin import hookimpl


@hookimpl
def migrations_path():
    return str(Path(__file__).parent / "migrations")


@hookimpl
def cli_commands():
    # h7: `bridge accountability export` (the file for Decidim's "Import results")
    from plugins.committees.accountability import accountability_group
    from plugins.committees.accountability_push import push_command

    # h1: `bridge accountability push` (the committees' progress through Decidim's write API)
    accountability_group.add_command(push_command)
    return [accountability_group]


@hookimpl
def scheduled_jobs(context):
    # h7: the daily reminders (action items due soon or overdue, agendas), through the outbox
    from plugins.committees import reminders

    return [reminders.job(context)]


@hookimpl
def settings_model():
    from plugins.committees.settings import CommitteesSettings

    return CommitteesSettings


@hookimpl
def blueprints():
    # h7: the roll-up and the file for Decidim's "Import results"
    from plugins.committees.accountability_pages import blueprint as accountability
    from plugins.committees.admin import blueprint as admin
    from plugins.committees.admin_meetings import blueprint as meetings
    from plugins.committees.admin_members import blueprint as members
    from plugins.committees.api import blueprint as api
    from plugins.committees.public import blueprint as public

    return [admin, members, meetings, public, accountability, api]


@hookimpl
def admin_menu():
    from bridge.plugin import N_, MenuItem

    return [MenuItem(N_("Follow-up committees"), "committees_admin.index", role="viewer")]


@hookimpl
def public_links():
    from bridge.plugin import N_, PublicLink

    return [PublicLink(N_("Follow-up committees"), "committees_public.committees")]


@hookimpl(trylast=True)  # after the budget's seed: it links the budget's demo allocations
def seed_demo(context):
    from plugins.committees.demo import seed

    seed(context)


@hookimpl
def references(session, kind, search):
    from plugins.committees.citations import references as answer

    return answer(session, kind, search)


@hookimpl
def followup_actions(session):
    from plugins.committees.citations import followup_actions as answer

    return answer(session)


@hookimpl
def openapi_paths():
    from plugins.committees.api import OPENAPI_PATHS

    return OPENAPI_PATHS


@hookimpl
def audit_wording():
    # h9: the audit log page's sentences for the committees' actions
    from plugins.committees.wording import WORDING

    return [WORDING]
