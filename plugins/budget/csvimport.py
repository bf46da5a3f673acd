"""Import ledger lines from the finance department's CSV export.

The file is read whole and checked whole before anything is written: a file with one bad row
imports nothing, and every bad row is reported as `line N: reason`. Lines already imported
(same envelope, kind and reference, same values) are skipped, so importing a file twice adds
nothing; the same reference with other values is an error, not a silent overwrite.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bridge.plugin import N_, MessageError, utcnow
from plugins.budget import kinds
from plugins.budget.balances import Balances
from plugins.budget.models import Allocation, LedgerLine
from plugins.budget.money import AmountError, parse_euros

REQUIRED = ("date", "reference", "kind", "amount")
OPTIONAL = ("supplier", "label", "note", "allocation", "applies_to", "cancels")
# French headers a finance export may carry, accepted beside the English names.
# The first name found wins (a file with "Montant TTC" and "Montant HT" is read TTC).
ALIASES = {
    "date": ["date", "date d'engagement", "date de mandatement", "date de la piece", "date piece"],
    "reference": [
        "reference",
        "numero",
        "n° piece",
        "piece",
        "n° engagement",
        "n° mandat",
        "numero d'engagement",
        "numero de mandat",
        "ref",
    ],
    "kind": ["kind", "nature", "type", "type d'operation"],
    "amount": ["amount", "montant", "montant ttc", "montant (€)", "montant en euros", "montant ht"],
    "supplier": ["supplier", "fournisseur", "tiers", "beneficiaire", "titulaire"],
    "label": ["label", "libelle", "objet", "designation", "intitule"],
    "note": ["note", "commentaire", "observations"],
    "allocation": ["allocation", "operation", "action"],
    "applies_to": ["applies_to", "porte sur", "nature annulee", "nature d'origine"],
    "cancels": ["cancels", "piece annulee", "reference annulee", "annule", "reference d'origine"],
}


@dataclass
class Row:
    line: int
    kind: str
    day: date
    amount_cents: int  # signed as stored: a cancellation or a reduction is negative
    reference: str
    supplier: str | None
    label: str | None
    note: str | None
    allocation: str | None = None
    allocation_id: int | None = None
    applies_to: str | None = None
    cancels: str | None = None  # the reference of the line a cancellation is about
    cancels_id: int | None = None


class Reason(MessageError):
    """Why a line is refused: an English msgid of the budget's catalog and its variables,
    translated where a page shows it (`translation.said`)."""


@dataclass(frozen=True)
class Problem:
    """A bad line and why: `line N: reason` in English (the CLI's and the API's contract),
    in the reader's words on pages (`translation.said_problem`)."""

    line: int
    reasons: tuple[MessageError, ...]

    def __str__(self) -> str:
        return f"line {self.line}: " + "; ".join(str(r) for r in self.reasons)


@dataclass
class Report:
    rows: list[Row] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    new: list[Row] = field(default_factory=list)
    already: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


# The longest text each column stores (the database refuses more, PostgreSQL with an error).
LONGEST = {
    "reference": (100, N_("reference is longer than %(most)s characters")),
    "supplier": (300, N_("supplier is longer than %(most)s characters")),
}
FIELD_LIMIT = 128 * 1024  # characters in one cell: the csv module's limit, said in the reason


def _shown(text: str) -> str:
    """A cell quoted in a reason, cut short: a reason never repeats a 100 KB cell."""
    return text if len(text) <= 60 else text[:59] + "…"


