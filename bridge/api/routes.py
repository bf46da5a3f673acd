"""The JSON API under /api/v1, one module per resource, each adding its routes to the one
blueprint. The app registers `blueprint` from here; nothing else imports this module, so that
the helpers of `bridge.api` (params, paging, openapi) load without any route."""

from bridge.api import accounts, instances, plugins, records, runs, settings
from bridge.api.blueprint import blueprint

__all__ = ["accounts", "blueprint", "instances", "plugins", "records", "runs", "settings"]
