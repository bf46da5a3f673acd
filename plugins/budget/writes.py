"""Every write of the budget, shared by the admin pages, the write API and the CLI.

Each function checks what it is given (strings from a form, JSON values from the API), raises
`Invalid` naming the field at fault in French and English, and records itself in the audit log
in the same transaction, so a write and its trace land together or not at all. The caller
commits.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bridge.plugin import audit, find
from bridge.store.models import Project, Result
from bridge.timeutil import utcnow
from plugins.budget import csvimport
from plugins.budget.models import Allocation, Envelope, LedgerLine
from plugins.budget.money import AmountError, euros, parse_euros

KINDS = {"commitment": "commitment", "payment": "payment"} | csvimport.KINDS
STATUSES = ("proposed", "confirmed")


class Invalid(ValueError):
    """A value that cannot be stored: which field, and why in English (str) and French."""

    def __init__(self, field: str, en: str, fr: str) -> None:
        super().__init__(en)
        self.field, self.fr = field, fr

    def text(self, lang: str) -> str:
        return self.fr if lang == "fr" else str(self)


def _text(data: dict, field: str, *, required: bool = False, limit: int = 300) -> str | None:
    value = data.get(field)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise Invalid(field, f"{field} is required", f"le champ « {field} » est obligatoire")
        return None
    if not isinstance(value, str):
        raise Invalid(field, f"{field} must be text", f"le champ « {field} » doit être un texte")
    value = value.strip()
    if any(ord(c) < 32 and c not in "\n\t" for c in value):
        raise Invalid(
            field,
            f"{field} holds control characters",
            f"le champ « {field} » contient des caractères de contrôle",
        )
    if len(value) > limit:
        raise Invalid(
            field,
            f"{field} is longer than {limit} characters",
            f"le champ « {field} » dépasse {limit} caractères",
        )
    return value


def _cents(data: dict, field: str = "amount") -> int:
    """Euros as text ("1 234,56", "1234.56") or a whole number; never a float."""
    value = data.get(field)
    if isinstance(value, (bool, float)):
        raise Invalid(
            field,
            f'send {field} as a string of euros ("1234.56"), not a float',
            f"donnez « {field} » en texte (« 1234,56 »), pas en nombre à virgule flottante",
        )
    if value is None or value == "":
        raise Invalid(field, f"{field} is required", f"le montant est obligatoire ({field})")
    try:
        cents = parse_euros(str(value))
    except AmountError as exc:
        raise Invalid(field, str(exc), exc.fr) from None
    if cents == 0:
        raise Invalid(field, f"{field} is zero", "le montant est nul")
    return cents


def _year(data: dict, field: str) -> int | None:
    value = data.get(field)
    if value in (None, ""):
        return None
    try:
        year = int(value)
    except (TypeError, ValueError):
        year = 0
    if not 2000 <= year <= 2100 or isinstance(value, (bool, float)):
        raise Invalid(
            field, f"{field} must be a year (2000-2100)", "l’année doit être entre 2000 et 2100"
        )
    return year


def _id(data: dict, field: str) -> int | None:
    value = data.get(field)
    if value in (None, ""):
        return None
    if isinstance(value, bool) or not str(value).isdigit():
        raise Invalid(field, f"{field} must be an id", f"« {field} » doit être un numéro")
    return int(value)


def envelope_named_or_id(session: Session, data: dict, field: str = "envelope") -> Envelope:
    value = data.get(field)
    found = None
    if isinstance(value, int) and not isinstance(value, bool):
        found = find(session, Envelope, value)
    elif isinstance(value, str) and value.strip():
        text = value.strip()
        found = session.scalar(select(Envelope).where(Envelope.name == text))
        if found is None and text.isdigit():
            found = find(session, Envelope, int(text))
    if found is None:
        raise Invalid(field, "no such envelope", "cette enveloppe n’existe pas")
    return found


# -- envelopes --------------------------------------------------------------------------------
def create_envelope(session: Session, data: dict, actor: str) -> Envelope:
    name = _text(data, "name", required=True, limit=200)
    cents = _cents(data)
    start = _year(data, "year_start") if "year_start" in data else _year(data, "year")
    end = _year(data, "year_end") if data.get("year_end") not in (None, "") else start
    if start and end and end < start:
        raise Invalid(
            "year_end", "year_end is before year_start", "l’année de fin précède celle de début"
        )
    if session.scalar(select(Envelope.id).where(Envelope.name == name)) is not None:
        raise Invalid("name", "an envelope already has this name", "une enveloppe porte ce nom")
    envelope = Envelope(
        name=name,
        amount_cents=cents,
        year_start=start,
        year_end=end,
        source=_text(data, "source", limit=200),
        created_at=utcnow(),
    )
    session.add(envelope)
    session.flush()
    audit(
        session,
        actor,
        "budget.envelope.create",
        f"envelope:{envelope.id}",
        after={"name": name, "amount": euros(cents), "years": [start, end]},
    )
    return envelope


# -- allocations ------------------------------------------------------------------------------
def _allocation_state(allocation: Allocation) -> dict[str, Any]:
    return {
        "envelope": allocation.envelope_id,
        "label": allocation.label,
        "amount": euros(allocation.amount_cents),
        "project": allocation.project_id,
        "result": allocation.result_id,
        "theme": allocation.theme,
        "neighbourhood": allocation.neighbourhood,
        "status": allocation.status,
    }


def allocate(session: Session, data: dict, actor: str) -> Allocation:
    """Part of an envelope for a synced project, a synced result, or a local action (a label)."""
    envelope = envelope_named_or_id(session, data)
    project_id, result_id = _id(data, "project"), _id(data, "result")
    if project_id and result_id:
        raise Invalid(
            "result",
            "give a project or a result, not both",
            "choisissez un projet ou un résultat, pas les deux",
        )
    target = None
    if project_id:
        target = find(session, Project, project_id)
        if target is None:
            raise Invalid("project", "no such synced project", "ce projet n’existe pas")
        taken = session.scalar(select(Allocation.id).where(Allocation.project_id == project_id))
        if taken is not None:
            raise Invalid(
                "project",
                f"this project already has allocation {taken}",
                f"ce projet a déjà l’allocation n° {taken}",
            )
    elif result_id:
        target = find(session, Result, result_id)
        if target is None:
            raise Invalid("result", "no such synced result", "ce résultat n’existe pas")
    label = _text(data, "label", required=target is None)
    if label is None:
        label = (target.title or {}).get("fr") or target.remote_id
    amount_given = data.get("amount") not in (None, "")
    if not amount_given and isinstance(target, Project) and target.budget_amount:
        cents = target.budget_amount * 100
    else:
        cents = _cents(data)
    allocation = Allocation(
        envelope_id=envelope.id,
        label=label,
        amount_cents=cents,
        project_id=project_id,
        result_id=result_id,
        theme=_text(data, "theme", limit=200),
        neighbourhood=_text(data, "neighbourhood", limit=200),
        status="confirmed",
        upstream_amount_cents=(
            target.budget_amount * 100
            if isinstance(target, Project) and target.budget_amount is not None
            else None
        ),
        created_at=utcnow(),
    )
    session.add(allocation)
    session.flush()
    audit(
        session,
        actor,
        "budget.allocation.create",
        f"allocation:{allocation.id}",
        after=_allocation_state(allocation),
    )
    return allocation


def update_allocation(session: Session, allocation: Allocation, data: dict, actor: str) -> None:
    """Change the label, amount, theme, neighbourhood or status (`confirmed` to accept one the
    plugin proposed). Fields not sent are kept."""
    before = _allocation_state(allocation)
    if "label" in data:
        allocation.label = _text(data, "label", required=True)
    if "amount" in data:
        allocation.amount_cents = _cents(data)
    for field in ("theme", "neighbourhood"):
        if field in data:
            setattr(allocation, field, _text(data, field, limit=200))
    if "status" in data:
        if data["status"] not in STATUSES:
            raise Invalid(
                "status", "status is proposed or confirmed", "l’état est proposé ou confirmé"
            )
        allocation.status = data["status"]
    if "envelope" in data:
        allocation.envelope_id = envelope_named_or_id(session, data).id
    after = _allocation_state(allocation)
    if after != before:
        audit(
            session,
            actor,
            "budget.allocation.update",
            f"allocation:{allocation.id}",
            before={k: v for k, v in before.items() if after[k] != v},
            after={k: v for k, v in after.items() if before[k] != v},
        )


# -- the ledger -------------------------------------------------------------------------------
def add_line(session: Session, data: dict, actor: str) -> LedgerLine:
    """One commitment (engagement) or payment (mandatement), typed by hand."""
    allocation = None
    if (allocation_id := _id(data, "allocation")) is not None:
        allocation = find(session, Allocation, allocation_id)
        if allocation is None:
            raise Invalid("allocation", "no such allocation", "cette allocation n’existe pas")
    if data.get("envelope") in (None, "") and allocation is not None:
        envelope_id = allocation.envelope_id
    else:
        envelope_id = envelope_named_or_id(session, data).id
    if allocation is not None and allocation.envelope_id != envelope_id:
        raise Invalid(
            "allocation",
            "this allocation belongs to another envelope",
            "cette allocation dépend d’une autre enveloppe",
        )
    kind = KINDS.get(csvimport._key(str(data.get("kind") or "")))
    if kind is None:
        raise Invalid(
            "kind",
            "kind is commitment (engagement) or payment (mandatement)",
            "la nature est engagement ou mandatement",
        )
    day = _date(data)
    cents = _cents(data)
    reference = _text(data, "reference", required=True, limit=100)
    taken = session.scalar(
        select(LedgerLine.id).where(
            LedgerLine.envelope_id == envelope_id,
            LedgerLine.kind == kind,
            LedgerLine.reference == reference,
        )
    )
    if taken is not None:
        raise Invalid(
            "reference",
            f"reference {reference!r} is already in this envelope's ledger",
            f"la référence « {reference} » figure déjà dans cette enveloppe",
        )
    line = LedgerLine(
        envelope_id=envelope_id,
        allocation_id=allocation.id if allocation else None,
        kind=kind,
        day=day,
        amount_cents=cents,
        reference=reference,
        supplier=_text(data, "supplier"),
        label=_text(data, "label", limit=2000),
        note=_text(data, "note", limit=2000),
        imported_at=utcnow(),
    )
    session.add(line)
    session.flush()
    audit(session, actor, "budget.ledger.add", f"ledger:{line.id}", after=line.as_json())
    return line


def _date(data: dict) -> date:
    value = data.get("date")
    if not isinstance(value, str) or not value.strip():
        raise Invalid("date", "date is required", "la date est obligatoire")
    try:
        return csvimport.parse_date(value)
    except csvimport.DateError as exc:
        raise Invalid("date", exc.reason.en, exc.reason.fr) from None


def delete_line(session: Session, line: LedgerLine, actor: str) -> None:
    """A line typed or imported by mistake. The audit log keeps what it was."""
    audit(session, actor, "budget.ledger.delete", f"ledger:{line.id}", before=line.as_json())
    session.delete(line)


def import_csv(
    session: Session,
    envelope: Envelope,
    data: bytes,
    actor: str,
    *,
    filename: str = "",
    dry_run: bool = False,
    mapping: dict[str, str] | None = None,
) -> csvimport.Report:
    """The finance department's CSV, all or nothing (see `csvimport`), audited when it wrote."""
    report = csvimport.import_file(session, envelope.id, data, dry_run=dry_run, mapping=mapping)
    if report.ok and not dry_run and report.new:
        audit(
            session,
            actor,
            "budget.import",
            f"envelope:{envelope.id}",
            after={"file": filename, "lines": len(report.new)},
        )
    return report
