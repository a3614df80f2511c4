"""The wire, hardened where pygls' own loop gives up: message framing, messages that do not fit
their method, documents the client changes before opening, and the exit code.

pygls' loop dies on a Content-Length too long for `int()`, loses every later message after a
short one (the rest of that body glues onto the next header), and drops a request whose params
do not fit its method without answering. Here a bad frame gets a JSON-RPC error and the reader
finds the next `Content-Length:` header; a request that cannot be read gets -32602 or -32700.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams, JsonRpcParseError
from pygls.workspace import Workspace

logger = logging.getLogger(__name__)
#: The largest message body read (a whole 5 MB note, as a didOpen, fits with room to spare).
MAX_BODY = 64 * 1024 * 1024
_LENGTH = re.compile(rb"content-length:[ \t]*(\d{1,20})[ \t]*\r?\n?$", re.IGNORECASE)


async def serve(server: Any, reader: Any) -> None:
    """Read messages from `reader` and hand them to `server.protocol` until EOF or exit."""
    protocol = server.protocol
    while not server._stop_event.is_set():
        length = await _headers(reader, protocol)
        if length is None:
            return
        body = await reader.readexactly(length)
        if len(body) < length:
            return  # end of input inside a body
        _handle(protocol, body)


async def _headers(reader: Any, protocol: Any) -> int | None:
    """The body length of the next message (None at end of input); bad frames are answered
    and skipped until a header that can be trusted."""
    length: int | None = None
    while True:
        line = await reader.readline()
        if not line:
            return None
        if line.strip() == b"":
            if length is not None:
                return length
            continue
        at = line.lower().find(b"content-length:")
        if at < 0:
            continue  # another header (Content-Type), or the tail of a short body
        if at > 0:  # the rest of a body its Content-Length cut short: a new frame starts here
            line = line[at:]
        match = _LENGTH.match(line)
        digits = match[1] if match else b""
        if not digits or len(digits) > 9 or int(digits) > MAX_BODY:
            _reply_error(protocol, None, JsonRpcParseError(
                f"lemma: Content-Length {line[15:].strip()[:40]!r} is not a length up to "
                f"{MAX_BODY} bytes; skipping to the next message"))
            length = None
            continue
        length = int(digits)


def _handle(protocol: Any, body: bytes) -> None:
    """Structure and dispatch one message; answer a request that cannot be read."""
    try:
        message = json.loads(body, object_hook=protocol.structure_message)
    except Exception as error:  # any failure to read is answered, not raised
        _unreadable(protocol, body, error)
        return
    try:
        protocol.handle_message(message)
    except Exception:  # a handler's own failure: pygls reports those; keep serving
        logger.exception("Unable to handle message")


def _unreadable(protocol: Any, body: bytes, error: Exception) -> None:
    """Answer a body that is not JSON (-32700) or whose params do not fit (-32602)."""
    try:
        raw = json.loads(body)
    except ValueError:
        _reply_error(protocol, None, JsonRpcParseError(
            "lemma: the message is not JSON (is its Content-Length right?)"))
        return
    if isinstance(raw, dict) and "id" in raw and "method" in raw:
        cause = error.__cause__ or error
        _reply_error(protocol, raw["id"], JsonRpcInvalidParams(
            f"lemma: invalid params for {raw['method']}: {_first_line(cause)}"))
    else:
        logger.warning("Ignoring a message that cannot be read: %s", _first_line(error))


def _reply_error(protocol: Any, msg_id: Any, error: JsonRpcException) -> None:
    protocol._send_response(msg_id, error=error.to_response_error())


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0][:200] if text else type(error).__name__


class TolerantWorkspace(Workspace):
    """pygls' workspace, but a change to a document that is not open is dropped instead of a
    KeyError: Neovim sends one for a file the rename just moved, before it opens it."""

    def update_text_document(self, text_doc: Any, change: Any) -> None:
        from urllib.parse import unquote

        if unquote(text_doc.uri) in self._text_documents:
            super().update_text_document(text_doc, change)
