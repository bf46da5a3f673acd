"""The one module plugins import: the hook marker, the types hooks return, and the helpers a
plugin's pages and API routes need (who is asking, roles, the audit log, the request's
database session, problem+json errors, `formatting` of numbers, amounts and times, spreadsheet
cells that cannot run as formulas).

    from bridge.plugin import hookimpl, MenuItem, PublicLink, Job, Export, AuditWording

Hooks and their arguments are documented in `bridge/hookspecs.py` and `docs/plugins.md`.
"""

from typing import TYPE_CHECKING

import click

from bridge.accounts import audit, has_role
from bridge.api.errors import Problem, json_object
from bridge.api.openapi import list_operation, list_response, problem_response
from bridge.api.paging import page
from bridge.api.params import integer as integer_parameter
from bridge.app import db
from bridge.context import PluginContext, RecordKey, current_context
from bridge.hookspecs import AuditWording, Export, Job, MenuItem, Money, PublicLink, hookimpl
from bridge.i18n import N_, Catalog, catalog
from bridge.i18n import language as current_language
from bridge.inputs import whole_number
from bridge.paging import Numbered, numbered
from bridge.spreadsheet import cell as spreadsheet_cell
from bridge.spreadsheet import row as spreadsheet_row
from bridge.store.db import find
from bridge.web import formatting
from bridge.web.access import (
    current_identity,
    need,
    pages_need_sign_in,
    require_role,
    required_identity,
)
from bridge.web.public import render as render_public

if TYPE_CHECKING:  # the CLI is not loaded by importing this module
    from bridge.cli import Context


def command_context() -> "Context":
    """What the running `bridge` command was given, `--config FILE` included.

    A plugin's CLI command reads `.settings` and opens `.sessions` here rather than loading the
    settings itself, so `bridge --config city.toml budget ...` uses that file's database.
    """
    given: Context = click.get_current_context().find_root().obj
    return given


__all__ = [
    "command_context",
    "current_context",
    "AuditWording",
    "Export",
    "Job",
    "MenuItem",
    "Money",
    "Numbered",
    "Problem",
    "PluginContext",
    "PublicLink",
    "RecordKey",
    "audit",
    "current_identity",
    "Catalog",
    "catalog",
    "N_",
    "current_language",
    "db",
    "find",
    "formatting",
    "has_role",
    "hookimpl",
    "integer_parameter",
    "json_object",
    "list_operation",
    "list_response",
    "need",
    "numbered",
    "page",
    "pages_need_sign_in",
    "problem_response",
    "render_public",
    "require_role",
    "required_identity",
    "spreadsheet_cell",
    "spreadsheet_row",
    "whole_number",
]
