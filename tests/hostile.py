"""Hostile vault entries, generated: YAML bombs, symlink tricks, FIFOs, huge, unreadable, deep,
undecodable and far-dated notes. Each case is (id, builder, expected diagnostic code, path)."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import write_files

GOOD_NOTE = "---\ntitle: Good\n---\nA good note linking [[Other]].\n"
OTHER_NOTE = "---\ntitle: Other\ndate: 2024-01-02\n---\nThe other note, back to [[Good]].\n"
#: `max_note_size` (MB) used for generated vaults, so a "huge" note is small enough to write fast.
SIZE_LIMIT_MB = 0.2


def bomb(field: str, levels: int = 9) -> str:
    """A "billion laughs" frontmatter whose `field` expands to 9**levels strings."""
    lols = ",".join(['"lol"'] * 9)
    lines = ["---", "title: Bomb", f"l0: &l0 [{lols}]"]
    for i in range(1, levels):
        lines.append(f"l{i}: &l{i} [" + ",".join([f"*l{i - 1}"] * 9) + "]")
    if field == "title":
        del lines[1]
    lines.append(f"{field}: *l{levels - 1}")
    return "\n".join([*lines, "---", "Body of a bomb.", ""])


def nested(field: str, depth: int = 500) -> str:
    """A frontmatter field nested `depth` lists deep."""
    return f"---\ntitle: Deep\n{field}: {'[' * depth}x{']' * depth}\n---\nbody\n"


@dataclass(frozen=True)
class Case:
    """One bad entry: `make(root)` creates it; lint must report `code` for `path`."""

    id: str
    make: Callable[[Path], None]
    code: str
    path: str


def _text(path: str, content: str | bytes) -> Callable[[Path], None]:
    def make(root: Path) -> None:
        write_files(root, {path: content})
    return make


def _symlink(path: str, points_to: str, *, folder: str | None = None) -> Callable[[Path], None]:
    def make(root: Path) -> None:
        if folder:
            (root / folder).mkdir(parents=True, exist_ok=True)
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        os.symlink(points_to, root / path)
    return make


def _chain(*steps: Callable[[Path], None]) -> Callable[[Path], None]:
    def make(root: Path) -> None:
        for step in steps:
            step(root)
    return make


def _fifo(path: str) -> Callable[[Path], None]:
    def make(root: Path) -> None:
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        os.mkfifo(root / path)
    return make


def _unreadable(path: str, content: str, folder: bool = False) -> Callable[[Path], None]:
    def make(root: Path) -> None:
        _text(path, content)(root)
        os.chmod(root / (path.split("/", 1)[0] if folder else path), 0)
    return make


def _deep(depth: int = 60, name: str = "n" * 100) -> Callable[[Path], None]:
    """A note below a folder path longer than PATH_MAX (made with relative mkdirs)."""
    def make(root: Path) -> None:
        fd = os.open(root, os.O_RDONLY)
        try:
            for _ in range(depth):
                os.mkdir(name, dir_fd=fd)
                child = os.open(name, os.O_RDONLY, dir_fd=fd)
                os.close(fd)
                fd = child
            note = os.open("deep.md", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
            os.write(note, b"# Deep\n")
            os.close(note)
        finally:
            os.close(fd)
    return make


def _huge(path: str, megabytes: float) -> Callable[[Path], None]:
    line = "A line of a huge note linking [[Good]] and more text.\n"
    return _text(path, "---\ntitle: Huge\n---\n" + line * int(megabytes * 1e6 / len(line)))


def _dated(title: str, date: str) -> str:
    return f"---\ntitle: {title}\ndate: {date}\n---\nDated {date}.\n"


def cases(unreadable: bool = True) -> list[Case]:
    """Every hostile case (the unreadable ones only make sense for a non-root reader)."""
    found = [Case(f"bomb-{field}", _text(f"bomb-{field}.md", bomb(field)),
                  "frontmatter-too-large", f"bomb-{field}.md")
             for field in ("tags", "aliases", "title", "authors", "kind", "unused")]
    found += [
        Case("nested-tags", _text("nested-tags.md", nested("tags")), "frontmatter-too-large",
             "nested-tags.md"),
        Case("nested-20000", _text("nested-deep.md", nested("tags", 20000)),
             "frontmatter-invalid", "nested-deep.md"),
        Case("folder-loop", _symlink("sub/loop", "..", folder="sub"), "symlinked-folder",
             "sub/loop"),
        Case("root-loop", _symlink("up", "."), "symlinked-folder", "up"),
        Case("symlink-loop", _chain(_symlink("loop-a.md", "loop-b.md"),
                                    _symlink("loop-b.md", "loop-a.md")),
             "broken-symlink", "loop-a.md"),
        Case("self-loop", _symlink("self.md", "self.md"), "broken-symlink", "self.md"),
        Case("dangling-note", _symlink("gone.md", "nowhere.md"), "broken-symlink", "gone.md"),
        Case("dangling-attachment",
             _chain(_symlink("img/fig.png", "../missing.png"),
                    _text("uses-fig.md", "Shows ![[fig.png]].\n")),
             "broken-symlink", "img/fig.png"),
        Case("folder-named-md", _symlink("folder.md", "dir", folder="dir"), "not-a-file",
             "folder.md"),
        Case("real-folder-named-md", _text("real.md/inner.txt", "x"), "none", "real.md"),
        Case("outside-vault", _symlink("outside.md", "/etc/hostname"), "outside-vault",
             "outside.md"),
        Case("symlink-chain", _chain(_text("chain-c.md", "# Chain end\n"),
                                     _symlink("chain-b.md", "chain-c.md"),
                                     _symlink("chain-a.md", "chain-b.md")),
             "none", "chain-a.md"),
        Case("fifo-note", _fifo("pipe.md"), "not-a-file", "pipe.md"),
        Case("fifo-attachment", _fifo("pipe.png"), "not-a-file", "pipe.png"),
        Case("huge-note", _huge("huge.md", SIZE_LIMIT_MB * 1.5), "too-large", "huge.md"),
        Case("deep-path", _deep(), "unreadable-folder", "n" * 100),
        Case("latin-1", _text("latin.md", "---\ntitle: Caf\xe9\n---\n".encode("latin-1")),
             "unreadable", "latin.md"),
        Case("utf-16", _text("utf16.md", "# Wide\n".encode("utf-16")), "unreadable",
             "utf16.md"),
        Case("binary", _text("binary.md", bytes(range(256)) * 4), "unreadable", "binary.md"),
        Case("nul-bytes", _text("nul.md", b"# Title\n\0\0\0\n"), "unreadable", "nul.md"),
        Case("bom", _text("bom.md", "\ufeff---\ntitle: With BOM\n---\nfine\n".encode()),
             "none", "bom.md"),
        Case("year-99999", _text("takes/far.md", _dated("Far", "99999-01-01")),
             "invalid-field", "takes/far.md"),
        Case("year-2200", _text("notes/future.md", _dated("Future", "2200-01-01")),
             "none", "notes/future.md"),
        Case("year-9999", _text("notes/late.md", _dated("Late", "9999-12-31")),
             "none", "notes/late.md"),
        Case("impossible-date", _text("notes/bad-date.md",
                                      "---\ntitle: Bad date\ndate: 2024-02-30\n---\nD.\n"),
             "frontmatter-invalid", "notes/bad-date.md"),
    ]
    if unreadable:
        found += [
            Case("unreadable-note", _unreadable("secret.md", "# Secret\n"), "unreadable",
                 "secret.md"),
            Case("unreadable-attachment", _unreadable("locked.png", "png"), "unreadable",
                 "locked.png"),
            Case("unreadable-folder", _unreadable("private/p.md", "# P\n", folder=True),
                 "unreadable-folder", "private"),
        ]
    return found


def make_vault(root: Path, chosen: list[Case]) -> Path:
    """A vault of two good notes plus the chosen hostile cases."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "good.md").write_text(GOOD_NOTE, encoding="utf-8")
    (root / "other.md").write_text(OTHER_NOTE, encoding="utf-8")
    for case in chosen:
        case.make(root)
    return root
