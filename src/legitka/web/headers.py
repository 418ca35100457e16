"""Reading quality-weighted request headers (``Accept``, ``Accept-Language``)."""

from __future__ import annotations

from collections.abc import Iterator


def weighted_items(header: str | None) -> Iterator[tuple[str, float, int]]:
    """Each ``value;q=0.8`` of a header as (lower-cased value, quality, position).

    A missing ``q`` is 1.0; an unreadable one is 0.0 (the client refused nothing it can read).
    """
    if not header:
        return
    for position, item in enumerate(header.split(",")):
        value, _, params = item.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, number = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(number)
                except ValueError:
                    quality = 0.0
        yield value.strip().lower(), quality, position
