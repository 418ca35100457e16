"""Long polling: answer when an order's status changes, not on every request of a waiting app.

The waiting request looks at the database again whenever this process's worker commits order
changes (a counter it moves) and at least once a second, for orders that another process works
on; between looks it holds no connection, transaction or thread.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from starlette.concurrency import run_in_threadpool

from legitka.worker import changes

TICK = 0.05  # how often the process-local change counter is looked at
LOOK_AGAIN = 1.0  # the longest time between two looks at the database


async def until_changed(
    look: Callable[[], dict[str, Any]], known: str | None, wait: float
) -> dict[str, Any]:
    """``look()``'s answer once its ``status`` differs from ``known``, or after ``wait`` s."""
    deadline = time.monotonic() + wait
    while True:
        seen = changes.count
        body = await run_in_threadpool(look)
        remaining = deadline - time.monotonic()
        if known is None or body.get("status") != known or remaining <= 0:
            return body
        next_look = time.monotonic() + min(LOOK_AGAIN, remaining)
        while changes.count == seen and time.monotonic() < next_look:
            await asyncio.sleep(TICK)
