"""Secret parts of request paths kept out of uvicorn's access log.

Some URLs are capabilities: whoever knows them may read what they lead to. The verification
request's ``id`` shows the data a student shared (``/verify/{id}``, the verifier's API), and an
offer's reference gives its pre-authorized code (``/u/{slug}/offers/{reference}``, also passed to
the web wallet as ``credential_offer_uri``). The access log keeps the route, not the secret.
"""

from __future__ import annotations

import logging
import re

ACCESS_LOGGER = "uvicorn.access"
REDACTED = "***"

_SECRET_SEGMENTS = re.compile(
    r"(?P<route>/verify/|/verifier/api/v1/requests/|/u/[^/?#]+/offers/)[^/?#]+"
)
_SECRET_QUERY = re.compile(r"(?P<route>[?&]credential_offer_uri=)[^&#]*")


def redact_path(path: str) -> str:
    """``path`` with its secret segments and query values replaced by ``***``."""
    path = _SECRET_SEGMENTS.sub(rf"\g<route>{REDACTED}", path)
    return _SECRET_QUERY.sub(rf"\g<route>{REDACTED}", path)


class SecretPathFilter(logging.Filter):
    """Redacts the path argument of uvicorn's access log records (``%s - "%s %s HTTP/%s" %d``)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], redact_path(args[2]), *args[3:])
        return True


def install() -> None:
    """Add the filter to uvicorn's access logger (once); logger filters survive uvicorn's own
    logging configuration, which only replaces handlers and levels."""
    logger = logging.getLogger(ACCESS_LOGGER)
    if not any(isinstance(f, SecretPathFilter) for f in logger.filters):
        logger.addFilter(SecretPathFilter())
