"""Coded errors raised by the domain and the services.

Every error carries a stable machine-readable ``code`` and a human ``message`` that says what is
wrong and what to do. ``field`` names the input that caused it, when there is one.
"""

from __future__ import annotations

from typing import Any


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
        super().__init__(message)
        self.code = code
        self.message = message
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
