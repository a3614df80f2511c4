"""New notes: render a kind's template, refuse any name clash, pick a unique slug, write atomically.

`plan_new` does no I/O besides reading the template and returns a `Creation`; `create_note`
writes it without ever overwriting a file. Renames live in `authoring/rename.py`.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from .. import frontmatter as fm
from ..links import Match, fold
from ..model import KIND_FOLDERS, LemmaError, NoteKind, Severity
from ..note_parse import parse_note
from ..slug import slugify, unique_slug
from ..vault import Vault
from .apply import apply_changes
from .files import FileChange, linked_folder

#: kind -> the folder its notes go in (the inverse of KIND_FOLDERS).
KIND_FOLDER: dict[NoteKind, str] = {kind: folder for folder, kind in KIND_FOLDERS.items()}
CREATABLE = tuple(KIND_FOLDER)
TEMPLATE_FOLDER = "templates"
_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_]\w*)\s*\}\}")
#: Every placeholder a template may use.
PLACEHOLDERS = ("title", "kind", "slug", "date", "authors", "year", "source", "venue", "status",
                "tags", "aliases", "confidence")


@dataclass(frozen=True, slots=True)
class NewNote:
    """What the user asks for: a kind, a title and frontmatter fields (authors, year, tags, …)."""

    kind: NoteKind
    title: str
    fields: Mapping[str, Any] = field(default_factory=dict)
    slug: str | None = None  # the file name without `.md`; None = derived from the title


@dataclass(frozen=True, slots=True)
class Creation:
    """A planned note: its vault-relative path, full text, and the template it came from."""

    path: str
    text: str
    template: str


def plan_new(vault: Vault, spec: NewNote, today: dt.date | None = None,
             reserved: Collection[str] = ()) -> Creation:
    """Plan a note for `spec`: checked fields, no clash with existing names, a unique slug.

    `reserved` holds folded names and paths (without `.md`) of notes planned but not yet
    written. Raises LemmaError naming the clash (and the existing note) or the invalid field.
    """
    if spec.kind not in KIND_FOLDER:
        raise LemmaError(f"cannot create a '{spec.kind}' note; kinds: {_kinds()}", exit_code=2)
    title = spec.title.strip()
    if not title or "\n" in title:
        raise LemmaError("the title must be one non-empty line", exit_code=2)
    fields = {k: v for k, v in spec.fields.items() if v not in (None, "", [], ())}
    fields.setdefault("date", today or dt.date.today())
    check_fields(spec.kind, fields)
    aliases = [a for a in fm.as_list(fields.get("aliases")) if fold(a) != fold(title)]
    for name in (title, *aliases):
        if (clash := name_clash(vault, name)) is not None:
            raise LemmaError(clash)
        if fold(name) in reserved:
            raise LemmaError(f"'{name}' is already the name of another new note")
    path = _choose_path(vault, spec, title, reserved)
    if (why := linked_folder(vault.root, path)) is not None:
        raise LemmaError(f"cannot create {path}: {why}", exit_code=2)
    text, origin = load_template(vault.root, spec.kind)
    values = {**fields, "title": title, "kind": spec.kind.value, "aliases": aliases,
              "slug": path.rsplit("/", 1)[-1].removesuffix(".md")}
    rendered = render(text, values, origin)
    _check_rendered(path, rendered, title, origin)
    return Creation(path, rendered, origin)


def create_note(root: Path, creation: Creation) -> Path:
    """Write the planned note atomically, under the vault lock; never overwrites (LemmaError)."""
    change = FileChange(creation.path, creation.path, None, creation.text)
    apply_changes(root, [change], f"creation of {creation.path}")
    return root / creation.path


def _kinds() -> str:
    return ", ".join(kind.value for kind in CREATABLE)


def check_fields(kind: NoteKind, fields: Mapping[str, Any]) -> None:
    """Raise LemmaError for the first field the kind's frontmatter schema rejects."""
    required, optional = fm.SCHEMAS[kind]
    for key in required:
        if key != "title" and fields.get(key) is None:
            raise LemmaError(f"a {kind.value} note needs '{key}'", exit_code=2)
    for key, check in {**required, **optional}.items():
        value = fields.get(key)
        if value is not None and (message := check(_as_yaml(value))) is not None:
            raise LemmaError(f"'{key}' {message} (got {value!r})", exit_code=2)


def _as_yaml(value: Any) -> Any:
    """The value as the frontmatter will hold it once written and read back."""
    return list(value) if isinstance(value, tuple) else value


def name_clash(vault: Vault, name: str, exclude: str = "") -> str | None:
    """Why `name` cannot be a new title or alias (it names a note other than `exclude`), or None."""
    key = fold(name)
    for how, what in ((Match.TITLE, "title"), (Match.ALIAS, "an alias"),
                      (Match.FILE, "the file name")):
        paths = [p for p in vault.index.by_name[how].get(key, ()) if p != exclude]
        if paths:
            note = vault.notes[paths[0]]
            if how is Match.TITLE:
                return f"a note titled '{note.title}' already exists: {note.path}"
            return f"'{name}' is already {what} of {note.path} ('{note.title}')"
    return None


