"""`bridge ...`: the command line of the bridge.

Every command reads its settings from the environment (`BRIDGE_DATABASE_URL`, ...) over an
optional TOML file (`--config` or `BRIDGE_CONFIG`). Failures end with one line on stderr and a
non-zero exit code, so that scripts and cron jobs can rely on them.
"""

from __future__ import annotations

import logging
import sys
from dataclasses import replace
from functools import cached_property
from secrets import token_hex
from typing import TYPE_CHECKING

import click

from bridge import catalogs
from bridge.scaffold import plugin_group
from bridge.timeutil import iso

# Each command imports what it needs: `bridge --version` or `bridge simulator` never pays for
# Flask, SQLAlchemy and the plugins (about 1.5 s of CPU), the others pay once, in create_app.
if TYPE_CHECKING:
    from flask import Flask
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session, sessionmaker

    from bridge.app import Bridge
    from bridge.config import Settings
    from bridge.context import PluginContext
    from bridge.pluginhost import PluginHost
    from bridge.store import migrate


class Context:
    """What a command works with, all from the configured app: settings, engine, sessions,
    plugins. Commands run inside that app's context, so a plugin's command reaches its
    `current_context(...)` and the database of `--config`, like a page does."""

    def __init__(self, config_path: str | None):
        self.config_path = config_path

    @cached_property
    def settings(self) -> Settings:
        from bridge.config import Settings

        try:
            return Settings.load(self.config_path)
        except (OSError, ValueError) as exc:
            raise click.ClickException(f"cannot read the configuration: {exc}") from exc

    @cached_property
    def app(self) -> Flask:
        from bridge.app import create_app
        from bridge.plugin_settings import PluginSettingsError

        # A command signs no cookie: a key of its own spares it the web's missing-key warning.
        settings = replace(self.settings, secret_key=self.settings.secret_key or token_hex(32))
        try:
            return create_app(settings, actor="cli")
        except PluginSettingsError as exc:
            raise click.ClickException(str(exc)) from None

    @property
    def bridge(self) -> Bridge:
        return self.app.extensions["bridge"]

    @property
    def engine(self) -> Engine:
        return self.bridge.engine

    @property
    def plugins(self) -> PluginHost:
        return self.bridge.plugins

    @property
    def core(self) -> PluginContext:
        """The core's own context, as plugins get theirs: its `actor` is "cli" in the audit."""
        return self.plugins.context("core")

    @cached_property
    def sessions(self) -> sessionmaker[Session]:
        from sqlalchemy import inspect

        if not inspect(self.engine).has_table("instances"):
            raise click.ClickException(
                "the database has no bridge tables yet: run `bridge db upgrade` first"
            )
        return self.bridge.sessions


def _context(click_ctx: click.Context) -> Context:
    """The command's Context, made once: resolving a plugin's command needs it before `main`
    runs."""
    root = click_ctx.find_root()
    if root.obj is None:
        root.obj = Context(root.params.get("config_path"))
    return root.obj


pass_ctx = click.make_pass_decorator(Context)


class BridgeGroup(click.Group):
    """`bridge` plus the commands of the enabled plugins (`cli_commands` hook)."""

    def _plugin_commands(self, click_ctx: click.Context) -> dict[str, click.Command]:
        return {c.name: c for c in _context(click_ctx).plugins.collect("cli_commands")}

    def list_commands(self, click_ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(click_ctx), *self._plugin_commands(click_ctx)})

    def get_command(self, click_ctx: click.Context, name: str) -> click.Command | None:
        return super().get_command(click_ctx, name) or self._plugin_commands(click_ctx).get(name)


@click.group(cls=BridgeGroup)
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    is_eager=True,  # read before --help, which lists the commands of the plugins it enables
    help="TOML settings file (default: $BRIDGE_CONFIG or config/bridge.toml).",
)
@click.option("-v", "--verbose", is_flag=True, help="Log what happens (never personal data).")
@click.version_option(package_name="civic-bridge")
@click.pass_context
def main(click_ctx: click.Context, config_path: str | None, verbose: bool) -> None:
    """civic-bridge: a city's Decidim data in its own store."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    ctx = _context(click_ctx)
    if click_ctx.invoked_subcommand not in CONFIG_FREE:
        click_ctx.with_resource(ctx.app.app_context())


CONFIG_FREE = {"simulator"}  # the Decidim stand-in reads no settings and opens no database


# -- database ----------------------------------------------------------------------------------
@main.group()
def db() -> None:
    """Create or migrate the database."""


def _histories(ctx: Context) -> dict[str, migrate.History]:
    """Every installed plugin's history, enabled or not (a disabled plugin keeps its tables)."""
    from bridge.store import migrate

    folders = ctx.plugins.migration_folders()
    return {h.name: h for h in migrate.plugin_histories(folders.values())}


