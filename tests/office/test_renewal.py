"""Semester renewal over HTTP, on SQLite and PostgreSQL: preview, job, progress, report, extend.

The demo's clock stands in the winter semester 2026Z, for which the demo's cards are renewed: the
tests renew for the summer semester 2026L (valid until 31 October 2027).
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import httpx
import pytest
from sqlalchemy import func, select

from legitka.clock import local_today
from legitka.domain.fees import ChargeKind
from legitka.domain.semesters import Semester
from legitka.registry.db import transaction
from legitka.registry.models import (
    ElsRenewal,
    RenewalJob,
    RenewalJobStatus,
    Study,
    University,
)
from legitka.registry.services import fees, renewals
from legitka.wallet.holder import Holder
from legitka.worker import drain
from tests.office.conftest import Office
from tests.portal.conftest import demo_password

PAGE = "/office/u/pd/renewals"
ROLL = {"semester": "2026L", "first_hologram": "12350000", "last_hologram": "12350099"}


def overdue_fee(office: Office, album: str) -> None:
    """A fee of the student ``album`` at pd left unpaid after its deadline."""
    with office.runtime.sessions() as session:
        study = session.get_one(Study, office.study_id("pd", album))
        yesterday = local_today(office.clock) - dt.timedelta(days=1)
        fees.add_charge(session, office.clock, study.person, kind=ChargeKind.ELS_DUPLICATE,
                        amount_grosze=3300, due_date=yesterday, actor="test")  # fmt: skip
        session.commit()


def preview(office: Office, client: httpx.Client, **values: str) -> httpx.Response:
    csrf = office.csrf(client, PAGE)
    return client.post(f"{PAGE}/preview", data={"csrf_token": csrf, **ROLL, **values})


def fingerprint(html: str) -> str:
    marker = 'name="fingerprint" value="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]


def activated_mobile_id(office: Office, login: str) -> httpx.Client:
    """The student orders an mLegitymacja through the mobile API and activates it."""
    api = httpx.Client(base_url=f"{office.base}/u/pd/api/v1", timeout=10)
    token = api.post("/session", json={"login": login, "password": demo_password(login)})
    api.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
    assert api.post("/mlegitymacja/order").status_code == 201
    drain(office.runtime)
    offer = api.get("/mlegitymacja").json()["order"]["offer"]
    Holder(httpx.Client(timeout=10), now=office.clock.now).activate(
        offer["qr_uri"], offer["activation_code"]
    )
    return api


def test_preview_job_progress_report_and_the_student_extends(office: Office) -> None:
    api = activated_mobile_id(office, "anna.nowak")
    assert api.post("/mlegitymacja/extend").json()["code"] == "already_extended"
    overdue_fee(office, "100002")  # Olena Kovalenko: an unpaid fee past its deadline
    client = office.sign_in("dziekanat.pd")
    client.headers["Accept-Language"] = "en"

    shown = preview(office, client)
    assert shown.status_code == 200
    to_renew, left_out = shown.text.split('id="left-out"')
    assert "Anna Nowak" in to_renew and "12350000" in to_renew
    assert "Olena Kovalenko" in left_out and "an unpaid fee past its deadline" in left_out
    assert "Paweł Jankowski" in left_out and "the student status is not active" in left_out
    assert "Agnieszka Zielińska" in left_out  # her duplicate is not active yet

    started = client.post(PAGE, data={"csrf_token": office.csrf(client, PAGE), **ROLL,
                                      "fingerprint": fingerprint(shown.text)})  # fmt: skip
    assert started.status_code == 303
    job_page = started.headers["location"]
    progress = client.get(f"{job_page}/progress").json()
    assert progress["status"] == "queued" and progress["percent"] == 0
    assert progress["total"] >= 4 and progress["done"] == 0
    assert 'value="0"' in client.get(job_page).text

    drain(office.runtime)
    progress = client.get(f"{job_page}/progress?wait=1&seen=0").json()
    assert progress["finished"] and progress["percent"] == 100
    assert progress["renewed"] == progress["total"]
    page = client.get(job_page)
    assert "Download the report" in page.text and 'value="100"' in page.text

    report = client.get(f"{job_page}/report.csv")
    assert report.headers["content-type"].startswith("text/csv")
    rows = {
        row["album_number"]: row
        for row in csv.DictReader(io.StringIO(report.text.lstrip("\ufeff")))
    }
    assert rows["100001"]["outcome"] == "renewed" and rows["100001"]["valid_until"] == "2027-10-31"
    assert rows["100001"]["hologram_number"].startswith("1235000")
    assert rows["100002"]["outcome"] == "skipped" and rows["100002"]["reason_code"] == "fees_unpaid"
    assert rows["100013"]["reason_code"] == "inactive_status"
    holograms = [r["hologram_number"] for r in rows.values() if r["outcome"] == "renewed"]
    assert len(holograms) == len(set(holograms)) == progress["renewed"]

    # R19: the renewed card lets the student extend the mLegitymacja, without a new QR code.
    extended = api.post("/mlegitymacja/extend")
    assert extended.status_code == 200 and extended.json()["valid_until"] == "2027-10-31"


def test_a_roll_too_short_is_refused_before_starting(office: Office) -> None:
    client = office.sign_in("dziekanat.pd")
    client.headers["Accept-Language"] = "en"
    short = preview(office, client, last_hologram="12350001")
    assert short.status_code == 422 and "enter a longer range" in short.text
    assert 'name="fingerprint"' not in short.text
    full = preview(office, client)
    started = client.post(PAGE, data={"csrf_token": office.csrf(client, PAGE), **ROLL,
                                      "last_hologram": "12350001",
                                      "fingerprint": fingerprint(full.text)})  # fmt: skip
    assert started.status_code == 422
    for bad, code in (({"first_hologram": "45600001"}, 422), ({"first_hologram": "123"}, 422),
                      ({"semester": "2030Z"}, 422)):  # fmt: skip
        assert preview(office, client, **bad).status_code == code
    with office.runtime.sessions() as session:
        assert session.scalar(select(func.count(RenewalJob.id))) == 0


def test_the_register_changed_since_the_preview(office: Office) -> None:
    client = office.sign_in("dziekanat.pd")
    client.headers["Accept-Language"] = "en"
    shown = preview(office, client)
    overdue_fee(office, "100001")
    started = client.post(PAGE, data={"csrf_token": office.csrf(client, PAGE), **ROLL,
                                      "fingerprint": fingerprint(shown.text)})  # fmt: skip
    assert started.status_code == 409 and "changed since the preview" in started.text


def test_a_worker_crash_renews_nobody_twice(office: Office) -> None:
    rt, clock = office.runtime, office.clock
    semester = Semester.parse("2026L")
    with transaction(rt.sessions) as session:
        uni = session.scalar(select(University).where(University.slug == "pd"))
        assert uni is not None
        plan = renewals.plan(session, clock, uni, semester)
        job = renewals.start(session, clock, uni, semester, first_hologram="12350000",
                             last_hologram="12350099", fingerprint=plan.fingerprint,
                             actor="staff:dziekanat.pd")  # fmt: skip
        job_id, total = job.id, job.total
    assert total >= 4
    assert renewals.claim(rt.sessions, clock, "worker-a") == job_id
    # Worker A renews two cards and dies before its commit: nothing of that batch stays.
    with rt.sessions() as session:
        assert renewals.process_batch(session, clock, "worker-a", job_id, limit=2) == 2
        session.rollback()
    assert renewals.claim(rt.sessions, clock, "worker-b") is None  # A's lease still holds
    clock.advance(dt.timedelta(seconds=renewals.LEASE_SECONDS + 1))
    assert renewals.claim(rt.sessions, clock, "worker-b") == job_id
    with transaction(rt.sessions) as session:
        assert renewals.process_batch(session, clock, "worker-a", job_id) == 0  # lease lost
    with transaction(rt.sessions) as session:
        assert renewals.process_batch(session, clock, "worker-b", job_id, limit=2) == 2
    with transaction(rt.sessions) as session:  # the same batch again: those two are done
        assert renewals.process_batch(session, clock, "worker-b", job_id, limit=2) == 2
    drain(rt)  # worker B still holds the job: another worker leaves it alone
    with rt.sessions() as session:
        assert session.get_one(RenewalJob, job_id).done == 4
    clock.advance(dt.timedelta(seconds=renewals.LEASE_SECONDS + 1))  # B died too
    drain(rt)
    drain(rt)
    with rt.sessions() as session:
        job = session.get_one(RenewalJob, job_id)
        assert job.status is RenewalJobStatus.FINISHED and job.done == job.total == total
        stickers = session.scalars(select(ElsRenewal).where(ElsRenewal.semester == "2026L")).all()
    assert len(stickers) == job.renewed == total
    assert len({s.card_id for s in stickers}) == len({s.hologram_number for s in stickers}) == total
    assert sorted(s.hologram_number for s in stickers) == [f"123500{i:02d}" for i in range(total)]


def test_one_card_at_the_desk(office: Office) -> None:
    overdue_fee(office, "100002")
    client = office.sign_in("dziekanat.pd")
    client.headers["Accept-Language"] = "en"
    for album, hologram, status, text in (
        ("100002", "12350010", 409, "an unpaid fee past its deadline"),
        ("100001", "99950010", 422, "invalid_hologram"),
        ("100001", "12350010", 303, ""),
        ("100001", "12350011", 409, "already"),
    ):
        page = f"/office/u/pd/cards/{office.study_id('pd', album)}"
        form = {"csrf_token": office.csrf(client, page), "semester": "2026L", "hologram": hologram}
        response = client.post(f"{page}/renew", data=form)
        assert response.status_code == status, response.text
        if text and status != 422:
            assert text in response.text
    with office.runtime.sessions() as session:
        renewed = session.scalars(select(ElsRenewal).where(ElsRenewal.semester == "2026L")).all()
    assert [r.hologram_number for r in renewed] == ["12350010"]
    assert renewed[0].renewed_by == "staff:dziekanat.pd"


@pytest.mark.parametrize(
    ("login", "status"),
    [("dziekanat.pd", 200), ("admin.pd", 200), ("admin", 200), ("dziekanat.uw", 404)],
)
def test_authorization(office: Office, login: str, status: int) -> None:
    with transaction(office.runtime.sessions) as session:
        uni = session.scalar(select(University).where(University.slug == "pd"))
        assert uni is not None
        semester = Semester.parse("2026L")
        plan = renewals.plan(session, office.clock, uni, semester)
        job_id = renewals.start(session, office.clock, uni, semester, first_hologram="12350000",
                                last_hologram="12350099", fingerprint=plan.fingerprint,
                                actor="staff:admin").id  # fmt: skip
    client = office.sign_in(login)
    for path in (PAGE, f"{PAGE}/{job_id}", f"{PAGE}/{job_id}/progress",
                 f"{PAGE}/{job_id}/report.csv"):  # fmt: skip
        assert client.get(path).status_code == status, path
    if status == 200:
        assert (
            client.post(f"{PAGE}/preview", data={**ROLL, "csrf_token": "forged"}).status_code == 403
        )
        assert client.get(f"/office/u/uw/renewals/{job_id}").status_code in (404,)
    else:
        own = office.csrf(client, "/office/u/uw/renewals")
        assert client.post(f"{PAGE}/preview", data={**ROLL, "csrf_token": own}).status_code == 404
        assert client.post(PAGE, data={**ROLL, "csrf_token": own}).status_code == 404
        assert client.get(f"/office/u/uw/renewals/{job_id}").status_code == 404
    assert office.browser().get(f"{PAGE}/{job_id}").status_code == 303
