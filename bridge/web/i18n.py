"""The page side of translation: the reader's words for Decidim's and the engine's states and
kinds (`value|term("run")`), the link to the other language, and the template globals. The
messages themselves are gettext msgids (bridge/i18n.py, docs/translation.md)."""

from __future__ import annotations

from typing import Any

from flask import Flask, request, url_for
from flask_babel import force_locale
from jinja2 import pass_context

from bridge import formatting
from bridge.i18n import N_, gettext, init_app, language

# A state or kind as a reader says it: TERMS[kind][value] is the English msgid, translated when
# shown. An unknown value is shown as it is.
TERMS: dict[str, dict[str | None, str]] = {
    "run": {
        "succeeded": N_("succeeded"),
        "running": N_("running"),
        "failed": N_("failed"),
        "waiting": N_("waiting"),
    },
    "proposal": {
        "accepted": N_("accepted"),
        "evaluating": N_("under evaluation"),
        "rejected": N_("rejected"),
        "withdrawn": N_("withdrawn"),
        "published": N_("not answered"),
        "not_answered": N_("not answered"),
        None: N_("not answered"),
    },
    "component": {
        "Proposals": N_("Proposals"),
        "Budgets": N_("Participatory budgets"),
        "Accountability": N_("Results tracking"),
        "Meetings": N_("Meetings"),
        "Debates": N_("Debates"),
        "Pages": N_("Pages"),
        "Surveys": N_("Surveys"),
        "Blogs": N_("Blog"),
        "Sortitions": N_("Sortitions"),
        "Elections": N_("Elections"),
        "Component": N_("Other component"),
    },
    "resource": {
        "spaces": N_("space"),
        "scopes": N_("scope"),
        "categories": N_("category"),
        "components": N_("component"),
        "proposals": N_("proposal"),
        "budgets": N_("budget"),
        "projects": N_("project"),
        "results": N_("result"),
        "meetings": N_("meeting"),
        "debates": N_("debate"),
        "mappings": N_("mapping"),
    },
    "field": {
        "title": N_("title"),
        "body": N_("text"),
        "description": N_("description"),
        "short_description": N_("summary"),
        "subtitle": N_("subtitle"),
        "state": N_("answer"),
        "answer": N_("answer text"),
        "answered_at": N_("answered on"),
        "published_at": N_("published on"),
        "vote_count": N_("votes"),
        "endorsements_count": N_("endorsements"),
        "comments_count": N_("comments"),
        "withdrawn": N_("withdrawn"),
        "budget_amount": N_("amount"),
        "total_budget": N_("total budget"),
        "selected": N_("selected"),
        "confirmed_votes": N_("confirmed votes"),
        "progress": N_("progress"),
        "status_name": N_("status"),
        "start_date": N_("start"),
        "end_date": N_("end"),
        "start_time": N_("start"),
        "end_time": N_("end"),
        "address": N_("address"),
        "location": N_("place"),
        "steps": N_("phases"),
        "closed": N_("closed"),
        "reference": N_("reference"),
        "name": N_("name"),
        "weight": N_("order"),
        "neighbourhood": N_("neighbourhood"),
        "theme": N_("theme"),
    },
    "space": {
        "participatory_process": N_("process"),
        "assembly": N_("assembly"),
    },
    "role": {
        "viewer": N_("viewer"),
        "editor": N_("editor"),
        "admin": N_("admin"),
    },
    "change": {
        "created": N_("created"),
        "updated": N_("updated"),
        "removed": N_("removed"),
        "restored": N_("restored"),
    },
    "table": {
        "proposals": N_("proposals"),
        "projects": N_("projects"),
        "budgets": N_("budgets"),
        "results": N_("results"),
        "meetings": N_("meetings"),
        "debates": N_("debates"),
        "spaces": N_("participatory spaces"),
        "components": N_("components"),
        "categories": N_("categories"),
        "scopes": N_("scopes"),
        "changes": N_("recorded changes"),
        "sync_runs": N_("sync runs"),
        "sync_requests": N_("sync requests"),
        "sync_locks": N_("sync locks"),
        "sync_exclusions": N_("sync settings"),
        "scope_neighbourhoods": N_("neighbourhood mappings"),
        "category_themes": N_("theme mappings"),
    },
    "period": {
        "upcoming": N_("upcoming"),
        "ongoing": N_("ongoing"),
        "finished": N_("finished"),
    },
    "figure": {
        "proposals": N_("Proposals"),
        "accepted": N_("Accepted proposals"),
        "meetings": N_("Meetings"),
        "debates": N_("Debates"),
        "budgets": N_("Budgets"),
        "projects": N_("Projects put to the vote"),
        "selected": N_("Selected projects"),
        "selected_amount": N_("Amount of the selected projects"),
        "results": N_("Tracked actions"),
        "progress": N_("Average progress"),
    },
    "list": {
        "proposals": N_("Proposals"),
        "budgets": N_("Budgets"),
        "projects": N_("Projects"),
        "results": N_("Results (accountability)"),
        "meetings": N_("Meetings"),
    },
    "scope_kind": {
        "scope": N_("scope"),
        "taxonomy": N_("taxonomy"),
    },
}

# The badge of a run's status and of a proposal's state (docs/design.md)
RUN_BADGES = {"succeeded": "badge-ok", "running": "badge-warn", "failed": "badge-error"}
PROPOSAL_BADGES = {"accepted": "badge-ok", "evaluating": "badge-warn", "rejected": "badge-error"}


def term(kind: str, value: str | None, lang: str | None = None) -> str:
    """A state or kind in the reader's words (in `lang`'s when given, for a search that
    matches both languages): term("run", "failed") -> "échouée"."""
    found = TERMS[kind].get(value)
    if found is None:
        return "" if value is None else str(value)
    if lang is None:
        return gettext(found)
    with force_locale(lang):
        return gettext(found)


def term_filter(value: str | None, kind: str) -> str:
    """`{{ run.status|term("run") }}`"""
    return term(kind, value)


@pass_context
def other_language_url(context) -> str:
    """This page in the other language, its filters and paging kept."""
    other = "en" if language() == "fr" else "fr"
    args: dict[str, Any] = {**request.args.to_dict(), "lang": other}
    if request.endpoint and request.url_rule is not None:
        return url_for(request.endpoint, **(request.view_args or {}), **args)
    return "?lang=" + other


def colon() -> str:
    """': ' with the narrow no-break space French puts before it."""
    return formatting.colon(language())


def install(app: Flask) -> None:
    """Flask-Babel with the one language chooser, and the pages' translation helpers."""
    init_app(app)
    app.jinja_env.globals.update(
        other_language_url=other_language_url,
        colon=colon,
        run_badges=RUN_BADGES,
        proposal_badges=PROPOSAL_BADGES,
    )
    app.jinja_env.filters["term"] = term_filter
