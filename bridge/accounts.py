"""Accounts, roles, API tokens and the audit log: the rules, with no web framework in them.

Roles are ordered: `viewer` reads everything that is not personal, `editor` also runs the city
features, `admin` does everything. Passwords are hashed with scrypt (`bridge.passwords`); API
tokens are random, shown once, and stored as a SHA-256 digest (a token is already high-entropy,
so a slow hash adds nothing). After `MAX_FAILURES` wrong passwords an account is locked for
`LOCK_TIME`.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash

from bridge.i18n import N_, MessageError
from bridge.passwords import dummy_hash, hash_password
from bridge.store.db import changed_rows
from bridge.store.models import ApiToken, AuditEntry, User
from bridge.timeutil import utcnow

ROLES = ("viewer", "editor", "admin")
MIN_PASSWORD = 12
MAX_FAILURES = 5
LOCK_TIME = timedelta(minutes=15)
TOKEN_PREFIX = "cbt_"
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


# One msgid a role: the French names the role differently ("lecture", "édition"...).
TOKEN_ROLE_LIMIT = {
    "viewer": N_("a token of %(email)s can have role viewer or lower"),
    "editor": N_("a token of %(email)s can have role editor or lower"),
    "admin": N_("a token of %(email)s can have role admin or lower"),
}


class AccountError(MessageError):
    """Bad input for an account operation; the message is for the person who typed it."""

    def __init__(self, msgid: str, field: str | None = None, **variables: object):
        super().__init__(msgid, field, **variables)


class LoginRefused(Exception):
    """Wrong email or password, or a locked account. One message for both: no hint."""


def has_role(role: str, needed: str) -> bool:
    return ROLES.index(role) >= ROLES.index(needed)


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(
            N_("the password needs at least %(min)s characters"),
            field="password",
            min=MIN_PASSWORD,
        )


def check_role(role: Any) -> str:
    if role not in ROLES:
        raise AccountError(
            N_("role must be one of viewer, editor, admin"),
            field="role",
        )
    return role


def create_user(
    session: Session,
    email: str,
    role: str,
    password: str | None = None,
    name: str | None = None,
    actor: str = "cli",
) -> tuple[User, str]:
    """Returns the user and its password (generated when none is given, to show once).

    Added to the caller's transaction (the caller commits)."""
    email = str(email or "").strip().lower()
    if not EMAIL.match(email) or len(email) > 320:
        raise AccountError(
            N_("%(email)r is not an email address"),
            field="email",
            email=email,
        )
    check_role(role)
    if name is not None and len(name) > 200:
        raise AccountError(
            N_("the name has 200 characters at most"),
            field="name",
        )
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise AccountError(
            N_("a user with the email %(email)s already exists"),
            field="email",
            email=email,
        )
    password = password or secrets.token_urlsafe(12)
    check_password_rules(password)
    now = utcnow()
    user = User(
        email=email,
        role=role,
        name=name,
        created_at=now,
        password_changed_at=now,
        password_hash=hash_password(password),
        failed_logins=0,
        session_epoch=0,
    )
    session.add(user)
    session.flush()
    audit(session, actor, "user.create", f"user:{email}", after={"role": role})
    return user, password


def is_locked(user: User) -> bool:
    return user.locked_until is not None and user.locked_until > utcnow()


def set_role(session: Session, user: User, role: str, actor: str) -> None:
    """Change a user's role; their tokens never act above it afterwards and their sessions
    end. The last admin stays (the caller rolls back on AccountError).

    Added to the caller's transaction (the caller commits)."""
    check_role(role)
    if role == user.role:
        return
    before = user.role
    if before == "admin":
        # Two admins demoting each other at once must not leave none: PostgreSQL locks the
        # admin rows (in id order, so no deadlock) until the commit; SQLite lets one writer
        # at a time, and the flush below waits for it and then reads the committed state.
        session.execute(
            select(User.id).where(User.role == "admin").order_by(User.id).with_for_update()
        )
    user.role = role
    end_sessions(session, user)
    session.flush()
    if before == "admin" and not session.scalar(
        select(func.count()).select_from(User).where(User.role == "admin")
    ):
        raise AccountError(
            N_("the last administrator cannot lose the admin role"),
            field="role",
        )
    capped = []
    for token in session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    ):
        if not has_role(role, token.role):
            token.role = role
            capped.append(token.id)
    audit(
        session,
        actor,
        "user.role",
        f"user:{user.email}",
        before={"role": before},
        after={"role": role, "tokens_lowered": capped},
    )


def unlock_user(session: Session, user: User, actor: str) -> None:
    """Lift a lock left by too many wrong passwords. The caller commits."""
    before = user.locked_until
    user.locked_until, user.failed_logins = None, 0
    audit(
        session,
        actor,
        "user.unlock",
        f"user:{user.email}",
        before={"locked_until": before.isoformat() if before else None},
    )


