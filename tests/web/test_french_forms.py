"""Refused forms say why in French on French pages (the API and CLI keep English), and the
browser's own validation bubbles (in the browser's language) are off: the server checks."""

from __future__ import annotations

import html
import re
from pathlib import Path

from sqlalchemy import func, select

import bridge
import plugins
from bridge.store.models import Instance

CHECKED_BY_BROWSERS = re.compile(
    r"\brequired\b|\b(min|max|minlength|pattern)=|type=\"(number|url|email|date|time|datetime-local)\""
)


def test_instance_form_errors_are_french_and_nothing_is_stored(client_for, sessions):
    admin = client_for("admin")
    form = admin.get("/admin/instances/new").text
    assert '<form method="post" novalidate' in form
    answer = admin.post(
        "/admin/instances/new",
        data={
            "csrf_token": admin.csrf,
            "name": "ivry",
            "base_url": "https://decidim.example",
            "locale": "fr",
        },
    )
    page = html.unescape(answer.text)
    assert answer.status_code == 422
    assert "Une instance nommée «\u202fivry\u202f» existe déjà." in page
    assert "already exists" not in page
    bad_url = admin.post(
        "/admin/instances/new",
        data={"csrf_token": admin.csrf, "name": "vitry", "base_url": "decidim.example"},
    )
    assert "commence par http:// ou https://" in html.unescape(bad_url.text)
    english = admin.post(
        "/admin/instances/new?lang=en",
        data={"csrf_token": admin.csrf, "name": "vitry", "base_url": "decidim.example"},
    )
    assert "must start with http:// or https://" in english.text
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Instance)) == 1


def test_account_errors_are_french(client_for):
    admin = client_for("admin")
    answer = admin.post(
        "/admin/users",
        data={"csrf_token": admin.csrf, "email": "pas-une-adresse", "role": "viewer"},
    )
    assert answer.status_code == 422
    assert "«\u202fpas-une-adresse\u202f» n’est pas une adresse e-mail." in html.unescape(
        answer.text
    )
    wrong = admin.post(
        "/account", data={"csrf_token": admin.csrf, "current": "nope", "new": "x" * 12}
    )
    assert "Le mot de passe actuel n’est pas le bon." in html.unescape(wrong.text)


def test_deleting_with_an_empty_name_is_refused_by_the_server_in_french(client_for, sessions):
    """The confirmation field was `required` in a form without `novalidate`: an empty field got
    Chromium's bubble in the browser's language instead of the page's French refusal."""
    admin = client_for("admin")
    form = admin.get("/admin/instances/ivry/delete").text
    assert '<form method="post" novalidate' in form
    refused = admin.post(
        "/admin/instances/ivry/delete", data={"csrf_token": admin.csrf, "confirm": ""}
    )
    assert refused.status_code == 422
    assert "Le nom tapé ne correspond pas" in html.unescape(refused.text)
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Instance)) == 1


def test_every_template_form_with_a_field_to_fill_is_novalidate():
    """The same rule read off every template of the core and of the bundled plugins, so that a
    new form cannot forget it: a form whose fields the browser would check itself (`required`,
    numbers, dates, e-mail or web addresses, bounds, patterns) says `novalidate`."""
    roots = [Path(bridge.__file__).parent, Path(plugins.__file__).parent]
    checked = 0
    for template in sorted(p for root in roots for p in root.glob("**/templates/**/*.html")):
        text = template.read_text(encoding="utf-8")
        for form in re.findall(r"<form\b.*?</form>", text, re.S):
            if CHECKED_BY_BROWSERS.search(form):
                checked += 1
                opening = form.split(">", 1)[0]
                assert "novalidate" in opening, f"{template.name}: {opening}"
    assert checked >= 30  # the rule is read off real forms (core, budget, committees, commitments)
