"""`lemma new`, `lemma mv`, `lemma list`: add, rename and find notes.

Imports only click and the core: `lemma new` must start fast (no sympy, no networkx).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
from click.shell_completion import CompletionItem

from ..model import LemmaError, NoteKind
from . import Project, pass_project

KINDS = ("paper", "take", "concept", "digest")
#: option -> the kinds it applies to (checked so a stray option is an error, not ignored).
OPTION_KINDS = {
    "authors": ("paper", "digest"), "year": ("paper",), "source": ("paper", "digest"),
    "venue": ("paper",), "status": ("paper",), "confidence": ("take",),
    "date": ("take", "digest"), "alias": KINDS, "tags": KINDS,
}
REQUIRED = {"paper": ("authors", "year", "source")}


@contextlib.contextmanager
def locked(project: Project) -> Iterator[None]:
    """Hold the vault lock (finishing any interrupted change first) while planning and writing.

    So a title is checked against the notes as they are, not as another command left them.
    """
    from ..authoring.apply import recover
    from ..authoring.lock import vault_lock

    with vault_lock(project.notes_dir):
        if (notice := recover(project.notes_dir)) is not None:
            click.echo(notice, err=True)
        yield


def complete_note(ctx: click.Context, param: click.Parameter, incomplete: str) -> list:
    """Shell completion for a NOTE argument: titles (and aliases) starting with what was typed.

    Read from the index, so a Tab press costs milliseconds, not a vault load.
    """
    from ..index.queries import names_starting
    from . import Project

    project = ctx.find_root().obj
    try:
        if not isinstance(project, Project):
            project = Project(ctx.find_root().params.get("notes"))
        with project.index(quiet=True) as index:
            index.refresh()
            return [CompletionItem(name) for name in names_starting(index.db, incomplete)]
    except LemmaError:
        return []


@click.command()
@click.argument("kind", type=click.Choice(KINDS))
@click.argument("title", required=False)
@click.option("--authors", help='Authors separated by ";", e.g. "Ada Lovelace; Alan Turing".')
@click.option("--year", type=int, help="Publication year (paper).")
@click.option("--source", help="URL of the paper or digest.")
@click.option("--venue", help="Journal or conference (paper).")
@click.option("--status", type=click.Choice(["read", "skimmed", "to-read"]),
              help="Reading status (paper).")
@click.option("--confidence", help="How sure you are, 0.95 or 95% (take).")
@click.option("--date", "date_", metavar="YYYY-MM-DD", help="Date of a take or digest "
              "(default: today).")
@click.option("--tags", help='Tags separated by ",", e.g. "alignment,theory".')
@click.option("--alias", multiple=True, help="Another name the note can be linked by "
              "(repeatable).")
@click.option("--slug", help="File name without .md (default: from the title).")
@click.option("--edit", is_flag=True, help="Open the new note in $EDITOR.")
@click.option("--from-bibtex", "bibtex", type=click.Path(dir_okay=False, path_type=Path),
              help="Create paper notes from the entries of a .bib file.")
@click.option("--key", help="With --from-bibtex: only the entry with this key.")
@click.option("--arxiv", "arxiv_id", metavar="ID",
              help="Create a paper note from arXiv's record of ID (e.g. 2201.02177).")
@click.option("--dry-run", is_flag=True, help="Print what would be created or updated; "
              "write nothing.")
@pass_project
def new(project: Project, kind: str, title: str | None, edit: bool, bibtex: Path | None,
        key: str | None, arxiv_id: str | None, dry_run: bool, slug: str | None,
        **options: Any) -> None:
    """Create a KIND note titled TITLE from its template, never overwriting anything.

    With --from-bibtex, notes an earlier import created are updated from their entries
    (fields you edited are kept); --arxiv fills a paper note from arXiv's API.
    """
    from ..authoring.new import NewNote, create_note, plan_new

    if bibtex is not None or arxiv_id is not None:
        option = "--from-bibtex" if bibtex is not None else "--arxiv"
        if kind != "paper" or title or (bibtex is not None and arxiv_id is not None):
            raise LemmaError(f"{option} creates paper notes: use 'lemma new paper {option} "
                             f"{'FILE' if bibtex is not None else 'ID'}'", exit_code=2)
        if arxiv_id is not None:
            return _import_arxiv(project, arxiv_id, dry_run)
        _import_bibtex(project, bibtex, key, dry_run)  # type: ignore[arg-type]
        return
    if not title:
        raise LemmaError(f"missing TITLE: lemma new {kind} \"Title of the note\"", exit_code=2)
    fields = _fields(kind, options)
    with contextlib.nullcontext() if dry_run else locked(project):
        vault = project.load_vault()
        creation = plan_new(vault, NewNote(NoteKind(kind), title, fields, slug))
        if dry_run:
            click.echo(f"would create {vault.root / creation.path}; nothing written")
            return
        path = create_note(vault.root, creation)
    click.echo(str(path))
    if edit:
        click.edit(filename=str(path))


def _fields(kind: str, options: dict[str, Any]) -> dict[str, Any]:
    """The frontmatter fields given on the command line, checked against the kind."""
    given = {name: value for name, value in options.items() if value not in (None, ())}
    for name in given:
        option = "date" if name == "date_" else name
        if kind not in OPTION_KINDS[option]:
            kinds = " and ".join(f"{k} notes" for k in OPTION_KINDS[option])
            raise LemmaError(f"--{option} is for {kinds}, not {kind} notes", exit_code=2)
    missing = [f"--{name}" for name in REQUIRED.get(kind, ()) if name not in given]
    if missing:
        raise LemmaError(f"a {kind} note needs {', '.join(missing)}", exit_code=2)
    fields: dict[str, Any] = {}
    if "authors" in given:
        fields["authors"] = [a.strip() for a in given["authors"].split(";") if a.strip()]
    if "tags" in given:
        fields["tags"] = [t.strip().lstrip("#") for t in given["tags"].split(",") if t.strip()]
    if "alias" in given:
        fields["aliases"] = [a.strip() for a in given["alias"] if a.strip()]
    if "date_" in given:
        try:
            fields["date"] = dt.date.fromisoformat(given["date_"])
        except ValueError:
            raise LemmaError(f"--date '{given['date_']}' is not a date written YYYY-MM-DD",
                             exit_code=2) from None
    if "confidence" in given:
        fields["confidence"] = _confidence(given["confidence"])
    for name in ("year", "source", "venue", "status"):
        if name in given:
            fields[name] = given[name]
    return fields


def _confidence(text: str) -> float | str:
    """`0.95` -> 0.95; `95%` is kept as written (the frontmatter accepts both)."""
    try:
        return float(text)
    except ValueError:
        return text.strip()


def _import_arxiv(project: Project, arxiv_id: str, dry_run: bool) -> None:
    """One paper note from arXiv's API (the network is needed; a clear error without it)."""
    from ..arxiv import fetch_arxiv, plan_arxiv

    entry = fetch_arxiv(arxiv_id)
    with contextlib.nullcontext() if dry_run else locked(project):
        vault = project.load_vault()
        creation = plan_arxiv(vault, entry)
        if not dry_run:
            from ..authoring.new import create_note

            create_note(vault.root, creation)
    verb = "would create" if dry_run else "created"
    click.echo(f"{verb} {vault.root / creation.path} ({entry.key})"
               + ("; nothing written" if dry_run else ""))


