"""`lemma graph …`: explore the concept graph — stats, backlinks, paths, suggestions, exports.

Every NOTE argument is a title, alias, file name or path (any case); a miss says "did you mean".
networkx is imported only when one of these commands runs.
"""

from __future__ import annotations

import contextlib
import json
import textwrap
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import click

from ..model import LemmaError
from . import Project, pass_project
from .authoring import complete_note

WIDTH = 100
_FORMAT = click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
                       show_default=True, help="Output format.")


@click.group()
def graph() -> None:
    """Explore the concept graph of the notes."""


@contextlib.contextmanager
def _load(project: Project) -> Iterator[tuple[Callable[[str], str], Any]]:
    """A finder of notes by name and the concept graph, both read from the vault's index."""
    from ..graph.concept import build_graph
    from ..graph.indexed import graph_from_index
    from ..index.queries import find_note

    with project.index() as index:
        vault = index.refresh().vault
        if vault is not None:  # a first build made the whole vault: no need to wait for it
            yield (lambda name: vault.find(name).path), build_graph(vault)
        else:
            yield (lambda name: find_note(index.db, name)), graph_from_index(index.db)


def _echo_json(data: object) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


def _table(rows: Sequence[Sequence[object]], right: Sequence[int] = ()) -> list[str]:
    """Rows as aligned columns (columns listed in `right` right-aligned), no trailing spaces."""
    if not rows:
        return []
    cells = [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(cells[0]))]
    lines = []
    for row in cells:
        parts = [c.rjust(w) if i in right else c.ljust(w)
                 for i, (c, w) in enumerate(zip(row, widths, strict=True))]
        lines.append("  ".join(parts).rstrip())
    return lines


def _wrap(text: str, indent: str) -> str:
    return textwrap.fill(text, WIDTH, initial_indent=indent, subsequent_indent=indent)


def _plural(n: int, word: str, plural: str = "") -> str:
    return f"{n} {word if n == 1 else plural or word + 's'}"


def _rank(rank: float) -> str:
    """A PageRank as text: four decimals, or three significant digits below 0.001 (ranks are
    ~1e-5 at 100k notes, which four decimals print as 0.0000)."""
    return f"{rank:.4f}" if rank >= 0.001 else f"{rank:.2e}"


def _short(title: str, limit: int = 50) -> str:
    """A title cut to `limit` characters so table columns stay readable."""
    return title if len(title) <= limit else title[: limit - 1].rstrip() + "…"


@graph.command()
@_FORMAT
@click.option("--top", default=10, show_default=True, help="How many notes to rank by PageRank.")
@pass_project
def stats(project: Project, fmt: str, top: int) -> None:
    """Counts, broken links, orphans, top notes.

    Notes by kind, links, embeds, broken links, orphans, components and the top notes by
    PageRank.
    """
    from ..graph.indexed import index_stats

    with project.index() as index:
        data = index_stats(index, top)
        if fmt == "json":
            _echo_json(data)
            return
        kinds = ", ".join(_plural(n, k) for k, n in data["by_kind"].items())
        rows = [
            ("Notes", data["notes"], f"({kinds})" if kinds else ""),
            ("Attachments", data["attachments"], "linked from notes"),
            ("Links", data["links"], "wikilinks written, broken ones included"),
            ("Embeds", data["embeds"], "![[…]] embeds"),
            ("Linked pairs", data["edges"], "graph edges: note → note or attachment"),
            ("Broken links", data["broken"], "point to no note (see `lemma lint`)"),
            ("Missing headings", data["missing_headings"], "note exists, heading does not"),
            ("Orphans", data["orphans"], "no links in or out"),
            ("Components", data["components"], "connected groups of notes"),
        ]
        rows = [(label, f"{n:,}", detail) for label, n, detail in rows]
        for line in _table(rows, right=(1,)):
            click.echo(line)
        if data["top"]:
            click.echo("\nTop notes by PageRank")
            ranked = [(f"{i}.", _rank(t["pagerank"]), _short(t["title"]), t["note"])
                      for i, t in enumerate(data["top"], 1)]
            for line in _table(ranked, right=(0,)):
                click.echo("  " + line)


