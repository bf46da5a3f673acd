"""The iCalendar feed (RFC 5545) of the public committees' upcoming meetings.

Written by hand, it is small: lines end in CRLF, are folded at 75 octets (never inside a UTF-8
character), text values escape backslash, semicolon, comma and newlines, and times are UTC
(`Z`), so no VTIMEZONE is needed and every calendar shows them in its reader's zone.
"""

from __future__ import annotations

from datetime import datetime

from plugins.committees.models import Meeting

PRODID = "-//civic-bridge//committees//FR"


def escape(value: str) -> str:
    """A TEXT value (RFC 5545 3.3.11)."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """One content line folded at 75 octets, continuation lines starting with a space."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line
    parts, start, limit = [], 0, 75
    while start < len(data):
        end = min(start + limit, len(data))
        while end < len(data) and (data[end] & 0xC0) == 0x80:  # not inside a character
            end -= 1
        parts.append(data[start:end].decode("utf-8"))
        start, limit = end, 74  # the leading space counts
    return "\r\n ".join(parts)


def stamp(value: datetime) -> str:
    """A naive UTC time as an iCalendar UTC DATE-TIME."""
    return value.strftime("%Y%m%dT%H%M%SZ")


def feed(meetings: list[Meeting], *, name: str, host: str, url_of, now: datetime) -> str:
    """The VCALENDAR of `meetings`; `url_of(meeting)` is its public page's absolute URL and
    `host` the domain that makes each UID unique."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape(name)}",
    ]
    for meeting in meetings:
        agenda = "\n".join(f"{a.position}. {a.title}" for a in meeting.agenda)
        lines += [
            "BEGIN:VEVENT",
            f"UID:committees-meeting-{meeting.id}@{host}",
            f"DTSTAMP:{stamp(now)}",
            f"LAST-MODIFIED:{stamp(meeting.updated_at)}",
            f"DTSTART:{stamp(meeting.starts_at)}",
            f"DTEND:{stamp(meeting.ends_at)}",
            f"SUMMARY:{escape(f'{meeting.committee.name} — {meeting.title}')}",
            *([f"LOCATION:{escape(meeting.place)}"] if meeting.place else []),
            *([f"DESCRIPTION:{escape(agenda)}"] if agenda else []),
            f"STATUS:{'CANCELLED' if meeting.status == 'cancelled' else 'CONFIRMED'}",
            f"URL:{url_of(meeting)}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
