"""Every write of the plugin, checked and audited in the caller's transaction: nothing wrong is
stored, and each write is in the audit log with who did it (a status change also in the
commitment's own history, with its reason)."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from bridge.plugin import N_, PluginContext, utcnow
from plugins.commitments.models import Commitment, Evidence, Mandate, StatusChange
from plugins.commitments.statuses import STATUSES

MAX_FILE_BYTES = 10 * 1024 * 1024  # a scanned deliberation fits; a video does not
RECORD_RESOURCES = ("proposals", "projects", "results", "meetings", "debates", "budgets")


class Refused(ValueError):
    """Why a write was refused: an English msgid (the API's and the CLI's words) with its
    variables, translated where a page shows it; `field` names the form field at fault."""

    def __init__(
        self, msgid: str, field: str | None = None, variables: dict[str, Any] | None = None
    ) -> None:
        self.msgid, self.field, self.variables = msgid, field, variables or {}
        super().__init__(msgid % self.variables if self.variables else msgid)


def _text(value: str | None, name: str, limit: int, required: bool = True) -> str | None:
    value = (value or "").strip()
    if not value:
        if required:
            raise Refused(N_("%(field)s is required"), name, {"field": name})
        return None
    if len(value) > limit:
        raise Refused(N_("%(field)s is too long"), name, {"field": name})
    return value


def check_status(status: str) -> str:
    if status not in STATUSES:
        raise Refused(N_("unknown status: %(status)s"), "status", {"status": status})
    return status


def add_mandate(
    session: Session,
    context: PluginContext,
    name: str,
    starts_on: date | None = None,
    ends_on: date | None = None,
    description: str | None = None,
) -> Mandate:
    values = _mandate_values(session, None, name, starts_on, ends_on, description)
    mandate = Mandate(**values, created_at=utcnow())
    session.add(mandate)
    session.flush()
    context.audit(session, "commitments.mandate.create", f"mandate:{mandate.id}", _json(values))
    return mandate


MANDATE_FIELDS = ("name", "starts_on", "ends_on", "description")


def _mandate_values(
    session: Session,
    mandate: Mandate | None,
    name: str | None,
    starts_on: date | None,
    ends_on: date | None,
    description: str | None,
) -> dict[str, Any]:
    """A mandate's fields checked: a name no other mandate has, an end not before the start."""
    name = _text(name, "name", 200) or ""
    if starts_on and ends_on and ends_on < starts_on:
        raise Refused(N_("the mandate ends before it starts"), "ends_on")
    same_name = select(Mandate.id).where(Mandate.name == name)
    if mandate is not None:
        same_name = same_name.where(Mandate.id != mandate.id)
    if session.scalar(same_name):
        raise Refused(N_("a mandate named %(name)s exists already"), "name", {"name": name})
    return {
        "name": name,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "description": _text(description, "description", 20_000, required=False),
    }


def edit_mandate(
    session: Session,
    context: PluginContext,
    mandate: Mandate,
    name: str,
    starts_on: date | None,
    ends_on: date | None,
    description: str | None,
) -> bool:
    """Rename a mandate, change its dates or its description. False when nothing changed
    (nothing audited)."""
    values = _mandate_values(session, mandate, name, starts_on, ends_on, description)
    before = {k: getattr(mandate, k) for k in MANDATE_FIELDS if getattr(mandate, k) != values[k]}
    if not before:
        return False
    for key in before:
        setattr(mandate, key, values[key])
    context.audit(
        session,
        "commitments.mandate.edit",
        f"mandate:{mandate.id}",
        _json({k: values[k] for k in before}),
        before=_json(before),
    )
    return True


def mandate_contents(session: Session, mandate: Mandate) -> dict[str, int]:
    """What deleting the mandate would delete with it: its commitments, their evidence and
    the entries of their status history."""
    ids = select(Commitment.id).where(Commitment.mandate_id == mandate.id)

    def count(model: type[Evidence] | type[StatusChange]) -> int:
        return (
            session.scalar(
                select(func.count()).select_from(model).where(model.commitment_id.in_(ids))
            )
            or 0
        )

    commitments = session.scalar(select(func.count()).select_from(ids.subquery())) or 0
    return {"commitments": commitments, "evidence": count(Evidence), "history": count(StatusChange)}


