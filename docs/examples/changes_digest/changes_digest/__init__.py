"""Count, per day and resource, what changed upstream; show it, export it, log it nightly.

The tutorial's plugin (`docs/plugins.md`): it implements every hook of `bridge/hookspecs.py`,
and imports nothing of the bridge but `bridge.plugin`."""

from __future__ import annotations

import csv
import io
import logging
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import click
from flask import Blueprint, jsonify
from sqlalchemy import Date, Integer, String, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from bridge.plugin import (
    AuditWording,
    Export,
    Job,
    MenuItem,
    PublicLink,
    Reference,
    current_context,
    hookimpl,
    utcnow,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DigestSettings:
    """`[plugins.changes_digest]`: when the nightly job logs the digest (crontab, Paris time)."""

    log_cron: str = "0 6 * * *"

    def __post_init__(self):
        if len(self.log_cron.split()) != 5:
            raise ValueError(f"log_cron has five fields, like 0 6 * * * (got {self.log_cron!r})")


class Base(DeclarativeBase):
    """The plugin's own MetaData, which its Alembic history alone manages."""


class DigestRow(Base):
    __tablename__ = "changes_digest"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    resource: Mapped[str] = mapped_column(String(40), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


def add(session, day: date, resource: str, count: int) -> None:
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(DigestRow).values(day=day, resource=resource, count=count)
    session.execute(
        stmt.on_conflict_do_update(
            index_elements=["day", "resource"], set_={"count": DigestRow.count + count}
        )
    )


def rows(session) -> list[DigestRow]:
    return session.scalars(select(DigestRow).order_by(DigestRow.day, DigestRow.resource)).all()


# -- hooks ------------------------------------------------------------------------------------
@hookimpl
def settings_model():
    return DigestSettings


@hookimpl
def migrations_path():
    return str(Path(__file__).parent / "migrations")


@hookimpl
def consume_changes(session, changes):
    """One upsert per day and resource of the batch; the bridge commits it with the cursor.

    A counter is not idempotent: a batch delivered twice (a crash before the commit cannot do
    it, `bridge plugins replay` does) is counted twice. A consumer that must not double-count
    keeps the ids it applied, or recomputes from the records."""
    counts = Counter((change.changed_at.date(), change.resource) for change in changes)
    for (day, resource), count in sorted(counts.items()):
        add(session, day, resource, count)


@hookimpl
def sync_finished(context, run):
    log.info("digest: run %s %s", run.id, run.status)


blueprint = Blueprint("changes_digest", __name__)


@blueprint.get("/api/v1/digest")
@blueprint.get("/digest/")  # the inner rule is the one url_for() builds
def digest():
    with current_context("changes_digest").sessions() as session:
        return jsonify(
            items=[
                {"day": r.day.isoformat(), "resource": r.resource, "count": r.count}
                for r in rows(session)
            ],
            next=None,
        )


@hookimpl
def blueprints():
    return [blueprint]


@hookimpl
def openapi_paths():
    return {
        "/digest": {
            "get": {
                "summary": "Changes per day and resource",
                "operationId": "changes_digest",
                "responses": {"200": {"description": "The digest"}},
            }
        }
    }


@hookimpl
def public_links():
    return [PublicLink({"fr": "Changements", "en": "Changes"}, "changes_digest.digest")]


@hookimpl
def admin_menu():
    return [
        MenuItem(
            {"fr": "Résumé des changements", "en": "Changes digest"},
            "changes_digest.digest",
            role="viewer",
        )
    ]


@click.command("digest")
def digest_command():
    """Print the changes digest."""
    with current_context("changes_digest").sessions() as session:
        for row in rows(session):
            click.echo(f"{row.day}\t{row.resource}\t{row.count}")


@hookimpl
def cli_commands():
    return [digest_command]


@hookimpl
def scheduled_jobs(context):
    cron = context.config.log_cron
    return [Job("changes-digest-log", lambda: log.info("digest is up to date"), {"cron": cron})]


@hookimpl
def seed_demo(context):
    """The demo's digest starts with today's line, once; the seeding is in the audit log."""
    with context.transaction() as session:
        if not rows(session):
            add(session, utcnow().date(), "demo", 1)
            context.audit(session, "changes_digest.seed", "digest:demo", {"count": 1})


@hookimpl
def audit_wording():
    return [
        AuditWording(
            actions={
                "changes_digest.seed": {
                    "fr": "{who} a amorcé le résumé des changements",
                    "en": "{who} seeded the changes digest",
                }
            },
            labels={"changes_digest.seed": {"fr": "amorçage du résumé", "en": "digest seeding"}},
        )
    ]


@hookimpl
def result_money(context, session, instance, results, projects):
    """The digest counts changes and keeps no money: it answers for no record."""
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
    if kind not in (None, "changes_digest.day"):
        return []
    found = []
    for row in rows(session):
        label = f"{row.day.isoformat()} {row.resource}: {row.count}"
        if search is None or search.casefold() in label.casefold():
            key = f"{row.day.isoformat()}/{row.resource}"
            found.append(Reference("changes_digest.day", key, label, date=row.day))
    return found[:200]


@hookimpl
def followup_actions(context, session):
    """The digest counts changes and follows up no action."""
    return []


def digest_csv(session) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(["jour", "ressource", "changements"])
    for row in rows(session):
        writer.writerow([row.day.isoformat(), row.resource, row.count])
    return out.getvalue().encode("utf-8")


@hookimpl
def exports():
    return [Export("changes-digest", "resume-changements.csv", "text/csv", digest_csv)]
