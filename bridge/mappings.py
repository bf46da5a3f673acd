"""Decidim's scopes and categories, in the city's words: neighbourhoods and themes.

An administrator maps, per instance, each Decidim scope (or, from Decidim 0.30, each taxonomy:
`Scope.kind`) to one of the city's neighbourhood names, and each category to a theme name. The
mapping is kept by Decidim's ids, so it survives re-syncs. Plugins read it with the functions
below (one value, a bulk dict, or the value for a synced record); the admin page and the write
API change it through `save`, which validates and audits. Every mapping made, renamed or removed
is also a row of the change log (resource "mappings", in the edit's transaction): a plugin that
consumes changes learns there that the neighbourhood or theme of some records moved.

    from bridge.mappings import neighbourhood_for_record, themes
    by_category = themes(session, instance_id)           # {"12": "Climat", ...}
    where = neighbourhood_for_record(session, proposal)  # "Centre-ville" or None
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bridge import changelog
from bridge.accounts import audit
from bridge.store.models import (
    Category,
    CategoryTheme,
    Change,
    Instance,
    Scope,
    ScopeNeighbourhood,
    Space,
)
from bridge.timeutil import utcnow

SCOPE_KINDS = ("scope", "taxonomy")
NAME_LENGTH = 200


# -- reading (for plugins) ---------------------------------------------------------------------
def neighbourhood_for_scope(
    session: Session, instance_id: int, scope_remote_id: str | None, kind: str = "scope"
) -> str | None:
    """The neighbourhood a Decidim scope (or taxonomy, `kind="taxonomy"`) is mapped to, or None
    when it is not mapped (or `scope_remote_id` is None)."""
    if scope_remote_id is None:
        return None
    return session.scalar(
        select(ScopeNeighbourhood.neighbourhood).where(
            ScopeNeighbourhood.instance_id == instance_id,
            ScopeNeighbourhood.scope_kind == kind,
            ScopeNeighbourhood.scope_remote_id == str(scope_remote_id),
        )
    )


def theme_for_category(
    session: Session, instance_id: int, category_remote_id: str | None
) -> str | None:
    """The theme a Decidim category is mapped to, or None when it is not mapped."""
    if category_remote_id is None:
        return None
    return session.scalar(
        select(CategoryTheme.theme).where(
            CategoryTheme.instance_id == instance_id,
            CategoryTheme.category_remote_id == str(category_remote_id),
        )
    )


def neighbourhoods(session: Session, instance_id: int, kind: str = "scope") -> dict[str, str]:
    """Every mapped scope of one kind (`scope` or `taxonomy`): {scope remote id: neighbourhood}.
    One query; use it instead of `neighbourhood_for_scope` in a loop."""
    return dict(
        session.execute(
            select(ScopeNeighbourhood.scope_remote_id, ScopeNeighbourhood.neighbourhood).where(
                ScopeNeighbourhood.instance_id == instance_id, ScopeNeighbourhood.scope_kind == kind
            )
        ).all()
    )


def themes(session: Session, instance_id: int) -> dict[str, str]:
    """Every mapped category: {category remote id: theme}. One query."""
    return dict(
        session.execute(
            select(CategoryTheme.category_remote_id, CategoryTheme.theme).where(
                CategoryTheme.instance_id == instance_id
            )
        ).all()
    )


def neighbourhood_for_record(session: Session, record: Any) -> str | None:
    """The neighbourhood of a synced record (a proposal, project, result, meeting ...): its
    scope's, else that of the first of its taxonomies that is mapped; None when none is."""
    found = neighbourhood_for_scope(session, record.instance_id, record.scope_remote_id)
    if found is not None:
        return found
    taxonomies = [str(t) for t in getattr(record, "taxonomy_remote_ids", None) or []]
    if not taxonomies:
        return None
    mapped = neighbourhoods(session, record.instance_id, "taxonomy")
    return next((mapped[t] for t in taxonomies if t in mapped), None)


def theme_for_record(session: Session, record: Any) -> str | None:
    """The theme of a synced record with a category, or None."""
    return theme_for_category(
        session, record.instance_id, getattr(record, "category_remote_id", None)
    )