def _import_bibtex(project: Project, bibtex: Path, key: str | None, dry_run: bool) -> None:
    """Create paper notes for new entries and update the fields of notes earlier imports made."""
    from ..authoring.apply import apply_changes
    from ..bibtex import plan_bibtex

    with contextlib.nullcontext() if dry_run else locked(project):
        vault = project.load_vault()
        plan = plan_bibtex(vault, bibtex, key)
        changes = plan.changes()
        if changes and not dry_run:
            apply_changes(vault.root, changes, f"import of {bibtex.name}")
    for entry_key, creation in plan.creations:
        verb = "would create" if dry_run else "created"
        click.echo(f"{verb} {vault.root / creation.path} ({entry_key})")
    for update in plan.updates:
        if update.changed:
            verb = "would update" if dry_run else "updated"
            click.echo(f"{verb} {update.path} ({update.key}): {'; '.join(update.changed)}")
        for kept in update.kept:
            click.echo(f"kept {update.path} ({update.key}): {kept}")
    for entry_key, reason in plan.skipped:
        click.echo(f"skipped {entry_key}: {reason}")
    for problem in plan.problems:
        click.echo(f"error: {problem}", err=True)
    updated = sum(1 for u in plan.updates if u.changed)
    made, changed = ("to create", "to update") if dry_run else ("created", "updated")
    click.echo(("dry run: " if dry_run else "")
               + f"{len(plan.creations)} {made}, {updated} {changed}, "
               f"{len(plan.updates) - updated} up to date, {len(plan.skipped)} skipped as "
               f"existing, {len(plan.problems)} failed" + ("; nothing written" if dry_run else ""))
    if plan.problems:
        raise SystemExit(1)


