"""Automated accessibility checks in a real browser: axe-core (bundled with
axe-playwright-python, nothing fetched at run time) with the WCAG 2.0/2.1/2.2 A and AA rules
on every page people use, in French and in English; and a phone layout check at 375x740 (no
horizontal scrolling, form controls at least 24px tall).

axe finds about a third of accessibility problems; keyboard use, reading order and wording
still need a person (docs/accessibility.md)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bridge.accounts import create_user
from bridge.app import create_app
from bridge.config import Settings
from bridge.store.db import make_engine, make_sessionmaker
from bridge.store.models import Component, Space
from tests.browser.conftest import serve
from tests.budget.demo_data import demo_budget_database

pytestmark = pytest.mark.browser

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
EMAIL, PASSWORD = "agent@ivry.example", "une longue phrase secrète"

# (name, path, needs a signed-in admin); {process} is a synced process with components.
PAGES = [
    ("sign-in", "/login", False),
    ("account", "/account", True),
    ("admin dashboard", "/admin/", True),
    ("admin instances", "/admin/instances", True),
    ("delete instance", "/admin/instances/ivry/delete", True),
    ("admin instance", "/admin/instances/ivry", True),
    ("add instance form", "/admin/instances/new", True),
    ("public home", "/", False),
    ("public instance", "/public/ivry/", False),
    ("public process", "/public/ivry/processes/{process}", False),
    ("public follow-up", "/public/ivry/processes/{process}/suivi", False),
    ("budget public", "/budget/", False),
    ("budget admin", "/admin/budget/", True),
    ("budget allocation", "/admin/budget/allocations/1", True),
    ("budget new allocation", "/admin/budget/allocations/new", True),
    ("budget envelope", "/admin/budget/envelopes/1", True),
    ("budget ledger line", "/admin/budget/lines/1", True),
    ("budget delete line", "/admin/budget/lines/1/delete", True),
    ("synced spaces", "/admin/instances/ivry/processes", True),
    ("neighbourhoods and themes", "/admin/instances/ivry/mappings", True),
    ("admin process", "/admin/processes/{process}", True),
    ("audit log", "/admin/audit", True),
]
LANGS = ["fr", "en"]

# Known violations in pages this change does not own, kept visible until fixed there:
# {(page name, lang): reason}. strict=True, so a fix makes the test fail until removed here.
KNOWN_AXE: dict[tuple[str, str], str] = {}
KNOWN_PHONE: dict[tuple[str, str], str] = {}


def cases(known: dict[tuple[str, str], str]):
    for name, path, signed_in in PAGES:
        for lang in LANGS:
            reason = known.get((name, lang))
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            yield pytest.param(name, path, signed_in, lang, id=f"{name}-{lang}", marks=marks)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    url = demo_budget_database(tmp_path_factory.mktemp("a11y"))
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    with sessions() as session:
        create_user(session, EMAIL, "admin", PASSWORD)
        session.commit()
        process = session.scalar(
            select(Space.id)
            .join(Component, Component.space_id == Space.id)
            .where(Space.space_type == "participatory_process", Space.removed_at.is_(None))
            .order_by(Space.id)
        )
    engine.dispose()
    base, stop = serve(
        create_app(Settings(database_url=url, secret_key="a11y", cookie_secure=False))
    )
    yield base, process
    stop()


def sign_in(context, base: str) -> None:
    page = context.new_page()
    page.goto(f"{base}/login")
    page.fill("#email", EMAIL)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/**")
    page.close()


@pytest.fixture(scope="module")
def contexts(browser, site):
    """An anonymous and a signed-in browser context, at desktop size."""
    base, _ = site
    anonymous = browser.new_context()
    admin = browser.new_context()
    sign_in(admin, base)
    yield {False: anonymous, True: admin}
    anonymous.close()
    admin.close()


@pytest.fixture(scope="module")
def phone_contexts(browser, site):
    base, _ = site
    size = {"viewport": {"width": 375, "height": 740}, "is_mobile": True, "has_touch": True}
    anonymous = browser.new_context(**size)
    admin = browser.new_context(**size)
    sign_in(admin, base)
    yield {False: anonymous, True: admin}
    anonymous.close()
    admin.close()


def open_page(contexts, site, path: str, signed_in: bool, lang: str):
    base, process = site
    page = contexts[signed_in].new_page()
    answer = page.goto(f"{base}{path.format(process=process)}?lang={lang}")
    assert answer is not None and answer.status == 200, (path, answer and answer.status)
    assert page.get_attribute("html", "lang") == lang
    return page


def axe_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page,
        options={"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]},
    )
    return [
        f"{violation['id']} ({violation['impact']}): {' '.join(map(str, node['target']))} — "
        f"{violation['help']}"
        for violation in results.response["violations"]
        for node in violation["nodes"]
    ]


@pytest.mark.parametrize(("name", "path", "signed_in", "lang"), list(cases(KNOWN_AXE)))
def test_axe_finds_no_wcag_violation(contexts, site, name, path, signed_in, lang):
    page = open_page(contexts, site, path, signed_in, lang)
    try:
        found = axe_violations(page)
    finally:
        page.close()
    assert not found, f"{name} ({lang}): {len(found)} violation(s):\n" + "\n".join(found)


PHONE_CHECK = """() => {
  const small = [];
  for (const el of document.querySelectorAll(
      'input:not([type=hidden]), select, textarea, button')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;  // not rendered
    if (box.height < 24) {
      small.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}` +
                 `${el.name ? '[name=' + el.name + ']' : ''} is ${box.height.toFixed(1)}px tall`);
    }
  }
  // A word of a table cell drawn on two lines ("Avancemen t") means the table squeezed its
  // columns instead of scrolling: each word (or part of a hyphenated one) must fit on a line.
  const broken = [];
  for (const cell of document.querySelectorAll('td, th')) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const match of node.data.matchAll(/[^\\s-]{2,}/g)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
        if (tops.size > 1 && match[0].length <= 30) broken.push(match[0]);
      }
    }
  }
  return {overflow: document.documentElement.scrollWidth - window.innerWidth, small,
          broken: broken.slice(0, 10)};
}"""


@pytest.mark.parametrize(("name", "path", "signed_in", "lang"), list(cases(KNOWN_PHONE)))
def test_fits_a_phone(phone_contexts, site, name, path, signed_in, lang):
    page = open_page(phone_contexts, site, path, signed_in, lang)
    try:
        found = page.evaluate(PHONE_CHECK)
    finally:
        page.close()
    assert found["overflow"] <= 0, f"{name} ({lang}) is {found['overflow']}px wider than 375px"
    assert not found["small"], f"{name} ({lang}): controls under 24px: {found['small']}"
    assert not found["broken"], f"{name} ({lang}): words cut across lines: {found['broken']}"


def test_signing_in_and_reaching_the_budget_with_the_keyboard_alone(browser, site):
    """Tab moves through the sign-in form in reading order, the focused control shows a
    visible outline, Enter submits; the admin menu is then reachable with Tab too."""
    base, _ = site
    page = browser.new_page()
    page.goto(f"{base}/login")
    focused = []
    for _ in range(6):
        page.keyboard.press("Tab")
        focused.append(page.evaluate("document.activeElement.id || document.activeElement.tagName"))
        if focused[-1] == "email":
            break
    assert focused[-1] == "email", focused
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("none", ""), "the focused field shows no outline"
    page.keyboard.type(EMAIL)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "password"
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/admin/**")
    for _ in range(15):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == "Budget de suivi":
            break
    assert page.evaluate("document.activeElement.textContent") == "Budget de suivi"
    page.keyboard.press("Enter")
    page.wait_for_url("**/admin/budget/")
    page.close()
