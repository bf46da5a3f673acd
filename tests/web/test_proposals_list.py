"""The admin proposals list: paged, searched and filtered on both databases; odd query values
(a superscript digit, a lone surrogate, a huge page) answer the list, never a 500."""

from __future__ import annotations

import re

from bridge.store.models import Component, Instance, Proposal, Space
from bridge.timeutil import utcnow


def _proposals(sessions, count: int) -> None:
    now = utcnow()
    seen = {"fingerprint": "-", "first_seen_at": now, "last_seen_at": now}
    with sessions() as session:
        instance = session.query(Instance).one()
        space = Space(
            instance_id=instance.id,
            remote_id="1",
            space_type="participatory_process",
            title={"fr": "Climat"},
            **seen,
        )
        session.add(space)
        session.flush()
        component = Component(
            instance_id=instance.id,
            space_id=space.id,
            remote_id="1",
            manifest="Proposals",
            name={"fr": "Propositions"},
            **seen,
        )
        session.add(component)
        session.flush()
        for n in range(count):
            session.add(
                Proposal(
                    instance_id=instance.id,
                    space_id=space.id,
                    component_id=component.id,
                    remote_id=str(n + 1),
                    title={"fr": f"Végétaliser la rue {n}" if n % 10 == 0 else f"Idée {n}"},
                    state="accepted" if n % 3 == 0 else None,
                    **seen,
                )
            )
        session.commit()


def test_paged_searched_and_filtered(client_for, sessions):
    viewer = client_for("viewer")
    _proposals(sessions, 120)
    first = viewer.get("/admin/instances/ivry/proposals").text
    assert "Propositions 1 à 50 sur 120" in first and first.count('<tr class="proposal">') == 50
    last = viewer.get("/admin/instances/ivry/proposals?page=3").text
    assert "Propositions 101 à 120 sur 120" in last and 'rel="next"' not in last
    found = viewer.get("/admin/instances/ivry/proposals?q=V%C3%89G%C3%89TALISER").text
    assert "sur 12<" in found and set(re.findall(r">(Végétaliser la rue \d+)<", found))
    accepted = viewer.get("/admin/instances/ivry/proposals?state=accepted").text
    assert "sur 40<" in accepted and "sans réponse" not in accepted.split("<tbody>")[1]
    unanswered = viewer.get("/admin/instances/ivry/proposals?state=none").text
    assert "sur 80<" in unanswered


def test_odd_values_answer_the_list(client_for, sessions):
    viewer = client_for("viewer")
    _proposals(sessions, 3)
    for query in ("page=%C2%B2", "process=%C2%B2", "page=99999999999999999999", "page=0"):
        answer = viewer.get(f"/admin/instances/ivry/proposals?{query}")
        assert answer.status_code == 200, query
        assert "Propositions 1 à 3 sur 3" in answer.text, query
    for query in ("q=%ED%A0%80", "state=%ED%A0%80", "q=" + "x" * 5000):  # bytes that are no text
        answer = viewer.get(f"/admin/instances/ivry/proposals?{query}")
        assert answer.status_code == 200, query
        assert "Aucune proposition ne correspond." in answer.text, query
