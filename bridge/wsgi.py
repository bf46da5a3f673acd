"""The web app for a production WSGI server: `gunicorn --preload bridge.wsgi:app`.

Settings come from the environment and the config file, as for `bridge serve`; a missing
`BRIDGE_SECRET_KEY` stops the start with one line and a non-zero exit (with `--preload`,
gunicorn loads the app once, before its workers, so it stops at once instead of failing
in each worker). Only the demo and the tests let the app make a key of its own.
"""

from __future__ import annotations

import sys

from bridge.app import create_app
from bridge.config import MissingSecretKey, Settings
from bridge.plugin_settings import PluginSettingsError


def production_app():
    settings = Settings.load()
    try:
        settings.require_secret_key()
        return create_app(settings)
    except (MissingSecretKey, PluginSettingsError) as exc:
        sys.exit(f"civic-bridge: {exc}")


app = production_app()
