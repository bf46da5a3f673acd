"""The committees' admin pages: committees, their seats, meetings and action items, links to
synced results and budget allocations. Viewers read; editors write; contacts show only to
admins and the committee's secretary (`access`). Every write goes through `writes` (audited);
a refused form is shown again with what was typed and the reason, and nothing is saved.

Members, their personal data and meetings are in `admin_members` and `admin_meetings`.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from bridge.plugin import (
    N_,
    current_context,
    db,
    find,
    formatting,
    has_role,
    need,
    pages_need_sign_in,
    required_identity,
    utcnow,
)
from plugins.committees import access, writes
from plugins.committees.models import (
    ACTION_STATUSES,
    MEETING_STATUSES,
    ROLES,
    ActionItem,
    Committee,
    Member,
    Membership,
)
from plugins.committees.translation import _, french_pages
from plugins.committees.words import ACTION, MEETING, ROLE, helpers, word


def admin_pages(name: str, url_prefix: str) -> Blueprint:
    """A blueprint of the committees' admin pages: signed-in people only, French typography,
    the words and date helpers (`words.helpers`) in its templates."""
    pages = Blueprint(name, __name__, url_prefix=url_prefix, template_folder="templates")
    pages_need_sign_in(pages)
    french_pages(pages)
    pages.context_processor(helpers)
    return pages


blueprint = admin_pages("committees_admin", "/admin/committees")


def can_edit() -> bool:
    return has_role(required_identity().role, "editor")


def found(model: Any, key: int) -> Any:
    row = find(db(), model, key)
    if row is None:
        abort(404)
    return row


def context():
    return current_context("committees")


@blueprint.get("/")
def index(status: int = 200, error: writes.Invalid | None = None, form: dict | None = None):
    session = db()
    committees = session.scalars(select(Committee).order_by(Committee.name)).all()
    return render_template(
        "committees/index.html",
        committees=committees,
        can_edit=can_edit(),
        error=error,
        form_name="new",  # the macros of fields.html tie a refusal to its form by this name
        form=form or {"public": "on"},
    ), status


@blueprint.post("/")
def create():
    need("editor")
    with context().transaction() as session:
        try:
            committee = writes.save_committee(session, context(), request.form)
        except writes.Invalid as error:
            session.rollback()
            return index(422, error, request.form)
        target = committee.id
    flash(_("Committee created."))
    return redirect(url_for(".committee", committee_id=target))


def result_label(instance: str, remote_id: str, lang: str) -> str:
    """A linked result's title as synced, with its key (the key alone when not synced)."""
    record = context().records.get(instance, "results", remote_id)
    title = getattr(record, "title", None) or {}
    text = title.get(lang) or title.get("fr") or next(iter(title.values()), "")
    key = f"{instance}:{remote_id}"
    return f"{text} ({key})" if text else key


def options(session, committee: Committee, owner: Any) -> dict[str, Any]:
    """The choices of a committee's forms and the labels of its links (`owner`: the
    committee or one of its action items)."""
    from bridge.plugin import current_language

    lang = current_language()
    members = session.scalars(
        select(Member).where(Member.erased_at.is_(None)).order_by(Member.name)
    ).all()
    seated = {s.member_id: s.member for s in committee.memberships}
    references = writes.allocation_references(context(), session)
    endpoint = "committees_admin.delete_link" if owner is committee else "delete_action_link"
    ids = {"committee_id": committee.id} if owner is committee else {"item_id": owner.id}
    return {
        "member_options": [(m.id, m.name) for m in members],
        "role_options": [(r, word(ROLE, r)) for r in ROLES],
        "meeting_status_options": [(r, word(MEETING, r)) for r in MEETING_STATUSES],
        "action_status_options": [(r, word(ACTION, r)) for r in ACTION_STATUSES],
        "decision_options": [
            (d.id, f"{m.title} — {d.text[:80]}") for m in committee.meetings for d in m.decisions
        ],
        "owner_options": sorted(
            ((i, m.name) for i, m in seated.items() if m.erased_at is None), key=lambda o: o[1]
        ),
        "allocation_options": [(writes.allocation_key(r), r.label) for r in references],
        "allocation_labels": {writes.allocation_key(r): r.label for r in references},
        "result_labels": {
            r.id: result_label(r.instance, r.result_remote_id, lang) for r in owner.results
        },
        "owner": owner,
        "link_url": url_for(".add_link" if owner is committee else ".add_action_link", **ids),
        "unlink_url": lambda kind, link_id: url_for(
            f".{endpoint.split('.')[-1]}", kind=kind, link_id=link_id, **ids
        ),
    }


