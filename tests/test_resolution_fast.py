"""The fast paths of link resolution (`NameIndex.unique_path`, `Vault.resolve`) give exactly
what the plain rules give (`tests/resolution_oracle.py`): on tricky vaults, on seeded random
vaults, and after edits, every field of every `ResolvedLink` compared."""

from __future__ import annotations

import json
import pickle
import random
from pathlib import Path

import pytest

from lemma.note_parse import parse_note
from lemma.resolution import Match, NameIndex
from lemma.vault import ResolvedLink, Vault, _link
from tests.resolution_oracle import OracleIndex, oracle_resolved

FIELDS = ("source", "link", "status", "target", "anchor", "candidates")
ATTACHMENTS = ["assets/pic.png", "a/pic.png", "b/pic.png", "doc.pdf", "a/b/Report 2.0.pdf",
               "x.md.png", "Release 2.0beta"]


def note_text(title: str | None = None, aliases: tuple[str, ...] = (), citekey: str | None = None,
              body: str = "") -> str:
    meta = {k: v for k, v in (("title", title), ("aliases", list(aliases)), ("citekey", citekey))
            if v}
    front = "".join(f"{k}: {json.dumps(v, ensure_ascii=False)}\n" for k, v in meta.items())
    return (f"---\n{front}---\n" if front else "") + body


def vault_of(files: dict[str, str], attachments: list[str] | None = None) -> Vault:
    notes = {p: parse_note(p, t)[0] for p, t in sorted(files.items())}
    return Vault(Path("/nonexistent"), notes, list(attachments or []), {})


def assert_same_as_oracle(vault: Vault) -> int:
    """Every link of `vault` resolved as the oracle resolves it; the number of links."""
    expected = oracle_resolved(vault.notes, vault.attachments)
    assert list(vault.resolved) == list(expected)
    for path, links in expected.items():
        got = vault.resolved[path]
        assert got == links, path
        for mine, theirs in zip(got, links, strict=True):
            assert type(mine) is ResolvedLink
            assert [getattr(mine, f) for f in FIELDS] == [getattr(theirs, f) for f in FIELDS]
            assert pickle.loads(pickle.dumps(mine)) == theirs
    index, oracle = vault.index, OracleIndex(vault.notes, vault.attachments)
    if index._unique is not None:  # kept in step by edits as if built anew
        assert index._unique == index._unique_table()
    for note in vault.notes.values():
        for link in note.links:
            if link.target and link.cite is None:
                found = index.resolve(link.target, note.path, link.is_attachment)
                assert (found.status, found.path, found.candidates) == oracle.resolve(
                    link.target, note.path, link.is_attachment), (note.path, link.raw)
    return sum(map(len, expected.values()))


