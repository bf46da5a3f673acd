"""The schema a stand-in serves, per Decidim version.

`schema/decidim-0.28.graphql` is the reconstructed Decidim 0.28.4 schema. The other versions are
that file with the changes Decidim made, each written out below as a plain text edit so that the
difference between two versions reads in one screen.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

BASE = Path(__file__).parent / "schema" / "decidim-0.28.graphql"
VERSIONS = ("0.27", "0.28", "0.29", "0.30", "0.31")
REPORTED = {
    "0.27": "0.27.9",
    "0.28": "0.28.4",
    "0.29": "0.29.2",
    "0.30": "0.30.5",
    "0.31": "0.31.2",
}

TAXONOMY = """
type Taxonomy {
  id: ID!
  name: TranslatedField!
  parent: Taxonomy
  children: [Taxonomy]
  isRoot: Boolean
}
"""

MILESTONE = """
type Milestone {
  id: ID!
  entryDate: Date
  title: TranslatedField
  description: TranslatedField
  createdAt: DateTime
  updatedAt: DateTime
  result: Result
}
"""


def _replace_in_type(sdl: str, type_name: str, old: str, new: str) -> str:
    start = sdl.index(f"type {type_name} ")
    end = sdl.index("\n}", start)
    block = sdl[start:end]
    if old not in block:
        raise ValueError(f"{old!r} not in type {type_name}")
    return sdl[:start] + block.replace(old, new) + sdl[end:]


def _add_fields(sdl: str, type_name: str, fields: str) -> str:
    start = sdl.index(f"type {type_name} ")
    end = sdl.index("\n}", start)
    return sdl[:end] + "\n" + fields.rstrip() + sdl[end:]


@cache
def sdl_for(version: str) -> str:
    if version not in VERSIONS:
        raise ValueError(f"unknown Decidim version {version!r}; choose one of {VERSIONS}")
    sdl = BASE.read_text(encoding="utf-8")
    if version == "0.27":
        # 0.27: spaces have no `manifest`; process steps carry dates, not times.
        sdl = re.sub(r"\n  manifest: ParticipatorySpaceManifest!.*", "", sdl)
        sdl = _replace_in_type(
            sdl, "ParticipatoryProcessStep", "startDate: DateTime", "startDate: Date"
        )
        sdl = _replace_in_type(
            sdl, "ParticipatoryProcessStep", "endDate: DateTime", "endDate: Date"
        )
        return sdl
    if version == "0.28":
        return sdl
    # 0.29: version may be hidden; multilingual organization name; withdrawal is a flag.
    sdl = _replace_in_type(sdl, "Decidim", "version: String!", "version: String")
    sdl = _replace_in_type(sdl, "Organization", "name: String", "name: TranslatedField")
    sdl = _add_fields(sdl, "Proposal", "  withdrawn: Boolean\n  withdrawnAt: DateTime")
    sdl = _add_fields(sdl, "Meeting", "  withdrawn: Boolean\n  withdrawnAt: DateTime")
    if version == "0.29":
        return sdl
    # 0.30: taxonomies beside (in Decidim: instead of) categories and scopes.
    sdl += TAXONOMY
    sdl = _add_fields(sdl, "Organization", "  taxonomies: [Taxonomy]")
    for type_name in ("Proposal", "Project", "Result", "Meeting", "Debate", "ParticipatoryProcess"):
        sdl = _add_fields(sdl, type_name, "  taxonomies: [Taxonomy]")
    if version == "0.30":
        return sdl
    # 0.31: endorsements are called likes; accountability timeline entries are milestones.
    sdl = sdl.replace("endorsementsCount: Int", "likesCount: Int")
    sdl = sdl.replace("endorsements: [Author]!", "likes: [Author]!")
    sdl = sdl.replace("endorsementCount: String", "likeCount: String")
    sdl = sdl.replace("EndorsableInterface", "LikeableInterface")
    sdl = sdl.replace("timelineEntries: [TimelineEntry]", "milestones: [Milestone]")
    sdl += MILESTONE
    # The newest result_type.rb and project_type.rb we could read.
    sdl = _add_fields(sdl, "Result", "  proposals: [Proposal]\n  url: String")
    sdl = _add_fields(sdl, "Project", "  confirmedVotes: Int")
    return sdl


def renamed(sdl: str, renames: dict[str, str | None]) -> str:
    """The schema with `{"Type.field": "newName"}` renamed (None: removed), the way an upgrade of
    Decidim (or a patched instance) changes a field between two syncs."""
    for key, new in renames.items():
        type_name, field = key.split(".")
        start = sdl.index(f"type {type_name} ")
        end = sdl.index("\n}", start)
        block = sdl[start:end]
        found = re.search(rf"\n  {field}(\(|:)[^\n]*", block)
        if found is None:
            raise ValueError(f"no field {key}")
        line = found.group(0)
        replacement = "" if new is None else line.replace(f"  {field}", f"  {new}", 1)
        sdl = sdl[:start] + block.replace(line, replacement) + sdl[end:]
    return sdl
