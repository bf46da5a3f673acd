"""The public site: no sign-in, for residents. Each published instance's processes and assemblies,
their status and key figures, French first (`?lang=en`), readable on a phone, no JavaScript.

Figures are SQL aggregates grouped by component (one query per kind of record), so a page costs
the same whether a city has a hundred proposals or a hundred thousand. Tombstoned records
(`removed_at` set) never show, nor do records of a tombstoned component or space. Plugins add
links to their own public pages with the `public_links` hook.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask import Blueprint, abort, current_app, render_template, url_for
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session
from werkzeug.routing import BuildError

from bridge import formatting
from bridge.db import db
from bridge.i18n import language
from bridge.store.models import (
    Budget,
    Component,
    Debate,
    Instance,
    Meeting,
    Project,
    Proposal,
    Result,
    Space,
)

blueprint = Blueprint("public", __name__)

LIST_LIMIT = 200  # accepted proposals / selected projects listed on a process page

# The figures a component or a space can have, in the order they are shown.
FIGURES = (
    "proposals",
    "accepted",
    "meetings",
    "debates",
    "budgets",
    "projects",
    "selected",
    "selected_amount",
    "results",
    "progress",
)


@dataclass
class Figures:
    """Counts of live records; `progress` is the mean of the results' progress (0-100)."""

    counts: dict[str, int] = field(default_factory=dict)
    progress_sum: float = 0.0
    progress_n: int = 0

    def add(self, other: Figures) -> None:
        for key, value in other.counts.items():
            self.counts[key] = self.counts.get(key, 0) + value
        self.progress_sum += other.progress_sum
        self.progress_n += other.progress_n

    @property
    def progress(self) -> float | None:
        return self.progress_sum / self.progress_n if self.progress_n else None

    def shown(self) -> list[tuple[str, float]]:
        """(name, value) of the figures this component or space has, in display order."""
        values: dict[str, Any] = dict(self.counts)
        if self.progress is not None:
            values["progress"] = self.progress
        return [(name, values[name]) for name in FIGURES if name in values]


def pick(field_value: dict[str, Any] | None, lang: str, fallback: str = "") -> str:
    """A translated field in the reader's language, else French, else any language."""
    if not field_value:
        return fallback
    for locale in (lang, "fr", "en"):
        if field_value.get(locale):
            return str(field_value[locale])
    return next((str(v) for v in field_value.values() if v), fallback)


def figure_text(name: str, value: float, lang: str) -> str:
    """A key figure as the reader reads it: '46 %', '625 000 €', '1 234'."""
    if name == "progress":
        return formatting.percent(value, lang)
    if name == "selected_amount":
        return formatting.euros(round(value), lang)
    return formatting.number(value, lang)


def today() -> date:
    """Today in the city's zone, which decides whether a process is under way."""
    return datetime.now(formatting.zone()).date()


def status(start: date | None, end: date | None, on: date) -> str | None:
    """upcoming / ongoing / finished from a space's dates; None when it has none."""
    if start is None and end is None:
        return None
    if start is not None and on < start:
        return "upcoming"
    if end is not None and on > end:
        return "finished"
    return "ongoing"


def current_step(space: Space) -> dict[str, Any] | None:
    return next((step for step in space.steps or [] if step.get("active")), None)


def component_figures(session, instance_id: int, space_id: int | None = None) -> dict[int, Figures]:
    """Figures per component id, from one grouped aggregate per kind of record."""

    def grouped(model, *columns, extra=()):
        query = (
            select(model.component_id, *columns)
            .where(model.instance_id == instance_id, model.removed_at.is_(None), *extra)
            .group_by(model.component_id)
        )
        if space_id is not None:
            query = query.where(model.space_id == space_id)
        return session.execute(query).all()

    def flag(condition):
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    figures: dict[int, Figures] = {}

    def at(component_id: int) -> Figures:
        return figures.setdefault(component_id, Figures())

    for component_id, total, accepted in grouped(
        Proposal,
        func.count(),
        flag(Proposal.state == "accepted"),
        extra=(Proposal.withdrawn.is_(False),),
    ):
        at(component_id).counts.update(proposals=total, accepted=accepted)
    for component_id, total in grouped(
        Meeting, func.count(), extra=(Meeting.withdrawn.is_(False),)
    ):
        at(component_id).counts["meetings"] = total
    for component_id, total in grouped(Debate, func.count()):
        at(component_id).counts["debates"] = total
    for component_id, total in grouped(Budget, func.count()):
        at(component_id).counts["budgets"] = total
    for component_id, total, selected, amount in grouped(
        Project,
        func.count(),
        flag(Project.selected.is_(True)),
        func.coalesce(
            func.sum(case((Project.selected.is_(True), Project.budget_amount), else_=0)), 0
        ),
    ):
        at(component_id).counts.update(
            projects=total, selected=selected, selected_amount=int(amount)
        )
    for component_id, total, progress_sum, progress_n in grouped(
        Result, func.count(), func.sum(Result.progress), func.count(Result.progress)
    ):
        f = at(component_id)
        f.counts["results"] = total
        f.progress_sum += float(progress_sum or 0)
        f.progress_n += progress_n
    return figures


