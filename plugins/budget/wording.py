"""The budget's audit actions as sentences on the audit log page (the `audit_wording` hook).

The texts are English msgids of the budget's catalog (translations/, domain "budget"); the
audit page translates them in the reader's language."""

from __future__ import annotations

from bridge.plugin import N_, AuditWording, Plural

WORDING = AuditWording(
    actions={
        "budget.envelope.create": N_(
            "{who} created the envelope “{after[name]}” of {after[amount]}"
        ),
        "budget.allocation.create": N_(
            "{who} created the allocation no. {target} of {after[amount]}"
        ),
        "budget.allocation.update": N_("{who} changed the allocation no. {target}"),
        "budget.ledger.add": N_(
            "{who} added to the ledger: {after[kind]} of {after[amount]} on {after[date]}"
        ),
        "budget.ledger.delete": N_(
            "{who} deleted from the ledger: {before[kind]} of {before[amount]}"
        ),
        "budget.import": Plural(
            "{who} imported {after[lines]} line from the file “{after[file]}”",
            "{who} imported {after[lines]} lines from the file “{after[file]}”",
            "lines",
        ),
    },
    labels={
        "budget.envelope.create": N_("budget: envelope"),
        "budget.allocation.create": N_("budget: allocation created"),
        "budget.allocation.update": N_("budget: allocation changed"),
        "budget.ledger.add": N_("budget: line added"),
        "budget.ledger.delete": N_("budget: line deleted"),
        "budget.import": N_("budget: CSV import"),
    },
    fields={
        "status": N_("status"),
        "amount": N_("amount"),
        "label": N_("label"),
        "theme": N_("theme"),
        "neighbourhood": N_("neighbourhood"),
    },
    values={
        "proposed": N_("proposed"),
        "confirmed": N_("confirmed"),
        "commitment": N_("commitment"),
        "payment": N_("payment"),
    },
    units={"amount": "\u00a0€"},
)
