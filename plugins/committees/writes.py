"""Every write of the committees, shared by the admin pages, the API and the demo.

Each function checks what it is given (strings from a form), raises `Invalid` naming the field
at fault with an English msgid of the plugin's catalog, and records itself in the audit log in
the same transaction (the caller commits), so a write and its trace land together or not at all.

Members are audited by id and by the names of the fields that changed, never by value: the
audit log outlives an erasure and must hold no contact (nor the name of an erased person).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bridge.plugin import N_, PluginContext, formatting, utcnow
from plugins.committees.models import (
    ACTION_STATUSES,
    ATTENDANCE,
    MEETING_STATUSES,
    MEMBER_KINDS,
    ROLES,
    ActionItem,
    ActionItemAllocation,
    ActionItemResult,
    AgendaItem,
    Attendance,
    Committee,
    CommitteeAllocation,
    CommitteeResult,
    Decision,
    Meeting,
    Member,
    Membership,
)

CONTACTS = ("email", "phone", "postal_address", "account_email")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE = re.compile(r"^\+?[0-9 .()-]{6,25}$")
RESULT_KEY = re.compile(r"^([A-Za-z0-9_.-]{1,100})[:#/ ]([A-Za-z0-9_-]{1,64})$")


class Invalid(ValueError):
    """A value that cannot be stored: the field at fault and an English msgid (translated where
    it is shown: `_(error.msgid, **error.variables)`)."""

    def __init__(self, field: str | None, msgid: str, **variables: Any) -> None:
        super().__init__(msgid % variables if variables else msgid)
        self.field, self.msgid, self.variables = field, msgid, variables


def text(data: dict, field: str, *, required: bool = False, limit: int = 300) -> str | None:
    """The field's text, stripped; None when empty (refused when `required`)."""
    value = data.get(field)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise Invalid(field, N_("This field is required."))
        return None
    if not isinstance(value, str):
        raise Invalid(field, N_("This field must be text."))
    value = value.strip()
    if any(ord(c) < 32 and c not in "\n\r\t" for c in value) or "\x00" in value:
        raise Invalid(field, N_("This field holds control characters."))
    if len(value) > limit:
        raise Invalid(field, N_("At most %(limit)s characters."), limit=limit)
    return value


def required(data: dict, field: str, limit: int = 300) -> str:
    value = text(data, field, required=True, limit=limit)
    assert value is not None
    return value


def choice(data: dict, field: str, allowed: tuple[str, ...], default: str | None = None) -> str:
    value = text(data, field) or default
    if value not in allowed:
        raise Invalid(field, N_("Choose one of the proposed values."))
    return value


def day(data: dict, field: str, *, required: bool = False) -> date | None:
    """A date as the form's date field sends it (YYYY-MM-DD)."""
    value = text(data, field, required=required, limit=10)
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise Invalid(field, N_("Give a date as YYYY-MM-DD.")) from None


def moment(data: dict, day_field: str, time_field: str) -> datetime:
    """A date and a time typed in the city's clock, as naive UTC (the bridge's rule)."""
    when = day(data, day_field, required=True)
    assert when is not None
    raw = required(data, time_field, 5)
    try:
        clock = time.fromisoformat(raw)
    except ValueError:
        raise Invalid(time_field, N_("Give a time as HH:MM.")) from None
    local = datetime.combine(when, clock, tzinfo=formatting.zone())
    return local.astimezone(UTC).replace(tzinfo=None)


def count(data: dict, field: str, *, biggest: int = 10_000) -> int | None:
    value = text(data, field, limit=6)
    if value is None:
        return None
    if not value.isdigit() or int(value) > biggest:
        raise Invalid(field, N_("Give a whole number from 0 to %(biggest)s."), biggest=biggest)
    return int(value)


def flag(data: dict, field: str) -> bool:
    return str(data.get(field, "")).lower() in ("1", "on", "true", "yes", "oui")


def email(data: dict, field: str) -> str | None:
    value = text(data, field, limit=320)
    if value is not None and not EMAIL.match(value):
        raise Invalid(field, N_("Give an e-mail address such as name@example.org."))
    return value.lower() if value else None


