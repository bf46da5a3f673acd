"""`bridge plugin new NAME`: a plugin package to start from, outside the bridge's tree.

The files come from the templates shipped in `bridge/plugin_template/` (package data; `$name`
and the like are filled in with `string.Template`); its catalogs are compiled to `.mo` as
`bridge i18n compile` does. What the bridge is at generation time goes in: the first
migration needs the core's current head revision. The result installs with pip,
passes its own tests (with the test kit, `bridge.testing`) and lints clean as generated.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Sequence
from importlib.metadata import entry_points
from importlib.util import find_spec
from pathlib import Path
from string import Template

import click

from bridge.config import BUNDLED_PLUGINS

TEMPLATES = Path(__file__).parent / "plugin_template"
NAME = re.compile(r"[a-z][a-z0-9_]*\Z")
LONGEST = 30  # its tables are named after it, and PostgreSQL names stop at 63 bytes


class ScaffoldError(ValueError):
    """A name or a folder the generator refuses, with the sentence saying why."""


def check_name(name: str) -> None:
    """A plugin's name is its Python package, its entry point, its table prefix and its URL
    segment: lower-case letters, digits and underscores, a letter first, and no module
    that already exists (the plugin would shadow it, or be shadowed)."""
    if len(name) > LONGEST:
        raise ScaffoldError(f"{name!r} is too long for a plugin name: {LONGEST} characters at most")
    if not NAME.match(name) or keyword.iskeyword(name):
        raise ScaffoldError(
            f"{name!r} is not a plugin name: use lower-case letters, digits and underscores, "
            "starting with a letter (a Python identifier, e.g. cafes_de_quartier)"
        )
    if any(ep.name == name for ep in entry_points(group="civic_bridge.plugins")):
        raise ScaffoldError(f"a plugin named {name!r} is already installed")
    if find_spec(name) is not None:
        raise ScaffoldError(f"a Python module named {name!r} already exists: choose another name")


def core_head() -> str:
    """The core's newest migration revision: the generated plugin's first revision needs it."""
    from bridge.store.migrate import CORE_HISTORY, script

    head = script(CORE_HISTORY).get_current_head()
    if head is None:
        raise ScaffoldError("the bridge has no core migration")
    return head


def target_path(template: Path, name: str) -> Path:
    """Where a template file goes: `package` becomes the plugin's name, `first.py` its first
    migration, and `.tmpl` is dropped."""
    parts = [name if part == "package" else part for part in template.parts]
    path = Path(*parts)
    path = path.with_name(path.name.removesuffix(".tmpl").replace("package.", f"{name}."))
    if path.name == "first.py":
        path = path.with_name(f"{name}_1.py")
    return path


def dist_name(name: str) -> str:
    """The distribution's (and the generated folder's) name: civic-bridge-NAME, dashed."""
    return "civic-bridge-" + name.replace("_", "-")


def render(name: str, core_revision: str, bundled: Sequence[str]) -> dict[Path, bytes]:
    """The plugin's files, {path relative to its folder: content}, catalogs not compiled; no
    check on the name (`generate` makes them). What the bridge was at generation time comes
    in: its head revision and its bundled plugins (the tutorial's test renders its plugin with
    those it was generated with, to compare)."""
    values = {
        "name": name,
        "dist": dist_name(name),
        "title": name.replace("_", " ").capitalize(),
        "core_revision": core_revision,
        "bundled_names": ", ".join(bundled),
        "bundled_list": ", ".join(f'"{plugin}"' for plugin in bundled),
    }
    files: dict[Path, bytes] = {}
    for template in sorted(TEMPLATES.rglob("*.tmpl")):
        path = target_path(template.relative_to(TEMPLATES), name)
        text = Template(template.read_text(encoding="utf-8")).substitute(values)
        files[path] = text.encode("utf-8")
    return files


def write_catalogs(root: Path) -> None:
    """Compile every `.po` under `root` to its `.mo`, as `bridge i18n compile` does (the app
    reads compiled catalogs)."""
    from bridge.catalogs import compiled

    for po in sorted(root.rglob("*.po")):
        po.with_suffix(".mo").write_bytes(compiled(po, po.parent.parent.name))


def generate(name: str, directory: Path) -> Path:
    """Write the plugin `name` into `directory/<dist name>`; the folder made."""
    check_name(name)
    root = directory / dist_name(name)
    if root.exists():
        raise ScaffoldError(f"{root} already exists: nothing was written")
    for path, content in render(name, core_head(), BUNDLED_PLUGINS).items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_bytes(content)
    write_catalogs(root)
    return root


@click.group("plugin")
def plugin_group() -> None:
    """Write plugins: a new package to start from."""


@plugin_group.command("new")
@click.argument("name")
@click.option(
    "--directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Folder in which the plugin's folder is made.",
)
def plugin_new(name: str, directory: Path) -> None:
    """Generate the plugin NAME: a pip-installable package with its settings, tables and
    migration, admin page, paged API list, command, change consumer, catalogs and tests."""
    try:
        root = generate(name, directory)
    except (ScaffoldError, OSError) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"plugin {name} written to {root}")
    click.echo(f"next: pip install -e {root} && (cd {root} && python -m pytest)")
