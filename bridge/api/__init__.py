"""The JSON API under /api/v1 (`bridge.api.routes`) and the helpers its lists share."""
