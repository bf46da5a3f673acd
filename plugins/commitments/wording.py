"""How the audit log page says the plugin's actions: English msgids of the plugin's catalog,
translated where the page shows them (docs/translation.md)."""

from __future__ import annotations

from bridge.plugin import N_, AuditWording

WORDING = AuditWording(
    actions={
        "commitments.mandate.create": N_("{who} created the mandate “{after[name]}”"),
        "commitments.mandate.edit": N_("{who} edited the mandate {target}"),
        "commitments.mandate.delete": N_(
            "{who} deleted the mandate “{before[name]}” and its commitments ({before[commitments]})"
        ),
        "commitments.commitment.create": N_(
            "{who} added the commitment {after[ref]} “{after[title]}”"
        ),
        "commitments.commitment.edit": N_("{who} edited the commitment {target}"),
        "commitments.commitment.status": N_(
            "{who} changed the status of the commitment {target}: {after[reason]}"
        ),
        "commitments.evidence.add": N_(
            "{who} added evidence to the commitment {target}: {after[label]}"
        ),
        "commitments.evidence.remove": N_(
            "{who} removed evidence from the commitment {target}: {before[label]}"
        ),
        "commitments.import": N_(
            "{who} imported a spreadsheet of commitments: {after[create]} created, "
            "{after[update]} changed"
        ),
        "commitments.demo": N_("{who} seeded the demo commitments"),
    },
    labels={
        "commitments.mandate.create": N_("new mandate"),
        "commitments.mandate.edit": N_("mandate edited"),
        "commitments.mandate.delete": N_("mandate deleted"),
        "commitments.commitment.create": N_("new commitment"),
        "commitments.commitment.edit": N_("commitment edited"),
        "commitments.commitment.status": N_("commitment status"),
        "commitments.evidence.add": N_("evidence added"),
        "commitments.evidence.remove": N_("evidence removed"),
        "commitments.import": N_("commitments import"),
        "commitments.demo": N_("demo commitments"),
    },
    fields={
        "ref": N_("number"),
        "theme": N_("theme"),
        "title": N_("commitment"),
        "description": N_("description"),
        "name": N_("name"),
        "starts_on": N_("start"),
        "ends_on": N_("end"),
        "status": N_("status"),
    },
    values={
        "done": N_("done"),
        "in_progress": N_("in progress or partly done"),
        "on_hold": N_("on hold"),
        "broken": N_("broken"),
        "not_started": N_("not started"),
    },
)
