"""Wake-ups between the processes that share one PostgreSQL database (``LISTEN``/``NOTIFY``).

Two things happen in one process and are awaited in another: a student places an order in an
app process and a worker process should take it up at once (``WORK``), and a worker commits the
orders it made and the students waiting for them in app processes (long polling) should see the
QR code at once (``ORDERS``, with the ids of the studies whose orders changed). A notification is
only a hint to look at the database sooner: the database stays the only state, and every waiting
party also looks on its own at a fixed interval, so a lost notification (or SQLite, which has
none) costs time, never correctness.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

logger = logging.getLogger("legitka.signals")

WORK = "legitka_work"
ORDERS = "legitka_orders"
PAYLOAD_LIMIT = 7000  # PostgreSQL refuses payloads of 8000 bytes and more
RETRY_SECONDS = 5.0


def announce(session: Session, channel: str, ids: Iterable[int] = ()) -> None:
    """Tell the other processes on ``channel`` when ``session``'s transaction commits (nothing
    on SQLite). ``ids`` go as the payload, comma-separated; too many go as none (look at all)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    payload = ",".join(str(i) for i in ids)
    if len(payload) > PAYLOAD_LIMIT:
        payload = ""
    session.execute(
        text("SELECT pg_notify(:channel, :payload)"), {"channel": channel, "payload": payload}
    )


def parse_ids(payload: str) -> list[int] | None:
    """The ids of a payload; ``None`` when it names none (then everything may have changed)."""
    try:
        ids = [int(part) for part in payload.split(",") if part]
    except ValueError:
        return None
    return ids or None


class Listener:
    """A thread that listens on channels and calls ``callbacks[channel](payload)``.

    It holds one connection of its own (outside the pool), reconnects after an outage and then
    calls every callback once with an empty payload, since notifications sent while it was away
    are lost.
    """

    def __init__(self, database_url: str, callbacks: dict[str, Callable[[str], None]]) -> None:
        url = make_url(database_url)
        if url.get_backend_name() != "postgresql":
            raise ValueError("LISTEN needs PostgreSQL")
        self.conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
        self.callbacks = callbacks
        self.stopping = threading.Event()
        self.listening = threading.Event()
        self.thread = threading.Thread(target=self._run, name="legitka-listener", daemon=True)

    def start(self) -> Listener:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join(timeout=5)

    def _run(self) -> None:
        import psycopg
        from psycopg import sql

        while not self.stopping.is_set():
            try:
                with psycopg.connect(self.conninfo, autocommit=True, connect_timeout=5) as conn:
                    for channel in self.callbacks:
                        conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(channel)))
                    self.listening.set()
                    self._call_all("")
                    while not self.stopping.is_set():
                        for note in conn.notifies(timeout=1.0):
                            self._call(note.channel, note.payload)
            except psycopg.Error as exc:
                self.listening.clear()
                logger.warning("not listening to the database, retrying: %s", type(exc).__name__)
                self.stopping.wait(RETRY_SECONDS)

    def _call_all(self, payload: str) -> None:
        for channel in self.callbacks:
            self._call(channel, payload)

    def _call(self, channel: str, payload: str) -> None:
        callback = self.callbacks.get(channel)
        if callback is None:
            return
        try:
            callback(payload)
        except Exception:  # a listener must outlive a faulty callback
            logger.exception("callback of %s failed", channel)


def listen(database_url: str, callbacks: dict[str, Callable[[str], None]]) -> Listener | None:
    """A started listener, or ``None`` on SQLite (one process writes there at a time anyway)."""
    if make_url(database_url).get_backend_name() != "postgresql":
        return None
    return Listener(database_url, callbacks).start()
