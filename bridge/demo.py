"""`bridge demo`: the Decidim stand-in with Ivry-like data, a first sync, the service on SQLite.

The stand-in runs in a thread of this process on 127.0.0.1; the bridge reads it exactly as it
would read a city's Decidim, over HTTP. With DEMO_ONESHOT=1 the demo stops after the first sync
and prints the URLs it would serve.
"""

from __future__ import annotations

import os
import secrets
import threading
from dataclasses import replace

import click
from sqlalchemy import select
from werkzeug.serving import make_server

from bridge.config import Settings
from bridge.delivery import Delivery
from bridge.pluginhost import host_for
from bridge.store.db import make_engine, make_sessionmaker
from bridge.store.migrate import upgrade
from bridge.store.models import Instance
from bridge.sync.engine import SyncEngine
from bridge.timeutil import utcnow

INSTANCE = "ivry"


def start_stand_in(port: int):
    """Serve the stand-in in a daemon thread; return the server (its `.port` may be chosen)."""
    from simulator.server import QuietHandler
    from simulator.server import create_app as create_stand_in

    server = make_server(
        "127.0.0.1", port, create_stand_in(), threaded=True, request_handler=QuietHandler
    )
    threading.Thread(target=server.serve_forever, daemon=True, name="decidim-stand-in").start()
    return server


def ensure_instance(sessions, url: str) -> None:
    with sessions() as session:
        instance = session.scalar(select(Instance).where(Instance.name == INSTANCE))
        now = utcnow()
        if instance is None:
            session.add(
                Instance(
                    name=INSTANCE,
                    base_url=url,
                    locale="fr",
                    enabled=True,
                    schedule_interval_minutes=15,
                    rate_limit_per_minute=90,
                    published=True,  # the demo shows its public site at once
                    created_at=now,
                    updated_at=now,
                )
            )
        elif instance.base_url != url:  # the stand-in's port may differ from the last demo
            instance.base_url, instance.updated_at = url, now
        session.commit()


def run(settings: Settings, host: str, port: int, stand_in_port: int, oneshot: bool) -> None:
    # The stand-in listens on 127.0.0.1: the connection test may go there.
    allowed = ",".join(filter(None, (settings.allowed_upstream_hosts, "127.0.0.1")))
    settings = replace(settings, allowed_upstream_hosts=allowed)
    engine = make_engine(settings.database_url)
    sessions = make_sessionmaker(engine)
    plugins = host_for(settings, sessions, actor="demo")
    upgrade(settings.database_url, plugins.call("migrations_path"))
    stand_in = start_stand_in(stand_in_port)
    decidim_url = f"http://127.0.0.1:{stand_in.port}"
    ensure_instance(sessions, decidim_url)

    sync = SyncEngine(sessions, settings, plugins=plugins).run(INSTANCE, trigger="demo")
    click.echo(
        f"sync of {INSTANCE}: {sync.status} - created {sync.created}, updated "
        f"{sync.updated}, unchanged {sync.unchanged}, removed {sync.removed}; "
        f"{sync.requests} requests"
    )
    if sync.status != "succeeded":
        raise click.ClickException(f"the demo's first sync failed: {sync.error}")
    Delivery(sessions, settings, plugins).run()  # plugins see the first sync before seeding
    plugins.call("seed_demo")
    admin, password = demo_admin(sessions)

    base = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}"
    click.echo(
        "\n".join(
            [
                f"Decidim stand-in (GraphQL):  {decidim_url}/api",
                f"civic-bridge API:            {base}/api/v1/processes",
                f"                             {base}/api/v1/proposals?instance={INSTANCE}",
                f"                             {base}/api/v1/sync-runs?instance={INSTANCE}",
                f"OpenAPI document:            {base}/api/v1/openapi.json",
                f"Plugins:                     {base}/api/v1/plugins",
                f"Health:                      {base}/healthz",
                f"Public site (no sign-in):    {base}/public/ivry/",
                f"Sign in:                     {base}/login  as {admin} / {password}",
                f"Admin pages:                 {base}/admin/  (English: ?lang=en)",
                f"Budget (public page):        {base}/budget/",
                f"Database:                    {settings.database_url}",
            ]
        )
    )
    if oneshot:
        stand_in.shutdown()
        engine.dispose()
        return
    from bridge import embedded_scheduler
    from bridge.app import create_app

    click.echo(f"serving on {base} with its scheduler (Ctrl-C to stop)")
    stop_scheduler = embedded_scheduler.start(settings)
    try:
        create_app(settings).run(host=host, port=port, threaded=True, use_reloader=False)
    finally:
        stop_scheduler()


def demo_admin(sessions) -> tuple[str, str]:
    """The demo's administrator, with a fresh password printed at each start (demo only)."""
    from bridge.accounts import create_user
    from bridge.passwords import hash_password
    from bridge.store.models import User

    email = "admin@ivry.example"
    password = secrets.token_urlsafe(12)
    with sessions() as session:
        user = session.scalar(select(User).where(User.email == email))
        if user is None:
            create_user(session, email, "admin", password, name="Démo")
        else:
            user.password_hash = hash_password(password)
            user.password_changed_at = utcnow()
        session.commit()
    return email, password


def oneshot_requested() -> bool:
    return os.environ.get("DEMO_ONESHOT", "").lower() in {"1", "true", "yes"}
