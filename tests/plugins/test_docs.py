"""In Datasette's manner: every hook is documented with its exact signature in
`docs/plugins.md`, and the tutorial's plugin implements every hook."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCS = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")
TUTORIAL = ROOT / "docs" / "examples" / "changes_digest" / "changes_digest" / "__init__.py"


def _functions(path: Path, decorator: str) -> dict[str, ast.FunctionDef]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        node.name: node
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and decorator in map(ast.unparse, node.decorator_list)
    }


HOOKS = _functions(ROOT / "bridge" / "hookspecs.py", "hookspec")


def signature(node: ast.FunctionDef) -> str:
    return f"def {node.name}({ast.unparse(node.args)}) -> {ast.unparse(node.returns)}"


def test_every_hook_is_documented_with_its_exact_signature():
    assert len(HOOKS) >= 15
    missing = [signature(n) for n in HOOKS.values() if signature(n) not in DOCS]
    assert missing == []


def test_the_docs_list_no_hook_that_does_not_exist():
    reference = DOCS.split("## The hooks", 1)[1].split("```python", 1)[1].split("```", 1)[0]
    listed = re.findall(r"^def (\w+)\(", reference, flags=re.M)
    assert sorted(listed) == sorted(HOOKS)


def test_every_hook_takes_the_context_first():
    assert [n for n, node in HOOKS.items() if node.args.args[0].arg != "context"] == []


def test_the_tutorial_plugin_implements_every_hook():
    implemented = _functions(TUTORIAL, "hookimpl")
    assert sorted(implemented) == sorted(HOOKS)
    for name, node in implemented.items():  # pluggy's rule: a subset of the hook's arguments
        assert {a.arg for a in node.args.args} <= {a.arg for a in HOOKS[name].args.args}, name
