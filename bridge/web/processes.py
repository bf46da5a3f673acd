"""Admin pages of an instance's processes: what is synced, the city's neighbourhoods and themes
for Decidim's scopes and categories, and one process with its steps and records.

Viewers read; editors change (every change audited with before and after). French first,
`?lang=en` for English.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import func, select

from bridge import mappings
from bridge.accounts import has_role
from bridge.store import models
from bridge.store.db import find
from bridge.store.models import Instance
from bridge.sync import selection
from bridge.sync.resources import RESOURCES
from bridge.web.access import need, pages_need_sign_in, required_identity
from bridge.web.admin import _db, _instance
from bridge.web.i18n import current_language

blueprint = Blueprint("processes", __name__, url_prefix="/admin")
LIST_LIMIT = 50

TEXT = {
    "fr": {
        "processes": "Processus et espaces",
        "processes_intro": "Par défaut, tout est synchronisé. Décochez un espace ou un "
        "composant pour ne plus le lire\u202f: ce qui a déjà été lu est gardé tel quel, "
        "sans mise à "
        "jour, et rien n'est marqué retiré. Cochez-le de nouveau pour reprendre à la prochaine "
        "synchronisation.",
        "participatory_process": "Processus",
        "assembly": "Assemblée",
        "sync_space": "Synchroniser cet espace",
        "sync_component": "Synchroniser",
        "not_syncable": "non lu par le pont",
        "off_by_space": "(espace désactivé)",
        "save": "Enregistrer",
        "saved": "Réglages enregistrés.",
        "unchanged": "Rien n'a changé.",
        "read_only": "Lecture seule\u202f: il faut le rôle éditeur pour modifier.",
        "no_spaces": "Aucun espace synchronisé pour l'instant\u202f: lancez une synchronisation.",
        "mappings": "Quartiers et thèmes",
        "mappings_intro": "Associez chaque secteur (ou taxonomie) de Decidim à un quartier de la "
        "ville, et chaque catégorie à un thème. Laissez vide pour ne rien associer.",
        "scopes": "Secteurs et taxonomies → quartiers",
        "scope": "secteur",
        "taxonomy": "taxonomie",
        "neighbourhood": "Quartier",
        "categories": "Catégories → thèmes",
        "theme": "Thème",
        "no_scopes": "Aucun secteur ni taxonomie synchronisé.",
        "no_categories": "Aucune catégorie synchronisée.",
        "fix_errors": "Corrigez les champs signalés\u202f: rien n'a été enregistré.",
        "too_long": "200 caractères au plus.",
        "steps": "Phases",
        "active": "en cours",
        "components": "Composants",
        "synced": "synchronisé",
        "not_synced": "non synchronisé",
        "proposals": "Propositions",
        "budgets": "Budgets",
        "projects": "Projets",
        "results": "Résultats (suivi)",
        "meetings": "Rencontres",
        "none": "Aucun.",
        "none_f": "Aucune.",
        "shown_of": "affichés sur",
        "shown_of_f": "affichées sur",
        "see_all": "Voir toutes les propositions de ce processus",
        "selected": "retenu",
        "back": "Retour",
        "settings": "Réglages de synchronisation",
        "instance": "Instance",
        "amount": "Montant",
        "progress": "Avancement",
        "start": "Début",
        "state": "Réponse",
        "removed": "retiré de Decidim",
    },
    "en": {
        "processes": "Processes and spaces",
        "processes_intro": "By default everything is synced. Untick a space or a component "
        "to stop reading it: what was read before is kept as it is, no longer refreshed, and "
        "nothing is marked removed. Tick it again to resume at the next sync.",
        "participatory_process": "Process",
        "assembly": "Assembly",
        "sync_space": "Sync this space",
        "sync_component": "Sync",
        "not_syncable": "not read by the bridge",
        "off_by_space": "(space switched off)",
        "save": "Save",
        "saved": "Settings saved.",
        "unchanged": "Nothing changed.",
        "read_only": "Read only: changing needs the editor role.",
        "no_spaces": "No space synced yet: run a sync.",
        "mappings": "Neighbourhoods and themes",
        "mappings_intro": "Map each Decidim scope (or taxonomy) to one of the city's "
        "neighbourhoods, and each category to a theme. Leave empty for no mapping.",
        "scopes": "Scopes and taxonomies → neighbourhoods",
        "scope": "scope",
        "taxonomy": "taxonomy",
        "neighbourhood": "Neighbourhood",
        "categories": "Categories → themes",
        "theme": "Theme",
        "no_scopes": "No scope or taxonomy synced.",
        "no_categories": "No category synced.",
        "fix_errors": "Fix the fields marked: nothing was saved.",
        "too_long": "200 characters at most.",
        "steps": "Phases",
        "active": "current",
        "components": "Components",
        "synced": "synced",
        "not_synced": "not synced",
        "proposals": "Proposals",
        "budgets": "Budgets",
        "projects": "Projects",
        "results": "Results (accountability)",
        "meetings": "Meetings",
        "none": "None.",
        "none_f": "None.",
        "shown_of": "shown of",
        "shown_of_f": "shown of",
        "see_all": "See every proposal of this process",
        "selected": "selected",
        "back": "Back",
        "settings": "Sync settings",
        "instance": "Instance",
        "amount": "Amount",
        "progress": "Progress",
        "start": "Start",
        "state": "Answer",
        "removed": "removed from Decidim",
    },
}


def text() -> dict[str, str]:
    return TEXT[current_language()]


pages_need_sign_in(blueprint)


def can_edit() -> bool:
    return has_role(required_identity().role, "editor")


# -- what is synced ------------------------------------------------------------------------------
@blueprint.route("/instances/<name>/processes", methods=["GET", "POST"])
def sync_settings(name: str):
    found = _instance(name)
    listed = selection.spaces_with_components(_db(), found.id)
    if request.method == "POST":
        need("editor")
        before = selection.load(_db(), found.id)
        shown_spaces = {
            tuple(v.split(":", 1)) for v in request.form.getlist("shown_space") if ":" in v
        }
        shown_components = set(request.form.getlist("shown_component"))
        ticked_spaces = {tuple(v.split(":", 1)) for v in request.form.getlist("space") if ":" in v}
        ticked_components = set(request.form.getlist("component"))
        known_spaces = {(s.space_type, s.remote_id) for s, _ in listed}
        known_components = {c.remote_id for _, cs in listed for c in cs if c.manifest in RESOURCES}
        shown_spaces &= known_spaces
        shown_components &= known_components
        # What the form showed follows its boxes; what it did not show keeps its switch.
        spaces_off = (before.spaces_off - shown_spaces) | (shown_spaces - ticked_spaces)
        components_off = (before.components_off - shown_components) | (
            shown_components - ticked_components
        )
        _, after = selection.replace(
            _db(),
            found,
            required_identity().actor,
            spaces_off=set(spaces_off),
            components_off=set(components_off),
        )
        _db().commit()
        flash(text()["saved"] if after != before else text()["unchanged"], "ok")
        return redirect(url_for("processes.sync_settings", name=found.name))
    return render_template(
        "processes/sync_settings.html",
        w=text(),
        instance=found,
        spaces=listed,
        switches=selection.load(_db(), found.id),
        syncable=set(RESOURCES),
        can_edit=can_edit(),
    )


# -- neighbourhoods and themes -----------------------------------------------------------------
@blueprint.route("/instances/<name>/mappings", methods=["GET", "POST"])
def mapping_form(name: str):
    found = _instance(name)
    scopes, categories = mappings.mappable(_db(), found.id)
    stored = mappings.current(_db(), found.id)
    values = {f"scope:{key}": v for key, v in stored["neighbourhoods"].items()}
    values.update({f"category:{rid}": v for rid, v in stored["themes"].items()})
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        need("editor")
        hoods: dict[tuple[str, str], str | None] = {}
        themes: dict[str, str | None] = {}
        for s in scopes:
            key = f"scope:{s.kind}:{s.remote_id}"
            if key not in request.form:  # not on the form that was sent: left as it is
                continue
            values[key] = request.form[key]
            try:
                hoods[(s.kind, s.remote_id)] = mappings.clean_name(values[key])
            except ValueError:
                errors[key] = text()["too_long"]
        for c, _space in categories:
            key = f"category:{c.remote_id}"
            if key not in request.form:
                continue
            values[key] = request.form[key]
            try:
                themes[c.remote_id] = mappings.clean_name(values[key])
            except ValueError:
                errors[key] = text()["too_long"]
        if not errors:
            before, after = mappings.save(
                _db(), found, required_identity().actor, neighbourhoods=hoods, themes=themes
            )
            _db().commit()
            flash(text()["saved"] if after != before else text()["unchanged"], "ok")
            return redirect(url_for("processes.mapping_form", name=found.name))
        _db().rollback()
        flash(text()["fix_errors"], "error")
        status = 422
    used_hoods, used_themes = mappings.names_in_use(_db())
    return render_template(
        "processes/mappings.html",
        w=text(),
        instance=found,
        scopes=scopes,
        categories=categories,
        values=values,
        errors=errors,
        used_hoods=used_hoods,
        used_themes=used_themes,
        can_edit=can_edit(),
    ), status


# -- one process ---------------------------------------------------------------------------------
def _listing(model, space_id: int, order):
    where = (model.space_id == space_id, model.removed_at.is_(None))
    rows = _db().scalars(select(model).where(*where).order_by(order).limit(LIST_LIMIT)).all()
    total = _db().scalar(select(func.count()).select_from(model).where(*where))
    return {"rows": rows, "total": total}


def _step_order(step: dict) -> tuple:
    """Steps by their position, those without one last."""
    position = step.get("position")
    return (position is None, position or 0)


@blueprint.get("/processes/<int:space_id>")
def process(space_id: int):
    space = find(_db(), models.Space, space_id)
    if space is None:
        abort(404)
    instance = _db().get(Instance, space.instance_id)
    switches = selection.load(_db(), instance.id)
    components = (
        _db()
        .scalars(
            select(models.Component)
            .where(models.Component.space_id == space.id)
            .order_by(models.Component.weight, models.Component.id)
        )
        .all()
    )
    return render_template(
        "processes/process.html",
        w=text(),
        instance=instance,
        space=space,
        steps=sorted(space.steps or [], key=_step_order),
        components=components,
        syncable=set(RESOURCES),
        space_on=switches.space_on(space.space_type, space.remote_id),
        switches=switches,
        lists={
            "proposals": _listing(models.Proposal, space.id, models.Proposal.id),
            "budgets": _listing(models.Budget, space.id, models.Budget.id),
            "projects": _listing(models.Project, space.id, models.Project.id),
            "results": _listing(models.Result, space.id, models.Result.id),
            "meetings": _listing(models.Meeting, space.id, models.Meeting.start_time),
        },
    )
