"""The members' admin pages: the list, a member's page (their seats; their contacts for
admins and their committees' secretaries), the GDPR export (JSON) and erasure (admins, after a
confirmation page). Contacts never reach a page, a log line or the audit log otherwise."""

from __future__ import annotations

import json
from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from bridge.plugin import current_context, db, find, need
from plugins.committees import access, privacy, writes
from plugins.committees.admin import admin_pages, can_edit
from plugins.committees.models import MEMBER_KINDS, Member
from plugins.committees.translation import _
from plugins.committees.words import KIND, word

blueprint = admin_pages("committees_members", "/admin/committees/members")


def found(member_id: int) -> Member:
    member = find(db(), Member, member_id)
    if member is None:
        abort(404)
    return member


@blueprint.get("/")
def members(status: int = 200, error: writes.Invalid | None = None, form: Any = None):
    listed = db().scalars(select(Member).order_by(Member.erased_at.is_not(None), Member.name))
    return render_template(
        "committees/members.html",
        members=listed.all(),
        kind_options=[(k, word(KIND, k)) for k in MEMBER_KINDS],
        can_edit=can_edit(),
        contacts=access.is_admin(),
        error=error,
        form_name="new",
        form=form or {},
    ), status


@blueprint.post("/")
def create():
    need("editor")
    ctx = current_context("committees")
    with ctx.transaction() as session:
        try:
            # contacts of a new member: only an admin types them (no committee yet)
            member = writes.save_member(session, ctx, request.form, contacts=access.is_admin())
        except writes.Invalid as error:
            session.rollback()
            return members(422, error, request.form)
        target = member.id
    flash(_("Member added."))
    return redirect(url_for(".member", member_id=target))


def member_page(member: Member, status: int = 200, error=None, form=None):
    return render_template(
        "committees/member.html",
        member=member,
        kind_options=[(k, word(KIND, k)) for k in MEMBER_KINDS],
        can_edit=can_edit() and member.erased_at is None,
        contacts=access.may_see_contacts(db(), member),
        admin=access.is_admin(),
        error=error,
        form_name="edit",
        form=form,
    ), status


@blueprint.get("/<int:member_id>")
def member(member_id: int):
    return member_page(found(member_id))


@blueprint.post("/<int:member_id>/edit")
def edit(member_id: int):
    need("editor")
    ctx = current_context("committees")
    with ctx.transaction() as session:
        member = session.get(Member, member_id) or abort(404)
        allowed = access.may_see_contacts(session, member)
        try:
            writes.save_member(session, ctx, request.form, member, contacts=allowed)
        except writes.Invalid as error:
            session.rollback()
            return member_page(found(member_id), 422, error, request.form)
    flash(_("Member saved."))
    return redirect(url_for(".member", member_id=member_id))


@blueprint.get("/<int:member_id>/export.json")
def export(member_id: int):
    """Everything held about the person, for their access request (admins and the
    secretaries of their committees)."""
    ctx = current_context("committees")
    with ctx.transaction() as session:
        member = session.get(Member, member_id) or abort(404)
        if not access.may_see_contacts(session, member):
            abort(403)
        data = privacy.export(session, ctx, member)
    body = json.dumps(data, ensure_ascii=False, indent=2)
    return Response(
        body,
        mimetype="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="membre-{member_id}.json"',
            "Cache-Control": "no-store",
        },
    )


@blueprint.get("/<int:member_id>/erase")
def confirm_erase(member_id: int):
    need("admin")
    return render_template("committees/erase.html", member=found(member_id))


@blueprint.post("/<int:member_id>/erase")
def erase(member_id: int):
    need("admin")
    ctx = current_context("committees")
    with ctx.transaction() as session:
        member = session.get(Member, member_id) or abort(404)
        if member.erased_at is None:
            privacy.erase(session, ctx, member)
    flash(_("The person's data was erased."))
    return redirect(url_for(".member", member_id=member_id))
