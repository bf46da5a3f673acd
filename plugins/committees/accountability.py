"""The file Decidim's admin "Import results" reads, for one synced accountability component,
with the committees' progress applied (`rollup`); and `bridge accountability export`.

Decidim's importer (`Decidim::Accountability::ResultsCsvImporter`) reads a `;`-separated UTF-8
file with a header row; a row whose `id` is a result of the component UPDATES it, and every
field of the result is set from the row: a column left out or empty wipes what Decidim had. So
every row carries the result's full current state as synced, and only `progress` changes where
the committees' action items say so (a parent's progress is what Decidim itself computes from
its children, written so that the file and Decidim agree whatever the order it saves rows in).
Rows come parents first. Columns: `id`, `parent/id`, `title/<locale>`, `description/<locale>`
(every locale the results have, the instance's first), `start_date`, `end_date` (YYYY-MM-DD),
`status/id`, `progress`, `external_id`, `weight`, `proposal_urls` (`;`-separated inside the
field, as the importer splits them), and `category/id` where the server still has categories
(up to 0.28-0.29; from 0.30 taxonomies replaced them and the importer no longer reads it).
"""

from __future__ import annotations

import csv
import io
import sys
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import click
from sqlalchemy import select
from sqlalchemy.orm import Session

from bridge.plugin import (
    Component,
    InstanceInfo,
    PluginContext,
    Result,
    current_context,
    decidim_urls,
)
from plugins.committees.models import ActionItem, ActionItemResult
from plugins.committees.rollup import ResultNode, Rollup, roll_up

MANIFEST = "Accountability"


class ExportError(LookupError):
    """An instance or component that cannot be exported; the text says which (English, for the
    command line; pages show their own French sentence)."""


@dataclass
class Export:
    """What the file holds, and the roll-up it applied (for the page that offers it)."""

    instance: InstanceInfo
    component: Component
    results: list[Result]
    rollup: Rollup
    header: list[str]
    rows: list[dict[str, str]]

    def csv_bytes(self) -> bytes:
        """The file: `;`-separated, UTF-8 without BOM, CRLF-free (`\\n`), every field quoted
        only when it needs it."""
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=self.header, delimiter=";", lineterminator="\n")
        writer.writeheader()
        writer.writerows(self.rows)
        return out.getvalue().encode("utf-8")

    @property
    def filename(self) -> str:
        return f"resultats-{self.instance.name}-{self.component.remote_id}.csv"


def accountability_components(context: PluginContext, instance: str) -> list[Component]:
    return list(context.records.components.iterate(instance, manifest=MANIFEST))


def find(
    context: PluginContext, instance_name: str, component_id: str
) -> tuple[InstanceInfo, Component]:
    instance = context.records.instance(instance_name)
    if instance is None:
        raise ExportError(f"no instance named {instance_name!r}")
    component = context.records.components.get(instance_name, str(component_id))
    if component is None or component.removed_at is not None:
        raise ExportError(f"no synced component {component_id!r} in instance {instance_name!r}")
    if component.manifest != MANIFEST:
        raise ExportError(
            f"component {component_id!r} of {instance_name!r} is not an accountability "
            f"component ({component.manifest})"
        )
    return instance, component


def linked_progress(session: Session, instance: str) -> dict[str, list[float]]:
    """Decidim id of a result -> the progress of each action item linked to it (of `instance`;
    cancelled items left out)."""
    rows = session.execute(
        select(ActionItemResult.result_remote_id, ActionItem.progress)
        .join(ActionItem, ActionItem.id == ActionItemResult.action_item_id)
        .where(ActionItemResult.instance == instance, ActionItem.status != "cancelled")
    ).all()
    found: dict[str, list[float]] = defaultdict(list)
    for remote_id, progress in rows:
        found[str(remote_id)].append(float(progress))
    return dict(found)


def category_column(instance: InstanceInfo, results: Sequence[Result]) -> bool:
    """Whether the file carries `category/id`: the server's own answer when we asked it (its
    capabilities: results have a `category` field), else what was synced."""
    offered = instance.offers("Result.category")
    if offered is not None:
        return offered
    return any(r.category_remote_id for r in results)


