"""Times in the store are naive UTC; this is the one clock everything reads."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


def iso(value: datetime | None) -> str | None:
    """A stored (naive UTC) time as ISO-8601 with its offset, for APIs and logs."""
    return None if value is None else value.replace(tzinfo=UTC).isoformat()
