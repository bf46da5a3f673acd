"""Writing to Decidim through its write API (0.32: "Write API", result mutations), for the one
write the bridge makes: an accountability result's progress.

What the server offers is asked of it, never read from a version number: one probe
(`mutations/result_update_probe.graphql`) that graphql-ruby validates without running, whose
errors name what the server lacks (the mutation root, `AccountabilityMutation`, `update`, or an
attribute of `ResultAttributes`). Writing needs an API user (Decidim 0.31+ "API credentials"):
an anonymous call holds the `api:read` scope only.

A mutation goes through the same `DecidimSession` as the reads: rate limit, sign-in and its
refresh on 401, retries of 5xx and 429. Retrying is safe here: setting a progress to a value is
idempotent (a second identical update leaves the result as the first did).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from graphql import ObjectFieldNode, ObjectValueNode, parse, visit
from graphql.language import Visitor

from bridge.decidim.errors import DecidimError, NotJSONError
from bridge.decidim.http import DecidimSession

MUTATIONS = Path(__file__).parent / "mutations"
# An attribute no Decidim has: the probe always fails validation on it, so it never runs.
SENTINEL = "civicBridgeProbe"
_UNACCEPTED = re.compile(r"InputObject '(\w+)' doesn't accept argument '(\w+)'")


@cache
def document(name: str) -> str:
    """The text of `mutations/NAME.graphql` (parsed once to fail early on a typo of ours)."""
    text = (MUTATIONS / f"{name}.graphql").read_text(encoding="utf-8")
    parse(text)
    return text


@cache
def probed_attributes() -> frozenset[str]:
    """The attributes the probe asks about: those of its `attributes:` object, but the
    sentinel."""
    found: set[str] = set()

    class Attributes(Visitor):
        def enter_object_field(self, node: ObjectFieldNode, *_: Any) -> None:
            if node.name.value == "attributes" and isinstance(node.value, ObjectValueNode):
                found.update(f.name.value for f in node.value.fields)

    visit(parse(document("result_update_probe")), Attributes())
    return frozenset(found - {SENTINEL})


@dataclass(frozen=True)
class ResultUpdates:
    """Whether a server lets the bridge update accountability results, as it answered the probe:
    `attributes` are the ones its update takes (of those the probe asks), `detail` the server's
    words when it offers no update (or no `progress`)."""

    offered: bool
    attributes: frozenset[str]
    detail: str | None
    checked_at: datetime

    def accepts(self, attribute: str) -> bool:
        return self.offered and attribute in self.attributes

    def as_json(self) -> dict[str, Any]:
        return {
            "offered": self.offered,
            "attributes": sorted(self.attributes),
            "detail": self.detail,
            "checked_at": self.checked_at.isoformat(),
        }

    @classmethod
    def from_json(cls, value: Any) -> ResultUpdates | None:
        if not isinstance(value, Mapping) or not isinstance(value.get("offered"), bool):
            return None
        try:
            checked = datetime.fromisoformat(str(value.get("checked_at")))
        except ValueError:
            return None
        detail = value.get("detail")
        return cls(
            value["offered"],
            frozenset(str(a) for a in value.get("attributes") or []),
            str(detail) if detail is not None else None,
            checked,
        )


def read_probe(errors: Sequence[Mapping[str, Any]], checked_at: datetime) -> ResultUpdates:
    """What the probe's answer says the server offers."""
    lacking: set[str] = set()
    other: list[str] = []
    for error in errors:
        name = _unaccepted_attribute(error)
        if name is not None:
            lacking.add(name)
        elif "has an invalid value" not in words(error):  # the same refusal, said again
            other.append(words(error))
    if other:
        return ResultUpdates(False, frozenset(), other[0], checked_at)
    if SENTINEL not in lacking:
        detail = "the server did not validate the probe as Decidim does (it took an unknown field)"
        return ResultUpdates(False, frozenset(), detail, checked_at)
    attributes = probed_attributes() - lacking
    if "progress" not in attributes:
        detail = "the server's result update takes no progress"
        return ResultUpdates(False, attributes, detail, checked_at)
    return ResultUpdates(True, attributes, None, checked_at)


