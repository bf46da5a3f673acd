"""Every write of the budget, shared by the admin pages, the write API and the CLI.

Each function checks what it is given (strings from a form, JSON values from the API), raises
`Invalid` naming the field at fault (an English msgid of the budget's catalog, translated
where a page shows it: `translation.said`), and records itself in the audit log
in the same transaction, so a write and its trace land together or not at all. The caller
commits.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal, overload

from sqlalchemy import select
from sqlalchemy.orm import Session

from bridge.plugin import (
    N_,
    MessageError,
    Project,
    Records,
    Result,
    audit,
    find,
    utcnow,
    whole_number,
)
from plugins.budget import csvimport, kinds
from plugins.budget.balances import Balances
from plugins.budget.models import Allocation, Envelope, EnvelopeSource, LedgerLine
from plugins.budget.money import AmountError, amount, euros, parse_euros
from plugins.budget.proposals import project_key, propose_from_sources
from plugins.budget.translation import CATALOG, Field

STATUSES = ("proposed", "confirmed", "rejected")


class Invalid(MessageError):
    """A value that cannot be stored: which field, and why (an English msgid and its
    variables: `str(exc)` for the API and the CLI, `translation.said(exc)` on pages)."""

    field: str

    def __init__(self, field: str, msgid: str, **variables: object) -> None:
        super().__init__(msgid, field, **variables)


@overload
def _text(data: dict, field: str, *, required: Literal[True], limit: int = 300) -> str: ...


@overload
def _text(data: dict, field: str, *, required: bool = False, limit: int = 300) -> str | None: ...


def _text(data: dict, field: str, *, required: bool = False, limit: int = 300) -> str | None:
    """The field's text, stripped; None when empty, unless `required` (then a 422)."""
    value = data.get(field)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise Invalid(field, N_("%(input)s is required"), input=Field(field))
        return None
    if not isinstance(value, str):
        raise Invalid(field, N_("%(input)s must be text"), input=Field(field))
    value = value.strip()
    if any(ord(c) < 32 and c not in "\n\t" for c in value):
        raise Invalid(field, N_("%(input)s holds control characters"), input=Field(field))
    if len(value) > limit:
        raise Invalid(
            field,
            N_("%(input)s is longer than %(limit)s characters"),
            input=Field(field),
            limit=limit,
        )
    return value


def _cents(data: dict, *, allow_negative: bool = False) -> int:
    """The amount: euros as text ("1 234,56", "1234.56") or a whole number; never a float."""
    value = data.get("amount")
    if isinstance(value, (bool, float)):
        raise Invalid("amount", N_('send amount as a string of euros ("1234.56"), not a float'))
    if value is None or value == "":
        raise Invalid("amount", N_("amount is required"))
    try:
        cents = parse_euros(str(value), allow_negative=allow_negative)
    except AmountError as exc:
        raise Invalid("amount", exc.msgid, **exc.variables) from None
    if cents == 0:
        raise Invalid("amount", N_("amount is zero"))
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
        raise Invalid(field, N_("%(input)s must be a year (2000-2100)"), input=Field(field))
    return year


def _id(data: dict, field: str) -> int | None:
    value = data.get(field)
    if value in (None, ""):
        return None
    number = whole_number(value)
    if not number:  # 0 names nothing: refused here, not by the database's foreign key
        raise Invalid(field, N_("%(input)s must be an id"), input=Field(field))
    return number


def envelope_named_or_id(session: Session, data: dict, field: str = "envelope") -> Envelope:
    value = data.get(field)
    found = None
    if isinstance(value, int) and not isinstance(value, bool):
        found = find(session, Envelope, value)
    elif isinstance(value, str) and value.strip():
        text = value.strip()
        found = session.scalar(select(Envelope).where(Envelope.name == text))
        if found is None and (number := whole_number(text)) is not None:
            found = find(session, Envelope, number)
    if found is None:
        raise Invalid(field, N_("no such envelope"))
    return found


# -- envelopes --------------------------------------------------------------------------------
def create_envelope(session: Session, data: dict, actor: str) -> Envelope:
    name = _text(data, "name", required=True, limit=200)
    cents = _cents(data)
    start = _year(data, "year_start") if "year_start" in data else _year(data, "year")
    end = _year(data, "year_end") if data.get("year_end") not in (None, "") else start
    if start and end and end < start:
        raise Invalid("year_end", N_("year_end is before year_start"))
    if session.scalar(select(Envelope.id).where(Envelope.name == name)) is not None:
        raise Invalid("name", N_("an envelope already has this name"))
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


