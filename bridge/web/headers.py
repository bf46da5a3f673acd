"""Security headers on every answer, pages and API alike.

The pages use no JavaScript at all, and their CSS is in static stylesheets of this site (the
core's, a plugin's): the Content-Security-Policy allows exactly that (no script, no <style>
element nor style attribute, nothing from elsewhere but the city's logo when the `logo`
setting is a URL), so injected markup can neither run nor restyle a page. No page may be
framed (clickjacking a signed-in admin's forms), a response is never sniffed as another type,
and other sites are not told which page a link was followed from.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Response, current_app


def policy() -> str:
    return "; ".join(
        [
            "default-src 'none'",
            "style-src 'self'",
            " ".join(["img-src 'self' data:", *_logo_origin()]),
            "connect-src 'self'",  # a page's own script may call the API (none does yet)
            "form-action 'self'",
            "frame-ancestors 'none'",
            "base-uri 'none'",
        ]
    )


def _logo_origin() -> list[str]:
    """The origin of the city's logo when the settings give it as a URL elsewhere."""
    logo = urlsplit(current_app.extensions["bridge"].settings.logo.strip())
    if logo.scheme in ("http", "https") and logo.netloc:
        return [f"{logo.scheme}://{logo.netloc}"]
    return []


def add(response: Response) -> Response:
    """after_request: the headers, unless a view chose its own."""
    response.headers.setdefault("Content-Security-Policy", policy())
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response
