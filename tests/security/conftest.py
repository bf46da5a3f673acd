"""A real server for the security tests: the app behind werkzeug's threaded server on a free
port, so parallel requests really run in parallel, as they would in production."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator

import pytest
import requests
from werkzeug.serving import make_server

from bridge.app import create_app
from bridge.config import Settings

PASSWORD = "a long password 12"


@pytest.fixture
def live(database_url) -> Iterator[Callable[..., str]]:
    """`live(**settings)` serves an app on the test's database; returns its base URL."""
    servers = []

    def start(**settings) -> str:
        app = create_app(
            Settings(database_url=database_url, secret_key="s", cookie_secure=False, **settings)
        )
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.port}"

    yield start
    for server in servers:
        server.shutdown()


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def login_form(base: str, headers: dict | None = None) -> tuple[requests.Session, str]:
    """A browser-like session that has opened the sign-in page: it and the form's token."""
    browser = requests.Session()
    browser.headers.update(headers or {})
    return browser, csrf_of(browser.get(f"{base}/login").text)


def sign_in(base: str, email: str, password: str = PASSWORD) -> requests.Session:
    browser, token = login_form(base)
    answer = browser.post(
        f"{base}/login",
        data={"csrf_token": token, "email": email, "password": password},
        allow_redirects=False,
    )
    assert answer.status_code == 302, answer.text
    return browser


def in_parallel(count: int, attempt: Callable[[int], object]) -> list:
    """Run `attempt(i)` for i in range(count), all released at the same instant."""
    start = threading.Barrier(count)
    results: list = [None] * count

    def run(i: int) -> None:
        start.wait()
        results[i] = attempt(i)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results
