"""What the committees offer other plugins: their decisions and action items as `Reference`s
(the `references` hook, cited as evidence by the commitments), and their action items as
`FollowupAction`s (the `followup_actions` hook, the progress report of a review meeting).

Not named like a hook: importing a submodule `references` would replace the hook on the
package."""

from __future__ import annotations

from typing import Any

from flask import has_request_context, url_for
from sqlalchemy import select
from sqlalchemy.orm import Session

from bridge.plugin import FollowupAction, RecordKey, Reference, current_language, formatting
from plugins.committees.models import ActionItem, Committee, Decision, Meeting
from plugins.committees.translation import _
from plugins.committees.words import ACTION, word

DECISION, ACTION_ITEM = "committees.decision", "committees.action_item"
LIMIT = 200


def _url(committee: Committee, anchor: str, admin: str, **ids: Any) -> str | None:
    """The public page's anchor when the committee is public, else its admin page."""
    if not has_request_context():
        return None
    if committee.public:
        return url_for("committees_public.committee", slug=committee.slug, _anchor=anchor)
    return url_for(admin, **ids)


def decision_reference(decision: Decision) -> Reference:
    meeting = decision.meeting
    votes = (
        _(
            "vote: %(yes)s for, %(no)s against, %(abstain)s abstaining",
            yes=decision.votes_for,
            no=decision.votes_against,
            abstain=decision.votes_abstain,
        )
        if decision.voted
        else None
    )
    return Reference(
        kind=DECISION,
        key=str(decision.id),
        label=_short(decision.text),
        url=_url(
            meeting.committee,
            f"meeting-{meeting.id}",
            "committees_meetings.meeting",
            meeting_id=meeting.id,
        ),
        date=formatting.local(meeting.starts_at).date(),
        detail=" · ".join(x for x in (meeting.committee.name, votes) if x),
    )


def action_reference(item: ActionItem) -> Reference:
    return Reference(
        kind=ACTION_ITEM,
        key=str(item.id),
        label=_short(item.title),
        url=_url(item.committee, "progress-title", "committees_admin.action", item_id=item.id),
        date=item.due_on,
        detail=f"{item.committee.name} · {word(ACTION, item.status)} · "
        f"{formatting.percent(item.progress, current_language())}",
    )


def _short(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= 160 else line[:159] + "…"


def references(session: Session, kind: str | None, search: str | None) -> list[Reference]:
    found: list[Reference] = []
    needle = (search or "").strip().lower()
    if kind in (None, DECISION):
        decisions = session.scalars(
            select(Decision).join(Meeting).order_by(Meeting.starts_at.desc(), Decision.id)
        )
        found += [
            r
            for r in map(decision_reference, decisions)
            if not needle or needle in r.label.lower() or needle == r.key
        ][:LIMIT]
    if kind in (None, ACTION_ITEM):
        items = session.scalars(select(ActionItem).order_by(ActionItem.id))
        found += [
            r
            for r in map(action_reference, items)
            if not needle or needle in r.label.lower() or needle == r.key
        ][:LIMIT]
    return found


STATUS = {"done": "done", "in_progress": "in_progress", "to_do": "to_do"}


def followup_actions(session: Session) -> list[FollowupAction]:
    """Every action item not cancelled, with its committee, decision, linked results and the
    budget allocations it spends (their reference keys)."""
    items = session.scalars(
        select(ActionItem).where(ActionItem.status != "cancelled").order_by(ActionItem.id)
    )
    return [
        FollowupAction(
            key=f"{ACTION_ITEM}:{item.id}",
            title=item.title,
            status=STATUS[item.status],
            progress=item.progress,
            priority=item.priority or item.committee.priority or item.committee.theme,
            committee=item.committee.name,
            decisions=(decision_reference(item.decision),) if item.decision else (),
            results=tuple(
                RecordKey(link.instance, "results", link.result_remote_id) for link in item.results
            ),
            due=item.due_on,
            url=_url(item.committee, "progress-title", "committees_admin.action", item_id=item.id),
            spends=tuple(link.reference for link in item.allocations),
        )
        for item in items
    ]
