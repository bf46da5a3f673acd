"""The plugin's hooks. Each hook is one function here; the work is in the modules
beside it (pages, API, command, change consumer), imported by the hooks that need them.

Beware: a submodule named like a hook (`blueprints.py`, `cli_commands.py`) would replace the
hook function of that name in this package once imported. Keep such names off the modules.

The tutorial (docs/plugins/changes-digest.md) adds the digest per day: its page, download,
command and nightly job, the demo's line, and the hooks the skeleton leaves out.
"""

import logging
from pathlib import Path

from bridge.plugin import (
    N_,
    AuditWording,
    Export,
    Job,
    MenuItem,
    PublicLink,
    Reference,
    hookimpl,
    utcnow,
)

NAME = "changes_digest"
TITLE = N_("Changes digest")  # a msgid of the catalog, translated where shown

log = logging.getLogger(__name__)


@hookimpl
def settings_model():
    from changes_digest.settings import Settings

    return Settings


@hookimpl
def migrations_path():
    return str(Path(__file__).parent / "migrations")


@hookimpl
def blueprints():
    from changes_digest.admin import blueprint as admin
    from changes_digest.api import blueprint as api
    from changes_digest.digest import blueprint as public

    return [admin, api, public]


@hookimpl
def admin_menu():
    return [MenuItem(TITLE, f"{NAME}_admin.index", role="viewer")]


@hookimpl
def audit_wording():
    """The audit log page says the plugin's writes as sentences (msgids of its catalog), not
    as their action codes; `{after[text]}` is what the entry recorded as written."""
    return [
        AuditWording(
            actions={
                f"{NAME}.note.create": N_("{who} added the note “{after[text]}”"),
                f"{NAME}.seed": N_("{who} seeded the changes digest"),
            },
            labels={
                f"{NAME}.note.create": N_("Changes digest: note added"),
                f"{NAME}.seed": N_("Changes digest: demo seeded"),
            },
        )
    ]


@hookimpl
def openapi_paths():
    from changes_digest.api import openapi
    from changes_digest.digest import openapi as digest_openapi

    return {**openapi(), **digest_openapi()}


@hookimpl
def cli_commands():
    from changes_digest.cli import digest, group

    return [group, digest]


@hookimpl
def consume_changes(session, changes):
    from changes_digest.changes import count

    count(session, changes)


@hookimpl
def sync_finished(context, run):
    """The digest is counted at delivery, after the sync: here, a line in the log only."""
    log.info("%s: run %s %s", NAME, run.id, run.status)


@hookimpl
def public_links():
    return [PublicLink(N_("Changes"), f"{NAME}_public.digest")]


@hookimpl
def exports():
    from changes_digest.digest import digest_csv

    return [Export("changes-digest", "resume-changements.csv", "text/csv", digest_csv)]


@hookimpl
def scheduled_jobs(context):
    """Every night (`log_cron` of `[plugins.changes_digest]`), yesterday's count in the log."""
    return [Job("changes-digest-log", log_digest, {"cron": context.config.log_cron})]


def log_digest() -> None:
    log.info("%s: the digest is up to date", NAME)


@hookimpl
def seed_demo(context):
    """The demo's digest starts with today's line, once; the seeding is in the audit log."""
    from changes_digest.changes import add_to_day
    from changes_digest.digest import rows

    with context.transaction() as session:
        if not rows(session):
            add_to_day(session, utcnow().date(), "demo")
            context.audit(session, f"{NAME}.seed", "digest:demo", {"count": 1})


@hookimpl
def result_money(context, session, instance, results, projects):
    """The digest counts changes and keeps no money: it answers for no record."""
    return []


@hookimpl
def reference_money(context, session, references):
    """A day of the digest may be cited, but it holds no money: no answer for any reference."""
    return []


@hookimpl
def instance_deleting(context, session, instance_id):
    """The digest's rows count changes of every instance together; none points at the
    instance's records, so there is nothing to detach. A plugin whose rows do point at them
    deletes or detaches those rows here, in `session`."""


@hookimpl
def references(context, session, kind, search):
    """Each day of the digest may be cited (a report that says "on that day, 40 results
    changed"): kind `changes_digest.day`, keyed by the day and resource, which never change."""
    from changes_digest.digest import rows

    if kind not in (None, f"{NAME}.day"):
        return []
    found = []
    for row in rows(session):
        label = f"{row.day.isoformat()} {row.resource}: {row.count}"
        if search is None or search.casefold() in label.casefold():
            key = f"{row.day.isoformat()}/{row.resource}"
            found.append(Reference(f"{NAME}.day", key, label, date=row.day))
    return found[:200]


@hookimpl
def followup_actions(context, session):
    """The digest counts changes and follows up no action."""
    return []
