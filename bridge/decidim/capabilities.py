"""What one Decidim server offers, learnt from the server rather than from a version table.

Our queries (`queries/*.graphql`) ask every field any Decidim we know has; each optional field is
a capability of the server, written `Type.field`. One probe (`queries/capabilities.graphql`)
tests them all at once: graphql-ruby validates the whole document before running anything and
answers every unknown field in one list (HTTP 200, no `data`). The fields it names are
`missing`; the rest are present. Instances keep their `Capabilities` between syncs, and a sync
that meets a field the server no longer has adds it to `missing` (schema drift after an upgrade).

Releases patch and backport, so the version a server reports (if any) is only a label: which
fields to ask is always decided here, field by field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

# Where the newer field exists the older ones are not asked: they say the same thing.
PREFERRED: dict[str, tuple[str, ...]] = {
    "Proposal.taxonomies": ("category", "scope", "categories"),
    "Proposal.likesCount": ("endorsementsCount",),
    "Result.milestones": ("timelineEntries",),
}
# Our one field that changed from a string to an object (0.29): its selection goes when it is
# a string again. Written with a trailing `{}`.
TRANSLATED_ORGANIZATION_NAME = "Organization.name{}"
# Without these a record cannot be stored: a component whose query loses one fails, alone.
ESSENTIAL_FIELDS = frozenset({"id", "title"})

_UNKNOWN_FIELD = (
    re.compile(r"Field '(\w+)' doesn't exist on type '(\w+)'"),  # graphql-ruby
    re.compile(r"Cannot query field '(\w+)' on type '(\w+)'"),  # graphql-core
)
# A type the server lacks altogether (a component module left out): `Type.*`.
_UNKNOWN_TYPE = (
    re.compile(r"No such type (\w+), so it can't be a fragment condition"),  # graphql-ruby
    re.compile(r"Unknown type '(\w+)'"),  # graphql-core
)
_SCALAR_SELECTION = (
    re.compile(r"Selections can't be made on scalars \(field '(\w+)'"),  # graphql-ruby
    re.compile(r"Field '(\w+)' must not have a selection"),  # graphql-core
)


def missing_in(errors: Sequence[Mapping[str, Any]]) -> set[str] | None:
    """`Type.field` for each error saying our query asks a field the server lacks; None as soon as
    one error says anything else (then the answer is not about the schema)."""
    found: set[str] = set()
    for error in errors:
        key = _missing_field(error)
        if key is None:
            return None
        found.add(key)
    return found or None


def _missing_field(error: Mapping[str, Any]) -> str | None:
    message = str(error.get("message", ""))
    extensions = error.get("extensions") or {}
    if extensions.get("code") == "undefinedField" and extensions.get("fieldName"):
        type_name, field = extensions.get("typeName"), extensions["fieldName"]
        return _scalar_key(field) if type_name == "String" else f"{type_name}.{field}"
    if extensions.get("code") == "undefinedType" and extensions.get("typeName"):
        return f"{extensions['typeName']}.*"
    for pattern in _UNKNOWN_TYPE:
        if match := pattern.search(message):
            return f"{match.group(1)}.*"
    for pattern in _UNKNOWN_FIELD:
        if match := pattern.search(message):
            field, type_name = match.groups()
            return _scalar_key(field) if type_name == "String" else f"{type_name}.{field}"
    for pattern in _SCALAR_SELECTION:
        if match := pattern.search(message):
            return _scalar_key(match.group(1))
    return None


def _scalar_key(field: str) -> str:
    """A selection under a string: the only string we select into is the organization's name
    (`name { translations }` on 0.27/0.28); any other field name is not about that."""
    return (
        TRANSLATED_ORGANIZATION_NAME
        if field in ("name", "translation", "translations")
        else f"String.{field}"
    )


@dataclass(frozen=True)
class Capabilities:
    """The optional fields a server lacks (`Type.field`, or `Type.*` for a whole type); every
    other field is asked."""

    missing: frozenset[str] = frozenset()

    def has(self, key: str) -> bool:
        return key not in self.missing

    def without(self, more: set[str]) -> Capabilities:
        return Capabilities(self.missing | frozenset(more))

    def dropped(self) -> frozenset[str]:
        """What to take out of our queries: the missing fields, and the older names of what the
        server has under a newer one (`*.field`)."""
        out = set(self.missing)
        for newer, older in PREFERRED.items():
            if self.has(newer):
                out |= {f"*.{name}" for name in older}
        return frozenset(out)

    def guess_version(self) -> str:
        """A label for people and for the version column when the server hides its version."""
        if self.has("Proposal.likesCount"):
            return "0.31"
        if self.has("Proposal.taxonomies"):
            return "0.30"
        if self.has(TRANSLATED_ORGANIZATION_NAME):
            return "0.29"
        return "0.28"  # 0.27 and 0.28 always tell their version: this is not reached for them

    def as_json(self) -> dict[str, Any]:
        return {"missing": sorted(self.missing)}

    @classmethod
    def from_json(cls, value: dict[str, Any] | None) -> Capabilities | None:
        if not value or not isinstance(value.get("missing"), list):
            return None
        return cls(frozenset(str(key) for key in value["missing"]))
