"""Commitments from a city's spreadsheet, exported as CSV: `;` or `,`, UTF-8 with or without a
BOM (or Windows-1252, as Excel writes a French "CSV (séparateur : point-virgule)").

First a plan (`plan`): what each line would create or change, and every line at fault with
why, in the reader's language. Then `apply`, which refuses a plan with any error: all the
lines or none. A line is matched to a commitment by its number (`ref`) within the mandate."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bridge.plugin import N_, PluginContext
from plugins.commitments import writes
from plugins.commitments.models import Commitment, Mandate
from plugins.commitments.statuses import fold, parse

MAX_LINES = 5000
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
    line: int  # as the spreadsheet numbers it: the header is line 1
    msgid: str
    variables: dict[str, Any] = field(default_factory=dict)


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
    lines: list[Planned] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def count(self, action: str) -> int:
        return sum(1 for p in self.lines if p.action == action)


class ImportRefused(ValueError):
    """`apply` was given a plan with problems."""


def decode(data: bytes) -> str:
    """UTF-8 (a BOM dropped), else Windows-1252."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def read(text: str) -> tuple[list[str | None], list[tuple[int, list[str]]]]:
    """The columns (ours, None for one we do not know) and each non-empty line with its
    number."""
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    if not rows:
        return [], []
    columns = [HEADERS.get(fold(h)) for h in rows[0]]
    lines = [
        (number, row)
        for number, row in enumerate(rows[1:], start=2)
        if any(cell.strip() for cell in row)
    ]
    return columns, lines


def plan(session: Session, mandate: Mandate, data: bytes) -> Plan:
    """What importing `data` into `mandate` would do; writes nothing."""
    result = Plan(mandate.id)
    columns, lines = read(decode(data))
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        result.problems.append(
            Problem(1, N_("missing column(s): %(columns)s"), {"columns": ", ".join(missing)})
        )
        return result
    if len(lines) > MAX_LINES:
        result.problems.append(Problem(1, N_("more than 5000 lines: split the file")))
        return result
    existing = {
        c.ref: c
        for c in session.scalars(select(Commitment).where(Commitment.mandate_id == mandate.id))
    }
    seen: dict[str, int] = {}
    for number, row in lines:
        values = {
            column: row[i].strip()
            for i, column in enumerate(columns)
            if column is not None and i < len(row)
        }
        planned = _line(result, number, values, existing, seen)
        if planned is not None:
            result.lines.append(planned)
    return result


def _line(
    result: Plan,
    number: int,
    values: dict[str, str],
    existing: dict[str, Commitment],
    seen: dict[str, int],
) -> Planned | None:
    before = len(result.problems)
    for column in REQUIRED:
        if not values.get(column):
            result.problems.append(
                Problem(number, N_("the column %(column)s is empty"), {"column": column})
            )
    for column, limit in (("ref", 40), ("theme", 200), ("title", 500)):
        if len(values.get(column, "")) > limit:
            result.problems.append(
                Problem(number, N_("%(column)s is too long"), {"column": column})
            )
    status = parse(values["status"]) if values.get("status") else None
    if values.get("status") and status is None:
        result.problems.append(
            Problem(number, N_("unknown status: %(status)s"), {"status": values["status"]})
        )
    ref = values.get("ref", "")
    if ref and ref in seen:
        result.problems.append(
            Problem(
                number,
                N_("the number %(ref)s is also on line %(other)s"),
                {"ref": ref, "other": seen[ref]},
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
