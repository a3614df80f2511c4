"""Renaming a note: plan every text edit (title, file, each wikilink to it), verify, apply at once.

`plan_rename` reads files but writes nothing; it re-resolves every link of the vault as it will
be after the rename and refuses a plan that would send any link somewhere else.
`apply_rename` then writes all files or none (see `authoring.apply.apply_changes`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..links import NameIndex, fold, lookup_key, markdown_link_text, name_keys
from ..model import LemmaError, Note, WikiLink
from ..note_parse import parse_note
from ..slug import slugify, unique_slug
from ..vault import IGNORED_FOLDERS, Vault
from .apply import apply_changes, check_writable
from .files import FileChange, linked_folder, read_raw
from .new import name_clash, yaml_value

_TITLE_LINE = re.compile(r"^title[ \t]*:.*$", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Edit:
    """One line of the printed plan: `path:line old → new`."""

    path: str
    line: int
    old: str
    new: str

    def format(self) -> str:
        return f"{self.path}:{self.line} {self.old} → {self.new}"


@dataclass(frozen=True, slots=True)
class RenamePlan:
    """Everything `lemma mv` will change: the note's path and title, and each edited link."""

    source: str
    target: str
    old_title: str
    new_title: str
    edits: tuple[Edit, ...]
    changes: tuple[FileChange, ...]

    def lines(self) -> list[str]:
        """The plan as printed: the move (if any), then one line per edit."""
        head = [f"{self.source} → {self.target}"] if self.source != self.target else []
        return head + [edit.format() for edit in self.edits]


def plan_rename(vault: Vault, name: str, new: str, keep_path: bool = False) -> RenamePlan:
    """Plan renaming the note `name` to `new`: a new title, or a new file path ending in `.md`.

    A new title also renames the file to the title's slug (same folder) unless `keep_path`
    (an editor that cannot rename files); a new path keeps the title. Raises LemmaError when
    the new name is taken or a link would change its target.
    """
    note = vault.find(name)
    new = new.strip()
    if not new:
        raise LemmaError("the new name is empty", exit_code=2)
    if new.lower().endswith(".md"):
        target = _target_path(note, new)
        title = note.title if _explicit_title(note) else target.rsplit("/", 1)[-1][:-3]
    else:
        title = new
        if re.search(r"[\[\]|#\n]", title):
            raise LemmaError(f"'{title}' cannot be a title that links use: it contains one of "
                             "[ ] | # (put such text in the note instead)", exit_code=2)
        target = note.path if keep_path else _title_path(vault, note, title)
    if (target, title) == (note.path, note.title):
        raise LemmaError(f"nothing to do: {note.path} is already titled '{note.title}'")
    _check_free(vault, note, title, target)
    if (why := linked_folder(vault.root, target)) is not None:
        raise LemmaError(f"cannot move {note.path} to {target}: {why}", exit_code=2)
    edits: list[Edit] = []
    texts: dict[str, tuple[str, str]] = {}  # path -> (old raw text, new raw text)
    for other in vault:
        replacements = _link_edits(vault, other, note, target, title, edits)
        retitle = other.path == note.path and title != note.title
        if replacements or retitle or (other.path == note.path and target != note.path):
            texts[other.path] = _edit_file(vault.root, other, replacements,
                                           title if retitle else None, edits)
    changes = tuple(FileChange(p, target if p == note.path else p, old, new_text)
                    for p, (old, new_text) in texts.items())
    plan = RenamePlan(note.path, target, note.title, title,
                      tuple(sorted(edits, key=lambda e: (e.path, e.line))), changes)
    _verify(vault, plan)
    check_writable(vault.root, changes)
    return plan


def apply_rename(root: Path, plan: RenamePlan) -> None:
    """Write the plan: every file or none (see `authoring.apply.apply_changes`)."""
    apply_changes(root, plan.changes, f"rename of '{plan.old_title}' to '{plan.new_title}'")


def _explicit_title(note: Note) -> bool:
    """Whether the title is written in the note (frontmatter or H1), not taken from the file."""
    return note.title != note.stem or isinstance(note.meta.get("title"), str)


