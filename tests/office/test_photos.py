"""The photo queue over HTTP, on SQLite and PostgreSQL: who may see it, approve and reject."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from legitka.domain.eligibility import PhotoStatus
from legitka.registry.models import AuditEvent, Person, Photo, University
from legitka.registry.services import photos
from tests.builders import photo_bytes
from tests.office.conftest import Office

QUEUE = "/office/u/pd/photos"


def pending_photo(office: Office, album: str = "100003") -> int:
    """The pending photo of the demo student ``album`` at pd (Piotr Kowalski's is pending)."""
    study_id = office.study_id("pd", album)
    with office.runtime.sessions() as session:
        from legitka.registry.models import Study

        person_id = session.get_one(Study, study_id).person_id
        photo_id = session.scalar(
            select(Photo.id).where(Photo.person_id == person_id,
                                   Photo.status == PhotoStatus.PENDING)
        )  # fmt: skip
    assert photo_id is not None
    return int(photo_id)


def test_the_queue_shows_pending_photos_oldest_first(office: Office) -> None:
    with office.runtime.sessions() as session:
        uni = session.scalar(select(University).where(University.slug == "pd"))
        assert uni is not None
        person = session.scalar(select(Person).where(Person.university_id == uni.id,
                                                     Person.family_name == "Nowak"))  # fmt: skip
        assert person is not None
        photos.submit_photo(session, office.clock, person, photo_bytes(), actor="test")
        session.commit()
    client = office.sign_in("dziekanat.pd")
    client.headers["Accept-Language"] = "en"
    page = client.get(QUEUE)
    assert page.status_code == 200
    assert page.text.index("Kowalski") < page.text.index("Nowak")  # the older one first
    image = client.get(f"{QUEUE}/{pending_photo(office)}/image")
    assert image.status_code == 200 and image.headers["content-type"] == "image/jpeg"
    assert image.headers["cache-control"] == "private, no-store"


def test_approve_and_back_to_the_queue(office: Office) -> None:
    photo_id = pending_photo(office)
    client = office.sign_in("dziekanat.pd")
    client.headers["Accept-Language"] = "en"
    csrf = office.csrf(client, QUEUE)
    done = client.post(f"{QUEUE}/{photo_id}/approve", data={"csrf_token": csrf})
    assert done.status_code == 303 and done.headers["location"] == f"{QUEUE}?done=approved"
    page = client.get(done.headers["location"])
    assert "The photo is approved." in page.text
    assert f"/photos/{photo_id}/image" not in page.text
    with office.runtime.sessions() as session:
        photo = session.get_one(Photo, photo_id)
        assert photo.status is PhotoStatus.APPROVED and photo.decided_by == "staff:dziekanat.pd"
        actors = session.scalars(
            select(AuditEvent.actor).where(
                AuditEvent.action == "photo.approved", AuditEvent.subject_id == photo_id
            )
        ).all()
    assert actors == ["staff:dziekanat.pd"]
    again = client.post(f"{QUEUE}/{photo_id}/approve", data={"csrf_token": csrf})
    assert again.status_code == 409 and "already" in again.text


def test_reject_needs_a_reason_the_student_then_sees(office: Office) -> None:
    photo_id = pending_photo(office)
    client = office.sign_in("dziekanat.pd")
    client.headers["Accept-Language"] = "en"
    csrf = office.csrf(client, QUEUE)
    missing = client.post(f"{QUEUE}/{photo_id}/reject", data={"csrf_token": csrf, "reason": " "})
    assert missing.status_code == 422
    assert 'aria-invalid="true"' in missing.text
    with office.runtime.sessions() as session:
        assert session.get_one(Photo, photo_id).status is PhotoStatus.PENDING
    rejected = client.post(
        f"{QUEUE}/{photo_id}/reject",
        data={"csrf_token": csrf, "reason": "the face must be seen from the front"},
    )
    assert rejected.status_code == 303
    # The student reads the reason in the portal.
    student = office.browser()
    login = student.get("/u/pd/login")
    from tests.portal.conftest import form_csrf

    signed = student.post("/u/pd/login", data={"login": "piotr.kowalski",
                                                "password": "demo-piotr-1",
                                                "csrf_token": form_csrf(login.text)})  # fmt: skip
    assert signed.status_code == 303
    assert "the face must be seen from the front" in student.get("/u/pd/student/photo").text


def test_polish_queue(office: Office) -> None:
    client = office.sign_in("dziekanat.pd")
    client.headers["Accept-Language"] = "en"
    page = client.get(f"{QUEUE}?lang=pl")
    assert "Zdjęcia" in page.text


@pytest.mark.parametrize(
    ("login", "status"),
    [("dziekanat.pd", 200), ("admin.pd", 200), ("admin", 200), ("dziekanat.uw", 404)],
)
def test_authorization(office: Office, login: str, status: int) -> None:
    photo_id = pending_photo(office)
    client = office.sign_in(login)
    assert client.get(QUEUE).status_code == status
    assert client.get(f"{QUEUE}/{photo_id}/image").status_code == status
    if status == 200:
        csrf = office.csrf(client, QUEUE)
        # A photo of another university under this one's address does not exist.
        uw = office.sign_in("dziekanat.uw")
        assert uw.get(f"/office/u/uw/photos/{photo_id}/image").status_code == 404
        forged = {"csrf_token": "forged", "reason": "x"}
        assert client.post(f"{QUEUE}/{photo_id}/reject", data=forged).status_code == 403
        done = client.post(f"{QUEUE}/{photo_id}/approve", data={"csrf_token": csrf})
        assert done.status_code == 303
    else:
        own = office.csrf(client, "/office/u/uw/photos")
        response = client.post(f"{QUEUE}/{photo_id}/approve", data={"csrf_token": own})
        assert response.status_code == 404
        anonymous = office.browser()
        assert anonymous.get(QUEUE).status_code == 303
        assert anonymous.post(f"{QUEUE}/{photo_id}/approve").status_code in (303, 403)
