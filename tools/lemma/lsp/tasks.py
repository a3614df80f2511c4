"""Background tasks of the server, kept referenced until they finish."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any

_tasks: set[asyncio.Task] = set()


def spawn(coroutine: Coroutine[Any, Any, Any]) -> None:
    """Run in the background (a reference is kept so the task is not collected early)."""
    task = asyncio.ensure_future(coroutine)
    _tasks.add(task)
    task.add_done_callback(_tasks.discard)