def classifier(
    session: Session, instance_id: int, locale: str = "fr"
) -> Callable[[Any], tuple[str | None, str | None]]:
    """record -> (theme, neighbourhood), for many records of one instance with four queries.

    The city's own names first (a category mapped to a theme; a scope, else the first mapped
    0.30+ taxonomy, mapped to a neighbourhood); else Decidim's category and scope names, so a
    city that has mapped nothing yet still sees its records grouped as Decidim shows them.
    """
    mapped_themes = themes(session, instance_id)
    mapped_scopes = neighbourhoods(session, instance_id, "scope")
    mapped_taxonomies = neighbourhoods(session, instance_id, "taxonomy")
    category_names: dict[str, dict[str, Any]] = dict(
        session.execute(
            select(Category.remote_id, Category.name).where(Category.instance_id == instance_id)
        ).all()
    )
    scope_names: dict[str, dict[str, Any]] = dict(
        session.execute(
            select(Scope.remote_id, Scope.name).where(
                Scope.instance_id == instance_id, Scope.kind == "scope"
            )
        ).all()
    )

    def name(names: dict | None) -> str | None:
        return (names or {}).get(locale) or (names or {}).get("fr")

    def classify(record: Any) -> tuple[str | None, str | None]:
        category = getattr(record, "category_remote_id", None)
        scope = record.scope_remote_id
        theme = (
            mapped_themes.get(str(category)) or name(category_names.get(str(category)))
            if category
            else None
        )
        neighbourhood = mapped_scopes.get(str(scope)) if scope else None
        if neighbourhood is None:
            ids = [str(t) for t in getattr(record, "taxonomy_remote_ids", None) or []]
            neighbourhood = next(
                (mapped_taxonomies[t] for t in ids if t in mapped_taxonomies), None
            )
        if neighbourhood is None and scope:
            neighbourhood = name(scope_names.get(str(scope)))
        return theme, neighbourhood

    return classify


def names_in_use(session: Session) -> tuple[list[str], list[str]]:
    """(neighbourhood names, theme names) already used by any instance, sorted: what the admin
    form offers to pick from, so that one neighbourhood is spelt one way."""
    hoods = session.scalars(select(ScopeNeighbourhood.neighbourhood).distinct()).all()
    names = session.scalars(select(CategoryTheme.theme).distinct()).all()
    return sorted(hoods, key=str.casefold), sorted(names, key=str.casefold)


# -- changing (admin page, write API) ----------------------------------------------------------
def clean_name(value: Any) -> str | None:
    """A neighbourhood or theme name as stored: trimmed; None (no mapping) when empty.

    Raises ValueError with a message for anything else than a string (or null) of at most
    NAME_LENGTH characters.
    """
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError("a name is a string (or null to remove the mapping)")
    value = " ".join(value.split())
    if len(value) > NAME_LENGTH:
        raise ValueError(f"a name has {NAME_LENGTH} characters at most")
    return value or None


def current(session: Session, instance_id: int) -> dict[str, dict[str, str]]:
    """The instance's mappings: {"neighbourhoods": {"scope:1": name, "taxonomy:7": name},
    "themes": {"12": name}} (the shape of the audit entries)."""
    hoods = {
        f"{kind}:{rid}": name
        for kind, rid, name in session.execute(
            select(
                ScopeNeighbourhood.scope_kind,
                ScopeNeighbourhood.scope_remote_id,
                ScopeNeighbourhood.neighbourhood,
            ).where(ScopeNeighbourhood.instance_id == instance_id)
        )
    }
    return {"neighbourhoods": hoods, "themes": themes(session, instance_id)}


def _changed(
    stored: dict[str, str], wanted: dict[str, str | None], replace: bool
) -> list[tuple[str, str | None, str | None]]:
    """(key, old name, new name) of each mapping that changes; with `replace`, a stored key
    that `wanted` does not name goes to None."""
    if replace:
        wanted = {**dict.fromkeys(stored), **wanted}
    return [(key, stored.get(key), name) for key, name in wanted.items() if name != stored.get(key)]


