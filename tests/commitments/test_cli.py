"""`bridge commitments import` as a script runs it: a dry run by default, every line at fault
with exit 1 and nothing written, `--apply` to write."""

from __future__ import annotations

from sqlalchemy import func, select

from plugins.commitments import writes
from plugins.commitments.models import Commitment
from tests.cli.test_cli import bridge


def test_dry_run_refusal_then_apply(database_url, sessions, bridge_host, tmp_path):
    context = bridge_host.context("commitments")
    with context.transaction() as s:
        writes.add_mandate(s, context, "Mandat 2020-2026")
    sheet = tmp_path / "engagements.csv"
    sheet.write_text(
        "\ufeffNuméro;Thème;Engagement;Statut\nE-01;Mobilités;Pistes cyclables;En cours\n"
        "E-02;Mobilités;Zones 30;peut-être\n",
        encoding="utf-8",
    )
    refused = bridge(
        "commitments",
        "import",
        str(sheet),
        "--mandate",
        "Mandat 2020-2026",
        "--apply",
        database_url=database_url,
    )
    assert refused.returncode == 1
    assert (
        "ligne 3, colonne D (Statut)\u202f: statut inconnu\u202f: «\u202fpeut-être\u202f»"
        in refused.stderr
    )
    sheet.write_text("ref,theme,title,status\nE-01,Mobilités,Pistes cyclables,en cours\n")
    dry = bridge(
        "commitments",
        "import",
        str(sheet),
        "--mandate",
        "Mandat 2020-2026",
        database_url=database_url,
        check=True,
    )
    assert "row 2: E-01 create" in dry.stdout and "nothing written" in dry.stdout
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(Commitment)) == 0
    bridge(
        "commitments",
        "import",
        str(sheet),
        "--mandate",
        "Mandat 2020-2026",
        "--apply",
        database_url=database_url,
        check=True,
    )
    with sessions() as s:
        assert s.scalar(select(Commitment.status)) == "in_progress"
    unknown = bridge(
        "commitments", "import", str(sheet), "--mandate", "Autre", database_url=database_url
    )
    assert unknown.returncode != 0 and "no mandate named 'Autre'" in unknown.stderr
