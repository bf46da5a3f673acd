"""Import ledger lines from the finance department's export: a CSV as French Excel writes it
or an .xlsx workbook, read through the bridge's one reader (`read_sheets`).

The file is read whole and checked whole before anything is written: a file with one bad row
imports nothing, and every bad row is reported as `line N: reason` (with the sheet's name for a
workbook; pages also name the column of each reason). The header is the first of a sheet's
first rows that names the needed columns (a title may stand above it); in a workbook, the first
sheet that has one. Lines already imported (same envelope, kind and reference, same values) are
skipped, so importing a file twice adds nothing; the same reference with other values is an
error, not a silent overwrite.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bridge.plugin import N_, MessageError, Sheet, SheetError, column_letter, read_sheets, utcnow
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
    sheet: str | None = None  # where the row is, for the errors only the store can tell
    columns: dict[str, str | None] = field(default_factory=dict)

    def problem(self, reason: MessageError, column: str | None = None) -> Problem:
        """This row refused for `reason`, about its field `column` (None: the whole row)."""
        where = self.columns.get(column) if column else None
        return Problem(self.line, (reason,), self.sheet, (where,))


class Reason(MessageError):
    """Why a line is refused: an English msgid of the budget's catalog and its variables,
    translated where a page shows it (`translation.said`)."""


@dataclass(frozen=True)
class Problem:
    """A bad line and why: `line N: reason` in English (the CLI's and the API's contract),
    in the reader's words on pages (`translation.said_problem`). `line` is the row as the
    spreadsheet numbers it, `sheet` the worksheet's name (None for a CSV), `columns` the
    column of each reason ("C, Montant TTC", None where a reason is about the whole row)."""

    line: int
    reasons: tuple[MessageError, ...]
    sheet: str | None = None
    columns: tuple[str | None, ...] = ()

    def __str__(self) -> str:
        where = f'sheet "{self.sheet}", line {self.line}' if self.sheet else f"line {self.line}"
        return f"{where}: " + "; ".join(str(r) for r in self.reasons)


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
HEADER_WITHIN = 10  # rows of titles a sheet may have above its header
MAX_ROWS = 100_000  # the reader's ceiling, a few years of a city's ledger


def _shown(text: str) -> str:
    """A cell quoted in a reason, cut short: a reason never repeats a 100 KB cell."""
    return text if len(text) <= 60 else text[:59] + "…"


def _key(name: str) -> str:
    """Header names compared without case, accents or surrounding spaces."""
    return kinds.fold(name)


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


@dataclass
class Table:
    """The sheet read: where its header is and which of its columns holds each field."""

    sheet: str | None
    header_row: int
    headings: list[str]
    position: dict[str, int]  # field -> index of its column
    rows: list[tuple[int, list[str]]]

    def cell(self, cells: list[str], name: str) -> str:
        index = self.position.get(name)
        return cells[index] if index is not None and index < len(cells) else ""

    def column(self, name: str) -> str | None:
        """ "C, Montant TTC": the letter and the heading of a field's column."""
        index = self.position.get(name)
        if index is None:
            return None
        return f"{column_letter(index)}, {self.headings[index]}"


def _positions(headings: list[str], mapping: dict[str, str] | None) -> dict[str, int]:
    """Each field's column among `headings`: the name `mapping` gives it, else the first of
    its English or French names found."""
    index: dict[str, int] = {}
    for i, heading in enumerate(headings):
        index.setdefault(_key(heading), i)
    found = {}
    for name in REQUIRED + OPTIONAL:
        names = [mapping[name]] if mapping and name in mapping else [*ALIASES[name], name]
        at = next((index[_key(n)] for n in names if _key(n) in index), None)
        if at is not None:
            found[name] = at
    return found


def _table(sheets: list[Sheet], mapping: dict[str, str] | None) -> Table:
    """The first sheet whose first rows hold a header with the required columns; else the
    row among them naming most of our columns (the first sheet's first row when none does),
    so that the missing columns are said of the header the person meant."""
    best: Table | None = None
    for sheet in sheets:
        for at, (number, cells) in enumerate(sheet.rows[:HEADER_WITHIN]):
            table = Table(
                sheet.name, number, cells, _positions(cells, mapping), sheet.rows[at + 1 :]
            )
            if all(name in table.position for name in REQUIRED):
                return table
            if best is None or len(table.position) > len(best.position):
                best = table
    return best or Table(sheets[0].name, 1, [], {}, [])


