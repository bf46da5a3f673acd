"""The city's name and logo (settings) in the header of public and admin pages."""

from __future__ import annotations

from bridge.app import create_app
from bridge.config import Settings

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


def test_city_name_and_logo_file_in_the_header(tmp_path):
    logo = tmp_path / "blason.png"
    logo.write_bytes(PNG)
    app = create_app(
        Settings(
            database_url=f"sqlite:///{tmp_path}/b.db",
            city_name="Ivry-sur-Seine",
            logo=str(logo),
        )
    )
    client = app.test_client()
    for path in ("/login", "/nowhere"):
        body = client.get(path).get_data(as_text=True)
        assert '<span class="city">Ivry-sur-Seine</span>' in body
        assert '<img src="/logo"' in body
    served = client.get("/logo")
    assert served.status_code == 200 and served.data == PNG


def test_a_logo_url_is_used_as_it_is_and_no_logo_means_ours(tmp_path):
    url = "https://participation.ivry94.fr/blason.svg"
    with_url = create_app(Settings(database_url=f"sqlite:///{tmp_path}/b.db", logo=url))
    assert f'<img src="{url}"' in with_url.test_client().get("/login").get_data(as_text=True)
    assert with_url.test_client().get("/logo").status_code == 404
    plain = create_app(Settings(database_url=f"sqlite:///{tmp_path}/c.db"))
    body = plain.test_client().get("/login").get_data(as_text=True)
    assert '<img src="/static/logo.svg"' in body
    assert plain.test_client().get("/static/bridge.css").status_code == 200
