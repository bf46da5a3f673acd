"""`bridge commitments import FILE --mandate NAME [--apply]`: the spreadsheet import from a
command line, a dry run unless `--apply` (the same plan as the admin page, all or nothing)."""

from __future__ import annotations

from pathlib import Path

import click
from sqlalchemy import select

from bridge.plugin import current_context
from plugins.commitments import sheetimport
from plugins.commitments.models import Mandate
from plugins.commitments.words import at, place, say, status_name


@click.group()
def commitments() -> None:
    """A mandate's commitments: import from a spreadsheet."""


@commitments.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--mandate", "name", required=True, help="The mandate's name.")
@click.option("--apply", "apply_", is_flag=True, help="Write the changes (else a dry run).")
def import_command(file: Path, name: str, apply_: bool) -> None:
    """Import FILE (.xlsx, or CSV with ; or ,) into the mandate NAME: say what would change,
    or every cell at fault by sheet, row and column (exit 1, nothing written)."""
    context = current_context("commitments")
    with context.transaction() as session:
        mandate = session.scalar(select(Mandate).where(Mandate.name == name))
        if mandate is None:
            raise click.ClickException(f"no mandate named {name!r}")
        planned = sheetimport.plan(session, mandate, file.read_bytes())
        if not planned.ok:
            for problem in planned.problems:
                where = place(planned.sheet, problem.line, problem.column)
                click.echo(at(where, say(problem.msgid, problem.variables)), err=True)
            raise click.exceptions.Exit(1)
        for line in planned.lines:
            if line.action == "unchanged":
                continue
            moved = (
                f" {status_name(line.status[0])} -> {status_name(line.status[1])}"
                if line.status
                else ""
            )
            click.echo(f"row {line.line}: {line.ref} {line.action}{moved}")
        if apply_:
            summary = sheetimport.apply(session, context, mandate, planned)
            click.echo(f"imported: {summary['create']} created, {summary['update']} changed")
        else:
            click.echo("dry run: nothing written (add --apply to import)")
