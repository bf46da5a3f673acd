""" "Tester la connexion" is no probe of internal addresses, shows no answer body, and signs in.

Found by a probe: the test went to any address (loopback, the cloud metadata address, the
intranet) and showed 120 characters of what answered; it ignored the instance's API
credentials, so it failed on a Decidim that requires them while the sync worked.
"""

from __future__ import annotations

import html

import pytest

from bridge.accounts import create_user
from bridge.app import create_app
from bridge.config import Settings
from bridge.connection_check import refused_address
from bridge.store.models import Instance
from bridge.timeutil import utcnow
from simulator.testing import running_simulator
from tests.web.conftest import csrf_of


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080",
        "http://localhost",
        "http://169.254.169.254/latest/meta-data",
        "http://10.1.2.3",
        "http://192.168.0.10",
        "http://[::1]:3000",
        "http://[::ffff:127.0.0.1]",
        "http://0.0.0.0",
    ],
)
def test_internal_addresses_are_refused_unless_listed(url):
    assert refused_address(url, "") == "internal"
    assert refused_address(url, "decidim.intra") == "internal"


def test_listed_hosts_and_networks_are_allowed():
    assert refused_address("http://127.0.0.1:8080", "127.0.0.1") is None
    assert refused_address("http://10.1.2.3", "decidim.intra, 10.0.0.0/8") is None
    assert refused_address("http://LOCALHOST:9000", "localhost") is None
    assert refused_address("https://93.184.216.34", "") is None  # a public address
    assert refused_address("ftp://decidim.example", "") == "scheme"
    assert refused_address("https://decidim.nonexistent.invalid", "") == "unknown_host"


def admin_client(database_url, sessions, base_url, allowed="", **instance):
    with sessions() as session:
        create_user(session, "admin@ivry.example", "admin", "a long password 12")
        now = utcnow()
        session.add(
            Instance(
                name="ivry",
                base_url=base_url,
                created_at=now,
                updated_at=now,
                rate_limit_per_minute=0,
                **instance,
            )
        )
        session.commit()
    app = create_app(
        Settings(
            database_url=database_url,
            secret_key="t",
            cookie_secure=False,
            allowed_upstream_hosts=allowed,
        )
    )
    client = app.test_client()
    token = csrf_of(client.get("/login").get_data(as_text=True))
    client.post(
        "/login",
        data={"csrf_token": token, "email": "admin@ivry.example", "password": "a long password 12"},
    )
    client.csrf = csrf_of(client.get("/account").get_data(as_text=True))
    return client


def notice(client, lang="fr") -> str:
    answer = client.post(
        f"/admin/instances/ivry/test?lang={lang}",
        data={"csrf_token": client.csrf},
        follow_redirects=True,
    )
    assert answer.status_code == 200
    page = answer.get_data(as_text=True)
    start = page.index('class="notice')
    return html.unescape(page[start : page.index("</p>", start)])


def test_a_loopback_address_is_refused_and_never_asked(database_url, sessions):
    with running_simulator() as sim:
        client = admin_client(database_url, sessions, sim.url)
        said = notice(client)
        assert "réseau interne" in said and "allowed_upstream_hosts" in said
        assert sim.stats["requests"] == 0
        assert "internal network" in notice(client, "en")


def test_an_error_answer_shows_what_to_check_not_its_body(database_url, sessions):
    with running_simulator() as sim:
        client = admin_client(database_url, sessions, sim.url, allowed="127.0.0.1")
        sim.faults.set(error_rate=1.0)
        said = notice(client)
    assert "HTTP 500" in said and "Réessayez plus tard" in said
    assert "Internal Server error" not in said  # the body Decidim sent


def test_the_instances_api_credentials_are_used(database_url, sessions):
    with running_simulator(
        version="0.31", force_api_auth=True, api_credentials=("key-ivry", "secret-ivry")
    ) as sim:
        client = admin_client(
            database_url,
            sessions,
            sim.url,
            allowed="127.0.0.1",
            api_key="key-ivry",
            api_secret="secret-ivry",
        )
        said = notice(client)
    assert said.endswith("processus trouvés"), said
    assert "Connexion réussie\u202f: Decidim" in said


def test_an_address_without_a_decidim_api_says_so(database_url, sessions):
    """A 404 at BASE/api is an address that leads elsewhere than a Decidim's root (a page of the
    site, another application): the sentence says to check it, as a failed sync's does, not to
    "try again later" as if Decidim were down."""
    with running_simulator() as sim:
        client = admin_client(database_url, sessions, sim.url + "/fr", allowed="127.0.0.1")
        said = notice(client)
        english = notice(client, "en")
    assert "ne répond pas comme l’API d’un Decidim" in said and "sans /api" in said
    assert "HTTP 404" not in said and "Réessayez plus tard" not in said
    assert "does not answer like a Decidim API" in english
