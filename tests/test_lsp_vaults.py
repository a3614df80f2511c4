"""`lemma lsp` finding its vault and following it: from the client's root or workspace folders
or the first opened note (never the working directory), files lint skips kept skipped when
opened, workspace symbols, headings and tags over the wire, and derivation progress and
verdict lenses."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import write_files
from tests.lsp_client import LspError, StdioClient
from tests.test_lsp_server import ALPHA, FILES, PAPER, WRONG, at, uri


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A vault project (mkdocs.yml + notes/) and, beside it, an unrelated folder."""
    write_files(tmp_path / "vault", {f"notes/{p}": text for p, text in FILES.items()})
    (tmp_path / "vault/mkdocs.yml").write_text("site_name: t\ndocs_dir: notes\n")
    (tmp_path / "elsewhere").mkdir()
    return tmp_path


def opened(client: StdioClient, file: Path) -> list[str]:
    """Open `file` as it is on disk; the codes of its first diagnostics."""
    client.notify("textDocument/didOpen", {"textDocument": {
        "uri": file.as_uri(), "languageId": "markdown", "version": 1,
        "text": file.read_text(encoding="utf-8", errors="replace")}})
    return sorted(d["code"] for d in client.diagnostics(file.as_uri()))


ROOTS = {
    "no root: the opened note's vault": (None, None),
    "root is the project": ("vault", None),
    "root inside the notes": ("vault/notes/papers", None),
    "second workspace folder": ("elsewhere", ["elsewhere", "vault"]),
}


@pytest.mark.parametrize(("root", "folders"), ROOTS.values(), ids=ROOTS.keys())
def test_the_vault_comes_from_the_client_not_the_working_directory(
        project: Path, root: str | None, folders: list[str] | None) -> None:
    client = StdioClient(None, cwd=project / "elsewhere", timeout=30)
    try:
        client.initialize(project / root if root else None,
                          folders=[project / f for f in folders] if folders else None)
        assert opened(client, project / "vault/notes/papers/p.md") == ["broken-link"]
        hover = client.request("textDocument/hover", {
            "textDocument": {"uri": (project / "vault/notes/papers/p.md").as_uri()},
            "position": at(PAPER, "[[Alpha]]", 2)})
        assert hover["contents"]["value"].startswith("**Alpha**")
    finally:
        client.close()


def test_no_vault_anywhere_is_one_clear_error(project: Path) -> None:
    stray = write_files(project / "elsewhere", {"stray.md": "# Stray\n"}) / "stray.md"
    client = StdioClient(None, cwd=project / "elsewhere", timeout=30)
    try:
        client.initialize(None)
        client.notify("textDocument/didOpen", {"textDocument": {
            "uri": stray.as_uri(), "languageId": "markdown", "version": 1, "text": "# Stray\n"}})
        with pytest.raises(LspError) as refused:
            client.request("workspace/symbol", {"query": "x"})
        assert str(refused.value) == ("lemma: no vault here: open a note inside a folder "
                                      "with mkdocs.yml, a notes/ folder or .obsidian/")
    finally:
        client.close()


def test_files_lint_skips_stay_skipped_when_opened(tmp_path: Path) -> None:
    vault = write_files(tmp_path / "notes", {**FILES,
                                             "latin.md": "---\ntitle: Caf\xe9\n---\n".encode(
                                                 "latin-1"),
                                             "huge.md": "x" * (5 * 1024 * 1024 + 10)})
    client = StdioClient(vault, timeout=60)
    try:
        client.initialize(vault)
        assert opened(client, vault / "latin.md") == ["unreadable"]
        assert opened(client, vault / "huge.md") == ["too-large"]
        opened(client, vault / "papers/p.md")
        with pytest.raises(LspError) as refused:  # lemma mv's own refusal, not "save first"
            client.request("textDocument/rename", {
                "textDocument": {"uri": uri(vault, "papers/p.md")},
                "position": at(PAPER, "[[Alpha]]", 3), "newName": "Alef"})
        assert str(refused.value).startswith("lemma mv: cannot rename safely: ")
        assert "could not be read" in str(refused.value)
    finally:
        client.close()


@pytest.fixture
def client(tmp_path: Path):
    vault = write_files(tmp_path / "notes", FILES)
    client = StdioClient(vault, timeout=60)
    try:
        client.initialize(vault, window={"workDoneProgress": True})
        client.vault = vault  # type: ignore[attr-defined]
        yield client
    finally:
        client.close()