def _history(ctx: Context, plugin: str) -> migrate.History:
    histories = _histories(ctx)
    if plugin not in histories:
        known = ", ".join(sorted(histories)) or "none"
        raise click.ClickException(f"no plugin {plugin!r} with migrations (installed: {known})")
    return histories[plugin]


@db.command("upgrade")
@click.option("--plugin", help="Upgrade this plugin only (the core must have what it needs).")
@click.option("--core", "core_only", is_flag=True, help="Upgrade the core only.")
@pass_ctx
def db_upgrade(ctx: Context, plugin: str | None, core_only: bool) -> None:
    """Create the tables, or bring them to the newest version (Alembic): the core, then each
    enabled plugin, each with its own version table."""
    from bridge.store import migrate

    url = ctx.settings.database_url
    try:
        if plugin:
            migrate.upgrade_plugin(url, _history(ctx, plugin))
        elif core_only:
            migrate.upgrade_core(url, [h.folder for h in _histories(ctx).values()])
        else:
            folders = ctx.plugins.migration_folders()
            enabled = [name for name in ctx.settings.enabled_plugins if name in folders]
            migrate.upgrade(url, list(folders.values()), enabled)
    except click.ClickException:
        raise
    except Exception as exc:  # noqa: BLE001 - any failure here is the user's to read
        raise click.ClickException(f"migration failed: {exc}") from exc
    click.echo(f"database is up to date ({_safe_url(url)})")


@db.command("downgrade")
@click.argument("revision")
@click.option("--plugin", help="Downgrade this plugin's tables (without it: the core's).")
@pass_ctx
def db_downgrade(ctx: Context, revision: str, plugin: str | None) -> None:
    """Take the core's or one plugin's tables back to REVISION (an id, or `base`)."""
    from bridge.store import migrate

    histories = _histories(ctx)
    history = _history(ctx, plugin) if plugin else migrate.CORE_HISTORY
    try:
        migrate.downgrade(ctx.settings.database_url, history, revision, list(histories.values()))
    except Exception as exc:  # noqa: BLE001 - any failure here is the user's to read
        raise click.ClickException(f"downgrade failed: {exc}") from exc
    click.echo(f"{history.name} is at {revision}")


@db.command("current")
@pass_ctx
def db_current(ctx: Context) -> None:
    """Where the database is: the core's revision, then each installed plugin's."""
    from bridge.store import migrate

    histories = list(_histories(ctx).values())
    try:
        where = migrate.current(ctx.settings.database_url, histories)
    except Exception as exc:  # noqa: BLE001 - any failure here is the user's to read
        raise click.ClickException(f"cannot read the database: {exc}") from exc
    for history in [migrate.CORE_HISTORY, *histories]:
        heads = ", ".join(where[history.name]) or "none (run `bridge db upgrade`)"
        click.echo(f"{history.name}: {heads} ({history.version_table})")


# -- instances ---------------------------------------------------------------------------------
@main.group()
def instance() -> None:
    """Decidim instances the bridge reads."""


# The API's field names as this command's arguments and options, for its messages.
INSTANCE_OPTIONS = {
    "name": "NAME",
    "base_url": "--url",
    "locale": "--locale",
    "enabled": "--disabled",
    "schedule_interval_minutes": "--interval",
    "schedule_cron": "--cron",
    "rate_limit_per_minute": "--rate-limit",
    "api_key": "--api-key",
    "api_secret": "--api-secret",
}