def _unaccepted_attribute(error: Mapping[str, Any]) -> str | None:
    """The attribute `ResultAttributes` does not take, when that is what the error says.
    graphql-ruby's `argumentNotAccepted` names the input type in `name` and the attribute in
    `argumentName`; the message says both ("InputObject 'X' doesn't accept argument 'y'")."""
    extensions = error.get("extensions") or {}
    if extensions.get("code") == "argumentNotAccepted" and extensions.get("argumentName"):
        about = extensions.get("name")
        return str(extensions["argumentName"]) if about in (None, "ResultAttributes") else None
    match = _UNACCEPTED.search(words(error))
    return match.group(2) if match and match.group(1) == "ResultAttributes" else None


def words(error: Mapping[str, Any]) -> str:
    """An error's message as one line: Decidim's attribute validation errors carry a list of
    `{path, message}` instead of a string ("progress: must be less than or equal to 100")."""
    message = error.get("message")
    if isinstance(message, list):
        parts = []
        for item in message:
            if isinstance(item, Mapping):
                path = item.get("path") or []
                field = str(path[-1]) if isinstance(path, list) and path else ""
                parts.append(f"{field}: {item.get('message', '')}" if field else str(item))
            else:
                parts.append(str(item))
        return "; ".join(parts)
    return str(message if message is not None else "unknown error")


class WriteRefused(DecidimError):
    """Decidim answered the write with an error: no permission, a value its form refuses, a
    result it no longer has. `code` is Decidim's (`MUTATION_NOT_AUTHORIZED`, ...) when it sent
    one; the message is Decidim's own words."""

    def __init__(self, message: str, code: str | None = None):
        super().__init__(message)
        self.code = code


class DecidimWriter:
    """The write client of one instance, over a `DecidimSession` that signs in."""

    def __init__(self, session: DecidimSession):
        self.session = session

    def probe(self, now: datetime) -> ResultUpdates:
        """Ask the server whether it offers the result update, and with which attributes."""
        answer = self._post(document("result_update_probe"), {}, "ResultUpdateProbe")
        return read_probe(answer.get("errors") or [], now)

    def result_progress(self, component_id: str, result_id: str) -> float | None:
        """The result's progress as Decidim has it now."""
        answer = self._post(
            document("result_progress"),
            {"component": component_id, "result": result_id},
            "ResultProgress",
        )
        _refuse(answer.get("errors"))
        result = ((answer.get("data") or {}).get("component") or {}).get("result")
        if not isinstance(result, Mapping):
            raise WriteRefused(f"Decidim has no result {result_id} in component {component_id}")
        return _progress(result)

    def set_result_progress(
        self, component_id: str, result_id: str, progress: float
    ) -> float | None:
        """Update the result's progress alone; returns the progress Decidim then has."""
        variables = {
            "component": component_id,
            "result": result_id,
            "input": {
                "clientMutationId": f"civic-bridge-{component_id}-{result_id}",
                "attributes": {"progress": progress},
            },
        }
        answer = self._post(document("result_update"), variables, "UpdateResult")
        _refuse(answer.get("errors"))
        component = (answer.get("data") or {}).get("component") or {}
        updated = (component.get("result") or {}).get("update")
        if not isinstance(updated, Mapping):
            raise WriteRefused("Decidim answered the update without the result")
        return _progress(updated)

    def close(self) -> None:
        self.session.sign_out()
        self.session.close()

    def _post(self, query: str, variables: dict[str, Any], operation: str) -> dict[str, Any]:
        response = self.session.post(
            f"{self.session.base_url}/api",
            json={"query": query, "variables": variables, "operationName": operation},
            headers={"Content-Type": "application/json"},
        )
        try:
            answer = response.json()
        except ValueError as exc:
            raise NotJSONError("Decidim's answer to a write is not JSON") from exc
        if not isinstance(answer, dict):
            raise NotJSONError("Decidim answered a write without a JSON object")
        return answer


def _refuse(errors: Any) -> None:
    if not errors:
        return
    found = list(_mappings(errors))
    code = (found[0].get("extensions") or {}).get("code")
    raise WriteRefused("; ".join(words(e) for e in found), code)


def _mappings(errors: Sequence[Any]) -> Iterator[Mapping[str, Any]]:
    for error in errors:
        yield error if isinstance(error, Mapping) else {"message": str(error)}


def _progress(result: Mapping[str, Any]) -> float | None:
    value = result.get("progress")
    return float(value) if isinstance(value, (int, float)) else None