@graph.command()
@click.argument("note", shell_complete=complete_note)
@_FORMAT
@pass_project
def backlinks(project: Project, note: str, fmt: str) -> None:
    """Who links to NOTE, with the linking sentence; `@KEY`: who cites that citekey."""
    from ..index.queries import backlinks as query_backlinks
    from ..index.queries import find_note, title_of

    if note.startswith("@") and len(note) > 1:
        return _citations(project, note[1:], fmt)
    with project.index() as index:
        index.refresh()
        path = find_note(index.db, note)
        found = query_backlinks(index.db, path)
        title = title_of(index.db, path)
    if fmt == "json":
        _echo_json([{"source": b.source, "title": b.title, "line": b.line,
                     "sentence": b.sentence} for b in found])
        return
    click.echo(f"{title} — {_plural(len(found), 'backlink')}")
    for b in found:
        click.echo(f"\n{b.title}  ({b.source}:{b.line})")
        click.echo(_wrap(b.sentence, "    "))


def _citations(project: Project, key: str, fmt: str) -> None:
    """`lemma graph backlinks @KEY`: every citation of KEY, with its sentence."""
    from ..index.cites import citekey_owner, citing
    from .cites import check_citekey

    with project.index() as index:
        index.refresh()
        found = citing(index.db, key)
        owner = citekey_owner(index.db, key)
        if not found and owner is None:
            check_citekey(project, index.db, key)
    if fmt == "json":
        _echo_json([{"source": b.source, "title": b.title, "line": b.line,
                     "sentence": b.sentence} for b in found])
        return
    named = f"@{key} ({owner[1]}, {owner[0]})" if owner else f"@{key}"
    click.echo(f"{named} — {_plural(len(found), 'citation')}")
    for b in found:
        click.echo(f"\n{b.title}  ({b.source}:{b.line})")
        click.echo(_wrap(b.sentence, "    "))


@graph.command()
@click.argument("note", shell_complete=complete_note)
@click.option("--depth", "-k", default=1, show_default=True, type=click.IntRange(1, 10),
              help="How many links away to look.")
@_FORMAT
@pass_project
def neighbors(project: Project, note: str, depth: int, fmt: str) -> None:
    """Notes within DEPTH links of NOTE.

    Links are followed in either direction.
    """
    with _load(project) as (find, cg):
        path = find(note)
        found = cg.neighbors(path, depth)
        if fmt == "json":
            _echo_json([{"note": p, "title": cg.title(p)} for p in found])
            return
        within = "linked with" if depth == 1 else f"within {depth} links of"
        click.echo(f"{_plural(len(found), 'note')} {within} {cg.title(path)}")
        for line in _table([(_short(cg.title(p)), cg.graph.nodes[p]["kind"], p) for p in found]):
            click.echo("  " + line)


@graph.command()
@click.argument("a", shell_complete=complete_note)
@click.argument("b", shell_complete=complete_note)
@_FORMAT
@pass_project
def path(project: Project, a: str, b: str, fmt: str) -> None:
    """The shortest chain of links from A to B.

    Each hop is printed with the sentence that makes it; links are followed either way.
    """
    with _load(project) as (find, cg):
        start, end = find(a), find(b)
        hops = cg.shortest_path(start, end)
        if fmt == "json":
            _echo_json(None if hops is None else [
                {"source": h.source, "target": h.target, "line": h.line, "sentence": h.sentence}
                for h in hops])
            return
        if hops is None:
            click.echo(f"No path connects {cg.title(start)} and {cg.title(end)}.")
            raise SystemExit(1)
        click.echo(f"{cg.title(start)} → {cg.title(end)}: {_plural(len(hops), 'hop')}\n")
        here = start
        click.echo(cg.title(here))
        for hop in hops:
            forward = hop.source == here
            verb = "links to" if forward else "is linked from"
            click.echo(f"  │ {verb} ({hop.source}:{hop.line})")
            click.echo(_wrap(f"“{hop.sentence}”", "  │   "))
            here = hop.target if forward else hop.source
            click.echo(cg.title(here))


@graph.command()
@click.argument("note", shell_complete=complete_note)
@click.option("--limit", "-n", default=10, show_default=True, type=click.IntRange(1),
              help="How many suggestions.")
