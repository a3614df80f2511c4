"""A page per tag, nested tags included: `#ml/theory` has `tags/ml/theory.md`, and the page of
`#ml` lists the notes tagged `ml` or any `ml/…`. The tags index becomes the tree of them all.

Tags are matched case-insensitively (as Obsidian does); a tag shows as first written in path
order. Every page is Markdown with relative links, rebuilt from the vault on each build.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable

from ..model import Note, NoteKind
from ..vault import Vault
from .render_links import escape_label, md_url, relative_url
from .tag_paths import tag_page

TAGS_INDEX = "tags/index.md"
KIND_ORDER = (NoteKind.PAPER, NoteKind.TAKE, NoteKind.CONCEPT, NoteKind.DIGEST, NoteKind.NOTE)
KIND_HEADING = {NoteKind.PAPER: "Papers", NoteKind.TAKE: "Quick takes",
                NoteKind.CONCEPT: "Concepts", NoteKind.DIGEST: "Digests", NoteKind.NOTE: "Notes"}


def collect(vault: Vault) -> dict[str, tuple[str, list[Note]]]:
    """Page path -> (tag as shown, notes tagged with it or a subtag), parents included."""
    pages: dict[str, tuple[str, list[Note]]] = {}
    for note in sorted(vault, key=lambda n: n.path):
        for tag in note.tags:
            segments = [s for s in tag.strip("/").split("/") if s.strip()]
            for depth in range(1, len(segments) + 1):
                name = "/".join(segments[:depth])
                path = tag_page(name)
                notes = pages.setdefault(path, (name, []))[1]
                if not notes or notes[-1] is not note:
                    notes.append(note)
    return pages


def generate(vault: Vault) -> dict[str, tuple[str, str]]:
    """Vault path -> (nav title, Markdown) of the tags index and every tag's page."""
    pages = collect(vault)
    if not pages:
        return {}
    out = {TAGS_INDEX: ("Tags", index_page(pages))}
    for path, (tag, notes) in pages.items():
        out[path] = (f"#{tag}", one_tag(path, tag, notes, pages))
    return out


def index_page(pages: dict[str, tuple[str, list[Note]]]) -> str:
    """Every tag as a nested list, each linked to its page with how many notes carry it."""
    lines = ["---\ntitle: Tags\n---\n", "# Tags\n",
             f"{sum(1 for t, _ in pages.values() if '/' not in t)} tags; a nested tag such as "
             "`#a/b` also counts under `#a`.\n"]
    for path in sorted(pages, key=lambda p: pages[p][0].casefold()):
        tag, notes = pages[path]
        depth = tag.count("/")
        label = escape_label("#" + tag.rsplit("/", 1)[-1] if depth else "#" + tag)
        lines.append(f"{'    ' * depth}- [{label}]({md_url(relative_url(TAGS_INDEX, path))}) "
                     f'<span class="lemma-meta">{_count(len(notes))}</span>')
    return "\n".join(lines) + "\n"


def one_tag(path: str, tag: str, notes: list[Note],
            pages: dict[str, tuple[str, list[Note]]]) -> str:
    """One tag's page: where it sits among the tags, its subtags, its notes by kind."""
    crumbs = [f"[Tags]({md_url(relative_url(path, TAGS_INDEX))})"]
    segments = tag.split("/")
    for depth in range(1, len(segments)):
        parent = tag_page("/".join(segments[:depth]))
        crumbs.append(f"[#{escape_label(segments[depth - 1])}]"
                      f"({md_url(relative_url(path, parent))})")
    title = f"#{tag}"
    lines = [f"---\ntitle: {_yaml(title)}\n---\n", f"# {escape_label(title)}\n",
             f'<p class="lemma-crumbs" markdown="span">{" › ".join(crumbs)}</p>\n',
             f"{_count(len(notes))} tagged {escape_label(title)}.\n"]
    children = sorted((p for p, (t, _) in pages.items() if posixpath.dirname(t) == tag
                       and t.startswith(tag + "/")), key=lambda p: pages[p][0].casefold())
    if children:
        links = ", ".join(f"[#{escape_label(pages[c][0])}]({md_url(relative_url(path, c))})"
                          for c in children)
        lines.append(f"Subtags: {links}.\n")
    for kind in KIND_ORDER:
        of_kind = [n for n in notes if n.kind is kind]
        if of_kind:
            lines.append(f"\n## {KIND_HEADING[kind]}\n")
            lines += [_item(path, n) for n in _by_title(of_kind)]
    return "\n".join(lines) + "\n"


def _item(host: str, note: Note) -> str:
    own = ", ".join("#" + t for t in note.tags)
    up = "../" * host.count("/")  # vault paths are root-relative: cheaper than relpath
    return (f"- [{escape_label(note.title)}]({md_url(up + note.path)}) "
            f'<span class="lemma-meta">{escape_label(own)}</span>')


def _by_title(notes: Iterable[Note]) -> list[Note]:
    return sorted(notes, key=lambda n: (n.title.casefold(), n.path))


def _count(n: int) -> str:
    return f"{n} note{'' if n == 1 else 's'}"


def _yaml(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