def authenticate(session: Session, email: str, password: str) -> User:
    """The user, or LoginRefused. Counts failures and locks the account after too many.

    Each attempt is counted in the database before its password is checked (one UPDATE that
    returns the new count), so parallel attempts each see their own count: at most
    `MAX_FAILURES` passwords are ever checked before the lock. A refused attempt without a
    check (unknown email, locked account, one attempt too many) still computes a hash, so
    every refusal costs the same time and says nothing of the account."""
    now = utcnow()
    user = session.scalar(select(User).where(User.email == email.strip().lower()))
    count = None if user is None else _count_attempt(session, user.id, now)
    if user is None or count is None:  # unknown email or locked account
        check_password_hash(dummy_hash(), password)
        raise LoginRefused
    if count > MAX_FAILURES:  # parallel attempts beyond the limit: refused unchecked
        check_password_hash(dummy_hash(), password)
        _lock(session, user, now)
        raise LoginRefused
    if not check_password_hash(user.password_hash, password):
        if count == MAX_FAILURES:
            _lock(session, user, now)
        raise LoginRefused
    session.execute(
        update(User)
        .where(User.id == user.id)
        .values(failed_logins=0, locked_until=None, last_login_at=now)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    session.refresh(user)
    return user


def _count_attempt(session: Session, user_id: int, now: datetime) -> int | None:
    """Count one more attempt on an account that is not locked, atomically; its new count, or
    None when the account is locked (a locked account counts nothing)."""
    count = session.scalar(
        update(User)
        .where(User.id == user_id, or_(User.locked_until.is_(None), User.locked_until <= now))
        .values(failed_logins=User.failed_logins + 1)
        .returning(User.failed_logins)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return count


def _lock(session: Session, user: User, now: datetime) -> None:
    """Lock the account (once, however many parallel attempts ask) and start counting anew."""
    locked = changed_rows(
        session,
        update(User)
        .where(User.id == user.id, or_(User.locked_until.is_(None), User.locked_until <= now))
        .values(locked_until=now + LOCK_TIME, failed_logins=0)
        .execution_options(synchronize_session=False),
    )
    if locked:
        audit(session, f"user:{user.email}", "user.locked", f"user:{user.email}")
    session.commit()


def change_password(session: Session, user: User, current: str, new: str) -> None:
    if not check_password_hash(user.password_hash, current):
        raise AccountError(
            N_("the current password is wrong"),
            field="current",
        )
    check_password_rules(new)
    user.password_hash = hash_password(new)
    user.password_changed_at = utcnow()
    end_sessions(session, user)
    audit(session, f"user:{user.email}", "user.password", f"user:{user.email}")
    session.commit()


def end_sessions(session: Session, user: User) -> None:
    """Every session of `user` ends at the next request: sessions carry the user's
    `session_epoch` and only the current one is accepted. The caller commits."""
    user.session_epoch = User.session_epoch + 1
    session.flush()
    session.refresh(user, ["session_epoch"])


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(
    session: Session,
    user: User,
    name: str,
    role: str | None = None,
    actor: str | None = None,
    ceiling: str | None = None,
) -> tuple[ApiToken, str]:
    """A token acting with `role` (at most the user's own, and at most `ceiling`: the role the
    request creating it acts with). Returns it and its secret; the caller commits."""
    name = str(name or "").strip()
    if not name or len(name) > 200:
        raise AccountError(
            N_("a token needs a name (200 characters at most)"),
            field="name",
        )
    limit = user.role if ceiling is None or has_role(ceiling, user.role) else ceiling
    role = role or limit
    if role not in ROLES or not has_role(limit, role):
        raise AccountError(TOKEN_ROLE_LIMIT[limit], field="role", email=user.email)
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        name=name,
        digest=digest(secret),
        prefix=secret[: len(TOKEN_PREFIX) + 4],
        role=role,
        created_at=utcnow(),
    )
    session.add(token)
    session.flush()
    audit(
        session,
        actor or f"user:{user.email}",
        "token.create",
        f"token:{token.id}",
        after={"name": name, "role": role},
    )
    return token, secret


def token_owner(session: Session, secret: str) -> tuple[User, ApiToken] | None:
    """The user and token behind a bearer secret, if it is valid; records its last use."""
    token = session.scalar(
        select(ApiToken).where(ApiToken.digest == digest(secret), ApiToken.revoked_at.is_(None))
    )
    if token is None:
        return None
    token.last_used_at = utcnow()
    session.commit()
    return session.get_one(User, token.user_id), token


def revoke_token(session: Session, token: ApiToken, actor: str) -> None:
    token.revoked_at = utcnow()
    audit(session, actor, "token.revoke", f"token:{token.id}")
    session.commit()


def audit(
    session: Session,
    actor: str,
    action: str,
    target: str | None,
    before: Any = None,
    after: Any = None,
) -> None:
    """Record a write. Added to the caller's transaction: it lands with the write or not."""
    session.add(
        AuditEntry(
            at=utcnow(), actor=actor, action=action, target=target, before=before, after=after
        )
    )
