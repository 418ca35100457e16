"""Long polling: answer when an order's status changes, not on every request of a waiting app.

The waiting request looks at the database again as soon as its student's order changes (the
worker thread of this process, or on PostgreSQL a notification from any worker process, moves
``changes``) and at least once a second whatever happens; between looks it holds no connection,
transaction or thread.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from starlette.concurrency import run_in_threadpool

from legitka.registry import signals
from legitka.runtime import Runtime
from legitka.worker import changes

TICK = 0.05  # how often the process-local change counter is looked at
LOOK_AGAIN = 1.0  # the longest time between two looks at the database


def listen_for_orders(runtime: Runtime) -> signals.Listener | None:
    """Hear every worker's notifications of changed orders (PostgreSQL; ``None`` on SQLite)."""
    return signals.listen(runtime.settings.effective_database_url, {signals.ORDERS: changes.heard})


async def until_changed(
    look: Callable[[], dict[str, Any]], known: str | None, wait: float, study_id: int | None = None
) -> dict[str, Any]:
    """``look()``'s answer once its ``status`` differs from ``known``, or after ``wait`` s;
    with ``study_id`` it looks again when that study's orders change (``changes``)."""
    deadline = time.monotonic() + wait
    while True:
        seen = changes.version(study_id)
        body = await run_in_threadpool(look)
        remaining = deadline - time.monotonic()
        if known is None or body.get("status") != known or remaining <= 0:
            return body
        next_look = time.monotonic() + min(LOOK_AGAIN, remaining)
        while changes.version(study_id) == seen and time.monotonic() < next_look:
            await asyncio.sleep(TICK)