def slugify(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")[:80] or "comite"


def _unique(session: Session, model: Any, column: Any, value: str, own_id: int | None) -> None:
    found = session.scalar(select(model.id).where(column == value))
    if found is not None and found != own_id:
        raise Invalid(column.key, N_("Another committee already has this name."))


# --- committees -------------------------------------------------------------------------


def save_committee(
    session: Session, context: PluginContext, data: dict, committee: Committee | None = None
) -> Committee:
    """Create or update a committee from the form's fields."""
    name = required(data, "name", 200)
    fields = {
        "name": name,
        "description": text(data, "description", limit=5000) or "",
        "theme": text(data, "theme", limit=200),
        "priority": text(data, "priority", limit=300),
        "instance": text(data, "instance", limit=100),
        "space_type": text(data, "space_type", limit=40),
        "space_remote_id": text(data, "space_remote_id", limit=64),
        "public": flag(data, "public"),
    }
    if bool(fields["instance"]) != bool(fields["space_remote_id"]):
        raise Invalid("space_remote_id", N_("Give both the instance and the process's id."))
    _unique(session, Committee, Committee.name, name, committee.id if committee else None)
    return _save(
        session,
        context,
        committee,
        lambda now: Committee(slug=_free_slug(session, name), created_at=now),
        fields,
        actions=("committees.committee.create", "committees.committee.update"),
        target="committee",
        audited=lambda values: {k: values.get(k) for k in fields},
    )


def _free_slug(session: Session, name: str) -> str:
    """The name as a slug no other committee has ("velo", then "velo-2"...)."""
    slug, n = slugify(name), 1
    while session.scalar(select(Committee.id).where(Committee.slug == slug)) is not None:
        n += 1
        slug = f"{slugify(name)[:75]}-{n}"
    return slug


def _save(
    session: Session,
    context: PluginContext,
    row: Any,
    make: Callable[[datetime], Any],
    fields: dict[str, Any],
    *,
    actions: tuple[str, str],
    target: str,
    audited: Callable[[dict], dict],
) -> Any:
    """Create (`make(now)`) or update `row` with `fields` and audit it in the same
    transaction as `actions` (on create, on update) on `target:<id>`, `audited` giving what
    the audit log keeps of the values before and after (never a contact)."""
    now = utcnow()
    before = None
    if row is None:
        row = make(now)
        session.add(row)
    else:
        before = audited({key: getattr(row, key) for key in fields})
    for key, value in fields.items():
        setattr(row, key, value)
    row.updated_at = now
    session.flush()
    action = actions[0] if before is None else actions[1]
    context.audit(session, action, f"{target}:{row.id}", audited(fields), before=before)
    return row


def link_result(session: Session, context: PluginContext, owner: Any, raw: str) -> None:
    """Link a committee or an action item to a synced accountability result, given as
    `instance:remote_id` (the stable key); refused when no such result is synced."""
    match = RESULT_KEY.match(raw.strip())
    if not match:
        raise Invalid("result", N_("Give the result as instance:id, e.g. ivry:42."))
    instance, remote_id = match.groups()
    if context.records.get(instance, "results", remote_id) is None:
        raise Invalid("result", N_("No synced result %(key)s."), key=f"{instance}:{remote_id}")
    if isinstance(owner, Committee):
        links: list = owner.results
        link: Any = CommitteeResult(instance=instance, result_remote_id=remote_id)
    else:
        links = owner.results
        link = ActionItemResult(instance=instance, result_remote_id=remote_id)
    if any((x.instance, x.result_remote_id) == (instance, remote_id) for x in links):
        raise Invalid("result", N_("This result is already linked."))
    links.append(link)
    session.flush()
    context.audit(
        session,
        "committees.link.result",
        _target(owner),
        {"to": _kind(owner), "instance": instance, "result": remote_id},
    )


def link_allocation(session: Session, context: PluginContext, owner: Any, raw: str) -> None:
    """Link a committee or an action item to a budget allocation by its `references` key;
    refused when no plugin answers that key."""
    key = raw.strip()
    known = {allocation_key(r) for r in allocation_references(context, session)}
    if key not in known:
        raise Invalid("allocation", N_("No budget allocation has the key %(key)s."), key=key)
    links: list = owner.allocations
    if any(x.reference == key for x in links):
        raise Invalid("allocation", N_("This allocation is already linked."))
    links.append(
        CommitteeAllocation(reference=key)
        if isinstance(owner, Committee)
        else ActionItemAllocation(reference=key)
    )
    session.flush()
    context.audit(
        session,
        "committees.link.allocation",
        _target(owner),
        {"to": _kind(owner), "reference": key},
    )


def unlink(session: Session, context: PluginContext, owner: Any, kind: str, link_id: int) -> None:
    links = owner.results if kind == "result" else owner.allocations
    link = next((x for x in links if x.id == link_id), None)
    if link is None:
        raise Invalid(kind, N_("This link no longer exists."))
    links.remove(link)
    session.flush()
    context.audit(
        session,
        f"committees.unlink.{kind}",
        _target(owner),
        {"to": _kind(owner), "link": link_id},
    )


ALLOCATION = "budget.allocation"


def allocation_references(context: PluginContext, session: Session) -> list:
    """The budget allocations the plugins offer (`references` hook, kind
    "budget.allocation"); empty outside a request or while no plugin answers it."""
    try:
        return context.collect("references", session=session, kind=ALLOCATION, search=None)
    except RuntimeError:  # no plugin host (a context made outside the app)
        return []


def allocation_key(reference: Any) -> str:
    """What a link stores: the reference's kind and key, "budget.allocation:12"."""
    return f"{reference.kind}:{reference.key}"


def _target(owner: Any) -> str:
    return f"committee:{owner.id}" if isinstance(owner, Committee) else f"action:{owner.id}"


def _kind(owner: Any) -> str:
    """What the audit log page words as "the committee" or "the action item"."""
    return "committee" if isinstance(owner, Committee) else "action_item"


# --- members and memberships ------------------------------------------------------------


def save_member(
    session: Session,
    context: PluginContext,
    data: dict,
    member: Member | None = None,
    *,
    contacts: bool = True,
) -> Member:
    """Create or update a member. `contacts` False (a role that may not see them) leaves the
    contact fields as they are whatever the form holds."""
    fields: dict[str, Any] = {
        "name": required(data, "name", 200),
        "kind": choice(data, "kind", MEMBER_KINDS),
        "organisation": text(data, "organisation", limit=200),
    }
    if contacts:
        phone = text(data, "phone", limit=40)
        if phone is not None and not PHONE.match(phone):
            raise Invalid("phone", N_("Give a phone number of digits, spaces, dots or +."))
        fields |= {
            "email": email(data, "email"),
            "phone": phone,
            "postal_address": text(data, "postal_address", limit=500),
            "account_email": email(data, "account_email"),
        }
    now = utcnow()
    created = member is None
    if member is None:
        member = Member(created_at=now)
        session.add(member)
    elif member.erased_at is not None:
        raise Invalid(None, N_("This person was erased: their record cannot change."))
    changed = sorted(k for k, v in fields.items() if getattr(member, k, None) != v)
    for key, value in fields.items():
        setattr(member, key, value)
    member.updated_at = now
    session.flush()
    context.audit(
        session,
        "committees.member.create" if created else "committees.member.update",
        f"member:{member.id}",
        {"kind": member.kind, "fields": changed},  # names of fields, never values
    )
    return member


def add_membership(
    session: Session, context: PluginContext, committee: Committee, data: dict
) -> Membership:
    member_id = count(data, "member", biggest=2**31 - 1)
    member = session.get(Member, member_id) if member_id is not None else None
    if member is None or member.erased_at is not None:
        raise Invalid("member", N_("Choose a member."))
    starts = day(data, "starts_on", required=True)
    ends = day(data, "ends_on")
    assert starts is not None
    if ends is not None and ends < starts:
        raise Invalid("ends_on", N_("The end comes before the start."))
    role = choice(data, "role", ROLES, "member")
    overlapping = [
        s
        for s in committee.memberships
        if s.member_id == member.id
        and (s.ends_on is None or s.ends_on >= starts)
        and (ends is None or s.starts_on <= ends)
    ]
    if overlapping:
        raise Invalid("starts_on", N_("This member already sits on the committee then."))
    seat = Membership(
        member=member, role=role, voting=flag(data, "voting"), starts_on=starts, ends_on=ends
    )
    committee.memberships.append(seat)
    session.flush()
    context.audit(
        session,
        "committees.membership.create",
        f"committee:{committee.id}",
        {"member": member.id, "role": seat.role, "voting": seat.voting},
    )
    return seat


def end_membership(session: Session, context: PluginContext, seat: Membership, data: dict) -> None:
    ends = day(data, "ends_on", required=True)
    assert ends is not None
    if ends < seat.starts_on:
        raise Invalid("ends_on", N_("The end comes before the start."))
    before = seat.ends_on
    seat.ends_on = ends
    session.flush()
    context.audit(
        session,
        "committees.membership.end",
        f"committee:{seat.committee_id}",
        {"member": seat.member_id, "ends_on": ends.isoformat()},
        before={"ends_on": before.isoformat() if before else None},
    )


# --- meetings ---------------------------------------------------------------------------


def save_meeting(
    session: Session,
    context: PluginContext,
    committee: Committee,
    data: dict,
    meeting: Meeting | None = None,
) -> Meeting:
    starts = moment(data, "date", "start")
    ends = moment(data, "date", "end")
    if ends <= starts:
        raise Invalid("end", N_("The meeting ends after it starts."))
    fields: dict[str, Any] = {
        "title": required(data, "title", 300),
        "place": text(data, "place", limit=300) or "",
        "status": choice(data, "status", MEETING_STATUSES, "planned"),
        "starts_at": starts,
        "ends_at": ends,
    }
    return _save(
        session,
        context,
        meeting,
        lambda now: Meeting(committee=committee, created_at=now, minutes=""),
        fields,
        actions=("committees.meeting.create", "committees.meeting.update"),
        target="meeting",
        audited=_meeting_audit,
    )


def _meeting_audit(fields: dict) -> dict:
    """A meeting as the audit log keeps it: its day and times in the city's clock, as the
    form gave them (the audit log page says a day in words, not a UTC instant)."""
    starts, ends = formatting.local(fields["starts_at"]), formatting.local(fields["ends_at"])
    return {k: fields.get(k) for k in ("title", "place", "status")} | {
        "date": starts.date().isoformat(),
        "start": starts.strftime("%H:%M"),
        "end": ends.strftime("%H:%M"),
    }


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, (date, datetime)) else value


