"""`lemma lsp` on a hostile or sloppy wire: bad frames, unknown methods, odd positions, the
exit code; each case must get an answer (or a clean exit), never a hang or a dead server."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import write_files
from tests.lsp_client import LspError, StdioClient
from tests.test_lsp_server import FILES, PAPER, at, uri


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    return write_files(tmp_path / "notes", FILES)


@pytest.fixture
def client(vault: Path) -> Iterator[StdioClient]:
    client = StdioClient(vault, timeout=20)
    try:
        client.initialize(vault)
        yield client
    finally:
        client.close()


def still_answers(client: StdioClient, vault: Path) -> None:
    """The server is alive and in step: a hover on a link gets its target."""
    hover = client.request("textDocument/hover", {
        "textDocument": {"uri": uri(vault, "papers/p.md")}, "position": at(PAPER, "[[Alpha]]", 2)})
    assert hover["contents"]["value"].startswith("**Alpha**")


@pytest.mark.parametrize("method", ["lemma/unknown", "textDocument/formatting", "$/custom"])
def test_unknown_methods_get_method_not_found(client: StdioClient, vault: Path,
                                              method: str) -> None:
    with pytest.raises(LspError) as refused:
        client.request(method, {"textDocument": {"uri": uri(vault, "papers/p.md")},
                                "options": {"tabSize": 2, "insertSpaces": True}})
    assert refused.value.code == -32601
    still_answers(client, vault)


def test_params_that_do_not_fit_get_invalid_params(client: StdioClient, vault: Path) -> None:
    with pytest.raises(LspError) as refused:
        client.request("textDocument/hover", {"position": "nowhere"})
    assert refused.value.code == -32602
    assert str(refused.value).startswith("lemma: invalid params for textDocument/hover")
    still_answers(client, vault)


BAD_FRAMES = {
    "5000-digit length": b"Content-Length: " + b"9" * 5000 + b"\r\n\r\n{}",
    "length past the limit": b"Content-Length: 999999999999\r\n\r\n{}",
    "length not a number": b"Content-Length: twelve\r\n\r\n{}",
    "short length": b'Content-Length: 20\r\n\r\n{"jsonrpc": "2.0", "id": 99, "method": "shutdown"}',
    "not JSON": b"Content-Length: 9\r\n\r\nnot json!",
}


@pytest.mark.parametrize("frame", BAD_FRAMES.values(), ids=BAD_FRAMES.keys())
def test_a_bad_frame_is_answered_and_skipped(client: StdioClient, vault: Path,
                                             frame: bytes) -> None:
    client.send_raw(frame)
    error = client.answer(None)["error"]
    assert error["code"] == -32700
    assert error["message"].startswith("lemma: ")
    still_answers(client, vault)  # the next frame is read whole: nothing glued onto it
    assert client.proc.poll() is None


POSITIONS = {
    "line past the end": {"line": 10**6, "character": 0},
    "column past the end": {"line": 9, "character": 2**31 - 1},
    "both": {"line": 2**31 - 1, "character": 2**31 - 1},
}


@pytest.mark.parametrize("position", POSITIONS.values(), ids=POSITIONS.keys())
@pytest.mark.parametrize("method", ["textDocument/hover", "textDocument/completion",
                                    "textDocument/definition", "textDocument/references",
                                    "textDocument/prepareRename"])
def test_positions_out_of_range_are_answered(client: StdioClient, vault: Path, method: str,
                                             position: dict) -> None:
    extra = {"context": {"includeDeclaration": True}} if method.endswith("references") else {}
    client.request(method, {"textDocument": {"uri": uri(vault, "papers/p.md")},
                            "position": position, **extra}, timeout=10)
    still_answers(client, vault)


def test_a_change_out_of_range_is_applied_at_the_end(client: StdioClient, vault: Path) -> None:
    paper = uri(vault, "papers/p.md")
    client.notify("textDocument/didOpen", {"textDocument": {
        "uri": paper, "languageId": "markdown", "version": 1, "text": PAPER}})
    client.diagnostics(paper)
    far = {"line": 10**6, "character": 10**6}
    client.notify("textDocument/didChange", {"textDocument": {"uri": paper, "version": 2},
                                             "contentChanges": [{"range": {"start": far,
                                                                           "end": far},
                                                                 "text": "[[Nowhere]]"}]})
    shown = client.diagnostics(paper, version=2)
    assert sorted(d["message"].split("'")[1] for d in shown) == ["Missing note", "Nowhere"]


def test_positions_on_a_long_line_convert_in_linear_time(vault: Path) -> None:
    """Completion at the end of a 200 KB line with astral characters (quadratic conversion
    took seconds per request at 100 KB)."""
    line = "😀 word " * 25_000
    write_files(vault, {"long.md": f"---\ntitle: Long\n---\n{line}[[Al\n"})
    client = StdioClient(vault, timeout=20)
    try:
        client.initialize(vault)
        long_uri = uri(vault, "long.md")
        text = (vault / "long.md").read_text(encoding="utf-8")
        client.notify("textDocument/didOpen", {"textDocument": {
            "uri": long_uri, "languageId": "markdown", "version": 1, "text": text}})
        client.diagnostics(long_uri)
        column = len((line + "[[Al").encode("utf-16-le")) // 2
        started = time.perf_counter()
        for _ in range(3):
            found = client.request("textDocument/completion", {
                "textDocument": {"uri": long_uri}, "position": {"line": 3, "character": column}})
        took = (time.perf_counter() - started) / 3
        assert "Alpha" in [item["label"] for item in found["items"]]
        edit = next(i for i in found["items"] if i["label"] == "Alpha")["textEdit"]["range"]
        assert edit["start"]["character"] == column - 2  # after `[[`, in UTF-16 units
        assert took < 1.0, f"{took:.2f} s per completion on a 200 KB line"
    finally:
        client.close()


@pytest.mark.parametrize(("shutdown", "code"), [(True, 0), (False, 1)],
                         ids=["after shutdown", "without shutdown"])
def test_exit_code(vault: Path, shutdown: bool, code: int) -> None:
    client = StdioClient(vault, timeout=20)
    try:
        client.initialize(vault)
        if shutdown:
            assert client.request("shutdown", None) is None
        client.notify("exit", None)
        assert client.proc.wait(timeout=10) == code
    finally:
        client.close()


@pytest.mark.parametrize("name", ["x" * 300 + ".md", "sub/" + "é" * 200 + ".md"],
                         ids=["ascii", "two-byte letters"])
def test_an_over_long_file_name_is_one_clear_error(client: StdioClient, vault: Path,
                                                   name: str) -> None:
    with pytest.raises(LspError) as refused:
        client.request("textDocument/rename", {
            "textDocument": {"uri": uri(vault, "papers/p.md")},
            "position": at(PAPER, "[[Alpha]]", 3), "newName": name})
    stem = name.rsplit("/", 1)[-1]
    assert refused.value.code == -32803
    assert str(refused.value) == (
        f"lemma mv: the file name '{stem[:40]}…' is {len(stem.encode())} bytes long; "
        "file systems allow 255: choose a shorter name")
    still_answers(client, vault)