def delete_mandate(
    session: Session, context: PluginContext, mandate: Mandate, confirmation: str
) -> dict[str, int]:
    """Delete a mandate. An empty one goes at once; one that still has commitments only when
    `confirmation` is the mandate's name typed again, and then its commitments, their evidence
    and history go with it. The audit entry keeps the mandate and the number, title and status
    of every commitment deleted, so what was lost can be told and typed again."""
    contents = mandate_contents(session, mandate)
    if contents["commitments"] and confirmation.strip() != mandate.name:
        raise Refused(
            N_(
                "this mandate still holds commitments (%(count)s): type its name to delete "
                "them with it"
            ),
            "confirmation",
            {"count": contents["commitments"]},
        )
    commitments = list(
        session.scalars(
            select(Commitment).where(Commitment.mandate_id == mandate.id).order_by(Commitment.ref)
        )
    )
    ids = [c.id for c in commitments]
    if ids:
        session.execute(delete(Evidence).where(Evidence.commitment_id.in_(ids)))
        session.execute(delete(StatusChange).where(StatusChange.commitment_id.in_(ids)))
        session.execute(delete(Commitment).where(Commitment.id.in_(ids)))
    context.audit(
        session,
        "commitments.mandate.delete",
        f"mandate:{mandate.id}",
        before={
            **_json({k: getattr(mandate, k) for k in MANDATE_FIELDS}),
            **contents,
            "deleted": [f"{c.ref} [{c.status}] {c.title}" for c in commitments],
        },
    )
    session.delete(mandate)
    session.flush()
    return contents


def add_commitment(
    session: Session,
    context: PluginContext,
    mandate: Mandate,
    *,
    ref: str,
    theme: str,
    title: str,
    status: str,
    reason: str,
    description: str | None = None,
) -> Commitment:
    ref = _text(ref, "ref", 40) or ""
    values = {
        "ref": ref,
        "theme": _text(theme, "theme", 200),
        "title": _text(title, "title", 500),
        "description": _text(description, "description", 20_000, required=False),
        "status": check_status(status),
    }
    reason = _text(reason, "reason", 5000) or ""
    taken = select(Commitment.id).where(Commitment.mandate_id == mandate.id, Commitment.ref == ref)
    if session.scalar(taken):
        raise Refused(N_("the number %(ref)s is taken in this mandate"), "ref", {"ref": ref})
    now = utcnow()
    commitment = Commitment(
        mandate_id=mandate.id, status_changed_at=now, created_at=now, updated_at=now, **values
    )
    session.add(commitment)
    session.flush()
    session.add(
        StatusChange(
            commitment_id=commitment.id,
            old_status=None,
            new_status=status,
            reason=reason,
            changed_by=context.actor,
            changed_at=now,
        )
    )
    context.audit(
        session,
        "commitments.commitment.create",
        f"commitment:{commitment.id}",
        {**values, "mandate": mandate.name, "reason": reason},
    )
    return commitment


EDITABLE = ("ref", "theme", "title", "description")


def edit_commitment(
    session: Session, context: PluginContext, commitment: Commitment, values: dict[str, Any]
) -> bool:
    """Change the words of a commitment (not its status: `change_status`). False when nothing
    changed (nothing audited)."""
    checked = {
        "ref": _text(values.get("ref", commitment.ref), "ref", 40),
        "theme": _text(values.get("theme", commitment.theme), "theme", 200),
        "title": _text(values.get("title", commitment.title), "title", 500),
        "description": _text(
            values.get("description", commitment.description), "description", 20_000, False
        ),
    }
    if checked["ref"] != commitment.ref:
        taken = select(Commitment.id).where(
            Commitment.mandate_id == commitment.mandate_id, Commitment.ref == checked["ref"]
        )
        if session.scalar(taken):
            raise Refused(
                N_("the number %(ref)s is taken in this mandate"), "ref", {"ref": checked["ref"]}
            )
    before = {k: getattr(commitment, k) for k in EDITABLE if getattr(commitment, k) != checked[k]}
    if not before:
        return False
    for key in before:
        setattr(commitment, key, checked[key])
    commitment.updated_at = utcnow()
    context.audit(
        session,
        "commitments.commitment.edit",
        f"commitment:{commitment.id}",
        {k: checked[k] for k in before},
        before=before,
    )
    return True


