"""The Decidim client: HTTP and GraphQL only. Returns plain dicts; knows nothing of the store."""

from bridge.decidim.client import DecidimClient
from bridge.decidim.errors import DecidimError

__all__ = ["DecidimClient", "DecidimError"]