@_FORMAT
@pass_project
def related(project: Project, note: str, limit: int, fmt: str) -> None:
    """Links worth adding to NOTE.

    Notes not yet linked with NOTE, ranked by the neighbours they share with it
    (Adamic–Adar: a shared neighbour with few links counts more).
    """
    with _load(project) as (find, cg):
        path = find(note)
        found = cg.related(path, limit)
        if fmt == "json":
            _echo_json([{"note": p, "title": cg.title(p), "score": round(s, 6)} for p, s in found])
            return
        if not found:
            click.echo(f"No suggestions for {cg.title(path)}: no unlinked note shares a neighbour.")
            return
        click.echo(f"Notes to consider linking from {cg.title(path)} (by shared neighbours)")
        rows = [(f"{s:.3f}", _short(cg.title(p)), p) for p, s in found]
        for line in _table(rows, right=(0,)):
            click.echo("  " + line)


@graph.command()
@click.option("--limit", "-n", default=10, show_default=True, type=click.IntRange(1))
@_FORMAT
@pass_project
def hubs(project: Project, limit: int, fmt: str) -> None:
    """The most connected notes.

    Notes linking in, notes linked out, and PageRank.
    """
    from ..graph.algo import significant

    with _load(project) as (_, cg):
        ranks = cg.pagerank()
        found = cg.hubs(limit)
        if fmt == "json":
            _echo_json([{"note": p, "title": cg.title(p), "in": i, "out": o,
                         "pagerank": significant(ranks[p])} for p, i, o in found])
            return
        rows = [("in", "out", "pagerank", "title", "path")]
        rows += [(i, o, _rank(ranks[p]), _short(cg.title(p)), p) for p, i, o in found]
        for line in _table(rows, right=(0, 1, 2)):
            click.echo(line)


@graph.command()
@_FORMAT
@pass_project
def orphans(project: Project, fmt: str) -> None:
    """Notes with no links in or out."""
    with _load(project) as (_, cg):
        found = cg.orphans()
        if fmt == "json":
            _echo_json([{"note": p, "title": cg.title(p)} for p in found])
            return
        click.echo(f"{_plural(len(found), 'orphan note')}" + (":" if found else ""))
        for line in _table([(_short(cg.title(p)), p) for p in found]):
            click.echo("  " + line)


@graph.command()
@click.option("--min-size", default=2, show_default=True, type=click.IntRange(1),
              help="Hide communities smaller than this.")
@_FORMAT
@pass_project
def communities(project: Project, min_size: int, fmt: str) -> None:
    """Groups of densely linked notes.

    Louvain communities with a fixed seed: the same answer on every run.
    """
    with _load(project) as (_, cg):
        groups = [g for g in cg.communities() if len(g) >= min_size]
        if fmt == "json":
            _echo_json([[{"note": p, "title": cg.title(p)} for p in g] for g in groups])
            return
        ranks = cg.pagerank()
        click.echo(_plural(len(groups), "community", "communities") + f" of {min_size}+ notes")
        for i, group in enumerate(groups, 1):
            centre = max(group, key=lambda p: (ranks.get(p, 0.0), p))
            click.echo(f"\n{i}. {_plural(len(group), 'note')}, around {cg.title(centre)}")
            titles = sorted((cg.title(p) for p in group), key=str.casefold)
            click.echo(_wrap(", ".join(titles), "   "))


@graph.command()
@click.option("--format", "fmt", type=click.Choice(["json", "graphml", "gexf", "dot"]),
              required=True, help="json (everything), graphml/gexf (Gephi, Cytoscape), dot.")
@click.option("--output", "-o", "out", required=True, type=click.Path(path_type=Path),
              help="File to write ('-' for standard output).")
@pass_project
def export(project: Project, fmt: str, out: Path) -> None:
    """Write the graph for Gephi, Cytoscape, Graphviz.

    json keeps everything (each link with its path:line and sentence); graphml and gexf
    load in Gephi and Cytoscape; dot renders with Graphviz.
    """
    with _load(project) as (_, cg):
        text = cg.render(fmt)
        if str(out) == "-":
            click.echo(text, nl=False)
            return
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise LemmaError(f"cannot write {out}: {exc.strerror or exc}", exit_code=2) from None
        g = cg.graph
        click.echo(f"wrote {out}: {_plural(g.number_of_nodes(), 'node')}, "
                   f"{_plural(g.number_of_edges(), 'edge')} ({fmt})", err=True)