def _envelope_state(envelope: Envelope) -> dict[str, Any]:
    return {
        "name": envelope.name,
        "amount": euros(envelope.amount_cents),
        "years": [envelope.year_start, envelope.year_end],
        "source": envelope.source,
    }


def update_envelope(session: Session, envelope: Envelope, data: dict, actor: str) -> None:
    """Name, amount, years and origin of the money; fields not sent are kept."""
    before = _envelope_state(envelope)
    if "name" in data:
        name = _text(data, "name", required=True, limit=200)
        taken = session.scalar(
            select(Envelope.id).where(Envelope.name == name, Envelope.id != envelope.id)
        )
        if taken is not None:
            raise Invalid("name", N_("an envelope already has this name"))
        envelope.name = name
    if "amount" in data:
        envelope.amount_cents = _cents(data)
    if "year_start" in data:
        envelope.year_start = _year(data, "year_start")
    if "year_end" in data:
        envelope.year_end = _year(data, "year_end") or envelope.year_start
    if envelope.year_start and envelope.year_end and envelope.year_end < envelope.year_start:
        raise Invalid("year_end", N_("year_end is before year_start"))
    if "source" in data:
        envelope.source = _text(data, "source", limit=200)
    after = _envelope_state(envelope)
    if after != before:
        audit(
            session,
            actor,
            "budget.envelope.update",
            f"envelope:{envelope.id}",
            before={k: v for k, v in before.items() if after[k] != v},
            after={k: v for k, v in after.items() if before[k] != v},
        )


def set_closed(session: Session, envelope: Envelope, closed: bool, actor: str) -> None:
    """A closed envelope takes no new line, import or allocation; reopening undoes it."""
    if closed == (envelope.closed_at is not None):
        return
    envelope.closed_at = utcnow() if closed else None
    action = "budget.envelope.close" if closed else "budget.envelope.reopen"
    audit(session, actor, action, f"envelope:{envelope.id}")


def _open(envelope: Envelope, field: str = "envelope") -> Envelope:
    if envelope.closed_at is not None:
        raise Invalid(field, N_("envelope %(name)r is closed"), name=envelope.name)
    return envelope


def delete_envelope(session: Session, envelope: Envelope, actor: str) -> None:
    """Only an empty envelope goes: its allocations and lines would lose their meaning."""
    used = session.scalar(
        select(Allocation.id).where(Allocation.envelope_id == envelope.id).limit(1)
    ) or session.scalar(select(LedgerLine.id).where(LedgerLine.envelope_id == envelope.id).limit(1))
    if used is not None:
        raise Invalid("envelope", N_("the envelope still has allocations or ledger lines"))
    for source in session.scalars(
        select(EnvelopeSource).where(EnvelopeSource.envelope_id == envelope.id)
    ):
        session.delete(source)
    audit(
        session,
        actor,
        "budget.envelope.delete",
        f"envelope:{envelope.id}",
        before=_envelope_state(envelope),
    )
    session.delete(envelope)


def source_choices(session: Session) -> list[tuple[str, str, str]]:
    """What can feed an envelope: each process with a budget component, and each budget
    component, of every instance: (value, instance name, label)."""
    synced = Records.beside(session)
    out = []
    for instance in synced.instances():
        components = list(synced.components.iterate(instance.name, manifest="Budgets"))
        spaces = {
            space.id: space
            for space in synced.spaces.iterate(instance.name, removed=True)
            if space.id in {c.space_id for c in components}
        }
        for space_id, space in sorted(spaces.items()):
            title = (space.title or {}).get("fr") or space.remote_id
            out.append((f"space:{space_id}", instance.name, title))
            for component in components:
                if component.space_id == space_id:
                    name = (component.name or {}).get("fr") or component.remote_id
                    out.append((f"component:{component.id}", instance.name, f"{title} › {name}"))
    return out


