"""Links back to a city's Decidim, built the way Decidim routes its pages: a space's path
(`/processes/SLUG` or `/assemblies/SLUG`), then `/f/COMPONENT_ID/` and the resource's own path.
Ids are Decidim's (`remote_id`), never ours."""

from __future__ import annotations

from urllib.parse import quote

from bridge.store.models import Component, Space

SPACE_PATHS = {"participatory_process": "processes", "assembly": "assemblies"}


def space_url(base_url: str, space: Space) -> str:
    """The space's page; Decidim finds processes and assemblies by slug (or by id)."""
    kind = SPACE_PATHS.get(space.space_type, "processes")
    return f"{base_url.rstrip('/')}/{kind}/{quote(space.slug or space.remote_id)}"


def component_url(base_url: str, space: Space, component: Component) -> str:
    return f"{space_url(base_url, space)}/f/{quote(component.remote_id)}"


def result_url(base_url: str, space: Space, component: Component, remote_id: str) -> str:
    return f"{component_url(base_url, space, component)}/results/{quote(remote_id)}"


def proposal_url(base_url: str, space: Space, component: Component, remote_id: str) -> str:
    return f"{component_url(base_url, space, component)}/proposals/{quote(remote_id)}"


def project_url(
    base_url: str, space: Space, component: Component, budget_remote_id: str, remote_id: str
) -> str:
    return (
        f"{component_url(base_url, space, component)}/budgets/{quote(budget_remote_id)}"
        f"/projects/{quote(remote_id)}"
    )
