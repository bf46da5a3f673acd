"""The words the committees' pages show for stored codes (kinds, roles, statuses), and the
helpers their templates call for dates and times in the city's zone."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from bridge.plugin import N_, PluginContext, current_language, formatting
from plugins.committees.translation import _

KIND = {
    "elected": N_("elected official"),
    "staff": N_("city staff"),
    "resident": N_("resident"),
    "association": N_("association"),
    "institutional_partner": N_("institutional partner"),
    "economic_partner": N_("economic partner"),
}
ROLE = {"chair": N_("chair"), "secretary": N_("secretary"), "member": N_("member")}
ATTENDANCE = {"present": N_("present"), "excused": N_("excused"), "absent": N_("absent")}
MEETING = {"planned": N_("planned"), "held": N_("held"), "cancelled": N_("cancelled")}
ACTION = {
    "to_do": N_("to do"),
    "in_progress": N_("in progress"),
    "done": N_("done"),
    "cancelled": N_("cancelled"),
}
BADGE = {
    "to_do": "badge-muted",
    "in_progress": "badge-warn",
    "done": "badge-ok",
    "cancelled": "badge-muted",
    "planned": "badge-warn",
    "held": "badge-ok",
}


def city_zone(context: PluginContext) -> ZoneInfo:
    """The city's time zone from the settings, for code that runs outside a request (the
    scheduler's jobs, the demo's seed), where `formatting.zone()` cannot read the app's."""
    return ZoneInfo(getattr(context.settings, "timezone", None) or formatting.DEFAULT_ZONE)


def word(table: dict[str, str], code: str) -> str:
    return _(table[code]) if code in table else code


def helpers() -> dict[str, Any]:
    """What the committees' templates call."""
    lang = current_language()
    return {
        "kind_name": lambda code: word(KIND, code),
        "role_name": lambda code: word(ROLE, code),
        "attendance_name": lambda code: word(ATTENDANCE, code),
        "meeting_status": lambda code: word(MEETING, code),
        "action_status": lambda code: word(ACTION, code),
        "badge": BADGE,
        "day": lambda value: formatting.date_text(value, lang) if value else "",
        "moment": lambda value: formatting.datetime_text(value, lang, with_zone=True),
        "local_day": lambda value: formatting.local(value).date().isoformat(),
        "local_time": lambda value: f"{formatting.local(value):%H:%M}",
        "is_date": lambda value: isinstance(value, (date, datetime)),
        "pct": lambda value: formatting.percent(value, lang),
        "_": _,
    }