TWINS = {"a/x.md": "# X in a\n", "b/x.md": "# X in b\n"}
HEADED = "# Top\n\n## Key idea\n\nText ^blk-1\n\n### Sub part\n"
CASES = [
    ("nearest-same-folder", {**TWINS, "a/src.md": "[[x]]"}, [("ok", "a/x.md")]),
    ("nearest-ambiguous", {**TWINS, "src.md": "[[x]]"}, [("ambiguous", None)]),
    ("root-note-by-path", {**TWINS, "x.md": "", "c/src.md": "[[x]]"}, [("ok", "x.md")]),
    ("root-is-an-ancestor", {"t.md": note_text("Zed"), "a/u.md": note_text("Zed"),
                             "c/src.md": "[[zed]]"}, [("ok", "t.md")]),
    ("deeper-ancestor-wins", {"a/x.md": "", "a/b/c/x.md": "", "a/b/c/d/src.md": "[[X]]"},
     [("ok", "a/b/c/x.md")]),
    ("file-name-beats-title", {"Alpha.md": "", "b.md": note_text("Alpha"), "src.md": "[[alpha]]"},
     [("ok", "Alpha.md")]),
    ("title-beats-alias", {"t.md": note_text("Gamma"), "u.md": note_text("U", ("gamma",)),
                           "src.md": "[[GAMMA]]"}, [("ok", "t.md")]),
    ("aliases-collide", {"t.md": note_text("T", ("Delta",)), "u.md": note_text("U", ("delta",)),
                         "src.md": "[[Delta]]"}, [("ambiguous", None)]),
    ("alias-collision-nearest", {"a/t.md": note_text("T", ("Delta",)),
                                 "u.md": note_text("U", ("delta",)), "a/src.md": "[[Delta]]"},
     [("ok", "a/t.md")]),
    ("one-note-two-names", {"t.md": note_text("Same", ("same", "SAME")), "src.md": "[[same]]"},
     [("ok", "t.md")]),
    ("path-beats-file-name", {"x.md": "", "a/x.md": note_text("x"), "b/src.md": "[[x]] [[a/x]]"},
     [("ok", "x.md"), ("ok", "a/x.md")]),
    ("nfd-link-nfc-file", {"Café.md": "", "src.md": "[[Cafe\u0301]] [[CAFÉ]]"},
     [("ok", "Café.md"), ("ok", "Café.md")]),
    ("sharp-s", {"Straße.md": "", "src.md": "[[STRASSE]] [[strasse]]"},
     [("ok", "Straße.md"), ("ok", "Straße.md")]),
    ("turkish-dotted-i", {"İstanbul.md": "", "src.md": "[[İSTANBUL]] [[istanbul]]"},
     [("ok", "İstanbul.md"), ("broken", None)]),
    ("partial-path", {"deep/x/y.md": "", "other/y.md": "", "src.md": "[[x/y]] [[X/Y.md]]"},
     [("ok", "deep/x/y.md"), ("ok", "deep/x/y.md")]),
    ("partial-path-ambiguous", {"p/x/y.md": "", "q/x/y.md": "", "src.md": "[[x/y]]"},
     [("ambiguous", None)]),
    ("leading-slash", {**TWINS, "src.md": "[[/a/x]] [[/b/x.md]] [[/x]]"},
     [("ok", "a/x.md"), ("ok", "b/x.md"), ("ambiguous", None)]),
    ("md-suffix", {"x.md": "", "src.md": "[[x.md]] [[X.MD]]"}, [("ok", "x.md"), ("ok", "x.md")]),
    ("md-md-file", {"x.md": "", "x.md.md": "", "src.md": "[[x.md]] [[x.md.md]]"},
     [("ok", "x.md"), ("ok", "x.md.md")]),
    ("title-with-slash-is-a-path", {"t.md": note_text("a/b"), "src.md": "[[a/b]]"},
     [("broken", None)]),
    ("title-ending-md", {"t.md": note_text("notes.md"), "notes.md": "", "src.md": "[[notes.md]]"},
     [("ok", "notes.md")]),
    ("attachment-by-name", {"src.md": "![[pic.png]] [[doc.pdf]] ![[assets/pic.png]]"},
     [("ambiguous", None), ("ok", "doc.pdf"), ("ok", "assets/pic.png")]),
    ("attachment-nearest", {"a/src.md": "![[pic.png]] [[b/pic.png]]"},
     [("ok", "a/pic.png"), ("ok", "b/pic.png")]),
    ("dotted-note-name", {"Release 2.0beta.md": "", "v1.2.md": "",
                          "src.md": "[[Release 2.0beta]] [[v1.2]] [[Report 2.0.pdf]]"},
     [("ok", "Release 2.0beta"), ("ok", "v1.2.md"), ("ok", "a/b/Report 2.0.pdf")]),
    ("attachment-named-like-md", {"x.md": "", "src.md": "[[x.md.png]]"}, [("ok", "x.md.png")]),
    ("headings-and-blocks", {"h.md": HEADED, "src.md": "[[h#key idea]] [[h#Nope]] [[h#^BLK-1]] "
                             "[[h#^nope]] [[h#Key idea#Sub part]] [[h#top]]"},
     [("ok", "h.md"), ("missing-heading", "h.md"), ("ok", "h.md"),
      ("missing-heading", "h.md"), ("ok", "h.md"), ("ok", "h.md")]),
    ("self-links", {"src.md": "# Here\n\n[[#here]] [[#gone]] [[#^none]]"},
     [("ok", "src.md"), ("missing-heading", "src.md"), ("missing-heading", "src.md")]),
    ("citations", {"p.md": note_text("P", citekey="smith2020"), "q.md": note_text("Q", citekey="d"),
                   "r.md": note_text("R", citekey="D"), "src.md": "[@smith2020] [@d] [@nobody]"},
     [("ok", "p.md"), ("ambiguous", None), ("entry", None)]),
    ("broken", {"src.md": "[[Nowhere]] [[a/Nowhere]] [[/]]"},
     [("broken", None), ("broken", None), ("broken", None)]),
    ("markdown-link", {**TWINS, "src.md": "[see](a/x.md) [there](b/x.md#x-in-b)"},
     [("ok", "a/x.md"), ("ok", "b/x.md")]),
]