def committee_page(
    committee: Committee, status: int = 200, error: Any = None, form_name: str = "", form=None
):
    session = db()
    today = formatting.local(utcnow()).date()
    return render_template(
        "committees/committee.html",
        committee=committee,
        today=today,
        contacts=access.contacts_visible(session, committee.id),
        can_edit=can_edit(),
        error=error,
        form_name=form_name,
        form=form or {},
        current={
            "name": committee.name,
            "theme": committee.theme,
            "priority": committee.priority,
            "description": committee.description,
            "instance": committee.instance,
            "space_type": committee.space_type,
            "space_remote_id": committee.space_remote_id,
            "public": committee.public,
        },
        **options(session, committee, committee),
    ), status


@blueprint.get("/<int:committee_id>")
def committee(committee_id: int):
    return committee_page(found(Committee, committee_id))


def _write(committee_id: int, form_name: str, action, done: str, anchor: str):
    """Run `action(session, committee)` for an editor; on refusal, the page again (422)."""
    need("editor")
    ctx = context()
    with ctx.transaction() as session:
        committee = session.get(Committee, committee_id)
        if committee is None:
            abort(404)
        try:
            action(session, committee)
        except writes.Invalid as error:
            session.rollback()
            return committee_page(
                found(Committee, committee_id), 422, error, form_name, request.form
            )
    flash(done)
    return redirect(url_for(".committee", committee_id=committee_id) + anchor)


@blueprint.post("/<int:committee_id>/edit")
def edit(committee_id: int):
    return _write(
        committee_id,
        "edit",
        lambda s, c: writes.save_committee(s, context(), request.form, c),
        _("Committee saved."),
        "",
    )


@blueprint.post("/<int:committee_id>/memberships")
def add_membership(committee_id: int):
    return _write(
        committee_id,
        "membership",
        lambda s, c: writes.add_membership(s, context(), c, request.form),
        _("Seat added."),
        "#members-title",
    )


@blueprint.post("/<int:committee_id>/memberships/<int:seat_id>/end")
def end_membership(committee_id: int, seat_id: int):
    def action(session, committee):
        seat = session.get(Membership, seat_id)
        if seat is None or seat.committee_id != committee.id:
            abort(404)
        writes.end_membership(session, context(), seat, request.form)

    return _write(committee_id, f"end-{seat_id}", action, _("Seat ended."), "#members-title")


@blueprint.post("/<int:committee_id>/meetings")
def add_meeting(committee_id: int):
    need("editor")
    ctx = context()
    with ctx.transaction() as session:
        committee = session.get(Committee, committee_id) or abort(404)
        try:
            meeting = writes.save_meeting(session, ctx, committee, request.form)
        except writes.Invalid as error:
            session.rollback()
            return committee_page(
                found(Committee, committee_id), 422, error, "meeting", request.form
            )
        target = meeting.id
    flash(_("Meeting created."))
    return redirect(url_for("committees_meetings.meeting", meeting_id=target))


@blueprint.post("/<int:committee_id>/actions")
def add_action(committee_id: int):
    return _write(
        committee_id,
        "action",
        lambda s, c: writes.save_action_item(s, context(), c, request.form),
        _("Action item created."),
        "#actions-title",
    )


