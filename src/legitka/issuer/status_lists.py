"""Status lists of a university: unpredictable indexes for new credentials, and publication.

Every credential gets a random free index in the university's current list (HAIP: unique and
unpredictable, never reused). When random picks keep hitting taken indexes the list counts as
full and a new list starts. The published list is a Token Status List JWT re-signed by the worker
soon after every change and periodically, so that serving it is a plain read.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets as random_source
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from legitka.clock import Clock
from legitka.credentials import status_list as codec
from legitka.credentials.keys import Signer
from legitka.domain.mobile_ids import MobileIdStatus, list_value
from legitka.issuer import urls
from legitka.issuer.config import IssuerConfig
from legitka.registry.models import IssuedCredential, MobileId, StatusList, University

logger = logging.getLogger("legitka.issuer.status")

BITS = 2
PICKS = 8  # random candidates tried at once; when all are taken the list counts as full
RESIGN_SECONDS = 3600  # re-sign an unchanged list at least this often (bounded by half its life)


def _current_list(
    session: Session, clock: Clock, config: IssuerConfig, university_id: int
) -> StatusList:
    found = session.scalar(
        select(StatusList)
        .where(StatusList.university_id == university_id, StatusList.full.is_(False))
        .order_by(StatusList.number.desc())
        .limit(1)
    )
    if found is not None:
        return found
    return _new_list(session, clock, config, university_id)


def _new_list(
    session: Session, clock: Clock, config: IssuerConfig, university_id: int
) -> StatusList:
    number = (
        session.scalar(
            select(func.max(StatusList.number)).where(StatusList.university_id == university_id)
        )
        or 0
    ) + 1
    now = clock.now()
    created = StatusList(
        university_id=university_id, number=number, size=config.status_list_size, bits=BITS,
        full=False, created_at=now, changed_at=now, version=0,
    )  # fmt: skip
    try:
        with session.begin_nested():
            session.add(created)
            session.flush()
    except IntegrityError:
        # Another process opened that list first: use it.
        return session.scalars(
            select(StatusList).where(
                StatusList.university_id == university_id, StatusList.number == number
            )
        ).one()
    return created


def allocate(
    session: Session,
    clock: Clock,
    config: IssuerConfig,
    university_id: int,
    credential: IssuedCredential,
) -> StatusList:
    """Give ``credential`` a random free index of the university's current list (flushed)."""
    while True:
        status_list = _current_list(session, clock, config, university_id)
        candidates = {random_source.randbelow(status_list.size) for _ in range(PICKS)}
        taken = set(
            session.scalars(
                select(IssuedCredential.status_index).where(
                    IssuedCredential.status_list_id == status_list.id,
                    IssuedCredential.status_index.in_(candidates),
                )
            )
        )
        for index in candidates - taken:  # each candidate is random already
            credential.status_list_id = status_list.id
            credential.status_index = index
            try:
                with session.begin_nested():
                    session.add(credential)
                    session.flush()
            except IntegrityError:
                continue  # taken at the same moment by another issuance
            return status_list
        session.execute(update(StatusList).where(StatusList.id == status_list.id).values(full=True))


def mark_changed(session: Session, clock: Clock, list_ids: set[int]) -> None:
    """Record that entries of these lists changed: the worker re-signs them next."""
    if list_ids:
        session.execute(
            update(StatusList)
            .where(StatusList.id.in_(sorted(list_ids)))
            .values(version=StatusList.version + 1, changed_at=clock.now())
        )


def lists_of(session: Session, mobile_id: MobileId) -> set[int]:
    return set(
        session.scalars(
            select(IssuedCredential.status_list_id).where(
                IssuedCredential.mobile_id_id == mobile_id.id
            )
        )
    )


def entries(session: Session, status_list: StatusList) -> Iterator[tuple[int, int]]:
    """(index, value) of every entry that is not valid."""
    rows = session.execute(
        select(IssuedCredential.status_index, MobileId.status)
        .join(MobileId, MobileId.id == IssuedCredential.mobile_id_id)
        .where(
            IssuedCredential.status_list_id == status_list.id,
            MobileId.status != MobileIdStatus.ACTIVE,
        )
    )
    for index, status in rows:
        yield index, int(list_value(status))


def resign_interval(config: IssuerConfig) -> int:
    return min(RESIGN_SECONDS, config.status_list_lifetime // 2)


def needs_signing(status_list: StatusList, now: dt.datetime, config: IssuerConfig) -> bool:
    if status_list.token is None or status_list.signed_at is None:
        return True
    if status_list.signed_version is None or status_list.signed_version < status_list.version:
        return True
    return (now - status_list.signed_at).total_seconds() >= resign_interval(config)


@dataclass(frozen=True)
class Published:
    token: str
    etag: str
    signed_at: dt.datetime
    expires_at: dt.datetime


def sign(
    session: Session, clock: Clock, config: IssuerConfig, status_list: StatusList, signer: Signer
) -> Published:
    """Build, compress and sign the list as it is now, and store the token."""
    version = status_list.version
    university = session.get_one(University, status_list.university_id)
    bits = codec.StatusList.from_entries(status_list.size, entries(session, status_list), bits=BITS)
    now = clock.now()
    issued_at = int(now.timestamp())
    expires_at = issued_at + config.status_list_lifetime
    claims = codec.status_list_claims(
        uri=urls.status_list(config.base_url, university.slug, status_list.number),
        status_list=bits,
        issued_at=issued_at,
        expires_at=expires_at,
        ttl=config.status_list_ttl,
    )
    token = signer.sign_jwt({"typ": "statuslist+jwt"}, claims)
    published = Published(
        token=token,
        etag=hashlib.sha256(token.encode()).hexdigest()[:32],
        signed_at=dt.datetime.fromtimestamp(issued_at, dt.UTC),
        expires_at=dt.datetime.fromtimestamp(expires_at, dt.UTC),
    )
    status_list.token = published.token
    status_list.etag = published.etag
    status_list.signed_at = published.signed_at
    status_list.expires_at = published.expires_at
    status_list.signed_version = version
    return published


def due(session: Session, now: dt.datetime, config: IssuerConfig) -> list[int]:
    """Ids of the lists the worker should sign now."""
    stale = now - dt.timedelta(seconds=resign_interval(config))
    return list(
        session.scalars(
            select(StatusList.id).where(
                (StatusList.token.is_(None))
                | (StatusList.signed_version.is_(None))
                | (StatusList.signed_version < StatusList.version)
                | (StatusList.signed_at <= stale)
            )
        )
    )
