""" "Tester la connexion": ask an instance's Decidim who it is, without becoming a probe.

The address is typed by an administrator, and the test runs from inside the city's network: a
test that followed any address could map internal services. So addresses that resolve into
private, loopback, link-local or otherwise reserved ranges are refused unless the deployment
lists them in `allowed_upstream_hosts` (the demo and the tests, whose stand-in listens on
127.0.0.1, do). Redirects are never followed (the HTTP edge refuses them), nothing of the
answer's body is shown, only a sentence saying what to check. The instance's API credentials
are used, as the sync uses them.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from bridge.config import Settings
from bridge.decidim import DecidimClient
from bridge.decidim.errors import (
    AuthenticationError,
    DecidimError,
    HTTPStatusError,
    NotJSONError,
    UnreachableError,
)
from bridge.decidim.http import Credentials
from bridge.failures import kind_of
from bridge.i18n import N_, gettext
from bridge.store.models import Instance

TIMEOUT_SECONDS = 15.0

# What to check, by outcome: English msgids, translated when shown (docs/translation.md).
SENTENCES = {
    "ok": N_("Connection works: Decidim %(version)s — %(processes)s processes found"),
    "scheme": N_("Cannot connect: the address must start with https:// (or http://)."),
    "unknown_host": N_("Cannot connect: this domain name does not exist. Check the address."),
    "internal": N_(
        "Connection refused: this address leads into an internal network. If it is the "
        "city's Decidim, ask the server's administrator to add it to the "
        "allowed_upstream_hosts setting."
    ),
    "unreachable": N_(
        "Cannot connect: the server does not answer. Check the address and that the "
        "Decidim site is online, then try again."
    ),
    "denied": N_(
        "Decidim refused access: check the instance's API key and secret (Decidim 0.31 "
        "and later), or that its API is open without signing in."
    ),
    "timeout": N_(
        "Cannot connect: the server took too long to answer. It may be overloaded or "
        "down; try again later."
    ),
    "certificate": N_(
        "Cannot connect: the server's HTTPS certificate is not valid (expired or for "
        "another name). Tell the Decidim site's host."
    ),
    "no_tls": N_(
        "Cannot connect: the server does not speak HTTPS at this address. Check the port, "
        "or try the address with http:// if the platform has no certificate."
    ),
    "http_error": N_(
        "Cannot connect: Decidim answers with an error (HTTP %(status)s). Try again "
        "later, or check the address."
    ),
    "not_decidim": N_(
        "Cannot connect: this address does not answer like a Decidim API. Check that it "
        "leads to the site's root (without /api)."
    ),
    "failed": N_(
        "Cannot connect: Decidim did not answer as expected. Check the address, then try again."
    ),
}


@dataclass
class Check:
    """The outcome of a connection test: `ok`, and the key of the sentence that explains it."""

    ok: bool
    outcome: str
    values: dict[str, object] = field(default_factory=dict)
    reported: str | None = None  # what was detected, kept on the instance when `ok`
    chosen: str | None = None

    def sentence(self) -> str:
        """What it means, in the reader's language."""
        return gettext(SENTENCES[self.outcome], **self.values)


def refused_address(base_url: str, allowed: str) -> str | None:
    """Why the test must not go to `base_url` (a sentence key), or None when it may."""
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "scheme"
    host = parts.hostname.lower()
    entries = [entry.strip().lower() for entry in allowed.split(",") if entry.strip()]
    if host in entries:
        return None
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            continue  # a host name: compared above
    try:
        found = socket.getaddrinfo(host, parts.port or 443, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        return "unknown_host"
    for *_, sockaddr in found:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%")[0])
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
            address = address.ipv4_mapped
        if not address.is_global and not any(address in net for net in networks):
            return "internal"
    return None


def check_connection(instance: Instance, settings: Settings) -> Check:
    """Ask the instance's Decidim its version and its processes, within the rules above."""
    refusal = refused_address(instance.base_url, settings.allowed_upstream_hosts)
    if refusal:
        return Check(False, refusal)
    credentials = None
    if instance.api_key and instance.api_secret:
        credentials = Credentials(instance.api_key, instance.api_secret)
    client = DecidimClient(
        instance.base_url,
        rate_limit=instance.rate_limit_per_minute,
        retries=1,
        timeout=TIMEOUT_SECONDS,
        credentials=credentials,
    )
    try:
        chosen = client.detect_version()
        spaces = client.spaces()
    except AuthenticationError:
        return Check(False, "denied")
    except UnreachableError as exc:  # a timeout or a bad certificate says what to check
        said = exc.reason if exc.reason in ("timeout", "certificate", "no_tls") else "unreachable"
        return Check(False, said)
    except HTTPStatusError as exc:  # classified as a failed sync is: a 404 is no Decidim API
        kind = kind_of(exc)
        if kind == "credentials":
            return Check(False, "denied")
        if kind in ("not_found", "not_decidim"):
            return Check(False, "not_decidim")
        return Check(False, "http_error", {"status": exc.status})
    except NotJSONError:
        return Check(False, "not_decidim")
    except DecidimError:
        return Check(False, "failed")
    finally:
        client.close()
    return Check(
        True,
        "ok",
        {
            "version": client.reported_version or chosen,
            "reported": client.reported_version,
            "chosen": chosen,
            "processes": len(spaces["participatory_process"]),
        },
        reported=client.reported_version,
        chosen=chosen,
    )
