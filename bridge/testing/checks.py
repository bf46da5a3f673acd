"""Checks any app can be put through, the plugins it enables included: every API route is in
the OpenAPI document, every page and every write is guarded. Each returns what it found
wrong (an empty list: nothing), so a test asserts it is empty and the failure names them."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from flask import Flask

WRITES = {"POST", "PUT", "PATCH", "DELETE"}
API = "/api/v1"
# Forms that anyone may post, and a person's own account and API tokens, open to viewers.
PUBLIC_FORMS = {"/login", "/logout"}
OPEN_TO_VIEWERS = {
    ("POST", "/account"),
    ("POST", "/admin/tokens"),
    ("POST", "/admin/tokens/{}/revoke"),
    ("POST", "/api/v1/tokens"),
    ("DELETE", "/api/v1/tokens/{}"),
}


def routes(
    app: Flask, prefix: str = "/", samples: dict[str, str] | None = None
) -> Iterator[tuple[str, str, str]]:
    """(method, a path, the pattern with "{}") of each route of the app under `prefix`, the
    static files left out. The path has the `samples` value of each argument ({name: value};
    "1" for the others, the first choice of an `any(...)` argument)."""
    samples = samples or {}

    def sample(match: re.Match[str]) -> str:
        converter, name = match.group(1) or "", match.group(2)
        if name in samples:
            return str(samples[name])
        if converter.startswith("any("):
            return converter[4:].split(",")[0].strip(" )'\"")
        return "1"

    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or rule.endpoint.endswith(".static"):
            continue
        if rule.rule.startswith(prefix):
            path = re.sub(r"<(?:([^:<>]+):)?([^<>]+)>", sample, rule.rule)
            for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
                yield method, path, re.sub(r"<[^>]+>", "{}", rule.rule)


def undocumented_routes(app: Flask, prefix: str = API) -> list[str]:
    """Routes under `prefix` (within /api/v1) missing from /api/v1/openapi.json, and
    operations of the document under `prefix` that no route answers."""
    spec = app.test_client().get(f"{API}/openapi.json").get_json()
    served = {
        (pattern.removeprefix(API), method.lower()) for method, _, pattern in routes(app, prefix)
    }
    scope = prefix.removeprefix(API)
    documented = {
        (re.sub(r"{[^}]+}", "{}", path), method)
        for path, operations in spec["paths"].items()
        if path.startswith(scope)
        for method in operations
        if method in ("get", "post", "put", "patch", "delete")
    }
    missing = [
        f"{m.upper()} {API}{p} is not in the OpenAPI document" for p, m in served - documented
    ]
    extra = [f"{m.upper()} {API}{p} is documented but not served" for p, m in documented - served]
    return sorted(missing) + sorted(extra)


def unguarded_routes(
    app: Flask,
    client_for: Callable[[str | None], Any],
    api_for: Callable[[str | None], Any],
    prefixes: tuple[str, ...] = ("/admin", API),
    *,
    open_to_viewers: set[tuple[str, str]] = OPEN_TO_VIEWERS,
    needs: dict[str, str] | None = None,
    samples: dict[str, str] | None = None,
) -> list[str]:
    """Under `prefixes`: every admin page sends an anonymous visitor to sign in (and back);
    every admin form refuses an anonymous visitor and a viewer (403, with a valid CSRF token);
    every API write answers 401 problem+json without a token and 403 to a viewer's token, but
    the `open_to_viewers` ones ((method, pattern) pairs); a page that `needs` ({pattern:
    role}) more than a viewer answers 403 to the role below it. Outside /admin and the API,
    no route accepts a write but sign-in, sign-out and one's own account. Paths take the
    `samples` values of their arguments ({"name": "ivry"}; "1" for the others), so a page
    finds its record and a refusal is about the role, not a 404.

    `client_for(role)` and `api_for(role)` are the fixtures of the same names."""
    found = []
    anonymous, viewer, viewer_api = client_for(None), client_for("viewer"), api_for("viewer")
    for method, path, pattern in (r for p in prefixes for r in routes(app, p, samples)):
        if pattern.startswith(API):
            if method not in WRITES:
                continue
            answer = api_for(None).open(path, method=method, json={})
            if answer.status_code != 401 or answer.mimetype != "application/problem+json":
                found.append(f"{method} {path}: anonymous got {answer.status_code}, not 401")
            if (method, pattern) not in open_to_viewers:
                answer = viewer_api.open(path, method=method, json={})
                if answer.status_code != 403:
                    found.append(f"{method} {path}: a viewer's token got {answer.status_code}")
        elif method == "GET":
            answer = anonymous.get(path)
            if answer.status_code != 302 or "/login" not in (answer.location or ""):
                found.append(f"GET {path}: anonymous got {answer.status_code}, not sign-in")
        else:
            data = {"csrf_token": anonymous.csrf}
            answer = anonymous.open(path, method=method, data=data)
            if answer.status_code != 302 or "/login" not in (answer.location or ""):
                found.append(f"{method} {path}: anonymous got {answer.status_code}")
            if (method, pattern) not in open_to_viewers:
                answer = viewer.open(path, method=method, data={"csrf_token": viewer.csrf})
                if answer.status_code != 403:
                    found.append(f"{method} {path}: a viewer got {answer.status_code}, not 403")
    below = {"admin": "editor", "editor": "viewer"}
    for pattern, role in (needs or {}).items():
        answer = client_for(below[role]).get(pattern.replace("{}", "1"))
        if answer.status_code != 403:
            found.append(f"GET {path}: a {below[role]} got {answer.status_code}, not 403")
    for method, path, pattern in routes(app):
        outside = method in WRITES and not pattern.startswith(("/admin", "/api/"))
        if outside and pattern not in PUBLIC_FORMS and (method, pattern) not in open_to_viewers:
            found.append(f"{method} {path}: a form outside /admin, not guarded as one")
    return found
