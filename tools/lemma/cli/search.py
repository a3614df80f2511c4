"""`lemma search`: ranked full-text search of the notes, straight from the index."""

from __future__ import annotations

import json
import textwrap

import click

from ..model import LemmaError, NoteKind
from . import Project, pass_project

WIDTH = 100


@click.command()
@click.argument("query", nargs=-1, required=True)
@click.option("--kind", type=click.Choice([k.value for k in NoteKind]), help="Only this kind.")
@click.option("--tag", help="Only notes with this tag (or a tag below it, like tag/sub).")
@click.option("--limit", "-n", default=20, show_default=True, type=click.IntRange(1),
              help="How many results.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Output format.")
@pass_project
def search(project: Project, query: tuple[str, ...], kind: str | None, tag: str | None,
           limit: int, fmt: str) -> None:
    """Find notes by their words, best matches first.

    Every word must appear (titles and aliases weigh most); "quoted words" match as a phrase,
    word* matches a prefix, OR between words accepts either, -word excludes.
    """
    from ..index.queries import MATCH_END, MATCH_START
    from ..index.queries import search as run_search

    text = " ".join(query)
    with project.index() as index:
        index.refresh()
        hits = run_search(index.db, text, kind, tag, limit)
    if fmt == "json":
        click.echo(json.dumps([h.to_json() for h in hits], indent=2, ensure_ascii=False))
        return
    if not hits:
        raise LemmaError(f"no note matches '{text}'", exit_code=1)
    for rank, hit in enumerate(hits, 1):
        click.echo(f"{rank:>2}. {click.style(hit.title, bold=True)}  ({hit.path}, {hit.kind})")
        for line in textwrap.wrap(hit.snippet, WIDTH - 4):
            parts = line.replace(MATCH_END, MATCH_START).split(MATCH_START)
            click.echo("    " + "".join(click.style(p, bold=True) if i % 2 else p
                                        for i, p in enumerate(parts)))
