"""What a cancellation or a reduction may take back, so that none takes back more than there is.

A cancellation that names the line it cancels (`cancels`: that line's reference) may take back
what is left of that line; one that names none may take back what is left of its figure
(committed or paid) in its allocation, or in the envelope when it has no allocation. Lines are
counted in the order they come, so a file may hold a commitment and, further down, its
cancellation.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bridge.plugin import N_
from plugins.budget.kinds import TARGETS, UNSAID, Kind, KindError
from plugins.budget.models import LedgerLine
from plugins.budget.translation import Euros

# a cancellation or reduction taking back more than what it applies to has left
TOO_MUCH = {
    ("cancellation", "commitment"): N_(
        "the cancellation of %(amount)s is more than the commitment it applies to (%(left)s left)"
    ),
    ("cancellation", "payment"): N_(
        "the cancellation of %(amount)s is more than the payment it applies to (%(left)s left)"
    ),
    ("reduction", "commitment"): N_(
        "the reduction of %(amount)s is more than the commitment it applies to (%(left)s left)"
    ),
    ("reduction", "payment"): N_(
        "the reduction of %(amount)s is more than the payment it applies to (%(left)s left)"
    ),
}


@dataclass
class Target:
    """A commitment or a payment that a later line may cancel."""

    id: int | None  # None while it is a row of a file not yet written
    kind: str
    reference: str
    allocation_id: int | None
    remaining: int


@dataclass(frozen=True)
class Taken:
    applies_to: str
    allocation_id: int | None
    target: Target | None


class Balances:
    def __init__(self, session: Session, envelope_id: int) -> None:
        self.net: dict[tuple[int | None, str], int] = defaultdict(int)
        self.targets: dict[tuple[str, str], Target] = {}
        lines = session.scalars(
            select(LedgerLine).where(LedgerLine.envelope_id == envelope_id).order_by(LedgerLine.id)
        ).all()
        by_id = {}
        for line in lines:
            self._count(line.applies_to, line.allocation_id, line.amount_cents)
            if line.kind in TARGETS:
                target = Target(
                    line.id, line.kind, line.reference, line.allocation_id, line.amount_cents
                )
                self.targets[(line.kind, line.reference)] = by_id[line.id] = target
        for line in lines:
            if line.cancels_id in by_id:
                by_id[line.cancels_id].remaining += line.amount_cents

    def _count(self, applies_to: str, allocation_id: int | None, cents: int) -> None:
        self.net[(None, applies_to)] += cents
        if allocation_id is not None:
            self.net[(allocation_id, applies_to)] += cents

    def _target(self, reference: str, applies_to: str | None) -> Target:
        found = [
            t
            for kind in ([applies_to] if applies_to else TARGETS)
            if (t := self.targets.get((kind, reference)))
        ]
        if not found:
            raise KindError(
                "cancels",
                N_("no commitment or payment %(reference)r in this envelope to cancel"),
                reference=reference,
            )
        if len(found) > 1:
            raise KindError(
                "applies_to",
                N_("%(reference)r is both a commitment and a payment: say which is cancelled"),
                reference=reference,
            )
        return found[0]

    def take(
        self, kind: Kind, reference: str, allocation_id: int | None, cancels: str | None
    ) -> Taken:
        """Check one line and count it; `KindError` names the field at fault."""
        if kind.kind in TARGETS:
            self._count(kind.kind, allocation_id, kind.cents)
            self.targets[(kind.kind, reference)] = Target(
                None, kind.kind, reference, allocation_id, kind.cents
            )
            return Taken(kind.kind, allocation_id, None)
        target = self._target(cancels, kind.applies_to) if cancels else None
        applies_to = target.kind if target else kind.applies_to
        if applies_to is None:
            raise UNSAID
        if target is not None:
            if allocation_id is not None and allocation_id != target.allocation_id:
                raise KindError(
                    "allocation",
                    N_("%(reference)r belongs to another allocation"),
                    reference=target.reference,
                )
            allocation_id, available = target.allocation_id, target.remaining
        else:
            available = self.net[(allocation_id, applies_to)]
        if -kind.cents > available:
            raise KindError(
                "amount",
                TOO_MUCH[kind.kind, applies_to],
                amount=Euros(-kind.cents),
                left=Euros(available),
            )
        self._count(applies_to, allocation_id, kind.cents)
        if target is not None:
            target.remaining += kind.cents
        return Taken(applies_to, allocation_id, target)
