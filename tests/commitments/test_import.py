"""A city's spreadsheet of commitments: planned first (what would change, every line at fault
with why), then applied all or nothing; statuses move only with a reason, kept in history."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bridge.store.models import AuditEntry
from plugins.commitments import sheetimport, writes
from plugins.commitments.models import Commitment, StatusChange

SHEET = (
    "Numéro;Thème;Engagement;Statut;Motif\n"
    "E-01;Mobilités;Créer 10 km de pistes cyclables;En cours;Délibération du 12/04/2022\n"
    "E-02;Mobilités;Stationnement vélo dans chaque école;Réalisé;\n"
    "E-03;Alimentation;« Cantine 100 % bio » d’ici 2026;à venir;\n"
)


@pytest.fixture
def mandate(bridge_host, sessions):
    context = bridge_host.context("commitments")
    with context.transaction() as s:
        return writes.add_mandate(s, context, "Mandat 2020-2026")


def _plan(sessions, mandate, data: bytes) -> sheetimport.Plan:
    with sessions() as s:
        return sheetimport.plan(s, mandate, data)


def test_a_plan_writes_nothing_then_applying_creates_all(bridge_host, sessions, mandate):
    context = bridge_host.context("commitments")
    planned = _plan(sessions, mandate, ("\ufeff" + SHEET).encode("utf-8"))
    assert planned.ok and planned.count("create") == 3
    with sessions() as s:
        assert s.scalar(select(Commitment)) is None
    with context.transaction() as s:
        assert sheetimport.apply(s, context, mandate, planned) == {
            "create": 3,
            "update": 0,
            "unchanged": 0,
        }
    with sessions() as s:
        rows = {c.ref: c for c in s.scalars(select(Commitment))}
        assert rows["E-03"].status == "not_started"
        assert rows["E-03"].title == "« Cantine 100 % bio » d’ici 2026"
        history = s.scalars(select(StatusChange).order_by(StatusChange.id)).all()
        assert [h.reason for h in history][:2] == [
            "Délibération du 12/04/2022",
            "Importé du tableur",
        ]
        assert s.scalar(select(AuditEntry).where(AuditEntry.action == "commitments.import"))


def test_commas_windows_1252_and_a_second_import_that_changes_a_status(
    bridge_host, sessions, mandate
):
    context = bridge_host.context("commitments")
    with context.transaction() as s:
        sheetimport.apply(s, context, mandate, sheetimport.plan(s, mandate, SHEET.encode()))
    again = (
        "ref,theme,title,status,reason\n"
        "E-01,Mobilités,Créer 10 km de pistes cyclables,done,Dernier tronçon livré en mars\n"
        "E-02,Mobilités,Stationnement vélo dans chaque école,Réalisé,\n"
    ).encode("cp1252")
    planned = _plan(sessions, mandate, again)
    assert planned.ok, planned.problems
    assert [(p.ref, p.action, p.status) for p in planned.lines] == [
        ("E-01", "update", ("in_progress", "done")),
        ("E-02", "unchanged", None),
    ]
    with context.transaction() as s:
        sheetimport.apply(s, context, mandate, planned)
    with sessions() as s:
        e01 = s.scalar(select(Commitment).where(Commitment.ref == "E-01"))
        assert e01.status == "done"
        last = s.scalars(
            select(StatusChange)
            .where(StatusChange.commitment_id == e01.id)
            .order_by(StatusChange.id)
        ).all()[-1]
        assert (last.old_status, last.new_status, last.reason) == (
            "in_progress",
            "done",
            "Dernier tronçon livré en mars",
        )


def test_every_line_at_fault_is_named_and_nothing_is_written(bridge_host, sessions, mandate):
    context = bridge_host.context("commitments")
    with context.transaction() as s:
        sheetimport.apply(s, context, mandate, sheetimport.plan(s, mandate, SHEET.encode()))
    bad = (
        "Numéro;Thème;Engagement;Statut;Motif\n"
        "E-01;Mobilités;Créer 10 km de pistes cyclables;Réalisé;\n"  # moves without a reason
        "E-04;;Sans thème;Réalisé;\n"
        "E-05;Climat;Planter 1000 arbres;peut-être;\n"
        "E-05;Climat;Doublon;Réalisé;\n"
        "E-06;Climat;Nouvelle ligne correcte;Réalisé;\n"
    ).encode()
    planned = _plan(sessions, mandate, bad)
    assert [p.line for p in planned.problems] == [2, 3, 4]
    # line 5 is fine on its own: E-05 is free again since line 4 was refused
    with pytest.raises(sheetimport.ImportRefused), context.transaction() as s:
        sheetimport.apply(s, context, mandate, planned)
    with sessions() as s:
        assert s.scalar(select(Commitment).where(Commitment.ref == "E-06")) is None
        assert s.scalar(select(Commitment).where(Commitment.ref == "E-01")).status == "in_progress"


def test_a_sheet_without_the_needed_columns_is_refused_on_line_1(sessions, mandate):
    planned = _plan(sessions, mandate, b"Nom;Valeur\nx;y\n")
    [problem] = planned.problems
    assert problem.line == 1 and problem.variables == {"columns": "ref, theme, title, status"}


def test_a_status_never_moves_without_a_reason(bridge_host, sessions, mandate):
    context = bridge_host.context("commitments")
    with context.transaction() as s:
        c = writes.add_commitment(
            s,
            context,
            s.merge(mandate),
            ref="E-9",
            theme="Climat",
            title="Isoler les écoles",
            status="not_started",
            reason="Programme",
        )
        with pytest.raises(writes.Refused) as refused:
            writes.change_status(s, context, c, "broken", "  ")
        assert refused.value.field == "reason"
        with pytest.raises(writes.Refused):
            writes.change_status(s, context, c, "maybe", "parce que")
        assert writes.change_status(s, context, c, "on_hold", "Budget 2024 reporté")
        assert not writes.change_status(s, context, c, "on_hold", "encore")
