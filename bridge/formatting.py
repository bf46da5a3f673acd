"""Numbers, amounts, dates and times as a French (or English) reader expects them: the one place
that decides it, offered to templates as Jinja filters and to plugins through `bridge.plugin`.

Times are stored as naive UTC; people read them in the city's time zone (the `timezone`
setting, Europe/Paris by default), so every shown time goes through `datetime_text`.

    {{ 700000|euros }}            700 000 €   (U+202F between groups, U+00A0 before €)
    {{ 70000000|cents(2) }}       700 000,00 €  (€700,000.00 in English)
    {{ 1234|number }}             1 234
    {{ 45.5|percent }}            46 %
    {{ run.started_at|when }}     1er décembre 2026 à 15 h 05
    {{ space.start_date|long_date }}   1er décembre 2026
    {{ zone_label() }}            heure de Paris (heure de La Réunion, heure de la Guyane...)
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from babel import Locale
from flask import Blueprint, Flask, Response, current_app, has_app_context
from jinja2 import pass_context

from bridge.i18n import language

if TYPE_CHECKING:
    from bridge.i18n import Catalog

NARROW_NBSP = "\u202f"
NBSP = "\u00a0"
DEFAULT_ZONE = "Europe/Paris"

MONTHS = {
    "fr": (
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ),
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
}
SHORT_MONTHS = {
    "fr": (
        "janv.",
        "févr.",
        "mars",
        "avr.",
        "mai",
        "juin",
        "juil.",
        "août",
        "sept.",
        "oct.",
        "nov.",
        "déc.",
    ),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}


def zone() -> ZoneInfo:
    """The city's time zone (setting `timezone`), Europe/Paris outside an app."""
    name = DEFAULT_ZONE
    if has_app_context() and "bridge" in current_app.extensions:
        name = current_app.extensions["bridge"].settings.timezone or DEFAULT_ZONE
    return ZoneInfo(name)


# The clocks of France, its overseas departments and collectivities as their residents name
# them ("heure de La Réunion", not the zone's "Reunion"): French, English.
FRENCH_ZONES = {
    "Europe/Paris": ("heure de Paris", "Paris time"),
    "America/Cayenne": ("heure de la Guyane", "French Guiana time"),
    "America/Martinique": ("heure de la Martinique", "Martinique time"),
    "America/Guadeloupe": ("heure de la Guadeloupe", "Guadeloupe time"),
    "America/St_Barthelemy": ("heure de Saint-Barthélemy", "Saint Barthélemy time"),
    "America/Marigot": ("heure de Saint-Martin", "Saint Martin time"),
    "America/Miquelon": ("heure de Saint-Pierre-et-Miquelon", "Saint Pierre and Miquelon time"),
    "Indian/Reunion": ("heure de La Réunion", "Réunion time"),
    "Indian/Mayotte": ("heure de Mayotte", "Mayotte time"),
    "Indian/Kerguelen": ("heure des Kerguelen", "Kerguelen time"),
    "Pacific/Noumea": ("heure de la Nouvelle-Calédonie", "New Caledonia time"),
    "Pacific/Tahiti": ("heure de Tahiti", "Tahiti time"),
    "Pacific/Marquesas": ("heure des Marquises", "Marquesas time"),
    "Pacific/Gambier": ("heure des Gambier", "Gambier time"),
    "Pacific/Wallis": ("heure de Wallis-et-Futuna", "Wallis and Futuna time"),
}


def zone_label(lang: str = "fr", key: str | None = None) -> str:
    """The words that say which clock a time is on, for the city's zone (or `key`): 'heure de
    Paris', 'heure de La Réunion' / 'Réunion time'; elsewhere the zone's city, as CLDR names
    it in that language where it differs ('heure de Bruxelles', "heure d’Abidjan")."""
    key = key or zone().key
    if key in FRENCH_ZONES:
        return FRENCH_ZONES[key][0 if lang == "fr" else 1]
    if key == "UTC" or key.startswith("Etc/"):  # no place: the offset ("Etc/GMT+3" is UTC−3)
        offset = datetime.now(ZoneInfo(key)).utcoffset()
        minutes = int(offset.total_seconds() // 60) if offset else 0
        sign = "+" if minutes >= 0 else "−"
        return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}" if minutes else "UTC"
    # CLDR's name of the zone's own city where it differs (Bruxelles), else the zone's
    # (an alias stays itself: America/Montreal is Montreal, not its canonical Toronto).
    names = Locale.parse(lang if lang in MONTHS else "fr").time_zones.get(key, {})
    place = names.get("city") or key.rsplit("/", 1)[-1].replace("_", " ")
    if lang != "fr":
        return f"{place} time"
    return f"heure d’{place}" if place[:1].lower() in "aeiouyéèêàâîôûh" else f"heure de {place}"


def number(value: float | int | Decimal | None, lang: str = "fr", decimals: int = 0) -> str:
    """1234567 -> '1 234 567' (narrow no-break spaces) in French, '1,234,567' in English."""
    if value is None:
        return ""
    text = f"{value:,.{decimals}f}"
    if lang != "fr":
        return text
    return text.replace(",", NARROW_NBSP).replace(".", ",")


