"""The import structure the plugin platform relies on, read from the source with `ast`:
`bridge.plugin` is a leaf, the bridge has no import circle, the API and the pages never import
each other, and a plugin imports `bridge.plugin` alone from the bridge."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _modules(package: str) -> dict[str, Path]:
    found = {}
    for path in (ROOT / package).rglob("*.py"):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        if "migrations" not in parts and "build" not in parts:
            found[".".join(parts)] = path
    return found


BRIDGE = _modules("bridge")


def _imports(module: str, path: Path, known: dict[str, Path]) -> set[str]:
    """Every module of `known` that `module` imports, at the top or inside a function; not the
    ones only a type checker reads (`if TYPE_CHECKING:`). `from package import module` counts
    as importing that module (its package is loaded first whatever the order)."""
    out: set[str] = set()

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                continue
            if isinstance(child, ast.Import):
                out.update(a.name for a in child.names if a.name in known)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    package = module.split(".")
                    if path.name != "__init__.py":
                        package.pop()
                    package = package[: len(package) - child.level + 1]
                    base = ".".join([*package, base] if base else package)
                submodules = {f"{base}.{a.name}" for a in child.names} & set(known)
                out.update(submodules)
                if len(submodules) < len(child.names) and base in known:
                    out.add(base)
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    out.discard(module)
    return out


def _graph() -> dict[str, set[str]]:
    return {m: _imports(m, p, BRIDGE) for m, p in BRIDGE.items()}


def _route_modules() -> set[str]:
    """The modules that add routes or pages (a `@....get/post/route(...)` decorator on a
    blueprint or an app), and the app factory."""
    verbs = {"get", "post", "put", "patch", "delete", "route"}
    found = {"bridge.app"}
    for module, path in BRIDGE.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef):
                for deco in node.decorator_list:
                    func = deco.func if isinstance(deco, ast.Call) else None
                    if isinstance(func, ast.Attribute) and func.attr in verbs:
                        found.add(module)
    return found


def test_the_route_modules_are_found():
    routes = _route_modules()
    assert {"bridge.api.records", "bridge.web.admin", "bridge.web.public"} <= routes
    assert "bridge.api.paging" not in routes


def test_importing_bridge_plugin_loads_no_route_or_page_module():
    code = "import json, sys, bridge.plugin; print(json.dumps(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    loaded = set(json.loads(done.stdout))
    assert "bridge.plugin" in loaded
    assert not loaded & _route_modules(), sorted(loaded & _route_modules())


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def strong(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            strong(v)
    return out


def test_the_bridge_has_no_import_circle():
    assert _cycles(_graph()) == []


def test_a_circle_is_caught():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_the_api_and_the_pages_never_import_each_other():
    graph = _graph()
    for module, imported in graph.items():
        if module.startswith("bridge.api"):
            assert not {m for m in imported if m.startswith("bridge.web")}, module
        if module.startswith("bridge.web"):
            assert not {m for m in imported if m.startswith("bridge.api")}, module


def test_plugins_import_bridge_plugin_alone_from_the_bridge():
    examples = ROOT / "docs" / "examples"
    paths = [*_modules("plugins").items()]
    # The example's tests use the test kit and the core, as a plugin's tests may; its code may not.
    skipped = {"build", "tests"}
    for p in examples.rglob("*.py"):
        if not skipped & set(p.relative_to(examples).parts):
            paths.append((f"example.{p.stem}", p))
    wrong = []
    for module, path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level:
                names = [node.module or ""]
                if node.module == "bridge":
                    names = [f"bridge.{a.name}" for a in node.names]
            wrong += [
                f"{module}: {n}"
                for n in names
                if n.split(".")[0] == "bridge" and n != "bridge.plugin"
            ]
    assert wrong == []
