"""Crawl every French page, core and plugins, on demo-like data: signed in as an admin from the
admin menu, and anonymously from the public home, plus every GET page of the app's URL map with
sample ids. A page fails on an English state or kind left in it, a raw action code, an exception
or a Python value leaking into it, a time shown without the city's zone, a raw ISO date, a
number over 999 without its thousands separator, or « » with ordinary spaces.

A new page with an argument this test cannot fill makes it fail: add a sample to SAMPLES.
"""

from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from sqlalchemy import select

from bridge.accounts import audit, create_token, create_user
from bridge.app import create_app
from bridge.config import Settings
from bridge.store.db import make_engine, make_sessionmaker
from bridge.store.models import Change, Component, Instance, Proposal, Space, SyncRun
from bridge.timeutil import utcnow
from tests.budget.demo_data import demo_budget_database
from tests.web.conftest import csrf_of

EMAIL, PASSWORD = "camille@ivry.example", "une longue phrase secrète"

ENGLISH = re.compile(
    r"\b(succeeded|running|failed|accepted|evaluating|rejected|withdrawn|selected|"
    r"not_answered|proposed|confirmed|commitment|payment|upcoming|ongoing|finished|"
    r"Proposals|Accountability|Meetings|Debates|Surveys|Sortitions|Component|"
    r"viewer|editor|enabled|disabled|waiting|Not Found|Forbidden|Bad Request|"
    r"Method Not Allowed|Internal Server Error|Sign in|Sign out|Save|Back)\b|\(Budgets\)"
)
RAW_ACTION = re.compile(r"\b(user|token|instance|sync|mappings|budget)\.[a-z_]+(\.[a-z_]+)?\b")
LEAKS = re.compile(r"Traceback|\b[A-Z][a-zA-Z]+Error\b|\bNone\b|\{'|\bnan\b|\[object")
TIME = re.compile(r"\b\d{1,2}(\u00a0h\u00a0|:)\d{2}\b")
ISO_DATE = re.compile(r"(?<![\w-])\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2})?")
BARE_NUMBER = re.compile(r"(?<![\w.,/:\-#°])\d{4,}(?![\w.,/:\-])")
BAD_QUOTES = re.compile(r"« |«$| »|^»")
ZONE = "heure de Paris"
SKIP_PREFIXES = ("/api/", "/static/", "/logo", "/healthz")
PER_ENDPOINT = 4  # pages of one endpoint read (proposals have hundreds)