def _records(reader: Iterator[list[str]], report: Report) -> Iterator[list[str]]:
    """The reader's records; an unreadable one (a cell over FIELD_LIMIT, a stray quote) ends
    the file with `line N: reason` instead of an exception."""
    line = 1
    try:
        for cells in reader:
            yield cells
            line += 1
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            reason = Reason(N_("a cell is longer than %(size)s KB"), size=FIELD_LIMIT // 1024)
        else:
            reason = Reason(N_("unreadable CSV (%(error)s)"), error=str(exc))
        report.errors.append(Problem(line, (reason,)))


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252 — what spreadsheets write in France."""
    if b"\x00" in data:
        raise Reason(NOT_TEXT)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:  # bytes Windows-1252 leaves undefined (0x81, 0x8d...)
            raise Reason(NOT_TEXT) from None


def _key(name: str) -> str:
    """Header names compared without case, accents or surrounding spaces."""
    return kinds.fold(name)


NOT_TEXT = N_("the file is not a text CSV (UTF-16 or binary?): save it as CSV UTF-8")


class DateError(Reason):
    def __init__(self, text: str) -> None:
        super().__init__(
            N_("not a date: %(text)r (expected 31/12/2024 or 2024-12-31)"), text=_shown(text)
        )


class FutureDateError(DateError):
    def __init__(self, text: str) -> None:
        Reason.__init__(
            self,
            N_(
                "the date %(text)r is after today: a ledger line records a commitment or a "
                "payment already made"
            ),
            text=_shown(text),
        )


def parse_date(text: str) -> date:
    """A ledger line's date. A line records what was done, so a date after today is a typo
    (2099 for 2029...) that would stretch every chart of the public page over decades."""
    text = text.strip()
    # Spreadsheets often append a time to dates: "31/12/2024 00:00:00", "2024-12-31T00:00".
    text = text.split(" ")[0].split("T")[0] if len(text) > 10 else text
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d/%m/%y", "%d.%m.%Y"):
        try:
            day = datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        # A day of slack: the city's today may already be tomorrow in UTC.
        if day > utcnow().date() + timedelta(days=1):
            raise FutureDateError(text)
        return day
    raise DateError(text)


def read(data: bytes, mapping: dict[str, str] | None = None) -> Report:
    """Parse and check every row; no database involved."""
    report = Report()
    try:
        text = decode(data)
    except ValueError:
        report.errors.append(Problem(1, (Reason(NOT_TEXT),)))
        return report
    if not text.strip():
        report.errors.append(Problem(1, (Reason(N_("the file is empty")),)))
        return report
    end = text.find("\n")
    first = text[: end if end >= 0 else len(text)]  # not splitlines(): a copy of every line
    delimiter = max(";,\t", key=first.count)  # the separator the header uses most; ";" on ties
    reader = _records(csv.reader(io.StringIO(text), delimiter=delimiter), report)
    header: list[str] = next(reader, [])
    position = {_key(h): i for i, h in enumerate(header)}
    wanted = {}
    for name in REQUIRED + OPTIONAL:
        if mapping and name in mapping:
            wanted[name] = _key(mapping[name])
        else:
            wanted[name] = next((_key(a) for a in ALIASES[name] if _key(a) in position), _key(name))
    missing = [name for name in REQUIRED if wanted[name] not in position]
    if missing:
        names, found = ", ".join(missing), ", ".join(h.strip() for h in header)
        missing_columns = (
            N_("missing column: %(names)s (found: %(found)s)")
            if len(missing) == 1
            else N_("missing columns: %(names)s (found: %(found)s)")
        )
        report.errors.append(Problem(1, (Reason(missing_columns, names=names, found=found),)))
        return report
    seen: dict[tuple[str, str], int] = {}
    for line, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue

        def cell(name: str, cells=cells) -> str:
            index = position.get(wanted[name])
            return cells[index].strip() if index is not None and index < len(cells) else ""

        problems: list[MessageError] = []
        try:
            day = parse_date(cell("date"))
        except DateError as exc:
            problems.append(exc)
        kind = None
        try:
            amount = parse_euros(cell("amount"), allow_negative=True)
            if amount == 0:
                problems.append(Reason(N_("amount is zero")))
            else:
                kind = kinds.resolve(cell("kind"), amount, cell("applies_to") or None)
                if kind.applies_to is None and not cell("cancels"):
                    raise kinds.UNSAID
        except (AmountError, kinds.KindError) as exc:
            problems.append(exc)
        reference = cell("reference")
        if not reference:
            problems.append(Reason(N_("reference is empty")))
        elif kind and (kind.kind, reference) in seen and len(reference) <= LONGEST["reference"][0]:
            other = seen[(kind.kind, reference)]
            problems.append(
                Reason(
                    N_("duplicate reference %(reference)r (also line %(other)s)"),
                    reference=reference,
                    other=other,
                )
            )
        problems += [
            Reason(too_long, most=most)
            for name, (most, too_long) in LONGEST.items()
            if len(cell(name)) > most
        ]
        if problems or kind is None:  # no kind without a problem saying why
            report.errors.append(Problem(line, tuple(problems)))
            continue
        seen[(kind.kind, reference)] = line
        report.rows.append(
            Row(
                line,
                kind.kind,
                day,
                kind.cents,
                reference,
                cell("supplier") or None,
                cell("label") or None,
                cell("note") or None,
                cell("allocation") or None,
                applies_to=kind.applies_to,
                cancels=cell("cancels") or None,
            )
        )
    if not report.rows and not report.errors:
        report.errors.append(
            Problem(
                2,
                (Reason(N_("the file has a header but no row")),),
            )
        )
    return report


def check_against_store(session: Session, envelope_id: int, report: Report) -> None:
    """Split rows into new and already imported; a reference reused with other values fails."""
    stored = {
        (line.kind, line.reference): line
        for line in session.scalars(select(LedgerLine).where(LedgerLine.envelope_id == envelope_id))
    }
    balances = Balances(session, envelope_id)
    allocations = {}
    for a in session.scalars(select(Allocation).where(Allocation.envelope_id == envelope_id)):
        allocations[str(a.id)] = allocations[_key(a.label)] = a.id
    for row in report.rows:
        if row.allocation:
            row.allocation_id = allocations.get(row.allocation) or allocations.get(
                _key(row.allocation)
            )
            if row.allocation_id is None:
                report.errors.append(
                    Problem(
                        row.line,
                        (
                            Reason(
                                N_(
                                    "no allocation %(allocation)r in this envelope "
                                    "(give its id or its exact label)"
                                ),
                                allocation=row.allocation,
                            ),
                        ),
                    )
                )
                continue
        old = stored.get((row.kind, row.reference))
        if old is None:
            report.new.append(row)
            _count(balances, row, report)
        elif (old.day, old.amount_cents) == (row.day, row.amount_cents):
            report.already += 1
        else:
            report.errors.append(
                Problem(
                    row.line,
                    (
                        Reason(
                            N_(
                                "reference %(reference)r was already imported "
                                "with another date or amount"
                            ),
                            reference=row.reference,
                        ),
                    ),
                )
            )


def _count(balances: Balances, row: Row, report: Report) -> None:
    """A new row against what its envelope holds: no cancellation beyond what it cancels."""
    try:
        taken = balances.take(
            kinds.Kind(row.kind, row.applies_to, row.amount_cents),
            row.reference,
            row.allocation_id,
            row.cancels,
        )
    except kinds.KindError as exc:
        report.new.pop()  # the row just appended: not remove(), a scan of every new row
        report.errors.append(Problem(row.line, (exc,)))
        return
    row.applies_to, row.allocation_id = taken.applies_to, taken.allocation_id
    if taken.target is not None:
        row.cancels_id = taken.target.id
        row.cancels = taken.target.reference


def import_file(
    session: Session,
    envelope_id: int,
    data: bytes,
    *,
    dry_run: bool = False,
    mapping: dict[str, str] | None = None,
) -> Report:
    """All or nothing: adds the new rows only when the whole file is clean (the caller
    commits, with its audit entry: see `writes.import_csv`)."""
    report = read(data, mapping)
    if report.rows:  # every bad row is reported, also those only the store can tell
        check_against_store(session, envelope_id, report)
    if report.ok and not dry_run and report.new:
        now = utcnow()
        written = {}
        for r in report.new:
            written[(r.kind, r.reference)] = LedgerLine(
                envelope_id=envelope_id,
                allocation_id=r.allocation_id,
                kind=r.kind,
                applies_to=r.applies_to,
                day=r.day,
                amount_cents=r.amount_cents,
                reference=r.reference,
                supplier=r.supplier,
                label=r.label,
                note=r.note,
                imported_at=now,
                cancels_id=r.cancels_id,
            )
        session.add_all(written.values())
        session.flush()  # one batch; then the few cancellations of a line of this very file
        for r in report.new:
            if r.cancels and r.cancels_id is None:
                assert r.applies_to is not None  # `_count` set it, or refused the row
                line = written[(r.kind, r.reference)]
                line.cancels_id = written[(r.applies_to, r.cancels)].id
        session.flush()
    return report