def test_workspace_symbols_find_titles_and_aliases(client: StdioClient) -> None:
    found = client.request("workspace/symbol", {"query": "let"})
    assert [(s["name"], s["containerName"]) for s in found] == [
        ("First letter", "alias of Alpha")]
    found = client.request("workspace/symbol", {"query": "pa"})
    assert [(s["name"], s["location"]["uri"]) for s in found] == [
        ("Paper P", uri(client.vault, "papers/p.md"))]  # type: ignore[attr-defined]


def test_heading_references_and_tag_hover_over_the_wire(client: StdioClient) -> None:
    vault: Path = client.vault  # type: ignore[attr-defined]
    opened(client, vault / "concepts/alpha.md")
    refs = client.request("textDocument/references", {
        "textDocument": {"uri": uri(vault, "concepts/alpha.md")},
        "position": at(ALPHA, "## Part one", 4), "context": {"includeDeclaration": False}})
    assert [(r["uri"], r["range"]["start"]["line"]) for r in refs] == [
        (uri(vault, "papers/p.md"), 8)]
    hover = client.request("textDocument/hover", {
        "textDocument": {"uri": uri(vault, "concepts/alpha.md")},
        "position": at(ALPHA, "#letters", 2)})
    assert hover["contents"]["value"] == "**#letters** — 1 note\n\n- Alpha — `concepts/alpha.md`"


@pytest.mark.slow
def test_a_check_reports_progress_and_leaves_its_verdict_in_a_lens(client: StdioClient) -> None:
    vault: Path = client.vault  # type: ignore[attr-defined]
    wrong = uri(vault, "concepts/wrong.md")
    opened(client, vault / "concepts/wrong.md")
    lens = client.request("textDocument/codeLens", {"textDocument": {"uri": wrong}})
    assert [x["command"]["title"] for x in lens] == [
        "derivation: not checked yet (save the note to check it)"]
    client.notify("textDocument/didSave", {"textDocument": {"uri": wrong}})
    assert [d["code"] for d in client.diagnostics(wrong, until=bool, timeout=120)] == [
        "derivation-failed"]
    kinds = []
    while "end" not in kinds:
        kinds.append(client.wait_for("$/progress", timeout=10)["params"]["value"]["kind"])
    assert kinds == ["begin", "report", "end"]
    assert [r["method"] for r in client.requests][-1:] == ["window/workDoneProgress/create"]
    lens = client.request("textDocument/codeLens", {"textDocument": {"uri": wrong}})
    [title] = [x["command"]["title"] for x in lens]
    assert lens[0]["range"]["start"]["line"] == WRONG.split("\n").index("```derivation id=wrong")
    assert title.startswith("✗ wrong  invalid FAIL")


@pytest.mark.parametrize("how", ["created", "moved in", "folder moved in"])
def test_the_server_watches_the_disk_when_the_client_cannot(tmp_path: Path, how: str) -> None:
    """No dynamic registration (Neovim on Linux): the server's own watcher sees a note made
    outside the editor, however it arrives, and then sees it go."""
    vault = write_files(tmp_path / "notes", FILES)
    outside = write_files(tmp_path / "outside", {"sub/missing.md":
                                                 "---\ntitle: Missing note\n---\nHere.\n"})
    client = StdioClient(vault, timeout=30)
    paper = uri(vault, "papers/p.md")
    try:
        client.initialize(vault)
        assert opened(client, vault / "papers/p.md") == ["broken-link"]
        client.request("workspace/symbol", {"query": ""})  # the vault is loaded, watched
        if how == "created":
            write_files(vault, {"concepts/missing.md": "---\ntitle: Missing note\n---\n"})
            gone = vault / "concepts/missing.md"
        elif how == "moved in":
            (outside / "sub/missing.md").rename(vault / "concepts/missing.md")
            gone = vault / "concepts/missing.md"
        else:
            (outside / "sub").rename(vault / "sub")
            gone = vault / "sub/missing.md"
        assert client.diagnostics(paper, until=lambda ds: ds == [], timeout=15) == []
        gone.unlink()
        shown = client.diagnostics(paper, until=bool, timeout=15)
        assert [d["code"] for d in shown] == ["broken-link"]
    finally:
        client.close()


OTHER = {"notes/x.md": "---\ntitle: Ex\n---\n[[Why]] and [[Alpha]]\n",
         "notes/why.md": "---\ntitle: Why\n---\nBecause.\n"}