def add_agenda_item(
    session: Session, context: PluginContext, meeting: Meeting, data: dict
) -> AgendaItem:
    item = AgendaItem(
        position=len(meeting.agenda) + 1,
        title=required(data, "title", 300),
        description=text(data, "description", limit=5000) or "",
    )
    meeting.agenda.append(item)
    session.flush()
    context.audit(session, "committees.agenda.add", f"meeting:{meeting.id}", {"title": item.title})
    return item


def save_minutes(session: Session, context: PluginContext, meeting: Meeting, data: dict) -> None:
    meeting.minutes = text(data, "minutes", limit=100_000) or ""
    meeting.minutes_public = flag(data, "minutes_public")
    meeting.updated_at = utcnow()
    session.flush()
    context.audit(
        session,
        "committees.minutes.save",
        f"meeting:{meeting.id}",
        {"length": len(meeting.minutes), "public": meeting.minutes_public},
    )


def save_attendance(session: Session, context: PluginContext, meeting: Meeting, data: dict) -> None:
    """`status-<member id>` for each member seated on the meeting's day."""
    seated = {
        s.member_id
        for s in meeting.committee.memberships
        if s.current(formatting.local(meeting.starts_at).date())
    }
    kept = {a.member_id: a for a in meeting.attendance}
    statuses = {}
    for member_id in sorted(seated):
        status = text(data, f"status-{member_id}")
        if status is None:
            continue
        if status not in ATTENDANCE:
            raise Invalid(f"status-{member_id}", N_("Choose one of the proposed values."))
        statuses[member_id] = status
        if member_id in kept:
            kept[member_id].status = status
        else:
            meeting.attendance.append(Attendance(member_id=member_id, status=status))
    session.flush()
    context.audit(
        session,
        "committees.attendance.save",
        f"meeting:{meeting.id}",
        {s: sum(1 for v in statuses.values() if v == s) for s in ATTENDANCE},
    )