def _target_path(note: Note, new: str) -> str:
    """The vault-relative path `new` names: a bare file name stays in the note's folder.

    A leading `/` means the vault's top folder. A path the vault does not publish (hidden, or
    in the templates folder) is refused: the note would silently drop out of the vault.
    """
    rooted = new.startswith(("/", "\\"))
    raw = PurePosixPath(new.replace("\\", "/").lstrip("/"))
    if ".." in raw.parts or not raw.name[:-3].strip():
        raise LemmaError(f"'{new}' is not a path inside the vault", exit_code=2)
    raw = raw.with_name(raw.name[:-3] + ".md")  # `.MD` would not be read as a note
    target = f"{note.folder}/{raw}" if len(raw.parts) == 1 and note.folder and not rooted \
        else str(raw)
    parts = target.split("/")
    if any(part.startswith(".") for part in parts):
        raise LemmaError(f"cannot move {note.path} to {target}: a name starting with '.' is "
                         "hidden, and hidden files are not part of the vault", exit_code=2)
    if len(parts) > 1 and parts[0].lower() in IGNORED_FOLDERS:
        raise LemmaError(f"cannot move {note.path} to {target}: {parts[0]}/ holds note "
                         "templates, not notes of the vault", exit_code=2)
    return target


def _title_path(vault: Vault, note: Note, title: str) -> str:
    """The note's path after retitling: the title's slug in the same folder, kept unique."""
    base = slugify(title)
    if base == note.stem:
        return note.path
    prefix = f"{note.folder}/" if note.folder else ""

    def taken(candidate: str) -> bool:
        path = f"{prefix}{candidate}.md"
        if path == note.path:
            return False
        return (vault.root / path).exists() or name_clash(vault, candidate, note.path) is not None

    return f"{prefix}{unique_slug(base, taken)}.md"


def _check_free(vault: Vault, note: Note, title: str, target: str) -> None:
    """The new title and file name must not already name another note."""
    if fold(title) != fold(note.title) and (clash := name_clash(vault, title, note.path)):
        raise LemmaError(f"cannot rename to '{title}': {clash}")
    stem = target.rsplit("/", 1)[-1][:-3]
    if target != note.path:
        if (vault.root / target).exists():
            raise LemmaError(f"cannot move {note.path} to {target}: that file already exists")
        if fold(stem) != fold(note.stem) and (clash := name_clash(vault, stem, note.path)):
            raise LemmaError(f"cannot move {note.path} to {target}: the file name would take "
                             f"over links ({clash})")


def _link_edits(vault: Vault, source: Note, note: Note, target: str, title: str,
                edits: list[Edit]) -> dict[int, tuple[WikiLink, str]]:
    """The links of `source` that point at `note` and must change: start -> (link, new raw)."""
    found = {}
    for link, resolved in zip(source.links, vault.resolved[source.path], strict=True):
        if resolved.target != note.path or not link.target or link.cite is not None:
            continue
        if link.markdown:  # [x](file.md) names the file: it changes only when the file moves
            if target == note.path:
                continue
            raw = markdown_link_text(link, target, source.path)
        else:
            written = _new_target(link.target, note, target, title)
            if written is None or written == link.target:
                continue
            offset = link.raw.index(link.target, 2)
            raw = link.raw[:offset] + written + link.raw[offset + len(link.target):]
        found[link.start] = (link, raw)
        edits.append(Edit(source.path, link.pos.line, link.raw, raw))
    return found


def _new_target(written: str, note: Note, target: str, title: str) -> str | None:
    """How a link must name the note after the rename, keeping the form it used (None: as is).

    A path stays a path, a title becomes the new title, a file name the new file name; an alias
    still applies, so alias links are left alone.
    """
    key = fold(written).lstrip("/")
    had_md = key.endswith(".md")
    key = key.removesuffix(".md")
    if "/" in key or had_md:
        if target == note.path:
            return None
        path = target if had_md else target.removesuffix(".md")
        return ("/" if written.startswith("/") else "") + path
    if key == fold(note.title):
        return None if title == note.title else title
    stem = target.rsplit("/", 1)[-1].removesuffix(".md")
    if key == fold(note.stem):
        return None if stem == note.stem else stem
    return None