def save(
    session: Session,
    instance: Instance,
    actor: str,
    *,
    neighbourhoods: dict[tuple[str, str], str | None] | None = None,
    themes: dict[str, str | None] | None = None,
    replace: bool = False,
) -> tuple[dict, dict]:
    """Set mappings: `neighbourhoods` {(kind, scope remote id): name or None}, `themes`
    {category remote id: name or None}; None removes a mapping. With `replace`, the mappings of a
    given dict's kind that it does not name are removed too (a dict left None is not touched).

    Names must already be clean (`clean_name`) and ids known; adds to the caller's transaction
    and audits the change (before/after as `current` gives them). Returns (before, after).
    """
    before = current(session, instance.id)
    now = utcnow()
    if neighbourhoods is not None:
        wanted = {f"{k}:{r}": v for (k, r), v in neighbourhoods.items()}
        for key, old, name in _changed(before["neighbourhoods"], wanted, replace):
            kind, rid = key.split(":", 1)
            if old is not None:
                session.execute(
                    delete(ScopeNeighbourhood).where(
                        ScopeNeighbourhood.instance_id == instance.id,
                        ScopeNeighbourhood.scope_kind == kind,
                        ScopeNeighbourhood.scope_remote_id == rid,
                    )
                )
            if name is not None:
                session.add(
                    ScopeNeighbourhood(
                        instance_id=instance.id,
                        scope_kind=kind,
                        scope_remote_id=rid,
                        neighbourhood=name,
                        updated_at=now,
                    )
                )
    if themes is not None:
        for rid, old, name in _changed(before["themes"], themes, replace):
            if old is not None:
                session.execute(
                    delete(CategoryTheme).where(
                        CategoryTheme.instance_id == instance.id,
                        CategoryTheme.category_remote_id == rid,
                    )
                )
            if name is not None:
                session.add(
                    CategoryTheme(
                        instance_id=instance.id, category_remote_id=rid, theme=name, updated_at=now
                    )
                )
    session.flush()
    after = current(session, instance.id)
    changelog.append(session, _log_rows(session, instance.id, before, after, now))
    if after != before:
        audit(
            session,
            actor,
            "mappings.update",
            f"instance:{instance.name}",
            before=before,
            after=after,
        )
    return before, after


def _log_rows(session: Session, instance_id: int, before: dict, after: dict, now) -> list[Change]:
    """The change log's rows for a mapping edit: resource "mappings", `remote_id` the mapped
    key ("scope:12", "taxonomy:7", "category:12"), `record_id` our id of that scope, taxonomy
    or category, `field` "neighbourhood" or "theme", `old`/`new` the names (None: unmapped)."""
    rows = []
    groups = (("neighbourhoods", "neighbourhood", ""), ("themes", "theme", "category:"))
    for group, field, prefix in groups:
        old_names, new_names = before[group], after[group]
        for key in sorted(set(old_names) | set(new_names)):
            old, new = old_names.get(key), new_names.get(key)
            if old == new:
                continue
            kind = "created" if old is None else "removed" if new is None else "updated"
            rows.append(
                Change(
                    run_id=None,
                    instance_id=instance_id,
                    resource="mappings",
                    record_id=_record_id(session, instance_id, prefix + key),
                    remote_id=prefix + key,
                    kind=kind,
                    field=field,
                    old=old,
                    new=new,
                    changed_at=now,
                )
            )
    return rows


def _record_id(session: Session, instance_id: int, key: str) -> int:
    """Our id of the scope, taxonomy or category a mapping key names (0 if not synced)."""
    kind, rid = key.split(":", 1)
    if kind == "category":
        query = select(Category.id).where(
            Category.instance_id == instance_id, Category.remote_id == rid
        )
    else:
        query = select(Scope.id).where(
            Scope.instance_id == instance_id, Scope.kind == kind, Scope.remote_id == rid
        )
    return session.scalar(query) or 0


def mappable(
    session: Session, instance_id: int
) -> tuple[list[Scope], list[tuple[Category, Space]]]:
    """What can be mapped: the scopes and taxonomies still upstream, and the categories with
    their space (the admin page and the API list the same)."""
    scopes = session.scalars(
        select(Scope)
        .where(Scope.instance_id == instance_id, Scope.removed_at.is_(None))
        .order_by(Scope.kind, Scope.id)
    ).all()
    categories = session.execute(
        select(Category, Space)
        .join(Space, Category.space_id == Space.id)
        .where(Category.instance_id == instance_id, Category.removed_at.is_(None))
        .order_by(Category.space_id, Category.id)
    ).all()
    return list(scopes), [(c, s) for c, s in categories]