def add_decision(
    session: Session, context: PluginContext, meeting: Meeting, data: dict
) -> Decision:
    """A decision, with its vote counts when it was put to a vote. The counts cannot exceed
    the voting members seated that day."""
    voted = flag(data, "voted")
    votes = {k: count(data, k) for k in ("votes_for", "votes_against", "votes_abstain")}
    if voted:
        for key, value in votes.items():
            if value is None:
                raise Invalid(key, N_("Give the three counts of a vote."))
        on = formatting.local(meeting.starts_at).date()
        voters = sum(1 for s in meeting.committee.memberships if s.voting and s.current(on))
        cast = sum(v or 0 for v in votes.values())
        if voters and cast > voters:
            raise Invalid(
                "votes_for",
                N_("%(cast)s votes for %(voters)s voting members."),
                cast=cast,
                voters=voters,
            )
    elif any(v is not None for v in votes.values()):
        raise Invalid("voted", N_("Tick “put to a vote” to give counts."))
    agenda_id = count(data, "agenda_item", biggest=2**31 - 1)
    if agenda_id is not None and agenda_id not in {a.id for a in meeting.agenda}:
        raise Invalid("agenda_item", N_("Choose one of the proposed values."))
    decision = Decision(
        text=required(data, "text", 5000),
        voted=voted,
        agenda_item_id=agenda_id,
        created_at=utcnow(),
        **(votes if voted else {}),
    )
    meeting.decisions.append(decision)
    session.flush()
    context.audit(
        session,
        "committees.decision.add",
        f"decision:{decision.id}",
        {"meeting": meeting.id, "voted": voted, **(votes if voted else {})},
    )
    return decision


