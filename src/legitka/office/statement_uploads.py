"""A statement file kept on the server between its preview and its import.

The preview page carries a random token and the file's SHA-256, nothing else: the file itself
stays in the database (``statement_uploads``: every app process behind a load balancer sees it,
which the data directory of one machine would not), found by the token's hash, for the staff
member and university that uploaded it, for :data:`KEPT` only. Importing checks the SHA-256
again and deletes the row; expired rows are deleted at the next upload.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from legitka.clock import Clock
from legitka.domain.errors import NotFound
from legitka.domain.text import N_
from legitka.registry.models import University
from legitka.registry.models.fees import StatementUpload

KEPT = dt.timedelta(hours=1)
EXPIRED = N_(
    "The preview of this statement has expired or was imported already: upload the file again."
)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def keep(
    session: Session, clock: Clock, university: University, staff_login: str, filename: str,
    data: bytes,
) -> tuple[str, str]:  # fmt: skip
    """Keep ``data``; returns the token for the confirmation form and the file's SHA-256."""
    now = clock.now()
    session.execute(delete(StatementUpload).where(StatementUpload.expires_at < now))
    token = secrets.token_urlsafe(32)
    sha256 = hashlib.sha256(data).hexdigest()
    session.add(
        StatementUpload(
            token_hash=_hash(token), university_id=university.id, staff_login=staff_login[:80],
            filename=filename[-255:], sha256=sha256, data=data, created_at=now,
            expires_at=now + KEPT,
        )
    )  # fmt: skip
    return token, sha256


def take(
    session: Session, clock: Clock, university: University, staff_login: str, token: str,
    sha256: str,
) -> StatementUpload:  # fmt: skip
    """The kept file of ``token`` when it is this staff member's and university's, unexpired, and
    still has the SHA-256 the preview showed; deleted from the session (the caller commits)."""
    upload = session.scalar(
        select(StatementUpload).where(StatementUpload.token_hash == _hash(token))
    )
    if (
        upload is None
        or upload.university_id != university.id
        or upload.staff_login != staff_login
        or upload.expires_at <= clock.now()
        or not hmac.compare_digest(upload.sha256, sha256)
        or hashlib.sha256(upload.data).hexdigest() != upload.sha256
    ):
        raise NotFound("statement_preview_expired", EXPIRED, field="file")
    session.delete(upload)
    return upload
