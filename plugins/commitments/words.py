"""What the pages say of the plugin's values and refusals, in the reader's language."""

from __future__ import annotations

from typing import Any

from bridge.plugin import N_
from plugins.commitments.statuses import NAMES
from plugins.commitments.translation import _

FIELDS = {
    "name": N_("name"),
    "ref": N_("number"),
    "theme": N_("theme"),
    "title": N_("commitment"),
    "description": N_("description"),
    "status": N_("status"),
    "reason": N_("reason"),
    "label": N_("label"),
    "url": N_("web address"),
    "instance": N_("instance"),
    "resource": N_("kind of record"),
    "remote_id": N_("Decidim id"),
    "ref_kind": N_("kind"),
    "ref_key": N_("key"),
    "file": N_("file"),
    "starts_on": N_("start"),
    "ends_on": N_("end"),
    "confirmation": N_("confirmation"),
}
EVIDENCE_KINDS = {
    "record": N_("Decidim record"),
    "reference": N_("decision, action or budget line"),
    "link": N_("document on the web"),
    "file": N_("document uploaded"),
}
RESOURCES = {
    "proposals": N_("proposal"),
    "projects": N_("project"),
    "results": N_("result (accountability)"),
    "meetings": N_("meeting"),
    "debates": N_("debate"),
    "budgets": N_("budget"),
}


def say(msgid: str, variables: dict[str, Any] | None = None) -> str:
    """A refusal in the reader's language; a field or column it names in the same language."""
    values = dict(variables or {})
    for key in ("field", "column"):
        if values.get(key) in FIELDS:
            values[key] = _(FIELDS[values[key]])
    if "columns" in values:
        values["columns"] = ", ".join(
            _(FIELDS[c]) if c in FIELDS else c for c in str(values["columns"]).split(", ")
        )
    return _(msgid, **values)


def place(sheet: str | None, row: int, column: str | None) -> str:
    """Where a cell is, as a person finds it in their spreadsheet: "sheet “Engagements”, row
    4, column D (Statut)"; no sheet for a CSV, no column for a whole row."""
    if sheet and column:
        return _(
            "sheet “%(sheet)s”, row %(row)s, column %(column)s", sheet=sheet, row=row, column=column
        )
    if sheet:
        return _("sheet “%(sheet)s”, row %(row)s", sheet=sheet, row=row)
    if column:
        return _("row %(row)s, column %(column)s", row=row, column=column)
    return _("row %(row)s", row=row)


def at(where: str, what: str) -> str:
    """ "row 3, column D (Statut): unknown status", with the language's spacing."""
    return _("%(where)s: %(what)s", where=where, what=what)


def status_name(status: str | None) -> str:
    return _(NAMES[status]) if status in NAMES else ""


def changed(name: str) -> str:
    """'the theme is changed', for the import's dry run."""
    return _("%(field)s is changed", field=_(FIELDS.get(name, name)))
