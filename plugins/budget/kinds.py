"""The kinds of a ledger line, as French finance departments write them, and what each moves.

A commitment (engagement) raises committed, a payment (mandatement) raises paid; a
cancellation (annulation) or a reduction (réduction) takes back part of either. French
ledgers write the last two as negative lines: a negative engagement is a cancellation of a
commitment. Cancellations and reductions are stored negative, so figures are plain sums.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from bridge.plugin import N_, MessageError
from plugins.budget.translation import _

KINDS = ("commitment", "payment", "cancellation", "reduction")
TARGETS = ("commitment", "payment")
# a line's kind in words, and a cancellation or reduction with what it applies to
NAMES = {
    ("commitment", None): N_("commitment"),
    ("payment", None): N_("payment"),
    ("cancellation", None): N_("cancellation"),
    ("reduction", None): N_("reduction"),
    ("cancellation", "commitment"): N_("cancellation of commitment"),
    ("cancellation", "payment"): N_("cancellation of payment"),
    ("reduction", "commitment"): N_("reduction of commitment"),
    ("reduction", "payment"): N_("reduction of payment"),
}
# folded words -> (kind, what it applies to when the words say it)
WORDS: dict[str, tuple[str, str | None]] = {
    "engagement": ("commitment", None),
    "engagement juridique": ("commitment", None),
    "engage": ("commitment", None),
    "commitment": ("commitment", None),
    "mandatement": ("payment", None),
    "mandat": ("payment", None),
    "paiement": ("payment", None),
    "payment": ("payment", None),
    "annulation": ("cancellation", None),
    "cancellation": ("cancellation", None),
    "reduction": ("reduction", None),
    "desengagement": ("cancellation", "commitment"),
    "annulation d'engagement": ("cancellation", "commitment"),
    "annulation engagement": ("cancellation", "commitment"),
    "annulation de mandat": ("cancellation", "payment"),
    "annulation mandat": ("cancellation", "payment"),
    "annulation de mandatement": ("cancellation", "payment"),
    "reduction d'engagement": ("reduction", "commitment"),
    "reduction engagement": ("reduction", "commitment"),
    "reduction de mandat": ("reduction", "payment"),
    "reduction mandat": ("reduction", "payment"),
    "reduction de mandatement": ("reduction", "payment"),
}


def fold(text: str) -> str:
    """Compared without case, accents, typographic apostrophes or surrounding spaces."""
    folded = unicodedata.normalize("NFKD", text.strip().casefold().replace("’", "'"))
    return "".join(c for c in folded if not unicodedata.combining(c))


class KindError(MessageError):
    """A line's kind, or what it applies to, refused: `field` names the input at fault."""

    field: str

    def __init__(self, field: str, msgid: str, **variables: object) -> None:
        super().__init__(msgid, field, **variables)


UNSAID = KindError(
    "applies_to", N_("say whether the cancellation applies to a commitment or a payment")
)


@dataclass(frozen=True)
class Kind:
    kind: str
    applies_to: str | None  # None: to be taken from the line it cancels
    cents: int  # signed as stored: negative for a cancellation or a reduction


def resolve(kind_text: str, cents: int, applies_text: str | None = None) -> Kind:
    """The kind of a line from its words, the sign of its amount and, for a cancellation or a
    reduction, what it applies to (its own words, or `applies_text`)."""
    found = WORDS.get(fold(kind_text))
    if found is None:
        raise KindError(
            "kind",
            N_("kind %(text)r is not commitment, payment, cancellation or reduction"),
            text=kind_text,
        )
    kind, applies_to = found
    if kind in TARGETS:
        if cents < 0:  # a negative engagement: how French ledgers write its cancellation
            return Kind("cancellation", kind, cents)
        return Kind(kind, kind, cents)
    if applies_to is None and applies_text:
        target = WORDS.get(fold(applies_text), (None,))[0]
        if target not in TARGETS:
            raise KindError(
                "applies_to",
                N_("%(text)r: a cancellation applies to a commitment or a payment"),
                text=applies_text,
            )
        applies_to = target
    return Kind(kind, applies_to, -abs(cents))


def name(kind: str, applies_to: str | None) -> str:
    """'annulation d’engagement', 'reduction of payment', 'mandatement': in the reader's
    language, through the budget's catalog."""
    target = None if kind in TARGETS else applies_to
    return _(NAMES.get((kind, target), kind))