@instance.command("add")
@click.argument("name")
@click.option(
    "--url", required=True, help="Site root of the Decidim instance (we POST to URL/api)."
)
@click.option("--locale", default="fr", show_default=True, help="Main locale of the city.")
@click.option("--interval", type=click.IntRange(min=1), help="Sync every N minutes.")
@click.option(
    "--cron", help="Sync on a crontab schedule, e.g. '0 3 * * *' (in the city's timezone setting)."
)
@click.option(
    "--rate-limit",
    type=click.IntRange(min=0),
    default=90,
    show_default=True,
    help="Requests per minute we allow ourselves (Decidim's default limit is 100).",
)
@click.option("--api-key", help="Decidim >= 0.31 API user key.")
@click.option("--api-secret", help="Decidim >= 0.31 API user secret.")
@click.option("--disabled", is_flag=True, help="Add it without scheduling syncs.")
@pass_ctx
def instance_add(
    ctx: Context,
    name: str,
    url: str,
    locale: str,
    interval: int | None,
    cron: str | None,
    rate_limit: int,
    api_key: str | None,
    api_secret: str | None,
    disabled: bool,
) -> None:
    """Add a Decidim instance called NAME (by the rules of the API and the admin pages)."""
    from bridge import instances

    values = {
        "name": name,
        "base_url": url,
        "locale": locale,
        "enabled": not disabled,
        "schedule_interval_minutes": interval,
        "schedule_cron": cron,
        "rate_limit_per_minute": rate_limit,
        "api_key": api_key,
        "api_secret": api_secret,
    }
    with ctx.sessions() as session:
        try:
            made = instances.create(session, values, actor=ctx.core.actor)
        except instances.InvalidField as exc:
            raise click.ClickException(
                f"{INSTANCE_OPTIONS.get(exc.field, exc.field)}: {exc}"
            ) from None
        url = made.base_url
    click.echo(f"added instance {name} ({url})")


@instance.command("list")
@pass_ctx
def instance_list(ctx: Context) -> None:
    """List the instances, their Decidim version and last successful sync."""
    from sqlalchemy import select

    from bridge.store.models import Instance

    with ctx.sessions() as session:
        rows = session.scalars(select(Instance).order_by(Instance.name)).all()
    if not rows:
        click.echo("no instance yet: add one with `bridge instance add NAME --url URL`")
        return
    for row in rows:
        schedule = (
            f"every {row.schedule_interval_minutes} min"
            if row.schedule_interval_minutes
            else row.schedule_cron or "manual"
        )
        click.echo(
            f"{row.name}\t{row.base_url}\t{'enabled' if row.enabled else 'disabled'}\t"
            f"{schedule}\tDecidim {row.decidim_version or row.query_set or '?'}\t"
            f"last sync {iso(row.last_synced_at) or 'never'}"
        )


# -- accounts ------------------------------------------------------------------------------
@main.group()
def user() -> None:
    """People who use the admin pages and the API."""


@user.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(["admin", "editor", "viewer"]), required=True)
@click.option("--name")
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from standard input; otherwise one is generated.",
)
@pass_ctx
def user_create(
    ctx: Context, email: str, role: str, name: str | None, password_stdin: bool
) -> None:
    """Create an account; a generated password is printed once."""
    from bridge.accounts import AccountError, create_user

    password = sys.stdin.readline().rstrip("\n") if password_stdin else None
    with ctx.sessions() as session:
        try:
            _, password = create_user(session, email, role, password, name)
        except AccountError as exc:
            raise click.ClickException(str(exc)) from exc
        session.commit()
    click.echo(f"created {email} ({role})")
    if not password_stdin:
        click.echo(f"password (shown once): {password}")


@user.command("list")
@pass_ctx
def user_list(ctx: Context) -> None:
    """Accounts and their roles (no passwords, no tokens)."""
    from sqlalchemy import select

    from bridge.store.models import User

    with ctx.sessions() as session:
        for row in session.scalars(select(User).order_by(User.email)):
            click.echo(f"{row.email}\t{row.role}\tlast login {iso(row.last_login_at) or 'never'}")


@main.group()
def token() -> None:
    """API tokens (stored hashed, shown once)."""


