"""One translation system (docs/translation.md): every msgid of the code and templates, core and
plugins, has a French translation; the committed .mo files are the .po files compiled; one
chooser picks the language (explicit choice, then Accept-Language, then French)."""

from __future__ import annotations

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from bridge import catalogs
from bridge.app import create_app
from bridge.config import Settings
from bridge.i18n import gettext, ngettext

SOURCES = catalogs.sources()


def test_the_core_and_the_budget_plugin_ship_catalogs():
    assert {"core", "budget"} <= {source.name for source in SOURCES}


@pytest.mark.parametrize("source", SOURCES, ids=lambda s: s.name)
def test_every_message_has_a_french_translation(source):
    missing = catalogs.untranslated(source, "fr")
    assert not missing, (
        f"{len(missing)} msgid(s) of {source.name} have no French translation in "
        f"{source.po('fr')} (run `bridge i18n update`, translate, `bridge i18n compile`): "
        f"{missing[:20]}"
    )


@pytest.mark.parametrize("source", SOURCES, ids=lambda s: s.name)
def test_french_translations_keep_french_typography(source):
    mistakes = catalogs.typography(source, "fr")
    assert not mistakes, f"{source.po('fr')}: {mistakes[:20]}"


def test_the_typography_check_sees_each_mistake(tmp_path):
    """So that a check finding nothing means something."""
    source = catalogs.Source("sample", tmp_path, "sample")
    source.po("fr").parent.mkdir(parents=True)
    source.po("fr").write_text(
        'msgid "a"\nmsgstr "l\'adresse"\n\n'
        'msgid "b"\nmsgstr "Attention : vide"\n\n'
        'msgid "c"\nmsgstr "« vide\u202f»"\n\n'
        'msgid "d"\nmsgstr "l’adresse\u202f: «\u202fvide\u202f» à 18:30, https://ivry.fr"\n',
        encoding="utf-8",
    )
    assert catalogs.typography(source) == [
        "a: a straight apostrophe (write ’)",
        "b: an ordinary space before : ; ! ? » (write U+202F)",
        "c: an ordinary space after « (write U+202F)",
    ]


def _frozen(value):
    return tuple(value) if isinstance(value, list | tuple) else value


def _translated(catalog) -> dict:
    """(context, msgid) -> translation, for the messages that have one (a .mo also carries
    untranslated plurals, as copies of their msgids)."""
    found = {}
    for message in catalog:
        strings = _frozen(message.string)
        done = all(strings) if isinstance(strings, tuple) else bool(strings)
        if message.id and done and not message.fuzzy and strings != _frozen(message.id):
            found[(message.context, _frozen(message.id))] = strings
    return found


@pytest.mark.parametrize("source", SOURCES, ids=lambda s: s.name)
def test_the_committed_mo_files_are_the_po_files_compiled(source):
    for lang in ("fr", "en"):
        with source.po(lang).open("rb") as po, source.mo(lang).open("rb") as mo:
            assert _translated(read_mo(mo)) == _translated(read_po(po, locale=lang)), (
                f"{source.mo(lang)} is stale: run `bridge i18n compile` and commit it"
            )


@pytest.fixture
def app(database_url):
    return create_app(Settings(database_url=database_url, secret_key="t", cookie_secure=False))


def _lang(response) -> str:
    html = response.get_data(as_text=True)
    return html.split('<html lang="', 1)[1].split('"', 1)[0]


def test_french_without_a_choice_or_a_browser_language(app):
    page = app.test_client().get("/")
    assert _lang(page) == "fr" and "Participation citoyenne" in page.get_data(as_text=True)
    assert "Accept-Language" in page.headers["Vary"]


def test_the_browser_language_is_followed_when_nothing_was_chosen(app):
    client = app.test_client()
    english = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert _lang(english) == "en" and "Citizen participation" in english.get_data(as_text=True)
    german = client.get("/", headers={"Accept-Language": "de-DE,de;q=0.9"})
    assert _lang(german) == "fr"
    french = client.get("/", headers={"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.8"})
    assert _lang(french) == "fr"


def test_an_explicit_choice_wins_and_is_remembered(app):
    client = app.test_client()
    assert _lang(client.get("/?lang=fr", headers={"Accept-Language": "en-US"})) == "fr"
    assert _lang(client.get("/", headers={"Accept-Language": "en-US"})) == "fr"
    assert _lang(client.get("/login?lang=en")) == "en"
    assert _lang(client.get("/")) == "en"


def test_error_pages_follow_the_same_choice(app):
    client = app.test_client()
    missing = client.get("/public/nowhere/", headers={"Accept-Language": "en"})
    assert missing.status_code == 404 and "Page not found" in missing.get_data(as_text=True)
    client.get("/?lang=fr")
    missing = client.get("/public/nowhere/", headers={"Accept-Language": "en"})
    assert "Page introuvable" in missing.get_data(as_text=True)


def test_french_plural_rule_keeps_zero_and_one_singular(app):
    one, many = "%(num)s action of %(total)s", "%(num)s actions of %(total)s"
    with app.test_request_context("/?lang=fr"):
        assert ngettext(one, many, 0, total=3) == "0 action sur 3"
        assert ngettext(one, many, 1, total=3) == "1 action sur 3"
        assert ngettext(one, many, 2, total=3) == "2 actions sur 3"
    with app.test_request_context("/?lang=en"):
        assert ngettext(one, many, 0, total=3) == "0 actions of 3"
        assert ngettext(one, many, 1, total=3) == "1 action of 3"


def test_outside_a_request_the_language_is_french(app):
    with app.app_context():
        assert gettext("Page not found") == "Page introuvable"


def test_a_plugins_context_translates_with_its_own_catalog_over_the_cores(app):
    budget = app.extensions["bridge"].plugins.context("budget")
    core = app.extensions["bridge"].plugins.context("core")
    with app.test_request_context("/?lang=fr"):
        assert budget.language == "fr"
        assert budget.gettext("Follow-up budget") == "Budget de suivi"  # the plugin's own
        assert budget.gettext("Page not found") == "Page introuvable"  # the core's, beneath
        assert core.gettext("Follow-up budget") == "Follow-up budget"  # not the core's word
        assert budget.ngettext("%(num)s already imported", "%(num)s already imported", 0) == (
            "0 déjà importée"
        )
    with app.test_request_context("/?lang=en"):
        assert budget.language == "en" and budget.gettext("Follow-up budget") == "Follow-up budget"


def test_core_errors_carry_an_english_msgid_translated_where_shown(app):
    """`AccountError` and `InvalidField` hold an msgid and its variables: English in the API and
    the CLI (str), the reader's language on a page, the same French as before."""
    from bridge.accounts import AccountError, check_password_rules
    from bridge.instances import InvalidField, validate

    with pytest.raises(InvalidField) as bounds:
        validate({"rate_limit_per_minute": -1}, creating=False)
    with pytest.raises(AccountError) as short:
        check_password_rules("short")
    assert str(bounds.value) == "rate_limit_per_minute is a whole number from 0 to 100000"
    assert str(short.value) == "the password needs at least 12 characters"
    with app.test_request_context("/?lang=fr"):
        french = [gettext(e.value.msgid, **e.value.variables) for e in (bounds, short)]
    assert french == [
        "Le nombre de requêtes par minute est un nombre entier de 0 à 100\u202f000.",
        "Le mot de passe a 12 caractères au moins.",
    ]
    with app.test_request_context("/?lang=en"):
        assert gettext(short.value.msgid, **short.value.variables) == str(short.value)
