"""Commitments from a city's spreadsheet: an Excel or LibreOffice workbook (.xlsx), or a CSV
(`;` or `,`, UTF-8 with or without a BOM, or Windows-1252 as a French Excel writes it), read by
the bridge's one reader (`read_sheets`).

First a plan (`plan`): what each row would create or change, and every cell at fault with
why, named by sheet, row and column as the spreadsheet shows them. Then `apply`, which
refuses a plan with any error: all the rows or none. A row is matched to a commitment by its
number (`ref`) within the mandate. The header may sit below a title row or two: it is the
first of the sheet's first rows that names the needed columns; in a workbook, the first sheet
that has such a header is read."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bridge.plugin import N_, PluginContext, SheetError, column_letter, read_sheets
from plugins.commitments import writes
from plugins.commitments.models import Commitment, Mandate
from plugins.commitments.statuses import fold, parse

MAX_LINES = 5000
HEADER_WITHIN = 10  # rows of titles a sheet may have above its header
# folded header words -> our column
HEADERS = {
    "ref": "ref",
    "reference": "ref",
    "numero": "ref",
    "n°": "ref",
    "no": "ref",
    "num": "ref",
    "id": "ref",
    "theme": "theme",
    "thematique": "theme",
    "title": "title",
    "titre": "title",
    "engagement": "title",
    "intitule": "title",
    "status": "status",
    "statut": "status",
    "etat": "status",
    "avancement": "status",
    "reason": "reason",
    "motif": "reason",
    "justification": "reason",
    "commentaire": "reason",
    "description": "description",
    "detail": "description",
}
REQUIRED = ("ref", "theme", "title", "status")
IMPORTED = N_("Imported from the spreadsheet")


@dataclass
class Problem:
    line: int  # the row as the spreadsheet numbers it
    msgid: str
    variables: dict[str, Any] = field(default_factory=dict)
    column: str | None = None  # "D (Statut)": the letter and the header as the sheet has them


@dataclass
class Planned:
    line: int
    ref: str
    action: str  # create | update | unchanged
    values: dict[str, Any]
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)  # field -> (old, new)
    status: tuple[str | None, str] | None = None  # (old, new) when it moves
    reason: str = ""


@dataclass
class Plan:
    mandate_id: int
    sheet: str | None = None  # the worksheet read (None: a CSV)
    lines: list[Planned] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def count(self, action: str) -> int:
        return sum(1 for p in self.lines if p.action == action)


class ImportRefused(ValueError):
    """`apply` was given a plan with problems."""


@dataclass
class Table:
    """The sheet read: its header's row, our column at each position (None: one we do not
    know), the header's words, and the rows below it."""

    sheet: str | None
    header_row: int
    columns: list[str | None]
    headings: list[str]
    rows: list[tuple[int, list[str]]]

    def where(self, column: str) -> str | None:
        """ "D (Statut)" for our column `column`, None when the sheet has none."""
        if column not in self.columns:
            return None
        index = self.columns.index(column)
        return f"{column_letter(index)} ({self.headings[index]})"


def table(data: bytes) -> Table:
    """The first sheet with a header naming the needed columns (else the first sheet, its
    first row taken as the header). Raises SheetError for a file that is no table."""
    sheets = read_sheets(data, max_rows=MAX_LINES + HEADER_WITHIN)
    for sheet in sheets:
        for position, (number, cells) in enumerate(sheet.rows[:HEADER_WITHIN]):
            columns = [HEADERS.get(fold(c)) for c in cells]
            if all(c in columns for c in REQUIRED):
                return Table(sheet.name, number, columns, cells, sheet.rows[position + 1 :])
    first = sheets[0]
    number, cells = first.rows[0] if first.rows else (1, [])
    return Table(first.name, number, [HEADERS.get(fold(c)) for c in cells], cells, first.rows[1:])


