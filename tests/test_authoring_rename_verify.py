"""`lemma mv`'s last check re-resolves only the links a rename can move (those of the changed
files, and those looked up by a name a changed note has before or after): on random vaults
full of same-named notes it refuses exactly what re-resolving every link of the vault refuses,
with the same message."""

from __future__ import annotations

import contextlib
import random
from pathlib import Path

import pytest

from lemma.authoring import rename
from lemma.links import NameIndex
from lemma.model import LemmaError
from lemma.note_parse import parse_note
from lemma.vault import Vault, load_vault
from tests.conftest import write_files

NAMES = ["alpha", "Beta", "gamma", "index", "Release 2.0beta", "Ärger", "delta"]
FOLDERS = ["", "a/", "b/", "a/c/"]


def verify_every_link(vault: Vault, plan: rename.RenamePlan) -> None:
    """The definition: every link of the vault as it will be, against every name."""
    notes = dict(vault.notes)
    for change in plan.changes:
        text = change.new_text.removeprefix("\ufeff").replace("\r\n", "\n")
        notes.pop(change.path)
        notes[change.new_path], _ = parse_note(change.new_path, text)
    if notes[plan.target].title != plan.new_title:
        raise LemmaError(f"could not rewrite the title of {plan.source}; edit it by hand")
    index = NameIndex.build(((n.path, n.title, n.aliases) for n in notes.values()),
                            vault.attachments)
    moved = {change.new_path: change.path for change in plan.changes}
    for path, note in notes.items():
        before = vault.resolved[moved.get(path, path)]
        if len(before) != len(note.links):
            raise LemmaError(f"{path}: the rename would change which text is a link; "
                             "nothing was changed (rename by hand)")
        for link, old in zip(note.links, before, strict=True):
            if not link.target or old.target is None or link.cite is not None:
                continue
            now = index.resolve(link.target, path, link.is_attachment)
            expected = plan.target if old.target == plan.source else old.target
            if now.status != "ok" or now.path != expected:
                where = now.path or now.status
                raise LemmaError(f"{link.pos}: after the rename {link.raw} would point to "
                                 f"{where} instead of {expected}; nothing was changed")


def random_link(rng: random.Random) -> str:
    name = rng.choice(NAMES)
    form = rng.randrange(7)
    if form == 0:
        name = rng.choice(FOLDERS[1:]) + name.lower()
    elif form == 1:
        name = "/" + rng.choice(FOLDERS) + name.lower() + ".md"
    elif form == 2:
        name = rng.choice(["pic.png", "a/pic.png", "doc.pdf"])
    elif form == 3:
        name = name.upper()
    heading = rng.choice(["", "", "#Sec", "#^blk"])
    return f"{'!' if rng.random() < 0.1 else ''}[[{name}{heading}]]"


def random_vault(root: Path, rng: random.Random) -> None:
    files: dict[str, str | bytes] = {"a/pic.png": b"\x89PNG", "b/pic.png": b"\x89PNG",
                                     "doc.pdf": b"%PDF"}
    for i in range(rng.randrange(12, 30)):
        stem = rng.choice(NAMES).lower().replace(" ", "-") if rng.random() < 0.6 else f"n{i}"
        path = f"{rng.choice(FOLDERS)}{stem}.md"
        links = " ".join(random_link(rng) for _ in range(rng.randrange(0, 5)))
        head = ""
        if rng.random() < 0.5:
            aliases = rng.sample(NAMES, rng.randrange(0, 2))
            head = f"---\ntitle: \"{rng.choice(NAMES)}\"\naliases: {aliases}\n---\n"
        elif rng.random() < 0.5:  # a title from the H1, which may hold a link a rename rewrites
            head = f"# About {random_link(rng) if rng.random() < 0.5 else rng.choice(NAMES)}\n"
        files[path] = f"{head}Text {links}\n\n## Sec\nMore. ^blk\n"
    write_files(root, files)


def new_name(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return rng.choice([*NAMES, "Fresh title", "Gamma two"])
    return f"{rng.choice(FOLDERS)}{rng.choice(['moved', 'alpha', 'gamma', 'n3'])}.md"


def plan_renames(root: Path, rng: random.Random) -> None:
    """A random vault at `root`, and a dozen random renames planned in it (refusals included)."""
    random_vault(root, rng)
    vault = load_vault(root)
    for note in rng.sample(sorted(vault.notes), min(12, len(vault.notes))):
        with contextlib.suppress(LemmaError):
            rename.plan_rename(vault, note, new_name(rng))


@pytest.mark.parametrize("seed", range(12))
def test_the_check_refuses_what_re_resolving_everything_refuses(
        tmp_path: Path, seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    real = rename._verify
    outcomes: list[str | None] = []

    def both(vault: Vault, plan: rename.RenamePlan) -> None:
        found = []
        for check in (real, verify_every_link):
            try:
                check(vault, plan)
                found.append(None)
            except LemmaError as error:
                found.append(str(error))
        assert found[0] == found[1], (plan.source, plan.target, plan.new_title)
        outcomes.append(found[0])
        if found[0] is not None:
            raise LemmaError(found[0])

    monkeypatch.setattr(rename, "_verify", both)
    plan_renames(tmp_path / "vault", random.Random(seed))
    assert outcomes  # some plans reached the check


def test_the_random_vaults_reach_both_verdicts(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """The seeds above make plans the check accepts and plans it refuses."""
    verdicts: set[bool] = set()
    real = rename._verify

    def record(vault: Vault, plan: rename.RenamePlan) -> None:
        try:
            real(vault, plan)
        except LemmaError:
            verdicts.add(False)
            raise
        verdicts.add(True)

    monkeypatch.setattr(rename, "_verify", record)
    for seed in range(12):
        plan_renames(tmp_path / f"v{seed}", random.Random(seed))
    assert verdicts == {True, False}
