"""`lemma init`: a working mkdocs.yml for an existing vault, never overwriting a file."""

from __future__ import annotations

import os
from pathlib import Path

import yaml
from click.testing import CliRunner
from mkdocs.commands.build import build
from mkdocs.config import load_config

from lemma.cli import main


def run(args: list[str], cwd: Path):
    old = Path.cwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(main, args)
    finally:
        os.chdir(old)


def make_vault(root: Path) -> Path:
    vault = root / "My Vault"
    (vault / ".obsidian").mkdir(parents=True)
    (vault / "Home.md").write_text("# Home\n\nSee [[Ideas/First]].\n", encoding="utf-8")
    (vault / "Ideas").mkdir()
    (vault / "Ideas" / "First.md").write_text("- a\n  - b\n", encoding="utf-8")
    return vault


def test_init_writes_a_config_that_builds_with_a_palette_toggle(tmp_path: Path) -> None:
    make_vault(tmp_path)
    result = run(["init", "My Vault"], tmp_path)
    assert (result.exit_code, result.output) == (
        0, "wrote mkdocs.yml: build the site with `mkdocs build`\n")
    config = yaml.safe_load((tmp_path / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config["docs_dir"] == "My Vault" and config["site_name"] == "My Vault"
    assert [p["toggle"]["name"] for p in config["theme"]["palette"]] == [
        "Switch to dark mode", "Switch to light mode"]
    build(load_config(config_file=str(tmp_path / "mkdocs.yml"), strict=True))
    home = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert 'data-md-component="palette"' in home and ">Home</h1>" in home
    assert not list((tmp_path / "site").rglob(".obsidian"))


def test_init_never_overwrites(tmp_path: Path) -> None:
    make_vault(tmp_path)
    (tmp_path / "mkdocs.yml").write_text("site_name: mine\n", encoding="utf-8")
    result = run(["init", "My Vault"], tmp_path)
    assert (result.exit_code, result.output) == (
        1, "error: mkdocs.yml already exists; lemma init never overwrites it (remove it or "
           "pass --output)\n")
    assert (tmp_path / "mkdocs.yml").read_text(encoding="utf-8") == "site_name: mine\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_init_refuses_a_config_inside_the_vault(tmp_path: Path) -> None:
    vault = make_vault(tmp_path)
    result = run(["init", "."], vault)
    assert (result.exit_code, result.output) == (
        1, "error: mkdocs.yml cannot live inside the vault it publishes: run lemma init from "
           "the folder above 'My Vault'\n")
    assert not (vault / "mkdocs.yml").exists()