@token.command("create")
@click.argument("email")
@click.option("--name", required=True, help="What the token is for, e.g. 'open data portal'.")
@click.option(
    "--role",
    type=click.Choice(["admin", "editor", "viewer"]),
    help="Act with this role (at most the user's); default: the user's role.",
)
@pass_ctx
def token_create(ctx: Context, email: str, name: str, role: str | None) -> None:
    """Create an API token for EMAIL; the secret is printed once."""
    from sqlalchemy import select

    from bridge.accounts import AccountError, create_token
    from bridge.store.models import User

    with ctx.sessions() as session:
        owner = session.scalar(select(User).where(User.email == email.strip().lower()))
        if owner is None:
            raise click.ClickException(f"no user {email}")
        try:
            made, secret = create_token(session, owner, name, role, actor=ctx.core.actor)
        except AccountError as exc:
            raise click.ClickException(str(exc)) from exc
        session.commit()
        click.echo(f"token {made.id} ({made.role}) for {owner.email}: {secret}")
        click.echo("keep it now: it is stored hashed and cannot be shown again")


@token.command("revoke")
@click.argument("token_id", type=int)
@pass_ctx
def token_revoke(ctx: Context, token_id: int) -> None:
    """Revoke API token TOKEN_ID."""
    from bridge.accounts import revoke_token
    from bridge.store.models import ApiToken

    with ctx.sessions() as session:
        found = session.get(ApiToken, token_id)
        if found is None:
            raise click.ClickException(f"no token {token_id}")
        revoke_token(session, found, actor=ctx.core.actor)
    click.echo(f"token {token_id} revoked")


# -- sync --------------------------------------------------------------------------------------
@main.command()
@click.argument("name", required=False)
@click.option("--full", is_flag=True, help="Detect the version again and start from scratch.")
@click.option(
    "--deliver/--no-deliver",
    default=True,
    show_default=True,
    help="Then deliver the new changes to plugins (a running scheduler does it anyway).",
)
@pass_ctx
def sync(ctx: Context, name: str | None, full: bool, deliver: bool) -> None:
    """Sync instance NAME now (all enabled instances without NAME), then give plugins the
    changes; a failing plugin is reported, and retried later, but does not fail the sync."""
    from sqlalchemy import select

    from bridge.store.models import Instance
    from bridge.sync.engine import SyncEngine, UnknownInstance
    from bridge.sync.lock import LockBusy
    from bridge.sync.progress import TerminalProgress

    with ctx.sessions() as session:
        names = (
            [name]
            if name
            else session.scalars(
                select(Instance.name).where(Instance.enabled.is_(True)).order_by(Instance.name)
            ).all()
        )
    if not names:
        raise click.ClickException("no enabled instance to sync")
    failed = False
    for instance_name in names:
        progress = TerminalProgress(instance_name)
        engine = SyncEngine(ctx.sessions, ctx.settings, plugins=ctx.plugins, progress=progress)
        try:
            run = engine.run(instance_name, full=full, trigger="cli")
        except (UnknownInstance, LockBusy) as exc:
            progress.close()
            raise click.ClickException(str(exc)) from exc
        progress.close()
        click.echo(
            f"{instance_name}: {run.status} - created {run.created}, updated {run.updated}, "
            f"unchanged {run.unchanged}, removed {run.removed}; {run.requests} requests, "
            f"{run.retries} retries" + (f"; {len(run.warnings)} warning(s)" if run.warnings else "")
        )
        for warning in run.warnings:
            click.echo(f"  warning: {warning}", err=True)
        if run.status != "succeeded":
            click.echo(f"error: sync of {instance_name} failed: {run.error}", err=True)
            failed = True
    if deliver:
        for outcome in _delivery(ctx).run():
            if outcome.delivered:
                click.echo(f"plugin {outcome.plugin}: {outcome.delivered} change(s) delivered")
            if outcome.failed:
                click.echo(
                    f"warning: plugin {outcome.plugin} failed on the new changes; they wait "
                    "for it (see `bridge plugins status`)",
                    err=True,
                )
    if failed:
        sys.exit(1)


# -- plugins -------------------------------------------------------------------------------------
@main.group("plugins")
def plugins_group() -> None:
    """Plugins: the change log delivered to them, replays, their state."""


