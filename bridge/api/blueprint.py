"""The API's blueprint, under /api/v1; `bridge.api.routes` loads the modules that add to it."""

from flask import Blueprint

blueprint = Blueprint("api", __name__, url_prefix="/api/v1")
