"""`bridge NAME ...`: the plugin's commands, run inside the bridge's command line (so
`bridge --config city.toml NAME counts` reads that file's database)."""

import click
from bridge.plugin import current_context
from sqlalchemy import select

from changes_digest import NAME
from changes_digest.digest import rows
from changes_digest.models import Count


@click.group(NAME)
def group() -> None:
    """Changes digest: the changes it counted, per resource."""


@group.command("counts")
def counts() -> None:
    """Changes delivered to the plugin, per resource."""
    context = current_context(NAME)
    with context.sessions() as session:
        rows = session.scalars(select(Count).order_by(Count.resource)).all()
    if not rows:
        click.echo("no change delivered yet")
    for row in rows:
        click.echo(f"{row.resource}\t{row.count}")


@click.command("digest")
def digest() -> None:
    """Changes delivered to the plugin, per day and resource (`bridge digest`)."""
    with current_context(NAME).sessions() as session:
        for row in rows(session):
            click.echo(f"{row.day}\t{row.resource}\t{row.count}")
