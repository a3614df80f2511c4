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
    """The server answered a request with an error."""


class StdioClient:
    """Runs `lemma --notes ROOT lsp` and talks to it."""

    def __init__(self, notes: Path, cwd: Path | None = None, timeout: float = 30.0) -> None:
        args = [str(Path(sys.executable).with_name("lemma")), "--notes", str(notes), "lsp"]
        self.proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, cwd=cwd or notes)
        self.timeout = timeout
        self.inbox: queue.Queue[dict[str, Any]] = queue.Queue()
        self.notifications: list[dict[str, Any]] = []
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
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(data) + data)
        self.proc.stdin.flush()

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
            raise LspError(message["error"]["message"])
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
                self.send({"id": message["id"], "result": None})
            elif match(message):
                return message
            elif "method" in message:
                self.notifications.append(message)

    def initialize(self, root: Path) -> dict:
        result = self.request("initialize", {
            "processId": None, "rootUri": root.as_uri(), "capabilities": {
                "general": {"positionEncodings": ["utf-16"]},
                "workspace": {"workspaceEdit": {"documentChanges": True,
                                                "resourceOperations": ["create", "rename"]}},
                "textDocument": {"rename": {"prepareSupport": True}}}})
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