# --- action items -----------------------------------------------------------------------


def save_action_item(
    session: Session,
    context: PluginContext,
    committee: Committee,
    data: dict,
    item: ActionItem | None = None,
) -> ActionItem:
    decision_id = count(data, "decision", biggest=2**31 - 1)
    decisions = {d.id for m in committee.meetings for d in m.decisions}
    if decision_id is not None and decision_id not in decisions:
        raise Invalid("decision", N_("Choose one of the proposed values."))
    owner_id = count(data, "owner_member", biggest=2**31 - 1)
    seated = {s.member_id for s in committee.memberships}
    if owner_id is not None and owner_id not in seated:
        raise Invalid("owner_member", N_("Choose one of the proposed values."))
    owner_name = text(data, "owner_name", limit=200)
    owner_email = email(data, "owner_email")
    if owner_id is not None and (owner_name or owner_email):
        raise Invalid("owner_name", N_("Either a member or a name, not both."))
    if owner_email and not owner_name:
        raise Invalid("owner_name", N_("Give the owner's name with their e-mail."))
    status = choice(data, "status", ACTION_STATUSES, "to_do")
    progress = count(data, "progress", biggest=100)
    progress = (100 if status == "done" else 0) if progress is None else progress
    if status == "done" and progress != 100:
        raise Invalid("progress", N_("A done action has a progress of 100."))
    if status == "to_do" and progress:
        raise Invalid("progress", N_("An action to do has not progressed: choose “in progress”."))
    fields: dict[str, Any] = {
        "title": required(data, "title", 300),
        "description": text(data, "description", limit=5000) or "",
        "decision_id": decision_id,
        "owner_member_id": owner_id,
        "owner_name": owner_name,
        "owner_email": owner_email,
        "due_on": day(data, "due_on"),
        "status": status,
        "progress": progress,
        "priority": text(data, "priority", limit=300),
    }
    return _save(
        session,
        context,
        item,
        lambda now: ActionItem(committee=committee, created_at=now),
        fields,
        actions=("committees.action.create", "committees.action.update"),
        target="action",
        audited=_action_audit,
    )


def _action_audit(fields: dict) -> dict:
    """An action item as the audit log keeps it: without the owner's e-mail."""
    keep = ("title", "decision_id", "owner_member_id", "due_on", "status", "progress")
    return {k: _plain(fields.get(k)) for k in keep} | {
        "owner_email_given": bool(fields.get("owner_email"))
    }
