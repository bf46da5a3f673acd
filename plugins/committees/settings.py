"""The committees' settings, the `[plugins.committees]` table of the deployment's TOML file."""

from __future__ import annotations

from dataclasses import dataclass

# What a committee's files may be: documents and pictures a secretary attaches to a meeting.
DEFAULT_TYPES = (
    "application/pdf",
    "image/png",
    "image/jpeg",
    "text/plain",
    "text/csv",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.presentation",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
)


@dataclass(frozen=True)
class CommitteesSettings:
    # the largest attachment accepted, in megabytes (kept in the database: keep it small)
    max_attachment_mb: int = 10
    # how many days ahead the iCalendar feed lists meetings
    feed_days: int = 400

    def __post_init__(self) -> None:
        if not 1 <= self.max_attachment_mb <= 100:
            raise ValueError("max_attachment_mb: from 1 to 100")
        if not 1 <= self.feed_days <= 3660:
            raise ValueError("feed_days: from 1 to 3660")