@plugins_group.command("deliver")
@click.argument("name", required=False)
@pass_ctx
def plugins_deliver(ctx: Context, name: str | None) -> None:
    """Deliver the changes waiting for plugin NAME (every plugin without NAME) now, failing
    ones too; the scheduler does it every few seconds. Exits 1 if a plugin failed."""
    from bridge.delivery import UnknownConsumer

    try:
        outcomes = _delivery(ctx).run(only=name, retry_now=True)
    except UnknownConsumer as exc:
        raise click.ClickException(str(exc)) from exc
    if not outcomes:
        click.echo("no enabled plugin consumes changes")
    for outcome in outcomes:
        line = f"{outcome.plugin}: {outcome.delivered} change(s) delivered"
        if outcome.skipped == "busy":
            line += "; another process is delivering to it"
        click.echo(line)
    failed = [o.plugin for o in outcomes if o.failed]
    for plugin in failed:
        click.echo(
            f"error: plugin {plugin} failed; see `bridge plugins status` (retried later)",
            err=True,
        )
    if failed:
        sys.exit(1)


@plugins_group.command("replay")
@click.argument("name")
@click.option(
    "--from",
    "from_id",
    required=True,
    type=click.IntRange(min=1),
    help="The id of the first change to deliver again.",
)
@pass_ctx
def plugins_replay(ctx: Context, name: str, from_id: int) -> None:
    """Deliver the change log again to plugin NAME from change --from on (audited)."""
    from bridge.delivery import UnknownConsumer

    try:
        before, after = _delivery(ctx).replay(name, from_id, actor=ctx.core.actor)
    except UnknownConsumer as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(
        f"{name}: cursor moved from {before} to {after}; the next delivery starts at change "
        f"{from_id} (now: bridge plugins deliver {name})"
    )


@plugins_group.command("status")
@pass_ctx
def plugins_status(ctx: Context) -> None:
    """Each consuming plugin: its cursor, the changes waiting, its last error, its next try."""
    rows = _delivery(ctx).status()
    if not rows:
        click.echo("no enabled plugin consumes changes")
    for row in rows:
        click.echo(
            f"{row['plugin']}: cursor {row['cursor']}, {row['lag']} change(s) waiting"
            + (f", {row['attempts']} failure(s) in a row" if row["attempts"] else "")
            + (f", next try {iso(row['next_attempt_at'])}" if row["next_attempt_at"] else "")
        )
        if row["last_error"]:
            click.echo(f"  last error ({iso(row['last_error_at'])}): {row['last_error']}")


def _delivery(ctx: Context):
    from bridge.delivery import Delivery

    return Delivery(ctx.sessions, ctx.settings, ctx.plugins)


@main.group("mail")
def mail_group() -> None:
    """The e-mail outbox: what waits, sending it now, erasing a person's mail."""


@mail_group.command("send-pending")
@pass_ctx
def mail_send_pending(ctx: Context) -> None:
    """Send the messages due now through the [mail] server (the scheduler does it every
    minute). Exits 1 when no server is configured or it could not be reached."""
    from bridge import mail

    if not ctx.settings.mail.configured:
        raise click.ClickException(
            "no SMTP server configured: set [mail] host and sender (docs/admin.md)"
        )
    report = mail.send_pending(ctx.sessions, ctx.settings.mail)
    click.echo(str(report))
    if report.unreachable:
        sys.exit(1)


@mail_group.command("status")
@pass_ctx
def mail_status(ctx: Context) -> None:
    """How many messages are pending, being sent, sent (kept a while) and given up."""
    from bridge import mail

    with ctx.sessions() as session:
        counts = mail.counts(session)
    click.echo(", ".join(f"{status}: {count}" for status, count in counts.items()))


@mail_group.command("erase")
@click.argument("address")
@pass_ctx
def mail_erase(ctx: Context, address: str) -> None:
    """Delete every message to ADDRESS, sent or not (a person's erasure request; audited
    without the address)."""
    from bridge import mail

    with ctx.sessions() as session, session.begin():
        erased = mail.erase_address(session, address)
        ctx.core.audit(session, "mail.erase", None, {"messages": erased})
    click.echo(f"{erased} message(s) erased")


@main.command("request-sync")
@click.argument("name")
@click.option("--full", is_flag=True)
@pass_ctx
def request_sync_command(ctx: Context, name: str, full: bool) -> None:
    """Ask the running scheduler to sync NAME now (picked up within seconds)."""
    from bridge.scheduler import request_sync
    from bridge.sync.engine import UnknownInstance

    with ctx.sessions() as session:
        try:
            request = request_sync(session, name, full=full, requested_by=ctx.core.actor)
        except UnknownInstance as exc:
            raise click.ClickException(str(exc)) from exc
        session.commit()
    click.echo(f"sync of {name} requested (request {request.id}); `bridge scheduler` runs it")


