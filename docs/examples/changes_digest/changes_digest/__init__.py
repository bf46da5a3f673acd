"""Count, per day and resource, what changed upstream; show it, export it, log it nightly."""

from __future__ import annotations

import csv
import io
import logging
from collections import Counter
from datetime import date
from pathlib import Path

import click
from flask import Blueprint, current_app, jsonify
from sqlalchemy import Date, Integer, String, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from bridge.plugin import Export, Job, MenuItem, command_context, hookimpl

log = logging.getLogger(__name__)


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


blueprint = Blueprint("changes_digest", __name__, url_prefix="/digest")


@blueprint.get("/")
def digest():
    with current_app.extensions["bridge"].sessions() as session:
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
    with command_context().sessions() as session:
        for row in rows(session):
            click.echo(f"{row.day}\t{row.resource}\t{row.count}")


@hookimpl
def cli_commands():
    return [digest_command]


@hookimpl
def scheduled_jobs(context):
    return [
        Job("changes-digest-log", lambda: log.info("digest is up to date"), {"cron": "0 6 * * *"})
    ]


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
