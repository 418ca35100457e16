"""The whole issuance story over real HTTP, with the Python holder, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from legitka.credentials import jose
from legitka.domain.errors import Conflict
from legitka.domain.orders import OrderStatus
from legitka.domain.studies import StudyStatus
from legitka.issuer import mobile_ids, orders
from legitka.registry.db import transaction
from legitka.registry.models import MobileId, Order
from legitka.registry.services import people
from legitka.registry.services.students import find_study
from legitka.wallet.holder import HolderError
from legitka.worker import drain
from tests.issuer.conftest import Issuer


def test_order_activate_and_show_claims(issuer: Issuer) -> None:
    view = issuer.order()
    assert view["status"] == "ready"
    offer = view["offer"]
    assert offer["qr_uri"].startswith("openid-credential-offer://?credential_offer_uri=")
    assert offer["activation_code"] not in offer["qr_uri"]
    document = issuer.http.get(offer["credential_offer_uri"]).json()
    assert offer["activation_code"] not in str(document)

    holder = issuer.holder()
    stored = holder.activate(offer["qr_uri"], offer["activation_code"])

    claims = stored.claims
    assert claims["iss"] == f"{issuer.base}/u/pd"
    assert claims["vct"] == f"{issuer.base}/credentials/student-id/1"
    assert claims["student_id"] == "100001"
    assert claims["personal_administrative_number"]
    assert claims["picture"].startswith("data:image/jpeg;base64,")
    assert len(claims["picture"]) < 20 * 1024 * 4 / 3 + 100
    assert claims["university"]["id"] == "pd"
    assert claims["cnf"]["jwk"] == jose.public_jwk(holder.key)
    # exp is the end of the validity date in Warsaw: 31 March 2027, 24:00 CEST.
    assert claims["exp"] == int(dt.datetime(2027, 3, 31, 22, 0, tzinfo=dt.UTC).timestamp())
    header = stored.sd_jwt.header
    assert header["typ"] == "dc+sd-jwt" and len(header["x5c"]) == 1
    assert issuer.view(view["id"])["status"] == "picked_up"
    assert issuer.status_of(stored) == 0


def test_wrong_activation_code_counts_down_then_burns_the_offer(issuer: Issuer) -> None:
    view = issuer.order()
    holder = issuer.holder()
    for left in (4, 3, 2, 1):
        with pytest.raises(HolderError) as wrong:
            holder.activate(view["offer"]["qr_uri"], "00000000")
        assert wrong.value.code == "invalid_grant"
        assert f"{left} attempts left" in wrong.value.message
    with pytest.raises(HolderError) as fifth:
        holder.activate(view["offer"]["qr_uri"], "00000000")
    assert "no attempts are left" in fifth.value.message
    with pytest.raises(HolderError) as burned:
        holder.activate(view["offer"]["qr_uri"], view["offer"]["activation_code"])
    assert burned.value.status == 404  # the offer behind the QR code is gone
    after = issuer.view(view["id"])
    assert after["status"] == "expired"
    assert after["reason"] == "too_many_attempts"


def test_a_used_code_cannot_activate_a_second_phone(issuer: Issuer) -> None:
    view = issuer.order()
    issuer.holder().activate(view["offer"]["qr_uri"], view["offer"]["activation_code"])
    with pytest.raises(HolderError) as again:
        issuer.holder().activate(view["offer"]["qr_uri"], view["offer"]["activation_code"])
    assert again.value.code == "invalid_request"  # the offer document is gone
    assert "order a new one" in again.value.message


def test_offer_expires_after_30_days(issuer: Issuer) -> None:
    view = issuer.order()
    issuer.clock.advance(dt.timedelta(days=30, seconds=1))
    drain(issuer.runtime)
    after = issuer.view(view["id"])
    assert after["status"] == "expired"
    assert after["reason"] == "offer_expired"
    assert after["offer"] is None


def test_cancel_reaches_the_status_list(issuer: Issuer) -> None:
    view = issuer.order()
    stored = issuer.holder().activate(view["offer"]["qr_uri"], view["offer"]["activation_code"])
    with transaction(issuer.runtime.sessions) as session:
        mobile_ids.cancel(session, issuer.clock, orders.get(session, view["id"]), actor="test")
    assert issuer.status_of(stored) == 1
    assert issuer.view(view["id"])["status"] == "cancelled"


def test_suspension_suspends_and_reinstatement_restores(issuer: Issuer) -> None:
    view = issuer.order()
    stored = issuer.holder().activate(view["offer"]["qr_uri"], view["offer"]["activation_code"])
    today = dt.date(2026, 11, 22)
    with transaction(issuer.runtime.sessions) as session:
        study = find_study(session, "pd", "100001")
        people.change_study_status(
            session, issuer.clock, study, StudyStatus.SUSPENDED, since=today, actor="office"
        )
    assert issuer.status_of(stored) == 2
    with transaction(issuer.runtime.sessions) as session:
        study = find_study(session, "pd", "100001")
        people.change_study_status(
            session, issuer.clock, study, StudyStatus.ACTIVE, since=today, actor="office"
        )
    assert issuer.status_of(stored) == 0
    with transaction(issuer.runtime.sessions) as session:
        study = find_study(session, "pd", "100001")
        people.change_study_status(
            session, issuer.clock, study, StudyStatus.REMOVED, since=today, actor="office"
        )
    assert issuer.status_of(stored) == 1
    assert issuer.view(view["id"])["status"] == "invalidated"


def test_changed_personal_data_revokes_under_the_els_policy(issuer: Issuer) -> None:
    view = issuer.order()
    stored = issuer.holder().activate(view["offer"]["qr_uri"], view["offer"]["activation_code"])
    with transaction(issuer.runtime.sessions) as session:
        study = find_study(session, "pd", "100001")
        person = study.person
        people.change_personal_data(
            session, issuer.clock, person, family_name="Nowak-Kowalska", actor="office"
        )
    assert issuer.status_of(stored) == 1
    after = issuer.view(view["id"])
    assert after["status"] == "invalidated" and after["reason"] == "data_changed"


def test_a_new_phone_replaces_the_old_one(issuer: Issuer) -> None:
    first = issuer.order()
    old = issuer.holder().activate(first["offer"]["qr_uri"], first["offer"]["activation_code"])
    second = issuer.order()
    assert second["id"] != first["id"]
    new = issuer.holder().activate(second["offer"]["qr_uri"], second["offer"]["activation_code"])
    assert issuer.status_of(old) == 1
    assert issuer.status_of(new) == 0
    assert issuer.view(first["id"])["reason"] == "replaced"


def test_renewal_extends_validity_with_the_same_key(issuer: Issuer) -> None:
    view = issuer.order("uw", "200001")  # PESEL policy: validity follows the semester
    holder = issuer.holder()
    stored = holder.activate(view["offer"]["qr_uri"], view["offer"]["activation_code"])
    first_exp = stored.claims["exp"]
    first_index = stored.claims["status"]["status_list"]["idx"]
    issuer.clock.advance(dt.timedelta(days=120))  # 22 March 2027: summer semester
    assert holder.renew(stored).claims["exp"] == first_exp  # not extended yet
    with transaction(issuer.runtime.sessions) as session:
        mobile_id = session.scalars(select(MobileId)).one()
        assert mobile_ids.extend(session, issuer.clock, mobile_id, actor="student") == (
            dt.date(2027, 10, 31)
        )
        with pytest.raises(Conflict) as again:
            mobile_ids.extend(session, issuer.clock, mobile_id, actor="student")
        assert again.value.code == "already_extended"
    renewed = holder.renew(stored)
    assert renewed.claims["exp"] > first_exp
    assert renewed.claims["cnf"] == stored.claims["cnf"]
    assert renewed.claims["status"]["status_list"]["idx"] != first_index  # its own index
    with issuer.runtime.sessions() as session:
        mobile_id = session.scalars(select(MobileId)).one()
        assert mobile_id.valid_until == dt.date(2027, 10, 31)
        assert len(mobile_id.credentials) == 3


def test_ordering_twice_makes_one_order(issuer: Issuer) -> None:
    with transaction(issuer.runtime.sessions) as session:
        study = find_study(session, "pd", "100001")
        first, created = orders.place(session, issuer.clock, study, channel="cli", actor="a")
        second, created_again = orders.place(session, issuer.clock, study, channel="cli", actor="a")
    assert created and not created_again and first.id == second.id
    with issuer.runtime.sessions() as session:
        assert len(session.scalars(select(Order)).all()) == 1


def test_an_ineligible_student_cannot_order(issuer: Issuer) -> None:
    from legitka.domain.errors import Conflict

    with transaction(issuer.runtime.sessions) as session:
        study = find_study(session, "pd", "100003")  # photo waiting for approval
        with pytest.raises(Conflict) as refused:
            orders.place(session, issuer.clock, study, channel="cli", actor="a")
    assert refused.value.code == "not_eligible"
    assert "no_approved_photo" in refused.value.message


def test_worker_processing_survives_a_lost_lease(issuer: Issuer) -> None:
    from legitka.issuer import processing

    rt = issuer.runtime
    with transaction(rt.sessions) as session:
        study = find_study(session, "pd", "100001")
        order, _ = orders.place(session, issuer.clock, study, channel="cli", actor="a")
    claimed = processing.claim(rt.sessions, issuer.clock, "dead-worker")
    assert claimed == [order.id]
    # The worker dies here. Nobody else can take the order while its lease runs...
    assert processing.claim(rt.sessions, issuer.clock, "other") == []
    issuer.clock.advance(dt.timedelta(seconds=processing.LEASE_SECONDS + 1))
    # ...then another worker takes it up, and the dead one can no longer finish it.
    assert processing.claim(rt.sessions, issuer.clock, "other") == [order.id]
    assert (
        processing.process(rt.sessions, issuer.clock, rt.issuer_config, "dead-worker", order.id)
        is None
    )
    status = processing.process(rt.sessions, issuer.clock, rt.issuer_config, "other", order.id)
    assert status is OrderStatus.READY
    with rt.sessions() as session:
        assert session.get_one(Order, order.id).offer is not None
        assert session.scalars(select(MobileId)).all() == []


def test_expired_tokens_and_nonces_are_forgotten(issuer: Issuer) -> None:
    from sqlalchemy import func

    from legitka.registry.models import IssuanceNonce, IssuanceToken

    view = issuer.order()
    issuer.holder().activate(view["offer"]["qr_uri"], view["offer"]["activation_code"])
    issuer.http.post(f"{issuer.base}/u/pd/nonce")
    with issuer.runtime.sessions() as session:
        assert session.scalar(select(func.count()).select_from(IssuanceToken)) == 2
        assert session.scalar(select(func.count()).select_from(IssuanceNonce)) == 1
    issuer.clock.advance(dt.timedelta(days=366))
    drain(issuer.runtime)
    with issuer.runtime.sessions() as session:
        assert session.scalar(select(func.count()).select_from(IssuanceToken)) == 0
        assert session.scalar(select(func.count()).select_from(IssuanceNonce)) == 0
