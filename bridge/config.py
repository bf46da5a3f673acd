"""Settings: environment variables (`BRIDGE_*`) over a TOML file, over defaults.

The TOML file is `BRIDGE_CONFIG` if set, else `config/bridge.toml` when it exists. Keys in the
file are the setting names in lower case (`database_url = "..."`); the environment wins.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_DATABASE_URL = "sqlite:///var/bridge.db"
BUNDLED_PLUGINS = ("budget", "committees", "commitments")


MISSING_SECRET_KEY = (
    "BRIDGE_SECRET_KEY is not set: the web workers cannot share sessions without it "
    "(make one with: python -c 'import secrets; print(secrets.token_hex(32))')"
)


class MissingSecretKey(RuntimeError):
    """A production web start without `secret_key`."""


MAIL_SECURITY = ("starttls", "ssl", "none")


@dataclass(frozen=True)
class MailSettings:
    """The `[mail]` table: the SMTP server the outbox (`bridge.mail`) sends through.

    Without `host` nothing is sent: messages wait in the outbox. The password is never read
    from the file (it would end up in backups and repositories): only from the environment,
    `BRIDGE_MAIL_PASSWORD`. Every key can also be set as `BRIDGE_MAIL_<KEY>`.
    """

    host: str = ""
    port: int = 587
    security: str = "starttls"  # "starttls" (port 587), "ssl" (port 465) or "none" (port 25)
    user: str = ""
    password: str = field(default="", repr=False)
    sender: str = ""  # the From: header, e.g. "Ville d'Ivry-sur-Seine <suivi@ivry94.fr>"
    # The server's certificate is always checked (authority and host name): against the
    # system's authorities, or those of this PEM file (a city's own authority).
    ca_file: str = ""
    timeout_seconds: float = 30.0
    # How often the scheduler's job sends what is due; how long it waits after a temporary
    # failure (doubled at each attempt, up to the maximum); after how many attempts it gives up.
    interval_seconds: float = 60.0
    retry_seconds: float = 300.0
    retry_max_seconds: float = 6 * 3600.0
    max_attempts: int = 8
    batch_size: int = 50
    # Sent messages (personal data: an address, a text) are deleted after this many days.
    keep_sent_days: int = 30

    def __post_init__(self) -> None:
        if self.security not in MAIL_SECURITY:
            raise ValueError(
                f"[mail] security is one of {', '.join(MAIL_SECURITY)}, not {self.security!r}"
            )
        if self.host and "@" not in self.sender:
            raise ValueError('[mail] sender is required with a host, e.g. "Ville <suivi@ville.fr>"')
        if not 0 < self.port < 65536:
            raise ValueError(f"[mail] port {self.port} is not a port number")
        if self.max_attempts < 1 or self.batch_size < 1:
            raise ValueError("[mail] max_attempts and batch_size are at least 1")
        if self.user and self.security == "none":
            raise ValueError(
                '[mail] user needs security = "starttls" or "ssl": '
                "the password would cross the network unencrypted"
            )
        if self.ca_file and not Path(self.ca_file).is_file():
            raise ValueError(f"[mail] ca_file {self.ca_file!r} is not a file")

    @property
    def configured(self) -> bool:
        return bool(self.host)

    @classmethod
    def load(cls, table: Any, env: dict[str, str]) -> MailSettings:
        """From the TOML `[mail]` table, under `BRIDGE_MAIL_*` environment variables."""
        if table is None:
            table = {}
        if not isinstance(table, dict):
            raise ValueError("mail is a table: [mail] host = ..., port = ...")
        if "password" in table:
            raise ValueError(
                "[mail] password is not read from the file: set BRIDGE_MAIL_PASSWORD instead"
            )
        known = {f.name: f for f in fields(cls)}
        unknown = set(table) - set(known)
        if unknown:
            raise ValueError(f"unknown key(s) in [mail]: {', '.join(sorted(unknown))}")
        values = dict(table)
        for name in known:
            raw = env.get(f"BRIDGE_MAIL_{name.upper()}")
            if raw is not None:
                values[name] = _coerce(raw, type(getattr(cls, name)))
        return cls(**values)


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    secret_key: str | None = None
    # Session cookies only over HTTPS; the demo on http://127.0.0.1 turns this off.
    cookie_secure: bool = True
    proxies: int = 0  # reverse proxies in front: their X-Forwarded-For/-Proto are trusted
    max_request_mb: int = 20  # a larger request body is refused (413) before it is read
    log_level: str = "INFO"
    # Seconds between two looks at the sync_requests and instances tables by the scheduler.
    scheduler_poll_seconds: float = 5.0
    # A run lock whose heartbeat is older than this is considered abandoned by a dead process.
    lock_stale_seconds: float = 120.0
    # Whole-request deadline for Decidim (connect, wait and read the body), not per read.
    http_timeout_seconds: float = 30.0
    # Hosts or networks, comma-separated ("decidim.intra, 10.1.0.0/16"), that the connection
    # test may reach although private, loopback or link-local; any other such address is refused.
    allowed_upstream_hosts: str = ""
    http_retries: int = 5
    page_size: int = 50
    # Change delivery to plugins (`bridge.delivery`): changes per batch (one transaction each),
    # seconds between two passes of the scheduler, and the wait after a plugin's first failure
    # (doubled at each failure in a row, up to the maximum).
    delivery_batch_size: int = 500
    delivery_interval_seconds: float = 5.0
    delivery_retry_seconds: float = 10.0
    delivery_retry_max_seconds: float = 3600.0
    # Shown in the header of every page; times are shown in this zone (stored in UTC).
    city_name: str = "civic-bridge"
    # A file path (served by the app at /logo) or a URL of this deployment; empty: our own.
    logo: str = ""
    timezone: str = "Europe/Paris"
    # [plugins] enabled = ["budget"], and one table of options per plugin: [plugins.budget]
    plugins: dict[str, Any] = field(default_factory=dict)
    # [mail]: the SMTP server of the outbox (`MailSettings`)
    mail: MailSettings = field(default_factory=MailSettings)

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(
                f"unknown time zone {self.timezone!r} (setting timezone, e.g. Europe/Paris)"
            ) from exc
        if self.delivery_batch_size < 1:
            raise ValueError("delivery_batch_size is at least 1")

    def require_secret_key(self) -> None:
        """A production web start needs `secret_key`: without it each worker would sign
        sessions and CSRF tokens with a key of its own, and they would fail at random."""
        if not self.secret_key:
            raise MissingSecretKey(MISSING_SECRET_KEY)

    @property
    def enabled_plugins(self) -> list[str]:
        """The plugins this deployment runs; without a choice, the ones shipped with the bridge
        (an installed third-party plugin is never enabled by default)."""
        return list(self.plugins.get("enabled", BUNDLED_PLUGINS))

    @classmethod
    def load(
        cls, path: str | os.PathLike | None = None, env: dict[str, str] | None = None
    ) -> Settings:
        env = dict(os.environ if env is None else env)
        values: dict[str, Any] = {}
        path = path or env.get("BRIDGE_CONFIG")
        if path is None and Path("config/bridge.toml").exists():
            path = "config/bridge.toml"
        if path:
            with open(path, "rb") as fh:
                values.update(tomllib.load(fh))
        known = {f.name: f for f in fields(cls)}
        unknown = set(values) - set(known)
        if unknown:
            raise ValueError(f"unknown setting(s) in {path}: {', '.join(sorted(unknown))}")
        values["mail"] = MailSettings.load(values.get("mail"), env)
        for name, f in known.items():
            if name == "mail":
                continue
            raw = env.get(f"BRIDGE_{name.upper()}")
            if raw is None:
                continue
            if name == "plugins":  # BRIDGE_PLUGINS=budget,committees: the enabled plugins
                values["plugins"] = {
                    **values.get("plugins", {}),
                    "enabled": [p.strip() for p in raw.split(",") if p.strip()],
                }
                continue
            values[name] = _coerce(
                raw, type(getattr(cls, name, "")) if f.default is not None else str
            )
        return cls(**values)


def _coerce(raw: str, kind: type) -> Any:
    if kind is bool:
        return raw.lower() in {"1", "true", "yes", "on"}
    if kind in (int, float):
        return kind(raw)
    return raw
