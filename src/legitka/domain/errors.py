"""Coded errors raised by the domain and the services.

Every error carries a stable machine-readable ``code`` and a human ``message`` that says what is
wrong and what to do. ``field`` names the input that caused it, when there is one. A message given
as an English template marked with ``N_`` and its ``params`` (``"No album '{album}'"``, album=…) is
translated on every surface; ``message`` is the filled-in English text.
"""

from __future__ import annotations

from typing import Any


def fill(template: str, params: dict[str, Any]) -> str:
    """``template`` with its ``{placeholders}`` filled; the template itself when they do not fit."""
    if not params:
        return template
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):
        return template


class LegitkaError(Exception):
    """Base of every coded error in legitka."""

    code: str = "error"
    status: int = 400

    def __init__(
        self,
        code: str,
        message: str,
        *,
        field: str | None = None,
        status: int | None = None,
        **params: Any,
    ) -> None:
        self.template = message
        self.message = fill(message, params)
        super().__init__(self.message)
        self.code = code
        self.field = field
        self.params = params
        if status is not None:
            self.status = status

    def __str__(self) -> str:
        prefix = f"{self.field}: " if self.field else ""
        return f"{prefix}{self.message}"


class InvalidInput(LegitkaError):
    """The caller sent a value that breaks a rule (HTTP 422)."""

    status = 422


class NotFound(LegitkaError):
    """The thing asked for does not exist (HTTP 404)."""

    status = 404


class Conflict(LegitkaError):
    """The request clashes with the current state (HTTP 409)."""

    status = 409


class TooManyRequests(LegitkaError):
    """A rate limit was reached (HTTP 429); ``retry_after`` says in how many seconds to retry
    (the web sends it as ``Retry-After``)."""

    status = 429

    def __init__(self, code: str, message: str, *, retry_after: int, **params: Any) -> None:
        super().__init__(code, message, **params)
        self.retry_after = max(1, int(retry_after))