def build(context: PluginContext, instance_name: str, component_id: str) -> Export:
    """The export of one component, read from the synced records and the committees' items."""
    with context.sessions() as session:
        instance, component = find(context, instance_name, component_id)
        progress = linked_progress(session, instance_name)
    results = list(context.records.results.iterate(instance_name, component=component.remote_id))
    rollup = roll_up(
        [
            ResultNode(
                r.remote_id,
                r.parent_remote_id,
                r.progress,
                float(r.weight) if r.weight is not None else None,
            )
            for r in results
        ],
        progress,
    )
    locales = _locales(instance, results)
    with_category = category_column(instance, results)
    header = ["id", "parent/id"]
    header += [f"title/{locale}" for locale in locales]
    header += [f"description/{locale}" for locale in locales]
    header += ["start_date", "end_date", "status/id", "progress", "external_id", "weight"]
    header += ["proposal_urls"]
    if with_category:
        header.append("category/id")
    by_id = {r.remote_id: r for r in results}
    urls = _proposal_urls(context, instance, results)
    rows = []
    for remote_id in rollup.order:
        result, rolled = by_id[remote_id], rollup.results[remote_id]
        value = rolled.decidim if rolled.touched else result.progress
        row = {
            "id": result.remote_id,
            "parent/id": result.parent_remote_id or "",
            "start_date": result.start_date.isoformat() if result.start_date else "",
            "end_date": result.end_date.isoformat() if result.end_date else "",
            "status/id": result.status_remote_id or "",
            "progress": _number(value),
            "external_id": result.external_id or "",
            "weight": "" if result.weight is None else str(result.weight),
            "proposal_urls": ";".join(urls.get(remote_id, [])),
        }
        for locale in locales:
            row[f"title/{locale}"] = _text(result.title, locale)
            row[f"description/{locale}"] = _text(result.description, locale)
        if with_category:
            row["category/id"] = result.category_remote_id or ""
        rows.append(row)
    return Export(instance, component, results, rollup, header, rows)


def _locales(instance: InstanceInfo, results: Sequence[Result]) -> list[str]:
    """The instance's locale first, then every other locale a title or description has."""
    seen = {instance.locale}
    for r in results:
        for field in (r.title, r.description):
            if isinstance(field, dict):
                seen.update(k for k, v in field.items() if v and k != "machine_translations")
    return [instance.locale, *sorted(seen - {instance.locale})]


def _text(field: dict[str, Any] | None, locale: str) -> str:
    if not isinstance(field, dict):
        return ""
    value = field.get(locale)
    return value if isinstance(value, str) else ""


def _number(value: float | None) -> str:
    """Progress as Decidim's form reads it: `85`, `33.33`, empty when none."""
    if value is None:
        return ""
    rounded = round(float(value), 2)
    return str(int(rounded)) if rounded == int(rounded) else f"{rounded:.2f}".rstrip("0")


def _proposal_urls(
    context: PluginContext, instance: InstanceInfo, results: Sequence[Result]
) -> dict[str, list[str]]:
    """Each result's proposals as Decidim's own links (the importer reads the id at the end)."""
    wanted = {str(p) for r in results for p in (r.proposal_remote_ids or [])}
    if not wanted:
        return {}
    proposals = context.records.proposals.many(instance.name, wanted)
    links: dict[str, str] = {}
    for remote_id, proposal in proposals.items():
        component = context.records.component_of(proposal)
        space = context.records.space_of(proposal)
        if component is not None and space is not None:
            links[remote_id] = decidim_urls.proposal_url(
                instance.base_url, space, component, remote_id
            )
    return {
        r.remote_id: [links[str(p)] for p in (r.proposal_remote_ids or []) if str(p) in links]
        for r in results
    }


@click.group("accountability")
def accountability_group() -> None:
    """Decidim's accountability results, with the committees' progress."""


@accountability_group.command("export")
@click.argument("instance")
@click.option("--component", "component_id", required=True, help="Decidim id of the component.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    help="Write the file here (default: standard output).",
)
def export_command(instance: str, component_id: str, output: str | None) -> None:
    """Write the CSV file Decidim's "Import results" reads for one synced accountability
    component, with the committees' progress applied (rows not touched keep Decidim's values)."""
    context = current_context("committees")
    try:
        found = build(context, instance, component_id)
    except ExportError as exc:
        raise click.ClickException(str(exc)) from exc
    data = found.csv_bytes()
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        with open(output, "wb") as fh:
            fh.write(data)
    touched = sum(1 for r in found.rollup.results.values() if r.touched)
    click.echo(
        f"{len(found.rows)} result(s), {touched} with the committees' progress, "
        f"{found.rollup.warnings} warning(s) (see the admin page)",
        err=True,
    )