@click.command()
@click.argument("old", metavar="NOTE", shell_complete=complete_note)
@click.argument("new", metavar="NEW")
@click.option("--dry-run", is_flag=True, help="Print the plan and change nothing.")
@pass_project
def mv(project: Project, old: str, new: str, dry_run: bool) -> None:
    """Rename NOTE to NEW (a title, or a file path ending in .md) and rewrite links to it."""
    from ..authoring.rename import apply_rename, plan_rename

    with contextlib.nullcontext() if dry_run else locked(project):
        vault = project.load_vault()
        for problem in vault.unread_notes():  # its links to NOTE could not be rewritten
            raise LemmaError(f"cannot rename safely: {problem.pos.path} could not be read "
                             f"({problem.code}: {problem.message}); fix or move it first, "
                             "then run 'lemma mv' again")
        plan = plan_rename(vault, old, new)
        for line in plan.lines():
            click.echo(line)
        links = sum(1 for edit in plan.edits if edit.old.lstrip("!").startswith("[["))
        files = len(plan.changes)
        if dry_run:
            click.echo(f"dry run: {links} links in {files} files would change; nothing written")
            return
        apply_rename(vault.root, plan)
    click.echo(f"renamed '{plan.old_title}' to '{plan.new_title}': {links} links rewritten "
               f"in {files} files")


def _citing_rows(project: Project, db: Any, rows: list, key: str) -> list:
    """The rows of notes that cite `key` (an unknown key is an error with "did you mean")."""
    from ..index.cites import citing_sources
    from .cites import check_citekey

    sources = citing_sources(db, key)
    if not sources:
        check_citekey(project, db, key)
    return [row for row in rows if row.path in sources]


@click.command(name="list")
@click.option("--kind", type=click.Choice([k.value for k in NoteKind]), help="Only this kind.")
@click.option("--tag", help="Only notes with this tag (or a tag below it, like tag/sub).")
@click.option("--since", metavar="YYYY-MM-DD",
              help="Only notes dated (frontmatter 'date') or modified on or after DATE.")
@click.option("--orphans", is_flag=True, help="Only notes no other note links to.")
@click.option("--broken", is_flag=True, help="Only notes with a link that does not resolve.")
@click.option("--cites", metavar="KEY", help="Only notes that cite @KEY (a citekey).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@pass_project
def list_notes(project: Project, kind: str | None, tag: str | None, since: str | None,
               orphans: bool, broken: bool, cites: str | None, fmt: str) -> None:
    """List notes, filtered by kind, tag, date, orphans, broken links or a citekey."""
    start = None
    if since is not None:
        try:
            start = dt.date.fromisoformat(since)
        except ValueError:
            raise LemmaError(f"--since '{since}' is not a date written YYYY-MM-DD",
                             exit_code=2) from None
    if fmt == "text" and cites is None and not (tag or start or orphans or broken):
        _list_plainly(project, kind)  # (the filtering machinery below is not even imported)
        return
    from ..authoring.listing import NoteFilter, row_json, select_notes
    from ..index.queries import note_rows

    with project.index() as index:
        index.refresh()
        rows = select_notes(note_rows(index.db, links=orphans, kind=kind),
                            NoteFilter(kind, tag, start, orphans, broken))
        if cites is not None:
            rows = _citing_rows(project, index.db, rows, cites.removeprefix("@"))
    if fmt == "json":
        click.echo(json.dumps([row_json(row) for row in rows], indent=2, ensure_ascii=False))
        return
    width = max((len(row.path) for row in rows), default=0)
    if rows:
        click.echo("\n".join(f"{row.path:<{width}}  {row.kind:<7}  {row.title}" for row in rows))


def _list_plainly(project: Project, kind: str | None) -> None:
    """`lemma list [--kind K]` as text: the lines formatted by the index itself."""
    from ..index.queries import listed_text

    with project.index() as index:
        index.refresh()
        text = listed_text(index.db, kind)
    if text:  # color=True: nothing here is styled, so click need not look for styles to strip
        click.echo(text, color=True)
