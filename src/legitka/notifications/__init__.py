"""E-mail notifications to students (``docs/notifications.md``).

An event writes a notification in its own transaction (:func:`notify`, called by the hooks
:func:`order_moved` and :func:`mobile_id_changed`, and by the hourly reminder scan); the worker
sends it after the commit. Modules, one job each: ``messages`` (what each e-mail says, Polish and
English), ``outbox`` (writing, once per event), ``events`` (the hooks), ``reminders`` (the scans),
``smtp`` (messages and connections), ``sender`` (claim, send, retry), ``rounds`` (the worker's
step) and ``web`` (the demo outbox page).
"""

from legitka.notifications.events import mobile_id_changed, order_moved
from legitka.notifications.messages import Kind, Mail, render
from legitka.notifications.outbox import notify

__all__ = ["Kind", "Mail", "mobile_id_changed", "notify", "order_moved", "render"]
