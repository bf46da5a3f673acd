"""The period a progress report is asked for, from its address's query
(`?mandate=ID&as_of=YYYY-MM-DD&since=YYYY-MM-DD`), checked: a wrong value is told to the
reader in their language, never a server error.

Without `as_of` the report shows today, or the mandate's last day when it has ended; without
`mandate`, the newest mandate; `since` is optional."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from bridge.plugin import N_, find, formatting, utcnow, whole_number
from plugins.commitments.asof import Period
from plugins.commitments.models import Mandate


class PeriodRefused(ValueError):
    def __init__(self, msgid: str, variables: dict[str, str] | None = None) -> None:
        self.msgid, self.variables = msgid, variables or {}
        super().__init__(msgid)


def today() -> date:
    """Today in the city's time zone."""
    return formatting.local(utcnow()).date()


def asked_period(session: Session, query: Mapping[str, str]) -> Period | None:
    """The period the query asks for; None when there is no mandate to report on."""
    mandate = _mandate(session, (query.get("mandate") or "").strip())
    if mandate is None:
        return None
    as_of = _day(query, "as_of")
    since = _day(query, "since")
    now = today()
    if as_of is None:
        as_of = min(now, mandate.ends_on) if mandate.ends_on else now
    if as_of > now:
        raise PeriodRefused(
            N_("the report cannot show a day to come: %(day)s"), {"day": str(as_of)}
        )
    if since is not None and since >= as_of:
        raise PeriodRefused(N_("the day to compare with must come before the report's day"))
    return Period(mandate, as_of, since)


def _mandate(session: Session, text: str) -> Mandate | None:
    if not text:
        return session.scalar(select(Mandate).order_by(Mandate.id.desc()).limit(1))
    found = find(session, Mandate, whole_number(text))
    if found is None:
        raise PeriodRefused(N_("no such mandate: %(value)s"), {"value": text})
    return found


def _day(query: Mapping[str, str], name: str) -> date | None:
    text = (query.get(name) or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise PeriodRefused(
            N_("not a date (YYYY-MM-DD): %(value)s"), {"value": text[:40]}
        ) from None
