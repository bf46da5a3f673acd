"""The one module plugins import: the hook marker and the types hooks return.

    from bridge.plugin import hookimpl, MenuItem, Job, Export

Hooks and their arguments are documented in `bridge/hookspecs.py` and `docs/plugins.md`.
"""

from bridge.hookspecs import Export, Job, MenuItem, hookimpl

__all__ = ["Export", "Job", "MenuItem", "hookimpl"]