@blueprint.post("/<int:committee_id>/links")
def add_link(committee_id: int):
    def action(session, committee):
        if request.form.get("result", "").strip():
            writes.link_result(session, context(), committee, request.form["result"])
        elif request.form.get("allocation", "").strip():
            writes.link_allocation(session, context(), committee, request.form["allocation"])
        else:
            raise writes.Invalid("result", N_("Give a result or choose an allocation."))

    return _write(committee_id, "links", action, _("Link added."), "#links-title")


@blueprint.post("/<int:committee_id>/links/<kind>/<int:link_id>/delete")
def delete_link(committee_id: int, kind: str, link_id: int):
    need("editor")  # a viewer is refused (403) before any lookup could answer 404
    if kind not in ("result", "allocation"):
        abort(404)
    return _write(
        committee_id,
        "links",
        lambda s, c: writes.unlink(s, context(), c, kind, link_id),
        _("Link removed."),
        "#links-title",
    )


# --- action items -----------------------------------------------------------------------


def action_page(item: ActionItem, status: int = 200, error=None, form_name="", form=None):
    session = db()
    return render_template(
        "committees/action.html",
        item=item,
        committee=item.committee,
        contacts=access.contacts_visible(session, item.committee_id),
        can_edit=can_edit(),
        error=error,
        form_name=form_name,
        form=form,
        v=form
        if form is not None and form_name == "edit"
        else {
            "title": item.title,
            "description": item.description,
            "decision": item.decision_id,
            "owner_member": item.owner_member_id,
            "owner_name": item.owner_name,
            "owner_email": item.owner_email,
            "due_on": item.due_on.isoformat() if item.due_on else "",
            "status": item.status,
            "progress": item.progress,
            "priority": item.priority,
        },
        fp="edit",
        **options(session, item.committee, item),
    ), status


@blueprint.get("/actions/<int:item_id>")
def action(item_id: int):
    return action_page(found(ActionItem, item_id))


def _action_write(item_id: int, form_name: str, write, done: str):
    need("editor")
    with context().transaction() as session:
        item = session.get(ActionItem, item_id) or abort(404)
        if (
            form_name == "edit"
            and item.owner_email
            and not access.contacts_visible(session, item.committee_id)
        ):
            # the form cannot show the e-mail given to this role: keep it as it is
            form = dict(request.form, owner_email=item.owner_email)
        else:
            form = request.form
        try:
            write(session, item, form)
        except writes.Invalid as error:
            session.rollback()
            return action_page(found(ActionItem, item_id), 422, error, form_name, request.form)
    flash(done)
    return redirect(url_for(".action", item_id=item_id))


@blueprint.post("/actions/<int:item_id>/edit")
def edit_action(item_id: int):
    return _action_write(
        item_id,
        "edit",
        lambda s, i, f: writes.save_action_item(s, context(), i.committee, f, i),
        _("Action item saved."),
    )


@blueprint.post("/actions/<int:item_id>/links")
def add_action_link(item_id: int):
    def write(session, item, form):
        if form.get("result", "").strip():
            writes.link_result(session, context(), item, form["result"])
        elif form.get("allocation", "").strip():
            writes.link_allocation(session, context(), item, form["allocation"])
        else:
            raise writes.Invalid("result", N_("Give a result or choose an allocation."))

    return _action_write(item_id, "links", write, _("Link added."))


@blueprint.post("/actions/<int:item_id>/links/<kind>/<int:link_id>/delete")
def delete_action_link(item_id: int, kind: str, link_id: int):
    need("editor")  # a viewer is refused (403) before any lookup could answer 404
    if kind not in ("result", "allocation"):
        abort(404)
    return _action_write(
        item_id,
        "links",
        lambda s, i, f: writes.unlink(s, context(), i, kind, link_id),
        _("Link removed."),
    )
