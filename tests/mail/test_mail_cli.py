"""`bridge mail ...` as a cron job or an operator runs it (a real process, a real SMTP server),
and the `[mail]` settings: file, environment, the password only from the environment."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from bridge import mail
from bridge.config import Settings
from bridge.store.db import make_engine, make_sessionmaker
from bridge.testing.smtp import running_smtp


def bridge(*args: str, database_url: str, **env: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "BRIDGE_DATABASE_URL": database_url, **env}
    environment.pop("BRIDGE_CONFIG", None)
    return subprocess.run(
        [sys.executable, "-m", "bridge.cli", *args],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


@pytest.mark.slow
def test_send_pending_status_and_erase(sqlite_url):
    engine = make_engine(sqlite_url)
    sessions = make_sessionmaker(engine)
    with sessions() as session, session.begin():
        for to in ("chair@ivry.example", "member@ivry.example"):
            mail.queue(
                session, recipient=to, subject="Rappel", body="b", kind="k", queued_by="test"
            )
    unset = bridge("mail", "send-pending", database_url=sqlite_url)
    assert unset.returncode == 1 and "no SMTP server configured" in unset.stderr

    with running_smtp() as smtp:
        server = {
            "BRIDGE_MAIL_HOST": smtp.host,
            "BRIDGE_MAIL_PORT": str(smtp.port),
            "BRIDGE_MAIL_SECURITY": "none",
            "BRIDGE_MAIL_SENDER": "Ville <suivi@ivry.example>",
        }
        sent = bridge("mail", "send-pending", database_url=sqlite_url, **server)
        assert sent.returncode == 0, sent.stderr
        assert sent.stdout.startswith("2 sent, 0 to retry later, 0 given up")
        assert "@ivry.example" not in sent.stdout + sent.stderr
        assert len(smtp.messages) == 2
    status = bridge("mail", "status", database_url=sqlite_url)
    assert status.stdout.strip() == "pending: 0, sending: 0, sent: 2, failed: 0"
    erased = bridge("mail", "erase", "Chair@ivry.example", database_url=sqlite_url)
    assert erased.stdout.strip() == "1 message(s) erased"
    engine.dispose()


def test_mail_settings_from_file_and_environment(tmp_path):
    config = tmp_path / "bridge.toml"
    config.write_text(
        '[mail]\nhost = "smtp.ivry.example"\nport = 465\nsecurity = "ssl"\n'
        'user = "bridge"\nsender = "Ville d\'Ivry <suivi@ivry94.fr>"\n',
        encoding="utf-8",
    )
    settings = Settings.load(config, env={"BRIDGE_MAIL_PASSWORD": "s3cret"})
    assert (settings.mail.host, settings.mail.port, settings.mail.security) == (
        "smtp.ivry.example",
        465,
        "ssl",
    )
    assert settings.mail.password == "s3cret" and "s3cret" not in repr(settings)
    assert Settings.load(config, env={"BRIDGE_MAIL_PORT": "2525"}).mail.port == 2525

    config.write_text('[mail]\nhost = "smtp"\nsender = "a@b.fr"\npassword = "x"\n')
    with pytest.raises(ValueError, match="BRIDGE_MAIL_PASSWORD"):
        Settings.load(config, env={})
    config.write_text('[mail]\nhost = "smtp"\nsender = "a@b.fr"\nsecurity = "tls"\n')
    with pytest.raises(ValueError, match="security"):
        Settings.load(config, env={})
    config.write_text('[mail]\nhost = "smtp"\n')
    with pytest.raises(ValueError, match="sender"):
        Settings.load(config, env={})
    config.write_text('[mail]\nhots = "smtp"\n')
    with pytest.raises(ValueError, match="hots"):
        Settings.load(config, env={})
    assert not Settings.load(None, env={}).mail.configured