def _stopped(error: SheetError) -> MessageError:
    """Why the reader stopped, as the budget says it (a cell over the csv module's limit)."""
    if "field larger than field limit" in str(error):
        return Reason(N_("a cell is longer than %(size)s KB"), size=FIELD_LIMIT // 1024)
    return Reason(error.msgid, **error.variables)


def read(data: bytes, mapping: dict[str, str] | None = None) -> Report:
    """Parse and check every row; no database involved."""
    report = Report()
    stopped = None
    try:
        sheets = read_sheets(data, max_rows=MAX_ROWS)
    except SheetError as error:
        if error.read is None or error.row is None:
            report.errors.append(Problem(1, (_stopped(error),)))
            return report
        sheets, stopped = [error.read], Problem(error.row, (_stopped(error),))
    if not any(sheet.rows for sheet in sheets) and stopped is None:
        report.errors.append(Problem(1, (Reason(N_("the file is empty")),)))
        return report
    table = _table(sheets, mapping)
    missing = [name for name in REQUIRED if name not in table.position]
    if missing:
        names, found = ", ".join(missing), ", ".join(table.headings)
        missing_columns = (
            N_("missing column: %(names)s (found: %(found)s)")
            if len(missing) == 1
            else N_("missing columns: %(names)s (found: %(found)s)")
        )
        reason = Reason(missing_columns, names=names, found=found)
        report.errors.append(Problem(table.header_row, (reason,), table.sheet))
        return report
    seen: dict[tuple[str, str], int] = {}
    for line, cells in table.rows:
        _row(report, table, line, cells, seen)
    if stopped is not None:
        report.errors.append(stopped)
    elif not report.rows and not report.errors:
        reason = Reason(N_("the file has a header but no row"))
        report.errors.append(Problem(table.header_row + 1, (reason,), table.sheet))
    return report


def _row(
    report: Report, table: Table, line: int, cells: list[str], seen: dict[tuple[str, str], int]
) -> None:
    """One row checked: a `Row` in the report, or a `Problem` naming each bad column."""

    def cell(name: str) -> str:
        return table.cell(cells, name)

    problems: list[tuple[MessageError, str]] = []
    try:
        day = parse_date(cell("date"))
    except DateError as exc:
        problems.append((exc, "date"))
    kind = None
    try:
        amount = parse_euros(cell("amount"), allow_negative=True)
    except AmountError as exc:
        problems.append((exc, "amount"))
    else:
        try:
            if amount == 0:
                problems.append((Reason(N_("amount is zero")), "amount"))
            else:
                kind = kinds.resolve(cell("kind"), amount, cell("applies_to") or None)
                if kind.applies_to is None and not cell("cancels"):
                    raise kinds.UNSAID
        except kinds.KindError as exc:
            problems.append((exc, "kind"))
    reference = cell("reference")
    if not reference:
        problems.append((Reason(N_("reference is empty")), "reference"))
    elif kind and (kind.kind, reference) in seen and len(reference) <= LONGEST["reference"][0]:
        other = seen[(kind.kind, reference)]
        duplicate = Reason(
            N_("duplicate reference %(reference)r (also line %(other)s)"),
            reference=reference,
            other=other,
        )
        problems.append((duplicate, "reference"))
    problems += [
        (Reason(too_long, most=most), name)
        for name, (most, too_long) in LONGEST.items()
        if len(cell(name)) > most
    ]
    if problems or kind is None:  # no kind without a problem saying why
        report.errors.append(
            Problem(
                line,
                tuple(reason for reason, _ in problems),
                table.sheet,
                tuple(table.column(name) for _, name in problems),
            )
        )
        return
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
            sheet=table.sheet,
            columns={name: table.column(name) for name in ("allocation", "reference")},
        )
    )


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
                unknown = Reason(
                    N_(
                        "no allocation %(allocation)r in this envelope "
                        "(give its id or its exact label)"
                    ),
                    allocation=row.allocation,
                )
                report.errors.append(row.problem(unknown, "allocation"))
                continue
        old = stored.get((row.kind, row.reference))
        if old is None:
            report.new.append(row)
            _count(balances, row, report)
        elif (old.day, old.amount_cents) == (row.day, row.amount_cents):
            report.already += 1
        else:
            changed = Reason(
                N_("reference %(reference)r was already imported with another date or amount"),
                reference=row.reference,
            )
            report.errors.append(row.problem(changed, "reference"))


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
        report.errors.append(row.problem(exc))
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