# -- processes -----------------------------------------------------------------------------------
@main.command()
@pass_ctx
def scheduler(ctx: Context) -> None:
    """Run the periodic syncs and the "sync now" requests (one acting scheduler per database)."""
    from bridge.scheduler import run_scheduler

    ctx.sessions  # noqa: B018 - fail early, with a clear message, on an unmigrated database
    ctx.plugins  # noqa: B018 - and on wrong plugin settings
    logging.getLogger().setLevel(ctx.settings.log_level)
    run_scheduler(ctx.settings)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8080, show_default=True, type=int)
@click.option(
    "--with-scheduler/--without-scheduler",
    default=None,
    help="Run the scheduler in this process too (default: on for SQLite, off for PostgreSQL).",
)
@pass_ctx
def serve(ctx: Context, host: str, port: int, with_scheduler: bool | None) -> None:
    """Serve the web app and the API (use gunicorn in production: see the Dockerfile)."""
    from bridge import embedded_scheduler
    from bridge.app import create_app
    from bridge.config import MissingSecretKey

    try:
        ctx.settings.require_secret_key()
    except MissingSecretKey as exc:
        raise click.ClickException(str(exc)) from None
    ctx.sessions  # noqa: B018
    ctx.plugins  # noqa: B018
    if with_scheduler is None:
        with_scheduler = embedded_scheduler.wanted_by_default(ctx.settings)
    stop = embedded_scheduler.start(ctx.settings) if with_scheduler else None
    try:
        create_app(ctx.settings).run(host=host, port=port, threaded=True, use_reloader=False)
    finally:
        if stop is not None:
            stop()


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8091, show_default=True, type=int)
@click.option(
    "--decidim-version",
    default="0.28",
    show_default=True,
    type=click.Choice(["0.27", "0.28", "0.29", "0.30", "0.31"]),
)
@click.option("--scale", default=0, type=click.IntRange(min=0), help="Generated proposals.")
@click.option("--seed", default=2021, show_default=True, type=int)
@click.option(
    "--rate-limit",
    default=100,
    show_default=True,
    type=click.IntRange(min=0),
    help="Requests per minute per IP, like Decidim (0 = off).",
)
@click.option("--page-cap", default=50, show_default=True, type=click.IntRange(min=1))
@click.option("--latency-ms", default=0, type=click.IntRange(min=0))
@click.option("--error-rate", default=0.0, type=click.FloatRange(0, 1))
@click.option("--unstable-order", is_flag=True, help="Unordered connections change order.")
@click.option("--force-login", is_flag=True, help="Answer 302 to the sign-in page.")
def simulator(
    host,
    port,
    decidim_version,
    scale,
    seed,
    rate_limit,
    page_cap,
    latency_ms,
    error_rate,
    unstable_order,
    force_login,
) -> None:
    """Run the Decidim stand-in (a GraphQL server with Ivry-like data)."""
    from simulator.server import serve as serve_stand_in

    serve_stand_in(
        host,
        port,
        version=decidim_version,
        scale=scale,
        seed=seed,
        rate_limit=rate_limit,
        page_cap=page_cap,
        unstable_order=unstable_order,
        force_login=force_login,
        faults={"latency_ms": latency_ms, "error_rate": error_rate},
    )


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8080, show_default=True, type=int)
@click.option("--stand-in-port", default=8091, show_default=True, type=int)
@pass_ctx
def demo(ctx: Context, host: str, port: int, stand_in_port: int) -> None:
    """The stand-in with Ivry's data, a first sync, the service (DEMO_ONESHOT=1: stop there)."""
    from bridge import demo as demo_module

    demo_module.run(ctx.settings, host, port, stand_in_port, demo_module.oneshot_requested())


# -- helpers -----------------------------------------------------------------------------------
def _safe_url(url: str) -> str:
    """The database URL without its password, for messages."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001
        return "the configured database"


main.add_command(plugin_group)  # bridge plugin new NAME
main.add_command(catalogs.command)

if __name__ == "__main__":
    main()
