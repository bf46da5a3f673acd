"""Admin pages of the roll-up and the import file: per synced accountability component, each
result's progress as Decidim shows it today, as the committees' action items say, and as
Decidim will compute it once the file is imported, with a warning where they differ; the file
to download for Decidim's "Import results". Reading needs the viewer role, the file the editor
role (it is what an editor uploads to Decidim).

Where the instance's Decidim offers the result update (its write API), the page offers to send
the progress itself (`accountability_push`): a preview of the results that change, from → to,
then a confirmation (editor), then each result's outcome. Asking the server whether it offers
the update is an editor's button too (one signed-in request)."""

from __future__ import annotations

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for

from bridge.plugin import (
    UpstreamError,
    current_context,
    current_language,
    formatting,
    has_role,
    need,
    pages_need_sign_in,
    required_identity,
)
from plugins.committees import accountability, accountability_push
from plugins.committees.translation import CATALOG, french_pages

blueprint = Blueprint(
    "committees_accountability",
    __name__,
    url_prefix="/admin/committees/accountability",
    template_folder="templates",
)
pages_need_sign_in(blueprint)  # h6: anonymous visitors are sent to sign in, as on every page
french_pages(blueprint)  # the committees' catalog, and French spacing on French pages


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
    return _component_page(_export(instance, component_id))


def _component_page(export: accountability.Export, checked: str | None = None, status: int = 200):
    """The component's page; `checked` is the server's failure when asking it just failed."""
    depth = _depths(export)
    planned = accountability_push.plan_for(current_context("committees"), export)
    return render_template(
        "committees/accountability.html",
        export=export,
        plan=planned,
        check_failed=checked,
        can_edit=_can_edit(),
        rows=[
            (
                next(r for r in export.results if r.remote_id == remote_id),
                export.rollup.results[remote_id],
                depth[remote_id],
            )
            for remote_id in export.rollup.order
        ],
        name=_name,
        figure=_figure,
        warn=lambda warning: CATALOG.gettext(warning[0], **warning[1]),
    ), status


@blueprint.post("/<instance>/<component_id>/verifier")
def check(instance: str, component_id: str):
    """Ask the instance's Decidim (signed in) whether it offers the result update."""
    need("editor")
    export = _export(instance, component_id)
    try:
        current_context("committees").decidim_writes(instance).check()
    except (LookupError, UpstreamError) as exc:
        return _component_page(export, checked=str(exc), status=502)
    return redirect(url_for(".component", instance=instance, component_id=component_id))


@blueprint.get("/<instance>/<component_id>/envoi")
def preview(instance: str, component_id: str):
    """The results whose progress a push would change, from → to; the confirmation form for
    an editor."""
    need("viewer")
    return _push_page(_plan(instance, component_id))


@blueprint.post("/<instance>/<component_id>/envoi")
def send(instance: str, component_id: str):
    """The confirmed push. The form names the list it confirms: a list that changed since (a
    sync, an action item) is shown again, nothing sent."""
    need("editor")
    planned = _plan(instance, component_id)
    if not planned.access.can_update_results:
        return _push_page(planned, status=409)
    if request.form.get("plan") != planned.fingerprint():
        return _push_page(planned, changed=True, status=409)
    pushed = accountability_push.push(current_context("committees"), planned)
    return _push_page(planned, pushed=pushed)


def _push_page(
    planned: accountability_push.Plan,
    pushed: accountability_push.Pushed | None = None,
    changed: bool = False,
    status: int = 200,
):
    return render_template(
        "committees/accountability_push.html",
        plan=planned,
        export=planned.export,
        pushed=pushed,
        outcomes={o.change.remote_id: o for o in pushed.outcomes} if pushed else {},
        changed=changed,
        can_edit=_can_edit(),
        name=_name,
        figure=_figure,
    ), status


def _plan(instance: str, component_id: str) -> accountability_push.Plan:
    return accountability_push.plan_for(
        current_context("committees"), _export(instance, component_id)
    )


def _can_edit() -> bool:
    identity = required_identity()
    return has_role(identity.role, "editor")


def _figure(value: float | None) -> str:
    return "—" if value is None else formatting.percent(round(value, 1), current_language())


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
