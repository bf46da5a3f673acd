"""Synced spaces (processes, assemblies) and records: every list answers
{"items": [...], "next": cursor-or-null}."""

from __future__ import annotations

from flask import jsonify, request
from sqlalchemy import func, select

from bridge.api import params
from bridge.api.blueprint import blueprint
from bridge.api.filters import synced, text_search
from bridge.api.serialise import record
from bridge.db import db
from bridge.errors import Problem
from bridge.store import models
from bridge.store.models import Instance


@blueprint.get("/processes")
def processes():
    return synced(
        models.Space,
        space_type="participatory_process",
        q=text_search(models.Space, "title", "subtitle"),
    )


@blueprint.get("/assemblies")
def assemblies():
    return synced(
        models.Space, space_type="assembly", q=text_search(models.Space, "title", "subtitle")
    )


@blueprint.get("/processes/<int:space_id>")
@blueprint.get("/assemblies/<int:space_id>")
def space(space_id: int):
    if space_id > params.BIGGEST:
        raise Problem(404, f"no process or assembly with id {space_id}")
    row = (
        db()
        .execute(
            select(models.Space, Instance.name).join(Instance).where(models.Space.id == space_id)
        )
        .first()
    )
    if row is None:
        raise Problem(404, f"no process or assembly with id {space_id}")
    space, instance = row
    out = record(space, instance)
    out["categories"] = [
        record(c)
        for c in db().scalars(
            select(models.Category).where(
                models.Category.space_id == space_id, models.Category.removed_at.is_(None)
            )
        )
    ]
    components = (
        db()
        .scalars(
            select(models.Component)
            .where(models.Component.space_id == space_id)
            .order_by(models.Component.weight)
        )
        .all()
    )
    out["components"] = [record(c) for c in components]
    out["counts"] = {}
    for model in (
        models.Proposal,
        models.Budget,
        models.Project,
        models.Result,
        models.Meeting,
        models.Debate,
    ):
        out["counts"][model.__tablename__] = db().scalar(
            select(func.count())
            .select_from(model)
            .where(model.space_id == space_id, model.removed_at.is_(None))
        )
    return jsonify(out)


@blueprint.get("/components")
def components():
    space_id = params.integer("process")
    return synced(
        models.Component,
        space=None if space_id is None else models.Component.space_id == space_id,
        manifest=(
            models.Component.manifest == request.args["type"] if request.args.get("type") else None
        ),
    )


@blueprint.get("/scopes")
def scopes():
    return synced(models.Scope)


@blueprint.get("/categories")
def categories():
    space_id = params.integer("process")
    return synced(
        models.Category, space=None if space_id is None else models.Category.space_id == space_id
    )


# -- resources ----------------------------------------------------------------------------------
@blueprint.get("/proposals")
def proposals():
    model = models.Proposal
    state = request.args.get("state")
    withdrawn = params.boolean("withdrawn")
    return synced(
        model,
        state=(model.state.is_(None) if state == "none" else model.state == state)
        if state
        else None,
        withdrawn=None if withdrawn is None else model.withdrawn.is_(withdrawn),
        scope=(model.scope_remote_id == request.args["scope"])
        if request.args.get("scope")
        else None,
        category=(model.category_remote_id == request.args["category"])
        if request.args.get("category")
        else None,
        q=text_search(model, "title", "body"),
    )


@blueprint.get("/budgets")
def budgets():
    return synced(models.Budget, q=text_search(models.Budget, "title"))


@blueprint.get("/projects")
def projects():
    model = models.Project
    selected = params.boolean("selected")
    budget = params.integer("budget")
    return synced(
        model,
        selected=None if selected is None else model.selected.is_(selected),
        budget=None if budget is None else model.budget_id == budget,
        q=text_search(model, "title"),
    )


@blueprint.get("/results")
def results():
    model = models.Result
    parent = request.args.get("parent")
    root = params.boolean("root")
    return synced(
        model,
        parent=(model.parent_remote_id == parent) if parent else None,
        root=None
        if root is None
        else (model.parent_remote_id.is_(None) if root else model.parent_remote_id.is_not(None)),
        status=(model.status_key == request.args["status"]) if request.args.get("status") else None,
        q=text_search(model, "title"),
    )


@blueprint.get("/meetings")
def meetings():
    return synced(models.Meeting, q=text_search(models.Meeting, "title"))


@blueprint.get("/debates")
def debates():
    return synced(models.Debate, q=text_search(models.Debate, "title"))
