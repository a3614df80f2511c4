"""A minimal LSP client over stdio, JSON-RPC by hand: every wait has a timeout, so a server
that hangs fails the test instead of hanging the run. Also used by benchmarks/bench_lsp.py."""

from __future__ import annotations

import json
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any


class LspError(Exception):
    """The server answered a request with an error (its message; its code as `.code`)."""

    def __init__(self, message: str, code: int = 0) -> None:
        super().__init__(message)
        self.code = code


class StdioClient:
    """Runs `lemma --notes ROOT lsp` and talks to it."""

    def __init__(self, notes: Path | None, cwd: Path | None = None, timeout: float = 30.0) -> None:
        """Start the server on `notes` (None: no `--notes`, the vault comes from the client's
        root), in `cwd` (default: `notes`)."""
        lemma = str(Path(sys.executable).with_name("lemma"))
        args = [lemma, "--notes", str(notes), "lsp"] if notes is not None else [lemma, "lsp"]
        self.proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, cwd=cwd or notes)
        self.timeout = timeout
        self.inbox: queue.Queue[dict[str, Any]] = queue.Queue()
        self.notifications: list[dict[str, Any]] = []
        self.requests: list[dict[str, Any]] = []  # requests from the server (answered null)
        self.refuse: set[str] = set()  # server requests answered with an error instead
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        stream = self.proc.stdout
        assert stream is not None
        while True:
            length = None
            while True:
                line = stream.readline()
                if not line:
                    return
                if line in (b"\r\n", b"\n"):
                    break
                name, _, value = line.decode("ascii").partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            if length is None:
                continue
            self.inbox.put(json.loads(stream.read(length)))

    def send(self, message: dict[str, Any]) -> None:
        data = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        self.send_raw(b"Content-Length: %d\r\n\r\n" % len(data) + data)

    def send_raw(self, data: bytes) -> None:
        """Write bytes as they are (a frame of one's own making)."""
        assert self.proc.stdin is not None
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def wait_for(self, method: str, timeout: float | None = None) -> dict:
        """The next notification `method` from the server (one seen already counts)."""
        for i, seen in enumerate(self.notifications):
            if seen.get("method") == method:
                return self.notifications.pop(i)
        return self._wait(lambda m: m.get("method") == method, timeout, method)

    def answer(self, wanted: Any, timeout: float | None = None) -> dict:
        """The whole answer (result or error) to request id `wanted`."""
        return self._wait(lambda m: m.get("id") == wanted and "method" not in m, timeout,
                          f"answer to request {wanted!r}")

    def notify(self, method: str, params: Any) -> None:
        self.send({"method": method, "params": params})

    def request(self, method: str, params: Any, timeout: float | None = None) -> Any:
        """Send a request and wait for its answer (server notifications are kept meanwhile)."""
        self.next_id += 1
        wanted = self.next_id
        self.send({"id": wanted, "method": method, "params": params})
        message = self._wait(lambda m: m.get("id") == wanted and "method" not in m, timeout,
                             f"answer to {method}")
        if "error" in message:
            raise LspError(message["error"]["message"], message["error"].get("code", 0))
        return message.get("result")

    def diagnostics(self, uri: str, until=None, timeout: float | None = None,
                    version: int | None = None) -> list[dict]:
        """The next `publishDiagnostics` for `uri` whose list satisfies `until` (default: any)
        and, if given, that is for document `version`."""
        def match(m: dict) -> bool:
            return (m.get("method") == "textDocument/publishDiagnostics"
                    and m["params"]["uri"] == uri
                    and (version is None or m["params"].get("version") == version)
                    and (until is None or until(m["params"]["diagnostics"])))
        for i, seen in enumerate(self.notifications):
            if match(seen):
                del self.notifications[i]
                return seen["params"]["diagnostics"]
        message = self._wait(match, timeout, f"diagnostics for {uri}")
        return message["params"]["diagnostics"]

    def _wait(self, match, timeout: float | None, what: str) -> dict:
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no {what} within {timeout or self.timeout} s")
            try:
                message = self.inbox.get(timeout=left)
            except queue.Empty:
                continue
            if "method" in message and "id" in message:  # a request from the server
                self.requests.append(message)
                if message["method"] in self.refuse:
                    self.send({"id": message["id"], "error": {"code": -32601,
                                                              "message": "not here"}})
                else:
                    self.send({"id": message["id"], "result": None})
            elif match(message):
                return message
            elif "method" in message:
                self.notifications.append(message)

    def initialize(self, root: Path | None, workspace: dict | None = None,
                   folders: list[Path] | None = None, window: dict | None = None) -> dict:
        """initialize + initialized; `workspace` replaces the client's workspace capabilities,
        `window` sets its window capabilities."""
        params: dict[str, Any] = {
            "processId": None, "rootUri": root.as_uri() if root else None, "capabilities": {
                "general": {"positionEncodings": ["utf-16"]},
                "workspace": workspace if workspace is not None else {
                    "workspaceEdit": {"documentChanges": True,
                                      "resourceOperations": ["create", "rename"]}},
                "textDocument": {"rename": {"prepareSupport": True}}}}
        if window is not None:
            params["capabilities"]["window"] = window
        if folders is not None:
            params["workspaceFolders"] = [{"uri": f.as_uri(), "name": f.name} for f in folders]
        result = self.request("initialize", params)
        self.notify("initialized", {})
        return result

    def close(self) -> None:
        """shutdown + exit; kill the server if it does not leave within 5 s."""
        try:
            if self.proc.poll() is None:
                self.request("shutdown", None, timeout=5)
                self.notify("exit", None)
                self.proc.wait(timeout=5)
        except (TimeoutError, OSError, subprocess.TimeoutExpired, LspError):
            pass
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait(timeout=5)
