"""The synthetic vault generator: deterministic, valid, and exercising every link form."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from pathlib import Path

from lemma.links import parse_links
from lemma.synth import write_synthetic_vault
from lemma.vault import load_vault


def _digest(root: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file():
            h.update(str(path.relative_to(root)).encode())
            h.update(path.read_bytes())
    return h.hexdigest()


def test_same_arguments_write_the_same_files(tmp_path: Path):
    write_synthetic_vault(tmp_path / "one", 60, seed=1)
    write_synthetic_vault(tmp_path / "two", 60, seed=1)
    write_synthetic_vault(tmp_path / "three", 60, seed=2)
    assert _digest(tmp_path / "one") == _digest(tmp_path / "two")
    assert _digest(tmp_path / "one") != _digest(tmp_path / "three")


def test_notes_are_valid_and_only_the_requested_links_are_broken(tmp_path: Path):
    paths = write_synthetic_vault(tmp_path, 200, broken=7)
    vault = load_vault(tmp_path)
    assert sorted(paths) == list(vault.notes)
    kinds = Counter(n.kind.value for n in vault)
    assert kinds == {"paper": 80, "take": 40, "digest": 20, "concept": 60}
    codes = Counter(d.code for d in vault.diagnostics)
    assert codes == {"broken-link": 7}


def test_broken_zero_gives_a_clean_vault(tmp_path: Path):
    write_synthetic_vault(tmp_path, 100, broken=0)
    assert load_vault(tmp_path).diagnostics == []


def test_notes_use_every_link_form_math_and_about_300_words(tmp_path: Path):
    write_synthetic_vault(tmp_path, 300)
    vault = load_vault(tmp_path)
    links = [r for r in vault.links()]
    titles = {n.title for n in vault}
    aliases = {a for n in vault for a in n.aliases}
    assert any(r.link.target in titles for r in links)
    assert any(r.link.target in aliases for r in links)
    assert any("/" in r.link.target and not r.is_attachment for r in links)
    assert any(r.link.label for r in links)
    assert any(r.link.heading and r.anchor for r in links)
    assert any(r.link.heading and r.link.heading.startswith("^") and r.ok for r in links)
    assert any(r.link.embed and not r.is_attachment for r in links)
    assert any(r.is_attachment and r.ok for r in links)
    assert sum(len(n.links) for n in vault) / len(vault) >= 5
    assert sum("$" in n.body for n in vault) >= 50
    words = [len(re.findall(r"\w+", n.body)) for n in vault]
    assert 250 <= sum(words) / len(words) <= 400
    sample = vault.notes["papers/" + next(p.name for p in (tmp_path / "papers").iterdir())]
    assert parse_links(sample.body, sample.path, sample.body_line) == list(sample.links)
