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

from bridge.store.models import LoginFailure
from bridge.timeutil import utcnow

MAX_FAILURES = 20
WINDOW = timedelta(minutes=15)
MESSAGE = {
    "fr": "Trop d’essais de connexion depuis votre adresse : réessayez dans 15 minutes.",
    "en": "Too many sign-in attempts from your address: try again in 15 minutes.",
}


def blocked(session: Session, address: str) -> bool:
    since = utcnow() - WINDOW
    count = session.scalar(
        select(func.count())
        .select_from(LoginFailure)
        .where(LoginFailure.address == address, LoginFailure.at > since)
    )
    return count >= MAX_FAILURES


def record_failure(session: Session, address: str) -> None:
    """Note a refusal, and forget the ones older than the window (the table stays small)."""
    now = utcnow()
    session.execute(delete(LoginFailure).where(LoginFailure.at <= now - WINDOW))
    session.add(LoginFailure(address=address[:64], at=now))
    session.commit()
