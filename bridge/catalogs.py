"""The translators' tool behind `bridge i18n` (docs/translation.md): extract the msgids of the
core or of a plugin from its code and templates, update its `.po` catalogs, compile them to the
`.mo` files the app reads, and list what is not translated yet or breaks French typography.

The `.mo` files are committed beside the `.po` files so a fresh clone runs with no build step;
tests/web/test_translations.py fails when they no longer match.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path

import click
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

import bridge
from bridge.i18n import LANGUAGES

# N_ and NP_ mark a msgid translated later (NP_ with a context); Plural (bridge.hookspecs)
# an audit sentence's two forms
KEYWORDS = {**DEFAULT_KEYWORDS, "N_": None, "NP_": ((1, "c"), 2), "Plural": (1, 2)}
# gettext's usual French rule (0 and 1 singular), rather than CLDR's third form for millions.
PLURAL_FORMS = {"fr": "nplurals=2; plural=(n > 1);", "en": "nplurals=2; plural=(n != 1);"}
METHODS = [("**/templates/**.html", "jinja2"), ("**.py", "python")]
OPTIONS = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n", "trimmed": "false"}}


@dataclass(frozen=True)
class Source:
    """A translatable package: its directory, where its catalogs live, and their domain."""

    name: str
    directory: Path
    domain: str

    @property
    def translations(self) -> Path:
        return self.directory / "translations"

    def po(self, lang: str) -> Path:
        return self.translations / lang / "LC_MESSAGES" / f"{self.domain}.po"

    def mo(self, lang: str) -> Path:
        return self.po(lang).with_suffix(".mo")


def sources() -> list[Source]:
    """The core, then each installed plugin that ships a `translations/` folder."""
    found = [Source("core", Path(bridge.__file__).parent, "messages")]
    for entry in entry_points(group="civic_bridge.plugins"):
        module = entry.load()
        directory = Path(module.__file__).parent
        if (directory / "translations").is_dir():
            found.append(Source(entry.name, directory, entry.name))
    return found


def extract(source: Source) -> Catalog:
    """Every msgid of the package's Python code and templates, with where it is used."""
    template = Catalog(project="civic-bridge", domain=source.domain)
    for filename, lineno, message, comments, context in extract_from_dir(
        str(source.directory),
        method_map=METHODS,
        options_map=OPTIONS,
        keywords=KEYWORDS,
        comment_tags=("Translators:",),
        strip_comment_tags=True,
    ):
        template.add(
            message,
            None,
            [(filename, lineno)],
            auto_comments=comments,
            context=context,
        )
    return template


def read(path: Path, lang: str) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=lang)


def update(source: Source) -> list[Path]:
    """Bring each language's `.po` in line with the code: new msgids added untranslated,
    gone ones dropped, translations kept. Returns the files written."""
    template = extract(source)
    written = []
    for lang in LANGUAGES:
        path = source.po(lang)
        if path.exists():
            catalog = read(path, lang)
        else:
            catalog = Catalog(
                locale=lang, domain=source.domain, project="civic-bridge", fuzzy=False
            )
            catalog.mime_headers = [("Plural-Forms", PLURAL_FORMS[lang])]
            path.parent.mkdir(parents=True, exist_ok=True)
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        with path.open("wb") as handle:
            write_po(handle, catalog, width=100, sort_output=True, include_lineno=False)
        written.append(path)
    return written


def compiled(path: Path, lang: str) -> bytes:
    """The `.mo` bytes of a `.po` file."""
    buffer = io.BytesIO()
    write_mo(buffer, read(path, lang))
    return buffer.getvalue()


def compile_all(source: Source) -> list[Path]:
    written = []
    for lang in LANGUAGES:
        if source.po(lang).exists():
            source.mo(lang).write_bytes(compiled(source.po(lang), lang))
            written.append(source.mo(lang))
    return written


def untranslated(source: Source, lang: str = "fr") -> list[str]:
    """msgids used in the code or templates that have no translation in `lang`'s catalog (a
    plugin's may come from the core's, which its catalog sits over)."""
    own = [source] if source.name == "core" else [source, sources()[0]]
    catalogs = [read(s.po(lang), lang) for s in own if s.po(lang).exists()]
    missing = []
    for message in extract(source):
        if not message.id:
            continue
        found = next(
            (
                hit
                for hit in (c.get(message.id, context=message.context) for c in catalogs)
                if hit is not None and hit.string and not hit.fuzzy
            ),
            None,
        )
        strings = found.string if found is not None else None
        done = all(strings) if isinstance(strings, tuple | list) else bool(strings)
        if not done or (found is not None and found.fuzzy):
            key = message.id[0] if isinstance(message.id, tuple | list) else message.id
            missing.append(f"{message.context}|{key}" if message.context else key)
    return missing


# French typography the catalogs keep (docs/translation.md): the typographic apostrophe, and a
# narrow no-break space (U+202F) before « : ; ! ? » and after «, never an ordinary one, which
# lets the browser break the line before the sign.
TYPOGRAPHY = {
    "a straight apostrophe (write ’)": re.compile(r"\w'\w"),
    "an ordinary space before : ; ! ? » (write U+202F)": re.compile(r" [:;!?»]"),
    "an ordinary space after « (write U+202F)": re.compile(r"« "),
}


def typography(source: Source, lang: str = "fr") -> list[str]:
    """The French translations that break TYPOGRAPHY: 'msgid: what is wrong' for each."""
    if not source.po(lang).exists():
        return []
    found = []
    for message in read(source.po(lang), lang):
        strings = message.string if isinstance(message.string, tuple | list) else [message.string]
        key = message.id[0] if isinstance(message.id, tuple | list) else message.id
        for wrong, pattern in TYPOGRAPHY.items():
            if message.id and any(pattern.search(text or "") for text in strings):
                found.append(f"{key}: {wrong}")
    return found


def _chosen(name: str | None) -> list[Source]:
    found = [s for s in sources() if name in (None, s.name)]
    if not found:
        known = ", ".join(s.name for s in sources())
        raise click.ClickException(f"no translatable package named {name!r} (known: {known})")
    return found


@click.group("i18n")
def command() -> None:
    """Translation catalogs, for translators (docs/translation.md)."""


@command.command("update")
@click.option("--package", "name", help="core or a plugin's name (default: all).")
def update_command(name: str | None) -> None:
    """Extract the msgids from code and templates into each language's .po file."""
    for source in _chosen(name):
        for path in update(source):
            click.echo(f"updated {path}")


@command.command("compile")
@click.option("--package", "name", help="core or a plugin's name (default: all).")
def compile_command(name: str | None) -> None:
    """Write the .mo files the app reads (commit them with the .po files)."""
    for source in _chosen(name):
        for path in compile_all(source):
            click.echo(f"compiled {path}")


@command.command("check")
@click.option("--package", "name", help="core or a plugin's name (default: all).")
def check_command(name: str | None) -> None:
    """List the msgids with no French translation or with a French typography mistake; exit 1
    if there is any."""
    chosen = _chosen(name)
    missing = [(s.name, m) for s in chosen for m in untranslated(s)]
    for package, message in missing:
        click.echo(f"{package}: {message}")
    mistakes = [(s.name, m) for s in chosen for m in typography(s)]
    for package, message in mistakes:
        click.echo(f"{package}: {message}")
    if missing or mistakes:
        raise SystemExit(1)
    click.echo("every message has a French translation, in French typography")
