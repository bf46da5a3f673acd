"""A budget site for the browser tests: a migrated database, a finance officer, envelopes,
the Ivry stand-in synced by one or two instances, and the app served on a free port."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import select

from bridge.accounts import create_user
from bridge.app import create_app
from bridge.config import Settings
from bridge.pluginhost import PluginHost
from bridge.store.db import make_engine, make_sessionmaker
from bridge.sync.engine import SyncEngine
from bridge.testing import add_instance
from bridge.testing.stand_in import SYNC_SETTINGS as SETTINGS
from bridge.timeutil import utcnow
from plugins.budget.models import Envelope
from simulator.testing import running_simulator
from tests.browser.conftest import click_and_wait, serve

EMAIL, PASSWORD = "finances@ivry.example", "une longue phrase secrète"
CLIMATE = "Suites de « Pour le climat »"
COMMUNICATION = "Communication de la démarche climat"


@dataclass
class Site:
    url: str
    sessions: object
    world: object

    def envelope_id(self, name: str) -> int:
        with self.sessions() as session:
            return session.scalar(select(Envelope.id).where(Envelope.name == name))


@contextmanager
def budget_site(database_url: str, *, instances: tuple[str, ...] = ("ivry",)) -> Iterator[Site]:
    sessions = make_sessionmaker(make_engine(database_url))
    with sessions() as session:
        create_user(session, EMAIL, "editor", PASSWORD)
        session.add_all(
            [
                Envelope(
                    name=CLIMATE,
                    amount_cents=70_000_000,
                    year_start=2022,
                    year_end=2026,
                    created_at=utcnow(),
                ),
                Envelope(
                    name=COMMUNICATION,
                    amount_cents=11_184_700,
                    year_start=2021,
                    year_end=2021,
                    created_at=utcnow(),
                ),
            ]
        )
        session.commit()
    with running_simulator() as sim:
        engine = SyncEngine(sessions, SETTINGS, plugins=PluginHost(["budget"]))
        for i, name in enumerate(instances):
            add_instance(sessions, sim.url + "/" * i, name)  # one Decidim, written two ways
            assert engine.run(name).status == "succeeded"
        app = create_app(Settings(database_url=database_url, secret_key="b", cookie_secure=False))
        base, stop = serve(app)
        try:
            yield Site(base, sessions, sim.world)
        finally:
            stop()


def sign_in(page, site: Site) -> None:
    page.goto(f"{site.url}/login")
    page.get_by_label("Adresse e-mail").fill(EMAIL)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    click_and_wait(page.get_by_role("button", name="Se connecter"))


def spaced(text: str) -> str:
    """French amounts and punctuation use narrow and plain no-break spaces; compare them as
    spaces."""
    return text.replace("\u202f", " ").replace("\u00a0", " ")
