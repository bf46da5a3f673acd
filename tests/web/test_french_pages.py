"""Crawl every French page, core and plugins, on demo-like data: signed in as an admin from the
admin menu, and anonymously from the public home, plus every GET page of the app's URL map with
sample ids. The checks are the test kit's (`bridge.testing.french`, what a page fails on is
listed there).

A new page with an argument this test cannot fill makes it fail: add a sample to the `site`
fixture's samples.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bridge.accounts import audit, create_token, create_user
from bridge.app import create_app
from bridge.config import Settings
from bridge.store.db import make_engine, make_sessionmaker
from bridge.store.models import Change, Component, Instance, Proposal, Space, SyncRun
from bridge.testing import csrf_of
from bridge.testing.french import crawl, problems, url_map_pages
from bridge.timeutil import utcnow
from tests.budget.demo_data import demo_budget_database

EMAIL, PASSWORD = "camille@ivry.example", "une longue phrase secrète"
# plugins' audit actions are never shown raw either
ACTIONS = ("budget", "committees", "commitments")


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
                SyncRun(  # its page lists the warnings in English, marked so
                    instance_id=instance.id,
                    status="succeeded",
                    started_at=now,
                    finished_at=now,
                    warnings=["component 12 (proposals): record 345 not stored: bad date"],
                ),
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
            "run_id": session.scalar(select(SyncRun.id).where(SyncRun.status == "failed")),
            "allocation_id": 1,  # the budget demo's first allocation, envelope and line
            "envelope_id": 1,
            "line_id": 1,
            "user_id": user.id,
            "token_id": create_token(session, user, "portail open data")[0].id,
            # the committees demo's first committee, meeting, member, file and action item
            "committee_id": 1,
            "meeting_id": 1,
            "member_id": 1,
            "attachment_id": 1,
            "item_id": 1,
            "slug": "vegetaliser-la-ville",
            "commitment_id": 1,  # the commitments demo's first commitment and evidence
            "mandate_id": 1,  # and its mandate
            "evidence_id": 1,
            # the committees' roll-up of the stand-in's accountability component
            "instance": instance.name,
            "component_id": session.scalar(
                select(Component.remote_id).where(Component.manifest == "Accountability").limit(1)
            ),
        }
    app = create_app(
        Settings(database_url=url, secret_key="crawl", cookie_secure=False, city_name="Ivry")
    )
    return app, samples


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
    report = crawl(client, ["/admin/", *url_map_pages(app, samples)], ACTIONS)
    assert len(report) > 20, sorted(report)  # the menu, instance, proposals, budget, ...
    assert "/admin/audit" in report and "/admin/instances/ivry/proposals" in report
    bad = {path: found for path, found in report.items() if found}
    assert not bad, "\n".join(f"{path}: {found[:5]}" for path, found in bad.items())


def test_every_public_page_is_french(site):
    app, samples = site
    report = crawl(
        app.test_client(),
        ["/", "/budget/", "/committees/", "/public/engagements/", "/nowhere"],
        ACTIONS,
    )
    assert any(path.startswith("/public/ivry/processes/") for path in report), sorted(report)
    bad = {path: found for path, found in report.items() if found}
    assert not bad, "\n".join(f"{path}: {found[:5]}" for path, found in bad.items())


def test_the_checks_catch_what_they_look_for():
    """So that a crawl finding nothing means something."""
    assert problems("<p>succeeded</p>") and problems("<td>(Budgets)</td>")
    assert problems("<td>user.create</td>") and problems("<p>None</p>")
    assert problems("<td>budget.envelope.create</td>", ACTIONS)
    assert problems("<p>2026-12-01 14:05:00</p>") and problems("<p>700000 €</p>")
    assert problems("<p>le 1er décembre 2026 à 14\u00a0h\u00a005</p>")  # no zone on the page
    assert problems("<p>« ivry »</p>")
    assert not problems(
        "<p>réussie le 1er décembre 2026 à 14\u00a0h\u00a005 (heure de Paris)</p>"
        '<p>700\u202f000\u00a0€ en 2026, «\u202fivry\u202f»</p><a lang="en">English</a>'
    )
