"""How the audit log page says the committees' actions: English msgids of the plugin's
catalog, translated where the page shows them (docs/plugins/hooks.md, `audit_wording`).

No sentence names a contact: members are audited by id and by the names of the fields that
changed (`writes.save_member`), and the page shows lists as "…" (read them in the CSV)."""

from __future__ import annotations

from bridge.plugin import N_, AuditWording
from plugins.committees.words import ACTION, ATTENDANCE, KIND, MEETING, ROLE

WORDING = AuditWording(
    actions={
        "committees.committee.create": N_("{who} created the committee “{after[name]}”"),
        "committees.committee.update": N_("{who} changed the committee “{after[name]}”"),
        "committees.link.result": N_(
            "{who} linked {after[to]} no. {target} to the result {after[instance]}:{after[result]}"
        ),
        "committees.link.allocation": N_(
            "{who} linked {after[to]} no. {target} to the budget allocation {after[reference]}"
        ),
        "committees.unlink.result": N_("{who} removed a result from {after[to]} no. {target}"),
        "committees.unlink.allocation": N_(
            "{who} removed a budget allocation from {after[to]} no. {target}"
        ),
        "committees.member.create": N_("{who} added the member no. {target} ({after[kind]})"),
        "committees.member.update": N_("{who} changed the record of the member no. {target}"),
        "committees.member.export": N_(
            "{who} exported the personal data of the member no. {target}"
        ),
        "committees.member.erase": N_(
            "{who} erased the personal data of the member no. {target} "
            "(action items emptied: {after[action_items]}, e-mails erased: {after[mails]})"
        ),
        "committees.membership.create": N_(
            "{who} seated the member no. {after[member]} on the committee no. {target} "
            "({after[role]}, voting: {after[voting]})"
        ),
        "committees.membership.end": N_(
            "{who} ended the seat of the member no. {after[member]} on the committee "
            "no. {target} on {after[ends_on]}"
        ),
        "committees.meeting.create": N_("{who} planned the meeting “{after[title]}”"),
        "committees.meeting.update": N_("{who} changed the meeting “{after[title]}”"),
        "committees.agenda.add": N_(
            "{who} added “{after[title]}” to the agenda of the meeting no. {target}"
        ),
        "committees.minutes.save": N_(
            "{who} saved the minutes of the meeting no. {target} (public: {after[public]})"
        ),
        "committees.attendance.save": N_(
            "{who} recorded the attendance at the meeting no. {target}: "
            "{after[present]} present, {after[excused]} excused, {after[absent]} absent"
        ),
        "committees.decision.add": N_(
            "{who} recorded the decision no. {target} of the meeting no. {after[meeting]} "
            "(votes for: {after[votes_for]}, against: {after[votes_against]}, "
            "abstentions: {after[votes_abstain]})"
        ),
        "committees.action.create": N_("{who} added the action item “{after[title]}”"),
        "committees.action.update": N_("{who} changed the action item “{after[title]}”"),
        "committees.attachment.add": N_(
            "{who} attached the file “{after[file]}” to the meeting no. {target} "
            "(public: {after[public]})"
        ),
        "committees.attachment.delete": N_(
            "{who} removed the file “{after[file]}” from the meeting no. {target}"
        ),
        "committees.accountability.push": N_(
            "{who} sent to Decidim the progress of the result {after[instance]}:{after[result]}: "
            "{after[outcome]} ({before[progress]} → {after[progress]})"
        ),
    },
    labels={
        "committees.committee.create": N_("committees: committee created"),
        "committees.committee.update": N_("committees: committee changed"),
        "committees.link.result": N_("committees: result linked"),
        "committees.link.allocation": N_("committees: allocation linked"),
        "committees.unlink.result": N_("committees: result unlinked"),
        "committees.unlink.allocation": N_("committees: allocation unlinked"),
        "committees.member.create": N_("committees: member added"),
        "committees.member.update": N_("committees: member changed"),
        "committees.member.export": N_("committees: personal data exported"),
        "committees.member.erase": N_("committees: personal data erased"),
        "committees.membership.create": N_("committees: member seated"),
        "committees.membership.end": N_("committees: seat ended"),
        "committees.meeting.create": N_("committees: meeting planned"),
        "committees.meeting.update": N_("committees: meeting changed"),
        "committees.agenda.add": N_("committees: agenda item"),
        "committees.minutes.save": N_("committees: minutes"),
        "committees.attendance.save": N_("committees: attendance"),
        "committees.decision.add": N_("committees: decision"),
        "committees.action.create": N_("committees: action item added"),
        "committees.action.update": N_("committees: action item changed"),
        "committees.attachment.add": N_("committees: file attached"),
        "committees.attachment.delete": N_("committees: file removed"),
        "committees.accountability.push": N_("committees: progress sent to Decidim"),
    },
    fields={
        "name": N_("name"),
        "description": N_("description"),
        "theme": N_("theme"),
        "priority": N_("priority"),
        "instance": N_("instance"),
        "space_type": N_("kind of space"),
        "space_remote_id": N_("space"),
        "public": N_("public"),
        "title": N_("title"),
        "place": N_("place"),
        "status": N_("status"),
        "date": N_("date"),
        "start": N_("start time (the city's time)"),
        "end": N_("end time (the city's time)"),
        "ends_on": N_("end"),
        "decision_id": N_("decision"),
        "owner_member_id": N_("owner (member no.)"),
        "owner_email_given": N_("owner's e-mail given"),
        "due_on": N_("due date"),
        "progress": N_("progress"),
    },
    values={
        **KIND,
        **ROLE,
        **ATTENDANCE,
        **MEETING,
        **ACTION,
        "committee": N_("the committee"),
        "action_item": N_("the action item"),
        "refused": N_("refused"),  # a push's outcome ("done" is the action items' word)
        "failed": N_("failed"),
    },
    units={"progress": "\u00a0%"},
)