def set_sources(session: Session, envelope: Envelope, values: list[str], actor: str) -> int:
    """Which processes (`space:ID`) or budget components (`component:ID`) feed the envelope
    with proposed allocations; replaces the previous list. The selected projects already
    synced there are proposed at once; returns how many."""
    synced = Records.beside(session)
    wanted: set[tuple[str, str | None, str | None, str | None]] = set()
    for value in values:
        kind, _, key = str(value).partition(":")
        number = whole_number(key)
        space = synced.spaces.by_id(number) if kind == "space" else None
        component = synced.components.by_id(number) if kind == "component" else None
        if space is not None:
            instance = synced.instance_name(space.instance_id) or ""
            wanted.add((instance, space.space_type, space.remote_id, None))
        elif component is not None:
            instance = synced.instance_name(component.instance_id) or ""
            wanted.add((instance, None, None, component.remote_id))
        else:
            raise Invalid("sources", N_("no such process or component %(value)r"), value=value)
    current = {
        _source_key(s): s
        for s in session.scalars(
            select(EnvelopeSource).where(EnvelopeSource.envelope_id == envelope.id)
        )
    }
    if set(current) == wanted:
        return 0
    for known, source in current.items():
        if known not in wanted:
            session.delete(source)
    for instance, space_type, space_remote_id, component_remote_id in wanted - set(current):
        session.add(
            EnvelopeSource(
                envelope_id=envelope.id,
                instance=instance,
                space_type=space_type,
                space_remote_id=space_remote_id,
                component_remote_id=component_remote_id,
            )
        )
    audit(
        session,
        actor,
        "budget.envelope.sources",
        f"envelope:{envelope.id}",
        before=sorted(_source_value(session, k) for k in current),
        after=sorted(_source_value(session, k) for k in wanted),
    )
    session.flush()
    return propose_from_sources(session, synced, envelope)


SourceKey = tuple[str, str | None, str | None, str | None]


def _source_key(source: EnvelopeSource) -> SourceKey:
    return (
        source.instance,
        source.space_type,
        source.space_remote_id,
        source.component_remote_id,
    )


def _source_value(session: Session, key: SourceKey) -> str:
    """`space:ID` or `component:ID` (our ids, as the forms and the API give them); the stable
    key itself when the record is no longer synced."""
    instance, space_type, space_remote_id, component_remote_id = key
    synced = Records.beside(session)
    if component_remote_id is not None:
        component = synced.components.get(instance, component_remote_id)
        if component is None:
            return f"component:{instance}/{component_remote_id}"
        return f"component:{component.id}"
    space = None
    if space_type is not None and space_remote_id is not None:
        space = synced.spaces.get(instance, (space_type, space_remote_id))
    return f"space:{space.id}" if space else f"space:{instance}/{space_type}/{space_remote_id}"


def sources_of(session: Session, envelope: Envelope) -> list[str]:
    return sorted(
        _source_value(session, _source_key(s))
        for s in session.scalars(
            select(EnvelopeSource).where(EnvelopeSource.envelope_id == envelope.id)
        )
    )


# -- allocations ------------------------------------------------------------------------------
def _allocation_state(session: Session, allocation: Allocation) -> dict[str, Any]:
    return {
        "envelope": allocation.envelope_id,
        "label": allocation.label,
        "amount": euros(allocation.amount_cents),
        **linked_ids(session, allocation),
        "theme": allocation.theme,
        "neighbourhood": allocation.neighbourhood,
        "status": allocation.status,
    }


def linked_ids(session: Session, allocation: Allocation) -> dict[str, int | None]:
    """The synced project's and result's ids (ours, as the API and the forms show them)."""
    project, result = linked_records(Records.beside(session), allocation)
    return {
        "project": None if project is None else project.id,
        "result": None if result is None else result.id,
    }


def linked_records(synced: Records, allocation: Allocation) -> tuple[Project | None, Result | None]:
    """The synced project and result the allocation points at (None: no key, instance
    deleted, record never synced)."""
    instance = allocation.instance
    project = result = None
    if instance and allocation.project_remote_id:
        project = synced.projects.get(instance, allocation.project_remote_id)
    if instance and allocation.result_remote_id:
        result = synced.results.get(instance, allocation.result_remote_id)
    return project, result


def allocate(session: Session, data: dict, actor: str) -> Allocation:
    """Part of an envelope for a synced project, a synced result, or a local action (a label)."""
    envelope = _open(envelope_named_or_id(session, data))
    project_id, result_id = _id(data, "project"), _id(data, "result")
    if project_id and result_id:
        raise Invalid("result", N_("give a project or a result, not both"))
    synced = Records.beside(session)
    target: Project | Result | None = None
    if project_id:
        target = synced.projects.by_id(project_id)
        if target is None:
            raise Invalid("project", N_("no such synced project"))
        key = project_key(synced, target)
        taken = session.scalar(select(Allocation.id).where(Allocation.project_key == key))
        if taken is not None:
            raise Invalid(
                "project", N_("this project already has allocation %(taken)s"), taken=taken
            )
    elif result_id:
        target = synced.results.by_id(result_id)
        if target is None:
            raise Invalid("result", N_("no such synced result"))
    label = _text(data, "label", required=target is None)
    if label is None and target is not None:
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
        instance=None if target is None else synced.instance_name(target.instance_id),
        project_remote_id=target.remote_id if isinstance(target, Project) else None,
        project_key=project_key(synced, target) if isinstance(target, Project) else None,
        result_remote_id=target.remote_id if isinstance(target, Result) else None,
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
        after=_allocation_state(session, allocation),
    )
    return allocation


