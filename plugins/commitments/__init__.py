"""The commitments plugin: a mandate's promises to residents, kept visible.

Commitments by theme with their status (done, in progress or partly done, on hold, broken, not
started), the evidence for each (synced Decidim records, other plugins' decisions and ledger
lines, documents), the history of every status change with who and why; a CSV import, admin
pages, the review booklet and the progress report of a review meeting, as pages and PDFs.

No submodule may be named like a hook (docs/plugins/admin-pages.md, "the trap").
"""

from __future__ import annotations

from pathlib import Path

from bridge.plugin import hookimpl


@hookimpl
def settings_model():
    from plugins.commitments.settings import CommitmentsSettings

    return CommitmentsSettings


@hookimpl
def migrations_path():
    return str(Path(__file__).parent / "migrations")


@hookimpl
def blueprints():
    from plugins.commitments.admin import blueprint as admin
    from plugins.commitments.api import blueprint as api
    from plugins.commitments.public import blueprint as public

    return [admin, public, api]


@hookimpl
def admin_menu():
    from bridge.plugin import N_, MenuItem

    return [MenuItem(N_("Commitments"), "commitments_admin.index", role="viewer")]


@hookimpl
def public_links():
    from bridge.plugin import N_, PublicLink

    return [PublicLink(N_("Commitments"), "commitments_public.booklet")]


@hookimpl
def openapi_paths():
    from plugins.commitments.api import OPENAPI_PATHS

    return OPENAPI_PATHS


@hookimpl(trylast=True)  # after the budget's seed: it cites the budget's demo ledger lines
def seed_demo(context):
    from plugins.commitments.demo import seed

    seed(context)


@hookimpl
def audit_wording():
    from plugins.commitments.wording import WORDING

    return [WORDING]


@hookimpl
def references(session, kind, search):
    """The commitments, to cite (in `citations`: a submodule named `references` would replace
    this hook)."""
    from plugins.commitments.citations import cited

    return cited(session, kind, search)


@hookimpl
def cli_commands():
    from plugins.commitments.cli import commitments

    return [commitments]