def change_status(
    session: Session, context: PluginContext, commitment: Commitment, status: str, reason: str
) -> bool:
    """Move a commitment to `status`, saying why (required); kept in its history. False when
    it already had that status (nothing written)."""
    check_status(status)
    if status == commitment.status:
        return False
    reason = _text(reason, "reason", 5000) or ""
    now = utcnow()
    session.add(
        StatusChange(
            commitment_id=commitment.id,
            old_status=commitment.status,
            new_status=status,
            reason=reason,
            changed_by=context.actor,
            changed_at=now,
        )
    )
    context.audit(
        session,
        "commitments.commitment.status",
        f"commitment:{commitment.id}",
        {"status": status, "reason": reason},
        before={"status": commitment.status},
    )
    commitment.status, commitment.status_changed_at, commitment.updated_at = status, now, now
    return True


def add_evidence(
    session: Session, context: PluginContext, commitment: Commitment, **values: Any
) -> Evidence:
    """Attach evidence of one kind (see `Evidence`); the fields of the other kinds stay empty."""
    kind = values.get("kind")
    label = _text(values.get("label"), "label", 500)
    evidence = Evidence(
        commitment_id=commitment.id,
        kind=kind,
        label=label,
        added_by=context.actor,
        added_at=utcnow(),
    )
    if kind == "record":
        resource = values.get("resource")
        if resource not in RECORD_RESOURCES:
            raise Refused(
                N_("unknown kind of record: %(resource)s"), "resource", {"resource": resource}
            )
        evidence.instance = _text(values.get("instance"), "instance", 100)
        evidence.resource = resource
        evidence.remote_id = _text(values.get("remote_id"), "remote_id", 64)
        evidence.url = _url(values.get("url"), required=False)
    elif kind == "reference":
        evidence.ref_kind = _text(values.get("ref_kind"), "ref_kind", 100)
        evidence.ref_key = _text(values.get("ref_key"), "ref_key", 200)
        evidence.url = _url(values.get("url"), required=False)
    elif kind == "link":
        evidence.url = _url(values.get("url"), required=True)
    elif kind == "file":
        content = values.get("content") or b""
        if not content:
            raise Refused(N_("the file is empty"), "file")
        if len(content) > MAX_FILE_BYTES:
            raise Refused(N_("the file is larger than 10 MB"), "file")
        evidence.filename = _text(values.get("filename"), "file", 255)
        evidence.media_type = values.get("media_type") or "application/octet-stream"
        evidence.content = content
    else:
        raise Refused(N_("unknown kind of evidence: %(kind)s"), "kind", {"kind": kind})
    session.add(evidence)
    session.flush()
    context.audit(
        session,
        "commitments.evidence.add",
        f"commitment:{commitment.id}",
        {"evidence": evidence.id, **evidence_json(evidence)},
    )
    return evidence


def remove_evidence(session: Session, context: PluginContext, evidence: Evidence) -> None:
    context.audit(
        session,
        "commitments.evidence.remove",
        f"commitment:{evidence.commitment_id}",
        before={"evidence": evidence.id, **evidence_json(evidence)},
    )
    session.delete(evidence)


def evidence_json(e: Evidence) -> dict[str, Any]:
    """The API's view of evidence (a file's bytes are downloaded apart)."""
    out: dict[str, Any] = {"id": e.id, "kind": e.kind, "label": e.label, "url": e.url}
    if e.kind == "record":
        out["record"] = {"instance": e.instance, "resource": e.resource, "remote_id": e.remote_id}
    elif e.kind == "reference":
        out["reference"] = {"kind": e.ref_kind, "key": e.ref_key}
    elif e.kind == "file":
        out["file"] = {"filename": e.filename, "media_type": e.media_type}
    return out


def counts(session: Session, mandate_id: int) -> dict[str, int]:
    rows = session.execute(
        select(Commitment.status, func.count())
        .where(Commitment.mandate_id == mandate_id)
        .group_by(Commitment.status)
    )
    return {status: n for status, n in rows}


def _url(value: str | None, required: bool) -> str | None:
    text = _text(value, "url", 2000, required)
    if text is None:
        return None
    parts = urlsplit(text)
    if not (text.startswith("/") and not text.startswith("//")) and (
        parts.scheme not in ("http", "https") or not parts.netloc
    ):
        raise Refused(N_("not a web address (http:// or https://): %(url)s"), "url", {"url": text})
    return text


def _json(values: dict[str, Any]) -> dict[str, Any]:
    """Values as the audit log stores them (days as ISO text)."""
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in values.items()}
