"""Every list of the budget's API is paged like the core's (`?limit=`, `?cursor=`): following
`next` gives every item exactly once, also when rows arrive between two pages; and the one
helper under it (`bridge.paging`) on both databases."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from bridge.paging import decode_cursor, encode_cursor, keyset, numbered
from plugins.budget.models import Allocation, Envelope, LedgerLine
from tests.budget.test_write_api import envelope

LISTS = ("/api/v1/budget/envelopes", "/api/v1/budget/allocations", "/api/v1/budget/ledger")


def walk(api, url: str, limit: int, between=None) -> list[int]:
    seen, cursor, pages = [], None, 0
    while True:
        page = api(
            "GET", f"{url}?limit={limit}" + (f"&cursor={cursor}" if cursor else ""), role=None
        )
        assert page.status_code == 200, page.get_json()
        body = page.get_json()
        assert len(body["items"]) <= limit
        seen += [item["id"] for item in body["items"]]
        pages += 1
        if between and pages == 1:
            between()
        if (cursor := body["next"]) is None:
            return seen


def test_each_budget_list_pages_through_every_item_once(api):
    for n in range(5):
        made = envelope(api, f"Enveloppe {n}", "10 000")
        for i in range(2):
            allocation = api(
                "POST",
                "/api/v1/budget/allocations",
                json={"envelope": made["id"], "label": f"Action {n}-{i}", "amount": "100"},
            )
            assert allocation.status_code == 201
            line = api(
                "POST",
                "/api/v1/budget/ledger",
                json={
                    "envelope": made["id"],
                    "allocation": allocation.get_json()["id"],
                    "kind": "engagement",
                    "date": "2024-03-01",
                    "amount": "10",
                    "reference": f"EJ-{n}-{i}",
                },
            )
            assert line.status_code == 201, line.get_json()
    for url, count in zip(LISTS, (5, 10, 10), strict=True):
        everything = api("GET", f"{url}?limit=500", role=None).get_json()
        assert everything["next"] is None and len(everything["items"]) == count
        ids = [item["id"] for item in everything["items"]]
        for limit in (1, 3, count):
            assert walk(api, url, limit) == ids, (url, limit)

    # an envelope made while someone pages: seen once, at the end, and nothing skipped
    def one_more():
        envelope(api, "Enveloppe tardive", "1")

    walked = walk(api, LISTS[0], 2, between=one_more)
    assert len(walked) == len(set(walked)) == 6

    wrong = api("GET", f"{LISTS[1]}?cursor=nope", role=None)
    assert wrong.status_code == 400 and wrong.get_json()["parameter"] == "cursor"
    wrong = api("GET", f"{LISTS[2]}?limit=0", role=None)
    assert wrong.status_code == 400 and wrong.get_json()["parameter"] == "limit"


def test_keyset_and_numbered_pages_give_every_row_once(sessions):
    with sessions() as session:
        made = Envelope(name="E", amount_cents=1, created_at=date(2024, 1, 1))
        session.add(made)
        session.flush()
        for n in range(7):
            session.add(
                Allocation(
                    envelope_id=made.id,
                    label=f"A{n}",
                    amount_cents=n,
                    status="proposed" if n % 2 else "confirmed",
                    created_at=date(2024, 1, 1),
                )
            )
        session.commit()
        ids = sorted(session.scalars(select(Allocation.id)))
        for descending in (False, True):
            seen, after = [], None
            while True:
                page = keyset(
                    session,
                    select(Allocation),
                    Allocation,
                    limit=3,
                    after=after,
                    descending=descending,
                )
                seen += [a.id for a in page.items]
                if (after := page.next) is None:
                    break
            assert seen == (ids[::-1] if descending else ids)
        rows = keyset(session, select(LedgerLine, LedgerLine.id), LedgerLine, limit=3)
        assert rows.items == [] and rows.next is None

        ordered = select(Allocation).order_by(Allocation.status.desc(), Allocation.id)
        pages = [numbered(session, ordered, n, size=3) for n in (1, 2, 3)]
        assert [p.pages for p in pages] == [3, 3, 3] and pages[2].first == 7
        seen = [a.id for p in pages for a in p.items]
        assert sorted(seen) == ids and len(seen) == 7
        assert seen[:3] == [a.id for a in session.scalars(ordered.limit(3))]
        assert numbered(session, ordered, 99, size=3).number == 3
        assert numbered(session, ordered, 0, size=3).number == 1
    assert decode_cursor(encode_cursor(123)) == 123
    for wrong in ("nope", encode_cursor(1).replace("a", "!"), "aWQ6wrI"):  # "id:²"
        try:
            decode_cursor(wrong)
        except ValueError:
            continue
        raise AssertionError(wrong)
