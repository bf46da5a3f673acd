"""Admin pages of the roll-up and the import file: per synced accountability component, each
result's progress as Decidim shows it today, as the committees' action items say, and as
Decidim will compute it once the file is imported, with a warning where they differ; the file
to download for Decidim's "Import results". Reading needs the viewer role, the file the editor
role (it is what an editor uploads to Decidim)."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, abort, render_template

from bridge.plugin import (
    catalog,
    current_context,
    current_language,
    formatting,
    need,
    pages_need_sign_in,
)
from plugins.committees import accountability

CATALOG = catalog(Path(__file__).parent / "translations", "committees")

blueprint = Blueprint(
    "committees_accountability",
    __name__,
    url_prefix="/admin/committees/accountability",
    template_folder="templates",
)
pages_need_sign_in(blueprint)  # h6: anonymous visitors are sent to sign in, as on every page
blueprint.before_request(CATALOG.use_for_request)


@blueprint.get("/")
def index():
    need("viewer")
    context = current_context("committees")
    components = []
    for instance in context.records.instances():
        for component in accountability.accountability_components(context, instance.name):
            components.append((instance.name, component))
    return render_template(
        "committees/accountability_index.html", components=components, name=_name
    )


@blueprint.get("/<instance>/<component_id>")
def component(instance: str, component_id: str):
    need("viewer")
    export = _export(instance, component_id)
    depth = _depths(export)
    lang = current_language()
    return render_template(
        "committees/accountability.html",
        export=export,
        rows=[
            (
                next(r for r in export.results if r.remote_id == remote_id),
                export.rollup.results[remote_id],
                depth[remote_id],
            )
            for remote_id in export.rollup.order
        ],
        name=_name,
        figure=lambda value: "—" if value is None else formatting.percent(round(value, 1), lang),
        warn=lambda warning: CATALOG.gettext(warning[0], **warning[1]),
    )


@blueprint.get("/<instance>/<component_id>/resultats.csv")
def download(instance: str, component_id: str):
    need("editor")
    export = _export(instance, component_id)
    return Response(
        export.csv_bytes(),
        mimetype="text/csv",
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{export.filename}"',
        },
    )


def _export(instance: str, component_id: str) -> accountability.Export:
    try:
        return accountability.build(current_context("committees"), instance, component_id)
    except accountability.ExportError:
        abort(404)


def _depths(export: accountability.Export) -> dict[str, int]:
    parents = {r.remote_id: r.parent_remote_id for r in export.results}
    depth: dict[str, int] = {}
    for remote_id in export.rollup.order:
        parent = parents.get(remote_id)
        depth[remote_id] = depth[parent] + 1 if parent in depth else 0
    return depth


def _name(field: object) -> str:
    """A translated Decidim field in the reader's language, else French, else any."""
    if not isinstance(field, dict):
        return ""
    lang = current_language()
    value = field.get(lang) or field.get("fr") or next((v for v in field.values() if v), "")
    return value if isinstance(value, str) else ""