def update_allocation(session: Session, allocation: Allocation, data: dict, actor: str) -> None:
    """Change the label, amount, theme, neighbourhood or status (`confirmed` to accept one the
    plugin proposed). Fields not sent are kept."""
    before = _allocation_state(session, allocation)
    if "label" in data:
        allocation.label = _text(data, "label", required=True)
    if "amount" in data:
        allocation.amount_cents = _cents(data)
    for field in ("theme", "neighbourhood"):
        if field in data:
            setattr(allocation, field, _text(data, field, limit=200))
    if "status" in data:
        if data["status"] not in STATUSES:
            raise Invalid("status", N_("status is proposed, confirmed or rejected"))
        allocation.status = data["status"]
    if "envelope" in data:
        _move_allocation(session, allocation, envelope_named_or_id(session, data))
    after = _allocation_state(session, allocation)
    if after != before:
        audit(
            session,
            actor,
            "budget.allocation.update",
            f"allocation:{allocation.id}",
            before={k: v for k, v in before.items() if after[k] != v},
            after={k: v for k, v in after.items() if before[k] != v},
        )


def _move_allocation(session: Session, allocation: Allocation, envelope: Envelope) -> None:
    """Into another envelope, with its ledger lines, unless a reference would clash there."""
    if envelope.id == allocation.envelope_id:
        return
    _open(envelope)
    lines = session.scalars(
        select(LedgerLine).where(LedgerLine.allocation_id == allocation.id)
    ).all()
    for line in lines:
        if _reference_taken(session, envelope.id, line.kind, line.reference):
            raise _clash("envelope", line, envelope)
    for line in lines:
        line.envelope_id = envelope.id
    allocation.envelope_id = envelope.id


def _clash(field: str, line: LedgerLine, envelope: Envelope) -> Invalid:
    return Invalid(
        field,
        # the French names the envelope: a variable the English leaves out
        N_("reference %(reference)r is already in that envelope's ledger"),
        reference=line.reference,
        envelope=envelope.name,
    )


def delete_allocation(session: Session, allocation: Allocation, actor: str) -> None:
    """An allocation made by mistake (or a duplicate); one with ledger lines stays, its lines
    must be moved or deleted first. A proposed one deleted may be proposed again by a sync."""
    if session.scalar(
        select(LedgerLine.id).where(LedgerLine.allocation_id == allocation.id).limit(1)
    ):
        raise Invalid(
            "allocation", N_("the allocation has ledger lines: move or delete them first")
        )
    audit(
        session,
        actor,
        "budget.allocation.delete",
        f"allocation:{allocation.id}",
        before=_allocation_state(session, allocation),
    )
    session.delete(allocation)


def what_it_does(allocation: Allocation, envelope: Envelope, lang: str) -> str:
    """'« Vergers » : 120 000,00 € dans « Suites du vote »': what a confirmation confirms, in
    `lang` (the CLI says it in English)."""
    text = CATALOG.in_language(lang).ugettext("“%(label)s”: %(amount)s in “%(envelope)s”")
    return text % {
        "label": allocation.label,
        "amount": amount(allocation.amount_cents, lang),
        "envelope": envelope.name,
    }


# -- the ledger -------------------------------------------------------------------------------
def _reference_taken(session: Session, envelope_id: int, kind: str, reference: str) -> bool:
    return (
        session.scalar(
            select(LedgerLine.id).where(
                LedgerLine.envelope_id == envelope_id,
                LedgerLine.kind == kind,
                LedgerLine.reference == reference,
            )
        )
        is not None
    )


