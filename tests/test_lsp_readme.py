"""The README's editor snippets for `lemma lsp` parse in their own languages and say what the
server needs (the Neovim ones also run, in tests/test_lsp_neovim.py)."""

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


def read_sexps(text: str) -> list:
    """Emacs Lisp forms as nested lists (strings as ("str", s), quotes as ("quote", x));
    ValueError on unbalanced parentheses or an unterminated string."""
    tokens = re.findall(r'"(?:[^"\\]|\\.)*"|#\'|\'|\(|\)|\.(?=\s)|[^\s()\'"]+|"', text)
    forms: list = []
    stack: list[list] = [forms]
    quotes: list[int] = []
    for token in tokens:
        if token in ("'", "#'"):
            quotes.append(len(stack))
            continue
        if token == "(":
            stack.append([])
            continue
        if token == ")":
            if len(stack) == 1:
                raise ValueError("unbalanced ')'")
            value: object = stack.pop()
        elif token == '"' or (token.startswith('"') and not token.endswith('"')):
            raise ValueError("unterminated string")
        else:
            value = ("str", token[1:-1]) if token.startswith('"') else token
        while quotes and quotes[-1] == len(stack):
            quotes.pop()
            value = ("quote", value)
        stack[-1].append(value)
    if len(stack) != 1:
        raise ValueError("unbalanced '('")
    return forms


def test_vscode_settings_are_json() -> None:
    [snippet] = snippets("json")
    settings = json.loads(snippet)
    assert settings["glspc.server.command"] == "lemma"
    assert settings["glspc.server.commandArguments"] == ["lsp"]


def test_helix_languages_toml() -> None:
    [snippet] = snippets("toml")
    config = tomllib.loads(snippet)
    assert config["language-server"]["lemma"] == {"command": "lemma", "args": ["lsp"]}
    assert config["language"] == [{"name": "markdown", "roots": ["mkdocs.yml", ".obsidian"],
                                   "language-servers": ["lemma"]}]


def test_emacs_eglot_snippet_reads() -> None:
    [snippet] = snippets("elisp")
    forms = read_sexps(snippet)
    assert [form[0] for form in forms] == ["with-eval-after-load", "add-hook"]
    program = forms[0][2][2][1]  # '((markdown-mode gfm-mode) . ("lemma" "lsp"))
    assert program == [["markdown-mode", "gfm-mode"], ".", [("str", "lemma"), ("str", "lsp")]]
    assert forms[1][1:] == [("quote", "markdown-mode-hook"), ("quote", "eglot-ensure")]
    with pytest.raises(ValueError):
        read_sexps(snippet + ")")  # the reader does reject a broken snippet
    with pytest.raises(ValueError):
        read_sexps(snippet.rstrip().removesuffix(")"))


@pytest.mark.parametrize("index", [0, 1], ids=["neovim 0.11+", "neovim 0.10"])
def test_neovim_lua_parses(index: int) -> None:
    snippet = snippets("lua")[index]
    assert 'cmd = { "lemma", "lsp" }' in snippet and '"mkdocs.yml", ".obsidian", "notes"' in snippet
    luac = shutil.which("luac5.4") or shutil.which("luac")
    if luac is None:
        pytest.skip("no Lua compiler: apt-get install lua5.4 (.ci/run does); "
                    "tests/test_lsp_neovim.py runs the snippet in Neovim")
    done = subprocess.run([luac, "-p", "-"], input=snippet, capture_output=True, text=True,
                          timeout=30, check=False)
    assert done.returncode == 0, done.stderr
    broken = subprocess.run([luac, "-p", "-"], input=snippet + "end\n",
                            capture_output=True, text=True, timeout=30, check=False)
    assert broken.returncode != 0  # the checker does reject a broken snippet