def _choose_path(vault: Vault, spec: NewNote, title: str, reserved: Collection[str]) -> str:
    """`<kind folder>/<slug>.md`: an explicit slug must be free; a derived one is made unique."""
    folder = KIND_FOLDER[spec.kind]
    if spec.slug is not None:
        slug = spec.slug.removesuffix(".md")
        if slug != slugify(slug):
            raise LemmaError(f"slug '{slug}' must be lower-case ASCII words joined by '-', "
                             f"e.g. '{slugify(slug)}'", exit_code=2)
        path = f"{folder}/{slug}.md"
        if _file_taken(vault, path):
            owner = vault.notes.get(path)
            named = f" (note '{owner.title}')" if owner else ""
            raise LemmaError(f"{path} already exists{named}; nothing was written")
        if (clash := name_clash(vault, slug)) is not None:
            raise LemmaError(f"file name '{slug}' would take over links: {clash}")
        return path

    def taken(candidate: str) -> bool:
        path = f"{folder}/{candidate}"
        if _file_taken(vault, f"{path}.md") or {fold(candidate), fold(path)} & set(reserved):
            return True
        return any(fold(candidate) in table for table in vault.index.by_name.values())

    return f"{folder}/{unique_slug(slugify(title), taken)}.md"


def _file_taken(vault: Vault, path: str) -> bool:
    """Whether a file of that name exists (compared case-insensitively, as on macOS/Windows)."""
    if fold(path.removesuffix(".md")) in vault.index.by_path or (vault.root / path).exists():
        return True
    folder = (vault.root / path).parent
    if not folder.is_dir():
        return False
    return any(fold(entry.name) == fold(path.rsplit("/", 1)[-1]) for entry in folder.iterdir())


def load_template(root: Path, kind: NoteKind) -> tuple[str, str]:
    """The kind's template text and where it came from: the vault's `templates/`, else built in."""
    custom = root / TEMPLATE_FOLDER / f"{kind.value}.md"
    if custom.is_file():
        try:
            return custom.read_text(encoding="utf-8"), f"{TEMPLATE_FOLDER}/{kind.value}.md"
        except (OSError, UnicodeDecodeError) as error:
            raise LemmaError(f"cannot read template {custom}: {error}") from None
    builtin = resources.files("lemma") / "templates" / f"{kind.value}.md"
    return builtin.read_text(encoding="utf-8"), f"built-in template {kind.value}.md"


def render(template: str, values: Mapping[str, Any], origin: str) -> str:
    """Fill `{{name}}` placeholders: YAML-quoted in the frontmatter, plain text in the body.

    A frontmatter line whose placeholders are all empty is left out, so optional fields that
    were not given do not appear. Plain string replacement: nothing in a template is executed.
    """
    template = template.replace("\r\n", "\n")
    header_end = _header_end(template)
    out = []
    for number, line in enumerate(template.split("\n"), start=1):
        in_header = 0 < number < header_end
        names = _PLACEHOLDER.findall(line)
        for name in names:
            if name not in PLACEHOLDERS:
                raise LemmaError(f"{origin}:{number}: unknown placeholder '{{{{{name}}}}}'"
                                 f" (known: {', '.join(PLACEHOLDERS)})", exit_code=2)
        if in_header and names and all(_empty(values.get(n)) for n in names):
            continue
        fill = yaml_value if in_header else _plain
        out.append(_PLACEHOLDER.sub(lambda m, fill=fill: fill(values.get(m.group(1))), line))
    return "\n".join(out)


def _header_end(template: str) -> int:
    """The line number of the frontmatter's closing `---` (0 when there is no frontmatter)."""
    lines = template.split("\n")
    if not lines or lines[0].strip() != "---":
        return 0
    for number, line in enumerate(lines[1:], start=2):
        if line.strip() in ("---", "..."):
            return number
    return 0


def _empty(value: Any) -> bool:
    return value is None or value == "" or (isinstance(value, list | tuple) and not value)


def _plain(value: Any) -> str:
    if _empty(value):
        return ""
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def yaml_value(value: Any, in_list: bool = False) -> str:
    """`value` as YAML flow text that reads back as the same value (quoted only when needed)."""
    if _empty(value) and not isinstance(value, list | tuple):
        return '""'
    if isinstance(value, list | tuple):
        return "[" + ", ".join(yaml_value(v, in_list=True) for v in value) + "]"
    if isinstance(value, bool | int | float):
        return json.dumps(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    special = text[0] in "-?:,[]{}#&*!|>'\"%@` " or text[-1] in ": " or ": " in text or " #" in text
    if in_list and re.search(r"[,\[\]{}]", text):
        special = True
    if not special:
        try:
            special = yaml.safe_load(text) != text
        except yaml.YAMLError:
            special = True
    return json.dumps(text, ensure_ascii=False) if special else text


def _check_rendered(path: str, text: str, title: str, origin: str) -> None:
    """A template must give a valid note with the asked-for title (custom ones may not)."""
    note, problems = parse_note(path, text)
    errors = [p for p in problems if p.severity is Severity.ERROR]
    if errors:
        raise LemmaError(f"{origin} gives an invalid note: {errors[0].message}; fix the template",
                         exit_code=2)
    if note.title != title:
        raise LemmaError(f"{origin} must set the title (write 'title: {{{{title}}}}' in its "
                         "frontmatter)", exit_code=2)
