"""The one module plugins import: the hook marker, the types hooks return, the context, and the
helpers a plugin's pages and API routes need (who is asking, roles, the audit log, the
request's database session, problem+json errors, `formatting` of numbers, amounts and times,
spreadsheet cells that cannot run as formulas), and the synced records' types, to annotate
what hooks and `context.records` (`Records`) hand over.

    from bridge.plugin import hookimpl, N_, MenuItem, PublicLink, Job, Export, AuditWording
    from bridge.plugin import Reference, FollowupAction  # what plugins cite and follow up
    from bridge.plugin import WriteAccess, WriteRefused, UpstreamError  # writing to Decidim

A leaf: importing it loads no route or page module of the bridge (a test checks), so that a
plugin's import never drags the app in. Hooks and their arguments are documented in
`bridge/hookspecs.py` and `docs/plugins.md`.
"""

from __future__ import annotations

from typing import Any

from bridge import decidim_urls, formatting
from bridge.access import (
    current_identity,
    need,
    pages_need_sign_in,
    require_role,
    required_identity,
)
from bridge.accounts import audit, has_role
from bridge.actors import People
from bridge.api.openapi import list_operation, list_response, problem_response
from bridge.api.paging import page
from bridge.api.params import integer as integer_parameter
from bridge.context import PluginContext, current_context
from bridge.db import db
from bridge.decidim.errors import DecidimError as UpstreamError
from bridge.decidim.writer import ResultUpdates, WriteRefused
from bridge.errors import Problem, json_object
from bridge.hookspecs import (
    FOLLOWUP_STATUSES,
    AuditWording,
    Export,
    FollowupAction,
    Job,
    MenuItem,
    Money,
    Plural,
    PublicLink,
    Reference,
    ReferenceMoney,
    hookimpl,
)
from bridge.i18n import N_, NP_, Catalog, MessageError, catalog
from bridge.i18n import language as current_language
from bridge.inputs import whole_number
from bridge.mappings import classifier
from bridge.paging import Numbered, numbered
from bridge.records import InstanceInfo, Place, RecordKey, Records, SpaceKey
from bridge.sheets import Sheet, SheetError, column_letter, read_sheets
from bridge.spreadsheet import cell as spreadsheet_cell
from bridge.spreadsheet import row as spreadsheet_row
from bridge.store.db import find
from bridge.store.models import (
    Change,
    Component,
    ComponentRecord,
    Instance,
    Project,
    Result,
    Space,
)
from bridge.timeutil import iso, utcnow
from bridge.upstream_writes import NoCredentials, UpstreamWrites, WriteAccess


def render_public(template: str, lang: str, **context: Any) -> str:
    """A page in the public site's frame (its header, its links, French first): see
    `bridge.web.public.render`. That page module is loaded by the app, so it is looked up
    here when a page renders rather than when a plugin imports this module."""
    from bridge.web.public import render

    return render(template, lang, **context)


__all__ = [
    "AuditWording",
    "Change",
    "Component",
    "ComponentRecord",
    "Export",
    "FOLLOWUP_STATUSES",
    "FollowupAction",
    "Instance",
    "InstanceInfo",
    "Job",
    "MenuItem",
    "MessageError",
    "Money",
    "NoCredentials",
    "Numbered",
    "Place",
    "People",
    "PluginContext",
    "Problem",
    "Project",
    "Plural",
    "PublicLink",
    "RecordKey",
    "Records",
    "Reference",
    "ReferenceMoney",
    "Result",
    "ResultUpdates",
    "Sheet",
    "SheetError",
    "Space",
    "SpaceKey",
    "UpstreamError",
    "UpstreamWrites",
    "WriteAccess",
    "WriteRefused",
    "audit",
    "classifier",
    "column_letter",
    "current_context",
    "current_identity",
    "Catalog",
    "catalog",
    "N_",
    "NP_",
    "current_language",
    "db",
    "decidim_urls",
    "find",
    "formatting",
    "has_role",
    "hookimpl",
    "integer_parameter",
    "iso",
    "json_object",
    "list_operation",
    "list_response",
    "need",
    "numbered",
    "page",
    "pages_need_sign_in",
    "problem_response",
    "read_sheets",
    "render_public",
    "require_role",
    "required_identity",
    "spreadsheet_cell",
    "spreadsheet_row",
    "utcnow",
    "whole_number",
]
