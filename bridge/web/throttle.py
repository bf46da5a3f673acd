"""Sign-in throttling by network address: after too many refusals from one address within the
window, that address is answered 429 until the window has passed, whatever account it tries.

It complements the per-account lock (`bridge.accounts`): the lock stops guessing one
password, this stops trying one password on many accounts. Behind a reverse proxy, set
`proxies` (BRIDGE_PROXIES) to the number of proxies so the address is the visitor's.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from bridge.i18n import gettext
from bridge.store.models import LoginFailure
from bridge.timeutil import utcnow

MAX_FAILURES = 20
WINDOW = timedelta(minutes=15)


def message() -> str:
    """What a person refused here reads."""
    return gettext("Too many sign-in attempts from your address: try again in 15 minutes.")


def claim(session: Session, address: str) -> int | None:
    """Note an attempt from `address` before its password is checked; the id of the note, or
    None when the address has too many refusals in the window (then nothing is noted).

    The note is committed first and the window counted after: of parallel attempts, the one
    committed k-th sees at least k notes, so no more than `MAX_FAILURES` get through however
    many arrive at once. A refused attempt keeps its note (it is the refusal's record); a
    successful one gives it back with `release`."""
    now = utcnow()
    session.execute(delete(LoginFailure).where(LoginFailure.at <= now - WINDOW))
    note = LoginFailure(address=address[:64], at=now)
    session.add(note)
    session.commit()
    count = session.execute(
        select(func.count())
        .select_from(LoginFailure)
        .where(LoginFailure.address == address[:64], LoginFailure.at > now - WINDOW)
    ).scalar_one()
    if count > MAX_FAILURES:
        release(session, note.id)
        return None
    return note.id


def release(session: Session, note_id: int) -> None:
    """Forget the note of an attempt that was not a refusal."""
    session.execute(delete(LoginFailure).where(LoginFailure.id == note_id))
    session.commit()