@pytest.mark.parametrize(("files", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_tricky_links_resolve_as_the_rules_say(files: dict[str, str],
                                               expected: list[tuple[str, str | None]]) -> None:
    vault = vault_of(files, ATTACHMENTS)
    source = next(p for p in vault.notes if p.rsplit("/", 1)[-1] == "src.md")
    assert [(r.status, r.target) for r in vault.resolved[source]] == expected
    assert assert_same_as_oracle(vault) >= len(expected)


def test_name_index_build_keeps_its_tables_and_their_order() -> None:
    files = {"b/x.md": note_text("X", ("One", "one")), "a/x.md": note_text("Y", ("ONE",)),
             "x.md": "", "c/Y.md": ""}
    vault = vault_of(files, ["a/y.png", "y.png"])
    index, oracle = vault.index, OracleIndex(vault.notes, vault.attachments)
    assert index.by_path == oracle.by_path
    assert {str(k): v for k, v in index.by_name.items()} == oracle.by_name
    assert index.attachments == oracle.attachments
    assert index.by_name["alias"]["one"] == ["a/x.md", "b/x.md"]


def test_fast_resolved_link_is_a_plain_resolved_link() -> None:
    link = vault_of({"a.md": "[[b#c]]"}).notes["a.md"].links[0]
    fast = _link("a.md", link, "ok", "b.md", "c", ())
    plain = ResolvedLink("a.md", link, "ok", "b.md", "c")
    assert fast == plain and hash(fast) == hash(plain) and repr(fast) == repr(plain)
    assert pickle.dumps(fast) == pickle.dumps(plain)
    assert pickle.loads(pickle.dumps(fast)) == plain
    with pytest.raises(AttributeError):
        fast.status = "broken"  # type: ignore[misc]


# Seeded random vaults: few names in many forms, so that names, titles and aliases collide.
FOLDERS = ["", "a", "a/b", "A", "c/d/e", "b"]
NAMES = ["x", "X", "Alpha", "alpha", "Café", "Cafe\u0301", "Straße", "strasse", "İo", "v1.2",
         "Release 2.0beta", "x.md", "Ünï", "a b", "Note 7"]
HEADINGS = ["Summary", "Key idea", "Key Idea", "Détails", "Sub part"]


def random_files(rng: random.Random, count: int) -> dict[str, str]:
    bodies: dict[str, str] = {}
    while len(bodies) < count:
        folder = rng.choice(FOLDERS)
        suffix = rng.choice(["", "", " 2", ".x", f" {rng.randint(3, 60)}"])
        path = f"{folder}/{rng.choice(NAMES)}{suffix}.md".lstrip("/")
        heads = "".join(f"{'#' * rng.randint(1, 3)} {h}\n\n" for h in rng.sample(HEADINGS, 2))
        bodies[path] = heads + (f"Para ^b{rng.randint(0, 3)}\n\n" if rng.random() < 0.5 else "")
    paths = sorted(bodies)
    files = {}
    for path in paths:
        links = " ".join(random_link(rng, paths) for _ in range(rng.randint(0, 8)))
        title = rng.choice([None, None, rng.choice(NAMES), rng.choice(paths).removesuffix(".md")])
        aliases = tuple(rng.sample(NAMES, rng.choice([0, 0, 1, 2])))
        citekey = rng.choice([None, None, None, "k1", "K1", "k2"])
        files[path] = note_text(title, aliases, citekey, f"{bodies[path]}{links}\n")
    return files


def random_link(rng: random.Random, paths: list[str]) -> str:
    path = rng.choice(paths)
    stem = path.rsplit("/", 1)[-1].removesuffix(".md")
    target = rng.choice([
        stem, stem.upper(), path, path.removesuffix(".md"), "/" + path.removesuffix(".md"),
        "/".join(path.removesuffix(".md").split("/")[-2:]), rng.choice(NAMES),
        rng.choice(NAMES) + ".md", rng.choice(["pic.png", "assets/pic.png", "doc.pdf", "nope.png",
                                               "Report 2.0.pdf", "x.md.png"]), "Nowhere", ""])
    heading = rng.choice(["", "", "", "#" + rng.choice(HEADINGS).lower(), "#^b1", "#^B2",
                          "#Missing"])
    if not target and not heading:
        heading = "#summary"
    if rng.random() < 0.05:
        return f"[@{rng.choice(['k1', 'k2', 'k3'])}]"
    return f"{rng.choice(['', '!'])}[[{target}{heading}]]"


@pytest.mark.parametrize("seed", range(6))
def test_random_vaults_resolve_as_the_rules_say(seed: int) -> None:
    rng = random.Random(seed)
    vault = vault_of(random_files(rng, 300), ATTACHMENTS)
    assert vault.index._unique is not None  # the bulk resolution's one look-up per link
    assert assert_same_as_oracle(vault) > 500


@pytest.mark.parametrize("seed", range(3))
def test_without_the_table_links_resolve_as_the_rules_say(seed: int) -> None:
    """A vault restored with its links (or a single `find`) resolves without building
    `unique_targets`: each link then reads the name tables directly."""
    loaded = vault_of(random_files(random.Random(seed), 300), ATTACHMENTS)
    vault = Vault(loaded.root, loaded.notes, loaded.attachments, {}, resolved={})
    vault.resolved = {p: vault._resolve_all(n) for p, n in vault.notes.items()}
    assert vault.index._unique is None
    assert assert_same_as_oracle(vault) > 500
    assert vault.resolved == loaded.resolved


@pytest.mark.parametrize("seed", range(3))
def test_unique_table_holds_each_keys_entry(seed: int) -> None:
    index = vault_of(random_files(random.Random(seed), 300), ATTACHMENTS).index
    keys = {*index.by_path, *(k for table in index.by_name.values() for k in table)}
    keys |= {k + ".md" for k in keys} | {"/" + k for k in keys} | {"nowhere", ""}
    entries = {k: path for k in keys if (path := index._unique_entry(k)) is not None}
    assert index._unique_table() == entries
    assert len(entries) > 100


@pytest.mark.parametrize("seed", range(4))
def test_random_vaults_after_edits_resolve_as_the_rules_say(seed: int) -> None:
    rng = random.Random(100 + seed)
    files = random_files(rng, 200)
    vault = vault_of(files, ATTACHMENTS)
    vault.prepare_edits()  # the incremental tables too, as a language server keeps them
    for _ in range(12):
        others = random_files(rng, 20)
        reads = {}
        for path in rng.sample(sorted(vault.notes), 4):  # edited or deleted
            text = rng.choice([None, others.popitem()[1]])
            reads[path] = None if text is None else parse_note(path, text)
        for path, text in list(others.items())[:3]:  # new, or renamed from a deleted one
            reads[path] = parse_note(path, text)
        attachments = rng.choice([None, ATTACHMENTS[:-2], ATTACHMENTS])
        vault.apply_changes(reads, attachments)
        assert assert_same_as_oracle(vault) > 0
    fresh = Vault(vault.root, dict(vault.notes), vault.attachments, {})
    assert fresh.resolved == vault.resolved
    assert NameIndex.build((n.path, n.title, n.aliases) for n in vault.notes.values()).names() \
        == vault.index.names()


def test_an_empty_bucket_counts_as_none() -> None:
    """The rules pass over an empty name bucket (one left by an edit) as over a missing one."""
    index = vault_of({"t.md": note_text("Gamma"), "u.md": note_text("U", ("zeta",))}).index
    index.by_name[Match.FILE]["gamma"] = []
    index.by_name[Match.TITLE]["zeta"] = []
    assert index._unique_table() == {"t": "t.md", "u": "u.md", "gamma": "t.md", "zeta": "u.md"}
    assert [index._unique_entry(k) for k in ("gamma", "zeta")] == ["t.md", "u.md"]


FOLDS = ["Plain", " Spaced \t", "\x1cedge\x1f", "Café", "Cafe\u0301", "STRASSE", "Straße", "İo",
         "ǅ", "ﬁle", "Ω", "\u00a0nbsp\u2003", "a/B.MD", ""]


@pytest.mark.parametrize("name", FOLDS)
def test_fold_is_nfc_casefold_strip(name: str) -> None:
    from lemma.resolution import fold
    from tests.resolution_oracle import fold as plain_fold

    assert fold(name) == plain_fold(name)
