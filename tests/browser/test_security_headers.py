"""In a real browser: the pages work under the policy (their CSS applies, the browser reports
no violation), and a signed-in page cannot be framed by another page of the same site."""

from __future__ import annotations

import threading

import pytest
from werkzeug.serving import make_server
from werkzeug.wrappers import Response

from tests.browser.test_accessibility import EMAIL, PAGES, sign_in, site  # noqa: F401

pytestmark = pytest.mark.browser


@pytest.fixture
def admin(browser, site):  # noqa: F811 - site is the imported fixture
    context = browser.new_context()
    sign_in(context, site[0])
    yield context
    context.close()


def test_every_page_works_under_the_policy(admin, site):  # noqa: F811
    base, process = site
    for name, path, _ in PAGES:
        page = admin.new_page()
        blocked = []
        page.on(
            "console",
            lambda m, b=blocked: b.append(m.text) if "Content Security" in m.text else None,
        )
        answer = page.goto(f"{base}{path.format(process=process)}")
        assert answer.status == 200, name
        assert (
            "Content-Security-Policy" in answer.headers
            or "content-security-policy" in answer.headers
        )
        font = page.evaluate("getComputedStyle(document.body).fontFamily")
        assert "system-ui" in font, (name, font)  # the page's own <style> applied
        assert not blocked, (name, blocked)
        page.close()


def test_a_signed_in_page_cannot_be_framed(admin, site):  # noqa: F811
    base, _ = site
    framing = f'<!doctype html><title>x</title><iframe src="{base}/admin/users"></iframe>'

    def attacker(environ, start_response):
        return Response(framing, mimetype="text/html")(environ, start_response)

    server = make_server("127.0.0.1", 0, attacker, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        page = admin.new_page()
        page.goto(f"http://127.0.0.1:{server.port}/")
        frame = next(f for f in page.frames if f is not page.main_frame)
        frame.wait_for_load_state()  # the page or the browser's refusal, not a guessed delay
        assert EMAIL not in frame.content(), "the users page rendered inside another page"
    finally:
        server.shutdown()
