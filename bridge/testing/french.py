"""French pages, complete: the checks a crawl of the admin and public pages makes on each page.

A page fails on an English state or kind left in it (the catalogue of states below), a raw
action code, an exception or a Python value leaking into it, a time shown without the city's
zone, a raw ISO date, a number over 999 without its thousands separator, or « » with ordinary
spaces. `crawl` follows a site's links from some pages; `url_map_pages` adds every GET page of
the app with sample values for its arguments.
"""

from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

from flask import Flask

ENGLISH = re.compile(
    r"\b(succeeded|running|failed|accepted|evaluating|rejected|withdrawn|selected|"
    r"not_answered|proposed|confirmed|commitment|payment|upcoming|ongoing|finished|"
    r"Proposals|Accountability|Meetings|Debates|Surveys|Sortitions|Component|"
    r"viewer|editor|enabled|disabled|waiting|Not Found|Forbidden|Bad Request|"
    r"Method Not Allowed|Internal Server Error|Sign in|Sign out|Save|Back)\b|\(Budgets\)"
)
# Audit action codes of the core; `problems(html, actions=...)` adds a plugin's prefixes.
CORE_ACTIONS = ("user", "token", "instance", "sync", "mappings")
LEAKS = re.compile(r"Traceback|\b[A-Z][a-zA-Z]+Error\b|\bNone\b|\{'|\bnan\b|\[object")
TIME = re.compile(r"\b\d{1,2}(\u00a0h\u00a0|:)\d{2}\b")
ISO_DATE = re.compile(r"(?<![\w-])\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2})?")
BARE_NUMBER = re.compile(r"(?<![\w.,/:\-#°])\d{4,}(?![\w.,/:\-])")
BAD_QUOTES = re.compile(r"« |«$| »|^»")
# The words in brackets that say which clock a time is on (formatting.zone_label): "(heure de
# Paris)", "(heure de la Guyane)", "(heure d’Abidjan)", "(UTC−03:00)".
ZONE = re.compile(r"\((?:heure d(?:e |’)[^()]+|UTC[^()]*)\)")
SKIP_PREFIXES = ("/api/", "/static/", "/logo", "/healthz")
PER_ENDPOINT = 4  # pages of one endpoint read (proposals have hundreds)


class Visible(HTMLParser):
    """The text a person reads (and the options of a select), not what a lang="en" element
    holds (the language switch, a technical error), nor code, scripts and styles; and the
    page's links."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.links: list[str] = []
        self.skip: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        hidden = tag in ("script", "style", "code") or attrs.get("lang") == "en"
        if hidden or (self.skip and tag == self.skip[-1]):  # nested alike tags pop in turn
            self.skip.append(tag)
        if tag in ("p", "li", "td", "th", "dd", "dt", "option", "h1", "h2", "h3", "div", "br"):
            self.text.append("\n")

    def handle_endtag(self, tag):
        if self.skip and tag == self.skip[-1]:
            self.skip.pop()

    def handle_data(self, data):
        if not self.skip:
            self.text.append(data)


def raw_actions(prefixes: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(rf"\b({'|'.join(map(re.escape, prefixes))})\.[a-z_]+(\.[a-z_]+)?\b")


def problems(html: str, actions: tuple[str, ...] = ()) -> list[str]:
    """What is wrong with a French page: ["English: 'succeeded' in '...'", ...]. `actions`
    are the prefixes of a plugin's audit actions ("budget"), never to be shown raw."""
    raw_action = raw_actions(CORE_ACTIONS + tuple(actions))
    parser = Visible()
    parser.feed(html)
    text = "".join(parser.text)
    found = []
    for line in (line.strip() for line in text.splitlines()):
        if not line:
            continue
        for name, pattern in (
            ("English", ENGLISH),
            ("raw action", raw_action),
            ("leak", LEAKS),
            ("ISO date", ISO_DATE),
            ("number without separator", BARE_NUMBER),
            ("« » spacing", BAD_QUOTES),
        ):
            for match in pattern.finditer(line):
                if name == "number without separator" and 1900 <= int(match.group()) <= 2100:
                    continue  # a year
                found.append(f"{name}: {match.group()!r} in {line[:120]!r}")
        if TIME.search(line) and not ZONE.search(text):
            found.append(f"time without the zone (heure de ...): {line[:120]!r}")
    return found


def crawl(client: Any, starts: list[str], actions: tuple[str, ...] = ()) -> dict[str, list[str]]:
    """Every page reachable from `starts` (at most PER_ENDPOINT of one URL shape, links to
    English and to downloads left out); {path: problems}. A 5xx fails at once."""
    seen: set[str] = set()
    per_endpoint: Counter = Counter()
    queue = list(starts)
    report: dict[str, list[str]] = {}
    while queue:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        endpoint = re.sub(r"\d+", "N", urlsplit(path).path)
        per_endpoint[endpoint] += 1
        if per_endpoint[endpoint] > PER_ENDPOINT:
            continue
        answer = client.get(path)
        assert answer.status_code < 500, f"{path} answered {answer.status_code}"
        if answer.mimetype != "text/html" or answer.status_code >= 300:
            continue
        html = answer.get_data(as_text=True)
        report[path] = problems(html, actions)
        parser = Visible()
        parser.feed(html)
        for href in parser.links:
            target = urljoin(path, href)
            parts = urlsplit(target)
            if parts.netloc or not parts.path.startswith("/"):
                continue
            if parts.path.startswith(SKIP_PREFIXES) or "lang=en" in parts.query:
                continue
            if re.search(r"format=|\.(csv|xlsx|json)$", target):
                continue
            queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return report


def url_map_pages(app: Flask, samples: dict[str, Any]) -> list[str]:
    """Every GET page of the app (not the API), with sample values for its arguments
    ({argument name: value}); a page whose argument has no sample fails the test."""
    paths = []
    with app.test_request_context():
        from flask import url_for

        for rule in app.url_map.iter_rules():
            static = rule.endpoint == "static" or rule.endpoint.endswith(".static")
            get = rule.methods is None or "GET" in rule.methods  # None: any method
            if not get or rule.rule.startswith(SKIP_PREFIXES) or static:
                continue
            missing = set(rule.arguments) - set(samples)
            assert not missing, f"{rule.rule}: no sample for {missing}; add one to the samples"
            paths.append(url_for(rule.endpoint, **{a: samples[a] for a in rule.arguments}))
    return paths
