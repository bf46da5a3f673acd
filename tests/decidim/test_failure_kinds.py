"""A failed connection is explained by its kind, decided from real failures over real sockets:
nothing listening, a name that does not resolve, a server that never answers, a web page where
the API should be, a missing API, a server error, a certificate of an unknown authority, an
https:// address on a server that speaks plain HTTP."""

from __future__ import annotations

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from flask import Flask

import bridge.i18n
from bridge.decidim import DecidimClient, DecidimError
from bridge.failures import SENTENCES, kind_of, sentence
from bridge.testing.certificates import Authority
from simulator.testing import running_simulator


def failure_of(base_url: str, timeout: float = 2.0) -> DecidimError:
    client = DecidimClient(base_url, rate_limit=0, retries=0, timeout=timeout)
    try:
        with pytest.raises(DecidimError) as caught:
            client.detect_version()
    finally:
        client.close()
    return caught.value


class Answer(BaseHTTPRequestHandler):
    status, body, content_type = 200, b"<html>Maintenance</html>", "text/html"

    def do_POST(self):  # noqa: N802 - the http.server naming
        self.send_response(self.status)
        self.send_header("Content-Type", self.content_type)
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args):
        pass


def serve(handler, wrap=None) -> tuple[str, ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    scheme = "http"
    if wrap is not None:
        server.socket = wrap(server.socket)
        scheme = "https"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"{scheme}://127.0.0.1:{server.server_address[1]}", server


def test_nothing_listening_is_refused():
    # Port 9 (discard) is never served here; a port found free and released could be taken
    # by another test's server before this request.
    exc = failure_of("http://127.0.0.1:9")
    assert kind_of(exc) == "refused"
    assert "Le serveur ne répond pas à cette adresse" in sentence("refused")


def test_a_name_that_does_not_resolve():
    # .invalid never resolves (RFC 6761), whatever the network.
    assert kind_of(failure_of("http://decidim.ivry.invalid")) == "dns"


def test_a_server_that_never_answers_is_a_timeout():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)  # accepts the connection, never answers
    try:
        exc = failure_of(f"http://127.0.0.1:{listener.getsockname()[1]}", timeout=1)
    finally:
        listener.close()
    assert kind_of(exc) == "timeout"


def test_a_web_page_instead_of_the_api_is_not_decidim():
    url, server = serve(Answer)
    try:
        assert kind_of(failure_of(url)) == "not_decidim"
    finally:
        server.shutdown()


@pytest.mark.parametrize(("status", "kind"), [(404, "not_found"), (503, "server_error")])
def test_http_errors(status, kind):
    handler = type("Status", (Answer,), {"status": status, "body": b"{}"})
    url, server = serve(handler)
    try:
        assert kind_of(failure_of(url)) == kind
    finally:
        server.shutdown()


def test_the_stand_in_under_a_wrong_path_has_no_api():
    with running_simulator() as sim:
        assert kind_of(failure_of(f"{sim.url}/not-here")) == "not_found"


def test_a_certificate_of_an_unknown_authority(tmp_path):
    issued = Authority.make(tmp_path).issue("127.0.0.1")  # a CA this machine does not trust
    context = issued.server_context()
    url, server = serve(Answer, wrap=lambda s: context.wrap_socket(s, server_side=True))
    try:
        assert kind_of(failure_of(url)) == "certificate"
    finally:
        server.shutdown()


def test_https_to_a_server_that_speaks_plain_http_says_so():
    url, server = serve(Answer)  # plain HTTP
    try:
        exc = failure_of(url.replace("http://", "https://"))
    finally:
        server.shutdown()
    assert kind_of(exc) == "no_tls"
    assert "ne parle pas HTTPS" in sentence("no_tls")  # not "the certificate is not valid"


def test_every_kind_has_a_french_and_an_english_sentence_without_technical_words():
    app = Flask(__name__)
    app.secret_key = "t"
    bridge.i18n.init_app(app)
    for kind, english in SENTENCES.items():
        with app.test_request_context("/?lang=fr"):
            french = sentence(kind)
        with app.test_request_context("/?lang=en"):
            assert sentence(kind) == english
        assert french != english, kind  # translated (tests/web/test_translations.py: all are)
        for text in (english, french):
            assert "Error" not in text and "HTTP" not in text.replace("HTTPS", ""), text
        assert " :" not in french and " ;" not in french, kind  # U+202F before
    assert sentence("no-such-kind") == sentence(None) == sentence("unknown")
