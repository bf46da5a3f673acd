"""The audit log page says every committees action as a French sentence, never its raw code,
and never a member's contact (members are audited by id and by the names of what changed)."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import select

from bridge.store.models import AuditEntry, Component, Result
from bridge.testing.french import problems
from plugins.committees.models import ActionItem, Committee, CommitteeResult
from plugins.committees.wording import WORDING
from tests.committees.workflow import CONTACTS, build, post

PLUGIN = Path(__file__).parents[2] / "plugins" / "committees"
WRITTEN = re.compile(r"\"(committees\.[a-z_.]+)\"")


def written_actions() -> set[str]:
    """The action codes the plugin's code hands to `context.audit`."""
    found: set[str] = set()
    for source in PLUGIN.glob("*.py"):
        if source.name == "wording.py":
            continue
        text = source.read_text(encoding="utf-8")
        found |= {a for a in WRITTEN.findall(text) if a.count(".") >= 2}
        if 'f"committees.unlink.{kind}"' in text:
            found |= {"committees.unlink.result", "committees.unlink.allocation"}
    return found


def test_every_action_the_plugin_writes_has_a_sentence_and_a_label():
    written = written_actions()
    assert "committees.decision.add" in written and "committees.member.erase" in written
    assert written - set(WORDING.actions) == set()
    assert set(WORDING.actions) - written == set()  # no sentence for an action never written
    assert set(WORDING.labels) == set(WORDING.actions)


def test_the_audit_log_page_says_each_action_in_french_without_contacts(
    client_for, sessions, synced
):
    admin = client_for("admin")
    ids = build(admin, sessions)
    base = f"/admin/committees/{ids['committee']}"
    meeting = f"/admin/committees/meetings/{ids['meeting']}"
    member = f"/admin/committees/members/{ids['awa']}"
    with sessions() as session:
        result = session.scalars(
            select(Result).join(Component, Result.component_id == Component.id).order_by(Result.id)
        ).first()
        assert result is not None
        key = f"ivry:{result.remote_id}"
    with sessions() as session:
        seat = next(
            s.id
            for s in session.get(
                Committee,
                ids["committee"],
            ).memberships
            if s.member_id == ids["awa"]
        )
        action_id = session.scalar(select(ActionItem.id))
    steps = [
        (f"{base}/edit", {"name": "Comité de suivi Végétalisation", "theme": "Nature"}),
        (f"{base}/links", {"result": key}),
        (
            f"{meeting}/edit",
            {
                "title": "Réunion de suivi, printemps",
                "date": "2026-04-02",
                "start": "19:00",
                "end": "21:00",
                "status": "planned",
            },
        ),
        (f"{meeting}/minutes", {"minutes": "Le comité a voté.", "minutes_public": "on"}),
        (
            f"/admin/committees/actions/{action_id}/edit",
            {"title": "Planter 50 arbres", "status": "done", "progress": "100"},
        ),
        (f"{meeting}/attachments/{ids['attachment']}/delete", {}),
        (f"{base}/memberships/{seat}/end", {"ends_on": "2026-12-31"}),
        (
            f"{member}/edit",
            {"name": "Awa Diallo", "kind": "resident", "phone": "+33 1 02 03 04 05"},
        ),
    ]
    for path, data in steps:
        answer = post(admin, path, data)
        assert answer.status_code == 302, (path, answer.get_data(as_text=True)[:2000])
    with sessions() as session:
        link = session.scalar(select(CommitteeResult.id))
    assert post(admin, f"{base}/links/result/{link}/delete", {}).status_code == 302
    assert admin.get(f"{member}/export.json").status_code == 200
    assert post(admin, f"{member}/erase", {}).status_code == 302

    with sessions() as session:
        done = set(
            session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("committees.%")))
        )
    # everything but the budget allocations (tests/budget's to create) and the push to Decidim
    # (test_accountability_push's: it needs a Decidim with the write API) went through the pages
    assert done == set(WORDING.actions) - {
        "committees.link.allocation",
        "committees.unlink.allocation",
        "committees.accountability.push",
    }

    html = admin.get("/admin/audit?per_page=200").get_data(as_text=True)
    text = html.replace("&#39;", "'").replace("&#34;", '"')
    for sentence in (
        "a créé le comité «\u202fComité de suivi Végétalisation\u202f»",
        "a modifié le comité «\u202fComité de suivi Végétalisation\u202f»\u202f: ",
        "thème Nature en ville → Nature",
        f"a lié le comité n° {ids['committee']} au résultat {key}",
        f"a retiré un lien vers un résultat\u202f: le comité n° {ids['committee']}",
        f"a ajouté le membre n° {ids['awa']} (habitant)",
        f"a modifié la fiche du membre n° {ids['awa']}",
        f"a exporté les données personnelles du membre n° {ids['awa']}",
        f"a effacé les données personnelles du membre n° {ids['awa']}",
        f"a fait siéger le membre n° {ids['awa']} au comité n° {ids['committee']}",
        "a programmé la réunion «\u202fRéunion de suivi, printemps\u202f»",
        "heure de début (heure locale) 18:30 → 19:00",
        "date",
        "à l’ordre du jour de la réunion",
        "a enregistré le compte rendu de la réunion",
        "a relevé les présences à la réunion",
        "présents\u202f: 1, excusés\u202f: 1, absents\u202f: 0",
        "(pour\u202f: 2, contre\u202f: 0, abstentions\u202f: 0)",
        "a ajouté l’action «\u202fPlanter 50 arbres\u202f»",
        "a modifié l’action «\u202fPlanter 50 arbres\u202f»\u202f: ",
        "avancement 40 → 100\u00a0%",
        "a joint le fichier «\u202fordre du jour.pdf\u202f»",
        "a retiré le fichier «\u202fordre du jour.pdf\u202f»",
        "a mis fin au mandat du membre",
        "comités\u202f: décision",  # a filter label
    ):
        assert sentence in text, sentence
    assert "committees." not in re.sub(r"<[^>]*>", " ", text)
    for value in (*CONTACTS.values(), "+33 1 02 03 04 05", "Awa Diallo"):
        assert value not in text
    ours = [p for p in problems(html, actions=("committees",)) if "comit" in p or "committees" in p]
    assert ours == []