class Visible(HTMLParser):
    """The text a person reads (and the options of a select), not what a lang="en" element
    holds (the language switch, a technical error), nor code, scripts and styles; and the
    page's links."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.links: list[str] = []
        self.skip: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        hidden = tag in ("script", "style", "code") or attrs.get("lang") == "en"
        if hidden or (self.skip and tag == self.skip[-1]):  # nested alike tags pop in turn
            self.skip.append(tag)
        if tag in ("p", "li", "td", "th", "dd", "dt", "option", "h1", "h2", "h3", "div", "br"):
            self.text.append("\n")

    def handle_endtag(self, tag):
        if self.skip and tag == self.skip[-1]:
            self.skip.pop()

    def handle_data(self, data):
        if not self.skip:
            self.text.append(data)


def problems(html: str) -> list[str]:
    parser = Visible()
    parser.feed(html)
    text = "".join(parser.text)
    found = []
    for line in (line.strip() for line in text.splitlines()):
        if not line:
            continue
        for name, pattern in (
            ("English", ENGLISH),
            ("raw action", RAW_ACTION),
            ("leak", LEAKS),
            ("ISO date", ISO_DATE),
            ("number without separator", BARE_NUMBER),
            ("« » spacing", BAD_QUOTES),
        ):
            for match in pattern.finditer(line):
                if name == "number without separator" and 1900 <= int(match.group()) <= 2100:
                    continue  # a year
                found.append(f"{name}: {match.group()!r} in {line[:120]!r}")
        if TIME.search(line) and ZONE not in text:
            found.append(f"time without the zone ({ZONE}): {line[:120]!r}")
    return found


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    url = demo_budget_database(tmp_path_factory.mktemp("crawl"))
    sessions = make_sessionmaker(make_engine(url))
    with sessions() as session:
        user, _ = create_user(session, EMAIL, "admin", PASSWORD, name="Camille")
        instance = session.scalar(select(Instance))
        now = utcnow()
        # every run status shows: a failed and a running run next to the demo's success
        session.add_all(
            [
                SyncRun(instance_id=instance.id, status="failed", started_at=now, error="boom"),
                SyncRun(instance_id=instance.id, status="running", started_at=now),
            ]
        )
        proposal = session.scalar(select(Proposal).limit(1))
        run = session.scalar(select(SyncRun).limit(1))
        # the change feed shows answers and counts that changed upstream
        for field, old, new in (("state", "evaluating", "accepted"), ("vote_count", 999, 1200)):
            session.add(
                Change(
                    run_id=run.id,
                    instance_id=instance.id,
                    resource="proposals",
                    record_id=proposal.id,
                    remote_id=proposal.remote_id,
                    kind="updated",
                    field=field,
                    old=old,
                    new=new,
                    changed_at=now,
                )
            )
        audit(
            session,
            f"user:{EMAIL}",
            "instance.update",
            f"instance:{instance.name}",
            before={"schedule_interval_minutes": 60},
            after={"schedule_interval_minutes": 30},
        )
        session.commit()
        samples = {
            "name": instance.name,
            "space_id": session.scalar(
                select(Space.id).join(Component, Component.space_id == Space.id).limit(1)
            ),
            "proposal_id": session.scalar(select(Proposal.id).limit(1)),
            "allocation_id": 1,  # the budget demo's first allocation, envelope and line
            "envelope_id": 1,
            "line_id": 1,
            "user_id": user.id,
            "token_id": create_token(session, user, "portail open data")[0].id,
        }
    app = create_app(
        Settings(database_url=url, secret_key="crawl", cookie_secure=False, city_name="Ivry")
    )
    return app, samples


def crawl(client, starts: list[str]) -> dict[str, list[str]]:
    """Every page reachable from `starts`; {path: problems}."""
    seen: set[str] = set()
    per_endpoint: Counter = Counter()
    queue = list(starts)
    report: dict[str, list[str]] = {}
    while queue:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        endpoint = re.sub(r"\d+", "N", urlsplit(path).path)
        per_endpoint[endpoint] += 1
        if per_endpoint[endpoint] > PER_ENDPOINT:
            continue
        answer = client.get(path)
        assert answer.status_code < 500, f"{path} answered {answer.status_code}"
        if answer.mimetype != "text/html" or answer.status_code >= 300:
            continue
        html = answer.get_data(as_text=True)
        report[path] = problems(html)
        parser = Visible()
        parser.feed(html)
        for href in parser.links:
            target = urljoin(path, href)
            parts = urlsplit(target)
            if parts.netloc or not parts.path.startswith("/"):
                continue
            if parts.path.startswith(SKIP_PREFIXES) or "lang=en" in parts.query:
                continue
            if re.search(r"format=|\.(csv|xlsx|json)$", target):
                continue
            queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return report


SAMPLES_NEEDED = "add a sample for it in the `site` fixture of tests/web/test_french_pages.py"


def url_map_pages(app, samples) -> list[str]:
    """Every GET page of the app (not the API), with sample values for its arguments."""
    paths = []
    with app.test_request_context():
        from flask import url_for

        for rule in app.url_map.iter_rules():
            static = rule.endpoint == "static" or rule.endpoint.endswith(".static")
            if "GET" not in rule.methods or rule.rule.startswith(SKIP_PREFIXES) or static:
                continue
            missing = set(rule.arguments) - set(samples)
            assert not missing, f"{rule.rule}: no sample for {missing}; {SAMPLES_NEEDED}"
            paths.append(url_for(rule.endpoint, **{a: samples[a] for a in rule.arguments}))
    return paths


def test_every_page_an_admin_reads_is_french(site):
    app, samples = site
    client = app.test_client()
    client.post(
        "/login",
        data={
            "email": EMAIL,
            "password": PASSWORD,
            "csrf_token": csrf_of(client.get("/login").text),
        },
    )
    report = crawl(client, ["/admin/", *url_map_pages(app, samples)])
    assert len(report) > 20, sorted(report)  # the menu, instance, proposals, budget, ...
    assert "/admin/audit" in report and "/admin/instances/ivry/proposals" in report
    bad = {path: found for path, found in report.items() if found}
    assert not bad, "\n".join(f"{path}: {found[:5]}" for path, found in bad.items())


def test_every_public_page_is_french(site):
    app, samples = site
    report = crawl(app.test_client(), ["/", "/budget/", "/nowhere"])
    assert any(path.startswith("/public/ivry/processes/") for path in report), sorted(report)
    bad = {path: found for path, found in report.items() if found}
    assert not bad, "\n".join(f"{path}: {found[:5]}" for path, found in bad.items())


def test_the_checks_catch_what_they_look_for():
    """So that a crawl finding nothing means something."""
    assert problems("<p>succeeded</p>") and problems("<td>(Budgets)</td>")
    assert problems("<td>user.create</td>") and problems("<p>None</p>")
    assert problems("<p>2026-12-01 14:05:00</p>") and problems("<p>700000 €</p>")
    assert problems("<p>le 1er décembre 2026 à 14\u00a0h\u00a005</p>")  # no zone on the page
    assert problems("<p>« ivry »</p>")
    assert not problems(
        "<p>réussie le 1er décembre 2026 à 14\u00a0h\u00a005 (heure de Paris)</p>"
        '<p>700\u202f000\u00a0€ en 2026, «\u202fivry\u202f»</p><a lang="en">English</a>'
    )