def plan(session: Session, mandate: Mandate, data: bytes) -> Plan:
    """What importing `data` into `mandate` would do; writes nothing."""
    result = Plan(mandate.id)
    try:
        found = table(data)
    except SheetError as error:
        result.problems.append(Problem(1, error.msgid, error.variables))
        return result
    result.sheet = found.sheet
    missing = [c for c in REQUIRED if c not in found.columns]
    if missing:
        result.problems.append(
            Problem(
                found.header_row,
                N_("missing column(s): %(columns)s"),
                {"columns": ", ".join(missing)},
            )
        )
        return result
    if len(found.rows) > MAX_LINES:
        result.problems.append(Problem(1, N_("more than 5000 lines: split the file")))
        return result
    existing = {
        c.ref: c
        for c in session.scalars(select(Commitment).where(Commitment.mandate_id == mandate.id))
    }
    seen: dict[str, int] = {}
    for number, row in found.rows:
        values = {
            column: row[i]
            for i, column in enumerate(found.columns)
            if column is not None and i < len(row)
        }
        planned = _line(result, found, number, values, existing, seen)
        if planned is not None:
            result.lines.append(planned)
    return result


def _line(
    result: Plan,
    found: Table,
    number: int,
    values: dict[str, str],
    existing: dict[str, Commitment],
    seen: dict[str, int],
) -> Planned | None:
    before = len(result.problems)
    for column in REQUIRED:
        if not values.get(column):
            result.problems.append(
                Problem(
                    number,
                    N_("the column %(column)s is empty"),
                    {"column": column},
                    found.where(column),
                )
            )
    for column, limit in (("ref", 40), ("theme", 200), ("title", 500)):
        if len(values.get(column, "")) > limit:
            result.problems.append(
                Problem(
                    number, N_("%(column)s is too long"), {"column": column}, found.where(column)
                )
            )
    status = parse(values["status"]) if values.get("status") else None
    if values.get("status") and status is None:
        result.problems.append(
            Problem(
                number,
                N_("unknown status: %(status)s"),
                {"status": values["status"]},
                found.where("status"),
            )
        )
    ref = values.get("ref", "")
    if ref and ref in seen:
        result.problems.append(
            Problem(
                number,
                N_("the number %(ref)s is also on line %(other)s"),
                {"ref": ref, "other": seen[ref]},
                found.where("ref"),
            )
        )
    if len(result.problems) > before or status is None:
        return None
    seen[ref] = number
    wanted = {
        "ref": ref,
        "theme": values["theme"],
        "title": values["title"],
        "description": values.get("description") or None,
    }
    reason = values.get("reason", "")
    current = existing.get(ref)
    if current is None:
        return Planned(
            number,
            ref,
            "create",
            {**wanted, "status": status},
            status=(None, status),
            reason=reason,
        )
    changes = {
        k: (getattr(current, k), v)
        for k, v in wanted.items()
        if k != "ref" and v != getattr(current, k) and not (k == "description" and v is None)
    }
    moved = (current.status, status) if status != current.status else None
    if moved and not reason:
        result.problems.append(
            Problem(
                number,
                N_("the status of %(ref)s changes: say why in the column motif"),
                {"ref": ref},
                found.where("reason") or found.where("status"),
            )
        )
        return None
    action = "update" if changes or moved else "unchanged"
    return Planned(number, ref, action, {**wanted, "status": status}, changes, moved, reason)


def apply(
    session: Session, context: PluginContext, mandate: Mandate, planned: Plan
) -> dict[str, int]:
    """Write a plan without problems, in the caller's transaction (all or nothing)."""
    if not planned.ok or planned.mandate_id != mandate.id:
        raise ImportRefused("the plan has problems: nothing was imported")
    by_ref = {
        c.ref: c
        for c in session.scalars(select(Commitment).where(Commitment.mandate_id == mandate.id))
    }
    for line in planned.lines:
        if line.action == "create":
            writes.add_commitment(
                session,
                context,
                mandate,
                ref=line.ref,
                theme=line.values["theme"],
                title=line.values["title"],
                description=line.values["description"],
                status=line.values["status"],
                reason=line.reason or context.gettext(IMPORTED),
            )
        elif line.action == "update":
            commitment = by_ref[line.ref]
            writes.edit_commitment(
                session, context, commitment, {k: new for k, (_, new) in line.changes.items()}
            )
            if line.status:
                writes.change_status(session, context, commitment, line.status[1], line.reason)
    summary = {a: planned.count(a) for a in ("create", "update", "unchanged")}
    context.audit(session, "commitments.import", f"mandate:{mandate.id}", summary)
    return summary
