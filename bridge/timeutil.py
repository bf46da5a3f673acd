"""Times in the store are naive UTC; this is the one clock everything reads."""

from datetime import UTC, datetime
from typing import overload


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


@overload
def iso(value: datetime) -> str: ...


@overload
def iso(value: None) -> None: ...


@overload
def iso(value: datetime | None) -> str | None: ...


def iso(value: datetime | None) -> str | None:
    """A stored (naive UTC) time as ISO-8601 with its offset, for APIs and logs."""
    return None if value is None else value.replace(tzinfo=UTC).isoformat()