def _edit_file(root: Path, note: Note, replacements: dict[int, tuple[WikiLink, str]],
               title: str | None, edits: list[Edit]) -> tuple[str, str]:
    """Apply link replacements (and a new title) to the note's file text; (old, new) raw text."""
    try:
        raw = read_raw(root / note.path)
    except (OSError, UnicodeDecodeError) as error:
        raise LemmaError(f"cannot read {note.path}: {error}") from None
    bom = "\ufeff" if raw.startswith("\ufeff") else ""
    crlf = "\r\n" in raw
    text = raw.removeprefix(bom).replace("\r\n", "\n")
    offset = len(text) - len(note.body)
    if offset < 0 or text[offset:] != note.body:
        raise LemmaError(f"{note.path} changed while planning; run the command again")
    spans = [(offset + link.start, offset + link.end, new)
             for link, new in replacements.values()]
    header = text[:offset]
    if title is not None:
        header, span = _retitle(note, header, offset, title, edits)
        spans += [span] if span else []
    body = text
    for start, end, new in sorted(spans, reverse=True):
        body = body[:start] + new + body[end:]
    text = header + body[offset:]
    return raw, bom + (text.replace("\n", "\r\n") if crlf else text)


def _retitle(note: Note, header: str, offset: int, title: str,
             edits: list[Edit]) -> tuple[str, tuple[int, int, str] | None]:
    """Change the title where it is written: the `title:` line, else the H1, else add one."""
    line = f"title: {yaml_value(title)}"
    match = _TITLE_LINE.search(header)
    if isinstance(note.meta.get("title"), str) and match:
        number = header.count("\n", 0, match.start()) + 1
        edits.append(Edit(note.path, number, match.group(0), line))
        return header[: match.start()] + line + header[match.end():], None
    h1 = next((h for h in note.headings if h.level == 1 and h.text == note.title), None)
    if h1 is not None:
        lines = note.body.split("\n")
        index = h1.line - note.body_line
        start = offset + sum(len(text) + 1 for text in lines[:index])
        old = lines[index]
        new = old.replace(h1.text, title, 1)
        edits.append(Edit(note.path, h1.line, old, new))
        return header, (start, start + len(old), new)
    edits.append(Edit(note.path, 1, "(title from the file name)", line))
    if header.startswith("---"):
        first = header.index("\n") + 1
        return header[:first] + line + "\n" + header[first:], None
    return f"---\n{line}\n---\n" + header, None


def _verify(vault: Vault, plan: RenamePlan) -> None:
    """Re-resolve every link as the vault will be; refuse if any points somewhere new.

    A link's target can change only where a note gains or loses a name the link is looked up
    by (`link_key`), and only the changed files' notes change names. So the links checked
    again are the changed files' and those looked up by a name a changed note has before or
    after, against the names under those keys as they will be; every other link resolves as
    it does now (100k notes: the links naming the note, not half a million).
    """
    before = {change.path: vault.notes[change.path] for change in plan.changes}
    after: dict[str, Note] = {}
    for change in plan.changes:
        text = change.new_text.removeprefix("\ufeff").replace("\r\n", "\n")
        after[change.new_path], _ = parse_note(change.new_path, text)
    if after[plan.target].title != plan.new_title:
        raise LemmaError(f"could not rewrite the title of {plan.source}; edit it by hand")
    keys = {key for note in (*before.values(), *after.values())
            for key in name_keys(note.path, note.title, note.aliases)}
    named = {path for key in keys for table in vault.index.by_name.values()
             for path in table.get(key, ()) if path not in before}
    will_be = NameIndex.build(
        ((n.path, n.title, n.aliases) for n in [*(vault.notes[p] for p in named),
                                               *after.values()]),
        [a for a in vault.attachments if name_keys(a) & keys])
    moved = {change.new_path: change.path for change in plan.changes}
    naming = vault._sources_naming(keys) - set(before)
    checked = [*((p, n) for p, n in vault.notes.items() if p in naming), *after.items()]
    for path, note in checked:
        resolved = vault.resolved[moved.get(path, path)]
        if len(resolved) != len(note.links):
            raise LemmaError(f"{path}: the rename would change which text is a link; "
                             "nothing was changed (rename by hand)")
        for link, old in zip(note.links, resolved, strict=True):
            if not link.target or old.target is None or link.cite is not None:
                continue  # a citation names a citekey, which a rename keeps
            index = will_be if lookup_key(link) in keys else vault.index
            now = index.resolve(link.target, path, link.is_attachment)
            expected = plan.target if old.target == plan.source else old.target
            if now.status != "ok" or now.path != expected:
                where = now.path or now.status
                raise LemmaError(f"{link.pos}: after the rename {link.raw} would point to "
                                 f"{where} instead of {expected}; nothing was changed")