def add_line(session: Session, data: dict, actor: str) -> LedgerLine:
    """One commitment, payment, cancellation or reduction, typed by hand. A cancellation or a
    reduction may be typed positive or negative; it is stored negative and may not take back
    more than there is (see `balances`)."""
    allocation = None
    if (allocation_id := _id(data, "allocation")) is not None:
        allocation = find(session, Allocation, allocation_id)
        if allocation is None:
            raise Invalid("allocation", N_("no such allocation"))
    if data.get("envelope") in (None, "") and allocation is not None:
        envelope = session.get_one(Envelope, allocation.envelope_id)
    else:
        envelope = envelope_named_or_id(session, data)
    _open(envelope)
    if allocation is not None and allocation.envelope_id != envelope.id:
        raise Invalid("allocation", N_("this allocation belongs to another envelope"))
    if kinds.fold(str(data.get("kind") or "")) not in kinds.WORDS:
        raise Invalid("kind", N_("kind is commitment, payment, cancellation or reduction"))
    day = _date(data)
    cents = _cents(data, allow_negative=True)
    reference = _text(data, "reference", required=True, limit=100)
    try:
        kind = kinds.resolve(
            str(data.get("kind") or ""), cents, _text(data, "applies_to", limit=40)
        )
        taken = Balances(session, envelope.id).take(
            kind,
            reference,
            allocation.id if allocation else None,
            _text(data, "cancels", limit=100),
        )
    except kinds.KindError as exc:
        raise Invalid(exc.field, exc.msgid, **exc.variables) from None
    if _reference_taken(session, envelope.id, kind.kind, reference):
        raise Invalid(
            "reference",
            N_("reference %(reference)r is already in this envelope's ledger"),
            reference=reference,
        )
    line = LedgerLine(
        envelope_id=envelope.id,
        allocation_id=taken.allocation_id,
        kind=kind.kind,
        applies_to=taken.applies_to,
        cancels_id=taken.target.id if taken.target else None,
        day=day,
        amount_cents=kind.cents,
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
        raise Invalid("date", N_("date is required"))
    try:
        return csvimport.parse_date(value)
    except csvimport.DateError as exc:
        raise Invalid("date", exc.msgid, **exc.variables) from None


def delete_line(session: Session, line: LedgerLine, actor: str) -> None:
    """A line typed or imported by mistake. The audit log keeps what it was. A line that a
    cancellation names stays until the cancellation goes."""
    if session.scalar(select(LedgerLine.id).where(LedgerLine.cancels_id == line.id).limit(1)):
        raise Invalid("line", N_("a cancellation or reduction names this line: delete it first"))
    audit(session, actor, "budget.ledger.delete", f"ledger:{line.id}", before=line.as_json())
    session.delete(line)


def move_line(session: Session, line: LedgerLine, destination: str, actor: str) -> None:
    """To an allocation (`allocation:ID`, in any open envelope) or to an envelope without
    allocation (`envelope:ID`). A line a cancellation names, or that names another, moves
    only within its envelope."""
    kind, _, key = str(destination).partition(":")
    number = whole_number(key)
    allocation = find(session, Allocation, number) if kind == "allocation" else None
    if allocation is not None:
        envelope = session.get_one(Envelope, allocation.envelope_id)
    elif kind == "envelope" and (found := find(session, Envelope, number)) is not None:
        envelope = found
    else:
        raise Invalid("destination", N_("no such allocation or envelope"))
    _open(envelope, "destination")
    before = line.as_json()
    if envelope.id != line.envelope_id:
        linked = line.cancels_id is not None or session.scalar(
            select(LedgerLine.id).where(LedgerLine.cancels_id == line.id).limit(1)
        )
        if linked:
            raise Invalid("destination", N_("a cancelled or cancelling line stays in its envelope"))
        if _reference_taken(session, envelope.id, line.kind, line.reference):
            raise _clash("destination", line, envelope)
    line.envelope_id = envelope.id
    line.allocation_id = allocation.id if allocation else None
    after = line.as_json()
    if after != before:
        audit(session, actor, "budget.ledger.move", f"ledger:{line.id}", before=before, after=after)


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
    """The finance department's CSV, all or nothing (see `csvimport`), audited when it wrote.
    A closed envelope refuses the file whole."""
    if envelope.closed_at is not None:
        report = csvimport.Report()
        reason = csvimport.Reason(N_("envelope %(name)r is closed"), name=envelope.name)
        report.errors.append(csvimport.Problem(1, (reason,)))
        return report
    report = csvimport.import_file(session, envelope.id, data, dry_run=dry_run, mapping=mapping)
    if report.ok and not dry_run and report.new:
        audit(
            session,
            actor,
            "budget.import",
            f"envelope:{envelope.id}",
            after={"file": filename, "lines": len(report.new), "envelope": envelope.name},
        )
    return report
