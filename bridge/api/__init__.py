"""The JSON API under /api/v1: read endpoints over the synced data and the sync history."""

from flask import Blueprint

blueprint = Blueprint("api", __name__, url_prefix="/api/v1")

import bridge.api.settings  # noqa: E402,F401  (sync settings and mappings)
from bridge.api import errors, routes  # noqa: E402,F401  (routes register on the blueprint)
