"""The public follow-up page of a process, in the manner of Decidim's accountability pages:
each result with its status, progress and timeline, the selected projects, links back to the
city's Decidim, filters by theme and neighbourhood (the city's own words first, else Decidim's:
`bridge.mappings.classifier`), and the money beside each line, which plugins give through the
`result_money` hook (the core keeps no money of its own)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import current_app, request
from sqlalchemy import select

from bridge import decidim_urls, mappings
from bridge.hookspecs import Money
from bridge.i18n import language
from bridge.store.models import Budget, Component, Project, Proposal, Result, Space
from bridge.web.public import _instance, _session, _space, blueprint, render


@dataclass
class Line:
    """A result or a project as the page shows it."""

    record: Any
    url: str
    theme: str | None
    neighbourhood: str | None
    money: Money | None = None
    children: list[Line] = field(default_factory=list)
    proposals: list[tuple[Proposal, str]] = field(default_factory=list)  # with their Decidim URL


def _money(session, city, results: list[Result], projects: list[Project]) -> dict:
    """(resource, our id) -> Money, summed over the plugins that answer."""
    found: dict[tuple[str, int], Money] = {}
    plugins = current_app.extensions["bridge"].plugins
    answers = plugins.collect(
        "result_money", session=session, instance=city, results=results, projects=projects
    )
    for m in answers:
        key = (m.resource, m.record_id)
        before = found.get(key)
        if before is None:
            found[key] = m
            continue
        found[key] = Money(
            m.resource,
            m.record_id,
            _plus(before.allocated_cents, m.allocated_cents),
            _plus(before.committed_cents, m.committed_cents),
            _plus(before.paid_cents, m.paid_cents),
        )
    return found


def _plus(a: int | None, b: int | None) -> int | None:
    return b if a is None else a if b is None else a + b


def _linked_proposals(session, city, results: list[Result]) -> dict[str, tuple[Proposal, str]]:
    """The proposals results come from (where Decidim says, newest versions), by Decidim id,
    each with its page on Decidim; they may sit in another space than the result."""
    wanted = {rid for r in results for rid in r.proposal_remote_ids or []}
    if not wanted:
        return {}
    rows = session.execute(
        select(Proposal, Component, Space)
        .join(Component, Component.id == Proposal.component_id)
        .join(Space, Space.id == Component.space_id)
        .where(
            Proposal.instance_id == city.id,
            Proposal.remote_id.in_(wanted),
            Proposal.removed_at.is_(None),
        )
    ).all()
    return {
        p.remote_id: (p, decidim_urls.proposal_url(city.base_url, s, c, p.remote_id))
        for p, c, s in rows
    }


def _wanted(line: Line, theme: str, neighbourhood: str) -> bool:
    return (not theme or line.theme == theme) and (
        not neighbourhood or line.neighbourhood == neighbourhood
    )


@blueprint.get("/public/<name>/processes/<int:space_id>/suivi")
def followup(name: str, space_id: int):
    lang = language()
    session = _session()
    city = _instance(name)
    space = _space(session, city, space_id)
    components = {
        c.id: c
        for c in session.scalars(
            select(Component).where(Component.space_id == space.id, Component.removed_at.is_(None))
        )
    }
    results = list(
        session.scalars(
            select(Result)
            .where(Result.component_id.in_(components), Result.removed_at.is_(None))
            .order_by(Result.weight.nulls_last(), Result.id)
        )
    )
    projects = session.execute(
        select(Project, Budget.remote_id)
        .join(Budget, Budget.id == Project.budget_id)
        .where(
            Project.component_id.in_(components),
            Project.removed_at.is_(None),
            Project.selected.is_(True),
        )
        .order_by(Project.id)
    ).all()
    money = _money(session, city, results, [p for p, _ in projects])
    classify = mappings.classifier(session, city.id, lang)
    base = city.base_url

    def line(record, resource: str, url: str) -> Line:
        theme, neighbourhood = classify(record)
        return Line(record, url, theme, neighbourhood, money.get((resource, record.id)))

    result_lines = {
        r.remote_id: line(
            r,
            "results",
            decidim_urls.result_url(base, space, components[r.component_id], r.remote_id),
        )
        for r in results
    }
    linked = _linked_proposals(session, city, results)
    for r in results:
        found = (linked.get(rid) for rid in r.proposal_remote_ids or [])
        result_lines[r.remote_id].proposals = [x for x in found if x]
    top: list[Line] = []
    for r in results:
        parent = result_lines.get(r.parent_remote_id) if r.parent_remote_id else None
        (parent.children if parent else top).append(result_lines[r.remote_id])
    project_lines = [
        line(
            p,
            "projects",
            decidim_urls.project_url(base, space, components[p.component_id], budget, p.remote_id),
        )
        for p, budget in projects
    ]
    every = top + project_lines
    themes = sorted({x.theme for x in every if x.theme})
    neighbourhoods = sorted({x.neighbourhood for x in every if x.neighbourhood})
    theme = request.args.get("theme", "")
    neighbourhood = request.args.get("neighbourhood", "")
    return render(
        "public/followup.html",
        lang,
        city=city,
        space=space,
        space_url=decidim_urls.space_url(base, space),
        results=[x for x in top if _wanted(x, theme, neighbourhood)],
        results_total=len(top),
        projects=[x for x in project_lines if _wanted(x, theme, neighbourhood)],
        themes=themes,
        neighbourhoods=neighbourhoods,
        theme=theme,
        neighbourhood=neighbourhood,
    )
