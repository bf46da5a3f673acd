"""The roll-up's admin page and its download: French, the three figures, warnings, roles."""

from __future__ import annotations

import csv
import io

from tests.committees.test_accountability_export import city  # noqa: F401 - the fixture


def test_the_page_shows_the_three_figures_and_offers_the_file(city, client_for):  # noqa: F811
    viewer = client_for("viewer")
    index = viewer.get("/admin/committees/accountability/")
    assert index.status_code == 200
    html = index.get_data(as_text=True)
    assert "Avancement vers Decidim" in html
    url = f"/admin/committees/accountability/ivry/{city['component']}"
    assert url in html

    page = viewer.get(url)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert (
        "Decidim affichera après l’import" in html or "Decidim affichera après l&#39;import" in html
    )
    assert f'data-id="{city["child"]}" class="touched"' in html
    assert "70\u202f%" in html  # our figure and Decidim's after import for the child
    assert "1 action" in html

    assert viewer.get(f"{url}/resultats.csv").status_code == 403  # the file is an editor's
    download = client_for("editor").get(f"{url}/resultats.csv")
    assert download.status_code == 200
    assert download.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in download.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(download.get_data(as_text=True)), delimiter=";"))
    assert {r["id"] for r in rows} == set(city["results"])

    assert viewer.get("/admin/committees/accountability/ivry/99999").status_code == 404
    assert client_for(None).get(url).status_code in (302, 401)
