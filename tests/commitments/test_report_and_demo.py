"""The progress report gathers every plugin's follow-up actions by voted priority, with the
money of the results they move (from `result_money`), as a page and a PDF; the demo seed
gives a booklet that feels like Ivry's 2023 mid-mandate review, once."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from bridge.plugin import FollowupAction, Money, RecordKey, Reference, Result, hookimpl
from plugins.commitments.models import Commitment, StatusChange


class Committees:
    """A plugin that follows actions up and knows their money, through the real hooks."""

    @hookimpl
    def followup_actions(self, session):
        first = session.scalar(select(Result).order_by(Result.id))
        decision = Reference("committees.decision", "3", "Décision du 12 avril 2023", None)
        return [
            FollowupAction(
                "committees.action_item:1",
                "Planter 300 arbres rue Marat",
                "done",
                100,
                "Végétaliser la ville",
                "Comité de suivi Nature en ville",
                (decision,),
                (RecordKey("ivry", "results", first.remote_id),),
            ),
            FollowupAction(
                "committees.action_item:2",
                "Ouvrir un atelier vélo",
                "in_progress",
                40,
                "Se déplacer autrement",
                "Comité Mobilités",
            ),
            FollowupAction(
                "committees.action_item:3",
                "Former les gardiens d’immeuble",
                "to_do",
                None,
                "Végétaliser la ville",
                "Comité de suivi Nature en ville",
            ),
        ]

    @hookimpl
    def result_money(self, session, instance, results, projects):
        return [
            Money("results", r.id, 1_200_000_00, 700_000_00, 350_000_00)
            for r in results
            if r.id == min(x.id for x in results)
        ]


@pytest.fixture
def bridge_plugins():
    return ["budget", "committees", "commitments", ("followers", Committees())]


def test_the_report_groups_by_priority_with_money(client_for, synced):
    html = client_for(None).get("/public/engagements/bilan").get_data(as_text=True)
    assert html.index("Se déplacer autrement") < html.index("Végétaliser la ville")
    assert "Planter 300 arbres rue Marat" in html and "Comité de suivi Nature en ville" in html
    assert "Décision du 12 avril 2023" in html
    assert (
        "Alloué 1\u202f200\u202f000\u00a0€, engagé 700\u202f000\u00a0€, mandaté 350\u202f000\u00a0€"
        in html
    )
    pdf = client_for(None).get("/public/engagements/bilan.pdf")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Bilan d’avancement des priorités votées" in text
    assert "Réalisé\u202f: 1" in text and "À faire\u202f: 1" in text
    # DejaVu draws U+00A0 with the space's glyph, so the text read back has a plain space
    # there; the narrow no-break spaces of the thousands have their own glyph and come back.
    assert "Alloué 1\u202f200\u202f000 €, engagé 700\u202f000 €" in text.replace("\u00a0", " ")


def test_the_demo_booklet_feels_like_the_mid_mandate_review(bridge_host, sessions, client_for):
    bridge_host.call("seed_demo")
    bridge_host.call("seed_demo")  # idempotent
    with sessions() as s:
        counts = dict(
            s.execute(select(Commitment.status, func.count()).group_by(Commitment.status)).all()
        )
        assert sum(counts.values()) == 38 and set(counts) == {
            "done",
            "in_progress",
            "on_hold",
            "broken",
            "not_started",
        }
        assert s.scalar(select(func.count()).select_from(StatusChange)) > 38
    html = client_for(None).get("/public/engagements/").get_data(as_text=True)
    assert "Mandat municipal 2020-2026" in html and "Démocratie participative" in html
