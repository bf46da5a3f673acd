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


def _configured_columns() -> dict[str, str]:
    """[plugins.budget.columns] in the settings: the finance export's own header names."""
    return dict(Settings.load().plugins.get("budget", {}).get("columns", {}))


def _envelope(session, name: str) -> Envelope:
    found = session.scalar(select(Envelope).where(Envelope.name == name))
    if found is None:
        raise click.ClickException(f"no envelope named {name!r}")
    return found


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
    columns = {**_configured_columns(), **dict(_pair(m) for m in mapping)}
    with _sessions()() as session:
        found = _envelope(session, envelope_name)
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


@budget.command("allocate")
@click.argument("envelope_name")
@click.option("--amount", required=True, help="In euros.")
@click.option("--project", "project_id", type=int, help="Our id of a synced budget project.")
@click.option("--result", "result_id", type=int, help="Our id of a synced result.")
@click.option("--label", help="What the money is for (required for a local action).")
@click.option("--theme")
@click.option("--neighbourhood")
def allocate(
    envelope_name: str,
    amount: str,
    project_id: int | None,
    result_id: int | None,
    label: str | None,
    theme: str | None,
    neighbourhood: str | None,
) -> None:
    """Allocate part of ENVELOPE_NAME to a project, a result or a local action."""
    from bridge.store.models import Project, Result
    from plugins.budget.models import Allocation

    try:
        cents = parse_euros(amount)
    except AmountError as exc:
        raise click.ClickException(f"--amount: {exc}") from exc
    with _sessions()() as session:
        envelope = _envelope(session, envelope_name)
        target = None
        if project_id is not None:
            target = session.get(Project, project_id)
        elif result_id is not None:
            target = session.get(Result, result_id)
        if (project_id or result_id) and target is None:
            raise click.ClickException("no such project or result (use our id, see the API)")
        if target is None and not label:
            raise click.ClickException("a local action needs --label")
        label = label or (target.title or {}).get("fr") or target.remote_id
        allocation = Allocation(
            envelope_id=envelope.id,
            label=label,
            amount_cents=cents,
            project_id=project_id,
            result_id=result_id,
            theme=theme,
            neighbourhood=neighbourhood,
            status="confirmed",
            upstream_amount_cents=(
                target.budget_amount * 100
                if project_id and target.budget_amount is not None
                else None
            ),
            created_at=utcnow(),
        )
        session.add(allocation)
        session.commit()
        click.echo(f"allocation {allocation.id}: {euros(cents)} EUR to {label}")


@budget.command("confirm")
@click.argument("allocation_id", type=int)
def confirm(allocation_id: int) -> None:
    """Confirm an allocation the plugin proposed (a Decidim project became selected)."""
    from plugins.budget.models import Allocation

    with _sessions()() as session:
        allocation = session.get(Allocation, allocation_id)
        if allocation is None:
            raise click.ClickException(f"no allocation {allocation_id}")
        allocation.status = "confirmed"
        session.commit()
    click.echo(f"allocation {allocation_id} confirmed")
