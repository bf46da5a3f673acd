"""`bridge budget ...`: envelopes and the import of the finance department's CSV."""

from __future__ import annotations

from pathlib import Path

import click
from sqlalchemy import select

from bridge.plugin import Component, Space, current_context
from plugins.budget import csvimport, writes
from plugins.budget.figures import for_envelopes
from plugins.budget.models import Allocation, Envelope
from plugins.budget.money import euros

CLI_ACTOR = "cli"
OPTION = {"name": "NAME", "year_start": "--year", "year_end": "--until"}
OPTION["envelope"] = "ENVELOPE_NAME"


def _sessions():
    return current_context("budget").sessions


def _configured_columns() -> dict[str, str]:
    return dict(current_context("budget").config.columns)


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
    data = {"name": name, "amount": amount, "year_start": year, "year_end": until or year}
    with _sessions()() as session:
        made = _write(session, writes.create_envelope, {**data, "source": source})
        click.echo(f"envelope {made.name}: {euros(made.amount_cents)} EUR")


def _write(session, operation, *args):
    """Run one of `writes` as the CLI (audited as "cli"); a bad value is `--field: reason`."""
    try:
        made = operation(session, *args, CLI_ACTOR)
    except writes.Invalid as exc:
        raise click.ClickException(f"{OPTION.get(exc.field, '--' + exc.field)}: {exc}") from None
    session.commit()
    return made


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


@envelope.command("sources")
@click.argument("name")
@click.option(
    "--process",
    "processes",
    multiple=True,
    metavar="INSTANCE:SLUG",
    help="A synced process (its slug or Decidim id) whose selected projects feed NAME.",
)
@click.option(
    "--component",
    "components",
    multiple=True,
    metavar="INSTANCE:ID",
    help="One budget component (its Decidim id) whose selected projects feed NAME.",
)
def envelope_sources(name: str, processes: tuple[str], components: tuple[str]) -> None:
    """Say where NAME's projects come from (replaces the list; none: no proposal)."""
    with _sessions()() as session:
        found = _envelope(session, name)
        values = [f"space:{_space(p).id}" for p in processes]
        values += [f"component:{_component(c).id}" for c in components]
        proposed = _write(session, writes.set_sources, found, values)
    click.echo(f"envelope {name}: {len(values)} source(s); {proposed} allocation(s) proposed")


def _instance_and_key(text: str) -> tuple[str, str]:
    instance, sep, key = text.partition(":")
    if not sep or not instance or not key:
        raise click.BadParameter(f"{text!r}: expected INSTANCE:KEY, e.g. ivry:pour-le-climat")
    return instance, key


def _space(text: str) -> Space:
    """The instance's space of that slug or Decidim id (the first synced, for an id that both
    a process and an assembly carry)."""
    instance, key = _instance_and_key(text)
    spaces = current_context("budget").records.spaces.iterate(instance, removed=True)
    found = next((s for s in spaces if key in (s.slug, s.remote_id)), None)
    if found is None:
        raise click.ClickException(f"--process: no synced process {text!r}")
    return found


def _component(text: str) -> Component:
    instance, key = _instance_and_key(text)
    found = current_context("budget").records.components.get(instance, key)
    if found is None:
        raise click.ClickException(f"--component: no synced component {text!r}")
    return found


@envelope.command("close")
@click.argument("name")
@click.option("--reopen", is_flag=True, help="Open a closed envelope again.")
def envelope_close(name: str, reopen: bool) -> None:
    """Close NAME: it keeps its figures and takes no new line, import or allocation."""
    with _sessions()() as session:
        _write(session, writes.set_closed, _envelope(session, name), not reopen)
    click.echo(f"envelope {name}: {'reopened' if reopen else 'closed'}")


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
    """Import commitments and payments from FILE, a CSV or an .xlsx workbook (all or
    nothing; idempotent)."""
    columns = {**_configured_columns(), **dict(_pair(m) for m in mapping)}
    with _sessions()() as session:
        report = writes.import_csv(
            session,
            _envelope(session, envelope_name),
            file.read_bytes(),
            CLI_ACTOR,
            filename=file.name,
            dry_run=dry_run,
            mapping=columns,
        )
        session.commit()
    for error in report.errors:
        click.echo(str(error), err=True)
    if not report.ok:
        raise click.ClickException(f"{len(report.errors)} bad row(s); nothing was imported")
    verb = "would import" if dry_run else "imported"
    click.echo(
        f"{verb} {len(report.new)} line(s); {report.already} already imported; "
        f"envelope {envelope_name!r}"
    )


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
@click.option("--amount", help="In euros (default for a project: its Decidim amount).")
@click.option("--project", "project_id", type=int, help="Our id of a synced budget project.")
@click.option("--result", "result_id", type=int, help="Our id of a synced result.")
@click.option("--label", help="What the money is for (required for a local action).")
@click.option("--theme")
@click.option("--neighbourhood")
def allocate(
    envelope_name: str,
    amount: str | None,
    project_id: int | None,
    result_id: int | None,
    label: str | None,
    theme: str | None,
    neighbourhood: str | None,
) -> None:
    """Allocate part of ENVELOPE_NAME to a project, a result or a local action."""
    data = {
        "envelope": envelope_name,
        "amount": amount,
        "project": project_id,
        "result": result_id,
        "label": label,
        "theme": theme,
        "neighbourhood": neighbourhood,
    }
    with _sessions()() as session:
        made = _write(session, writes.allocate, data)
        click.echo(f"allocation {made.id}: {euros(made.amount_cents)} EUR to {made.label}")


@budget.command("confirm")
@click.argument("allocation_id", type=int)
@click.option("--reject", is_flag=True, help="Reject it instead (it is never proposed again).")
def confirm(allocation_id: int, reject: bool) -> None:
    """Confirm (or reject) an allocation the plugin proposed (a Decidim project became
    selected in a process that feeds the envelope)."""
    with _sessions()() as session:
        allocation = session.get(Allocation, allocation_id)
        if allocation is None:
            raise click.ClickException(f"no allocation {allocation_id}")
        status = "rejected" if reject else "confirmed"
        _write(session, writes.update_allocation, allocation, {"status": status})
        what = writes.what_it_does(allocation, session.get(Envelope, allocation.envelope_id), "en")
    click.echo(f"allocation {allocation_id} {status}: {what}")
