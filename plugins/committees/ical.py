"""The iCalendar feed (RFC 5545) of the public committees' upcoming meetings.

Written by hand, it is small: lines end in CRLF, are folded at 75 octets (never inside a UTF-8
character), text values escape backslash, semicolon, comma and newlines. A meeting's times are
written on the city's clock with its zone (`DTSTART;TZID=America/Cayenne:...`), so that a
meeting at 18:00 stays at 18:00 in the city whatever a rule of summer time does; the VTIMEZONE
that RFC 5545 requires for that TZID is built from the zone database (tzdata) over the years
of the meetings, one observance per change of offset. Stamps (DTSTAMP, LAST-MODIFIED) are UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

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


def local_stamp(value: datetime, zone: ZoneInfo) -> str:
    """A naive UTC time as a DATE-TIME on `zone`'s clock (written with `;TZID=`)."""
    return value.replace(tzinfo=UTC).astimezone(zone).strftime("%Y%m%dT%H%M%S")


def _offset(value: timedelta | None) -> str:
    """A UTC offset as iCalendar writes it: +0100, -0300, +053000."""
    seconds = int(value.total_seconds()) if value else 0
    sign, seconds = ("+" if seconds >= 0 else "-"), abs(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{sign}{hours:02d}{minutes:02d}" + (f"{seconds:02d}" if seconds else "")


def _transitions(zone: ZoneInfo, start: datetime, end: datetime) -> list[datetime]:
    """The UTC instants in [start, end) where `zone`'s offset (or its summer flag) changes,
    to the minute: looked for day by day, then narrowed down."""

    def state(at: datetime) -> tuple:
        local = at.astimezone(zone)
        return local.utcoffset(), local.dst(), local.tzname()

    found, day = [], start
    while day < end:
        after = day + timedelta(days=1)
        if state(day) != state(after):
            low, high = day, after
            while high - low > timedelta(minutes=1):
                middle = low + (high - low) / 2
                low, high = (middle, high) if state(middle) == state(low) else (low, middle)
            found.append(high.replace(second=0, microsecond=0))
        day = after
    return found


def vtimezone(zone: ZoneInfo, first: datetime, last: datetime) -> list[str]:
    """The VTIMEZONE of `zone` from the start of `first`'s local year to the end of `last`'s
    (naive UTC times): an observance for the clock at the start, then one per change of offset,
    each starting at the local time it begins (on the clock before the change)."""
    first_year = first.replace(tzinfo=UTC).astimezone(zone).year
    last_year = last.replace(tzinfo=UTC).astimezone(zone).year
    start = datetime(first_year, 1, 1, tzinfo=zone).astimezone(UTC)
    end = datetime(last_year + 1, 1, 1, tzinfo=zone).astimezone(UTC)
    lines = ["BEGIN:VTIMEZONE", f"TZID:{zone.key}"]
    previous = start.astimezone(zone).utcoffset()
    for at in [start, *_transitions(zone, start, end)]:
        local = at.astimezone(zone)
        kind = "DAYLIGHT" if local.dst() else "STANDARD"
        lines += [
            f"BEGIN:{kind}",
            f"DTSTART:{(at + (previous or timedelta(0))).strftime('%Y%m%dT%H%M%S')}",
            f"TZOFFSETFROM:{_offset(previous)}",
            f"TZOFFSETTO:{_offset(local.utcoffset())}",
            *([f"TZNAME:{escape(local.tzname() or '')}"] if local.tzname() else []),
            f"END:{kind}",
        ]
        previous = local.utcoffset()
    return [*lines, "END:VTIMEZONE"]


def feed(
    meetings: list[Meeting], *, name: str, host: str, url_of, now: datetime, zone: ZoneInfo
) -> str:
    """The VCALENDAR of `meetings` on `zone`'s clock (the city's); `url_of(meeting)` is its
    public page's absolute URL and `host` the domain that makes each UID unique."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape(name)}",
        f"X-WR-TIMEZONE:{zone.key}",
    ]
    if meetings:
        first = min(m.starts_at for m in meetings)
        lines += vtimezone(zone, first, max(m.ends_at for m in meetings))
    for meeting in meetings:
        agenda = "\n".join(f"{a.position}. {a.title}" for a in meeting.agenda)
        lines += [
            "BEGIN:VEVENT",
            f"UID:committees-meeting-{meeting.id}@{host}",
            f"DTSTAMP:{stamp(now)}",
            f"LAST-MODIFIED:{stamp(meeting.updated_at)}",
            f"DTSTART;TZID={zone.key}:{local_stamp(meeting.starts_at, zone)}",
            f"DTEND;TZID={zone.key}:{local_stamp(meeting.ends_at, zone)}",
            f"SUMMARY:{escape(f'{meeting.committee.name} — {meeting.title}')}",
            *([f"LOCATION:{escape(meeting.place)}"] if meeting.place else []),
            *([f"DESCRIPTION:{escape(agenda)}"] if agenda else []),
            f"STATUS:{'CANCELLED' if meeting.status == 'cancelled' else 'CONFIRMED'}",
            f"URL:{url_of(meeting)}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