def live_components(session, instance_id: int, space_id: int | None = None) -> list[Component]:
    query = select(Component).where(
        Component.instance_id == instance_id, Component.removed_at.is_(None)
    )
    if space_id is not None:
        query = query.where(Component.space_id == space_id)
    return list(session.scalars(query.order_by(Component.weight, Component.id)))


def links(lang: str) -> list[dict[str, str]]:
    """The plugins' public pages, for the navigation of every public page."""
    found = []
    for context, link in current_app.extensions["bridge"].plugins.collect_owned("public_links"):
        try:
            language: dict[str, Any] = {"lang": lang} if lang != "fr" else {}
            href = url_for(link.endpoint, **language)
        except BuildError:
            current_app.logger.warning("public link to unknown endpoint %s", link.endpoint)
            continue
        found.append(
            {"href": href, "label": context.catalog.in_language(lang).ugettext(link.label)}
        )
    return found


def render(template: str, lang: str, **context: Any) -> str:
    def here(endpoint: str, **values: Any) -> str:
        """A link inside the public site that keeps the reader's language."""
        if lang != "fr":
            values["lang"] = lang
        return url_for(endpoint, **values)

    return render_template(
        template,
        lang=lang,
        here=here,
        pick=lambda value, fallback="": pick(value, lang, fallback),
        long_date=lambda value: formatting.date_text(value, lang),
        figure_text=lambda name, value: figure_text(name, value, lang),
        public_links=links(lang),
        **context,
    )


def _session():
    return db()


def shown() -> tuple:
    """The instances residents see: published by an administrator, and not archived."""
    return (Instance.published.is_(True), Instance.archived_at.is_(None))


def _instance(name: str) -> Instance:
    found = _session().scalar(select(Instance).where(Instance.name == name, *shown()))
    if found is None:
        abort(404)
    return found


@blueprint.get("/")
@blueprint.get("/public/")
def index():
    lang = language()
    cities = _session().scalars(select(Instance).where(*shown()).order_by(Instance.name))
    return render("public/index.html", lang, cities=list(cities))


@blueprint.get("/public/<name>/")
def instance(name: str):
    lang = language()
    session = _session()
    city = _instance(name)
    spaces = list(
        session.scalars(
            select(Space)
            .where(Space.instance_id == city.id, Space.removed_at.is_(None))
            .order_by(Space.start_date.desc().nulls_last(), Space.id)
        )
    )
    per_component = component_figures(session, city.id)
    per_space: dict[int, Figures] = {space.id: Figures() for space in spaces}
    for component in live_components(session, city.id):
        if component.space_id in per_space and component.id in per_component:
            per_space[component.space_id].add(per_component[component.id])
    on = today()
    rows = [
        {
            "space": space,
            "status": status(space.start_date, space.end_date, on),
            "step": current_step(space),
            "figures": per_space[space.id],
        }
        for space in spaces
    ]
    return render(
        "public/instance.html",
        lang,
        city=city,
        processes=[r for r in rows if r["space"].space_type == "participatory_process"],
        assemblies=[r for r in rows if r["space"].space_type != "participatory_process"],
    )


def _space(session: Session, city: Instance, space_id: int) -> Space:
    """A space of this city that Decidim still shows, or 404."""
    space = session.scalar(
        select(Space).where(
            Space.id == space_id, Space.instance_id == city.id, Space.removed_at.is_(None)
        )
    )
    if space is None:
        abort(404)
    return space


@blueprint.get("/public/<name>/processes/<int:space_id>")
def process(name: str, space_id: int):
    lang = language()
    session = _session()
    city = _instance(name)
    space = _space(session, city, space_id)
    per_component = component_figures(session, city.id, space.id)
    components = live_components(session, city.id, space.id)
    live = [c.id for c in components]
    total = Figures()
    for component_id in live:
        if component_id in per_component:
            total.add(per_component[component_id])

    accepted_where = (
        Proposal.space_id == space.id,
        Proposal.component_id.in_(live),
        Proposal.removed_at.is_(None),
        Proposal.withdrawn.is_(False),
        Proposal.state == "accepted",
    )
    accepted = session.execute(
        select(Proposal.id, Proposal.title, Proposal.reference)
        .where(*accepted_where)
        .order_by(Proposal.id)
        .limit(LIST_LIMIT)
    ).all()
    selected_where = (
        Project.space_id == space.id,
        Project.component_id.in_(live),
        Project.removed_at.is_(None),
        Project.selected.is_(True),
    )
    selected = session.execute(
        select(Project.id, Project.title, Project.budget_amount)
        .where(*selected_where)
        .order_by(Project.id)
        .limit(LIST_LIMIT)
    ).all()
    steps = sorted(space.steps or [], key=lambda s: (s.get("position") is None, s.get("position")))
    return render(
        "public/process.html",
        lang,
        city=city,
        space=space,
        status=status(space.start_date, space.end_date, today()),
        step=current_step(space),
        steps=steps,
        figures=total,
        components=[(c, per_component.get(c.id, Figures())) for c in components],
        accepted=accepted,
        accepted_more=max(total.counts.get("accepted", 0) - len(accepted), 0),
        selected=selected,
        selected_more=max(total.counts.get("selected", 0) - len(selected), 0),
    )
