"""`bridge accountability export`: the file for Decidim's "Import results", checked against the
columns Decidim's importer reads (`ResultsCsvImporter`: `id`, `parent/id`, `title/<locale>`,
`description/<locale>`, `start_date`, `end_date`, `status/id`, `progress`, `external_id`,
`weight`, `proposal_urls`, `category/id`), from a real sync of the stand-in."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from bridge.cli import main
from bridge.store.models import Component, Instance, Result
from plugins.committees import accountability
from plugins.committees.models import ActionItem, ActionItemResult, Committee

NOW = datetime(2026, 12, 1, 9, 0)
# What Decidim's importer reads besides the translated title and description.
IMPORTER_COLUMNS = {
    "id",
    "parent/id",
    "start_date",
    "end_date",
    "status/id",
    "progress",
    "external_id",
    "weight",
    "proposal_urls",
}


@pytest.fixture
def city(synced, sessions):
    """The synced stand-in, one action item (70 %) on the first child of the first result."""
    with sessions() as session, session.begin():
        component = session.scalars(
            select(Component).where(Component.manifest == "Accountability").order_by(Component.id)
        ).first()
        results = session.scalars(
            select(Result).where(Result.component_id == component.id).order_by(Result.id)
        ).all()
        parent = next(r for r in results if r.parent_remote_id is None)
        child = next(r for r in results if r.parent_remote_id == parent.remote_id)
        committee = Committee(
            slug="mobilites", name="Comité Mobilités", created_at=NOW, updated_at=NOW
        )
        item = ActionItem(
            committee=committee,
            title="Pistes cyclables",
            progress=70,
            status="in_progress",
            created_at=NOW,
            updated_at=NOW,
        )
        item.results.append(ActionItemResult(instance="ivry", result_remote_id=child.remote_id))
        session.add(committee)
        return {
            "component": component.remote_id,
            "parent": parent.remote_id,
            "child": child.remote_id,
            "results": {r.remote_id: r for r in results},
        }


def read(data: bytes) -> tuple[list[str], list[dict[str, str]]]:
    text = data.decode("utf-8")
    reader = csv.DictReader(io.StringIO(text), delimiter=";")
    return list(reader.fieldnames or []), list(reader)


def test_the_file_carries_every_result_whole_with_the_committees_progress(city, bridge_host):
    found = accountability.build(bridge_host.context("committees"), "ivry", city["component"])
    data = found.csv_bytes()
    assert not data.startswith(b"\xef\xbb\xbf")  # no BOM
    header, rows = read(data)
    assert set(header) >= IMPORTER_COLUMNS
    assert header[:2] == ["id", "parent/id"] and "title/fr" in header and "description/fr" in header
    assert header.index("title/fr") < header.index("title/en")  # the instance's locale first
    assert len(rows) == len(city["results"])
    ids = [r["id"] for r in rows]
    for row in rows:  # parents before their children
        if row["parent/id"]:
            assert ids.index(row["parent/id"]) < ids.index(row["id"])
    by_id = {r["id"]: r for r in rows}

    child = by_id[city["child"]]
    assert child["progress"] == "70"
    siblings = [r for r in city["results"].values() if r.parent_remote_id == city["parent"]]
    # the parent: Decidim's rule on its children (weights 0 and 1: one weighs 1, so the average)
    others = [s.progress for s in siblings if s.remote_id != city["child"]]
    expected = (70 + sum(others)) / len(siblings)
    assert float(by_id[city["parent"]]["progress"]) == pytest.approx(expected, abs=0.01)

    for remote_id, result in city["results"].items():  # everything else as Decidim has it
        row = by_id[remote_id]
        assert row["title/fr"] == result.title["fr"]
        assert row["start_date"] == (result.start_date.isoformat() if result.start_date else "")
        assert re.fullmatch(r"(\d{4}-\d{2}-\d{2})?", row["end_date"])
        assert row["status/id"] == (result.status_remote_id or "") and row["status/id"]
        assert row["external_id"] == (result.external_id or "")
        assert row["weight"] == ("" if result.weight is None else str(result.weight))
        assert row["parent/id"] == (result.parent_remote_id or "")
        if remote_id not in (city["child"], city["parent"]):
            assert float(row["progress"]) == result.progress
        if result.proposal_remote_ids:
            urls = row["proposal_urls"].split(";")
            assert [u.rsplit("/", 1)[-1] for u in urls] == result.proposal_remote_ids
            assert all("/proposals/" in u for u in urls)


def test_category_follows_what_the_server_offers(city, bridge_host, sessions):
    context = bridge_host.context("committees")
    with sessions() as session, session.begin():
        instance = session.scalar(select(Instance).where(Instance.name == "ivry"))
        instance.capabilities = {"missing": []}
    header, rows = read(accountability.build(context, "ivry", city["component"]).csv_bytes())
    assert "category/id" in header
    assert all(
        r["category/id"] == (city["results"][r["id"]].category_remote_id or "") for r in rows
    )
    with sessions() as session, session.begin():
        instance = session.scalar(select(Instance).where(Instance.name == "ivry"))
        instance.capabilities = {"missing": ["Result.category", "Result.scope"]}
    header, _ = read(accountability.build(context, "ivry", city["component"]).csv_bytes())
    assert "category/id" not in header


def test_the_command_writes_the_file_and_refuses_what_it_cannot_export(
    city, bridge_settings, tmp_path, monkeypatch
):
    monkeypatch.setenv("BRIDGE_DATABASE_URL", bridge_settings.database_url)
    monkeypatch.delenv("BRIDGE_CONFIG", raising=False)
    runner = CliRunner()
    out = tmp_path / "resultats.csv"
    done = runner.invoke(
        main, ["accountability", "export", "ivry", "--component", city["component"], "-o", str(out)]
    )
    assert done.exit_code == 0, done.output
    header, rows = read(out.read_bytes())
    assert len(rows) == len(city["results"]) and "status/id" in header
    assert "with the committees' progress" in done.output

    unknown = runner.invoke(main, ["accountability", "export", "nowhere", "--component", "1"])
    assert unknown.exit_code == 1 and "no instance named 'nowhere'" in unknown.output
    missing = runner.invoke(main, ["accountability", "export", "ivry", "--component", "99999"])
    assert missing.exit_code == 1 and "no synced component '99999'" in missing.output