@pytest.mark.parametrize("folders", [True, False], ids=["workspace folders", "opened later"])
def test_one_vault_per_project_in_one_server(project: Path, folders: bool) -> None:
    """Each workspace folder (or each note opened elsewhere) gets its own vault: links resolve
    within it, and workspace symbols cover them all."""
    other = write_files(project / "other", OTHER)
    client = StdioClient(None, cwd=project / "elsewhere", timeout=30)
    try:
        if folders:
            client.initialize(project / "vault", folders=[project / "vault", other])
        else:
            client.initialize(project / "vault")
        assert opened(client, project / "vault/notes/papers/p.md") == ["broken-link"]
        shown = opened(client, other / "notes/x.md")  # [[Alpha]] is in the other vault
        assert shown == ["broken-link"]
        found = client.request("workspace/symbol", {"query": ""})
        assert sorted(s["name"] for s in found) == [
            "Alpha", "Ex", "First letter", "Paper P", "Why", "Wrong"]
        definition = client.request("textDocument/definition", {
            "textDocument": {"uri": (other / "notes/x.md").as_uri()},
            "position": {"line": 3, "character": 3}})
        assert definition["uri"] == (other / "notes/why.md").as_uri()
    finally:
        client.close()


def test_with_notes_a_note_of_another_vault_is_said_once(project: Path) -> None:
    other = write_files(project / "other", OTHER)
    client = StdioClient(project / "vault/notes", cwd=project / "elsewhere", timeout=30)
    try:
        client.initialize(project / "vault")
        assert opened(client, project / "vault/notes/papers/p.md") == ["broken-link"]
        for name in ("x.md", "why.md"):
            client.notify("textDocument/didOpen", {"textDocument": {
                "uri": (other / "notes" / name).as_uri(), "languageId": "markdown",
                "version": 1, "text": "# X\n"}})
        logged = client.wait_for("window/logMessage")["params"]
        assert logged == {"type": 2, "message": (
            f"lemma: {other / 'notes/x.md'} is outside the vault this server serves "
            f"({project / 'vault/notes'}); an editor starts one server per vault with the "
            "README's settings")}
        client.request("workspace/symbol", {"query": ""})
        assert [m for m in client.notifications if m.get("method") == "window/logMessage"] == []
    finally:
        client.close()


@pytest.mark.parametrize("refused", [False, True], ids=["registered", "registration refused"])
def test_the_client_watches_or_else_the_server(tmp_path: Path, refused: bool) -> None:
    vault = write_files(tmp_path / "notes", FILES)
    client = StdioClient(vault, timeout=30)
    if refused:
        client.refuse.add("client/registerCapability")
    paper = uri(vault, "papers/p.md")
    try:
        client.initialize(vault, workspace={"didChangeWatchedFiles": {
            "dynamicRegistration": True}})
        assert opened(client, vault / "papers/p.md") == ["broken-link"]
        client.request("workspace/symbol", {"query": ""})  # the vault is loaded
        write_files(vault, {"concepts/missing.md": "---\ntitle: Missing note\n---\n"})
        if not refused:  # the client reports the file; nothing else would
            client.notify("workspace/didChangeWatchedFiles", {"changes": [
                {"uri": uri(vault, "concepts/missing.md"), "type": 1}]})
        assert client.diagnostics(paper, until=lambda ds: ds == [], timeout=15) == []
        assert [r["method"] for r in client.requests] == ["client/registerCapability"]
    finally:
        client.close()


def test_a_big_first_load_reports_its_progress(tmp_path: Path) -> None:
    """A vault's first load that parses thousands of notes shows how far it is, in a client
    that displays progress; the notes are served once it ends."""
    from lemma.index.apply import WORTH_SHOWING
    from lemma.synth import write_synthetic_vault

    vault = tmp_path / "notes"
    paths = write_synthetic_vault(vault, WORTH_SHOWING + 500)
    client = StdioClient(vault, timeout=120)
    try:
        client.initialize(vault, window={"workDoneProgress": True})
        values = []
        while not values or values[-1]["kind"] != "end":
            values.append(client.wait_for("$/progress", timeout=120)["params"]["value"])
        assert values[0]["kind"] == "begin" and values[0]["title"] == "lemma: indexing the vault"
        reports = [v["percentage"] for v in values if v["kind"] == "report"]
        assert reports and reports == sorted(reports) and reports[-1] == 100
        assert values[-1]["message"] == f"{len(paths):,} notes read"
        assert "window/workDoneProgress/create" in [r["method"] for r in client.requests]
        assert opened(client, vault / paths[0]) is not None
    finally:
        client.close()
