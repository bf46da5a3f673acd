"""The audit log page says what happened in sentences, in the city's time; the raw entries
stay in the CSV."""

from __future__ import annotations

import html
import re

from sqlalchemy import select

from bridge.store.models import User


def sentences(response) -> list[str]:
    rows = re.findall(r'<tr class="entry"[^>]*><td>[^<]*</td><td>([^<]*)</td>', response.text)
    return [html.unescape(row) for row in rows]


def test_writes_read_as_french_sentences_with_what_changed(client_for, sessions):
    with sessions() as session:
        session.scalar(select(User).where(User.email == "admin@ivry.example")).name = "Camille"
        session.commit()
    admin = client_for("admin")
    edit = {
        "csrf_token": admin.csrf,
        "base_url": "http://127.0.0.1:9",
        "locale": "fr",
        "schedule_interval_minutes": "60",
        "rate_limit_per_minute": "0",
        "enabled": "on",
    }
    admin.post("/admin/instances/ivry/edit", data=edit)
    admin.post("/admin/instances/ivry/edit", data={**edit, "schedule_interval_minutes": "30"})
    admin.post(
        "/admin/users",
        data={"csrf_token": admin.csrf, "email": "dominique@ivry.example", "role": "viewer"},
    )
    page = admin.get("/admin/audit")
    said = sentences(page)
    assert said[0] == "Camille a créé le compte dominique@ivry.example (rôle lecture)"
    assert said[1] == "Camille a modifié l’instance ivry\u202f: intervalle 60 → 30 min"
    assert said[2].startswith("Camille a modifié l’instance ivry\u202f: intervalle — → 60 min")
    assert "user.create" not in re.sub(r"<[^>]+>", "", page.text)  # raw actions: CSV only
    assert '<option value="user.create" >création de compte</option>' in page.text
    assert "heure de Paris" in page.text
    english = sentences(admin.get("/admin/audit?lang=en"))
    assert english[1] == "Camille changed the instance ivry: interval 60 → 30 min"
    raw = admin.get("/api/v1/audit?format=csv").text
    assert "instance.update" in raw and "schedule_interval_minutes" in raw


def test_plugins_word_their_actions_and_unknown_ones_stay_readable(client_for, sessions):
    from bridge.accounts import audit

    with sessions() as session:
        audit(
            session,
            "user:admin@ivry.example",
            "budget.allocation.update",
            "allocation:7",
            before={"status": "proposed", "amount": "1000.00"},
            after={"status": "confirmed", "amount": "1250.50"},
        )
        audit(session, "user:admin@ivry.example", "committee.vote", "committee:2")
        session.commit()
    said = sentences(client_for("admin").get("/admin/audit"))
    assert said[0] == "admin@ivry.example\u202f: committee.vote (committee:2)"
    assert said[1] == (
        "admin@ivry.example a modifié l’allocation n° 7\u202f: "
        "montant 1\u202f000 → 1\u202f250,50\u00a0€, statut proposée → confirmée"
    )


def test_a_replay_reads_as_a_sentence(client_for, sessions):
    from bridge.config import Settings
    from bridge.delivery import Delivery
    from bridge.pluginhost import PluginHost

    Delivery(sessions, Settings(), PluginHost(["budget"])).replay("budget", 5, actor="cli")
    said = sentences(client_for("admin").get("/admin/audit"))
    assert said[0] == (
        "La ligne de commande a fait relivrer des changements à l’extension budget\u202f: "
        "dernier changement reçu 0 → 4"
    )


def test_the_demo_reads_as_the_demo_s_person(client_for, sessions):
    """`bridge demo` seeds the plugins' data as the actor "demo": the page names it as the
    demo names its person, "Démo", not the raw word."""
    from bridge.accounts import audit

    with sessions() as session:
        audit(session, "demo", "demo.seed", "mandate:1")
        session.commit()
    said = sentences(client_for("admin").get("/admin/audit"))
    assert said[0] == "Démo\u202f: demo.seed (mandate:1)"
