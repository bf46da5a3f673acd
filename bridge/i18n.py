"""One translation system: gettext catalogs through Flask-Babel, and one way to choose the
language (docs/translation.md).

Messages are written in English in the code and templates (the msgid) and translated in
`bridge/translations/fr/LC_MESSAGES/messages.po`; each plugin ships its own catalog, read
through its `Catalog` (`context.gettext`). The language of a request is, in this order: the
reader's explicit choice (`?lang=`, remembered in the session), the browser's Accept-Language,
French. Outside a request (jobs, CLI, and code called without an app) it is French, the city's
language.

This module imports no page or route module: the plugin context and `bridge.plugin` use it.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import flask_babel
from babel.support import NullTranslations, Translations
from flask import Flask, Response, has_app_context, has_request_context, request, session

LANGUAGES = ("fr", "en")
DEFAULT = "fr"
CORE_TRANSLATIONS = Path(__file__).parent / "translations"


def N_(message: str) -> str:
    """Marks a msgid for extraction where it is translated later (tables of terms)."""
    return message


def NP_(context: str, message: str) -> tuple[str, str]:
    """Marks a msgid with its context for extraction, translated later with
    `pgettext(*pair)` (a field's name: `NP_("field", "amount")`)."""
    return context, message


class MessageError(ValueError):
    """Bad input whose message is an English msgid and its variables, translated where it
    is shown (`gettext(exc.msgid, **exc.variables)`, in templates `_(error.msgid,
    **error.variables)`). `str(exc)` is the English, for the API and the CLI; `field` names the
    input in error when there is one (the form's field, the API's 422)."""

    def __init__(self, msgid: str, field: str | None = None, **variables: object):
        super().__init__(msgid % variables if variables else msgid)
        self.msgid = msgid
        self.field = field
        self.variables = variables


def choose_language() -> str:
    """The language of this request: `?lang=` (kept in the session), the session's, the
    browser's Accept-Language, else French. The one place that decides it."""
    if not has_request_context():
        return DEFAULT
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        if session.get("lang") != asked:
            session["lang"] = asked
        return asked
    kept = session.get("lang")
    if kept in LANGUAGES:
        return kept
    return request.accept_languages.best_match(LANGUAGES, default=DEFAULT) or DEFAULT


def language() -> str:
    """'fr' or 'en', as chosen by `choose_language` (cached for the request by Flask-Babel)."""
    locale = flask_babel.get_locale()
    return locale.language if locale is not None and locale.language in LANGUAGES else DEFAULT


@cache
def translations(
    lang: str, directory: Path = CORE_TRANSLATIONS, domain: str = "messages"
) -> NullTranslations:
    """A catalog in `lang` read without the request's locale (a plugin's over the core's):
    for code that says something in a language it is given, and for scripts and tests that
    call the domain code outside the bridge."""
    found = Translations.load(str(directory), [lang], domain)
    if directory != CORE_TRANSLATIONS and isinstance(found, Translations):
        found.add_fallback(translations(lang))
    return found


def french(directory: Path = CORE_TRANSLATIONS, domain: str = "messages") -> NullTranslations:
    """The French catalog: outside an app the language is the city's."""
    return translations("fr", directory, domain)


def _format(text: str, variables: dict[str, object]) -> str:
    return text % variables if variables else text


def gettext(message: str, **variables: object) -> str:
    """The core's catalog: `gettext("Page %(page)s", page=2)`."""
    if not has_app_context():
        return _format(french().ugettext(message), variables)
    return flask_babel.gettext(message, **variables)


def ngettext(singular: str, plural: str, num: int, **variables: object) -> str:
    """Plural forms by the language's rule (French: 0 and 1 are singular)."""
    if not has_app_context():
        return _format(french().ungettext(singular, plural, num), {"num": num, **variables})
    return flask_babel.ngettext(singular, plural, num, **variables)


def pgettext(context: str, message: str, **variables: object) -> str:
    """A msgid whose translation depends on a context, e.g. a French feminine."""
    if not has_app_context():
        return _format(french().upgettext(context, message), variables)
    return flask_babel.pgettext(context, message, **variables)


class Catalog:
    """A plugin's own catalog (`<directory>/fr/LC_MESSAGES/<domain>.po`) over the core's, so
    the page frame its templates extend still translates. Its messages win over the core's."""

    def __init__(self, directory: Path, domain: str) -> None:
        self.directory = directory
        self.domain = domain
        self._domain = flask_babel.Domain(
            translation_directories=[str(CORE_TRANSLATIONS), str(directory)],
            domain=f"messages;{domain}",
        )

    def gettext(self, message: str, **variables: object) -> str:
        if not has_app_context():
            return _format(french(self.directory, self.domain).ugettext(message), variables)
        return self._domain.gettext(message, **variables)

    def ngettext(self, singular: str, plural: str, num: int, **variables: object) -> str:
        if not has_app_context():
            text = french(self.directory, self.domain).ungettext(singular, plural, num)
            return _format(text, {"num": num, **variables})
        return self._domain.ngettext(singular, plural, num, **variables)

    def pgettext(self, context: str, message: str, **variables: object) -> str:
        if not has_app_context():
            text = french(self.directory, self.domain).upgettext(context, message)
            return _format(text, variables)
        return self._domain.pgettext(context, message, **variables)

    def in_language(self, lang: str) -> NullTranslations:
        """The catalog in `lang` whatever the request's language (`.ugettext(msgid)`,
        `.ungettext(singular, plural, n)`): the audit page words entries with it."""
        return translations(lang if lang in LANGUAGES else DEFAULT, self.directory, self.domain)

    def use_for_request(self) -> None:
        """Templates rendered in this request (`_()`, `ngettext()`) read this catalog."""
        self._domain.as_default()


def core_catalog() -> Catalog:
    """The core's own catalog as a `Catalog` (the core words its audit actions with it)."""
    return catalog(CORE_TRANSLATIONS, "messages")


@cache
def catalog(directory: Path, domain: str) -> Catalog:
    """The one `Catalog` of a translations folder (Flask-Babel caches what it read per
    object, so a plugin's contexts share one)."""
    return Catalog(directory, domain)


def init_app(app: Flask) -> None:
    """Flask-Babel with the one chooser; pages say they vary by language."""
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(CORE_TRANSLATIONS))
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT)
    flask_babel.Babel(app, locale_selector=choose_language)

    @app.after_request
    def vary_by_language(response: Response) -> Response:
        response.vary.add("Accept-Language")
        return response