def euros(
    value: float | int | Decimal | None, lang: str = "fr", decimals: int | None = None
) -> str:
    """An amount in euros: '700 000 €' ('1 234,50 €' when it has cents); '€700,000' in English,
    '-€500' below zero. `decimals=2` always writes the cents, as a ledger does."""
    if value is None:
        return ""
    amount = Decimal(str(value))
    if decimals is None:
        decimals = 0 if amount == amount.to_integral_value() else 2
    text = number(abs(amount), lang, decimals)
    sign = "-" if amount < 0 else ""
    return f"{sign}{text}{NBSP}€" if lang == "fr" else f"{sign}€{text}"


def cents(value: int | None, lang: str = "fr", decimals: int | None = None) -> str:
    """An amount stored in cents (the budget's ledger): 70000000 -> '700 000 €'
    ('700 000,00 €' with `decimals=2`, '€700,000.00' in English)."""
    return "" if value is None else euros(Decimal(value) / 100, lang, decimals)


def percent(value: float | int | None, lang: str = "fr") -> str:
    """45.5 -> '46 %' (narrow no-break space before % in French)."""
    if value is None:
        return ""
    text = number(round(value), lang)
    return f"{text}{NARROW_NBSP}%" if lang == "fr" else f"{text}%"


def month_name(month: int, lang: str = "fr", short: bool = False) -> str:
    """1 -> 'janvier' ('janv.' short), for dates and charts' axes."""
    return (SHORT_MONTHS if short else MONTHS)[lang if lang in MONTHS else "fr"][month - 1]


def local(value: datetime, city_zone: ZoneInfo | None = None) -> datetime:
    """A stored time (naive UTC, or aware) in the city's zone. Outside a request (a scheduled
    job, a command) give `city_zone`, from the settings: `zone()` knows only the app's."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(city_zone or zone())


def date_text(value: date | datetime | str | None, lang: str = "fr") -> str:
    """'1er décembre 2026' / '1 December 2026'. A datetime is first put in the city's zone."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    if isinstance(value, datetime):
        value = local(value).date()
    month = month_name(value.month, lang)
    if lang == "fr":
        return f"{'1er' if value.day == 1 else value.day} {month} {value.year}"
    return f"{value.day} {month} {value.year}"


def datetime_text(
    value: datetime | None,
    lang: str = "fr",
    with_zone: bool = False,
    city_zone: ZoneInfo | None = None,
) -> str:
    """'1er décembre 2026 à 15 h 05' in the city's zone ('… (heure de Paris)' with_zone);
    `city_zone` as for `local`."""
    if value is None:
        return ""
    moment = local(value, city_zone)
    if lang == "fr":
        text = f"{date_text(moment.date(), lang)} à {moment.hour}{NBSP}h{NBSP}{moment:%M}"
    else:
        text = f"{date_text(moment.date(), lang)} at {moment:%H:%M}"
    return f"{text} ({zone_label(lang, (city_zone or zone()).key)})" if with_zone else text


def colon(lang: str = "fr") -> str:
    """': ' after a label, with the narrow no-break space French puts before the colon."""
    return f"{NARROW_NBSP}: " if lang == "fr" else ": "


# French typography: a plain space before : ; ! ? » (then a space, a tag, a quote, a closing
# mark or the end of the text) and after «, made a narrow no-break space.
_BEFORE = re.compile(r" ([:;!?»])(?=[\s<\"'.,)\]]|$)")
_AFTER = re.compile(r"« ")
_TAG = re.compile(r"(<[^>]*>)")


def french_spacing(html: str) -> str:
    """A narrow no-break space (U+202F) before : ; ! ? » and after «, so that no line breaks
    there: written once for a page rather than in every string. Only the text between tags
    changes, never an attribute (a form's values stay as typed)."""
    return "".join(
        part if part.startswith("<") else _AFTER.sub("«\u202f", _BEFORE.sub("\u202f\\1", part))
        for part in _TAG.split(html)
    )


def french_pages(blueprint: Blueprint, catalog: Catalog) -> None:
    """Every page of `blueprint` reads `catalog` (its templates' `_()` and `ngettext()`), and
    every French HTML page gets `french_spacing`: what a plugin's page blueprint needs."""
    blueprint.before_request(catalog.use_for_request)

    @blueprint.after_request
    def typeset(response: Response) -> Response:
        if (
            language() == "fr"
            and response.mimetype == "text/html"
            and not response.direct_passthrough
        ):
            response.set_data(french_spacing(response.get_data(as_text=True)))
        return response


def _lang(context) -> str:
    """The request's language, from the one chooser (bridge.i18n)."""
    return language()


def install(app: Flask) -> None:
    """The Jinja filters, for the bridge's templates and the plugins'."""

    @pass_context
    def number_filter(context, value, decimals: int = 0):
        return number(value, _lang(context), decimals)

    @pass_context
    def euros_filter(context, value):
        return euros(value, _lang(context))

    @pass_context
    def cents_filter(context, value, decimals: int | None = None):
        return cents(value, _lang(context), decimals)

    @pass_context
    def percent_filter(context, value):
        return percent(value, _lang(context))

    @pass_context
    def date_filter(context, value):
        return date_text(value, _lang(context))

    @pass_context
    def when_filter(context, value, with_zone: bool = False):
        return datetime_text(value, _lang(context), with_zone)

    app.jinja_env.filters.update(
        number=number_filter,
        euros=euros_filter,
        cents=cents_filter,
        percent=percent_filter,
        long_date=date_filter,
        when=when_filter,
    )

    @pass_context
    def zone_words(context):
        return zone_label(_lang(context))

    app.jinja_env.globals["zone_label"] = zone_words
