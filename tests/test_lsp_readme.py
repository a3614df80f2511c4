"""The README's editor snippets for `lemma lsp` parse in their own languages."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"


def snippets(language: str) -> list[str]:
    """The ```language blocks of the README's `lemma lsp` section."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## In your editor: `lemma lsp`"):]
    section = section[:section.index("\n## ", 1)]
    return re.findall(rf"^```{language}\n(.*?)^```", section, re.DOTALL | re.MULTILINE)


def test_vscode_settings_are_json() -> None:
    [snippet] = snippets("json")
    settings = json.loads(snippet)
    assert settings["glspc.server.command"] == "lemma"
    assert settings["glspc.server.commandArguments"] == ["lsp"]


def test_helix_languages_toml() -> None:
    [snippet] = snippets("toml")
    config = tomllib.loads(snippet)
    assert config["language-server"]["lemma"] == {"command": "lemma", "args": ["lsp"]}
    assert config["language"] == [{"name": "markdown", "language-servers": ["lemma"]}]


def test_neovim_lua_parses() -> None:
    [snippet] = snippets("lua")
    assert 'cmd = { "lemma", "lsp" }' in snippet and "vim.lsp.start" in snippet
    luac = shutil.which("luac5.4") or shutil.which("luac")
    if luac is None:
        pytest.skip("no Lua compiler: apt-get install lua5.4 (.ci/run does)")
    done = subprocess.run([luac, "-p", "-"], input=snippet, capture_output=True, text=True,
                          timeout=30, check=False)
    assert done.returncode == 0, done.stderr
    broken = subprocess.run([luac, "-p", "-"], input=snippet + "end\n",
                            capture_output=True, text=True, timeout=30, check=False)
    assert broken.returncode != 0  # the checker does reject a broken snippet
