"""The one module plugins import: the hook marker, the types hooks return, and the helpers a
plugin's pages need (who is asking, roles, the audit log, the request's database session).

    from bridge.plugin import hookimpl, MenuItem, Job, Export

Hooks and their arguments are documented in `bridge/hookspecs.py` and `docs/plugins.md`.
"""

from bridge.accounts import audit, has_role
from bridge.app import db
from bridge.hookspecs import Export, Job, MenuItem, hookimpl
from bridge.web.access import current_identity

__all__ = ["Export", "Job", "MenuItem", "audit", "current_identity", "db", "has_role", "hookimpl"]
