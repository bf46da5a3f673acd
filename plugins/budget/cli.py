"""`bridge budget ...`: envelopes and the import of the finance department's CSV."""

from __future__ import annotations

from pathlib import Path

import click
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bridge.config import Settings
from bridge.store.db import make_engine, make_sessionmaker
from bridge.timeutil import utcnow
from plugins.budget import csvimport
from plugins.budget.figures import for_envelopes
from plugins.budget.models import Envelope
from plugins.budget.money import AmountError, euros, parse_euros


def _sessions():
    return make_sessionmaker(make_engine(Settings.load().database_url))


@click.group()
def budget() -> None:
    """Follow-up budgets: envelopes, allocations, commitments and payments."""


@budget.group()
def envelope() -> None:
    """Money set aside (e.g. 700,000 EUR for the actions citizens voted)."""


@envelope.command("add")
@click.argument("name")
@click.option("--amount", required=True, help="In euros: 700000 or 700000.00 or '700 000,00'.")
@click.option("--year", type=int, help="First year (repeat --until for several years).")
@click.option("--until", type=int, help="Last year, when the envelope spans several.")
@click.option("--source", help="Where the money comes from (budget line, grant...).")
def envelope_add(
    name: str, amount: str, year: int | None, until: int | None, source: str | None
) -> None:
    """Create envelope NAME."""
    try:
        cents = parse_euros(amount)
    except AmountError as exc:
        raise click.ClickException(f"--amount: {exc}") from exc
    with _sessions()() as session:
        session.add(
            Envelope(
                name=name,
                amount_cents=cents,
                year_start=year,
                year_end=until or year,
                source=source,
                created_at=utcnow(),
            )
        )
        try:
            session.commit()
        except IntegrityError as exc:
            raise click.ClickException(f"an envelope named {name!r} already exists") from exc
    click.echo(f"envelope {name}: {euros(cents)} EUR")


@envelope.command("list")
def envelope_list() -> None:
    """Envelopes with allocated, committed, paid and remaining."""
    with _sessions()() as session:
        figures = for_envelopes(session)
        for e in session.scalars(select(Envelope).order_by(Envelope.name)):
            f = figures[e.id]
            click.echo(
                f"{e.name}\tamount {euros(f.amount)}\tallocated {euros(f.allocated)}\t"
                f"committed {euros(f.committed)}\tpaid {euros(f.paid)}\t"
                f"remaining {euros(f.remaining)}"
            )


@budget.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--envelope", "envelope_name", required=True)
@click.option("--dry-run", is_flag=True, help="Check the file and report; write nothing.")
@click.option(
    "--map",
    "mapping",
    multiple=True,
    metavar="FIELD=COLUMN",
    help="Column of FIELD in the file, e.g. --map amount='Montant TTC'.",
)
def import_command(file: Path, envelope_name: str, dry_run: bool, mapping: tuple[str]) -> None:
    """Import commitments and payments from FILE (all or nothing; idempotent)."""
    columns = dict(_pair(m) for m in mapping)
    with _sessions()() as session:
        found = session.scalar(select(Envelope).where(Envelope.name == envelope_name))
        if found is None:
            raise click.ClickException(f"no envelope named {envelope_name!r}")
        report = csvimport.import_file(
            session, found.id, file.read_bytes(), dry_run=dry_run, mapping=columns
        )
    for error in report.errors:
        click.echo(error, err=True)
    if not report.ok:
        raise click.ClickException(f"{len(report.errors)} bad row(s); nothing was imported")
    verb = "would import" if dry_run else "imported"
    click.echo(f"{verb} {len(report.new)} line(s); {report.already} already imported")


def _pair(text: str) -> tuple[str, str]:
    field, sep, column = text.partition("=")
    if not sep or field not in csvimport.REQUIRED + csvimport.OPTIONAL:
        raise click.BadParameter(
            f"{text!r}: expected FIELD=COLUMN with FIELD one of "
            f"{', '.join(csvimport.REQUIRED + csvimport.OPTIONAL)}"
        )
    return field, column
