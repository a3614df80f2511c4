"""`lemma lsp` driven by a real LSP client over stdio (JSON-RPC by hand, every wait time-boxed)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from lemma.cli import main
from tests.conftest import write_files
from tests.lsp_client import LspError, StdioClient

ALPHA = """---
title: Alpha
aliases: [First letter]
tags: [greek]
---
Alpha is the first letter of the alphabet. ^def

## Part one

More about alpha. #letters

```derivation id=square
title: A square
given:
  x, y: real
assume:
  h1: x == y
calc:
     (x + y)**2
  =  x**2 + 2*x*y + y**2
```
"""
PAPER = """---
title: Paper P
authors: [A]
year: 2020
source: https://e.org
---
## Summary

See [[Alpha]] and [[Alpha#Part one]] and [[First letter#^def]].
Emoji 😀 then [[Alpha]] again.

## Opinion

Broken [[Missing note]] here.
"""
WRONG = """---
title: Wrong
---
A square that forgets the cross term.

```derivation id=wrong
given:
  a, b: real
calc:
     (a + b)**2
  =  a**2 + b**2
```
"""
FILES = {"concepts/alpha.md": ALPHA, "papers/p.md": PAPER, "concepts/wrong.md": WRONG}


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    return write_files(tmp_path / "notes", FILES)


@pytest.fixture
def client(vault: Path) -> Iterator[StdioClient]:
    client = StdioClient(vault, timeout=30)
    try:
        client.initialize(vault)
        yield client
    finally:
        client.close()


def uri(vault: Path, path: str) -> str:
    return (vault / path).as_uri()


def open_note(client: StdioClient, vault: Path, path: str) -> list[dict]:
    client.notify("textDocument/didOpen", {"textDocument": {
        "uri": uri(vault, path), "languageId": "markdown", "version": 1,
        "text": (vault / path).read_text(encoding="utf-8")}})
    return client.diagnostics(uri(vault, path))


def at(text: str, needle: str, delta: int = 0) -> dict:
    """The LSP position (UTF-16 columns) of `needle` in `text`, plus `delta` characters."""
    offset = text.index(needle) + delta
    line = text.count("\n", 0, offset)
    column = text[text.rfind("\n", 0, offset) + 1:offset]
    return {"line": line, "character": len(column.encode("utf-16-le")) // 2}


def ask(client: StdioClient, vault: Path, method: str, path: str, position: dict,
        **extra) -> object:
    return client.request(method, {"textDocument": {"uri": uri(vault, path)},
                                   "position": position, **extra})


def append_line(client: StdioClient, vault: Path, path: str, text: str, line: str,
                version: int = 2) -> dict:
    """Add `line` at the end of the buffer (an incremental change); the position after it."""
    end = {"line": text.count("\n"), "character": 0}
    client.notify("textDocument/didChange", {
        "textDocument": {"uri": uri(vault, path), "version": version},
        "contentChanges": [{"range": {"start": end, "end": end}, "text": line}]})
    return {"line": end["line"], "character": len(line)}


def test_initialize_answers_with_the_features(vault: Path) -> None:
    client = StdioClient(vault, timeout=30)
    try:
        caps = client.initialize(vault)["capabilities"]
    finally:
        client.close()
    for feature in ("completionProvider", "definitionProvider", "hoverProvider",
                    "referencesProvider", "renameProvider", "codeActionProvider",
                    "documentSymbolProvider"):
        assert caps.get(feature), feature
    assert caps["completionProvider"]["triggerCharacters"] == ["[", "#", "^", "@"]


def test_diagnostics_on_open_are_lemma_lints(client: StdioClient, vault: Path) -> None:
    result = CliRunner().invoke(main, ["--notes", str(vault), "lint", "--format", "json"])
    lint = [d for d in json.loads(result.output)["diagnostics"] if d["path"] == "papers/p.md"]
    shown = open_note(client, vault, "papers/p.md")
    assert [(d["range"]["start"]["line"], d["code"], d["message"]) for d in shown] == [
        (d["line"] - 1, d["code"], f"{d['message']} ({d['hint']})") for d in lint]
    assert [d["code"] for d in shown] == ["broken-link"]
    assert shown[0]["range"] == {"start": at(PAPER, "[[Missing"),
                                 "end": at(PAPER, "[[Missing note]]", 16)}


def test_diagnostics_follow_each_change(client: StdioClient, vault: Path) -> None:
    open_note(client, vault, "papers/p.md")
    end = append_line(client, vault, "papers/p.md", PAPER, "Also [[Nowhere]].")
    shown = client.diagnostics(uri(vault, "papers/p.md"), version=2)
    assert [(d["code"], d["range"]["start"]["line"]) for d in shown] == [
        ("broken-link", 13), ("broken-link", end["line"])]
    assert shown[1]["message"] == ("[[Nowhere]]: no note named 'Nowhere' "
                                   "(create the note or fix the name)")
    client.notify("textDocument/didChange", {
        "textDocument": {"uri": uri(vault, "papers/p.md"), "version": 3},
        "contentChanges": [{"text": PAPER.replace("[[Missing note]]", "[[Alpha]]")}]})
    assert client.diagnostics(uri(vault, "papers/p.md"), version=3) == []


COMPLETIONS = [
    ("title", "x [[Alp", "Alpha"),
    ("alias", "x [[first", "First letter"),
    ("heading", "x [[Alpha#Pa", "Part one"),
    ("block", "x [[Alpha#^", "def"),
    ("frontmatter-tag", "x #gre", "greek"),
    ("inline-tag", "x #let", "letters"),
]


@pytest.mark.parametrize(("typed", "label"), [c[1:] for c in COMPLETIONS],
                         ids=[c[0] for c in COMPLETIONS])
def test_completion(client: StdioClient, vault: Path, typed: str, label: str) -> None:
    open_note(client, vault, "papers/p.md")
    position = append_line(client, vault, "papers/p.md", PAPER, typed)
    result = ask(client, vault, "textDocument/completion", "papers/p.md", position)
    items = {item["label"]: item for item in result["items"]}
    assert label in items
    edit = items[label]["textEdit"]
    assert edit["range"]["end"] == position
    replaced = typed[edit["range"]["start"]["character"]:]
    assert label.casefold().startswith(replaced.casefold())


def test_completion_of_declared_names_in_a_derivation(client: StdioClient, vault: Path) -> None:
    open_note(client, vault, "concepts/alpha.md")
    line = ALPHA.split("\n").index("  =  x**2 + 2*x*y + y**2")
    position = {"line": line, "character": len("  =  ")}
    result = ask(client, vault, "textDocument/completion", "concepts/alpha.md", position)
    assert sorted(item["label"] for item in result["items"]) == ["h1", "x", "y"]


DEFINITIONS = [
    ("note", "[[Alpha]] and", 0),
    ("heading", "[[Alpha#Part one]]", 7),
    ("block-through-alias", "[[First letter#^def]]", 5),
]


@pytest.mark.parametrize(("needle", "line"), [d[1:] for d in DEFINITIONS],
                         ids=[d[0] for d in DEFINITIONS])
def test_definition(client: StdioClient, vault: Path, needle: str, line: int) -> None:
    open_note(client, vault, "papers/p.md")
    found = ask(client, vault, "textDocument/definition", "papers/p.md", at(PAPER, needle, 3))
    assert found["uri"] == uri(vault, "concepts/alpha.md")
    assert found["range"]["start"]["line"] == line


@pytest.mark.parametrize(("needle", "shown", "hidden"), [
    ("[[Alpha]] and", "Alpha is the first letter of the alphabet.", "More about"),
    ("[[Alpha#Part one]]", "More about alpha.", "first letter"),
], ids=["note-first-paragraph", "heading-section"])
def test_hover(client: StdioClient, vault: Path, needle: str, shown: str, hidden: str) -> None:
    open_note(client, vault, "papers/p.md")
    hover = ask(client, vault, "textDocument/hover", "papers/p.md", at(PAPER, needle, 2))
    text = hover["contents"]["value"]
    assert text.startswith("**Alpha** — `concepts/alpha.md`")
    assert shown in text and hidden not in text


def test_references_are_backlinks_in_utf16_columns(client: StdioClient, vault: Path) -> None:
    open_note(client, vault, "concepts/alpha.md")
    found = ask(client, vault, "textDocument/references", "concepts/alpha.md",
                {"line": 0, "character": 0}, context={"includeDeclaration": False})
    assert [(f["uri"], f["range"]["start"]) for f in found] == [
        (uri(vault, "papers/p.md"), at(PAPER, needle))
        for needle in ("[[Alpha]] and", "[[Alpha#Part", "[[First", "[[Alpha]] again")]
    assert found[-1]["range"]["start"]["character"] == len("Emoji 😀 then ") + 1


def test_document_symbols(client: StdioClient, vault: Path) -> None:
    open_note(client, vault, "concepts/alpha.md")
    found = client.request("textDocument/documentSymbol",
                           {"textDocument": {"uri": uri(vault, "concepts/alpha.md")}})
    [part] = found
    assert (part["name"], part["detail"], part["range"]["start"]["line"],
            part["range"]["end"]["line"]) == ("Part one", "H2", 7, ALPHA.count("\n"))
    assert [(s["name"], s["detail"], s["range"]["start"]["line"], s["range"]["end"]["line"])
            for s in part["children"]] == [("derivation square", "A square", 11, 20)]


def apply(text: str, edits: list[dict]) -> str:
    """Apply LSP text edits (ASCII text, so columns are characters) to `text`."""
    lines = text.split("\n")
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)

    def offset(position: dict) -> int:
        return starts[position["line"]] + position["character"]

    for edit in sorted(edits, key=lambda e: offset(e["range"]["start"]), reverse=True):
        text = (text[:offset(edit["range"]["start"])] + edit["newText"]
                + text[offset(edit["range"]["end"]):])
    return text


def test_rename_is_lemma_mv_as_a_workspace_edit(client: StdioClient, vault: Path) -> None:
    open_note(client, vault, "papers/p.md")
    where = at(PAPER, "[[Alpha#Part", 3)
    prepared = ask(client, vault, "textDocument/prepareRename", "papers/p.md", where)
    assert prepared["placeholder"] == "Alpha"
    edit = ask(client, vault, "textDocument/rename", "papers/p.md", where, newName="Alef")
    changes = edit["documentChanges"]
    renames = [c for c in changes if c.get("kind") == "rename"]
    assert [(c["oldUri"], c["newUri"]) for c in renames] == [
        (uri(vault, "concepts/alpha.md"), uri(vault, "concepts/alef.md"))]
    texts = {c["textDocument"]["uri"]: c["edits"] for c in changes if "edits" in c}
    paper = apply(PAPER, texts[uri(vault, "papers/p.md")])
    assert "See [[Alef]] and [[Alef#Part one]] and [[First letter#^def]]." in paper
    assert "Emoji 😀 then [[Alef]] again." in apply(PAPER.replace("😀", "X"),
                                                      texts[uri(vault, "papers/p.md")])
    assert apply(ALPHA, texts[uri(vault, "concepts/alpha.md")]).startswith(
        "---\ntitle: Alef\n")


def test_rename_refused_with_lemma_mvs_message(client: StdioClient, vault: Path) -> None:
    open_note(client, vault, "papers/p.md")
    with pytest.raises(LspError) as refused:
        ask(client, vault, "textDocument/rename", "papers/p.md", at(PAPER, "[[Alpha]]", 3),
            newName="Wrong")
    assert str(refused.value) == ("lemma mv: cannot rename to 'Wrong': a note titled 'Wrong' "
                                  "already exists: concepts/wrong.md")


def test_code_action_creates_the_missing_note(client: StdioClient, vault: Path) -> None:
    open_note(client, vault, "papers/p.md")
    where = at(PAPER, "[[Missing note]]", 4)
    actions = client.request("textDocument/codeAction", {
        "textDocument": {"uri": uri(vault, "papers/p.md")},
        "range": {"start": where, "end": where}, "context": {"diagnostics": []}})
    assert [a["title"] for a in actions] == [
        "Create take note 'Missing note' (takes/missing-note.md)",
        "Create concept note 'Missing note' (concepts/missing-note.md)",
        "Create digest note 'Missing note' (digests/missing-note.md)"]
    create, fill = actions[1]["edit"]["documentChanges"]
    assert create == {"kind": "create", "uri": uri(vault, "concepts/missing-note.md"),
                      "options": {"overwrite": False, "ignoreIfExists": True}}
    assert fill["edits"][0]["newText"].startswith("---\ntitle: Missing note\n")


@pytest.mark.slow
def test_save_checks_derivations_and_shows_the_counterexample(client: StdioClient,
                                                              vault: Path) -> None:
    assert open_note(client, vault, "concepts/wrong.md") == []
    client.notify("textDocument/didSave", {"textDocument": {"uri": uri(vault,
                                                                       "concepts/wrong.md")}})
    shown = client.diagnostics(uri(vault, "concepts/wrong.md"), until=bool, timeout=120)
    assert [(d["code"], d["range"]["start"]["line"]) for d in shown] == [
        ("derivation-failed", WRONG.split("\n").index("  =  a**2 + b**2"))]
    assert shown[0]["message"].startswith("wrong, link 1 (=) failed\n(a + b)**2\n")
    assert "counterexample: a = " in shown[0]["message"]


def test_cli_lists_lsp_without_importing_pygls() -> None:
    code = ("import sys\nfrom click.testing import CliRunner\nfrom lemma.cli import main\n"
            "out = CliRunner().invoke(main, ['--help']).output\n"
            "print('lsp' in out.split(), 'pygls' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, timeout=60)
    assert done.stdout.split() == ["True", "False"]


def test_a_note_created_on_disk_fixes_the_link(client: StdioClient, vault: Path) -> None:
    assert [d["code"] for d in open_note(client, vault, "papers/p.md")] == ["broken-link"]
    write_files(vault, {"concepts/missing-note.md": "---\ntitle: Missing note\n---\nNow here.\n"})
    client.notify("workspace/didChangeWatchedFiles", {"changes": [
        {"uri": uri(vault, "concepts/missing-note.md"), "type": 1}]})
    # the next diagnostics without the broken link (earlier ones may still be in flight)
    assert client.diagnostics(uri(vault, "papers/p.md"), until=lambda ds: not ds) == []


def test_rename_asks_to_save_unsaved_buffers_first(client: StdioClient, vault: Path) -> None:
    open_note(client, vault, "papers/p.md")
    append_line(client, vault, "papers/p.md", PAPER, "Unsaved words.")
    with pytest.raises(LspError) as refused:
        ask(client, vault, "textDocument/rename", "papers/p.md", at(PAPER, "[[Alpha]]", 3),
            newName="Alef")
    assert str(refused.value) == "lemma mv works on the files: save papers/p.md first"


def test_a_missing_notes_folder_is_one_clear_message(tmp_path: Path) -> None:
    client = StdioClient(tmp_path / "nowhere", cwd=tmp_path, timeout=30)
    try:
        client.initialize(tmp_path)
        message = client._wait(lambda m: m.get("method") == "window/showMessage", None,
                               "showMessage")
        assert message["params"] == {
            "type": 1, "message": f"lemma: notes folder '{tmp_path / 'nowhere'}' does not exist"}
        with pytest.raises(LspError, match="does not exist"):
            client.request("textDocument/hover", {
                "textDocument": {"uri": (tmp_path / "a.md").as_uri()},
                "position": {"line": 0, "character": 0}})
    finally:
        client.close()


@pytest.mark.slow
def test_a_second_save_supersedes_the_first_check(client: StdioClient, vault: Path) -> None:
    open_note(client, vault, "concepts/wrong.md")
    for _ in range(2):
        client.notify("textDocument/didSave", {"textDocument": {"uri": uri(vault,
                                                                           "concepts/wrong.md")}})
    shown = client.diagnostics(uri(vault, "concepts/wrong.md"), until=bool, timeout=120)
    assert [d["code"] for d in shown] == ["derivation-failed"]
    hover = client.request("textDocument/hover", {  # the server is still answering
        "textDocument": {"uri": uri(vault, "papers/p.md")},
        "position": at(PAPER, "[[Alpha]]", 2)})
    assert hover["contents"]["value"].startswith("**Alpha**")


def test_the_vault_comes_from_the_index(vault: Path) -> None:
    """The first start builds the index every command uses; the next start reads it back,
    refreshed for the files changed on disk meanwhile (and stores that refresh)."""
    from lemma.index.refresh import VaultIndex
    from lemma.index.store import index_file as index_file_of

    index_file = index_file_of(vault)
    assert index_file.parent == vault.parent / ".lemma-cache" and not index_file.exists()
    for expected in (["broken-link"], []):
        client = StdioClient(vault, timeout=30)
        try:
            client.initialize(vault)
            shown = open_note(client, vault, "papers/p.md")
        finally:
            client.close()
        assert [d["code"] for d in shown] == expected
        assert index_file.is_file()
        with VaultIndex(vault) as index:  # what the server read is what a command reads
            refresh = index.refresh()
            assert (refresh.parsed, refresh.removed, refresh.changed) == ([], [], False)
        # retitled on disk while no server runs: the next start must see [[Missing note]] resolve
        write_files(vault, {"concepts/alpha.md": ALPHA.replace("title: Alpha",
                                                               "title: Missing note")})


def test_an_index_that_cannot_be_written_is_one_log_line(tmp_path: Path) -> None:
    from lemma.index.store import index_file

    vault = write_files(tmp_path / "notes", FILES)
    (tmp_path / ".lemma-cache").write_text("a file where the cache folder would go\n")
    client = StdioClient(vault, timeout=30)
    try:
        client.initialize(vault)
        logged = client._wait(lambda m: m.get("method") == "window/logMessage", None,
                              "logMessage")["params"]
        assert [d["code"] for d in open_note(client, vault, "papers/p.md")] == ["broken-link"]
    finally:
        client.close()
    assert logged["type"] == 3
    assert logged["message"].startswith(
        f"note: the index {index_file(vault)} cannot be written (")
    assert logged["message"].endswith("); working without it")
    assert "\n" not in logged["message"]


def test_a_retitle_in_an_unsaved_buffer_updates_other_open_notes(client: StdioClient,
                                                                 vault: Path) -> None:
    paper, alpha = uri(vault, "papers/p.md"), uri(vault, "concepts/alpha.md")
    assert [d["code"] for d in open_note(client, vault, "papers/p.md")] == ["broken-link"]
    open_note(client, vault, "concepts/alpha.md")
    title = {"start": {"line": 1, "character": len("title: ")},
             "end": {"line": 1, "character": len("title: Alpha")}}
    # [[Missing note]] in the paper resolves to the retitled note, then breaks again
    for version, new, expected in [(2, "Missing note", []), (3, "Alpha", ["broken-link"])]:
        client.notify("textDocument/didChange", {
            "textDocument": {"uri": alpha, "version": version},
            "contentChanges": [{"range": title, "text": new}]})
        title["end"]["character"] = len("title: ") + len(new)
        assert client.diagnostics(alpha, version=version) == []
        shown = client.diagnostics(paper, until=lambda ds, e=expected: [
            d["code"] for d in ds] == e, timeout=10)
        assert [d["code"] for d in shown] == expected
    assert (vault / "concepts/alpha.md").read_text(encoding="utf-8") == ALPHA  # nothing saved
